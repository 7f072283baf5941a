//! Evaluation: the linked [`Model`] in, the [`Evaluation`] out. Decides each requirement's
//! status and the reason for it (PRODUCT.md section 6), which pieces of its evidence count and
//! which are suspect, the levels it has, and adds the diagnostics that need statuses
//! (`ignored-only`, `no-requirements`, `unknown-method`).
//!
//! The evaluation is plain data beside the model, indexed like it: it holds verdicts, not copies
//! of the model's text. `gate`, `baseline`, `changes` and `suspect` read the model and the
//! evaluation; `report::build` turns them into the JSON schema every output renders.
//!
//! Statuses are computed children first over the parent -> child graph (cycle edges dropped,
//! so a `cycle` error never turns into an endless walk), in time linear in requirements + links.

use crate::graph::Model;
use crate::model::{Code, Diagnostic, Lifecycle, Severity, Status, TestStatus};
use std::collections::BTreeMap;

/// What the evaluation found, indexed like the [`Model`] it was made from.
#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    /// One per requirement, in the model's order (file, then line).
    pub requirements: Vec<Judgement>,
    /// One per test, in the model's order.
    pub tests: Vec<TestOutcome>,
    /// The model's diagnostics and the evaluation's own, each naming the requirements it
    /// concerns (sorted); sorted by file, line, code and message, without duplicates.
    pub diagnostics: Vec<Diagnostic>,
    /// Every requirement, counted ones by status, and overall coverage.
    pub summary: Counts,
    pub errors: usize,
    pub warnings: usize,
}

/// The verdict on one requirement.
#[derive(Debug, Clone)]
pub struct Judgement {
    pub status: Status,
    /// Why it has this status, in one sentence (`no verifying test`, `test x failed`...); for a
    /// requirement that is not counted, prefixed with its lifecycle.
    pub reason: String,
    /// Where the waiver that counts comes from, if it is waived.
    pub waiver: Option<Waiver>,
    /// One per link of `Model::verified_by[i]`, in that order.
    pub tests: Vec<Evidence>,
    /// One per link of `Model::evidenced_by[i]` (records, external results), in that order.
    pub others: Vec<Evidence>,
    /// The levels it has passing evidence of, in level order (`impl`, `utest`, `itest`,
    /// `stest`, the record methods).
    pub levels: Vec<String>,
    /// Known defects beside it (its `Defect:`, its tests' defect ids, and a failing child's
    /// when it fails through that child), sorted.
    pub defects: Vec<String>,
}

/// Where a waiver comes from: the requirement's own `Waived:` or the config's `[waivers]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiver {
    Document,
    Config,
}

impl Waiver {
    /// The reason of the waiver of requirement `i` that comes from here.
    pub fn reason(self, model: &Model, i: usize) -> Option<&str> {
        match self {
            Waiver::Document => model.requirements[i].waived.as_deref(),
            Waiver::Config => model.config_waivers[i].as_deref(),
        }
    }
}

/// How one piece of a requirement's evidence was judged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Evidence {
    /// It counts towards the requirement's status: current, and passed (or, without results,
    /// present and not ignored).
    pub counts: bool,
    /// Why it was made for other text than the requirement has now, if it was.
    pub doubt: Option<Doubt>,
}

/// Why a piece of evidence is suspect (PRODUCT.md section 12).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Doubt {
    /// The reference names an older revision, or the record was made against an older
    /// revision or other text.
    Stale,
    /// The requirement was reworded (a comparison found it) and the test was left untouched.
    Reworded,
}

/// One test as the evaluation sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestOutcome {
    pub result: TestStatus,
    /// The requirements it claims to verify, as indices into `Model::requirements`, sorted by
    /// id, each once.
    pub verifies: Vec<usize>,
}

/// Requirements counted by status, and the coverage they make (PRODUCT.md section 6).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Counts {
    /// Every requirement, whatever its lifecycle.
    pub requirements: usize,
    /// Approved or active (counted) requirements, waived ones included.
    pub active: usize,
    pub verified: usize,
    pub partial: usize,
    pub failing: usize,
    pub unverified: usize,
    pub waived: usize,
    /// Counted requirements whose only evidence is suspect.
    pub suspect: usize,
    /// verified / (active - waived) * 100, one decimal; 100.0 when nothing is to be verified.
    pub coverage_percent: f64,
}

impl Counts {
    /// Counts requirements given as (lifecycle, status).
    pub fn of(requirements: impl IntoIterator<Item = (Lifecycle, Status)>) -> Counts {
        let mut c = Counts::default();
        for (lifecycle, status) in requirements {
            c.requirements += 1;
            if !lifecycle.is_counted() {
                continue;
            }
            c.active += 1;
            match status {
                Status::Verified => c.verified += 1,
                Status::Partial => c.partial += 1,
                Status::Failing => c.failing += 1,
                Status::Unverified => c.unverified += 1,
                Status::Waived => c.waived += 1,
                Status::Suspect => c.suspect += 1,
            }
        }
        c.coverage_percent = percent(c.verified, c.active - c.waived);
        c
    }
}

