//! The gate: from a report (and the gate options) to pass or fail, with the reasons in words
//! (PRODUCT.md section 7). Exit code 1 means this said "fail"; it never decides exit code 2.
//!
//! Without options every error diagnostic and every active requirement that is not verified or
//! waived fails. `--fail-under` replaces the gaps rule by a coverage floor, and so does a release
//! policy (`[[policy]]` classes, each with its own); `--baseline` fails
//! only on what got worse than an earlier report; `--changed-since` narrows requirements and
//! diagnostics to what the branch touched (coverage stays a whole-project number).

use crate::baseline::{Change, ChangeKind, Comparison};
use crate::changes::Scope;
use crate::model::{Severity, Status};
use crate::report::plural;
use crate::report::{DiagnosticEntry, Report, RequirementEntry};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct GateOptions {
    /// `--deny warnings`: a warning fails the gate as an error does. The report keeps each
    /// diagnostic's own severity; this is policy, applied here and shown by the renderers
    /// that print the verdict.
    pub deny_warnings: bool,
    /// `--fail-under PCT`: coverage below this fails; gaps alone then do not.
    pub fail_under: Option<f64>,
    /// `--baseline FILE`: the comparison with the earlier report; only "worse" fails.
    pub baseline: Option<Comparison>,
    /// `--changed-since REF`: only these requirements, and diagnostics on these lines, count.
    pub scope: Option<Scope>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GateVerdict {
    pub passed: bool,
    /// Why it failed, one line each; empty when it passed.
    pub reasons: Vec<String>,
    /// Ids of the requirements whose gap fails the gate (renderers mark them as errors and the
    /// other gaps as warnings).
    pub blocking: Vec<String>,
    /// The `--deny warnings` policy the verdict was made under, so renderers show the warnings
    /// that failed the gate as errors.
    pub deny_warnings: bool,
}

impl GateVerdict {
    /// The severity a diagnostic has for this gate: its own, or `error` for a warning under
    /// `--deny warnings`.
    pub fn severity_of(&self, d: &DiagnosticEntry) -> Severity {
        if self.deny_warnings {
            Severity::Error
        } else {
            d.severity
        }
    }
}

/// How many ids or changes a reason names before "and N more".
const NAMED: usize = 5;

pub fn judge(report: &Report, options: &GateOptions) -> GateVerdict {
    let mut reasons = Vec::new();
    let mut blocking = Vec::new();
    let scope = options.scope.as_ref();
    let in_scope = |id: &str| scope.is_none_or(|s| s.has_requirement(id));

    if let Some(comparison) = &options.baseline {
        let worse: Vec<&Change> = comparison
            .worse
            .iter()
            .filter(|c| match scope {
                None => true,
                Some(s) if c.kind.is_requirement() => s.has_requirement(&c.id),
                Some(s) if c.kind == ChangeKind::NewError => s.covers(c.file.as_deref(), c.line),
                Some(_) => true,
            })
            .collect();
        if !worse.is_empty() {
            let named: Vec<String> = worse.iter().take(NAMED).map(|c| short(c)).collect();
            reasons.push(format!(
                "{} change{} worse than the baseline: {}{}",
                worse.len(),
                plural(worse.len()),
                named.join(", "),
                more(worse.len())
            ));
            blocking.extend(
                worse
                    .iter()
                    .filter(|c| c.kind.is_requirement())
                    .map(|c| c.id.clone()),
            );
        }
    } else {
        let errors = report
            .diagnostics
            .iter()
            .filter(|d| options.deny_warnings || d.severity == Severity::Error)
            .filter(|d| scope.is_none_or(|s| s.covers(d.file.as_deref(), d.line)))
            .count();
        if errors > 0 {
            let place = if scope.is_some() {
                " on changed lines"
            } else {
                ""
            };
            let what = if options.deny_warnings {
                "error or warning diagnostic"
            } else {
                "error diagnostic"
            };
            let policy = if options.deny_warnings {
                " (--deny warnings)"
            } else {
                ""
            };
            reasons.push(format!("{errors} {what}{}{place}{policy}", plural(errors)));
        }
        if options.fail_under.is_none() && report.policy.is_empty() {
            let gaps: Vec<&RequirementEntry> = report.gaps().filter(|r| in_scope(&r.id)).collect();
            if !gaps.is_empty() {
                reasons.push(gaps_reason(report, &gaps, scope.is_some()));
                blocking.extend(gaps.iter().map(|r| r.id.clone()));
            }
        } else {
            // A coverage floor tolerates gaps, but not evidence made for other text
            // (PRODUCT.md section 12: a suspect requirement fails the gate).
            let suspects: Vec<&RequirementEntry> = report
                .gaps()
                .filter(|r| r.status == Status::Suspect && in_scope(&r.id))
                .collect();
            if !suspects.is_empty() {
                let named: Vec<String> = suspects
                    .iter()
                    .take(NAMED)
                    .map(|r| format!("`{}`", r.id))
                    .collect();
                reasons.push(format!(
                    "{} requirement{} with only suspect evidence: {}{}",
                    suspects.len(),
                    plural(suspects.len()),
                    named.join(", "),
                    more(suspects.len())
                ));
                blocking.extend(suspects.iter().map(|r| r.id.clone()));
            }
        }
    }
    // A release policy replaces the gaps rule: each class is gated on its own threshold.
    for class in report.policy.iter().filter(|c| !c.passed) {
        reasons.push(format!(
            "release policy: class `{}` is at {:.1}% ({} of {} verified), under its {}%",
            class.name, class.coverage_percent, class.verified, class.target, class.min_coverage
        ));
    }
    if let Some(threshold) = options.fail_under {
        let coverage = report.summary.coverage_percent;
        if coverage < threshold {
            reasons.push(format!(
                "coverage {coverage:.1}% is under --fail-under {threshold}%"
            ));
        }
    }
    blocking.sort();
    blocking.dedup();
    GateVerdict {
        passed: reasons.is_empty(),
        reasons,
        blocking,
        deny_warnings: options.deny_warnings,
    }
}

fn gaps_reason(report: &Report, gaps: &[&RequirementEntry], scoped: bool) -> String {
    if scoped {
        let named: Vec<String> = gaps
            .iter()
            .take(NAMED)
            .map(|r| format!("`{}` ({})", r.id, r.status.as_str()))
            .collect();
        return format!(
            "{} changed requirement{} not verified: {}{}",
            gaps.len(),
            plural(gaps.len()),
            named.join(", "),
            more(gaps.len())
        );
    }
    let summary = &report.summary;
    let mut parts = Vec::new();
    for (n, what) in [
        (summary.failing, "failing"),
        (summary.suspect, "suspect"),
        (summary.unverified, "unverified"),
        (summary.partial, "partially verified"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    }
    format!(
        "{} active requirement{} not verified ({})",
        gaps.len(),
        plural(gaps.len()),
        parts.join(", ")
    )
}

/// A change in a few words, for the one-line reason.
fn short(change: &Change) -> String {
    let place = match (&change.file, change.line) {
        (Some(f), Some(l)) => format!(" at {f}:{l}"),
        (Some(f), None) => format!(" in {f}"),
        _ => String::new(),
    };
    match change.kind {
        ChangeKind::NoLongerVerified => format!("`{}` no longer verified", change.id),
        ChangeKind::NowFailing => format!("`{}` now failing", change.id),
        ChangeKind::NowSuspect => format!("`{}` now suspect", change.id),
        ChangeKind::NewGap => format!("new requirement `{}` not verified", change.id),
        ChangeKind::NewError => format!("new error [{}]{place}", change.id),
        _ => change.what.clone(),
    }
}

fn more(n: usize) -> String {
    if n > NAMED {
        format!(" and {} more", n - NAMED)
    } else {
        String::new()
    }
}

/// Whether a gap is one the verdict blames (an error in annotations) or an old one (a warning).
pub fn is_blocking(verdict: &GateVerdict, requirement: &RequirementEntry) -> bool {
    verdict.blocking.binary_search(&requirement.id).is_ok()
}

#[cfg(test)]
mod tests {
    //! The gate's rules (PRODUCT.md section 7) as a table: a project, the options, the verdict.

    use super::*;
    use crate::model::Outcome;
    use crate::testkit::{tests_module, Project};

    const SPEC: &str = "# Spec\n\nr[a]\nA.\n\nr[b]\nB.\n\nr[c]\nStatus: draft\nC, a draft.\n\nr[d]\nWaived: bought in\nD.\n";

    // r[verify gate.exit-codes]
    // r[verify gate.fail-under]
    #[test]
    fn the_gate_fails_on_errors_and_counted_gaps_or_a_coverage_floor() {
        let all = tests_module("r", &[("ta", &["a"]), ("tb", &["b"])]);
        let half = tests_module("r", &[("ta", &["a"])]);
        let typo = tests_module("r", &[("ta", &["a"]), ("tb", &["b", "a.typo"])]);
        // (why, source, results, --fail-under, passes, a phrase of the reason)
        type Row<'a> = (
            &'a str,
            &'a str,
            Option<&'a [(&'a str, Outcome)]>,
            Option<f64>,
            bool,
            &'a str,
        );
        let rows: &[Row] = &[
            ("everything counted is verified", &all, None, None, true, ""),
            (
                "a counted gap",
                &half,
                None,
                None,
                false,
                "1 active requirement not verified (1 unverified)",
            ),
            (
                "a failing test",
                &all,
                Some(&[
                    ("tests::ta", Outcome::Passed),
                    ("tests::tb", Outcome::Failed),
                ]),
                None,
                false,
                "(1 failing)",
            ),
            (
                "an error diagnostic",
                &typo,
                None,
                None,
                false,
                "1 error diagnostic",
            ),
            ("a gap above the floor", &half, None, Some(50.0), true, ""),
            (
                "a gap under the floor",
                &half,
                None,
                Some(60.0),
                false,
                "coverage 50.0% is under --fail-under 60%",
            ),
            (
                "the floor does not excuse errors",
                &typo,
                None,
                Some(0.0),
                false,
                "1 error diagnostic",
            ),
            (
                "a full floor, all verified",
                &all,
                None,
                Some(100.0),
                true,
                "",
            ),
        ];
        for (why, source, results, fail_under, passes, reason) in rows {
            let mut project = Project::new(SPEC, source);
            if let Some(results) = results {
                project = project.with_results(results);
            }
            let report = project.report();
            let options = GateOptions {
                fail_under: *fail_under,
                ..GateOptions::default()
            };
            let verdict = judge(&report, &options);
            assert_eq!(verdict.passed, *passes, "{why}: {:?}", verdict.reasons);
            assert_eq!(verdict.reasons.is_empty(), *passes, "{why}");
            if !reason.is_empty() {
                assert!(
                    verdict.reasons.iter().any(|r| r.contains(reason)),
                    "{why}: {:?}",
                    verdict.reasons
                );
            }
            // Only counted gaps block: never the draft, never the waived one.
            assert!(
                !verdict.blocking.iter().any(|id| id == "c" || id == "d"),
                "{why}"
            );
        }
    }

    // r[verify gate.changed-since]
    #[test]
    fn a_scope_narrows_gaps_and_errors_to_what_changed() {
        use crate::changes::{Lines, Scope, ScopedRequirement};
        let source = tests_module("r", &[("ta", &["a", "a.typo"])]);
        let report = Project::new(SPEC, &source).report();
        let typo_line = report
            .diagnostics
            .iter()
            .find(|d| d.severity == Severity::Error)
            .and_then(|d| d.line)
            .expect("the typo is an error with a line");
        let scope = |ids: &[&str], lines: &[(&str, Lines)]| Scope {
            requirements: ids
                .iter()
                .map(|id| ScopedRequirement {
                    id: id.to_string(),
                    file: "docs/spec.md".to_string(),
                    line: 1,
                    why: "changed".to_string(),
                })
                .collect(),
            lines: lines
                .iter()
                .map(|(f, l)| (f.to_string(), l.clone()))
                .collect(),
            ..Scope::default()
        };
        let rows: Vec<(&str, Scope, bool, Vec<&str>)> = vec![
            ("nothing changed", scope(&[], &[]), true, vec![]),
            ("the verified one changed", scope(&["a"], &[]), true, vec![]),
            ("the gap changed", scope(&["b"], &[]), false, vec!["b"]),
            ("the draft changed", scope(&["c"], &[]), true, vec![]),
            (
                "the typo's line changed",
                scope(
                    &[],
                    &[("src/lib.rs", Lines::Ranges(vec![(typo_line, typo_line)]))],
                ),
                false,
                vec![],
            ),
            (
                "another line of that file changed",
                scope(
                    &[],
                    &[(
                        "src/lib.rs",
                        Lines::Ranges(vec![(typo_line + 1, typo_line + 3)]),
                    )],
                ),
                true,
                vec![],
            ),
        ];
        for (why, scope, passes, blocking) in rows {
            let options = GateOptions {
                scope: Some(scope),
                ..GateOptions::default()
            };
            let verdict = judge(&report, &options);
            assert_eq!(verdict.passed, passes, "{why}: {:?}", verdict.reasons);
            assert_eq!(verdict.blocking, blocking, "{why}");
        }
    }
}
