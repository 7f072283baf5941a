//! `reqtrail record`: one record as a `[[record]]` TOML block, appended to a records file.
//! The text is made here; writing it goes through `output` like every file reqtrail writes.

use crate::model::{Outcome, Record};
use anyhow::{bail, Context, Result};
use std::path::Path;

/// Appends `record` to its records file (`record.location.file`, relative to `root`), creating
/// the file and its folders when missing. A file that is not UTF-8 or not valid TOML is left
/// as it is: the error says to fix it first, since appending would bury the problem.
pub(crate) fn append(root: &Path, record: &Record) -> Result<()> {
    let rel = &record.location.file;
    let path = root.join(rel);
    let existing = match std::fs::read(&path) {
        Ok(bytes) => String::from_utf8(bytes).map_err(|_| {
            anyhow::anyhow!(
                "{} is not UTF-8 text: fix it before appending",
                path.display()
            )
        })?,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(err) => return Err(err).with_context(|| format!("cannot read {}", path.display())),
    };
    if !existing.trim().is_empty() {
        let parsed = crate::records::parse_records(rel, &existing);
        if let Some(bad) = parsed
            .diagnostics
            .iter()
            .find(|d| d.message.starts_with("not a valid TOML"))
        {
            bail!(
                "{rel}:{}: {}; fix it before appending to it",
                bad.location.as_ref().map_or(1, |l| l.line),
                bad.message
            );
        }
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    crate::output::write_output(&path, append_to(&existing, record).as_bytes())
}

/// What `record` prints once the record is written.
pub(crate) fn confirmation(record: &Record) -> String {
    format!(
        "recorded {} {} of {} (revision {}{}) by {} on {} in {}\n",
        match record.outcome {
            Outcome::Passed => "passing",
            _ => "failing",
        },
        record.method,
        record.requirement,
        record
            .revision
            .map_or_else(|| "none".to_string(), |r| r.to_string()),
        record
            .fingerprint
            .as_deref()
            .map(|f| format!(", fingerprint {f}"))
            .unwrap_or_default(),
        record.by,
        record.date,
        record.location.file
    )
}

/// The TOML block for `record`, starting with a blank line when `existing` does not end in one.
pub(crate) fn append_to(existing: &str, record: &Record) -> String {
    let quote = |s: &str| toml::Value::String(s.to_string()).to_string();
    let mut text = existing.to_string();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    if !text.trim().is_empty() && !text.ends_with("\n\n") {
        text.push('\n');
    }
    text.push_str("[[record]]\n");
    text.push_str(&format!("requirement = {}\n", quote(&record.requirement)));
    if let Some(revision) = record.revision {
        text.push_str(&format!("revision = {revision}\n"));
    }
    if let Some(fingerprint) = &record.fingerprint {
        text.push_str(&format!("fingerprint = {}\n", quote(fingerprint)));
    }
    text.push_str(&format!("method = {}\n", quote(&record.method)));
    let result = match record.outcome {
        Outcome::Passed => "pass",
        _ => "fail",
    };
    text.push_str(&format!("result = \"{result}\"\n"));
    text.push_str(&format!("by = {}\n", quote(&record.by)));
    text.push_str(&format!("date = {}\n", record.date));
    for (key, value) in [
        ("version", &record.version),
        ("note", &record.note),
        ("link", &record.link),
    ] {
        if let Some(value) = value {
            text.push_str(&format!("{key} = {}\n", quote(value)));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Location;

    // r[verify evidence.records.command]
    #[test]
    fn an_appended_block_reads_back_as_the_same_record() {
        let record = Record {
            requirement: "KV-006".to_string(),
            revision: Some(2),
            fingerprint: Some("0123456789abcdef".to_string()),
            method: "inspection".to_string(),
            outcome: Outcome::Failed,
            by: "Dana \"DW\" Whitfield".to_string(),
            date: "2026-11-20".to_string(),
            version: None,
            note: Some("line one\nline two".to_string()),
            link: None,
            location: Location::new("verification/records.toml", 3),
        };
        let text = append_to("# Inspections\n", &record);
        assert!(text.starts_with("# Inspections\n\n[[record]]\n"), "{text}");
        let read = crate::records::parse_records("verification/records.toml", &text);
        assert!(read.diagnostics.is_empty(), "{:?}", read.diagnostics);
        assert_eq!(read.records, std::slice::from_ref(&record));
        let twice = append_to(&text, &record);
        assert_eq!(
            crate::records::parse_records("verification/records.toml", &twice)
                .records
                .len(),
            2
        );
    }
}
