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
    escaped_as_scanned(report, !super::hostile::holds_hostile(report))
}

/// [`escaped`] for a report whose JSON form was already scanned (by [`Scanning`] while the
/// `--json` file was written): `clean` is what the scan found.
pub fn escaped_as_scanned(report: &Report, clean: bool) -> Cow<'_, Report> {
    if clean {
        return Cow::Borrowed(report);
    }
    let Ok(mut value) = serde_json::to_value(report) else {
        return Cow::Owned(report.clone());
    };
    escape_value(&mut value, false);
    Cow::Owned(serde_json::from_value(value).unwrap_or_else(|_| report.clone()))
}

/// A writer that passes the report's JSON through to `inner` and scans it on the way, so
/// writing `--json` also tells whether the terminal needs an escaped copy, without a second
/// serialisation of the report.
pub struct Scanning<W> {
    inner: W,
    scan: HostileScan,
}

impl<W: std::io::Write> Scanning<W> {
    pub fn new(inner: W) -> Self {
        Scanning {
            inner,
            scan: HostileScan::default(),
        }
    }

    /// Whether everything written so far is free of anything [`escaped`] would change.
    pub fn clean(&self) -> bool {
        !self.scan.hostile
    }
}

impl<W: std::io::Write> std::io::Write for Scanning<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        if !self.scan.hostile {
            self.scan.bytes(&buf[..n]);
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Reads JSON as serde_json writes it (compact or pretty) and notes whether any string holds a character
/// that [`escape_value`] would change: a control character (written `\r`, `\b`, `\f`,
/// `\u00XX`), DEL, a C1 control, a bidirectional override, or a line break anywhere but in the
/// string value of a `"text"` key.
#[derive(Default)]
struct HostileScan {
    hostile: bool,
    in_string: bool,
    after_backslash: bool,
    string_has_newline: bool,
    string_under_text: bool,
    /// The first bytes of the current string, enough to tell the key `text`.
    head: [u8; 5],
    len: usize,
    string_had_escape: bool,
    /// A string just closed: the next byte tells a key (`:`) from a value.
    closed: bool,
    closed_is_text: bool,
    after_text_colon: bool,
    prev: [u8; 2],
}

impl HostileScan {
    /// Scans `buf`, stopping at the first hostile character. Inside a string, a run of plain
    /// ASCII past the first bytes (which tell the key `text`) is skipped at once: that is
    /// nearly all of a report, and byte-at-a-time it cost as much as writing the JSON.
    fn bytes(&mut self, buf: &[u8]) {
        let mut i = 0;
        while i < buf.len() && !self.hostile {
            if !self.in_string && buf[i].is_ascii_whitespace() {
                // Indentation, a third of pretty JSON, means nothing between tokens.
                i += plain_run(&buf[i..], not_blank, |b| !b.is_ascii_whitespace());
                continue;
            }
            if self.in_string && !self.after_backslash && self.len >= self.head.len() {
                let run = plain_run(&buf[i..], string_specials, |b| {
                    b == b'"' || b == b'\\' || !(0x20..0x7f).contains(&b)
                });
                if run > 0 {
                    self.len += run;
                    // Only multi-byte sequences read `prev`, and a run holds none.
                    self.prev = [0, 0];
                    i += run;
                    continue;
                }
            }
            self.byte(buf[i]);
            i += 1;
        }
    }

    fn byte(&mut self, b: u8) {
        if self.in_string {
            self.string_byte(b);
            return;
        }
        // Whitespace between tokens means nothing; pretty JSON has it after every `:`.
        if b.is_ascii_whitespace() {
            return;
        }
        if self.closed {
            self.closed = false;
            if b == b':' {
                if self.string_has_newline {
                    self.hostile = true;
                }
                self.after_text_colon = self.closed_is_text;
                return;
            }
            if self.string_has_newline && !self.string_under_text {
                self.hostile = true;
            }
        }
        if b == b'"' {
            self.in_string = true;
            self.string_under_text = self.after_text_colon;
            self.string_has_newline = false;
            self.len = 0;
            self.string_had_escape = false;
            self.prev = [0, 0];
        }
        self.after_text_colon = false;
    }

