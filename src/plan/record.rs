//! `record` resolved: the method, outcome, author and date of the record, and the records file
//! it goes to, all checked before the project is analysed, so a record that could never be read
//! back is refused before anything is written.

use super::{resolve_input, InputPlan};
use crate::cli::{RecordArgs, RecordResult};
use crate::model::{Location, Outcome, Record, METHODS};
use anyhow::{bail, Result};

/// The records file `record` appends to when `--file` is not given.
pub(crate) const DEFAULT_RECORDS_FILE: &str = "verification/records.toml";

/// Everything `record` does, validated.
#[derive(Debug, Clone)]
pub struct RecordPlan {
    /// As the user wrote it; a revision suffix is allowed (`graph::find_requirement`).
    pub id: String,
    pub input: InputPlan,
    /// One of [`METHODS`] but `test`, lower case.
    pub method: String,
    pub outcome: Outcome,
    /// Trimmed, never empty.
    pub by: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub version: Option<String>,
    pub note: Option<String>,
    pub link: Option<String>,
    /// The records file relative to the root, forward slashes, inside the `records` globs.
    pub file: String,
}

impl RecordPlan {
    /// The record for requirement `id` at `revision` with text `fingerprint` (empty: none).
    pub fn record(&self, id: &str, revision: u32, fingerprint: &str) -> Record {
        Record {
            requirement: id.to_string(),
            revision: Some(revision),
            fingerprint: Some(fingerprint.to_string()).filter(|f| !f.is_empty()),
            method: self.method.clone(),
            outcome: self.outcome,
            by: self.by.clone(),
            date: self.date.clone(),
            version: self.version.clone(),
            note: self.note.clone(),
            link: self.link.clone(),
            location: Location::new(self.file.clone(), 1),
        }
    }
}

/// Resolves `record`. `today` gives the date when `--date` is not given.
pub fn resolve_record(
    args: &RecordArgs,
    today: impl FnOnce() -> Result<String>,
) -> Result<RecordPlan> {
    let method = args.method.trim().to_ascii_lowercase();
    if method == "test" || !METHODS.contains(&method.as_str()) {
        bail!(
            "--method {}: a record's method is one of {} (tests are read from their results files)",
            args.method,
            METHODS[1..].join(", ")
        );
    }
    if args.by.trim().is_empty() {
        bail!("--by needs the name of who verified it");
    }
    let date = match &args.date {
        Some(date) if crate::records::valid_date(date.trim()) => date.trim()[..10].to_string(),
        Some(date) => bail!("--date {date} is not a date: write YYYY-MM-DD, e.g. 2026-11-20"),
        None => today()?,
    };
    let input = resolve_input(&args.input)?;
    let given = args.file.as_deref().unwrap_or(DEFAULT_RECORDS_FILE);
    let file = given.trim_start_matches("./").replace('\\', "/");
    if std::path::Path::new(&file).is_absolute() || file.split('/').any(|part| part == "..") {
        bail!("--file {given} must be a path inside the project, relative to its root");
    }
    if !crate::discover::is_records_file(&file) || file.to_ascii_lowercase().ends_with(".xml") {
        bail!("--file {given}: records are appended to a .toml file");
    }
    if !crate::discover::records_match(&input.selection, &file)? {
        bail!(
            "--file {given} is outside the records globs ({}), so the record would never be read: choose a file under them, or add a glob for it to `records` in reqtrail.toml",
            input.selection.records.join(", ")
        );
    }
    Ok(RecordPlan {
        id: args.id.clone(),
        input,
        method,
        outcome: match args.result {
            RecordResult::Pass => Outcome::Passed,
            RecordResult::Fail => Outcome::Failed,
        },
        by: args.by.trim().to_string(),
        date,
        version: args.version.clone(),
        note: args.note.clone(),
        link: args.link.clone(),
        file,
    })
}
