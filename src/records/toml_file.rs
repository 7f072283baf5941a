//! Record files in TOML: one `[[record]]` table per record, one field per line, so a pull
//! request shows each record as a block of its own and a review comment can point at a field.

use super::{check, RawRecord, RecordsFile};
use crate::model::{Code, Diagnostic};
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(serde::Deserialize)]
struct File {
    #[serde(default)]
    record: Vec<Spanned<BTreeMap<String, Spanned<toml::Value>>>>,
}

pub(super) fn parse(file: &str, text: &str) -> RecordsFile {
    let mut out = RecordsFile::default();
    let line_at = |offset: usize| text[..offset.min(text.len())].matches('\n').count() as u32 + 1;
    let bad =
        |line: u32, message: String| Diagnostic::at(Code::MalformedRecord, message, file, line);
    // The top level first: anything but `record` is a slip (`[[records]]`, a stray key).
    match text.parse::<toml::Table>() {
        Ok(table) => {
            for key in table.keys().filter(|k| k.as_str() != "record") {
                let line = text
                    .lines()
                    .position(|l| {
                        let l = l.trim_start().trim_start_matches('[');
                        l.starts_with(key.as_str())
                    })
                    .map_or(1, |i| i as u32 + 1);
                out.diagnostics.push(bad(
                    line,
                    format!("`{key}` is not a record: write each record as a `[[record]]` table"),
                ));
            }
        }
        Err(err) => {
            let line = err.span().map_or(1, |s| line_at(s.start));
            out.diagnostics.push(bad(
                line,
                format!(
                    "not a valid TOML records file, so none of its records were read: {}",
                    err.message().trim()
                ),
            ));
            return out;
        }
    }
    let parsed: File = match toml::from_str(text) {
        Ok(parsed) => parsed,
        Err(err) => {
            let line = err.span().map_or(1, |s| line_at(s.start));
            out.diagnostics.push(bad(
                line,
                format!(
                    "`record` must be a list of `[[record]]` tables: {}",
                    err.message().trim()
                ),
            ));
            return out;
        }
    };
    for (n, table) in parsed.record.iter().enumerate() {
        let line = line_at(table.span().start);
        let mut raw = RawRecord {
            line,
            fields: Vec::new(),
        };
        for (key, value) in table.get_ref() {
            let value_line = line_at(value.span().start);
            let text = match value.get_ref() {
                toml::Value::String(s) => s.clone(),
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Float(f) => f.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                toml::Value::Datetime(d) => d.to_string(),
                toml::Value::Array(_) | toml::Value::Table(_) => {
                    out.diagnostics.push(bad(
                        value_line,
                        format!(
                            "record {} : `{key}` must be a single value, not a list or table",
                            n + 1
                        ),
                    ));
                    continue;
                }
            };
            raw.fields.push((key.clone(), text, value_line));
        }
        let what = format!("the record at line {line}");
        if let Some(record) = check(file, &raw, &what, &mut out.diagnostics) {
            out.records.push(record);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::parse_records;
    use crate::model::Outcome;

    // r[verify evidence.records]
    #[test]
    fn an_inspection_checklist_in_toml_reads_every_field() {
        let text = "# Release 2.3 inspection\n\n[[record]]\nrequirement = \"KV-006\"\nrevision = 2\nmethod = \"inspection\"\nresult = \"pass\"\nby = \"Dana Whitfield\"\ndate = 2026-11-20\nversion = \"v2.3.0\"\nnote = \"Checked the lock order.\"\nlink = \"https://wiki.example/insp/42\"\n";
        let got = parse_records("verification/inspections.toml", text);
        assert!(got.diagnostics.is_empty(), "{:?}", got.diagnostics);
        let record = &got.records[0];
        assert_eq!(record.requirement, "KV-006");
        assert_eq!(record.revision, Some(2));
        assert_eq!(record.method, "inspection");
        assert_eq!(record.outcome, Outcome::Passed);
        assert_eq!(record.date, "2026-11-20");
        assert_eq!(record.location.line, 3);
        assert_eq!(record.note.as_deref(), Some("Checked the lock order."));
    }

    // r[verify evidence.records.diagnostics]
    #[test]
    fn each_broken_toml_record_is_a_diagnostic_at_its_line() {
        let text = "[[record]]\nrequirement = \"A\"\nmethod = \"inspection\"\nresult = \"pass\"\nby = \"x\"\ndate = \"2026-02-30\"\n\n[[record]]\nrequirement = \"B\"\nmethod = \"telepathy\"\nresult = \"pass\"\nby = \"x\"\ndate = 2026-02-03\n\n[[record]]\nrequirement = \"C\"\nmethod = \"review\"\nresult = \"pass\"\n\n[[record]]\nrequirement = \"D\"\nmethod = \"review\"\nresult = \"pass\"\nby = \"y\"\ndate = 2026-02-03\n";
        let got = parse_records("verification/log.toml", text);
        let lines: Vec<u32> = got
            .diagnostics
            .iter()
            .filter_map(|d| d.location.as_ref().map(|l| l.line))
            .collect();
        assert_eq!(lines, [6, 10, 15], "{:?}", got.diagnostics);
        assert!(got.diagnostics[1].message.contains("telepathy"));
        assert!(got.diagnostics[2].message.contains("`by`, `date`"));
        assert_eq!(got.records.len(), 1);
        assert_eq!(got.records[0].requirement, "D");
        let broken = parse_records(
            "verification/log.toml",
            "[[record]]\nrequirement = \"A\nby = 1\n",
        );
        assert_eq!(broken.diagnostics.len(), 1);
        assert_eq!(
            broken.diagnostics[0].location.as_ref().map(|l| l.line),
            Some(2)
        );
    }
}
