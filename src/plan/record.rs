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
    // Records files are read as TOML or CSV by their extension; a TOML block appended to a
    // CSV export or a JUnit file would break it.
    if !file.to_ascii_lowercase().ends_with(".toml") {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn resolve(root: &std::path::Path, flags: &[&str]) -> Result<RecordPlan> {
        let root = root.to_str().expect("utf-8 temp dir");
        let argv = [&["reqtrail", "record", "kv.backup", root][..], flags].concat();
        let Command::Record(args) = Cli::try_parse_from(argv).expect("clap accepts").command else {
            panic!("not record");
        };
        resolve_record(&args, || Ok("2000-01-02".to_string()))
    }

    // r[verify front.plan]
    #[test]
    fn refuses_a_record_that_could_not_be_read_back_and_accepts_the_rest() {
        let dir = tempfile::tempdir().expect("tmp");
        let base = ["--result", "pass", "--by", "Dana"];
        // (flags besides --result pass and --by Dana, the error they give)
        let refused: &[(&[&str], &str)] = &[
            (&["--method", "test"], "a record's method is one of"),
            (&["--method", "vibes"], "a record's method is one of"),
            (&["--method", "review", "--by", "  "], "--by needs the name"),
            (
                &["--method", "review", "--date", "2026-02-30"],
                "is not a date",
            ),
            (
                &["--method", "review", "--date", "yesterday"],
                "is not a date",
            ),
            (
                &["--method", "review", "--file", "../x.toml"],
                "must be a path inside the project",
            ),
            (
                &["--method", "review", "--file", "/tmp/x.toml"],
                "must be a path inside the project",
            ),
            (
                &[
                    "--method",
                    "review",
                    "--file",
                    "verification/a/../../x.toml",
                ],
                "inside the project",
            ),
            (
                &["--method", "review", "--file", "verification/log.csv"],
                "appended to a .toml file",
            ),
            (
                &["--method", "review", "--file", "verification/run.xml"],
                "appended to a .toml file",
            ),
            (
                &["--method", "review", "--file", "verification/notes.md"],
                "appended to a .toml file",
            ),
            (
                &["--method", "review", "--file", "docs/records.toml"],
                "outside the records globs",
            ),
        ];
        for (flags, message) in refused {
            let base = if flags.contains(&"--by") {
                &base[..2]
            } else {
                &base[..]
            };
            let all = [base, flags].concat();
            let err = resolve(dir.path(), &all).expect_err(&format!("{flags:?} refused"));
            assert!(format!("{err:#}").contains(message), "{flags:?}: {err:#}");
        }

        // (flags, method, date, file)
        let accepted: &[(&[&str], &str, &str, &str)] = &[
            (
                &["--method", "inspection"],
                "inspection",
                "2000-01-02",
                DEFAULT_RECORDS_FILE,
            ),
            (
                &["--method", " Manual "],
                "manual",
                "2000-01-02",
                DEFAULT_RECORDS_FILE,
            ),
            (
                &["--method", "review", "--date", "2026-11-20"],
                "review",
                "2026-11-20",
                DEFAULT_RECORDS_FILE,
            ),
            (
                &[
                    "--method",
                    "analysis",
                    "--file",
                    "./verification/extra.toml",
                ],
                "analysis",
                "2000-01-02",
                "verification/extra.toml",
            ),
            (
                &[
                    "--method",
                    "demonstration",
                    "--file",
                    "verification\\win.toml",
                ],
                "demonstration",
                "2000-01-02",
                "verification/win.toml",
            ),
        ];
        for (flags, method, date, file) in accepted {
            let all = [&base[..], flags].concat();
            let plan = resolve(dir.path(), &all).unwrap_or_else(|e| panic!("{flags:?}: {e:#}"));
            assert_eq!(
                (plan.method.as_str(), plan.date.as_str(), plan.file.as_str()),
                (*method, *date, *file),
                "{flags:?}"
            );
            assert_eq!((plan.by.as_str(), plan.outcome), ("Dana", Outcome::Passed));
        }
    }

    #[test]
    fn a_root_that_is_not_a_directory_is_refused_after_the_flags_are_checked() {
        let dir = tempfile::tempdir().expect("tmp");
        let file = dir.path().join("file.txt");
        std::fs::write(&file, "x").expect("write");
        let flags = ["--method", "review", "--result", "fail", "--by", "D"];
        let err = resolve(&file, &flags).expect_err("a file is no root");
        assert!(format!("{err:#}").contains("is not a directory"), "{err:#}");
        // A bad flag is reported before the root is looked at, as before the plan existed.
        let err = resolve(
            &file,
            &["--method", "test", "--result", "fail", "--by", "D"],
        )
        .expect_err("bad method");
        assert!(format!("{err:#}").contains("method is one of"), "{err:#}");
    }
}
