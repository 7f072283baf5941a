//! One side of a release comparison or one point of a trend (PRODUCT.md section 12): a report
//! read from a JSON file, or made by analysing the tree at a git ref. The tree is exported from
//! git's object store into a temporary directory ([`crate::history::export`]) and analysed
//! there by the one front end ([`crate::pipeline::analyze`]) with that tree's own config; the
//! working tree and the index are never touched.

use crate::plan::{RefInput, Release};
use crate::report::Report;
use anyhow::{bail, Result};

/// A report and what it is, in words (`v1.2 (1a2b3c4d5e6f, 2026-11-30)`, `reports/v1.json`).
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub label: String,
    /// The committer date of a git ref (`YYYY-MM-DD`), for trend tables; empty for a file.
    pub date: String,
    pub report: Report,
}

/// Reads release `release` (named `label` on the command line): a JSON report, or the tree at
/// a git ref analysed with `at`. Errors (another schema, an unknown ref, a ref a shallow clone
/// lacks) say what to do, and nothing is written.
pub fn load(label: &str, release: &Release, at: &RefInput) -> Result<Snapshot> {
    match release {
        Release::Report(path) => Ok(Snapshot {
            label: label.to_string(),
            date: String::new(),
            report: crate::baseline::load_report(path)?,
        }),
        Release::Ref(reference) => at_ref(reference, at),
    }
}

/// Analyses the tree at git ref `reference` of the repository at `at.root`.
pub fn at_ref(reference: &str, at: &RefInput) -> Result<Snapshot> {
    let root = at.root.as_path();
    let commit = crate::history::resolve(root, reference)?;
    let (short, date) = crate::history::describe(root, &commit)?;
    let (dir, inner) = crate::history::export(root, &commit)?;
    if !inner.is_dir() {
        bail!("{} did not exist at {reference}", root.display());
    }
    // A config named on the command line is read from the tree at the ref, at the same place.
    let plan = at.at(&inner)?;
    let mut report = crate::pipeline::analyze(&plan)?.report(Default::default());
    drop(dir);
    // The report describes the project at the ref, not the temporary directory.
    report.root = crate::plan::root_display(root);
    if plan.config.project.is_none() {
        report.project = crate::discover::project_name(root);
    }
    report.commit = Some(commit);
    report.dirty = false;
    Ok(Snapshot {
        label: format!("{reference} ({short}, {date})"),
        date,
        report,
    })
}
