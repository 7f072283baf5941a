//! The command line (PRODUCT.md section 7): parses arguments with clap, wires the pipeline
//! stages together, writes the outputs and maps the outcome to an exit code
//! (0 gate passed, 1 gate failed, 2 reqtrail could not do its job).
//!
//! Nothing here analyses anything; each stage is a function in its own module.

use crate::config::Config;
use crate::discover::{self, Selection};
use crate::evaluate::{self, RunInfo};
use crate::gate::{self, GateOptions};
use crate::model::{SourceFile, SpecFile, TestResult};
use crate::output::write_output;
use crate::report::{self, human::Paint, Report};
use crate::{evidence, graph, source, spec};
use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use rayon::prelude::*;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// `reqtrail --version`: the package version and the commit it was built from (build.rs).
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("REQTRAIL_BUILD_COMMIT"),
    ")"
);

#[derive(Debug, Parser)]
#[command(
    name = "reqtrail",
    version = VERSION,
    about = "Requirements traceability for Rust: which specified behaviour has no passing test?",
    disable_help_subcommand = true,
    after_help = "Exit codes: 0 the gate passed, 1 the gate failed, 2 reqtrail could not do its job.\nThe user's guide: `reqtrail help` lists its topics, `reqtrail help TOPIC` prints one."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

// Parsed once per run, so the size of the largest variant costs nothing worth boxing for.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyze, print the summary and diagnostics, apply the gate.
    Check(CheckArgs),
    /// One requirement's whole trail: text, parents, children, tests, results, and why.
    Show(ShowArgs),
    /// Detect the conventions in use and write a commented reqtrail.toml.
    Init(InitArgs),
    /// The user's guide: `help` lists the topics, `help TOPIC` prints one (`help check` is
    /// `check --help`).
    Help(HelpArgs),
}

#[derive(Debug, Clone, Args)]
pub struct HelpArgs {
    /// A chapter of the guide (start, requirements, ...), `ci`, a diagnostic code, or a command.
    pub topic: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct InitArgs {
    /// The project's root directory.
    #[arg(default_value = ".")]
    pub root: PathBuf,
    /// Overwrite an existing reqtrail.toml.
    #[arg(long)]
    pub force: bool,
}

/// Options that decide what is analysed; shared by `check` and `show`.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// The project's root directory.
    #[arg(default_value = ".")]
    pub root: PathBuf,
    /// Config file (default: ROOT/reqtrail.toml when present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Requirement documents to read (glob relative to ROOT, repeatable; default **/*.md).
    #[arg(long = "spec", value_name = "GLOB")]
    pub spec: Vec<String>,
    /// Rust sources to scan (glob relative to ROOT, repeatable; default **/*.rs).
    #[arg(long = "src", value_name = "GLOB")]
    pub src: Vec<String>,
    /// Test results: JUnit XML (cargo-nextest) or libtest JSON lines (repeatable).
    #[arg(long = "results", value_name = "FILE")]
    pub results: Vec<PathBuf>,
    /// When to use colour on the terminal.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Write the self-contained HTML traceability matrix.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Write the JSON report (`-` for stdout).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write one CSV row per requirement-test link.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// What to print on the terminal.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Fail when coverage is under PCT percent (then gaps alone do not fail the gate).
    #[arg(long, value_name = "PCT")]
    pub fail_under: Option<f64>,
    /// Treat warnings as errors (`--deny warnings`).
    #[arg(long, value_enum, value_name = "WHAT")]
    pub deny: Vec<Deny>,
    /// Link file:line in the HTML, e.g. `https://example.org/blob/{commit}/{path}#L{line}`.
    #[arg(long, value_name = "TEMPLATE")]
    pub source_link: Option<String>,
    /// Print only the diagnostics and the verdict.
    #[arg(long, short)]
    pub quiet: bool,
    /// An earlier `--json` report: fail only on what got worse than it.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Gate only the requirements and tests changed since this git ref (e.g. origin/main).
    #[arg(long, value_name = "REF")]
    pub changed_since: Option<String>,
    /// Write SARIF 2.1.0 for code-scanning UIs.
    #[arg(long, value_name = "FILE")]
    pub sarif: Option<PathBuf>,
    /// Write a short Markdown summary for a pull-request comment.
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct ShowArgs {
    /// The requirement id.
    pub id: String,
    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    /// GitHub Actions workflow annotations, then the summary.
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    Warnings,
}

/// Runs the command; `Ok(code)` is 0 or 1, an `Err` means exit code 2.
pub fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Show(args) => show(args),
        Command::Init(args) => {
            print_stdout(&crate::init::run(&args.root, args.force)?)?;
            Ok(0)
        }
        Command::Help(args) => help(args),
    }
}

