//! Attribute lines under a definition (`Status: draft`, `**Covers:** a, b`, `- Tags: x`,
//! `Covers:` followed by a bullet list) and how their values land in a [`Requirement`].

use crate::ids::without_revision;
use crate::model::{Lifecycle, Requirement};

/// One `Key: value` line as written, before the key is interpreted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrLine<'a> {
    /// Leading whitespace in bytes; bullet values of a list-item key must be indented deeper.
    pub indent: usize,
    /// Written as a list item (`- Key: value`).
    pub list: bool,
    pub key: &'a str,
    pub value: &'a str,
}

/// An attribute with its values, each value with the 0-based line it was written on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr {
    pub key: String,
    pub values: Vec<(String, u32)>,
}

/// Parses `Key: value`, `**Key:** value`, `**Key**: value`, `- Key: value` (and the bold
/// forms inside list items). A key is one to three words, the first starting with a letter.
pub fn parse_attr_line(line: &str) -> Option<AttrLine<'_>> {
    let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
    let mut rest = &line[indent..];
    let mut list = false;
    if let Some(after) = strip_bullet(rest) {
        list = true;
        rest = after;
    }
    let bold = ["**", "__"].into_iter().find(|b| rest.starts_with(b));
    if let Some(b) = bold {
        rest = &rest[b.len()..];
    }
    let bytes = rest.as_bytes();
    if !bytes.first().is_some_and(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let word_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    let (mut pos, mut words) = (0, 1);
    while pos < bytes.len() {
        let b = bytes[pos];
        if word_byte(b) {
            pos += 1;
        } else if b == b' ' && words < 3 && bytes.get(pos + 1).is_some_and(|&n| word_byte(n)) {
            words += 1;
            pos += 1;
        } else {
            break;
        }
    }
    let key = &rest[..pos];
    if reads_as_prose(key) {
        return None;
    }
    let after_key = &rest[pos..];
    let after_colon = match bold {
        Some(b) => {
            let colon_in = format!(":{b}");
            let colon_out = format!("{b}:");
            after_key
                .strip_prefix(colon_in.as_str())
                .or_else(|| after_key.strip_prefix(colon_out.as_str()))?
        }
        None => after_key.strip_prefix(':')?,
    };
    if !(after_colon.is_empty() || after_colon.starts_with([' ', '\t'])) {
        return None;
    }
    // A trailing backslash is a Markdown hard break, not part of the value.
    let value = after_colon.trim();
    let value = value.strip_suffix('\\').map_or(value, str::trim_end);
    Some(AttrLine {
        indent,
        list,
        key,
        value,
    })
}

/// Words that open a sentence or end a clause: `A flaky check: fails on ...` and `Validation
/// checks that:` are prose introducing what follows, not a key (PRODUCT.md section 13).
const SENTENCE_OPENERS: [&str; 10] = [
    "a", "an", "the", "this", "these", "those", "each", "every", "it", "we",
];
const CLAUSE_ENDERS: [&str; 20] = [
    "that",
    "which",
    "is",
    "are",
    "was",
    "be",
    "to",
    "of",
    "for",
    "when",
    "if",
    "as",
    "and",
    "or",
    "with",
    "by",
    "in",
    "on",
    "following",
    "where",
];

/// A key of several words that starts like a sentence or ends like a clause.
fn reads_as_prose(key: &str) -> bool {
    let mut words = key.split(' ');
    let first = words.next().unwrap_or("");
    let Some(last) = words.next_back().or_else(|| words.next()) else {
        return false;
    };
    SENTENCE_OPENERS.contains(&first.to_ascii_lowercase().as_str())
        || CLAUSE_ENDERS.contains(&last.to_ascii_lowercase().as_str())
}

/// The keys reqtrail gives a meaning to (lowercase); any other key is kept as a field.
pub const KNOWN_KEYS: [&str; 11] = [
    "status",
    "priority",
    "tags",
    "covers",
    "parents",
    "refines",
    "needs",
    "verification",
    "waived",
    "rationale",
    "depends",
];

/// `- value`, `* value`, `+ value`: the text after the bullet.
pub fn strip_bullet(s: &str) -> Option<&str> {
    let rest = s.strip_prefix(['-', '*', '+'])?;
    if rest.starts_with([' ', '\t']) {
        Some(rest.trim_start())
    } else {
        None
    }
}

/// A bullet line: its indentation and its trimmed text.
pub fn bullet_value(line: &str) -> Option<(usize, &str)> {
    let trimmed = line.trim_start_matches([' ', '\t']);
    let indent = line.len() - trimmed.len();
    let value = strip_bullet(trimmed)?.trim();
    Some((indent, value))
}

/// Splits a list value on commas and whitespace, dropping Markdown decoration around each item.
fn split_items(value: &str) -> impl Iterator<Item = String> + '_ {
    value
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .map(clean_item)
        .filter(|s| !s.is_empty())
}

