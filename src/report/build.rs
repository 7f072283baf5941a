//! One run's outcome into the report schema (`reqtrail-report/1`): the linked [`Model`], its
//! [`Evaluation`], what is known about the run, and the sections a comparison and a release
//! policy add. Every output format renders the [`Report`] this builds, so all of them tell the
//! same story; nothing here decides a status, it only writes down what `evaluate` decided.

use super::{
    ComparisonSection, Coverage, DiagnosticEntry, EvidenceLedger, Implementation, LevelCoverage,
    Report, RequirementEntry, ResultRef, Summary, TestEntry, Tool, Verification, SCHEMA,
};
use crate::evaluate::{self, Counts, Doubt, Evaluation, Judgement, TestOutcome};
use crate::graph::Model;
use crate::model::{Diagnostic, EvidenceKind, Status, TestStatus};
use rayon::prelude::*;
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

/// What a run adds beside the evaluation: the comparison a `--baseline` or `--changed-since`
/// run made, and the release policy's classes.
#[derive(Debug, Clone, Default)]
pub struct Sections {
    pub comparison: Option<ComparisonSection>,
    pub policy: Vec<crate::policy::ClassResult>,
}

/// The report of one run. The evaluation moves into it: its reasons, levels, defects and
/// diagnostics become the report's without a copy, since nothing judges a run after its report
/// is written.
pub fn build(model: &Model, evaluation: Evaluation, run: &RunInfo, sections: Sections) -> Report {
    let levels = level_coverage(model, &evaluation);
    let Evaluation {
        requirements: judged,
        tests: outcomes,
        diagnostics,
        summary: s,
        errors,
        warnings,
    } = evaluation;
    // The two largest parts, each a copy of the model's strings, built side by side: this is
    // on the path between the evaluation and the outputs, where nothing else runs.
    let (requirements, tests) = rayon::join(
        || -> Vec<RequirementEntry> {
            judged
                .into_par_iter()
                .enumerate()
                .map(|(i, judged)| requirement_entry(model, i, judged))
                .collect()
        },
        || test_entries(model, outcomes),
    );
    let evidence = ledger(model, &tests, run);
    let diagnostics = diagnostics.into_iter().map(diagnostic_entry).collect();
    let summary = Summary {
        requirements: s.requirements,
        active: s.active,
        verified: s.verified,
        partial: s.partial,
        failing: s.failing,
        unverified: s.unverified,
        waived: s.waived,
        suspect: s.suspect,
        coverage_percent: s.coverage_percent,
        errors,
        warnings,
    };
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
        comparison: sections.comparison,
        policy: sections.policy,
    }
}

/// Coverage per level: how many counted, unwaived requirements have passing evidence of each
/// level, and how many of those that need it (`Needs:`, `Verification:`) have it.
fn level_coverage(model: &Model, evaluation: &Evaluation) -> Vec<LevelCoverage> {
    use evaluate::{is_level, level_rank, methods_of};
    let mut by_level: BTreeMap<(usize, String), (usize, usize, usize)> = BTreeMap::new();
    let mut denominator = 0;
    for (requirement, judged) in model.requirements.iter().zip(&evaluation.requirements) {
        if !requirement.lifecycle.is_counted() || judged.status == Status::Waived {
            continue;
        }
        denominator += 1;
        for level in &judged.levels {
            by_level
                .entry((level_rank(level), level.clone()))
                .or_default()
                .0 += 1;
        }
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
            let has = judged.levels.contains(&level);
            let slot = by_level.entry((level_rank(&level), level)).or_default();
            slot.1 += 1;
            slot.2 += usize::from(has);
        }
    }
    by_level
        .into_iter()
        .map(|((_, level), (requirements, needed, met))| LevelCoverage {
            level,
            requirements,
            percent: evaluate::percent(requirements, denominator),
            needed,
            met,
        })
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

