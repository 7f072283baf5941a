//! The command line (PRODUCT.md section 7): parses arguments with clap, wires the pipeline
//! stages together, writes the outputs and maps the outcome to an exit code
//! (0 gate passed, 1 gate failed, 2 reqtrail could not do its job).
//!
//! Nothing here analyses or validates anything: `plan` turns the arguments into a checked plan,
//! `pipeline` analyses, `gate` judges, `report::*` render; this module wires them and delivers
//! the outputs.

use crate::gate::{self, GateOptions};
use crate::output::write_output;
use crate::pipeline::{self, Analysis};
use crate::plan::{self, CheckPlan, Destination, OutputKind};
use crate::report::{self, human::Paint, Report};
use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

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
    /// Append a verification record (an inspection, a manual run, a review...) made against
    /// the requirement's current revision and text.
    Record(RecordArgs),
    /// Compare two releases: each a JSON report or a git ref (analysed from git's object store).
    Diff(DiffArgs),
    /// Coverage and counts per release, over git refs or a folder of JSON reports.
    Trend(TrendArgs),
    /// The user's guide: `help` lists the topics, `help TOPIC` prints one (`help check` is
    /// `check --help`).
    Help(HelpArgs),
}

#[derive(Debug, Clone, Args)]
pub struct DiffArgs {
    /// The older release: a JSON report (`reqtrail check --json`) or a git ref (tag, branch, commit).
    pub old: String,
    /// The newer release: a JSON report or a git ref.
    pub new: String,
    #[command(flatten)]
    pub input: InputArgs,
    /// Write release notes in Markdown (`-` for stdout).
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,
    /// Write a self-contained HTML page (`-` for stdout).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Write the comparison as JSON, schema `reqtrail-diff/1` (`-` for stdout).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct TrendArgs {
    /// Git refs to analyse, oldest first (tags, branches, commits).
    pub refs: Vec<String>,
    /// Every tag matching this glob (e.g. `v*`), oldest first.
    #[arg(long, value_name = "GLOB")]
    pub tags: Option<String>,
    /// Only the last N tags (of `--tags`, or of every tag).
    #[arg(long, value_name = "N")]
    pub last: Option<usize>,
    /// A folder of JSON reports (`reqtrail check --json`) instead of git refs, in file-name order.
    #[arg(long, value_name = "DIR")]
    pub reports: Option<PathBuf>,
    /// The project's root directory (the git repository the refs are read from).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Config file, read from the tree at each ref (default: ROOT/reqtrail.toml at the ref).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Write the figures as CSV (`-` for stdout).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Write the figures as JSON, schema `reqtrail-trend/1` (`-` for stdout).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write a self-contained HTML page with an inline SVG chart (`-` for stdout).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
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
    /// Write the self-contained HTML traceability matrix (`-` for stdout).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Write the JSON report (`-` for stdout).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write one CSV row per requirement-test link (`-` for stdout).
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
    /// Write SARIF 2.1.0 for code-scanning UIs (`-` for stdout).
    #[arg(long, value_name = "FILE")]
    pub sarif: Option<PathBuf>,
    /// Write a short Markdown summary for a pull-request comment (`-` for stdout).
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,
    /// Write the JSON report as a baseline to commit: without the commit, the time and other
    /// facts of the run, so it changes only when requirements, tests or results change.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// A folder of earlier JSON reports: the HTML report shows their trend, this run last.
    #[arg(long, value_name = "DIR")]
    pub history: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct ShowArgs {
    /// The requirement id.
    pub id: String,
    #[command(flatten)]
    pub input: InputArgs,
    /// An earlier `--json` report: show what the requirement said then (a word diff) and
    /// whether its evidence became suspect.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// A git ref: show what the requirement said there (a word diff) and whether its evidence
    /// became suspect.
    #[arg(long, value_name = "REF")]
    pub changed_since: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct RecordArgs {
    /// The requirement id.
    pub id: String,
    #[command(flatten)]
    pub input: InputArgs,
    /// How it was verified: inspection, analysis, demonstration, review or manual.
    #[arg(long)]
    pub method: String,
    /// The outcome.
    #[arg(long, value_enum)]
    pub result: RecordResult,
    /// Who verified it.
    #[arg(long, value_name = "NAME")]
    pub by: String,
    /// What was checked, or what went wrong.
    #[arg(long)]
    pub note: Option<String>,
    /// A link to the checklist, minutes or test log.
    #[arg(long, value_name = "URL")]
    pub link: Option<String>,
    /// The version or commit verified.
    #[arg(long = "build", value_name = "VERSION")]
    pub version: Option<String>,
    /// When (YYYY-MM-DD); today by default (`SOURCE_DATE_EPOCH` when set).
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// The records file to append to, relative to ROOT (default verification/records.toml).
    #[arg(long, value_name = "FILE")]
    pub file: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RecordResult {
    Pass,
    Fail,
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
        Command::Record(args) => record(args),
        Command::Diff(args) => diff(args),
        Command::Trend(args) => trend(args),
    }
}

/// `reqtrail record`: checks everything, then appends one `[[record]]` to the records file.
fn record(args: RecordArgs) -> Result<i32> {
    use crate::model::{Location, Outcome, Record, METHODS};
    let method = args.method.trim().to_ascii_lowercase();
    if method == "test" || !METHODS.contains(&method.as_str()) {
        bail!(
            "--method {}: a record's method is one of {} (tests are read from their results files)",
            args.method,
            METHODS[1..].join(", ")
        );
    }
    if args.by.trim().is_empty() {
        bail!("--by needs the name of who verified it");
    }
    let date = match &args.date {
        Some(date) if crate::records::valid_date(date.trim()) => date.trim()[..10].to_string(),
        Some(date) => bail!("--date {date} is not a date: write YYYY-MM-DD, e.g. 2026-11-20"),
        None => pipeline::today()?,
    };
    let input = plan::resolve_input(&args.input)?;
    let file = args
        .file
        .clone()
        .unwrap_or_else(|| "verification/records.toml".to_string());
    let rel = file.trim_start_matches("./").replace('\\', "/");
    if std::path::Path::new(&rel).is_absolute() || rel.split('/').any(|part| part == "..") {
        bail!("--file {file} must be a path inside the project, relative to its root");
    }
    if !crate::discover::is_records_file(&rel) || rel.to_ascii_lowercase().ends_with(".xml") {
        bail!("--file {file}: records are appended to a .toml file");
    }
    if !crate::discover::records_match(&input.selection, &rel)? {
        bail!(
            "--file {file} is outside the records globs ({}), so the record would never be read: choose a file under them, or add a glob for it to `records` in reqtrail.toml",
            input.selection.records.join(", ")
        );
    }
    let report = pipeline::analyze(&input)?.report(report::Sections::default());
    let index = find_requirement(&report, &args.id)?;
    let requirement = &report.requirements[index];
    let record = Record {
        requirement: requirement.id.clone(),
        revision: Some(requirement.revision),
        fingerprint: Some(requirement.fingerprint.clone()).filter(|f| !f.is_empty()),
        method,
        outcome: match args.result {
            RecordResult::Pass => Outcome::Passed,
            RecordResult::Fail => Outcome::Failed,
        },
        by: args.by.trim().to_string(),
        date,
        version: args.version.clone(),
        note: args.note.clone(),
        link: args.link.clone(),
        location: Location::new(rel.clone(), 1),
    };
    let path = input.root.join(&rel);
    let existing = match std::fs::read(&path) {
        Ok(bytes) => String::from_utf8(bytes).map_err(|_| {
            anyhow::anyhow!(
                "{} is not UTF-8 text: fix it before appending",
                path.display()
            )
        })?,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(err) => return Err(err).with_context(|| format!("cannot read {}", path.display())),
    };
    if !existing.trim().is_empty() {
        let parsed = crate::records::parse_records(&rel, &existing);
        if let Some(bad) = parsed
            .diagnostics
            .iter()
            .find(|d| d.message.starts_with("not a valid TOML"))
        {
            bail!(
                "{rel}:{}: {}; fix it before appending to it",
                bad.location.as_ref().map_or(1, |l| l.line),
                bad.message
            );
        }
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let text = crate::records::write::append_to(&existing, &record);
    write_output(&path, text.as_bytes())?;
    print_stdout(&format!(
        "recorded {} {} of {} (revision {}{}) by {} on {} in {rel}\n",
        match record.outcome {
            Outcome::Passed => "passing",
            _ => "failing",
        },
        record.method,
        record.requirement,
        requirement.revision,
        record
            .fingerprint
            .as_deref()
            .map(|f| format!(", fingerprint {f}"))
            .unwrap_or_default(),
        record.by,
        record.date
    ))?;
    Ok(0)
}

/// The index of requirement `id` (a revision suffix allowed), or an error with a did-you-mean.
fn find_requirement(report: &Report, id: &str) -> Result<usize> {
    let wanted = crate::ids::without_revision(id);
    let found = report
        .requirements
        .iter()
        .position(|r| r.id == id)
        .or_else(|| report.requirements.iter().position(|r| r.id == wanted));
    if let Some(index) = found {
        return Ok(index);
    }
    // Ids are case-sensitive, but `kv-003` for `KV-003` is a slip of the shift key that
    // the edit-distance suggester (which counts every changed letter) would not offer.
    let same_but_case = report
        .requirements
        .iter()
        .find(|r| r.id.eq_ignore_ascii_case(id) || r.id.eq_ignore_ascii_case(wanted))
        .map(|r| r.id.clone());
    let suggestion = same_but_case
        .or_else(|| {
            crate::graph::Suggester::new(report.requirements.iter().map(|r| r.id.as_str()))
                .suggest(id)
        })
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
    bail!("no requirement `{id}` is defined{suggestion}");
}

/// `reqtrail trend`: every release is read (or analysed, two at a time) before anything is
/// written.
fn trend(args: TrendArgs) -> Result<i32> {
    use rayon::prelude::*;
    one_stdout(&[
        (&args.csv, "--csv"),
        (&args.json, "--json"),
        (&args.html, "--html"),
    ])?;
    let points = match &args.reports {
        Some(dir) => {
            if !args.refs.is_empty() || args.tags.is_some() || args.last.is_some() {
                bail!("--reports reads a folder of JSON reports: give it without refs, --tags or --last");
            }
            crate::trend::from_folder(dir)?
        }
        None => {
            let mut refs = args.refs.clone();
            if args.tags.is_some() || args.last.is_some() {
                let glob = args.tags.as_deref().unwrap_or("*");
                let tags = crate::history::tags(&args.root, glob)?;
                if tags.is_empty() {
                    bail!("no tag matches `{glob}`: list them with `git tag --list '{glob}'` (in CI, fetch tags first)");
                }
                let skip = args.last.map_or(0, |n| tags.len().saturating_sub(n));
                refs.extend(tags.into_iter().skip(skip));
            }
            if refs.is_empty() {
                bail!("give git refs, --tags GLOB, --last N or --reports DIR");
            }
            let input = InputArgs {
                root: args.root.clone(),
                config: args.config.clone(),
                spec: Vec::new(),
                src: Vec::new(),
                results: Vec::new(),
                color: ColorChoice::Never,
            };
            let snapshots: Vec<crate::snapshot::Snapshot> = refs
                .par_iter()
                .map(|r| crate::snapshot::at_ref(r, &input))
                .collect::<Result<_>>()?;
            refs.iter()
                .zip(&snapshots)
                .map(|(r, s)| crate::trend::Point::of(r, &s.date, &s.report))
                .collect()
        }
    };
    type Render = fn(&[crate::trend::Point]) -> String;
    let renderers: [(&Option<PathBuf>, Render); 3] = [
        (&args.csv, crate::trend::csv),
        (&args.json, crate::trend::json),
        (&args.html, crate::trend::html),
    ];
    let rendered = renderers
        .into_iter()
        .filter_map(|(path, render)| path.as_ref().map(|p| (p, render(&points))))
        .collect();
    deliver(rendered, &crate::trend::table(&points))?;
    Ok(0)
}

/// At most one output on standard output.
fn one_stdout(outputs: &[(&Option<PathBuf>, &str)]) -> Result<()> {
    let on_stdout: Vec<&str> = outputs
        .iter()
        .filter(|(p, _)| p.as_deref() == Some(std::path::Path::new("-")))
        .map(|(_, flag)| *flag)
        .collect();
    if on_stdout.len() > 1 {
        bail!(
            "{} all write to standard output: send all but one to files",
            on_stdout.join(" and ")
        );
    }
    Ok(())
}

/// Writes rendered outputs (files atomically, `-` to standard output) and the terminal text
/// (to standard error when standard output is taken).
fn deliver(rendered: Vec<(&PathBuf, String)>, terminal: &str) -> Result<()> {
    let mut stdout = None;
    for (path, text) in rendered {
        if path.as_os_str() == "-" {
            stdout = Some(text);
        } else {
            write_output(path, text.as_bytes())?;
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

/// `reqtrail diff OLD NEW`: both sides are loaded (and analysed) first, every output rendered,
/// and only then anything written, so a bad side writes nothing.
fn diff(args: DiffArgs) -> Result<i32> {
    one_stdout(&[
        (&args.markdown, "--markdown"),
        (&args.html, "--html"),
        (&args.json, "--json"),
    ])?;
    let old = crate::snapshot::load(&args.old, &args.input)?;
    let new = crate::snapshot::load(&args.new, &args.input)?;
    let d = crate::release::compare(&old.label, &old.report, &new.label, &new.report);
    type Render = fn(&crate::release::ReleaseDiff) -> String;
    let renderers: [(&Option<PathBuf>, Render); 3] = [
        (&args.markdown, crate::release::markdown),
        (&args.html, crate::release::html),
        (&args.json, crate::release::json),
    ];
    let rendered = renderers
        .into_iter()
        .filter_map(|(path, render)| path.as_ref().map(|p| (p, render(&d))))
        .collect();
    deliver(rendered, &crate::release::terminal(&d))?;
    Ok(0)
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
    let plan = plan::resolve_check(&args)?;
    let mut analysis = pipeline::analyze(&plan.input)?;
    let compared = crate::comparison::run(
        &plan.input,
        &mut analysis,
        plan.gate.baseline.as_deref(),
        plan.gate.changed_since.as_deref(),
        plan.gate.deny_warnings,
    )?;
    let policy = crate::policy::evaluate(
        &analysis.model,
        &analysis.evaluation,
        &plan.input.config.policy,
    );
    let options = GateOptions {
        deny_warnings: plan.gate.deny_warnings,
        fail_under: plan.gate.fail_under,
        baseline: compared.comparison,
        scope: compared.scope,
    };
    let verdict = gate::judge(&analysis.model, &analysis.evaluation, &policy, &options);
    let report = analysis.report(report::Sections {
        comparison: compared.section,
        policy,
    });
    let Analysis { unreadable, .. } = analysis;
    let history = match &args.history {
        Some(dir) => {
            let mut points = crate::trend::from_folder(dir)?;
            points.push(crate::trend::Point::of("this run", "", &report));
            Some(crate::trend::svg(&points))
        }
        None => None,
    };

    // Text from input reaches the terminal (and a CI log) only with its control characters
    // escaped; the files written keep it as it is. Writing the JSON file scans the report for
    // that on the way; without one, the scan runs beside the rendering.
    let json_file = matches!(plan.output(OutputKind::Json), Some(Destination::File(_)));
    let (written, shown) = rayon::join(
        || write_outputs(&plan, &report, &verdict, &options, history.as_deref()),
        || (!json_file).then(|| report::terminal::escaped(&report)),
    );
    let (stdout, clean) = written?;
    let shown = match (shown, clean) {
        (Some(shown), _) => shown,
        (None, Some(clean)) => report::terminal::escaped_as_scanned(&report, clean),
        (None, None) => report::terminal::escaped(&report),
    };
    let shown_verdict = report::terminal::escaped_verdict(&verdict);
    let summary = report::human::render(
        &shown,
        &shown_verdict,
        paint_for(plan.input.color, !plan.stdout_taken),
        plan.quiet,
    );
    let summary = with_ci_sections(summary, &plan, &shown, &shown_verdict, &options);
    match stdout {
        Some(text) => {
            print_stdout(&text)?;
            eprint!("{summary}");
        }
        None => print_stdout(&summary)?,
    }
    let code = final_code(&unreadable, if verdict.passed { 0 } else { 1 });
    // The process exits right after: freeing a 100,000-requirement report piece by piece
    // would cost more than a tenth of the run, and the OS takes it back at once.
    std::mem::forget(shown);
    std::mem::forget(report);
    Ok(code)
}

fn show(args: ShowArgs) -> Result<i32> {
    let input = plan::resolve_input(&args.input)?;
    let mut analysis = pipeline::analyze(&input)?;
    let compared = crate::comparison::run(
        &input,
        &mut analysis,
        args.baseline.as_deref(),
        args.changed_since.as_deref(),
        false,
    )?;
    let report = analysis.report(report::Sections {
        comparison: compared.section,
        policy: Vec::new(),
    });
    let Analysis { unreadable, .. } = analysis;
    let index = find_requirement(&report, &args.id)?;
    // Escaped for the terminal like `check`'s summary; the index is the same in both.
    let shown = report::terminal::escaped(&report);
    let Some(requirement) = shown.requirements.get(index) else {
        bail!("internal error: requirement {index} went missing while escaping");
    };
    print_stdout(&report::human::render_show(
        &shown,
        requirement,
        paint_for(args.input.color, true),
    ))?;
    Ok(final_code(&unreadable, 0))
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

/// Exit code 2 with a message when input could not be read, else the gate's code.
fn final_code(unreadable: &[String], code: i32) -> i32 {
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
/// one, the plan made sure of it) and, when the JSON went to a file, whether its scan for the
/// terminal found the report clean ([`report::terminal::escaped_as_scanned`]).
///
/// Each output is rendered and written by its own task, side by side, and the JSON is streamed
/// into its file rather than built in memory. Only when every file is one replaced atomically
/// and no two name the same file are the writes independent; otherwise (a device, a FIFO, a
/// descriptor path, two names for one file) they happen one after another in command-line
/// order, as a reader of that stream expects.
fn write_outputs(
    plan: &CheckPlan,
    report: &Report,
    verdict: &gate::GateVerdict,
    options: &GateOptions,
    history: Option<&str>,
) -> Result<(Option<String>, Option<bool>)> {
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
    let deliver =
        |output: &plan::Output| deliver_output(output, plan, report, verdict, options, history);
    let delivered: Vec<Result<Delivered>> = if independent {
        plan.outputs.par_iter().map(deliver).collect()
    } else {
        plan.outputs.iter().map(deliver).collect()
    };
    let mut stdout = None;
    let mut clean = None;
    for one in delivered {
        match one? {
            Delivered::Stdout(text) => stdout = Some(text),
            Delivered::File { clean: scanned } => clean = clean.or(scanned),
        }
    }
    Ok((stdout, clean))
}

/// What delivering one output gave.
enum Delivered {
    /// The text for standard output.
    Stdout(String),
    /// A file was written; for the JSON, whether the report needs no escaping for a terminal.
    File { clean: Option<bool> },
}

/// Renders one output and writes it to its file, or returns it for standard output.
fn deliver_output(
    output: &plan::Output,
    plan: &CheckPlan,
    report: &Report,
    verdict: &gate::GateVerdict,
    options: &GateOptions,
    history: Option<&str>,
) -> Result<Delivered> {
    if let (OutputKind::Json, Destination::File(path)) = (output.kind, &output.to) {
        let mut clean = true;
        crate::output::write_output_with(path, |out| {
            let mut scanning = report::terminal::Scanning::new(out);
            report::json::write(&mut scanning, report)?;
            clean = scanning.clean();
            Ok(())
        })?;
        return Ok(Delivered::File { clean: Some(clean) });
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
        Destination::Stdout => Ok(Delivered::Stdout(text)),
        Destination::File(path) => {
            write_output(path, text.as_bytes())?;
            Ok(Delivered::File { clean: None })
        }
    }
}

/// Adds what `--changed-since` and `--baseline` found to the terminal summary, right above the
/// verdict they explain, and the annotations in front for `--format github`.
fn with_ci_sections(
    summary: String,
    plan: &CheckPlan,
    report: &Report,
    verdict: &gate::GateVerdict,
    options: &GateOptions,
) -> String {
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
    let mut out = if sections.is_empty() {
        summary
    } else {
        // The verdict is the summary's last paragraph, after its only trailing blank line.
        match summary.trim_end().rfind("\n\n") {
            Some(at) => format!("{}\n{sections}{}", &summary[..at + 1], &summary[at + 1..]),
            None => format!("{sections}{summary}"),
        }
    };
    out = before_verdict(out, &written_outputs(plan));
    if plan.format == Format::Github {
        out = report::github::render(report, verdict, options.scope.as_ref())
            + &report::terminal::github_fenced(&out);
    }
    out
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

/// Inserts `lines` right above the verdict, the summary's last line.
fn before_verdict(summary: String, lines: &str) -> String {
    if lines.is_empty() {
        return summary;
    }
    match summary.trim_end().rfind('\n') {
        Some(at) => format!("{}{lines}{}", &summary[..at + 1], &summary[at + 1..]),
        None => format!("{lines}{summary}"),
    }
}

/// Whether tracked files under `root` differ from the commit (the printed cover says so), or
/// `None` when git cannot tell.
fn git_modified(root: &std::path::Path) -> Option<bool> {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["status", "--porcelain", "--untracked-files=no", "--", "."])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    output.status.success().then_some(!output.stdout.is_empty())
}
