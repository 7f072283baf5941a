//! Evaluation: the linked [`Model`] in, the [`Report`] out. Decides each requirement's status
//! and the reason for it (PRODUCT.md section 6), adds the diagnostics that need statuses
//! (`ignored-only`, `no-requirements`), and computes coverage per document, area and overall.
//!
//! Statuses are computed children first over the parent -> child graph (cycle edges dropped,
//! so a `cycle` error never turns into an endless walk), in time linear in requirements + links.

use crate::graph::Model;
use crate::model::{Code, Diagnostic, Requirement, Severity, Status, TestStatus};
use crate::report::{
    Coverage, DiagnosticEntry, EvidenceLedger, Implementation, Report, RequirementEntry, ResultRef,
    Summary, TestEntry, Tool, Verification, SCHEMA,
};
use std::collections::BTreeMap;

/// What is known about the run itself, beyond the model.
#[derive(Debug, Clone, Default)]
pub struct RunInfo {
    pub project: String,
    pub root: String,
    pub commit: Option<String>,
    pub generated_at: String,
    /// The working tree had uncommitted changes.
    pub dirty: bool,
    /// The results files read, in order.
    pub results_files: Vec<crate::evidence::ResultsFile>,
    /// The config's `defect-link` template (checked when the config was read).
    pub defect_link: Option<String>,
}

/// The verdict on one requirement before it is written into the report.
#[derive(Debug, Clone)]
struct Verdict {
    status: Status,
    reason: String,
    /// It or a descendant has a failing test; carried upwards.
    failing_test: Option<String>,
    /// At least one passing (or, without results, present) non-stale test in its subtree.
    has_evidence: bool,
    /// The known defects beside its failure: its own, and those of the failing child it
    /// inherits the failure from.
    defects: Vec<String>,
    /// The levels it has passing evidence of (`utest`, `itest`, `stest`, `impl`, methods).
    levels: Vec<String>,
}

pub fn evaluate(model: &Model, run: &RunInfo) -> Report {
    let mut diagnostics = model.diagnostics.clone();
    let verdicts = verdicts(model, &mut diagnostics);
    if model.requirements.is_empty() {
        diagnostics.push(Diagnostic::new(
            Code::NoRequirements,
            "the requirement documents define no requirement: check --spec, or pin the style and prefixes in reqtrail.toml (see docs/guide.md)",
            None,
        ));
    }

    let requirements: Vec<RequirementEntry> = model
        .requirements
        .iter()
        .enumerate()
        .map(|(i, r)| requirement_entry(model, i, r, &verdicts[i]))
        .collect();
    let tests = test_entries(model);
    let evidence = ledger(model, &tests, run);
    let diagnostics = diagnostic_entries(diagnostics);

    let counted: Vec<&RequirementEntry> = requirements
        .iter()
        .filter(|r| r.lifecycle.is_counted())
        .collect();
    let overall = coverage("overall", &counted, requirements.len());
    let summary = Summary {
        requirements: requirements.len(),
        active: overall.active,
        verified: overall.verified,
        partial: overall.partial,
        failing: overall.failing,
        unverified: overall.unverified,
        waived: overall.waived,
        suspect: overall.suspect,
        coverage_percent: overall.coverage_percent,
        errors: diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count(),
        warnings: diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count(),
    };
    let levels = level_coverage(model, &requirements);
    let documents = grouped(&requirements, |r| r.file.clone());
    let areas = grouped(&requirements, |r| r.area.clone());

    Report {
        schema: SCHEMA.to_string(),
        tool: Tool {
            name: "reqtrail".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        },
        project: run.project.clone(),
        root: run.root.clone(),
        commit: run.commit.clone(),
        generated_at: run.generated_at.clone(),
        results_given: model.results_given,
        summary,
        documents,
        areas,
        requirements,
        tests,
        diagnostics,
        dirty: run.dirty,
        evidence,
        levels,
        defect_link: run.defect_link.clone(),
        comparison: None,
        policy: Vec::new(),
    }
}

/// Coverage per level: how many counted, unwaived requirements have passing evidence of each
/// level, and how many of those that need it (`Needs:`, `Verification:`) have it.
fn level_coverage(
    model: &Model,
    entries: &[RequirementEntry],
) -> Vec<crate::report::LevelCoverage> {
    let mut by_level: BTreeMap<(usize, String), (usize, usize, usize)> = BTreeMap::new();
    let mut denominator = 0;
    for (i, entry) in entries.iter().enumerate() {
        if !entry.lifecycle.is_counted() || entry.status == Status::Waived {
            continue;
        }
        denominator += 1;
        for level in &entry.levels {
            by_level
                .entry((level_rank(level), level.clone()))
                .or_default()
                .0 += 1;
        }
        let requirement = &model.requirements[i];
        let mut wanted: Vec<String> = requirement
            .needs
            .iter()
            .map(|n| n.trim().to_ascii_lowercase())
            .filter(|n| is_level(n) && n != "test")
            .chain(
                methods_of(requirement)
                    .into_iter()
                    .filter(|m| m != "test" && crate::model::METHODS.contains(&m.as_str())),
            )
            .collect();
        wanted.sort();
        wanted.dedup();
        for level in wanted {
            let has = entry.levels.contains(&level);
            let slot = by_level.entry((level_rank(&level), level)).or_default();
            slot.1 += 1;
            slot.2 += usize::from(has);
        }
    }
    by_level
        .into_iter()
        .map(
            |((_, level), (requirements, needed, met))| crate::report::LevelCoverage {
                level,
                requirements,
                percent: percent(requirements, denominator),
                needed,
                met,
            },
        )
        .collect()
}