fn help(args: HelpArgs) -> Result<i32> {
    use clap::CommandFactory;
    let Some(topic) = args.topic else {
        print_stdout(&crate::help::index())?;
        return Ok(0);
    };
    let mut command = Cli::command();
    if let Some(sub) = command.find_subcommand_mut(&topic) {
        let sub = sub.clone().bin_name(format!("reqtrail {topic}"));
        print_stdout(&format!("{}\n", sub.clone().render_long_help()))?;
        return Ok(0);
    }
    print_stdout(&crate::help::topic(&topic)?)?;
    Ok(0)
}

fn check(args: CheckArgs) -> Result<i32> {
    let deny_warnings = args.deny.contains(&Deny::Warnings);
    let Analysis {
        report,
        config,
        unreadable,
    } = analyze(&args.input, deny_warnings)?;
    let options = ci_gate_options(&args, &report, &config)?;
    let verdict = gate::judge(&report, &options);
    write_ci_outputs(&args, &report, &verdict, &options)?;

    let json_to_stdout =
        args.json.as_deref() == Some(Path::new("-")) || args.format == Format::Json;
    // The two big renderings are independent; on two cores they run side by side.
    let wants_json = args.json.is_some() || args.format == Format::Json;
    let (json, html) = rayon::join(
        || wants_json.then(|| report::json::render(&report)),
        || {
            args.html.as_ref().map(|_| {
                let options = report::html::HtmlOptions {
                    source_link: args.source_link.clone(),
                    results_files: args
                        .input
                        .results
                        .iter()
                        .map(|p| p.to_string_lossy().replace('\\', "/"))
                        .collect(),
                    modified: report
                        .commit
                        .as_ref()
                        .and_then(|_| git_modified(&args.input.root)),
                };
                report::html::render(&report, &options)
            })
        },
    );
    if let (Some(path), Some(json)) = (args.json.as_deref().filter(|p| *p != Path::new("-")), &json)
    {
        write_output(path, json.as_bytes())?;
    }
    if let (Some(path), Some(html)) = (&args.html, html) {
        write_output(path, html?.as_bytes())?;
    }
    if let Some(path) = &args.csv {
        write_output(path, report::csv::render(&report).as_bytes())?;
    }
    let summary = report::human::render(
        &report,
        &verdict,
        paint_for(args.input.color, !json_to_stdout),
        args.quiet,
    );
    let summary = with_ci_sections(summary, &args, &report, &verdict, &options);
    if let (true, Some(json)) = (json_to_stdout, &json) {
        print_stdout(json)?;
        eprint!("{summary}");
    } else {
        print_stdout(&summary)?;
    }
    Ok(final_code(&unreadable, if verdict.passed { 0 } else { 1 }))
}

fn show(args: ShowArgs) -> Result<i32> {
    let Analysis {
        report, unreadable, ..
    } = analyze(&args.input, false)?;
    let wanted = without_revision(&args.id);
    let found = report
        .requirements
        .iter()
        .find(|r| r.id == args.id)
        .or_else(|| report.requirements.iter().find(|r| r.id == wanted));
    let Some(requirement) = found else {
        // Ids are case-sensitive, but `kv-003` for `KV-003` is a slip of the shift key that
        // the edit-distance suggester (which counts every changed letter) would not offer.
        let same_but_case = report
            .requirements
            .iter()
            .find(|r| r.id.eq_ignore_ascii_case(&args.id) || r.id.eq_ignore_ascii_case(wanted))
            .map(|r| r.id.clone());
        let suggestion = same_but_case
            .or_else(|| {
                graph::Suggester::new(report.requirements.iter().map(|r| r.id.as_str()))
                    .suggest(&args.id)
            })
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        bail!("no requirement `{}` is defined{suggestion}", args.id);
    };
    print_stdout(&report::human::render_show(
        &report,
        requirement,
        paint_for(args.input.color, true),
    ))?;
    Ok(final_code(&unreadable, 0))
}

