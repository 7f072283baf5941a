//! The small grammars of section 3: a `PREFIX[id+N]` marker, an OpenFastTrace id
//! `type~name~revision`, a requirement heading `ID: Title`, and the plain-text title made from
//! Markdown source.

use regex::Regex;
use std::borrow::Cow;

/// The separators between an id and its title in a heading, besides `:`.
const DASHES: [&str; 3] = [" - ", " – ", " — "];

/// A `PREFIX[id]` / `PREFIX[id+N]` marker at the start of a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker<'a> {
    pub prefix: &'a str,
    pub id: &'a str,
    pub revision: u32,
    /// Bytes the marker takes, `]` included.
    pub len: usize,
}

pub(crate) use crate::ids::is_plain_id;
use crate::ids::{is_id_start, is_plain_id_byte, is_prefix_byte, revision_number};

/// Parses a marker at the very start of `s`.
pub fn parse_marker(s: &str) -> Option<Marker<'_>> {
    let b = s.as_bytes();
    if !b.first().is_some_and(|c| c.is_ascii_lowercase()) {
        return None;
    }
    let mut p = 1;
    while p < b.len() && is_prefix_byte(b[p]) {
        p += 1;
    }
    let prefix = &s[..p];
    if b.get(p) != Some(&b'[') {
        return None;
    }
    let id_from = p + 1;
    if !b.get(id_from).is_some_and(|&c| is_id_start(c)) {
        return None;
    }
    let mut q = id_from + 1;
    while q < b.len() && is_plain_id_byte(b[q]) {
        q += 1;
    }
    let id = &s[id_from..q];
    let mut revision = 1;
    if b.get(q) == Some(&b'+') {
        let digits_from = q + 1;
        let mut r = digits_from;
        while r < b.len() && b[r].is_ascii_digit() {
            r += 1;
        }
        revision = revision_number(s.get(digits_from..r)?)?;
        q = r;
    }
    if b.get(q) != Some(&b']') {
        return None;
    }
    Some(Marker {
        prefix,
        id,
        revision,
        len: q + 1,
    })
}

/// `type~name~revision` -> (`type~name`, revision).
pub fn parse_oft(s: &str) -> Option<(&str, u32)> {
    let (base, rev) = s.rsplit_once('~')?;
    let (kind, name) = base.split_once('~')?;
    let kind_ok = kind
        .as_bytes()
        .first()
        .is_some_and(|b| b.is_ascii_alphabetic())
        && kind
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if !kind_ok || !is_plain_id(name) {
        return None;
    }
    Some((base, revision_number(rev)?))
}

/// The length of a separator at the start of `s` (`:` or a spaced dash), if there is one.
fn separator_at(s: &str) -> Option<usize> {
    if s.starts_with(':') {
        return Some(1);
    }
    let t = s.trim_start_matches(' ');
    let spaces = s.len() - t.len();
    DASHES
        .iter()
        .find(|d| s.starts_with(**d) || (spaces > 0 && t.starts_with(d.trim_start())))
        .map(|d| {
            if s.starts_with(*d) {
                d.len()
            } else {
                spaces + d.trim_start().len()
            }
        })
}

/// A backticked id at the start of `content`: the id and what follows the closing backtick.
fn backticked(content: &str) -> Option<(&str, &str)> {
    let inner = content.strip_prefix('`')?;
    let close = inner.find('`')?;
    Some((&inner[..close], &inner[close + 1..]))
}