/// Every result a requirement's status does not show (PRODUCT.md section 11): results that
/// name no test, failed tests that verify nothing, tests that passed only on a retry.
fn ledger(model: &Model, tests: &[TestEntry], run: &RunInfo) -> EvidenceLedger {
    let unmatched_results = model
        .unmatched_results
        .iter()
        .map(|r| ResultRef {
            binary: r.binary.clone(),
            name: r.name.clone(),
            result: TestStatus::from(r.outcome),
            file: r.location.file.clone(),
            line: r.location.line,
        })
        .collect();
    let by_test = |keep: &dyn Fn(&TestEntry) -> bool| -> Vec<ResultRef> {
        tests
            .iter()
            .filter(|t| keep(t))
            .map(|t| ResultRef {
                binary: Some(t.binary.clone()),
                name: t.test.clone(),
                result: t.result,
                file: t.file.clone(),
                line: t.line,
            })
            .collect()
    };
    EvidenceLedger {
        files: run.results_files.clone(),
        unmatched_results,
        failed_without_requirement: by_test(&|t| {
            matches!(t.result, TestStatus::Failed | TestStatus::Errored)
                && t.requirements.is_empty()
        }),
        flaky: by_test(&|t| t.flaky),
    }
}

/// Children before parents: a topological order of the graph without its cycle edges.
fn bottom_up_order(model: &Model) -> Vec<usize> {
    let n = model.requirements.len();
    let mut pending_children: Vec<usize> = (0..n)
        .map(|parent| {
            model
                .children_of(parent)
                .filter(|&c| !is_cycle_edge(model, parent, c))
                .count()
        })
        .collect();
    let mut ready: Vec<usize> = (0..n).filter(|&i| pending_children[i] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(i) = ready.pop() {
        order.push(i);
        for parent in model.parents_of(i) {
            if is_cycle_edge(model, parent, i) {
                continue;
            }
            pending_children[parent] -= 1;
            if pending_children[parent] == 0 {
                ready.push(parent);
            }
        }
    }
    order
}

fn is_cycle_edge(model: &Model, parent: usize, child: usize) -> bool {
    model.in_cycle.contains(&parent) && model.in_cycle.contains(&child)
}

fn verdicts(model: &Model, diagnostics: &mut Vec<Diagnostic>) -> Vec<Verdict> {
    let n = model.requirements.len();
    let mut verdicts: Vec<Option<Verdict>> = vec![None; n];
    for i in bottom_up_order(model) {
        let children: Vec<(usize, &Verdict)> = model
            .children_of(i)
            .filter(|&c| !is_cycle_edge(model, i, c))
            .filter_map(|c| verdicts[c].as_ref().map(|v| (c, v)))
            .collect();
        let verdict = judge(model, i, &children, diagnostics);
        verdicts[i] = Some(verdict);
    }
    verdicts
        .into_iter()
        .map(|v| {
            v.unwrap_or(Verdict {
                status: Status::Unverified,
                reason: "not evaluated".to_string(),
                failing_test: None,
                has_evidence: false,
                defects: Vec::new(),
                levels: Vec::new(),
            })
        })
        .collect()
}

fn judge(
    model: &Model,
    i: usize,
    children: &[(usize, &Verdict)],
    diagnostics: &mut Vec<Diagnostic>,
) -> Verdict {
    let requirement = &model.requirements[i];
    let links = &model.verified_by[i];
    // Stale and suspect links are evidence made for other text: shown, never counted.
    let current: Vec<_> = links.iter().filter(|l| !l.stale && !l.suspect).collect();
    let has_suspect =
        links.iter().any(|l| l.stale || l.suspect) || model.evidenced_by[i].iter().any(|l| l.stale);
    let test = |l: &&crate::graph::VerifyLink| &model.tests[l.test];
    let others: Vec<&crate::graph::OtherEvidence> = model.evidenced_by[i]
        .iter()
        .filter(|l| !l.stale)
        .map(|l| &model.evidence[l.evidence])
        .collect();

    let own_failure = current
        .iter()
        .map(test)
        .find(|t| matches!(t.status, TestStatus::Failed | TestStatus::Errored))
        .map(|t| match &t.case {
            Some(case) => format!(
                "test `{}` {} (case `{case}`)",
                t.test.name,
                t.status.as_str()
            ),
            None => format!("test `{}` {}", t.test.name, t.status.as_str()),
        })
        .or_else(|| {
            others
                .iter()
                .find(|e| matches!(e.status, TestStatus::Failed | TestStatus::Errored))
                .map(|e| match e.kind {
                    crate::model::EvidenceKind::Record => {
                        format!("record `{}` failed ({})", e.name, e.location)
                    }
                    _ => format!("system test `{}` {}", e.name, e.status.as_str()),
                })
        });
    let mut active_children: Vec<&(usize, &Verdict)> = children
        .iter()
        .filter(|(c, _)| model.requirements[*c].lifecycle.is_counted())
        .collect();
    // By id, so the child named in a reason and the list of unfinished children read sorted
    // rather than in the order the edges were added.
    active_children.sort_by(|a, b| model.requirements[a.0].id.cmp(&model.requirements[b.0].id));
    let failing_child = active_children
        .iter()
        .find(|(_, v)| v.failing_test.is_some());
    let child_failure = failing_child.and_then(|(c, v)| {
        v.failing_test
            .as_ref()
            .map(|why| format!("child `{}` is failing ({why})", model.requirements[*c].id))
    });
    let failing_test = own_failure.clone().or(child_failure);
    let mut defects = own_defects(model, i);
    if own_failure.is_none() {
        if let Some((_, v)) = failing_child {
            defects.extend(v.defects.iter().cloned());
        }
    }
    defects.sort();
    defects.dedup();

    let counts_as_evidence = |status: TestStatus, ignored: bool| {
        if model.results_given {
            status == TestStatus::Passed
        } else {
            !ignored
        }
    };
    let passing_tests: Vec<&crate::graph::TestNode> = current
        .iter()
        .map(test)
        .filter(|t| counts_as_evidence(t.status, t.test.ignored))
        .collect();
    let passing_others: Vec<&&crate::graph::OtherEvidence> = others
        .iter()
        .filter(|e| e.status == TestStatus::Passed)
        .collect();
    let mut levels: Vec<String> = passing_tests
        .iter()
        .map(|t| test_level(&t.test.binary, &t.file).to_string())
        .chain(passing_others.iter().map(|e| e.level.clone()))
        .collect();
    if !model.implemented_by[i].is_empty() {
        levels.push("impl".to_string());
    }
    levels.sort_by_key(|l| level_rank(l));
    levels.dedup();

    let lacking = lacking(model, i, &levels, diagnostics);
    let needs_impl = requirement
        .needs
        .iter()
        .any(|n| n.eq_ignore_ascii_case("impl"));
    let own_evidence = passing_tests.len()
        + passing_others.len()
        + usize::from(needs_impl && !model.implemented_by[i].is_empty());

    if !current.is_empty() && current.iter().map(test).all(|t| t.test.ignored) {
        let names: Vec<&str> = current.iter().map(|l| test(l).test.name.as_str()).collect();
        diagnostics.push(
            Diagnostic::new(
                Code::IgnoredOnly,
                format!(
                    "every test of `{}` is #[ignore]: {}",
                    requirement.id,
                    names.join(", ")
                ),
                Some(requirement.location.clone()),
            )
            .about(requirement.id.clone()),
        );
    }

    let unfinished_children: Vec<&str> = active_children
        .iter()
        .filter(|(_, v)| !matches!(v.status, Status::Verified | Status::Waived))
        .map(|(c, _)| model.requirements[*c].id.as_str())
        .collect();
    let child_evidence = active_children.iter().any(|(_, v)| v.has_evidence);
    // A requirement with evidence of its own needs one piece of it to count; one without (a
    // pure grouping of children) is carried by its children's evidence.
    let has_own_links = !current.is_empty() || !others.is_empty();
    let own_ok = !has_own_links || own_evidence > 0;
    let has_evidence = own_evidence > 0 || (!has_own_links && child_evidence);
    let waiver = waiver_of(model, i);

    let (status, reason) = if let Some(why) = &failing_test {
        (Status::Failing, why.clone())
    } else if let Some(reason) = waiver {
        (Status::Waived, format!("waived: {reason}"))
    } else if has_evidence && unfinished_children.is_empty() && lacking.is_empty() {
        (
            Status::Verified,
            verified_reason(
                model,
                &passing_tests,
                &passing_others,
                active_children.len(),
            ),
        )
    } else if has_evidence && !lacking.is_empty() {
        let mut reason = lacking.join("; ");
        if !unfinished_children.is_empty() {
            reason.push_str(&format!(
                "; children not verified: {}",
                unfinished_children.join(", ")
            ));
        }
        (Status::Partial, reason)
    } else if has_evidence {
        (
            Status::Partial,
            format!("children not verified: {}", unfinished_children.join(", ")),
        )
    } else if has_suspect && current.is_empty() && others.is_empty() {
        (Status::Suspect, suspect_reason(model, i))
    } else if !own_ok && child_evidence {
        (
            Status::Partial,
            format!(
                "children verified, but its own tests did not pass: {}",
                unverified_reason(model, i)
            ),
        )
    } else if !lacking.is_empty() && !has_own_links {
        let mut reason = lacking.join("; ");
        if model.evidenced_by[i].iter().any(|l| l.stale) {
            reason.push_str(" (its records were made against an older revision)");
        }
        (Status::Unverified, reason)
    } else {
        (Status::Unverified, unverified_reason(model, i))
    };
    Verdict {
        status,
        reason,
        failing_test,
        has_evidence,
        defects,
        levels,
    }
}

/// The level of a Rust test: `itest` for an integration test (a `tests/*.rs` binary), `utest`
/// for a test inside the crate's own sources (unit tests, doctests).
pub fn test_level(binary: &str, file: &str) -> &'static str {
    let integration_binary = binary
        .split_once("::")
        .is_some_and(|(_, target)| !target.is_empty() && !target.contains('/'));
    let under_tests = (file.starts_with("tests/") || file.contains("/tests/"))
        && !file.starts_with("src/")
        && !file.contains("/src/");
    if integration_binary || under_tests {
        "itest"
    } else {
        "utest"
    }
}

