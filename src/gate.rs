//! The gate: from the evaluated model (and the gate options) to pass or fail, with the reasons
//! in words (PRODUCT.md section 7). Exit code 1 means this said "fail"; it never decides exit
//! code 2. It reads the evaluation, never the report schema, so the verdict does not depend on
//! how the outcome is written down.
//!
//! Without options every error diagnostic and every active requirement that is not verified or
//! waived fails. `--fail-under` replaces the gaps rule by a coverage floor, and so does a release
//! policy (`[[policy]]` classes, each with its own); `--baseline` fails
//! only on what got worse than an earlier report; `--changed-since` narrows requirements and
//! diagnostics to what the branch touched (coverage stays a whole-project number).

use crate::baseline::{Change, ChangeKind, Comparison};
use crate::changes::Scope;
use crate::evaluate::Evaluation;
use crate::graph::Model;
use crate::model::{Severity, Status};
use crate::policy::ClassResult;
use crate::report::plural;

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
    /// The severity a diagnostic of this `severity` has for this gate: its own, or `error` for
    /// a warning under `--deny warnings`.
    pub fn severity_of(&self, severity: Severity) -> Severity {
        if self.deny_warnings {
            Severity::Error
        } else {
            severity
        }
    }
}

/// How many ids or changes a reason names before "and N more".
const NAMED: usize = 5;