/// Requirement heading text: `REQ-1: Title`, `REQ-1 - Title`, `REQ-1` alone, or
/// `` `calc.add`: Title `` (the backticked form needs the separator and a title).
pub fn parse_heading_def(content: &str, heading_id: &Regex) -> Option<(String, String)> {
    let content = content.trim();
    if let Some((id, rest)) = backticked(content) {
        if is_plain_id(id) {
            let sep = separator_at(rest)?;
            let title = rest[sep..].trim();
            return (!title.is_empty()).then(|| (id.to_string(), title.to_string()));
        }
        return None;
    }
    // The id is the shortest prefix before a separator that matches the pattern; looking at a
    // handful of separators keeps a pathological heading linear.
    let mut tried = 0;
    for (i, c) in content.char_indices() {
        if tried >= 8 {
            break;
        }
        let len = if c == ':' {
            1
        } else if c == ' ' {
            match DASHES.iter().find(|d| content[i..].starts_with(**d)) {
                Some(d) => d.len(),
                None => continue,
            }
        } else {
            continue;
        };
        tried += 1;
        let id = content[..i].trim();
        if !id.is_empty() && heading_id.is_match(id) {
            return Some((id.to_string(), content[i + len..].trim().to_string()));
        }
    }
    if !content.is_empty() && heading_id.is_match(content) {
        return Some((content.to_string(), String::new()));
    }
    None
}

/// An OpenFastTrace id as a heading's text, with or without backticks, optionally with a
/// separator and title: (id, revision, title).
pub fn parse_oft_heading(content: &str) -> Option<(&str, u32, &str)> {
    let content = content.trim();
    let (raw, rest) = match backticked(content) {
        Some(pair) => pair,
        None => {
            let end = content
                .find(|c: char| c == ':' || c.is_whitespace())
                .unwrap_or(content.len());
            (&content[..end], &content[end..])
        }
    };
    let (id, revision) = parse_oft(raw)?;
    if rest.trim().is_empty() {
        return Some((id, revision, ""));
    }
    let sep = separator_at(rest)?;
    Some((id, revision, rest[sep..].trim()))
}

/// The content of an ATX heading line starting at its `#`s, without the closing `#`s.
pub fn atx_content(line: &str) -> &str {
    let s = line.trim_start_matches([' ', '\t']);
    let s = s.trim_start_matches('#');
    let s = s.trim();
    let without = s.trim_end_matches('#');
    if without.is_empty() {
        return without;
    }
    if without.ends_with([' ', '\t']) {
        without.trim_end()
    } else {
        s
    }
}

/// Markdown inline source as plain text, as a reader of the rendered page sees it: emphasis
/// and code markers, link targets and inline HTML tags dropped; backslash escapes and entities
/// resolved (`2\*n` and `2*n` both read `2*n`, `&amp;` reads `&`); everything else kept,
/// `*`, `_` and backticks that are not markup included.
pub fn plain_text(s: &str) -> String {
    use pulldown_cmark::{Event, Parser};
    let source = inline_only(s.trim());
    let mut out = String::with_capacity(s.len());
    for event in Parser::new(&source) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            _ => {}
        }
    }
    out.trim().to_string()
}

/// `s` escaped so that Markdown reads it as the inline content of one paragraph: a title such
/// as `1. Scope`, `- draft`, `# of retries` or `---` is text, not a list, a heading or a rule.
/// Only a first character that would open a block is escaped, so `**Bold** title` stays bold.
fn inline_only(s: &str) -> Cow<'_, str> {
    let b = s.as_bytes();
    let Some(&first) = b.first() else {
        return Cow::Borrowed(s);
    };
    let spaced = |at: usize| b.get(at).is_none_or(|c| *c == b' ' || *c == b'\t');
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let escape_at = match first {
        b'#' | b'>' | b'+' | b'=' | b'|' | b'<' => Some(0),
        b'-' | b'*' | b'_' => {
            let rule = b.iter().all(|c| *c == first || *c == b' ' || *c == b'\t');
            (spaced(1) || rule).then_some(0)
        }
        b'`' | b'~' => s
            .starts_with(if first == b'`' { "```" } else { "~~~" })
            .then_some(0),
        b'0'..=b'9' => {
            (matches!(b.get(digits), Some(b'.' | b')')) && spaced(digits + 1)).then_some(digits)
        }
        _ => None,
    };
    match escape_at {
        Some(at) => Cow::Owned(format!("{}\\{}", &s[..at], &s[at..])),
        None => Cow::Borrowed(s),
    }
}