/// The order levels are listed in: code, then tests from the smallest, then people's records.
pub fn level_rank(level: &str) -> usize {
    const ORDER: [&str; 9] = [
        "impl",
        "utest",
        "itest",
        "stest",
        "manual",
        "inspection",
        "analysis",
        "demonstration",
        "review",
    ];
    ORDER
        .iter()
        .position(|l| *l == level)
        .unwrap_or(ORDER.len())
}

/// The levels `Needs:` can name besides artifact types, and the record methods.
fn is_level(word: &str) -> bool {
    level_rank(word) < 9 || word == "test"
}

/// What a requirement's `Verification:` methods and `Needs:` levels still lack, each as
/// `needs X: ...`; an unknown method is an `unknown-method` warning.
fn lacking(
    model: &Model,
    i: usize,
    levels: &[String],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let requirement = &model.requirements[i];
    let has = |level: &str| levels.iter().any(|l| l == level);
    let any_test = has("utest") || has("itest") || has("stest");
    let mut lacking = Vec::new();
    for method in methods_of(requirement) {
        if !crate::model::METHODS.contains(&method.as_str()) {
            diagnostics.push(
                Diagnostic::new(
                    Code::UnknownMethod,
                    format!(
                        "`{}` lists verification method `{method}`, which reqtrail does not know: the methods are {}",
                        requirement.id,
                        crate::model::METHODS.join(", ")
                    ),
                    Some(requirement.location.clone()),
                )
                .about(requirement.id.clone()),
            );
            continue;
        }
        if method == "test" && !any_test {
            lacking.push("needs test: no passing test".to_string());
        } else if method != "test" && !has(&method) {
            lacking.push(format!("needs {method}: no record"));
        }
    }
    for need in &requirement.needs {
        let need = need.trim().to_ascii_lowercase();
        let met = if need == "test" {
            any_test
        } else if is_level(&need) {
            has(&need)
        } else {
            // An OpenFastTrace artifact type (`dsn`, `arch`...): an item of that type covers it.
            let prefix = format!("{need}~");
            model.children_of(i).any(|c| {
                model.requirements[c]
                    .id
                    .to_ascii_lowercase()
                    .starts_with(&prefix)
            })
        };
        if !met {
            lacking.push(format!("needs {need}: none"));
        }
    }
    lacking.dedup();
    lacking
}

