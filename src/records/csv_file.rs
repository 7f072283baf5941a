//! Record files in CSV, as spreadsheets and test-management tools export a manual test run:
//! a header row naming the columns, one record per row. Columns are found by name (with the
//! names exports commonly use: `Tester`, `Status`, `Executed on`...); columns reqtrail does not
//! use are left alone, because exports carry many.
//!
//! RFC 4180 with the usual latitude: `,` or `;` between fields (told from the header row),
//! quoted fields with `""` for a quote and line breaks inside, CRLF or LF.

use super::{check, RawRecord, RecordsFile};
use crate::model::{Code, Diagnostic};

/// One row: its first line and its fields.
struct Row {
    line: u32,
    fields: Vec<String>,
}

pub(super) fn parse(file: &str, text: &str) -> RecordsFile {
    let mut out = RecordsFile::default();
    let delimiter = {
        let header = text.lines().next().unwrap_or("");
        if header.matches(';').count() > header.matches(',').count() {
            b';'
        } else {
            b','
        }
    };
    let rows = match rows(text, delimiter) {
        Ok(rows) => rows,
        Err(line) => {
            out.diagnostics.push(Diagnostic::at(
                Code::MalformedRecord,
                "a quoted field is never closed, so the rows from here on were not read: close the quote with `\"`",
                file,
                line,
            ));
            // The rows before the broken one are still good.
            rows_until(text, delimiter, line)
        }
    };
    let mut rows = rows
        .into_iter()
        .filter(|r| r.fields.iter().any(|f| !f.trim().is_empty()));
    let Some(header) = rows.next() else {
        return out;
    };
    let columns: Vec<Option<&'static str>> = header.fields.iter().map(|h| column(h)).collect();
    if !columns.contains(&Some("requirement")) {
        out.diagnostics.push(Diagnostic::at(
            Code::MalformedRecord,
            format!(
                "the header row names no requirement column (found {}): name one `requirement`, and the others method, result, by, date",
                header.fields.join(", ")
            ),
            file,
            header.line,
        ));
        return out;
    }
    for row in rows {
        let mut raw = RawRecord {
            line: row.line,
            fields: Vec::new(),
        };
        for (k, value) in row.fields.iter().enumerate() {
            if let Some(Some(key)) = columns.get(k) {
                raw.fields.push((key.to_string(), value.clone(), row.line));
            }
        }
        if row.fields.len() > columns.len() {
            out.diagnostics.push(Diagnostic::at(
                Code::MalformedRecord,
                format!(
                    "row has {} fields but the header names {} columns: quote fields that hold the delimiter",
                    row.fields.len(),
                    columns.len()
                ),
                file,
                row.line,
            ));
            continue;
        }
        let what = format!("the row at line {}", row.line);
        if let Some(record) = check(file, &raw, &what, &mut out.diagnostics) {
            out.records.push(record);
        }
    }
    out
}

/// The record field a header names, if any.
fn column(header: &str) -> Option<&'static str> {
    let name = header.trim().to_ascii_lowercase().replace(['_', '-'], " ");
    Some(match name.as_str() {
        "requirement" | "requirement id" | "req" | "req id" | "requirements" => "requirement",
        "method" | "verification method" | "verification" => "method",
        "result" | "status" | "outcome" | "verdict" | "execution status" => "result",
        "by" | "tester" | "executed by" | "inspector" | "reviewer" | "author" => "by",
        "date" | "executed on" | "execution date" | "run date" | "executed" => "date",
        "revision" => "revision",
        "fingerprint" => "fingerprint",
        "version" | "build" | "release" | "commit" => "version",
        "note" | "notes" | "comment" | "comments" => "note",
        "link" | "url" | "evidence" => "link",
        _ => return None,
    })
}

