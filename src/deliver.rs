//! Delivering a run's results: every output rendered and written (files through `output`, `-`
//! to standard output), the terminal text printed (to standard error when an output took
//! standard output), and the exit code when inputs could not be read.
//!
//! `check` renders and writes each output in its own rayon task, streams the JSON into its
//! file and scans it for the terminal on the way; `diff` and `trend` render first and write
//! after, so a bad release writes nothing.

use crate::cli::{ColorChoice, Format};
use crate::gate::{GateOptions, GateVerdict};
use crate::output::write_output;
use crate::plan::{self, CheckPlan, Destination, Output, OutputKind};
use crate::report::{self, human::Paint, Report};
use anyhow::{Context, Result};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Writes `check`'s outputs and prints its summary: the human summary (with what
/// `--changed-since` and `--baseline` found, and the files written), or `--format github`'s
/// annotations in front of it.
pub(crate) fn check(
    plan: &CheckPlan,
    report: &Report,
    verdict: &GateVerdict,
    options: &GateOptions,
    history: Option<&str>,
) -> Result<()> {
    // Text from input reaches the terminal (and a CI log) only with its control characters
    // escaped; the files written keep it as it is. The check runs beside the rendering.
    let (written, shown) = rayon::join(
        || write_outputs(plan, report, verdict, options, history),
        || report::terminal::escaped(report),
    );
    let stdout = written?;
    let shown_verdict = report::terminal::escaped_verdict(verdict);
    let sections = ci_sections(options);
    let written = written_outputs(plan);
    let mut summary = report::human::render_with(
        &shown,
        &shown_verdict,
        paint(plan.input.color, !plan.stdout_taken),
        plan.quiet,
        report::human::Extras {
            sections: &sections,
            written: &written,
        },
    );
    if plan.format == Format::Github {
        summary = report::github::render(&shown, &shown_verdict, options.scope.as_ref())
            + &report::terminal::github_fenced(&summary);
    }
    match stdout {
        Some(text) => {
            print_stdout(&text)?;
            eprint!("{summary}");
        }
        None => print_stdout(&summary)?,
    }
    // The process exits right after: freeing a 100,000-requirement report piece by piece
    // would cost more than a tenth of the run, and the OS takes it back at once.
    std::mem::forget(shown);
    Ok(())
}

/// Writes `diff`'s or `trend`'s outputs, each rendered by `render` before anything is written,
/// and prints `terminal` (to standard error when an output took standard output).
pub(crate) fn outputs_and_terminal(
    outputs: &[Output],
    render: impl Fn(OutputKind) -> String,
    terminal: &str,
) -> Result<()> {
    let rendered: Vec<(&Destination, String)> =
        outputs.iter().map(|o| (&o.to, render(o.kind))).collect();
    let mut stdout = None;
    for (to, text) in rendered {
        match to {
            Destination::Stdout => stdout = Some(text),
            Destination::File(path) => write_output(path, text.as_bytes())?,
        }
    }
    let terminal = report::terminal::escape(terminal, true).into_owned();
    match stdout {
        Some(text) => {
            print_stdout(&text)?;
            eprint!("{terminal}");
        }
        None => print_stdout(&terminal)?,
    }
    Ok(())
}

/// Whether to colour text for standard output (`to_stdout`) or standard error.
pub(crate) fn paint(choice: ColorChoice, to_stdout: bool) -> Paint {
    let enabled = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && if to_stdout {
                    std::io::stdout().is_terminal()
                } else {
                    std::io::stderr().is_terminal()
                }
        }
    };
    Paint { enabled }
}

pub(crate) fn print_stdout(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        // A closed pipe (`reqtrail check | head`) is the reader's choice, not our failure.
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to standard output"),
    }
}

/// Exit code 2 with a message when input could not be read, else the gate's code.
pub(crate) fn exit_code(unreadable: &[String], code: i32) -> i32 {
    if unreadable.is_empty() {
        return code;
    }
    let shown: Vec<String> = unreadable
        .iter()
        .take(5)
        .map(|p| report::terminal::escape(p, false).into_owned())
        .collect();
    let more = unreadable.len().saturating_sub(shown.len());
    eprintln!(
        "error: {} input path{} could not be read ({}{}), so the verdict is incomplete: fix the permissions or exclude them (`exclude` in reqtrail.toml)",
        unreadable.len(),
        if unreadable.len() == 1 { "" } else { "s" },
        shown.join(", "),
        if more > 0 { format!(", and {more} more") } else { String::new() }
    );
    2
}