/// The ids part of a parent list: mantra brackets the list (``[`a`, `b`]``), reqtrace follows
/// each bulleted id with its title (`REQ_ID: Title`).
fn parent_list(value: &str) -> &str {
    let v = value.trim();
    if let Some(inner) = v.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        if !inner.contains(['[', ']']) {
            return inner;
        }
    }
    match v.split_once(": ") {
        Some((id, _title)) if !id.contains([',', ' ', '\t']) => id,
        _ => v,
    }
}

/// `` `id` ``, `**id**`, `[id](#anchor)`, `[id]`, `id.` -> `id`.
fn clean_item(item: &str) -> String {
    let mut s = item.trim().trim_matches(|c| c == '`' || c == '*');
    if let Some(inner) = s.strip_prefix('[') {
        if let Some(close) = inner.find(']') {
            s = &inner[..close];
        }
    }
    s.trim_matches(|c| c == '`' || c == '*')
        .trim_end_matches(['.', ':'])
        .to_string()
}

fn joined(values: &[(String, u32)]) -> String {
    values
        .iter()
        .map(|(v, _)| v.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn add_field(req: &mut Requirement, key: &str, value: String) {
    match req.fields.get_mut(key) {
        Some(existing) if !value.is_empty() => {
            if !existing.is_empty() {
                existing.push_str(", ");
            }
            existing.push_str(&value);
        }
        Some(_) => {}
        None => {
            req.fields.insert(key.to_string(), value);
        }
    }
}

/// Sets the requirement's fields from one attribute (values carry 0-based lines; the model
/// stores 1-based ones).
pub fn apply(req: &mut Requirement, attr: &Attr) {
    let values = &attr.values;
    match attr.key.to_ascii_lowercase().as_str() {
        "status" => {
            let raw = joined(values);
            match Lifecycle::parse(&raw) {
                Some(lifecycle) => req.lifecycle = lifecycle,
                None => add_field(req, "Status", raw),
            }
        }
        "priority" => req.priority = Some(joined(values)),
        "verification" => req.verification = Some(joined(values)),
        "waived" => req.waived = Some(joined(values)),
        "rationale" => add_field(req, "Rationale", joined(values)),
        "tags" => {
            for (value, _) in values {
                req.tags.extend(split_items(value));
            }
        }
        "needs" => {
            for (value, _) in values {
                req.needs.extend(split_items(value));
            }
        }
        "covers" | "parents" | "refines" => {
            for (value, line) in values {
                for item in split_items(parent_list(value)) {
                    let id = without_revision(&item).to_string();
                    req.parents.push((id, line + 1));
                }
            }
        }
        _ => add_field(req, &attr.key, joined(values)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // r[verify spec.attributes]
    #[test]
    fn attribute_line_forms() {
        let plain = parse_attr_line("Status: draft").unwrap();
        assert_eq!(
            (plain.key, plain.value, plain.list),
            ("Status", "draft", false)
        );
        let bold_in = parse_attr_line("**Covers:** a, b").unwrap();
        assert_eq!((bold_in.key, bold_in.value), ("Covers", "a, b"));
        let bold_out = parse_attr_line("**Covers**: a, b").unwrap();
        assert_eq!((bold_out.key, bold_out.value), ("Covers", "a, b"));
        let item = parse_attr_line("- Section: 4.2").unwrap();
        assert_eq!((item.key, item.value, item.list), ("Section", "4.2", true));
        let three = parse_attr_line("Owner team name: payments").unwrap();
        assert_eq!(three.key, "Owner team name");
        let hard_break = parse_attr_line("Priority: high\\").unwrap();
        assert_eq!(hard_break.value, "high");
        let empty = parse_attr_line("Waived:").unwrap();
        assert_eq!(empty.value, "");
        let bold_item = parse_attr_line("  * __Tags:__ x").unwrap();
        assert_eq!((bold_item.key, bold_item.indent), ("Tags", 2));
    }

    // r[verify spec.attributes]
    #[test]
    fn prose_is_not_an_attribute() {
        assert_eq!(
            parse_attr_line("The system shall lock the account: always"),
            None
        );
        assert_eq!(parse_attr_line("See https://example.com/x"), None);
        assert_eq!(parse_attr_line("https://example.com"), None);
        assert_eq!(parse_attr_line("10:30 is the cut-off"), None);
        assert_eq!(parse_attr_line("**Covers** a"), None);
        assert_eq!(parse_attr_line("Key:value"), None);
        assert_eq!(parse_attr_line(""), None);
    }

    // r[verify spec.attributes]
    #[test]
    fn parent_ids_lose_their_revision() {
        assert_eq!(without_revision("auth.login+2"), "auth.login");
        assert_eq!(without_revision("feat~login~1"), "feat~login");
        assert_eq!(without_revision("feat~login"), "feat~login");
        assert_eq!(without_revision("REQ-1"), "REQ-1");
        assert_eq!(clean_item("`feat~x~1`"), "feat~x~1");
        assert_eq!(clean_item("[auth.login](#auth.login)"), "auth.login");
    }
}