/// The first sentence of a requirement's text, as its title: the first prose paragraph (its
/// soft line breaks joined), plain, up to the first `. `, at most 100 characters (with `…`
/// when cut).
pub fn first_sentence(text: &str) -> String {
    // Prose only: a fenced block or an HTML line says nothing a title could use.
    let mut fence: Option<&str> = None;
    let mut paragraph = String::new();
    for line in text.lines().map(str::trim) {
        if let Some(open) = fence {
            if line.starts_with(open) {
                fence = None;
            }
            continue;
        }
        let breaks_paragraph = line.is_empty()
            || line.starts_with("```")
            || line.starts_with("~~~")
            || line.starts_with('<')
            || line.starts_with('#');
        if !paragraph.is_empty() {
            // The paragraph ends at a blank line, a fence, HTML, a heading or a new list item;
            // a few hundred characters are plenty to find 100.
            if breaks_paragraph
                || super::attrs::strip_bullet(line).is_some()
                || paragraph.len() > 1000
                || paragraph.contains(". ")
            {
                break;
            }
            paragraph.push(' ');
            paragraph.push_str(line);
            continue;
        }
        if line.starts_with("```") || line.starts_with("~~~") {
            fence = Some(&line[..3]);
            continue;
        }
        if breaks_paragraph {
            continue;
        }
        paragraph.push_str(strip_bullet_or_number(line));
    }
    let line = paragraph.as_str();
    let line = match line.char_indices().nth(1000) {
        Some((cut_at, _)) => &line[..cut_at],
        None => line,
    };
    let plain = plain_text(line);
    let sentence = match plain.find(". ") {
        Some(dot) => &plain[..dot],
        None => plain.strip_suffix('.').unwrap_or(&plain),
    };
    cut(sentence.trim(), 100)
}

fn strip_bullet_or_number(line: &str) -> &str {
    if let Some(rest) = super::attrs::strip_bullet(line) {
        return rest;
    }
    let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits > 0 {
        let rest = &line[digits..];
        if let Some(r) = rest.strip_prefix(['.', ')']) {
            if r.starts_with(' ') {
                return r.trim_start();
            }
        }
    }
    line
}

