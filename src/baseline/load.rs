//! The edge where an earlier report comes in: `--baseline FILE`, and the JSON reports `diff` and
//! `trend` read. The file is parsed as the report schema (`reqtrail-report/1`), checked, and for
//! a baseline taken apart at once into the [`Snapshot`] the comparison works on, so nothing past
//! this module depends on the schema's types.

use super::{Finding, Snapshot, Standing, TestPrint};
use crate::report::{Report, SCHEMA};
use anyhow::{bail, Context, Result};
use std::path::Path;

/// Reads an earlier `--json` report as a [`Snapshot`]. Anything else (not JSON, another
/// schema, a truncated file) is an error that names the file and says how to make a good one.
pub fn load(path: &Path) -> Result<Snapshot> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read baseline {}", path.display()))?;
    let report = parse(&text).map_err(|e| {
        anyhow::anyhow!(
            "baseline {} is not a reqtrail JSON report: {e}; write one with `reqtrail check --json FILE` on the base branch",
            path.display()
        )
    })?;
    Ok(Snapshot::of_report(report))
}

/// Reads a JSON report given to `diff` or `trend`; errors name the file and the schema.
pub fn load_report(path: &Path) -> Result<Report> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read report {}", path.display()))?;
    parse(&text).map_err(|e| {
        anyhow::anyhow!(
            "{} is not a reqtrail JSON report: {e}; write one with `reqtrail check --json FILE`",
            path.display()
        )
    })
}

/// Parses a report from JSON text, checking the schema first so an unrelated JSON file gets a
/// clear message instead of a missing-field error.
fn parse(text: &str) -> Result<Report> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| anyhow::anyhow!("invalid JSON ({e})"))?;
    match value.get("schema").and_then(|s| s.as_str()) {
        Some(schema) if schema == SCHEMA => {}
        Some(other) => bail!("its schema is `{other}`, expected `{SCHEMA}`"),
        None => bail!("it has no `schema` field (expected `{SCHEMA}`)"),
    }
    serde_json::from_value(value).map_err(|e| anyhow::anyhow!("{e}"))
}

impl Snapshot {
    /// An earlier report, taken apart: what it says about each requirement, test and finding.
    pub fn of_report(report: Report) -> Snapshot {
        Snapshot {
            coverage_percent: report.summary.coverage_percent,
            requirements: report
                .requirements
                .into_iter()
                .map(|r| Standing {
                    verified_by: super::sorted(
                        r.verified_by
                            .into_iter()
                            .map(|v| (v.binary, v.test))
                            .collect(),
                    ),
                    id: r.id,
                    file: r.file,
                    line: r.line,
                    lifecycle: r.lifecycle,
                    status: r.status,
                    reason: r.reason,
                    title: r.title,
                    text: r.text,
                    fingerprint: r.fingerprint,
                    revision: r.revision,
                })
                .collect(),
            tests: report
                .tests
                .into_iter()
                .map(|t| TestPrint {
                    binary: t.binary,
                    test: t.test,
                    file: t.file,
                    line: t.line,
                    fingerprint: t.fingerprint,
                })
                .collect(),
            diagnostics: report
                .diagnostics
                .into_iter()
                .map(|d| Finding {
                    code: d.code,
                    severity: d.severity,
                    message: d.message,
                    file: d.file,
                    line: d.line,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // r[verify gate.baseline]
    #[test]
    fn a_file_that_is_not_a_report_is_refused() {
        assert!(parse("not json").is_err());
        let err = parse(r#"{"schema": "other/2"}"#).unwrap_err().to_string();
        assert!(err.contains("other/2"), "{err}");
        assert!(parse(r#"{"runs": []}"#)
            .unwrap_err()
            .to_string()
            .contains("schema"));
        let spec = "# Spec\n\nr[a]\nA.\n";
        let good = crate::testkit::Project::new(spec, "").report();
        let text = serde_json::to_string(&good).unwrap();
        assert_eq!(parse(&text).unwrap(), good);
    }

    // r[verify front.evaluation]
    // r[verify gate.baseline]
    #[test]
    fn a_baseline_read_back_is_the_run_it_was_written_from() {
        use crate::model::Outcome;
        use crate::testkit::{tests_module, Project};
        // Every kind of standing a report can hold: verified, failing, unverified, waived, a
        // draft, suspect (a stale reference), and an error diagnostic (an unknown id).
        let spec = "# Spec\n\nr[a]\nA.\n\nr[b]\nB.\n\nr[c]\nC.\n\nr[d]\nWaived: bought in\nD.\n\nr[e]\nStatus: draft\nE.\n\nr[f+2]\nF, again.\n";
        let source = tests_module(
            "r",
            &[("ta", &["a"]), ("tb", &["b", "a.typo"]), ("tf", &["f+1"])],
        );
        let project = Project::new(spec, &source).with_results(&[
            ("tests::ta", Outcome::Passed),
            ("tests::tb", Outcome::Failed),
            ("tests::tf", Outcome::Passed),
        ]);
        let (mut model, _) = project.evaluated();
        model.tests[0].test.fingerprint = "0123456789abcdef".to_string();
        let evaluation = crate::evaluate::evaluate(&model);
        let now = Snapshot::of_run(&model, &evaluation);
        let run = crate::report::RunInfo::default();
        let report = crate::report::build(&model, evaluation, &run, Default::default());
        let json = crate::report::json::render(&report);

        let read = Snapshot::of_report(parse(&json).expect("its own JSON is a report"));
        assert_eq!(read, now);
        let statuses: Vec<(&str, &str)> = now
            .requirements
            .iter()
            .map(|r| (r.id.as_str(), r.status.as_str()))
            .collect();
        assert_eq!(
            statuses,
            [
                ("a", "verified"),
                ("b", "failing"),
                ("c", "unverified"),
                ("d", "waived"),
                ("e", "unverified"),
                ("f", "suspect")
            ]
        );
        assert_eq!(now.tests[0].fingerprint, "0123456789abcdef");
        assert_eq!(now.diagnostics.len(), report.diagnostics.len());
        assert!(now
            .diagnostics
            .iter()
            .any(|d| d.severity == crate::model::Severity::Error));
        // So a run compared with its own report finds nothing worse and nothing better.
        let same = super::super::compare(&read, &now, true);
        assert!(same.worse.is_empty() && same.better.is_empty(), "{same:?}");
    }
}
