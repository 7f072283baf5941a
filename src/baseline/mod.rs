//! `--baseline FILE`: compares this run's report with an earlier `--json` report, so a project
//! with many old gaps can gate pull requests on what they make worse (PRODUCT.md section 7).
//!
//! [`load`] (in `baseline/load.rs`, the one place here that reads the report schema) reads the
//! earlier report and turns it, right there, into a [`Snapshot`]: the plain form a comparison
//! needs (each requirement's status, fingerprint, revision and text, the tests' fingerprints,
//! the diagnostics, the coverage). [`Snapshot::of_run`] makes the same form from this run's
//! model and evaluation, and [`compare`] is a plain function of two snapshots that lists what
//! got worse and what got better; it never sees the report schema. The gate then fails only on
//! the "worse" list.

use crate::evaluate::Evaluation;
use crate::graph::Model;
use crate::model::{Code, Lifecycle, Severity, Status};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

mod load;
pub use load::{load, load_report};

/// What changed between the baseline and now, in both directions.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Comparison {
    /// Where the baseline was read from, as the user gave it.
    pub baseline: String,
    pub coverage_before: f64,
    pub coverage_after: f64,
    /// What got worse, sorted by kind, then file, line and id.
    pub worse: Vec<Change>,
    /// What got better, sorted the same way.
    pub better: Vec<Change>,
}

/// One thing that got worse or better.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Change {
    pub kind: ChangeKind,
    /// The requirement id, or the diagnostic code; empty for coverage.
    pub id: String,
    /// In words, for the terminal and the PR comment.
    pub what: String,
    pub file: Option<String>,
    pub line: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    /// Worse: a requirement that was verified (or waived) is now a gap.
    NoLongerVerified,
    /// Worse: a requirement whose tests now fail and did not before.
    NowFailing,
    /// Worse: a requirement whose evidence became suspect (reworded under an unchanged test,
    /// or its references left at an older revision).
    NowSuspect,
    /// Worse: a requirement that is new (or newly counted) and not verified.
    NewGap,
    /// Worse: an error diagnostic the baseline did not have.
    NewError,
    /// Worse: overall coverage went down.
    CoverageDrop,
    /// Better: a gap of the baseline is now verified or waived.
    NowVerified,
    /// Better: a requirement that failed no longer does (it may still be unverified).
    NoLongerFailing,
    /// Better: a new requirement that is verified from the start.
    NewVerified,
    /// Better: an error diagnostic of the baseline is gone.
    ErrorFixed,
    /// Better: overall coverage went up.
    CoverageRise,
}

impl ChangeKind {
    /// Whether the change is about a requirement (as opposed to a diagnostic or coverage).
    pub fn is_requirement(self) -> bool {
        matches!(
            self,
            ChangeKind::NoLongerVerified
                | ChangeKind::NowFailing
                | ChangeKind::NowSuspect
                | ChangeKind::NewGap
                | ChangeKind::NowVerified
                | ChangeKind::NoLongerFailing
                | ChangeKind::NewVerified
        )
    }
}

impl Comparison {
    pub fn is_worse(&self) -> bool {
        !self.worse.is_empty()
    }
}

/// One run as a comparison sees it: an earlier report read from its JSON, or this run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    /// In the report's order (file, then line).
    pub requirements: Vec<Standing>,
    pub tests: Vec<TestPrint>,
    /// In the report's order.
    pub diagnostics: Vec<Finding>,
    pub coverage_percent: f64,
}

/// One requirement: where it is, how it stood, and what it said.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    pub id: String,
    pub file: String,
    pub line: u32,
    pub lifecycle: Lifecycle,
    pub status: Status,
    pub reason: String,
    pub title: String,
    pub text: String,
    pub fingerprint: String,
    pub revision: u32,
    /// (binary, name) of every piece of evidence listed for it, stale or not; sorted.
    pub verified_by: Vec<(String, String)>,
}

/// One test and the fingerprint of its lines (empty in a report written before tests had one).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TestPrint {
    pub binary: String,
    pub test: String,
    pub file: String,
    pub line: u32,
    pub fingerprint: String,
}

/// One diagnostic, as the comparison matches it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub file: Option<String>,
    pub line: Option<u32>,
}