/// `auth.login+2` -> `auth.login`, `req~name~2` -> `req~name`: ids as people write them with
/// the revision, for `show`.
fn without_revision(id: &str) -> &str {
    let strip = |sep: char| {
        id.rsplit_once(sep)
            .filter(|(head, n)| {
                !head.is_empty() && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
            })
            .map(|(head, _)| head)
    };
    strip('+')
        .or_else(|| strip('~').filter(|head| head.contains('~')))
        .unwrap_or(id)
}

fn paint_for(choice: ColorChoice, to_stdout: bool) -> Paint {
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

fn print_stdout(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        // A closed pipe (`reqtrail check | head`) is the reader's choice, not our failure.
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to standard output"),
    }
}

/// What one analysis gave.
pub struct Analysis {
    pub report: Report,
    pub config: Config,
    /// Selected files and directories the OS would not let us read: the report is complete for
    /// everything else, but the run must end with exit code 2.
    pub unreadable: Vec<String>,
}

/// Loads the config, runs every analysis stage and returns the report.
pub fn analyze(input: &InputArgs, deny_warnings: bool) -> Result<Analysis> {
    let root = input.root.as_path();
    if !root.is_dir() {
        bail!(
            "{} is not a directory: give the project's root directory",
            root.display()
        );
    }
    let config = load_config(root, input.config.as_deref())?;
    let max_bytes = config
        .max_file_bytes
        .unwrap_or(crate::config::DEFAULT_MAX_FILE_BYTES);
    let selection = Selection::new(&config, &input.spec, &input.src);
    let inputs = discover::discover(root, &selection)?;

    let results = read_results(root, &input.results)?;

    let spec_options = config.spec_options();
    let mut read_diagnostics = inputs.diagnostics.clone();
    // Everything the walk could not enter is unreadable input.
    let mut unreadable: Vec<String> = inputs
        .diagnostics
        .iter()
        .map(|d| {
            d.location
                .as_ref()
                .map_or_else(|| root_display(root), |l| l.file.clone())
        })
        .collect();
    let specs: Vec<(SpecFile, discover::FileText)> = inputs
        .specs
        .par_iter()
        .map(|file| {
            let mut read = discover::read_text(file, max_bytes);
            let spec = spec::parse_spec(&file.rel, &read.text, &spec_options);
            read.text = String::new();
            (spec, read)
        })
        .collect();
    let mut source_options = config.source_options();
    for (spec, _) in &specs {
        source_options
            .prefixes
            .extend(spec.marker_prefixes.iter().cloned());
    }
    source_options.prefixes.sort();
    source_options.prefixes.dedup();
    let sources: Vec<(SourceFile, discover::FileText)> = inputs
        .sources
        .par_iter()
        .map(|(file, unit)| {
            let mut read = discover::read_text(file, max_bytes);
            let source = source::scan_source(&file.rel, &read.text, unit, &source_options);
            read.text = String::new();
            (source, read)
        })
        .collect();
    let mut take_read = |file: &str, read: discover::FileText| {
        if read.unreadable {
            unreadable.push(file.to_string());
        }
        read_diagnostics.extend(read.diagnostic);
    };
    let specs: Vec<SpecFile> = specs
        .into_iter()
        .map(|(spec, read)| {
            take_read(&spec.file, read);
            spec
        })
        .collect();
    let sources: Vec<SourceFile> = sources
        .into_iter()
        .map(|(source, read)| {
            take_read(&source.file, read);
            source
        })
        .collect();

    let mut model = graph::build(specs, sources, results, &config);
    model.diagnostics.extend(read_diagnostics);
    let run = RunInfo {
        project: config
            .project
            .clone()
            .unwrap_or_else(|| discover::project_name(root)),
        root: root_display(root),
        commit: git_commit(root),
        generated_at: generated_at()?,
        deny_warnings,
    };
    unreadable.sort();
    unreadable.dedup();
    Ok(Analysis {
        report: evaluate::evaluate(model, &run),
        config,
        unreadable,
    })
}