    fn string_byte(&mut self, b: u8) {
        if self.after_backslash {
            self.after_backslash = false;
            self.string_had_escape = true;
            match b {
                b'n' => self.string_has_newline = true,
                b'r' | b'b' | b'f' | b'u' => self.hostile = true,
                _ => {}
            }
            self.len += 2;
            return;
        }
        match b {
            b'\\' => self.after_backslash = true,
            b'"' => {
                self.in_string = false;
                self.closed = true;
                self.closed_is_text =
                    !self.string_had_escape && self.len == 4 && &self.head[..4] == b"text";
                return;
            }
            0x7f => self.hostile = true,
            // U+0080..U+009F in UTF-8: C2 80..C2 9F.
            0x80..=0x9f if self.prev[1] == 0xc2 => self.hostile = true,
            // U+202A..U+202E (E2 80 AA..AE) and U+2066..U+2069 (E2 81 A6..A9).
            0xaa..=0xae if self.prev == [0xe2, 0x80] => self.hostile = true,
            0xa6..=0xa9 if self.prev == [0xe2, 0x81] => self.hostile = true,
            _ => {}
        }
        if self.len < self.head.len() {
            self.head[self.len] = b;
        }
        self.len += 1;
        self.prev = [self.prev[1], b];
    }
}

/// How many bytes at the start of `buf` are plain, eight at a time: `stops` gives the high bit
/// of each byte of a little-endian word that is not plain (`special` says so for one byte).
/// The scan runs over every byte of a report's JSON, so it is kept to a few instructions a word.
fn plain_run(buf: &[u8], stops: impl Fn(u64) -> u64, special: impl Fn(u8) -> bool) -> usize {
    let mut i = 0;
    while let Some(chunk) = buf.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let hits = stops(u64::from_le_bytes(word));
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    i + buf[i..]
        .iter()
        .position(|&b| special(b))
        .unwrap_or(buf.len() - i)
}

const ONES: u64 = 0x0101_0101_0101_0101;
const LOWS: u64 = 0x7f7f_7f7f_7f7f_7f7f;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// High bit set in exactly the bytes of `w` equal to `b`.
fn equal(w: u64, b: u8) -> u64 {
    let x = w ^ (ONES * u64::from(b));
    !(((x & LOWS).wrapping_add(LOWS)) | x | LOWS)
}

/// Bytes that stop a run of plain text in a JSON string: `"`, `\`, below 0x20, 0x7f and up.
/// The two range tests may also mark bytes above a real stop (a borrow or a carry), never below
/// one, and only the lowest mark is read.
fn string_specials(w: u64) -> u64 {
    let below_space = w.wrapping_sub(ONES * 0x20) & !w & HIGHS;
    let high_or_del = (w | w.wrapping_add(ONES)) & HIGHS;
    equal(w, b'"') | equal(w, b'\\') | below_space | high_or_del
}

/// Bytes that are neither a space nor a newline, the only blanks serde_json writes.
fn not_blank(w: u64) -> u64 {
    !(equal(w, b' ') | equal(w, b'\n')) & HIGHS
}

impl std::io::Write for HostileScan {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes(buf);
        if self.hostile {
            return Err(std::io::Error::other("hostile character"));
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
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

    // r[verify perf.outputs]
    #[test]
    fn word_at_a_time_runs_stop_where_byte_at_a_time_would() {
        let special = |b: u8| b == b'"' || b == b'\\' || !(0x20..0x7f).contains(&b);
        let stops = [
            b'"', b'\\', 0, 0x1f, 0x7f, 0x80, 0xc2, 0xe2, 0xff, b'\n', b'\t',
        ];
        let plain = [b'a', b' ', b'!', b'~', 0x21, 0x7e, b'#', b']'];
        for len in 0..20 {
            for at in 0..=len {
                for &stop in &stops {
                    for &filler in &plain {
                        let mut buf = vec![filler; len];
                        if at < len {
                            buf[at] = stop;
                            // Whatever follows a stop must not move it.
                            for k in at + 1..len {
                                buf[k] = stops[k % stops.len()];
                            }
                        }
                        let want = buf.iter().position(|&b| special(b)).unwrap_or(len);
                        assert_eq!(plain_run(&buf, string_specials, special), want, "{buf:?}");
                        let blank = |b: u8| !b.is_ascii_whitespace();
                        let spaced: Vec<u8> = buf
                            .iter()
                            .map(|&b| if b == filler { b' ' } else { b })
                            .collect();
                        let want = spaced.iter().position(|&b| blank(b)).unwrap_or(len);
                        let got = plain_run(&spaced, not_blank, blank);
                        // A tab is whitespace the word test leaves to the byte loop.
                        assert!(
                            got <= want && (got == want || spaced[got] == b'\t'),
                            "{spaced:?}"
                        );
                    }
                }
            }
        }
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