impl Snapshot {
    /// This run, from its model and evaluation: what its report would say.
    pub fn of_run(model: &Model, evaluation: &Evaluation) -> Snapshot {
        let requirements = model
            .requirements
            .iter()
            .zip(&evaluation.requirements)
            .enumerate()
            .map(|(i, (r, judged))| Standing {
                verified_by: sorted(
                    model.verified_by[i]
                        .iter()
                        .map(|l| {
                            let t = &model.tests[l.test].test;
                            (t.binary.clone(), t.name.clone())
                        })
                        .chain(model.evidenced_by[i].iter().map(|l| {
                            let e = &model.evidence[l.evidence];
                            (e.binary.clone().unwrap_or_default(), e.name.clone())
                        }))
                        .collect(),
                ),
                id: r.id.clone(),
                file: r.location.file.clone(),
                line: r.location.line,
                lifecycle: r.lifecycle,
                status: judged.status,
                reason: judged.reason.clone(),
                title: r.title.clone(),
                text: r.text.clone(),
                fingerprint: r.fingerprint.clone(),
                revision: r.revision,
            })
            .collect();
        let tests = model
            .tests
            .iter()
            .map(|t| TestPrint {
                binary: t.test.binary.clone(),
                test: t.test.name.clone(),
                file: t.file.clone(),
                line: t.test.line,
                fingerprint: t.test.fingerprint.clone(),
            })
            .collect();
        let diagnostics = evaluation
            .diagnostics
            .iter()
            .map(|d| Finding {
                code: d.code,
                severity: d.severity,
                message: d.message.clone(),
                file: d.location.as_ref().map(|l| l.file.clone()),
                line: d.location.as_ref().map(|l| l.line),
            })
            .collect();
        Snapshot {
            requirements,
            tests,
            diagnostics,
            coverage_percent: evaluation.summary.coverage_percent,
        }
    }
}

fn sorted<T: Ord>(mut items: Vec<T>) -> Vec<T> {
    items.sort();
    items
}

fn is_gap(r: &Standing) -> bool {
    r.lifecycle.is_counted() && !matches!(r.status, Status::Verified | Status::Waived)
}

fn is_done(r: &Standing) -> bool {
    r.lifecycle.is_counted() && matches!(r.status, Status::Verified | Status::Waived)
}

fn requirement_change(kind: ChangeKind, r: &Standing, what: String) -> Change {
    Change {
        kind,
        id: r.id.clone(),
        what,
        file: Some(r.file.clone()),
        line: Some(r.line),
    }
}

/// Lists what got worse and what got better from `base` to `now`.
///
/// Requirements are matched by id. Diagnostics are matched by code, file and message, line
/// numbers aside, because unrelated edits shift lines; several identical diagnostics are
/// counted, so a second copy of an old error is still new. With `deny_warnings` (the gate's
/// `--deny warnings` policy) warnings count as errors on both sides.
pub fn compare(base: &Snapshot, now: &Snapshot, deny_warnings: bool) -> Comparison {
    let mut worse = Vec::new();
    let mut better = Vec::new();

    // Duplicate ids are possible in a report (a `duplicate-id` error); the first one counts.
    let mut before: HashMap<&str, &Standing> = HashMap::new();
    for r in &base.requirements {
        before.entry(r.id.as_str()).or_insert(r);
    }
    let mut seen: HashMap<&str, ()> = HashMap::new();
    for r in &now.requirements {
        if seen.insert(r.id.as_str(), ()).is_some() {
            continue;
        }
        let status = r.status.as_str();
        match before.get(r.id.as_str()) {
            Some(old) if old.lifecycle.is_counted() => {
                if is_gap(r) && r.status == Status::Suspect && old.status != Status::Suspect {
                    worse.push(requirement_change(
                        ChangeKind::NowSuspect,
                        r,
                        format!("was {}, now suspect: {}", old.status.as_str(), r.reason),
                    ));
                } else if is_done(old) && is_gap(r) {
                    worse.push(requirement_change(
                        ChangeKind::NoLongerVerified,
                        r,
                        format!("was {}, now {status}: {}", old.status.as_str(), r.reason),
                    ));
                } else if is_gap(r) && r.status == Status::Failing && old.status != Status::Failing
                {
                    worse.push(requirement_change(
                        ChangeKind::NowFailing,
                        r,
                        format!("was {}, now failing: {}", old.status.as_str(), r.reason),
                    ));
                } else if is_gap(old) && is_done(r) {
                    better.push(requirement_change(
                        ChangeKind::NowVerified,
                        r,
                        format!("was {}, now {status}", old.status.as_str()),
                    ));
                } else if old.status == Status::Failing && is_gap(r) && r.status != Status::Failing
                {
                    better.push(requirement_change(
                        ChangeKind::NoLongerFailing,
                        r,
                        format!("was failing, now {status}: {}", r.reason),
                    ));
                }
            }
            // New, or counted only now (a draft made active): judged like a new requirement.
            old => {
                let newly = if old.is_some() {
                    format!("now {}", r.lifecycle.as_str())
                } else {
                    "new".to_string()
                };
                if is_gap(r) {
                    worse.push(requirement_change(
                        ChangeKind::NewGap,
                        r,
                        format!("{newly} and {status}: {}", r.reason),
                    ));
                } else if is_done(r) {
                    better.push(requirement_change(
                        ChangeKind::NewVerified,
                        r,
                        format!("{newly} and {status}"),
                    ));
                }
            }
        }
    }

    let (new_errors, fixed_errors) =
        diff_errors(&base.diagnostics, &now.diagnostics, deny_warnings);
    for d in new_errors {
        worse.push(diagnostic_change(ChangeKind::NewError, d));
    }
    for d in fixed_errors {
        better.push(diagnostic_change(ChangeKind::ErrorFixed, d));
    }

    let (b, a) = (base.coverage_percent, now.coverage_percent);
    // Coverage has one decimal; anything smaller than that is rounding, not change.
    if a < b - 0.05 {
        worse.push(coverage_change(ChangeKind::CoverageDrop, b, a));
    } else if a > b + 0.05 {
        better.push(coverage_change(ChangeKind::CoverageRise, b, a));
    }

    worse.sort();
    better.sort();
    Comparison {
        baseline: String::new(),
        coverage_before: b,
        coverage_after: a,
        worse,
        better,
    }
}

