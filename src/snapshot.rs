//! One side of a release comparison or one point of a trend (PRODUCT.md section 12): a report
//! read from a JSON file, or made by analysing the tree at a git ref. The tree is exported from
//! git's object store into a temporary directory ([`crate::history::export`]) and analysed
//! there by the one front end ([`crate::pipeline::analyze`]) with that tree's own config; the
//! working tree and the index are never touched.

use crate::cli::InputArgs;
use crate::report::Report;
use anyhow::{bail, Result};
use std::path::Path;

/// A report and what it is, in words (`v1.2 (1a2b3c4d5e6f, 2026-11-30)`, `reports/v1.json`).
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub label: String,
    /// The committer date of a git ref (`YYYY-MM-DD`), for trend tables; empty for a file.
    pub date: String,
    pub report: Report,
}

/// `what` is a JSON report when a file of that name exists, else a git ref of the repository at
/// `input.root`. Errors (another schema, an unknown ref, a ref a shallow clone lacks) say what
/// to do, and nothing is written.
pub fn load(what: &str, input: &InputArgs) -> Result<Snapshot> {
    let path = Path::new(what);
    if path.is_file() {
        return Ok(Snapshot {
            label: what.to_string(),
            date: String::new(),
            report: crate::baseline::load_report(path)?,
        });
    }
    if path.is_dir() {
        bail!("{what} is a directory: give a JSON report written by `reqtrail check --json`, or a git ref");
    }
    at_ref(what, input)
}

/// Analyses the tree at git ref `reference` of the repository at `input.root`.
pub fn at_ref(reference: &str, input: &InputArgs) -> Result<Snapshot> {
    if !input.results.is_empty() {
        bail!("--results cannot apply to a git ref: a ref is analysed without results (a test counts by its reference); compare JSON reports written by CI runs for statuses with results");
    }
    let root = input.root.as_path();
    let commit = crate::history::resolve(root, reference)?;
    let (short, date) = crate::history::describe(root, &commit)?;
    let (dir, inner) = crate::history::export(root, &commit)?;
    if !inner.is_dir() {
        bail!("{} did not exist at {reference}", root.display());
    }
    let mut args = input.clone();
    args.root = inner;
    // A config named on the command line is read from the tree at the ref, at the same place.
    args.config = input.config.as_ref().map(|c| {
        c.strip_prefix(root)
            .map(|rel| args.root.join(rel))
            .unwrap_or_else(|_| args.root.join(c))
    });
    let plan = crate::plan::resolve_input(&args)?;
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
