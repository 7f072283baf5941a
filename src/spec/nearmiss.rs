//! Near misses in requirement documents: headings that look like a requirement id written in a
//! style reqtrail does not read (`## KV-003+2: ...`, `## KV-004 (rev 2): ...`, `## kv-005: ...`).
//! Without a diagnostic such a requirement would silently vanish from the count (PRODUCT.md
//! section 13).

use super::scan::Lines;
use super::syntax;
use crate::config::SpecOptions;
use crate::model::{Code, Diagnostic};

/// The text of a heading before its first separator (`:` or a spaced dash), trimmed.
fn id_part(content: &str) -> &str {
    let colon = content.find(':');
    let dash = [" - ", " – ", " — "]
        .iter()
        .filter_map(|d| content.find(d))
        .min();
    let cut = match (colon, dash) {
        (Some(a), Some(b)) => a.min(b),
        (a, b) => a.or(b).unwrap_or(content.len()),
    };
    content[..cut].trim()
}

/// What is wrong with `candidate` as a heading id, and the id it was probably meant to be.
fn diagnose(candidate: &str, options: &SpecOptions, heading_defs: bool) -> Option<String> {
    let is_id = |s: &str| options.heading_id.as_ref().is_some_and(|re| re.is_match(s));
    if let Some((base, rev)) = candidate.rsplit_once('+') {
        if is_id(base) && !rev.is_empty() && rev.bytes().all(|b| b.is_ascii_digit()) {
            return Some(format!(
                "`{candidate}` looks like requirement `{base}` with revision {rev}, but a heading id takes no `+N`: write `{base}: ...` (revisions belong to markers, `r[id+N]`)"
            ));
        }
    }
    if let Some(open) = candidate.find(" (") {
        let base = candidate[..open].trim();
        if is_id(base) && candidate.ends_with(')') {
            let note = &candidate[open + 1..];
            return Some(format!(
                "`{candidate}` looks like requirement `{base}`, but `{note}` between the id and the separator hides it: write `{base}: ...` and move `{note}` into the title or an attribute"
            ));
        }
    }
    let upper = candidate.to_ascii_uppercase();
    // Only id-shaped words (with a number) count: `## step-by-step` is an ordinary heading.
    let numbered = candidate.bytes().any(|b| b.is_ascii_digit());
    if heading_defs && numbered && upper != candidate && is_id(&upper) && !is_id(candidate) {
        return Some(format!(
            "`{candidate}` looks like requirement id `{upper}` in the wrong case; ids are case-sensitive and this document's ids match `{}`: write `{upper}: ...`, or set `id-pattern` in reqtrail.toml",
            options
                .heading_id
                .as_ref()
                .map_or("", |re| re.as_str())
                .trim_start_matches("^(?:")
                .trim_end_matches(")$")
        ));
    }
    None
}

/// A `near-miss` warning for every ATX heading that is not a definition but reads like one.
/// `defined` holds the definition lines in order. `heading_defs`: the document defines heading-style requirements, so a lowercase id there is
/// a typo rather than an ordinary heading.
pub(super) fn headings(
    lines: &Lines<'_>,
    options: &SpecOptions,
    defined: &[usize],
    heading_defs: bool,
    file: &str,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for heading in &lines.headings {
        let line = heading.start_line as usize;
        if !heading.atx || lines.has(line, super::scan::OFF) || defined.binary_search(&line).is_ok()
        {
            continue;
        }
        let content = super::heading_content(lines, heading);
        let id_part = id_part(&content);
        // A backticked id is read whatever the pattern; one without a title is only a heading.
        if id_part.starts_with('`') {
            continue;
        }
        let candidate = syntax::plain_text(id_part);
        if candidate.is_empty() || candidate.len() > 80 {
            continue;
        }
        if let Some(message) = diagnose(&candidate, options, heading_defs) {
            out.push(Diagnostic::at(
                Code::NearMiss,
                format!("heading not read as a requirement: {message}"),
                file,
                scan_line(line),
            ));
        }
    }
    out
}

