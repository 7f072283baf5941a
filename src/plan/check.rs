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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn resolve(root: &std::path::Path, flags: &[&str]) -> Result<CheckPlan> {
        let root = root.to_str().expect("utf-8 temp dir");
        let argv = [&["reqtrail", "check", root][..], flags].concat();
        let Command::Check(args) = Cli::try_parse_from(argv).expect("clap accepts").command else {
            panic!("not check");
        };
        resolve_check(&args)
    }

    // r[verify front.plan]
    #[test]
    fn check_flags_are_refused_or_resolved_before_anything_is_read() {
        let dir = tempfile::tempdir().expect("tmp");
        let not_a_dir = dir.path().join("file.txt");
        std::fs::write(&not_a_dir, "x").expect("write");
        let refused: &[(&[&str], &str)] = &[
            (
                &["--fail-under", "101"],
                "--fail-under takes a percentage from 0 to 100, got 101",
            ),
            (
                &["--fail-under=-0.5"],
                "--fail-under takes a percentage from 0 to 100",
            ),
            (
                &["--source-link", "javascript:alert(1)"],
                "--source-link must be an http(s) or relative URL",
            ),
            (
                &["--markdown", "-", "--source-link", "data:text/html,x"],
                "--source-link must be",
            ),
            (
                &["--format", "json", "--csv", "-"],
                "--csv - and --format json both ask for it",
            ),
            (
                &["--html", "-", "--sarif", "-"],
                "--html - and --sarif - both ask for it",
            ),
        ];
        for (flags, message) in refused {
            // The same error whether or not the root exists: flags are checked first.
            for root in [dir.path(), not_a_dir.as_path()] {
                let err = resolve(root, flags).expect_err(&format!("{flags:?} refused"));
                assert!(format!("{err:#}").contains(message), "{flags:?}: {err:#}");
            }
        }
        let err = resolve(&not_a_dir, &[]).expect_err("a file is no root");
        assert!(format!("{err:#}").contains("is not a directory"), "{err:#}");

        let plan = resolve(
            dir.path(),
            &[
                "--fail-under",
                "80",
                "--deny",
                "warnings",
                "--html",
                "-",
                "--json",
                "r.json",
                "--source-link",
                "https://example.org/{commit}/{path}#L{line}",
                "--baseline",
                "old.json",
                "--changed-since",
                "origin/main",
                "-q",
            ],
        )
        .expect("accepted");
        assert_eq!(
            plan.gate,
            GatePlan {
                fail_under: Some(80.0),
                deny_warnings: true,
                baseline: Some(PathBuf::from("old.json")),
                changed_since: Some("origin/main".to_string()),
            }
        );
        assert!(plan.stdout_taken && plan.quiet);
        let output = |kind| plan.outputs.iter().find(|o| o.kind == kind).map(|o| &o.to);
        assert_eq!(output(OutputKind::Html), Some(&Destination::Stdout));
        assert_eq!(
            output(OutputKind::Json),
            Some(&Destination::File(PathBuf::from("r.json")))
        );
        assert_eq!(
            plan.link.as_ref().map(LinkTemplate::as_str),
            Some("https://example.org/{commit}/{path}#L{line}")
        );
        let plain = resolve(dir.path(), &["--csv", "links.csv"]).expect("accepted");
        assert!(!plain.stdout_taken && plain.gate == GatePlan::default());
    }
}
