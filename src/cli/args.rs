//! The raw command line: clap's definitions of every subcommand and flag, as typed, nothing
//! checked beyond what clap checks. `plan` resolves these into validated plans (ripgrep's
//! low-level/high-level arguments split); nothing else reads them.

use clap::{Args, Parser, Subcommand, ValueEnum};
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