/// The methods `Verification:` lists, lower-cased; none when it is absent (then any passing
/// evidence counts, as for `test`).
fn methods_of(requirement: &crate::model::Requirement) -> Vec<String> {
    let mut methods: Vec<String> = requirement
        .verification
        .as_deref()
        .unwrap_or("")
        .split([',', ' ', ';'])
        .map(|m| m.trim().to_ascii_lowercase())
        .filter(|m| !m.is_empty())
        .collect();
    methods.dedup();
    methods
}

/// Its own known defects: the `Defect:` attribute, and the defects named on its tests.
fn own_defects(model: &Model, i: usize) -> Vec<String> {
    let mut defects: Vec<String> = model.requirements[i]
        .fields
        .get("Defect")
        .map(|v| crate::defects::from_attribute(v))
        .unwrap_or_default();
    for link in &model.verified_by[i] {
        defects.extend(model.tests[link.test].defects.iter().cloned());
    }
    defects
}

fn waiver_of(model: &Model, i: usize) -> Option<&str> {
    match (&model.requirements[i].waived, &model.config_waivers[i]) {
        (Some(reason), _) if !reason.trim().is_empty() => Some(reason.as_str()),
        (_, Some(reason)) if !reason.trim().is_empty() => Some(reason.as_str()),
        _ => None,
    }
}