/// What is wrong with a paragraph that opens with `word[inner]` (and `rest` after it), if it
/// looks like a marker definition that is not read as one. `used` are the prefixes this
/// document defines with.
fn diagnose_marker(
    word: &str,
    inner: &str,
    rest: &str,
    options: &SpecOptions,
    used: &[&str],
) -> Option<String> {
    let known = |p: &str| options.prefixes.iter().any(|k| k == p) || used.contains(&p);
    let written = format!("{word}[{inner}]");
    let lower = word.to_ascii_lowercase();
    if lower != word {
        let fixed = format!("{lower}[{inner}]");
        let parsed = syntax::parse_marker(&fixed)?;
        return (parsed.id.contains('.') || known(&lower)).then(|| {
            format!("`{written}` looks like a requirement marker, but prefixes are lower-case: write `{fixed}`")
        });
    }
    match syntax::parse_marker(&written) {
        None => {
            let verb = inner.split_whitespace().next().unwrap_or("");
            let is_verb = matches!(verb, "verify" | "impl" | "depends" | "related");
            (known(word) && !inner.trim().is_empty() && !is_verb).then(|| {
                format!("`{written}` looks like a requirement marker, but `{inner}` is not an id (letters, digits and `_ . - / :`, no spaces, an optional `+N`)")
            })
        }
        Some(marker) => {
            let text_after = !rest.trim().is_empty();
            (text_after && !known(word) && marker.id.contains('.')).then(|| {
                format!("`{written}` opens a paragraph with text on its line, which only defines a requirement for the prefixes `r` and those in `prefixes`: put the text on the next line, or add `{word}` to `prefixes` in reqtrail.toml")
            })
        }
    }
}

/// A `near-miss` warning for every paragraph that opens like a marker definition but is not
/// one: `R[auth.login]`, `r[auth login]`, `req[auth.login] text` with `req` not configured.
pub(super) fn markers(
    lines: &Lines<'_>,
    options: &SpecOptions,
    defined: &[usize],
    used: &[&str],
    file: &str,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, info) in lines.info.iter().enumerate() {
        let prose =
            info.flags & (super::NOT_PROSE | super::scan::PARA_START) == super::scan::PARA_START;
        if !prose
            || info.inline_kind != super::scan::Inline::Text
            || defined.binary_search(&i).is_ok()
        {
            continue;
        }
        let content = lines.line(i);
        let rest = &content[super::scan::strip_quotes(content).1..];
        let word_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
        if word_len == 0
            || !rest.as_bytes()[0].is_ascii_alphabetic()
            || rest.as_bytes().get(word_len) != Some(&b'[')
        {
            continue;
        }
        let after = &rest[word_len + 1..];
        let Some(close) = after.get(..after.len().min(200)).and_then(|a| a.find(']')) else {
            continue;
        };
        let (word, inner, tail) = (&rest[..word_len], &after[..close], &after[close + 1..]);
        if let Some(message) = diagnose_marker(word, inner, tail, options, used) {
            out.push(Diagnostic::at(Code::NearMiss, message, file, scan_line(i)));
        }
    }
    out
}

fn scan_line(line: usize) -> u32 {
    super::scan::to_u32(line).saturating_add(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diag(candidate: &str, heading_defs: bool) -> Option<String> {
        diagnose(candidate, &SpecOptions::default(), heading_defs)
    }

    // r[verify compat.near-miss]
    #[test]
    fn revision_suffix_note_and_case_are_near_misses() {
        assert!(diag("KV-003+2", false).unwrap().contains("`KV-003`"));
        assert!(diag("KV-004 (rev 2)", false).unwrap().contains("`(rev 2)`"));
        assert!(diag("kv-005", true).unwrap().contains("`KV-005`"));
        // An ordinary heading in a document without heading requirements is left alone.
        assert_eq!(diag("step-1", false), None);
        assert_eq!(diag("step-by-step", true), None);
        assert_eq!(diag("Overview", true), None);
        assert_eq!(diag("KV-006", true), None);
        assert_eq!(diag("Release 2 (draft)", true), None);
    }

    fn marker(word: &str, inner: &str, rest: &str) -> Option<String> {
        diagnose_marker(word, inner, rest, &SpecOptions::default(), &["w"])
    }

    // r[verify compat.near-miss]
    #[test]
    fn markers_in_the_wrong_case_with_bad_ids_or_unconfigured_text_are_near_misses() {
        assert!(marker("R", "auth.login", "")
            .unwrap()
            .contains("write `r[auth.login]`"));
        assert!(marker("r", "auth login", "")
            .unwrap()
            .contains("is not an id"));
        assert!(marker("req", "auth.login", " The system")
            .unwrap()
            .contains("add `req` to `prefixes`"));
        // Ordinary text and references are left alone.
        assert_eq!(marker("A", "i", ""), None);
        assert_eq!(marker("see", "1", " below"), None);
        assert_eq!(marker("r", "verify auth.login", ""), None);
        assert_eq!(marker("w", "frame.header", ""), None);
        assert_eq!(marker("x", "y z", ""), None);
    }
}