/// Exit code 2 with a message when input could not be read, else the gate's code.
fn final_code(unreadable: &[String], code: i32) -> i32 {
    if unreadable.is_empty() {
        return code;
    }
    let shown: Vec<&str> = unreadable.iter().take(5).map(String::as_str).collect();
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

fn load_config(root: &Path, explicit: Option<&Path>) -> Result<Config> {
    match explicit {
        Some(path) => Config::load(path),
        None => {
            let default = root.join("reqtrail.toml");
            if default.is_file() {
                Config::load(&default)
            } else {
                Ok(Config::default())
            }
        }
    }
}

fn read_results(root: &Path, paths: &[PathBuf]) -> Result<Option<Vec<TestResult>>> {
    if paths.is_empty() {
        return Ok(None);
    }
    let mut all = Vec::new();
    for path in paths {
        let bytes = std::fs::read(path)
            .with_context(|| format!("cannot read results file {}", path.display()))?;
        let text = String::from_utf8_lossy(&bytes);
        // Inside the root, shown relative to it like every other path; elsewhere as given.
        let display = path
            .canonicalize()
            .ok()
            .zip(root.canonicalize().ok())
            .and_then(|(file, root)| discover::relative(&root, &file))
            .unwrap_or_else(|| path.to_string_lossy().replace('\\', "/"));
        let results = evidence::parse_results(&display, &text)
            .map_err(|e| anyhow::anyhow!("bad results file: {e}"))?;
        all.extend(results);
    }
    Ok(Some(all))
}

fn root_display(root: &Path) -> String {
    let shown = root.to_string_lossy().replace('\\', "/");
    let trimmed = shown.trim_end_matches('/');
    if trimmed.is_empty() {
        ".".to_string()
    } else {
        trimmed.to_string()
    }
}

/// The commit checked out at `root`, if it is in a git repository and git is installed.
pub fn git_commit(root: &Path) -> Option<String> {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "HEAD"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let commit = String::from_utf8_lossy(&output.stdout).trim().to_string();
    (!commit.is_empty()).then_some(commit)
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
    output.status.success().then(|| !output.stdout.is_empty())
}

/// RFC 3339 time of the run, taken from `SOURCE_DATE_EPOCH` when set (reproducible builds).
fn generated_at() -> Result<String> {
    let now = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(value) => {
            let seconds: i64 = value
                .trim()
                .parse()
                .with_context(|| format!("SOURCE_DATE_EPOCH={value} is not a number of seconds"))?;
            time::OffsetDateTime::from_unix_timestamp(seconds)
                .with_context(|| format!("SOURCE_DATE_EPOCH={value} is out of range"))?
        }
        Err(_) => time::OffsetDateTime::now_utc(),
    };
    let now = now.replace_nanosecond(0).unwrap_or(now);
    Ok(now.format(&time::format_description::well_known::Rfc3339)?)
}

