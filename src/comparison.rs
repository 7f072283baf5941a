//! A run's comparison with what came before (PRODUCT.md section 12), for `check` and `show`:
//! loads the `--baseline` report, asks git what changed since `--changed-since`, reads the
//! spec files as they were at the base from git's object store and parses them with the run's
//! own spec parser ([`crate::pipeline::parse_specs`]), marks the evidence that became suspect,
//! evaluates again, and returns the report's comparison section so every artifact carries it.

use crate::baseline::{self, Comparison, Snapshot};
use crate::changes::{self, Diff, FileStatus, Scope};
use crate::evaluate::Evaluation;
use crate::graph::Model;
use crate::pipeline::{self, Analysis};
use crate::plan::InputPlan;
use crate::report::ComparisonSection;
use crate::suspect::{self, Suspicion};
use anyhow::Result;
use std::path::Path;

/// What the comparison gave the gate and the report.
#[derive(Debug, Clone, Default)]
pub struct Compared {
    pub comparison: Option<Comparison>,
    pub scope: Option<Scope>,
    /// The report's `comparison` section; `None` when nothing was compared.
    pub section: Option<ComparisonSection>,
}

/// Runs the comparison asked for (either, both or neither) on `analysis` and updates its
/// model and evaluation in place (suspect statuses, `previous` texts).
pub fn run(
    input: &InputPlan,
    analysis: &mut Analysis,
    baseline: Option<&Path>,
    changed_since: Option<&str>,
    deny_warnings: bool,
) -> Result<Compared> {
    if baseline.is_none() && changed_since.is_none() {
        return Ok(Compared::default());
    }
    let base = match baseline {
        Some(path) => Some(baseline::load(path)?),
        None => None,
    };
    let baseline_label = baseline.map(|p| p.to_string_lossy().replace('\\', "/"));
    let diff = match changed_since {
        Some(reference) => Some(changes::git_diff(&input.root, reference)?),
        None => None,
    };

    let mut suspicion = Suspicion::default();
    if let Some(diff) = &diff {
        let scope = changes::scope(
            &analysis.model,
            &analysis.evaluation,
            diff,
            &analysis.source_options,
        );
        let old = old_requirements(input, diff)?;
        let from = format!("{} ({})", diff.reference, short(&diff.base));
        suspicion.merge(suspect::from_changes(&analysis.model, &scope, &old, &from));
    }
    if let (Some(base), Some(label)) = (&base, &baseline_label) {
        suspicion.merge(suspect::from_baseline(
            &analysis.model,
            base,
            &format!("baseline {label}"),
        ));
    }
    if !suspicion.requirements.is_empty() {
        analysis.reevaluate(&suspicion);
    }

    let scope = diff.as_ref().map(|d| {
        changes::scope(
            &analysis.model,
            &analysis.evaluation,
            d,
            &analysis.source_options,
        )
    });
    let comparison = match (&base, baseline_label) {
        (Some(base), Some(label)) => {
            let now = Snapshot::of_run(&analysis.model, &analysis.evaluation);
            let mut comparison = baseline::compare(base, &now, deny_warnings);
            comparison.baseline = label;
            Some(comparison)
        }
        _ => None,
    };
    let section = section(
        &analysis.model,
        &analysis.evaluation,
        comparison.as_ref(),
        scope.as_ref(),
        &suspicion,
    );
    Ok(Compared {
        comparison,
        scope,
        section: Some(section),
    })
}

fn short(commit: &str) -> String {
    commit.chars().take(12).collect()
}

/// The requirements of every spec file the diff touched, as they were at its base: modified
/// and deleted files under their path, renamed ones under their old path. Added files had no
/// requirements there. Only paths the run's spec globs select are read.
fn old_requirements(input: &InputPlan, diff: &Diff) -> Result<Vec<crate::model::Requirement>> {
    let is_spec = crate::discover::spec_matcher(&input.selection)?;
    let mut files = Vec::new();
    for (path, change) in &diff.files {
        let old_path = match &change.status {
            FileStatus::Added => continue,
            FileStatus::Renamed { from } => from.as_str(),
            FileStatus::Modified | FileStatus::Deleted => path.as_str(),
        };
        if !is_spec(old_path) && !is_spec(path) {
            continue;
        }
        if let Some(text) = crate::history::show(&input.root, &diff.base, old_path)? {
            files.push((old_path.to_string(), text));
        }
    }
    Ok(pipeline::parse_specs(input, &files))
}

/// The comparison as the report carries it.
fn section(
    model: &Model,
    evaluation: &Evaluation,
    comparison: Option<&Comparison>,
    scope: Option<&Scope>,
    suspicion: &Suspicion,
) -> ComparisonSection {
    let mut against = Vec::new();
    if let Some(c) = comparison {
        against.push(format!("baseline {}", c.baseline));
    }
    if let Some(s) = scope {
        against.push(format!("{} (merge base {})", s.reference, short(&s.base)));
    }
    let mut changed: Vec<changes::ScopedRequirement> =
        scope.map(|s| s.requirements.clone()).unwrap_or_default();
    // Reworded since the baseline, when no diff named them already.
    for (id, found) in &suspicion.requirements {
        if changed.iter().any(|c| &c.id == id) {
            continue;
        }
        if let Some(&i) = model.index.get(id.as_str()) {
            let r = &model.requirements[i];
            changed.push(changes::ScopedRequirement {
                id: id.clone(),
                file: r.location.file.clone(),
                line: r.location.line,
                why: format!("reworded since {}", found.previous.from),
            });
        }
    }
    changed.sort_by(|a, b| (&a.file, a.line, &a.id).cmp(&(&b.file, b.line, &b.id)));
    let suspect: Vec<String> = model
        .requirements
        .iter()
        .zip(&evaluation.requirements)
        .filter(|(_, judged)| judged.status == crate::model::Status::Suspect)
        .map(|(r, _)| r.id.clone())
        .collect();
    ComparisonSection {
        against: against.join(" and "),
        coverage_before: comparison.map(|c| c.coverage_before),
        coverage_after: evaluation.summary.coverage_percent,
        worse: comparison.map(|c| c.worse.clone()).unwrap_or_default(),
        better: comparison.map(|c| c.better.clone()).unwrap_or_default(),
        changed,
        suspect,
    }
}