/// Splits the text into rows; `Err(line)` names the line where an unclosed quote starts.
fn rows(text: &str, delimiter: u8) -> Result<Vec<Row>, u32> {
    let mut rows = Vec::new();
    let mut line = 1u32;
    let mut row = Row {
        line,
        fields: Vec::new(),
    };
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted_since: Option<u32> = None;
    let mut at_field_start = true;
    while let Some(c) = chars.next() {
        if let Some(start) = quoted_since {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted_since = None,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                _ => field.push(c),
            }
            let _ = start;
            continue;
        }
        match c {
            '"' if at_field_start => {
                quoted_since = Some(line);
                at_field_start = false;
            }
            c if c as u32 == delimiter as u32 => {
                row.fields.push(std::mem::take(&mut field));
                at_field_start = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                row.fields.push(std::mem::take(&mut field));
                rows.push(std::mem::replace(
                    &mut row,
                    Row {
                        line: line + 1,
                        fields: Vec::new(),
                    },
                ));
                line += 1;
                at_field_start = true;
            }
            _ => {
                field.push(c);
                at_field_start = false;
            }
        }
    }
    if let Some(start) = quoted_since {
        return Err(start);
    }
    if !field.is_empty() || !row.fields.is_empty() {
        row.fields.push(field);
        rows.push(row);
    }
    Ok(rows)
}

/// The rows that end before `line`.
fn rows_until(text: &str, delimiter: u8, line: u32) -> Vec<Row> {
    let head: String = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1) as usize)
        .collect();
    let mut rows = rows(&head, delimiter).unwrap_or_default();
    rows.retain(|r| r.line < line);
    rows
}

#[cfg(test)]
mod tests {
    use super::super::parse_records;
    use crate::model::Outcome;

    // r[verify evidence.records.csv]
    #[test]
    fn a_test_management_export_reads_by_column_name() {
        let text = "Test case;Requirement ID;Method;Status;Tester;Executed on;Build;Comments\r\n\
                    TC-101 Drain one tenant;API-003;manual;Passed;Priya Raman;2026-11-18;1.4.0;\"Ran on staging; \"\"burst\"\" profile\"\r\n\
                    TC-102 Restart;API-004;manual;Failed;Priya Raman;2026-11-18;1.4.0;\"Quota lost\r\nafter restart\"\r\n\
                    ;;;;;;;\r\n\
                    TC-103;API-005;manual;Passed;;2026-11-31;1.4.0;\r\n";
        let got = parse_records("verification/manual-run.csv", text);
        assert_eq!(got.records.len(), 2, "{:?}", got.diagnostics);
        assert_eq!(got.records[0].requirement, "API-003");
        assert_eq!(got.records[0].outcome, Outcome::Passed);
        assert_eq!(
            got.records[0].note.as_deref(),
            Some("Ran on staging; \"burst\" profile")
        );
        assert_eq!(got.records[0].version.as_deref(), Some("1.4.0"));
        assert_eq!(got.records[1].outcome, Outcome::Failed);
        assert_eq!(got.records[1].location.line, 3);
        // The broken row: no tester, and a day November does not have; at its own line.
        let lines: Vec<u32> = got
            .diagnostics
            .iter()
            .filter_map(|d| d.location.as_ref().map(|l| l.line))
            .collect();
        assert_eq!(lines, [6, 6], "{:?}", got.diagnostics);
    }

    // r[verify evidence.records.diagnostics]
    #[test]
    fn broken_csv_is_a_diagnostic_at_its_line() {
        let unclosed = "requirement,method,result,by,date\nA,review,pass,x,2026-01-02\nB,review,pass,\"x,2026-01-02\n";
        let got = parse_records("verification/r.csv", unclosed);
        assert_eq!(got.records.len(), 1);
        assert_eq!(
            got.diagnostics[0].location.as_ref().map(|l| l.line),
            Some(3)
        );
        let no_column = parse_records("verification/r.csv", "name,result\nA,pass\n");
        assert_eq!(no_column.diagnostics.len(), 1);
        assert!(no_column.diagnostics[0]
            .message
            .contains("no requirement column"));
    }
}