/// Renders every output, writes the files and returns what goes to standard output (at most
/// one, the plan made sure of it).
///
/// Each output is rendered and written by its own task, side by side, and the JSON is streamed
/// into its file rather than built in memory. Only when every file is one replaced atomically
/// and no two name the same file are the writes independent; otherwise (a device, a FIFO, a
/// descriptor path, two names for one file) they happen one after another in command-line
/// order, as a reader of that stream expects.
fn write_outputs(
    plan: &CheckPlan,
    report: &Report,
    verdict: &GateVerdict,
    options: &GateOptions,
    history: Option<&str>,
) -> Result<Option<String>> {
    use rayon::prelude::*;
    let mut targets: Vec<PathBuf> = Vec::new();
    let mut independent = true;
    for output in &plan.outputs {
        if let Destination::File(path) = &output.to {
            match crate::output::replaced_file(path) {
                Some(target) if !targets.contains(&target) => targets.push(target),
                _ => independent = false,
            }
        }
    }
    let deliver = |output: &Output| deliver_output(output, plan, report, verdict, options, history);
    let delivered: Vec<Result<Option<String>>> = if independent {
        plan.outputs.par_iter().map(deliver).collect()
    } else {
        plan.outputs.iter().map(deliver).collect()
    };
    let mut stdout = None;
    for one in delivered {
        stdout = stdout.or(one?);
    }
    Ok(stdout)
}

/// Renders one output and writes it to its file (`None`), or returns it for standard output.
fn deliver_output(
    output: &Output,
    plan: &CheckPlan,
    report: &Report,
    verdict: &GateVerdict,
    options: &GateOptions,
    history: Option<&str>,
) -> Result<Option<String>> {
    if let (OutputKind::Json, Destination::File(path)) = (output.kind, &output.to) {
        crate::output::write_output_with(path, |out| report::json::write(out, report))?;
        return Ok(None);
    }
    let text = match output.kind {
        OutputKind::Json => report::json::render(report),
        OutputKind::Html => {
            let options = report::html::HtmlOptions {
                source_link: plan.link.as_ref().map(|l| l.as_str().to_string()),
                results_files: plan
                    .input
                    .results
                    .iter()
                    .map(|p| plan::shown_path(&plan.input.root, p))
                    .collect(),
                modified: report
                    .commit
                    .as_ref()
                    .and_then(|_| git_modified(&plan.input.root)),
                history: history.map(str::to_string),
            };
            report::html::render(report, &options)?
        }
        OutputKind::Csv => report::csv::render(report),
        OutputKind::Baseline => report::json::render_baseline(report),
        OutputKind::Sarif => report::sarif::render(report, verdict),
        OutputKind::Markdown => {
            let link = plan.link.clone().or_else(plan::github_source_link);
            let context = report::markdown::MarkdownContext {
                verdict: Some(verdict),
                comparison: options.baseline.as_ref(),
                scope: options.scope.as_ref(),
                link: link.as_ref().map(|l| l.as_str()),
            };
            report::markdown::render(report, &context)
        }
    };
    match &output.to {
        Destination::Stdout => Ok(Some(text)),
        Destination::File(path) => {
            write_output(path, text.as_bytes())?;
            Ok(None)
        }
    }
}

/// What `--changed-since` and `--baseline` found, escaped for the terminal, a blank line
/// between the two; empty when neither was asked for.
fn ci_sections(options: &GateOptions) -> String {
    let mut sections = String::new();
    if let Some(scope) = &options.scope {
        sections.push_str(&report::terminal::escape(
            &crate::changes::describe(scope),
            true,
        ));
    }
    if let Some(comparison) = &options.baseline {
        if !sections.is_empty() {
            sections.push('\n');
        }
        sections.push_str(&report::terminal::escape(
            &crate::baseline::describe(comparison),
            true,
        ));
    }
    sections
}

/// `wrote FILE (what)` for every output file of this run, so the user learns where each went.
fn written_outputs(plan: &CheckPlan) -> String {
    let mut out = String::new();
    for output in &plan.outputs {
        if let Destination::File(path) = &output.to {
            let what = match output.kind {
                OutputKind::Html => "the HTML report: open it in a browser",
                OutputKind::Json => "the JSON report",
                OutputKind::Csv => "the CSV export",
                OutputKind::Sarif => "SARIF",
                OutputKind::Markdown => "the Markdown summary",
                OutputKind::Baseline => "the baseline: commit it",
            };
            out.push_str(&format!("wrote {} ({what})\n", path.display()));
        }
    }
    out
}

/// Whether tracked files under `root` differ from the commit (the printed cover says so), or
/// `None` when git cannot tell.
fn git_modified(root: &Path) -> Option<bool> {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["status", "--porcelain", "--untracked-files=no", "--", "."])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    output.status.success().then_some(!output.stdout.is_empty())
}
