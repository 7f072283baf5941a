//! Text from input on a terminal or in a CI log: control characters escaped (as ripgrep and git
//! show them) so a requirement, a file name or a test name cannot set the window title, clear
//! the screen, write the clipboard or fake lines; and, under `--format github`, the human part
//! fenced with `stop-commands` so no line of it is read as a workflow command.

use super::Report;
use crate::gate::GateVerdict;
use serde_json::Value;
use std::borrow::Cow;
use std::fmt::Write;

/// Whether `c` must not reach a terminal as itself: C0 controls but tab (and newline where
/// newlines are kept), DEL, C1 controls, and the bidirectional overrides and isolates that
/// reorder what a reader sees ("Trojan Source").
pub(crate) fn is_hostile(c: char, keep_newlines: bool) -> bool {
    match c {
        '\t' => false,
        '\n' => !keep_newlines,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => true,
        _ => false,
    }
}

/// `text` with every hostile character written as an escape: `\x1b`, `\r`, `\n`, `\u{9b}`.
pub fn escape(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !text.chars().any(|c| is_hostile(c, keep_newlines)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if !is_hostile(c, keep_newlines) {
            out.push(c);
            continue;
        }
        match c {
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x80 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
        }
    }
    Cow::Owned(out)
}

/// The report with every string from input escaped for a terminal. Only a requirement's `text`
/// keeps its line breaks; everywhere else (titles, ids, file names, test names, messages) a
/// line break would fake a line of output.
///
/// Nearly every report holds nothing hostile, so its strings are first visited where they are
/// (`hostile::holds_hostile`: no copy, no JSON); only when that finds something is the report
/// rebuilt with its strings escaped.
pub fn escaped(report: &Report) -> Cow<'_, Report> {
    if !super::hostile::holds_hostile(report) {
        return Cow::Borrowed(report);
    }
    let Ok(mut value) = serde_json::to_value(report) else {
        return Cow::Owned(report.clone());
    };
    escape_value(&mut value, false);
    Cow::Owned(serde_json::from_value(value).unwrap_or_else(|_| report.clone()))
}

/// The gate's verdict with its reasons and blocking ids escaped like [`escaped`]'s report, so
/// the two still match.
pub fn escaped_verdict(verdict: &GateVerdict) -> GateVerdict {
    let all = |list: &[String]| -> Vec<String> {
        list.iter().map(|s| escape(s, false).into_owned()).collect()
    };
    GateVerdict {
        passed: verdict.passed,
        reasons: all(&verdict.reasons),
        blocking: all(&verdict.blocking),
        deny_warnings: verdict.deny_warnings,
    }
}

fn escape_value(value: &mut Value, keep_newlines: bool) {
    match value {
        Value::String(s) => {
            if let Cow::Owned(escaped) = escape(s, keep_newlines) {
                *s = escaped;
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| escape_value(v, keep_newlines)),
        Value::Object(map) => {
            let hostile_keys: Vec<String> = map
                .keys()
                .filter(|k| matches!(escape(k, false), Cow::Owned(_)))
                .cloned()
                .collect();
            for key in hostile_keys {
                if let Some(v) = map.remove(&key) {
                    map.insert(escape(&key, false).into_owned(), v);
                }
            }
            for (key, v) in map.iter_mut() {
                escape_value(v, key == "text");
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Fences text printed into a GitHub Actions log after reqtrail's own annotations so the
/// runner reads none of its lines as a workflow command (it looks for `::` after leading
/// whitespace, and for `##[` anywhere). The resume token is a hash of the text itself, so the
/// output stays deterministic and the text cannot contain the line that ends the fence.
pub fn github_fenced(text: &str) -> String {
    use sha2::{Digest, Sha256};
    if text.is_empty() {
        return String::new();
    }
    let digest = Sha256::digest(text.as_bytes());
    let mut token = String::from("reqtrail-");
    for byte in &digest[..16] {
        let _ = write!(token, "{byte:02x}");
    }
    let newline = if text.ends_with('\n') { "" } else { "\n" };
    format!("::stop-commands::{token}\n{text}{newline}::{token}::\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    // r[verify robust.terminal-escapes]
    #[test]
    fn control_characters_become_visible_escapes() {
        assert_eq!(
            escape("title\x1b]0;pwned\x07 \x1b[2J\u{9b}", false),
            "title\\x1b]0;pwned\\x07 \\x1b[2J\\u{9b}"
        );
        assert_eq!(escape("a\r\nb\tc", false), "a\\r\\nb\tc");
        assert_eq!(escape("a\nb", true), "a\nb");
        assert_eq!(escape("x\u{202e}y", true), "x\\u{202e}y");
        assert!(matches!(escape("plain — text", false), Cow::Borrowed(_)));
    }

    fn one_requirement(file: &str, spec: &str) -> Report {
        let mut project = crate::testkit::Project::new(spec, "");
        project.specs = vec![(file, spec)];
        project.report()
    }

    // r[verify robust.terminal-escapes]
    #[test]
    fn a_report_is_copied_only_when_something_in_it_is_hostile() {
        let plain = one_requirement(
            "docs/spec.md",
            "r[calc.add]\nAdding two numbers — \"exactly\" — gives their sum.\nSecond line\ttabbed.\n",
        );
        assert!(plain.requirements[0].text.contains('\n'));
        assert!(matches!(escaped(&plain), Cow::Borrowed(_)));

        let cases = [
            (
                "docs/spec.md",
                "r[calc.add]\nTitle \x1b]0;pwned\x07 here.\n",
                "\\x1b",
            ),
            (
                "docs/spec.md",
                "r[calc.add]\nTitle \u{9b}2J here.\n",
                "\\u{9b}",
            ),
            (
                "docs/spec.md",
                "r[calc.add]\nTitle \u{202e}here.\n",
                "\\u{202e}",
            ),
            ("docs/spec.md", "r[calc.add]\nTitle\x7f here.\n", "\\x7f"),
            ("docs/a\nb.md", "r[calc.add]\nTitle here.\n", "a\\nb.md"),
        ];
        for (file, spec, expected) in cases {
            let report = one_requirement(file, spec);
            let shown = escaped(&report);
            assert!(matches!(shown, Cow::Owned(_)), "{spec:?} in {file:?}");
            let entry = &shown.requirements[0];
            let seen = format!("{}|{}|{}", entry.title, entry.text, entry.file);
            assert!(seen.contains(expected), "{seen:?} lacks {expected:?}");
            assert!(
                !seen.chars().any(|c| is_hostile(c, false) && c != '\n'),
                "{seen:?}"
            );
            assert!(!entry.title.contains('\n') && !entry.file.contains('\n'));
        }
    }
}
