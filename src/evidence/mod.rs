//! Test results as evidence (PRODUCT.md section 5): JUnit XML and libtest JSON lines in,
//! one [`TestResult`] per reported test out, and the join of those results onto the tests the
//! Rust scanner found.
//!
//! The format is detected from the content, not the file name, because CI systems rename
//! artifacts freely: a file whose first non-blank character is `<` is JUnit XML, one whose
//! first non-blank character is `{` (or that has any line starting with `{`) is libtest JSON
//! lines. Every error is a single line `FILE:LINE: what is wrong`; the CLI prints it and
//! exits 2, because a results file that cannot be read must never look like "no failures".

mod join;
mod junit;
mod libtest;
mod provenance;
mod stream;

pub use join::{join, join_aliased, Join};
pub use provenance::{describe, ResultsFile};

use crate::model::TestResult;
use std::io::BufRead;
use stream::Source;

/// Messages (failure text, captured output) are cut to this many characters: enough for the
/// panic message and the first frames, while 20,000 failing tests stay a few megabytes.
pub const MAX_MESSAGE_CHARS: usize = 2_000;

/// Why a results file gave no results.
#[derive(Debug)]
pub enum ReadError {
    /// It holds more than the cap allows (`max-results-bytes`); reading stopped there.
    OverCap,
    /// Not results, or damaged: one line `FILE:LINE: what is wrong`.
    Parse(String),
    /// The file could not be read (a directory, an I/O error): why.
    Io(String),
}

/// Reads one results file from `input` as a stream, stopping past `cap` bytes: memory grows
/// with the results kept, not with the file. The format is detected from the content; `file`
/// is the name used in error messages and in each result's location.
pub fn read_results(
    file: &str,
    input: Box<dyn std::io::Read + '_>,
    cap: u64,
) -> Result<(Vec<TestResult>, ResultsFile), ReadError> {
    let mut source = Source::new(input, cap);
    match detect_and_parse(file, &mut source) {
        Ok(results) => {
            let raw = source
                .finish()
                .map_err(|e| ReadError::Parse(format!("{file}:1: {e}")));
            match raw {
                Ok(raw) if !raw.over_cap => {
                    let described =
                        provenance::describe_raw(file, raw.sha256, &raw.head, results.len());
                    Ok((results, described))
                }
                _ => Err(ReadError::OverCap),
            }
        }
        Err(e) => {
            if let Some(io) = source.io_error() {
                return Err(ReadError::Io(io.to_string()));
            }
            if source.raw().over_cap {
                return Err(ReadError::OverCap);
            }
            // The parsers' own messages may quote the input, line breaks and all (quick-xml
            // names the mismatched closing tag as written): the error stays one line of
            // bounded length.
            let one_line: Vec<&str> = e.split(['\n', '\r']).map(str::trim).collect();
            Err(ReadError::Parse(clip_to(
                &one_line.join(" "),
                MAX_ERROR_CHARS,
            )))
        }
    }
}

/// Parses one results file held in memory; the format is detected from the content.
/// `file` is the name used in error messages and in each result's location.
pub fn parse_results(file: &str, text: &str) -> Result<Vec<TestResult>, String> {
    match read_results(file, Box::new(text.as_bytes()), u64::MAX) {
        Ok((results, _)) => Ok(results),
        Err(ReadError::Parse(e)) => Err(e),
        Err(ReadError::OverCap) => Err(format!("{file}:1: over the size limit")),
        Err(ReadError::Io(e)) => Err(format!("{file}:1: cannot read: {e}")),
    }
}

/// Error messages are cut to this many characters.
const MAX_ERROR_CHARS: usize = 500;

/// What the first non-blank character says the file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Opening {
    /// `{`: libtest JSON lines.
    Brace,
    /// Anything else: cargo's text in front of JSON lines, or not results at all.
    Other,
}

fn detect_and_parse(file: &str, source: &mut Source) -> Result<Vec<TestResult>, String> {
    let io = |e: std::io::Error| format!("{file}:1: cannot read: {e}");
    // A byte-order mark is common in files written by Windows tools; it is not content.
    if source
        .fill_buf()
        .map_err(io)?
        .starts_with("\u{feff}".as_bytes())
    {
        source.consume(3);
    }
    let first = loop {
        let buffer = source.fill_buf().map_err(io)?;
        let Some(&first) = buffer.first() else {
            return Err(format!(
                "{file}:1: the results file is empty (expected JUnit XML or libtest JSON lines)"
            ));
        };
        let blanks = buffer
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
        if blanks == 0 {
            break first;
        }
        source.consume(blanks);
    };
    match first {
        b'<' => junit::parse(file, source),
        b'{' => libtest::parse(file, source, Opening::Brace),
        // cargo's own stderr ("Compiling ...", "Running ...") often lands in front of the JSON
        // when both streams were captured; any line that opens a JSON object makes it JSON lines.
        _ => libtest::parse(file, source, Opening::Other),
    }
}

