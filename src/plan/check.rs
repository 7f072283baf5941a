//! `check` and `show` resolved: what to analyse, what to compare it with, the gate's policy,
//! the outputs and the link template.

use super::outputs::{resolve_outputs, Destination, Output, OutputKind};
use super::{resolve_input, InputPlan, LinkTemplate};
use crate::cli::{CheckArgs, Deny, Format, ShowArgs};
use anyhow::{bail, Result};
use std::path::PathBuf;

/// The gate's policy, as flags gave it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GatePlan {
    pub fail_under: Option<f64>,
    pub deny_warnings: bool,
    pub baseline: Option<PathBuf>,
    pub changed_since: Option<String>,
}

/// Everything `check` does, validated.
#[derive(Debug, Clone)]
pub struct CheckPlan {
    pub input: InputPlan,
    pub gate: GatePlan,
    /// In the order of the flags' help: json, html, csv, sarif, markdown, baseline.
    pub outputs: Vec<Output>,
    pub format: Format,
    pub quiet: bool,
    /// `--source-link`, else one built from the GitHub Actions environment.
    pub link: Option<LinkTemplate>,
    /// Whether a `-` output takes standard output, so the terminal summary goes to stderr.
    pub stdout_taken: bool,
    /// `--history`: a folder of earlier JSON reports for the HTML report's trend.
    pub history: Option<PathBuf>,
}

impl CheckPlan {
    pub fn output(&self, kind: OutputKind) -> Option<&Destination> {
        self.outputs.iter().find(|o| o.kind == kind).map(|o| &o.to)
    }
}

/// Resolves `check`: the input, the gate, the outputs and the link template.
pub fn resolve_check(args: &CheckArgs) -> Result<CheckPlan> {
    if let Some(pct) = args.fail_under {
        if !(0.0..=100.0).contains(&pct) {
            bail!("--fail-under takes a percentage from 0 to 100, got {pct}");
        }
    }
    let link = match &args.source_link {
        Some(template) => Some(LinkTemplate::parse(template)?),
        None => None,
    };
    let outputs = resolve_outputs(
        &[
            (OutputKind::Json, args.json.as_ref()),
            (OutputKind::Html, args.html.as_ref()),
            (OutputKind::Csv, args.csv.as_ref()),
            (OutputKind::Sarif, args.sarif.as_ref()),
            (OutputKind::Markdown, args.markdown.as_ref()),
            (OutputKind::Baseline, args.write_baseline.as_ref()),
        ],
        args.format == Format::Json,
    )?;
    let stdout_taken = outputs.iter().any(|o| o.to == Destination::Stdout);
    let input = resolve_input(&args.input)?;
    Ok(CheckPlan {
        input,
        gate: GatePlan {
            fail_under: args.fail_under,
            deny_warnings: args.deny.contains(&Deny::Warnings),
            baseline: args.baseline.clone(),
            changed_since: args.changed_since.clone(),
        },
        outputs,
        format: args.format,
        quiet: args.quiet,
        link,
        stdout_taken,
        history: args.history.clone(),
    })
}

/// Everything `show` does, validated.
#[derive(Debug, Clone)]
pub struct ShowPlan {
    /// As the user wrote it; a revision suffix is allowed (`graph::find_requirement`).
    pub id: String,
    pub input: InputPlan,
    pub baseline: Option<PathBuf>,
    pub changed_since: Option<String>,
}

/// Resolves `show`.
pub fn resolve_show(args: &ShowArgs) -> Result<ShowPlan> {
    Ok(ShowPlan {
        id: args.id.clone(),
        input: resolve_input(&args.input)?,
        baseline: args.baseline.clone(),
        changed_since: args.changed_since.clone(),
    })
}