/// At most `max` characters, the last one `…` when the text was longer.
pub fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default_re() -> Regex {
        crate::config::SpecOptions::default()
            .heading_id
            .expect("the default pattern compiles")
    }

    // r[verify spec.marker]
    #[test]
    fn markers_parse_with_and_without_revision() {
        let m = parse_marker("r[auth.login+2] text").unwrap();
        assert_eq!(
            (m.prefix, m.id, m.revision, m.len),
            ("r", "auth.login", 2, 15)
        );
        let m = parse_marker("req[a/b:c-d_e]").unwrap();
        assert_eq!((m.prefix, m.id, m.revision), ("req", "a/b:c-d_e", 1));
        assert_eq!(parse_marker("R[x]"), None);
        assert_eq!(parse_marker("r[ x]"), None);
        assert_eq!(parse_marker("r[x y]"), None);
        assert_eq!(parse_marker("r[x+]"), None);
        assert_eq!(parse_marker("r[x+99999999999]"), None);
        assert_eq!(parse_marker("r[é]"), None);
        assert_eq!(parse_marker("r[.x]"), None);
        assert_eq!(parse_marker("r[x"), None);
    }

    // r[verify spec.oft]
    #[test]
    fn oft_ids_parse() {
        assert_eq!(
            parse_oft("req~login-throttle~2"),
            Some(("req~login-throttle", 2))
        );
        assert_eq!(parse_oft("dsn~cli.help~10"), Some(("dsn~cli.help", 10)));
        assert_eq!(parse_oft("req~x"), None);
        assert_eq!(parse_oft("req~~1"), None);
        assert_eq!(parse_oft("~x~1"), None);
        assert_eq!(parse_oft("req~x~y"), None);
        assert_eq!(parse_oft_heading("req~x~3"), Some(("req~x", 3, "")));
        assert_eq!(
            parse_oft_heading("`req~x~3`: Throttle"),
            Some(("req~x", 3, "Throttle"))
        );
        assert_eq!(
            parse_oft_heading("req~x~3 - Throttle"),
            Some(("req~x", 3, "Throttle"))
        );
        assert_eq!(parse_oft_heading("Login throttle"), None);
    }

    // r[verify spec.heading]
    #[test]
    fn heading_ids_and_separators() {
        let re = default_re();
        let parse = |s: &str| parse_heading_def(s, &re);
        let pair = |a: &str, b: &str| Some((a.to_string(), b.to_string()));
        assert_eq!(
            parse("REQ-012: Lock the account"),
            pair("REQ-012", "Lock the account")
        );
        assert_eq!(
            parse("REQ-FAIL-1 - Fail fast"),
            pair("REQ-FAIL-1", "Fail fast")
        );
        assert_eq!(
            parse("DSG_CLI – Command line"),
            pair("DSG_CLI", "Command line")
        );
        assert_eq!(parse("REQ-2 — Em dash"), pair("REQ-2", "Em dash"));
        assert_eq!(parse("REQ-3"), pair("REQ-3", ""));
        assert_eq!(
            parse("`calc.add`: Adds two numbers"),
            pair("calc.add", "Adds two numbers")
        );
        assert_eq!(parse("`calc.add` - Adds"), pair("calc.add", "Adds"));
        assert_eq!(parse("`calc.add`"), None);
        assert_eq!(parse("`asm`"), None);
        assert_eq!(parse("STDERR: where errors go"), None);
        assert_eq!(parse("Overview"), None);
        assert_eq!(parse("Req-1: lowercase"), None);
    }

    // r[verify spec.marker]
    #[test]
    fn titles_are_first_sentences_in_plain_text() {
        assert_eq!(
            first_sentence("The **API** shall use `TLS`. Always."),
            "The API shall use TLS"
        );
        assert_eq!(
            first_sentence("See [the guide](http://x.y/z).\nMore"),
            "See the guide"
        );
        assert_eq!(
            first_sentence(
                "A zero-cost request is allowed, even\nwhen the bucket is empty. Second sentence."
            ),
            "A zero-cost request is allowed, even when the bucket is empty"
        );
        assert_eq!(
            first_sentence("First line\n\nSecond paragraph."),
            "First line"
        );
        assert_eq!(
            first_sentence("keep_snake_case and _drop_ emphasis"),
            "keep_snake_case and drop emphasis"
        );
        let long = "word ".repeat(40);
        let title = first_sentence(&long);
        assert_eq!(title.chars().count(), 100);
        assert!(title.ends_with('…'));
        assert_eq!(first_sentence(""), "");
        assert_eq!(first_sentence("- A list item. Second."), "A list item");
        assert_eq!(
            first_sentence("```rust\nlet a = 1;\n```\n<!-- note -->\nAfter the code. More."),
            "After the code"
        );
        assert_eq!(first_sentence("```\nonly code\n```"), "");
    }

    // r[verify spec.heading]
    #[test]
    fn plain_text_keeps_link_text_and_stays_linear() {
        assert_eq!(plain_text("[*a*](u) [b] c) [d](e"), "a [b] c) [d](e");
        assert_eq!(plain_text("![logo](l.png) _x_ é_x x_é"), "logo x é_x x_é");
        assert_eq!(plain_text(&"[".repeat(100_000)).len(), 100_000);
        assert_eq!(plain_text(&"[a](".repeat(100_000)).len(), 400_000);
        let long_title = "Long ".repeat(200);
        assert_eq!(plain_text(&long_title), long_title.trim());
    }

    // r[verify spec.heading]
    #[test]
    fn atx_content_drops_closing_hashes() {
        assert_eq!(atx_content("## REQ-1: Title ##"), "REQ-1: Title");
        assert_eq!(atx_content("# C#"), "C#");
        assert_eq!(atx_content("###"), "");
        assert_eq!(atx_content("## a #b"), "a #b");
    }
}