fn verified_reason(
    model: &Model,
    tests: &[&crate::graph::TestNode],
    others: &[&&crate::graph::OtherEvidence],
    children: usize,
) -> String {
    let mut parts = Vec::new();
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    match (tests.len(), model.results_given) {
        (0, _) => {}
        (n, true) => parts.push(plural(n, "passing test", "passing tests")),
        (n, false) => parts.push(format!("{} (no results given)", plural(n, "test", "tests"))),
    }
    let externals = others
        .iter()
        .filter(|e| e.kind == crate::model::EvidenceKind::External)
        .count();
    if externals > 0 {
        parts.push(plural(
            externals,
            "passing system test",
            "passing system tests",
        ));
    }
    let mut methods: BTreeMap<&str, usize> = BTreeMap::new();
    for e in others
        .iter()
        .filter(|e| e.kind == crate::model::EvidenceKind::Record)
    {
        *methods.entry(e.level.as_str()).or_default() += 1;
    }
    for (method, n) in methods {
        parts.push(plural(
            n,
            &format!("passing {method} record"),
            &format!("passing {method} records"),
        ));
    }
    let evidence = parts.join(", ");
    match (evidence.is_empty(), children) {
        (true, 0) => "verified by its implementation (Needs: impl)".to_string(),
        (true, _) => format!("all {children} active children verified or waived"),
        (false, 0) => format!("verified by {evidence}"),
        (false, _) => {
            format!("verified by {evidence}; all {children} active children verified or waived")
        }
    }
}

/// Why a requirement's only evidence is suspect: a reworded text, or stale references.
fn suspect_reason(model: &Model, i: usize) -> String {
    let links = &model.verified_by[i];
    let names = |keep: &dyn Fn(&crate::graph::VerifyLink) -> bool| -> Vec<String> {
        let mut names: Vec<String> = links
            .iter()
            .filter(|l| keep(l))
            .map(|l| format!("`{}`", model.tests[l.test].test.name))
            .collect();
        names.sort();
        names.dedup();
        names
    };
    let reworded = names(&|l| l.suspect && !l.stale);
    if links.iter().all(|l| !l.stale && !l.suspect) {
        return "suspect: its only records were made against an older revision or other text: verify it again against the text it has now, and record that".to_string();
    }
    if !reworded.is_empty() {
        let from = model
            .previous
            .get(&i)
            .map(|p| format!(" since {}", p.from))
            .unwrap_or_default();
        return format!(
            "suspect: the text changed{from} but its test{} did not: {}; review the test against the new text, then touch it (or its reference) in the same change",
            if reworded.len() == 1 { "" } else { "s" },
            reworded.join(", ")
        );
    }
    format!(
        "suspect: only stale references: the tests name an older revision than {}",
        model.requirements[i].revision
    )
}

fn unverified_reason(model: &Model, i: usize) -> String {
    let links = &model.verified_by[i];
    if links.is_empty() {
        return "no verifying test".to_string();
    }
    let current: Vec<_> = links.iter().filter(|l| !l.stale && !l.suspect).collect();
    if current.is_empty() {
        return format!(
            "only stale references: the tests name an older revision than {}",
            model.requirements[i].revision
        );
    }
    let statuses: Vec<(TestStatus, bool)> = current
        .iter()
        .map(|l| {
            let t = &model.tests[l.test];
            (t.status, t.test.ignored)
        })
        .collect();
    if statuses.iter().all(|(_, ignored)| *ignored) && !model.results_given {
        return "every verifying test is #[ignore]".to_string();
    }
    if statuses.iter().all(|(s, _)| *s == TestStatus::Skipped) {
        return "every verifying test was skipped".to_string();
    }
    if statuses.iter().all(|(s, _)| *s == TestStatus::NotRun) {
        return "no verifying test was run (not in the results)".to_string();
    }
    "verifying tests were skipped or not run".to_string()
}