fn requirement_entry(model: &Model, i: usize, judged: Judgement) -> RequirementEntry {
    let r = &model.requirements[i];
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
        .zip(&judged.tests)
        .map(|(link, judged)| {
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
                kind: EvidenceKind::Test,
                level: evaluate::test_level(&t.test.binary, &t.file).to_string(),
                by: None,
                date: None,
                version: None,
                note: None,
                link: None,
                defects: t.defects.clone(),
                suspect: judged.doubt.map(|doubt| match doubt {
                    Doubt::Stale => format!(
                        "stale reference: names an older revision than {}",
                        r.revision
                    ),
                    Doubt::Reworded => match model.previous.get(&i) {
                        Some(p) => format!("the requirement was reworded since {}; the test and its reference were not touched", p.from),
                        None => "the requirement was reworded; the test and its reference were not touched".to_string(),
                    },
                }),
            }
        })
        .collect();
    verified_by.sort_by(|a, b| (&a.binary, &a.test, a.line).cmp(&(&b.binary, &b.test, b.line)));
    let mut others: Vec<Verification> = model.evidenced_by[i]
        .iter()
        .zip(&judged.others)
        .map(|(link, judged)| {
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
                suspect: judged.doubt.map(|_| {
                    "made against an older revision or other text than the requirement has now"
                        .to_string()
                }),
            }
        })
        .collect();
    others.sort_by(|a, b| {
        (
            a.kind,
            evaluate::level_rank(&a.level),
            &a.file,
            a.line,
            &a.test,
        )
            .cmp(&(
                b.kind,
                evaluate::level_rank(&b.level),
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
    // A blank `Waived:` waives nothing, but the report still shows what was written.
    let waived = judged
        .waiver
        .and_then(|from| from.reason(model, i))
        .or(r.waived.as_deref())
        .map(str::to_string);
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
        status: judged.status,
        reason: judged.reason,
        style: r.style.as_str().to_string(),
        area: evaluate::area_of(&r.id),
        tags: r.tags.clone(),
        waived,
        parents,
        children,
        fields,
        verified_by,
        implemented_by,
        levels: judged.levels,
        defects: judged.defects,
        previous: model.previous.get(&i).cloned(),
    }
}

/// Sorted by binary, name, file and line.
fn test_entries(model: &Model, outcomes: Vec<TestOutcome>) -> Vec<TestEntry> {
    let mut entries: Vec<TestEntry> = model
        .tests
        .iter()
        .zip(outcomes)
        .map(|(t, outcome)| TestEntry {
            test: t.test.name.clone(),
            binary: t.test.binary.clone(),
            file: t.file.clone(),
            line: t.test.line,
            span: t.test.span,
            ignored: t.test.ignored,
            should_panic: t.test.should_panic,
            cfg: t.test.cfg.clone(),
            result: outcome.result,
            message: t.message.clone(),
            flaky: t.flaky,
            requirements: outcome
                .verifies
                .iter()
                .map(|&i| model.requirements[i].id.clone())
                .collect(),
            fingerprint: t.test.fingerprint.clone(),
        })
        .collect();
    entries.par_sort_by(|a, b| {
        (&a.binary, &a.test, &a.file, a.line).cmp(&(&b.binary, &b.test, &b.file, b.line))
    });
    entries
}

fn diagnostic_entry(d: Diagnostic) -> DiagnosticEntry {
    let (file, line) = match d.location {
        Some(l) => (Some(l.file), Some(l.line)),
        None => (None, None),
    };
    DiagnosticEntry {
        code: d.code,
        severity: d.severity,
        file,
        line,
        message: d.message,
        suggestion: d.suggestion,
        requirements: d.requirements,
    }
}

/// Coverage per group of requirements (a document, an area), sorted by the group's name.
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
            let c = Counts::of(members.iter().map(|r| (r.lifecycle, r.status)));
            Coverage {
                name,
                requirements: c.requirements,
                active: c.active,
                verified: c.verified,
                partial: c.partial,
                failing: c.failing,
                unverified: c.unverified,
                waived: c.waived,
                suspect: c.suspect,
                coverage_percent: c.coverage_percent,
            }
        })
        .collect()
}