/// `part` of `whole` in percent with one decimal; 100.0 of nothing.
pub fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        return 100.0;
    }
    (part as f64 * 1000.0 / whole as f64).round() / 10.0
}

impl Evaluation {
    /// Requirements that are counted and neither verified nor waived (the gaps), as indices:
    /// failing ones first, then suspect, unverified, then partial, each group in file and line
    /// order.
    pub fn gaps(&self, model: &Model) -> Vec<usize> {
        let mut gaps: Vec<usize> = (0..self.requirements.len())
            .filter(|&i| {
                model.requirements[i].lifecycle.is_counted()
                    && !matches!(
                        self.requirements[i].status,
                        Status::Verified | Status::Waived
                    )
            })
            .collect();
        gaps.sort_by_key(|&i| gap_rank(self.requirements[i].status));
        gaps
    }
}

/// How urgent a gap is: failing, suspect, unverified, then partial.
pub fn gap_rank(status: Status) -> u8 {
    match status {
        Status::Failing => 0,
        Status::Suspect => 1,
        Status::Unverified => 2,
        _ => 3,
    }
}

/// The verdict on one requirement while the graph is walked.
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

pub fn evaluate(model: &Model) -> Evaluation {
    let mut diagnostics = model.diagnostics.clone();
    let verdicts = verdicts(model, &mut diagnostics);
    if model.requirements.is_empty() {
        diagnostics.push(Diagnostic::new(
            Code::NoRequirements,
            "the requirement documents define no requirement: check --spec, or pin the style and prefixes in reqtrail.toml (see docs/guide.md)",
            None,
        ));
    }
    let requirements: Vec<Judgement> = verdicts
        .into_iter()
        .enumerate()
        .map(|(i, verdict)| judgement(model, i, verdict))
        .collect();
    let diagnostics = sorted_diagnostics(diagnostics);
    let summary = Counts::of(
        model
            .requirements
            .iter()
            .zip(&requirements)
            .map(|(r, j)| (r.lifecycle, j.status)),
    );
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    Evaluation {
        requirements,
        tests: test_outcomes(model),
        diagnostics,
        summary,
        errors,
        warnings,
    }
}

/// The walk's verdict as the evaluation keeps it, with each piece of evidence judged.
fn judgement(model: &Model, i: usize, verdict: Verdict) -> Judgement {
    let r = &model.requirements[i];
    let counts_as_evidence = |status: TestStatus, ignored: bool| {
        if model.results_given {
            status == TestStatus::Passed
        } else {
            !ignored
        }
    };
    let tests = model.verified_by[i]
        .iter()
        .map(|link| {
            let t = &model.tests[link.test];
            let doubt = if link.stale {
                Some(Doubt::Stale)
            } else if link.suspect {
                Some(Doubt::Reworded)
            } else {
                None
            };
            Evidence {
                counts: doubt.is_none() && counts_as_evidence(t.status, t.test.ignored),
                doubt,
            }
        })
        .collect();
    let others = model.evidenced_by[i]
        .iter()
        .map(|link| Evidence {
            counts: !link.stale && model.evidence[link.evidence].status == TestStatus::Passed,
            doubt: link.stale.then_some(Doubt::Stale),
        })
        .collect();
    Judgement {
        status: verdict.status,
        reason: if r.lifecycle.is_counted() {
            verdict.reason
        } else {
            format!("{} (not counted): {}", r.lifecycle.as_str(), verdict.reason)
        },
        waiver: waiver_source(model, i),
        tests,
        others,
        levels: verdict.levels,
        defects: verdict.defects,
    }
}

/// Each test's result and the requirements it claims.
fn test_outcomes(model: &Model) -> Vec<TestOutcome> {
    let mut outcomes: Vec<TestOutcome> = model
        .tests
        .iter()
        .map(|t| TestOutcome {
            result: t.status,
            verifies: Vec::new(),
        })
        .collect();
    for (i, links) in model.verified_by.iter().enumerate() {
        for link in links {
            outcomes[link.test].verifies.push(i);
        }
    }
    for outcome in &mut outcomes {
        outcome
            .verifies
            .sort_by(|a, b| model.requirements[*a].id.cmp(&model.requirements[*b].id));
        outcome.verifies.dedup();
    }
    outcomes
}