/// `--fail-under`, `--baseline` and `--changed-since` as the gate's options: the baseline is
/// read and compared, git is asked what changed. Bad values are usage errors (exit 2).
fn ci_gate_options(args: &CheckArgs, report: &Report, config: &Config) -> Result<GateOptions> {
    if let Some(pct) = args.fail_under {
        if !(0.0..=100.0).contains(&pct) {
            bail!("--fail-under takes a percentage from 0 to 100, got {pct}");
        }
    }
    let baseline = match &args.baseline {
        Some(path) => {
            let base = crate::baseline::load(path)?;
            let mut comparison = crate::baseline::compare(&base, report);
            comparison.baseline = path.to_string_lossy().replace('\\', "/");
            Some(comparison)
        }
        None => None,
    };
    let scope = match &args.changed_since {
        Some(reference) => {
            let diff = crate::changes::git_diff(&args.input.root, reference)?;
            let options = config.source_options();
            Some(crate::changes::scope(
                report,
                &diff,
                &args.input.root,
                &options,
            ))
        }
        None => None,
    };
    Ok(GateOptions {
        fail_under: args.fail_under,
        baseline,
        scope,
    })
}

/// `--sarif` and `--markdown`.
fn write_ci_outputs(
    args: &CheckArgs,
    report: &Report,
    verdict: &gate::GateVerdict,
    options: &GateOptions,
) -> Result<()> {
    if let Some(path) = &args.sarif {
        write_output(path, report::sarif::render(report, verdict).as_bytes())?;
    }
    if let Some(path) = &args.markdown {
        let link = args.source_link.clone().or_else(github_source_link);
        let context = report::markdown::MarkdownContext {
            verdict: Some(verdict),
            comparison: options.baseline.as_ref(),
            scope: options.scope.as_ref(),
            link: link.as_deref(),
        };
        write_output(path, report::markdown::render(report, &context).as_bytes())?;
    }
    Ok(())
}

/// In GitHub Actions, links to the files at the commit the report was made from.
fn github_source_link() -> Option<String> {
    let server = std::env::var("GITHUB_SERVER_URL")
        .ok()
        .filter(|v| !v.is_empty())?;
    let repository = std::env::var("GITHUB_REPOSITORY")
        .ok()
        .filter(|v| !v.is_empty())?;
    Some(format!(
        "{server}/{repository}/blob/{{commit}}/{{path}}#L{{line}}"
    ))
}

/// Adds what `--changed-since` and `--baseline` found to the terminal summary, right above the
/// verdict they explain, and the annotations in front for `--format github`.
fn with_ci_sections(
    summary: String,
    args: &CheckArgs,
    report: &Report,
    verdict: &gate::GateVerdict,
    options: &GateOptions,
) -> String {
    let mut sections = String::new();
    if let Some(scope) = &options.scope {
        sections.push_str(&crate::changes::describe(scope));
    }
    if let Some(comparison) = &options.baseline {
        if !sections.is_empty() {
            sections.push('\n');
        }
        sections.push_str(&crate::baseline::describe(comparison));
    }
    let mut out = if sections.is_empty() {
        summary
    } else {
        // The verdict is the summary's last paragraph, after its only trailing blank line.
        match summary.trim_end().rfind("\n\n") {
            Some(at) => format!("{}\n{sections}{}", &summary[..at + 1], &summary[at + 1..]),
            None => format!("{sections}{summary}"),
        }
    };
    out = before_verdict(out, &written_outputs(args));
    if args.format == Format::Github {
        out = report::github::render(report, verdict) + &out;
    }
    out
}

/// `wrote FILE (what)` for every output file of this run, so the user learns where each went.
fn written_outputs(args: &CheckArgs) -> String {
    let outputs = [
        (&args.html, "the HTML report: open it in a browser"),
        (&args.json, "the JSON report"),
        (&args.csv, "the CSV export"),
        (&args.sarif, "SARIF"),
        (&args.markdown, "the Markdown summary"),
    ];
    let mut out = String::new();
    for (path, what) in outputs {
        if let Some(path) = path.as_deref().filter(|p| *p != Path::new("-")) {
            out.push_str(&format!("wrote {} ({what})\n", path.display()));
        }
    }
    out
}

/// Inserts `lines` right above the verdict, the summary's last paragraph.
fn before_verdict(summary: String, lines: &str) -> String {
    if lines.is_empty() {
        return summary;
    }
    match summary.trim_end().rfind('\n') {
        Some(at) => format!("{}{lines}{}", &summary[..at + 1], &summary[at + 1..]),
        None => format!("{lines}{summary}"),
    }
}
