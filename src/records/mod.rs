//! Verification records (PRODUCT.md section 11): manual test runs, inspections, analyses,
//! reviews and demonstrations, written by people in files reviewed in a pull request.
//!
//! Two formats are read, told apart by the file's extension: TOML (`[[record]]` tables, one
//! field per line; what `reqtrail record` appends) and CSV (one record per row, as
//! spreadsheets and test-management tools export them). Both come out as the same
//! [`Record`]s; every problem with a record is a `malformed-record` diagnostic at its file and
//! line, and the other records of the file are still read.

mod csv_file;
mod toml_file;
pub(crate) mod write;

use crate::model::{Code, Diagnostic, Location, Outcome, Record, METHODS};

/// What one records file gave.
#[derive(Debug, Default)]
pub struct RecordsFile {
    pub records: Vec<Record>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads one records file; `file` is its root-relative path, which also decides the format.
pub fn parse_records(file: &str, text: &str) -> RecordsFile {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if file.to_ascii_lowercase().ends_with(".csv") {
        csv_file::parse(file, text)
    } else {
        toml_file::parse(file, text)
    }
}

/// The fields of one record as written, each with its line, before they are checked.
#[derive(Debug, Default)]
struct RawRecord {
    /// Where the record starts (its `[[record]]` header, its CSV row).
    line: u32,
    fields: Vec<(String, String, u32)>,
}

impl RawRecord {
    fn get(&self, key: &str) -> Option<(&str, u32)> {
        self.fields
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, v, line)| (v.as_str(), *line))
            .filter(|(v, _)| !v.trim().is_empty())
    }
}

/// The fields a record may have; `requirement`, `method`, `result`, `by` and `date` are required.
const FIELDS: [&str; 10] = [
    "requirement",
    "revision",
    "fingerprint",
    "method",
    "result",
    "by",
    "date",
    "version",
    "note",
    "link",
];

/// Checks one raw record; a record that cannot be used gives diagnostics and no record.
fn check(
    file: &str,
    raw: &RawRecord,
    what: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Record> {
    let bad =
        |line: u32, message: String| Diagnostic::at(Code::MalformedRecord, message, file, line);
    let before = diagnostics.len();
    for (key, _, line) in &raw.fields {
        if !FIELDS.contains(&key.as_str()) {
            diagnostics.push(bad(
                *line,
                format!(
                    "{what} has an unknown field `{key}`: a record has {}",
                    FIELDS.join(", ")
                ),
            ));
        }
    }
    let mut missing = Vec::new();
    for key in ["requirement", "method", "result", "by", "date"] {
        if raw.get(key).is_none() {
            missing.push(key);
        }
    }
    if !missing.is_empty() {
        diagnostics.push(bad(
            raw.line,
            format!(
                "{what} lacks {}: a record names the requirement, the method, the result (pass or fail), who made it (by) and when (date)",
                missing.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    let method = raw.get("method").and_then(|(value, line)| {
        let method = value.trim().to_ascii_lowercase();
        if METHODS.contains(&method.as_str()) && method != "test" {
            Some(method)
        } else {
            let hint = if method == "test" {
                "tests are read from their results files, not recorded"
            } else {
                "unknown method"
            };
            diagnostics.push(bad(
                line,
                format!(
                    "{what}: method `{value}`: {hint}; a record's method is one of {}",
                    METHODS[1..].join(", ")
                ),
            ));
            None
        }
    });
    let outcome = raw.get("result").and_then(|(value, line)| {
        let outcome = parse_result(value);
        if outcome.is_none() {
            diagnostics.push(bad(
                line,
                format!("{what}: result `{value}` is neither pass nor fail"),
            ));
        }
        outcome
    });
    let date = raw.get("date").and_then(|(value, line)| {
        let date = value.trim();
        if valid_date(date) {
            Some(date[..10].to_string())
        } else {
            diagnostics.push(bad(
                line,
                format!("{what}: date `{value}` is not a date: write YYYY-MM-DD, e.g. 2026-11-20"),
            ));
            None
        }
    });
    let revision = match raw.get("revision") {
        Some((value, line)) => match value.trim().parse::<u32>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                diagnostics.push(bad(
                    line,
                    format!("{what}: revision `{value}` is not a positive whole number"),
                ));
                None
            }
        },
        None => None,
    };
    if diagnostics.len() > before {
        return None;
    }
    let text = |key: &str| raw.get(key).map(|(v, _)| v.trim().to_string());
    Some(Record {
        requirement: text("requirement")?,
        revision,
        fingerprint: text("fingerprint"),
        method: method?,
        outcome: outcome?,
        by: text("by")?,
        date: date?,
        version: text("version"),
        note: text("note"),
        link: text("link"),
        location: Location::new(file, raw.line),
    })
}

/// `pass`/`fail` and the words test-management exports use for them.
pub(crate) fn parse_result(value: &str) -> Option<Outcome> {
    match value.trim().to_ascii_lowercase().as_str() {
        "pass" | "passed" | "ok" | "success" => Some(Outcome::Passed),
        "fail" | "failed" | "failure" | "nok" => Some(Outcome::Failed),
        _ => None,
    }
}

/// `YYYY-MM-DD` (a time may follow after `T` or a space) naming a real day.
pub(crate) fn valid_date(date: &str) -> bool {
    let bytes = date.as_bytes();
    if bytes.len() < 10 || (bytes.len() > 10 && !matches!(bytes[10], b'T' | b' ')) {
        return false;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = date.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let (Some(year), Some(month), Some(day)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return false;
    };
    if bytes[4] != b'-' || bytes[7] != b'-' || year < 1900 {
        return false;
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::*;

    // r[verify evidence.records.diagnostics]
    #[test]
    fn dates_and_results_are_checked() {
        for good in [
            "2026-11-20",
            "2024-02-29",
            "2026-11-20T10:15:00Z",
            "2026-01-31 09:00",
        ] {
            assert!(valid_date(good), "{good}");
        }
        for bad in [
            "2026-13-01",
            "2026-02-29",
            "20-11-2026",
            "2026/11/20",
            "yesterday",
            "2026-11-2",
            "2026-11-200",
        ] {
            assert!(!valid_date(bad), "{bad}");
        }
        assert_eq!(parse_result("PASS"), Some(Outcome::Passed));
        assert_eq!(parse_result("Failed"), Some(Outcome::Failed));
        assert_eq!(parse_result("blocked"), None);
    }
}