fn requirement_entry(
    model: &Model,
    i: usize,
    r: &Requirement,
    verdict: &Verdict,
) -> RequirementEntry {
    let mut parents: Vec<String> = model
        .parents_of(i)
        .map(|p| model.requirements[p].id.clone())
        .collect();
    parents.sort();
    let mut children: Vec<String> = model
        .children_of(i)
        .map(|c| model.requirements[c].id.clone())
        .collect();
    children.sort();
    let mut verified_by: Vec<Verification> = model.verified_by[i]
        .iter()
        .map(|link| {
            let t = &model.tests[link.test];
            Verification {
                test: t.test.name.clone(),
                binary: t.test.binary.clone(),
                file: t.file.clone(),
                line: t.test.line,
                ref_line: link.ref_line,
                result: t.status,
                stale: link.stale,
                ignored: t.test.ignored,
                kind: crate::model::EvidenceKind::Test,
                level: test_level(&t.test.binary, &t.file).to_string(),
                by: None,
                date: None,
                version: None,
                note: None,
                link: None,
                defects: t.defects.clone(),
                suspect: if link.stale {
                    Some(format!(
                        "stale reference: names an older revision than {}",
                        r.revision
                    ))
                } else if link.suspect {
                    Some(match model.previous.get(&i) {
                        Some(p) => format!("the requirement was reworded since {}; the test and its reference were not touched", p.from),
                        None => "the requirement was reworded; the test and its reference were not touched".to_string(),
                    })
                } else {
                    None
                },
            }
        })
        .collect();
    verified_by.sort_by(|a, b| (&a.binary, &a.test, a.line).cmp(&(&b.binary, &b.test, b.line)));
    let mut others: Vec<Verification> = model.evidenced_by[i]
        .iter()
        .map(|link| {
            let e = &model.evidence[link.evidence];
            let record = e.record.as_ref();
            Verification {
                test: e.name.clone(),
                binary: e.binary.clone().unwrap_or_default(),
                file: e.location.file.clone(),
                line: e.location.line,
                ref_line: e.location.line,
                result: e.status,
                stale: link.stale,
                ignored: false,
                kind: e.kind,
                level: e.level.clone(),
                by: record.map(|r| r.by.clone()),
                date: record.map(|r| r.date.clone()),
                version: record.and_then(|r| r.version.clone()),
                note: record
                    .and_then(|r| r.note.clone())
                    .or_else(|| e.message.clone()),
                link: record.and_then(|r| r.link.clone()),
                defects: Vec::new(),
                suspect: link.stale.then(|| {
                    "made against an older revision or other text than the requirement has now"
                        .to_string()
                }),
            }
        })
        .collect();
    others.sort_by(|a, b| {
        (a.kind, level_rank(&a.level), &a.file, a.line, &a.test).cmp(&(
            b.kind,
            level_rank(&b.level),
            &b.file,
            b.line,
            &b.test,
        ))
    });
    verified_by.extend(others);
    let implemented_by = model.implemented_by[i]
        .iter()
        .map(|l| Implementation {
            item: l.item.clone(),
            file: l.location.file.clone(),
            line: l.location.line,
        })
        .collect();
    let waived = waiver_of(model, i)
        .map(str::to_string)
        .or_else(|| r.waived.clone());
    let mut fields = r.fields.clone();
    if let Some(priority) = &r.priority {
        fields.insert("Priority".to_string(), priority.clone());
    }
    if let Some(verification) = &r.verification {
        fields.insert("Verification".to_string(), verification.clone());
    }
    if !r.needs.is_empty() {
        fields.insert("Needs".to_string(), r.needs.join(", "));
    }
    RequirementEntry {
        id: r.id.clone(),
        title: r.title.clone(),
        text: r.text.clone(),
        file: r.location.file.clone(),
        line: r.location.line,
        span: r.span,
        revision: r.revision,
        fingerprint: r.fingerprint.clone(),
        lifecycle: r.lifecycle,
        status: verdict.status,
        reason: if r.lifecycle.is_counted() {
            verdict.reason.clone()
        } else {
            format!("{} (not counted): {}", r.lifecycle.as_str(), verdict.reason)
        },
        style: r.style.as_str().to_string(),
        area: area_of(&r.id),
        tags: r.tags.clone(),
        waived,
        parents,
        children,
        fields,
        verified_by,
        implemented_by,
        levels: verdict.levels.clone(),
        defects: verdict.defects.clone(),
        previous: model.previous.get(&i).cloned(),
    }
}

/// The first id segment: `auth` of `auth.login`, `REQ` of `REQ-012`, `dsn` of `dsn~storage`.
pub fn area_of(id: &str) -> String {
    // A namespaced marker id `i[frame.header]` is in area `i[frame]`.
    if let Some((prefix, inner)) = id.strip_suffix(']').and_then(|s| s.split_once('[')) {
        return format!("{prefix}[{}]", area_of(inner));
    }
    id.split(['.', '-', '_', '~', ':', '/'])
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or(id)
        .to_string()
}

fn test_entries(model: &Model) -> Vec<TestEntry> {
    let mut claims: Vec<Vec<String>> = vec![Vec::new(); model.tests.len()];
    for (i, links) in model.verified_by.iter().enumerate() {
        for link in links {
            claims[link.test].push(model.requirements[i].id.clone());
        }
    }
    let mut entries: Vec<TestEntry> = model
        .tests
        .iter()
        .zip(claims)
        .map(|(t, mut requirements)| {
            requirements.sort();
            requirements.dedup();
            TestEntry {
                test: t.test.name.clone(),
                binary: t.test.binary.clone(),
                file: t.file.clone(),
                line: t.test.line,
                span: t.test.span,
                ignored: t.test.ignored,
                should_panic: t.test.should_panic,
                cfg: t.test.cfg.clone(),
                result: t.status,
                message: t.message.clone(),
                flaky: t.flaky,
                requirements,
                fingerprint: String::new(),
            }
        })
        .collect();
    entries.sort_by(|a, b| {
        (&a.binary, &a.test, &a.file, a.line).cmp(&(&b.binary, &b.test, &b.file, b.line))
    });
    entries
}

fn diagnostic_entries(diagnostics: Vec<Diagnostic>) -> Vec<DiagnosticEntry> {
    let mut entries: Vec<DiagnosticEntry> = diagnostics
        .into_iter()
        .map(|d| DiagnosticEntry {
            code: d.code,
            severity: d.severity,
            file: d.location.as_ref().map(|l| l.file.clone()),
            line: d.location.as_ref().map(|l| l.line),
            message: d.message,
            suggestion: d.suggestion,
            requirements: {
                let mut ids = d.requirements;
                ids.sort();
                ids.dedup();
                ids
            },
        })
        .collect();
    entries.sort_by(|a, b| {
        (&a.file, a.line, a.code, &a.message).cmp(&(&b.file, b.line, b.code, &b.message))
    });
    entries.dedup();
    entries
}