/// Diagnostics in the order every output lists them: by file, line, code and message, each
/// once, each with its requirements sorted.
fn sorted_diagnostics(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut diagnostics: Vec<Diagnostic> = diagnostics
        .into_iter()
        .map(|mut d| {
            d.requirements.sort();
            d.requirements.dedup();
            d
        })
        .collect();
    fn key(d: &Diagnostic) -> (Option<&str>, Option<u32>, Code, &str) {
        (
            d.location.as_ref().map(|l| l.file.as_str()),
            d.location.as_ref().map(|l| l.line),
            d.code,
            d.message.as_str(),
        )
    }
    diagnostics.sort_by(|a, b| key(a).cmp(&key(b)));
    diagnostics.dedup();
    diagnostics
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
pub(crate) fn is_level(word: &str) -> bool {
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
pub(crate) fn methods_of(requirement: &crate::model::Requirement) -> Vec<String> {
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

/// Where the waiver that counts comes from: the document's own reason first, then the config's.
fn waiver_source(model: &Model, i: usize) -> Option<Waiver> {
    match (&model.requirements[i].waived, &model.config_waivers[i]) {
        (Some(reason), _) if !reason.trim().is_empty() => Some(Waiver::Document),
        (_, Some(reason)) if !reason.trim().is_empty() => Some(Waiver::Config),
        _ => None,
    }
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

#[cfg(test)]
mod tests {
    //! The status rules of PRODUCT.md section 6, one row per rule, on projects written as text.

    use super::Evaluation;
    use crate::graph::Model;
    use crate::model::{Outcome, Status};
    use crate::testkit::{tests_module, Project};

    fn status((model, evaluation): &(Model, Evaluation), id: &str) -> Status {
        let i = *model
            .index
            .get(id)
            .unwrap_or_else(|| panic!("no requirement {id}"));
        evaluation.requirements[i].status
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
            let report = project.evaluated();
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
            let report = project.evaluated();
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
        let report = Project::new(spec, stale).evaluated();
        // Stale evidence is suspect evidence (PRODUCT.md section 12).
        assert_eq!(status(&report, "x"), Status::Suspect);
        assert!(report
            .1
            .diagnostics
            .iter()
            .any(|d| d.code == crate::model::Code::StaleReference && d.requirements == ["x"]));
        let current = stale.replace("x+1", "x+2");
        assert_eq!(
            status(&Project::new(spec, &current).evaluated(), "x"),
            Status::Verified
        );

        let ignored = "#[cfg(test)]\nmod tests {\n    // r[verify x]\n    #[test]\n    #[ignore]\n    fn t() {}\n}\n";
        let report = Project::new(ONE, ignored).evaluated();
        assert_eq!(status(&report, "x"), Status::Unverified);
        let warned: Vec<_> = report
            .1
            .diagnostics
            .iter()
            .filter(|d| d.code == crate::model::Code::IgnoredOnly)
            .collect();
        assert_eq!(warned.len(), 1);
        assert_eq!(warned[0].requirements, ["x"]);
        assert_eq!(warned[0].location.as_ref().map(|l| l.line), Some(3));
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
            let (_, evaluation) = Project::new(&spec, &source).evaluated();
            let s = &evaluation.summary;
            assert_eq!(
                (s.active, s.verified, s.coverage_percent),
                (*active, *verified, *percent),
                "{reqs:?}"
            );
            assert_eq!(s.requirements, reqs.len());
        }
    }

    // r[verify change.stale-suspect]
    // r[verify change.suspect]
    // r[verify front.evaluation]
    #[test]
    fn each_piece_of_evidence_is_judged_on_its_own() {
        use super::{Doubt, Evidence};
        use crate::suspect::{Reworded, Suspicion};
        use Outcome::*;
        let reworded = |model: &mut Model| {
            let mut suspicion = Suspicion::default();
            suspicion.requirements.insert(
                "x".to_string(),
                Reworded {
                    tests: [("calc".to_string(), "tests::t".to_string())].into(),
                    ..Reworded::default()
                },
            );
            model.mark_suspect(&suspicion);
        };
        let current = |counts| Evidence {
            counts,
            doubt: None,
        };
        // (why, spec, the reference, results, reworded since a comparison, evidence of `t`, status)
        type Row<'a> = (
            &'a str,
            &'a str,
            &'a str,
            Option<&'a [(&'a str, Outcome)]>,
            bool,
            Evidence,
            Status,
        );
        let two = "# Spec\n\nr[x+2]\nThe thing, second edition.\n";
        let rows: &[Row] = &[
            (
                "present, no results",
                ONE,
                "x",
                None,
                false,
                current(true),
                Status::Verified,
            ),
            (
                "passed",
                ONE,
                "x",
                Some(&[("tests::t", Passed)]),
                false,
                current(true),
                Status::Verified,
            ),
            (
                "failed",
                ONE,
                "x",
                Some(&[("tests::t", Failed)]),
                false,
                current(false),
                Status::Failing,
            ),
            (
                "not run",
                ONE,
                "x",
                Some(&[]),
                false,
                current(false),
                Status::Unverified,
            ),
            (
                "an older revision",
                two,
                "x+1",
                Some(&[("tests::t", Passed)]),
                false,
                Evidence {
                    counts: false,
                    doubt: Some(Doubt::Stale),
                },
                Status::Suspect,
            ),
            (
                "reworded under an untouched test",
                ONE,
                "x",
                Some(&[("tests::t", Passed)]),
                true,
                Evidence {
                    counts: false,
                    doubt: Some(Doubt::Reworded),
                },
                Status::Suspect,
            ),
        ];
        for (why, spec, reference, results, rework, evidence, expected) in rows {
            let source = tests_module("r", &[("t", &[reference])]);
            let mut project = Project::new(spec, &source);
            if let Some(results) = results {
                project = project.with_results(results);
            }
            let mut model = project.model();
            if *rework {
                reworded(&mut model);
            }
            let evaluation = super::evaluate(&model);
            let i = model.index["x"];
            assert_eq!(evaluation.requirements[i].tests, [*evidence], "{why}");
            assert_eq!(evaluation.requirements[i].status, *expected, "{why}");
            // The test claims the requirement whatever became of its evidence.
            assert_eq!(evaluation.tests[0].verifies, [i], "{why}");
        }
    }

    // r[verify model.waiver]
    // r[verify front.evaluation]
    #[test]
    fn a_waiver_counts_from_the_document_first_then_the_config() {
        use super::Waiver;
        // (why, the requirement's `Waived:` line, the config's waiver, source, reason)
        type Row<'a> = (
            &'a str,
            &'a str,
            Option<&'a str>,
            Option<Waiver>,
            Option<&'a str>,
        );
        let rows: &[Row] = &[
            ("not waived", "", None, None, None),
            (
                "waived in the document",
                "Waived: bought in\n",
                None,
                Some(Waiver::Document),
                Some("bought in"),
            ),
            (
                "waived in the config",
                "",
                Some("out of scope"),
                Some(Waiver::Config),
                Some("out of scope"),
            ),
            (
                "both: the document's reason wins",
                "Waived: bought in\n",
                Some("out of scope"),
                Some(Waiver::Document),
                Some("bought in"),
            ),
        ];
        for (why, line, config, source, reason) in rows {
            let spec = format!("# Spec\n\nr[x]\n{line}The thing.\n");
            let mut project = Project::new(&spec, "");
            if let Some(reason) = config {
                project
                    .config
                    .waivers
                    .insert("x".to_string(), reason.to_string());
            }
            let model = project.model();
            let evaluation = super::evaluate(&model);
            let i = model.index["x"];
            assert_eq!(evaluation.requirements[i].waiver, *source, "{why}");
            let given = evaluation.requirements[i]
                .waiver
                .and_then(|w| w.reason(&model, i));
            assert_eq!(given, *reason, "{why}");
            let waived = if source.is_some() {
                Status::Waived
            } else {
                Status::Unverified
            };
            assert_eq!(evaluation.requirements[i].status, waived, "{why}");
        }
    }

    // r[verify model.status]
    // r[verify front.evaluation]
    #[test]
    fn gaps_are_listed_most_urgent_first_then_in_file_order() {
        use Outcome::*;
        let spec = "# Spec\n\nr[p1]\nNeeds: impl\nPartial.\n\nr[u1]\nUnverified.\n\nr[f1]\nFailing.\n\nr[v]\nVerified.\n\nr[s1+2]\nSuspect.\n\nr[u2]\nUnverified too.\n\nr[d]\nStatus: draft\nA draft.\n\nr[f2]\nFailing too.\n";
        let source = tests_module(
            "r",
            &[
                ("tp", &["p1"]),
                ("tf1", &["f1"]),
                ("tv", &["v"]),
                ("ts", &["s1+1"]),
                ("tf2", &["f2"]),
            ],
        );
        let (model, evaluation) = Project::new(spec, &source)
            .with_results(&[
                ("tests::tp", Passed),
                ("tests::tf1", Failed),
                ("tests::tv", Passed),
                ("tests::ts", Passed),
                ("tests::tf2", Errored),
            ])
            .evaluated();
        let gaps: Vec<&str> = evaluation
            .gaps(&model)
            .into_iter()
            .map(|i| model.requirements[i].id.as_str())
            .collect();
        assert_eq!(gaps, ["f1", "f2", "s1", "u1", "u2", "p1"]);
        let s = &evaluation.summary;
        assert_eq!(
            (
                s.requirements,
                s.active,
                s.failing,
                s.suspect,
                s.unverified,
                s.partial,
                s.verified
            ),
            (8, 7, 2, 1, 2, 1, 1)
        );
    }
}