fn coverage_change(kind: ChangeKind, before: f64, after: f64) -> Change {
    Change {
        kind,
        id: String::new(),
        what: format!("coverage {before:.1}% -> {after:.1}%"),
        file: None,
        line: None,
    }
}

fn diagnostic_change(kind: ChangeKind, d: &Finding) -> Change {
    Change {
        kind,
        id: d.code.as_str().to_string(),
        what: d.message.clone(),
        file: d.file.clone(),
        line: d.line,
    }
}

/// Error diagnostics of `now` that `base` lacks, and error diagnostics of `base` that `now`
/// lacks (every diagnostic counting as an error under `deny_warnings`). Matching ignores lines
/// and severities: a warning of the baseline that is an error now is not new.
fn diff_errors<'a>(
    base: &'a [Finding],
    now: &'a [Finding],
    deny_warnings: bool,
) -> (Vec<&'a Finding>, Vec<&'a Finding>) {
    let counts = |d: &Finding| deny_warnings || d.severity == Severity::Error;
    type Key<'k> = (Code, Option<&'k str>, &'k str);
    let key = |d: &'a Finding| -> Key<'a> { (d.code, d.file.as_deref(), d.message.as_str()) };
    let mut available: BTreeMap<Key<'a>, usize> = BTreeMap::new();
    for d in base {
        *available.entry(key(d)).or_default() += 1;
    }
    let mut new_errors = Vec::new();
    let mut matched_now: BTreeMap<Key<'a>, usize> = BTreeMap::new();
    for d in now {
        let k = key(d);
        match available.get_mut(&k) {
            Some(n) if *n > 0 => {
                *n -= 1;
                *matched_now.entry(k).or_default() += 1;
            }
            _ if counts(d) => new_errors.push(d),
            _ => {}
        }
    }
    // A baseline error is fixed when fewer copies of it remain now.
    let mut fixed = Vec::new();
    for d in base.iter().filter(|d| counts(d)) {
        let k = key(d);
        match matched_now.get_mut(&k) {
            Some(n) if *n > 0 => *n -= 1,
            _ => fixed.push(d),
        }
    }
    (new_errors, fixed)
}

/// The comparison in words for the terminal: coverage, then the worse and better lists.
pub fn describe(comparison: &Comparison) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Against the baseline {}: coverage {:.1}% -> {:.1}%",
        comparison.baseline, comparison.coverage_before, comparison.coverage_after
    );
    for (label, list) in [("worse", &comparison.worse), ("better", &comparison.better)] {
        if list.is_empty() {
            let _ = writeln!(out, "  nothing {label}");
            continue;
        }
        let _ = writeln!(out, "  {label} ({}):", list.len());
        for change in list {
            let _ = writeln!(out, "    {}", change_line(change));
        }
    }
    out
}