fn percent(verified: usize, denominator: usize) -> f64 {
    if denominator == 0 {
        return 100.0;
    }
    (verified as f64 * 1000.0 / denominator as f64).round() / 10.0
}

fn coverage(name: &str, counted: &[&RequirementEntry], all: usize) -> Coverage {
    let count = |status: Status| counted.iter().filter(|r| r.status == status).count();
    let waived = count(Status::Waived);
    let verified = count(Status::Verified);
    Coverage {
        name: name.to_string(),
        requirements: all,
        active: counted.len(),
        verified,
        partial: count(Status::Partial),
        failing: count(Status::Failing),
        unverified: count(Status::Unverified),
        waived,
        suspect: count(Status::Suspect),
        coverage_percent: percent(verified, counted.len() - waived),
    }
}

fn grouped(
    requirements: &[RequirementEntry],
    key: impl Fn(&RequirementEntry) -> String,
) -> Vec<Coverage> {
    let mut groups: BTreeMap<String, Vec<&RequirementEntry>> = BTreeMap::new();
    for r in requirements {
        groups.entry(key(r)).or_default().push(r);
    }
    groups
        .into_iter()
        .map(|(name, members)| {
            let counted: Vec<&RequirementEntry> = members
                .iter()
                .copied()
                .filter(|r| r.lifecycle.is_counted())
                .collect();
            coverage(&name, &counted, members.len())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    //! The status rules of PRODUCT.md section 6, one row per rule, on projects written as text.

    use crate::model::{Outcome, Status};
    use crate::report::Report;
    use crate::testkit::{tests_module, Project};

    fn status(report: &Report, id: &str) -> Status {
        report
            .requirements
            .iter()
            .find(|r| r.id == id)
            .unwrap_or_else(|| panic!("no requirement {id}"))
            .status
    }

    const ONE: &str = "# Spec\n\nr[x]\nThe thing.\n";
    const FAMILY: &str = "# Spec\n\nr[p]\nThe parent.\n\nr[c]\nCovers: p\nThe child.\n";

    // r[verify model.status]
    #[test]
    fn status_rules_of_a_single_requirement() {
        use Outcome::*;
        type Row<'a> = (
            &'a str,
            &'a [(&'a str, &'a [&'a str])],
            Option<&'a [(&'a str, Outcome)]>,
            Status,
        );
        let rows: &[Row] = &[
            ("no verifying test", &[], None, Status::Unverified),
            (
                "a test, no results given",
                &[("t", &["x"])],
                None,
                Status::Verified,
            ),
            (
                "its test passed",
                &[("t", &["x"])],
                Some(&[("tests::t", Passed)]),
                Status::Verified,
            ),
            (
                "its test failed",
                &[("t", &["x"])],
                Some(&[("tests::t", Failed)]),
                Status::Failing,
            ),
            (
                "its test errored",
                &[("t", &["x"])],
                Some(&[("tests::t", Errored)]),
                Status::Failing,
            ),
            (
                "its test was skipped",
                &[("t", &["x"])],
                Some(&[("tests::t", Skipped)]),
                Status::Unverified,
            ),
            (
                "results given, its test not in them",
                &[("t", &["x"])],
                Some(&[]),
                Status::Unverified,
            ),
            (
                "one passed, one failed",
                &[("t", &["x"]), ("u", &["x"])],
                Some(&[("tests::t", Passed), ("tests::u", Failed)]),
                Status::Failing,
            ),
            (
                "one passed, one skipped",
                &[("t", &["x"]), ("u", &["x"])],
                Some(&[("tests::t", Passed), ("tests::u", Skipped)]),
                Status::Verified,
            ),
            (
                "a test of something else",
                &[("t", &[])],
                None,
                Status::Unverified,
            ),
        ];
        for (why, tests, results, expected) in rows {
            let source = tests_module("r", tests);
            let mut project = Project::new(ONE, &source);
            if let Some(results) = results {
                project = project.with_results(results);
            }
            let report = project.report();
            assert_eq!(status(&report, "x"), *expected, "{why}");
        }
    }

    // r[verify model.status]
    // r[verify model.parents]
    #[test]
    fn a_parent_depends_on_its_active_children() {
        use Outcome::*;
        type Row<'a> = (
            &'a str,
            &'a str,
            &'a [(&'a str, &'a [&'a str])],
            Option<&'a [(&'a str, Outcome)]>,
            Status,
            Status,
        );
        let waived_child = "# Spec\n\nr[p]\nThe parent.\n\nr[c]\nCovers: p\nWaived: out of scope this year\nThe child.\n";
        let draft_child =
            "# Spec\n\nr[p]\nThe parent.\n\nr[c]\nCovers: p\nStatus: draft\nThe child.\n";
        let rows: &[Row] = &[
            (
                "both tested",
                FAMILY,
                &[("tp", &["p"]), ("tc", &["c"])],
                None,
                Status::Verified,
                Status::Verified,
            ),
            (
                "child untested",
                FAMILY,
                &[("tp", &["p"])],
                None,
                Status::Partial,
                Status::Unverified,
            ),
            (
                "only the child tested",
                FAMILY,
                &[("tc", &["c"])],
                None,
                Status::Verified,
                Status::Verified,
            ),
            (
                "child's test failed",
                FAMILY,
                &[("tp", &["p"]), ("tc", &["c"])],
                Some(&[("tests::tp", Passed), ("tests::tc", Failed)]),
                Status::Failing,
                Status::Failing,
            ),
            (
                "child waived",
                waived_child,
                &[("tp", &["p"])],
                None,
                Status::Verified,
                Status::Waived,
            ),
            (
                "child a draft",
                draft_child,
                &[("tp", &["p"])],
                None,
                Status::Verified,
                Status::Unverified,
            ),
            (
                "nothing tested",
                FAMILY,
                &[],
                None,
                Status::Unverified,
                Status::Unverified,
            ),
        ];
        for (why, spec, tests, results, parent, child) in rows {
            let source = tests_module("r", tests);
            let mut project = Project::new(spec, &source);
            if let Some(results) = results {
                project = project.with_results(results);
            }
            let report = project.report();
            assert_eq!(status(&report, "p"), *parent, "{why}: parent");
            assert_eq!(status(&report, "c"), *child, "{why}: child");
        }
    }

    // r[verify model.revision]
    // r[verify model.ignored-only]
    #[test]
    fn stale_and_ignored_tests_do_not_verify() {
        let spec = "# Spec\n\nr[x+2]\nThe thing, second edition.\n";
        let stale =
            "#[cfg(test)]\nmod tests {\n    // r[verify x+1]\n    #[test]\n    fn t() {}\n}\n";
        let report = Project::new(spec, stale).report();
        // Stale evidence is suspect evidence (PRODUCT.md section 12).
        assert_eq!(status(&report, "x"), Status::Suspect);
        assert!(report
            .diagnostics
            .iter()
            .any(|d| d.code == crate::model::Code::StaleReference && d.requirements == ["x"]));
        let current = stale.replace("x+1", "x+2");
        assert_eq!(
            status(&Project::new(spec, &current).report(), "x"),
            Status::Verified
        );

        let ignored = "#[cfg(test)]\nmod tests {\n    // r[verify x]\n    #[test]\n    #[ignore]\n    fn t() {}\n}\n";
        let report = Project::new(ONE, ignored).report();
        assert_eq!(status(&report, "x"), Status::Unverified);
        let warned: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.code == crate::model::Code::IgnoredOnly)
            .collect();
        assert_eq!(warned.len(), 1);
        assert_eq!(warned[0].requirements, ["x"]);
        assert_eq!(warned[0].line, Some(3));
    }

    // r[verify model.coverage]
    // r[verify model.lifecycle]
    #[test]
    fn coverage_is_verified_over_active_minus_waived() {
        // (lifecycle line, tested) per requirement; coverage = verified / (active - waived).
        type Row<'a> = (&'a [(&'a str, bool)], usize, usize, f64);
        let rows: &[Row] = &[
            (&[("", true), ("", false)], 2, 1, 50.0),
            (
                &[("", true), ("", false), ("Waived: not needed", false)],
                3,
                1,
                50.0,
            ),
            (
                &[
                    ("", true),
                    ("Status: draft", false),
                    ("Status: deprecated", false),
                ],
                1,
                1,
                100.0,
            ),
            (&[("", true), ("", true), ("", false)], 3, 2, 66.7),
            (&[("Waived: all of it", false)], 1, 0, 100.0),
            (&[("", false)], 1, 0, 0.0),
        ];
        for (reqs, active, verified, percent) in rows {
            let mut spec = String::from("# Spec\n\n");
            let mut tests: Vec<(String, Vec<String>)> = Vec::new();
            for (i, (attribute, tested)) in reqs.iter().enumerate() {
                spec.push_str(&format!("r[q.n{i}]\n{attribute}\nText {i}.\n\n"));
                if *tested {
                    tests.push((format!("t{i}"), vec![format!("q.n{i}")]));
                }
            }
            let ids: Vec<Vec<&str>> = tests
                .iter()
                .map(|(_, ids)| ids.iter().map(String::as_str).collect())
                .collect();
            let table: Vec<(&str, &[&str])> = tests
                .iter()
                .zip(&ids)
                .map(|((name, _), ids)| (name.as_str(), ids.as_slice()))
                .collect();
            let source = tests_module("r", &table);
            let report = Project::new(&spec, &source).report();
            let s = &report.summary;
            assert_eq!(
                (s.active, s.verified, s.coverage_percent),
                (*active, *verified, *percent),
                "{reqs:?}"
            );
            assert_eq!(s.requirements, reqs.len());
        }
    }
}