/// The verdict on one run: its model, the evaluation of it, and the release policy's classes
/// (empty without a policy).
pub fn judge(
    model: &Model,
    evaluation: &Evaluation,
    policy: &[ClassResult],
    options: &GateOptions,
) -> GateVerdict {
    let mut reasons = Vec::new();
    let mut blocking = Vec::new();
    let scope = options.scope.as_ref();
    let id = |i: usize| model.requirements[i].id.as_str();
    let in_scope = |i: usize| scope.is_none_or(|s| s.has_requirement(id(i)));

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
        let errors = evaluation
            .diagnostics
            .iter()
            .filter(|d| options.deny_warnings || d.severity == Severity::Error)
            .filter(|d| {
                scope.is_none_or(|s| {
                    let at = d.location.as_ref();
                    s.covers(at.map(|l| l.file.as_str()), at.map(|l| l.line))
                })
            })
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
        if options.fail_under.is_none() && policy.is_empty() {
            let gaps: Vec<usize> = evaluation
                .gaps(model)
                .into_iter()
                .filter(|&i| in_scope(i))
                .collect();
            if !gaps.is_empty() {
                reasons.push(gaps_reason(model, evaluation, &gaps, scope.is_some()));
                blocking.extend(gaps.iter().map(|&i| id(i).to_string()));
            }
        } else {
            // A coverage floor tolerates gaps, but not evidence made for other text
            // (PRODUCT.md section 12: a suspect requirement fails the gate).
            let suspects: Vec<usize> = evaluation
                .gaps(model)
                .into_iter()
                .filter(|&i| evaluation.requirements[i].status == Status::Suspect && in_scope(i))
                .collect();
            if !suspects.is_empty() {
                let named: Vec<String> = suspects
                    .iter()
                    .take(NAMED)
                    .map(|&i| format!("`{}`", id(i)))
                    .collect();
                reasons.push(format!(
                    "{} requirement{} with only suspect evidence: {}{}",
                    suspects.len(),
                    plural(suspects.len()),
                    named.join(", "),
                    more(suspects.len())
                ));
                blocking.extend(suspects.iter().map(|&i| id(i).to_string()));
            }
        }
    }
    // A release policy replaces the gaps rule: each class is gated on its own threshold.
    for class in policy.iter().filter(|c| !c.passed) {
        reasons.push(format!(
            "release policy: class `{}` is at {:.1}% ({} of {} verified), under its {}%",
            class.name, class.coverage_percent, class.verified, class.target, class.min_coverage
        ));
    }
    if let Some(threshold) = options.fail_under {
        let coverage = evaluation.summary.coverage_percent;
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

fn gaps_reason(model: &Model, evaluation: &Evaluation, gaps: &[usize], scoped: bool) -> String {
    if scoped {
        let named: Vec<String> = gaps
            .iter()
            .take(NAMED)
            .map(|&i| {
                format!(
                    "`{}` ({})",
                    model.requirements[i].id,
                    evaluation.requirements[i].status.as_str()
                )
            })
            .collect();
        return format!(
            "{} changed requirement{} not verified: {}{}",
            gaps.len(),
            plural(gaps.len()),
            named.join(", "),
            more(gaps.len())
        );
    }
    let summary = &evaluation.summary;
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

/// Whether the gap of requirement `id` is one the verdict blames (an error in annotations) or an
/// old one (a warning).
pub fn is_blocking(verdict: &GateVerdict, id: &str) -> bool {
    verdict
        .blocking
        .binary_search_by(|b| b.as_str().cmp(id))
        .is_ok()
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
            let (model, evaluation) = project.evaluated();
            let options = GateOptions {
                fail_under: *fail_under,
                ..GateOptions::default()
            };
            let verdict = judge(&model, &evaluation, &[], &options);
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
        let (model, evaluation) = Project::new(SPEC, &source).evaluated();
        let typo_line = evaluation
            .diagnostics
            .iter()
            .find(|d| d.severity == Severity::Error)
            .and_then(|d| d.location.as_ref())
            .map(|l| l.line)
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
            let verdict = judge(&model, &evaluation, &[], &options);
            assert_eq!(verdict.passed, passes, "{why}: {:?}", verdict.reasons);
            assert_eq!(verdict.blocking, blocking, "{why}");
        }
    }

    // r[verify change.policy]
    // r[verify front.evaluation]
    #[test]
    fn a_release_policy_replaces_the_gaps_rule_with_a_floor_per_class() {
        use crate::policy::PolicyClass;
        // `s1` and `s2` are safety requirements (Priority: high), the rest are not.
        let spec = "# Spec\n\nr[s1]\nPriority: high\nS1.\n\nr[s2]\nPriority: high\nS2.\n\nr[o1]\nO1.\n\nr[o2]\nO2.\n\nr[x+2]\nX, second edition.\n";
        let class = |name: &str, priority: &[&str], min: f64| PolicyClass {
            name: name.to_string(),
            priority: priority.iter().map(|p| p.to_string()).collect(),
            min_coverage: min,
            ..PolicyClass::default()
        };
        let source_all = tests_module(
            "r",
            &[
                ("t1", &["s1"]),
                ("t2", &["s2"]),
                ("t3", &["o1"]),
                ("tx", &["x"]),
            ],
        );
        let source_half = tests_module("r", &[("t1", &["s1"]), ("t3", &["o1"]), ("tx", &["x"])]);
        let source_stale = tests_module(
            "r",
            &[
                ("t1", &["s1"]),
                ("t2", &["s2"]),
                ("t3", &["o1"]),
                ("tx", &["x+1"]),
            ],
        );
        // (why, source, classes, passes, a phrase of the reason)
        type Row<'a> = (&'a str, &'a str, Vec<PolicyClass>, bool, &'a str);
        let rows: Vec<Row> = vec![
            (
                "no policy: every gap fails",
                &source_all,
                vec![],
                false,
                "1 active requirement not verified",
            ),
            (
                "safety complete, the rest over its floor: gaps tolerated",
                &source_all,
                vec![class("safety", &["high"], 100.0), class("rest", &[], 50.0)],
                true,
                "",
            ),
            (
                "safety under its floor",
                &source_half,
                vec![class("safety", &["high"], 100.0), class("rest", &[], 50.0)],
                false,
                "release policy: class `safety` is at 50.0% (1 of 2 verified), under its 100%",
            ),
            (
                "the rest under its floor",
                &source_all,
                vec![class("safety", &["high"], 100.0), class("rest", &[], 90.0)],
                false,
                "release policy: class `rest` is at 66.7% (2 of 3 verified), under its 90%",
            ),
            (
                "suspect evidence fails whatever the floors",
                &source_stale,
                vec![class("safety", &["high"], 0.0), class("rest", &[], 0.0)],
                false,
                "1 requirement with only suspect evidence: `x`",
            ),
        ];
        for (why, source, classes, passes, reason) in rows {
            let (model, evaluation) = Project::new(spec, source).evaluated();
            let policy = crate::policy::evaluate(&model, &evaluation, &classes);
            assert_eq!(policy.len(), classes.len(), "{why}");
            let verdict = judge(&model, &evaluation, &policy, &GateOptions::default());
            assert_eq!(verdict.passed, passes, "{why}: {:?}", verdict.reasons);
            if !reason.is_empty() {
                assert!(
                    verdict.reasons.iter().any(|r| r.contains(reason)),
                    "{why}: {:?}",
                    verdict.reasons
                );
            }
        }
    }
}