/// One change as a line: `requirement `x` (docs/a.md:3): was verified, now unverified: ...`.
pub fn change_line(change: &Change) -> String {
    let place = match (&change.file, change.line) {
        (Some(file), Some(line)) => format!(" ({file}:{line})"),
        (Some(file), None) => format!(" ({file})"),
        _ => String::new(),
    };
    if change.kind.is_requirement() {
        format!("requirement `{}`{place}: {}", change.id, change.what)
    } else if matches!(change.kind, ChangeKind::NewError | ChangeKind::ErrorFixed) {
        let label = if change.kind == ChangeKind::NewError {
            "new error"
        } else {
            "fixed error"
        };
        format!("{label} [{}]{place}: {}", change.id, change.what)
    } else {
        change.what.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn requirement(id: &str, status: Status, line: u32) -> Standing {
        Standing {
            id: id.to_string(),
            file: "docs/spec.md".to_string(),
            line,
            lifecycle: Lifecycle::Active,
            status,
            reason: format!("{} for a reason", status.as_str()),
            title: String::new(),
            text: String::new(),
            fingerprint: String::new(),
            revision: 1,
            verified_by: vec![],
        }
    }

    fn error(message: &str, line: u32) -> Finding {
        Finding {
            code: Code::UnknownReference,
            severity: Severity::Error,
            message: message.to_string(),
            file: Some("src/lib.rs".to_string()),
            line: Some(line),
        }
    }

    fn report(requirements: Vec<Standing>, diagnostics: Vec<Finding>) -> Snapshot {
        let counted = requirements.len();
        let verified = requirements
            .iter()
            .filter(|r| r.status == Status::Verified)
            .count();
        Snapshot {
            coverage_percent: crate::evaluate::percent(verified, counted),
            requirements,
            tests: vec![],
            diagnostics,
        }
    }

    // r[verify gate.baseline]
    #[test]
    fn lists_worse_and_better_both_ways() {
        let base = report(
            vec![
                requirement("a", Status::Verified, 1),
                requirement("b", Status::Unverified, 5),
                requirement("c", Status::Verified, 9),
            ],
            vec![error("unknown requirement `x`", 3)],
        );
        let now = report(
            vec![
                requirement("a", Status::Unverified, 1),
                requirement("b", Status::Verified, 5),
                requirement("c", Status::Verified, 9),
                requirement("d", Status::Unverified, 12),
            ],
            vec![
                error("unknown requirement `x`", 4),
                error("unknown requirement `y`", 8),
            ],
        );
        let forward = compare(&base, &now, false);
        let kinds: Vec<(ChangeKind, &str)> = forward
            .worse
            .iter()
            .map(|c| (c.kind, c.id.as_str()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (ChangeKind::NoLongerVerified, "a"),
                (ChangeKind::NewGap, "d"),
                (ChangeKind::NewError, "unknown-reference"),
                (ChangeKind::CoverageDrop, ""),
            ]
        );
        assert_eq!(forward.worse[2].what, "unknown requirement `y`");
        assert_eq!(forward.better.len(), 1);
        assert_eq!(forward.better[0].kind, ChangeKind::NowVerified);
        assert_eq!(forward.better[0].id, "b");

        // The other way round, what got worse got better, and the reverse.
        let backward = compare(&now, &base, false);
        let kinds: Vec<ChangeKind> = backward.better.iter().map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            vec![
                ChangeKind::NowVerified,
                ChangeKind::ErrorFixed,
                ChangeKind::CoverageRise
            ]
        );
        assert_eq!(backward.worse.len(), 1);
        assert_eq!(backward.worse[0].kind, ChangeKind::NoLongerVerified);
        assert_eq!(backward.worse[0].id, "b");
    }

    // r[verify gate.baseline]
    #[test]
    fn identical_reports_compare_equal_and_copies_of_errors_count() {
        let base = report(
            vec![requirement("a", Status::Verified, 1)],
            vec![error("same", 3)],
        );
        let same = compare(&base, &base, false);
        assert!(same.worse.is_empty() && same.better.is_empty());
        let twice = report(
            vec![requirement("a", Status::Verified, 1)],
            vec![error("same", 3), error("same", 30)],
        );
        let cmp = compare(&base, &twice, false);
        assert_eq!(cmp.worse.len(), 1);
        assert_eq!(cmp.worse[0].kind, ChangeKind::NewError);
    }

    // r[verify gate.deny-warnings]
    #[test]
    fn a_new_warning_is_worse_only_under_deny_warnings() {
        let base = report(vec![requirement("a", Status::Verified, 1)], vec![]);
        let mut warning = error("a verify reference outside a test", 7);
        warning.severity = Severity::Warning;
        let now = report(vec![requirement("a", Status::Verified, 1)], vec![warning]);
        assert!(compare(&base, &now, false).worse.is_empty());
        let denied = compare(&base, &now, true);
        let kinds: Vec<ChangeKind> = denied.worse.iter().map(|c| c.kind).collect();
        assert_eq!(kinds, [ChangeKind::NewError]);
        // And removing it is a fix under the same policy.
        let fixed: Vec<ChangeKind> = compare(&now, &base, true)
            .better
            .iter()
            .map(|c| c.kind)
            .collect();
        assert_eq!(fixed, [ChangeKind::ErrorFixed]);
    }
}