/// A message as results carry it: trimmed, `None` when blank, cut to [`MAX_MESSAGE_CHARS`].
pub(crate) fn message(text: &str) -> Option<String> {
    let text = text.trim();
    if text.is_empty() {
        None
    } else {
        Some(clip_to(text, MAX_MESSAGE_CHARS))
    }
}

/// The first `max` characters of `text`, with an ellipsis when something was cut.
pub(crate) fn clip_to(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((cut, _)) => format!("{}…", text[..cut].trim_end()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // r[verify evidence.malformed]
    // r[verify robust.fuzz]
    #[test]
    fn errors_are_one_bounded_line_even_when_they_quote_the_input() {
        // Found by the `results` fuzz target: a closing tag that runs over a line break.
        let text = include_str!("../../fixtures/robustness/results/mismatched-end-tag.xml");
        let err = parse_results("fuzz.xml", text).unwrap_err();
        assert!(err.starts_with("fuzz.xml:18: malformed XML: "), "{err}");
        assert!(!err.contains('\n') && !err.contains('\r'), "{err}");
        let long = format!("<testsuites>\n</{}\n>", "x\n".repeat(10_000));
        let err = parse_results("long.xml", &long).unwrap_err();
        assert!(err.starts_with("long.xml:"), "{err}");
        assert!(err.chars().count() <= MAX_ERROR_CHARS + 1, "{}", err.len());
        assert!(!err.contains('\n'));
    }

    // r[verify evidence.malformed]
    #[test]
    fn an_empty_or_blank_file_is_an_error_at_line_one() {
        for text in ["", "   \n\n\t\n", "\u{feff}"] {
            let err = parse_results("results/empty.xml", text).unwrap_err();
            assert!(
                err.starts_with("results/empty.xml:1: the results file is empty"),
                "{err}"
            );
        }
    }

    // r[verify evidence.malformed]
    #[test]
    fn text_in_no_known_format_is_an_error_naming_its_line() {
        let err = parse_results("out.txt", "\n\nrunning 3 tests\ntest a ... ok\n").unwrap_err();
        assert_eq!(
            err,
            "out.txt:3: not a test results file: expected JUnit XML or libtest JSON lines, \
             found \"running 3 tests\""
        );
        let binary = "\u{7f}ELF\u{2}\u{1}\u{1}\0\0\0\0";
        let err = parse_results("a.out", binary).unwrap_err();
        assert!(err.starts_with("a.out:1: not a test results file"), "{err}");
    }

    // r[verify evidence.libtest-json]
    #[test]
    fn format_is_detected_from_content_not_name() {
        let junit = "\u{feff}\n  <testsuite name=\"app\"><testcase name=\"a\" classname=\"app\"/></testsuite>";
        let json = "{ \"type\": \"test\", \"name\": \"a\", \"event\": \"ok\" }\n";
        let from_xml = parse_results("results.json", junit).unwrap();
        let from_json = parse_results("results.xml", json).unwrap();
        assert_eq!(from_xml.len(), 1);
        assert_eq!(from_xml[0].binary.as_deref(), Some("app"));
        assert_eq!(from_json.len(), 1);
        assert_eq!(from_json[0].binary, None);
    }

    // r[verify evidence.junit]
    #[test]
    fn messages_are_trimmed_and_clipped_on_a_char_boundary() {
        assert_eq!(message("  \n "), None);
        assert_eq!(message("  boom \n").as_deref(), Some("boom"));
        let long = "é".repeat(MAX_MESSAGE_CHARS + 10);
        let clipped = message(&long).unwrap();
        assert_eq!(clipped.chars().count(), MAX_MESSAGE_CHARS + 1);
        assert!(clipped.ends_with('…'));
    }

    proptest::proptest! {
        // r[verify evidence.malformed]
        #[test]
        fn arbitrary_input_never_panics(
            start in proptest::sample::select(vec!["<", "{", "<testsuite><testcase name=\"a\">", ""]),
            body in "(?s).{0,300}",
        ) {
            let text = format!("{start}{body}");
            if let Err(err) = parse_results("fuzz.txt", &text) {
                proptest::prop_assert!(err.starts_with("fuzz.txt:"), "{}", err);
            }
        }
    }
}
