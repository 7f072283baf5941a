//! The front end of a run, once: discover the files, parse every spec and source in parallel,
//! read the results, link and evaluate (PRODUCT.md section 2). `check`, `show` and
//! `--changed-since` all use what this returns, so they can never parse the same file two ways.

use crate::config::SourceOptions;
use crate::discover;
use crate::evaluate::{self, Evaluation};
use crate::model::{SourceFile, SpecFile, TestResult};
use crate::plan::InputPlan;
use crate::report::{self, Report, RunInfo};
use crate::{evidence, graph, source, spec};
use anyhow::{Context, Result};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// What one analysis gave: the linked model, its evaluation, and the run's facts, from which
/// `report::build` makes the report once a comparison and the policy have had their say.
pub struct Analysis {
    pub model: graph::Model,
    pub evaluation: Evaluation,
    pub run: RunInfo,
    /// The options the Rust sources were read with: the config's plus the marker prefixes the
    /// specs use. Anything judged later (lines a diff removed) is read with these.
    pub source_options: SourceOptions,
    /// Selected files and directories the OS would not let us read: the report is complete for
    /// everything else, but the run must end with exit code 2.
    pub unreadable: Vec<String>,
}

impl Analysis {
    /// Marks what a comparison found suspect and evaluates the model again, without reading
    /// or parsing anything twice.
    pub fn reevaluate(&mut self, suspicion: &crate::suspect::Suspicion) {
        self.model.mark_suspect(suspicion);
        self.evaluation = evaluate::evaluate(&self.model);
    }

    /// The run's report, with what a comparison and the policy found. The evaluation moves into
    /// the report (nothing is judged after the report is written), so this is its last use.
    pub fn report(&mut self, sections: report::Sections) -> Report {
        let evaluation = std::mem::take(&mut self.evaluation);
        report::build(&self.model, evaluation, &self.run, sections)
    }
}

/// A short hash of the lines a test owns (its span), trailing whitespace aside: changes when
/// the test or a reference right above it is edited.
fn test_print(lines: &[&str], span: crate::model::LineSpan) -> String {
    use sha2::{Digest, Sha256};
    let first = (span.first as usize).saturating_sub(1);
    let last = (span.last as usize).min(lines.len());
    let mut hasher = Sha256::new();
    for line in lines.get(first..last).unwrap_or(&[]) {
        hasher.update(line.trim_end().as_bytes());
        hasher.update(b"\n");
    }
    hasher.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Parses spec texts that are not in the tree (a file at a git ref) with the run's spec
/// options: the same parser, the same settings, so old and new fingerprints compare.
pub fn parse_specs(plan: &InputPlan, files: &[(String, String)]) -> Vec<crate::model::Requirement> {
    files
        .par_iter()
        .map(|(path, text)| spec::parse_spec(path, text, &plan.spec_options).requirements)
        .collect::<Vec<_>>()
        .into_iter()
        .flatten()
        .collect()
}

/// Runs every analysis stage on the plan's input and returns the report.
pub fn analyze(plan: &InputPlan) -> Result<Analysis> {
    let root = plan.root.as_path();
    // git runs in its own processes: ask it while the files are read and parsed rather than
    // after, on the thread that would otherwise wait idle for it.
    std::thread::scope(|scope| {
        let git = scope.spawn(|| (git_commit(root), git_dirty(root)));
        let analysed = analyze_files(plan);
        let (commit, dirty) = git.join().unwrap_or((None, false));
        analysed.map(|mut analysis| {
            analysis.run.commit = commit;
            analysis.run.dirty = dirty;
            analysis
        })
    })
}

/// [`analyze`] without the git facts.
fn analyze_files(plan: &InputPlan) -> Result<Analysis> {
    let root = plan.root.as_path();
    let inputs = discover::discover(root, &plan.selection)?;
    let (results, results_files) = read_results(root, &plan.results, plan.max_results_bytes)?;
    let max_bytes = plan.max_file_bytes;

    let mut read_diagnostics = inputs.diagnostics.clone();
    // Everything the walk could not enter is unreadable input (an unmatched glob is not).
    let mut unreadable: Vec<String> = inputs
        .diagnostics
        .iter()
        .filter(|d| d.code == crate::model::Code::UnreadableFile)
        .map(|d| {
            d.location
                .as_ref()
                .map_or_else(|| plan.root_display.clone(), |l| l.file.clone())
        })
        .collect();
    let specs: Vec<(SpecFile, discover::FileText)> = inputs
        .specs
        .par_iter()
        .map(|file| {
            let mut read = discover::read_text(file, max_bytes);
            let spec = spec::parse_spec(&file.rel, &read.text, &plan.spec_options);
            read.text = String::new();
            (spec, read)
        })
        .collect();
    let mut source_options = plan.source_options.clone();
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
            let mut source = source::scan_source(&file.rel, &read.text, unit, &source_options);
            if !source.tests.is_empty() {
                let lines: Vec<&str> = read.text.lines().collect();
                for test in &mut source.tests {
                    test.fingerprint = test_print(&lines, test.span);
                }
            }
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

    let committed = read_records(&inputs.records, max_bytes, &mut unreadable);
    let mut results_files = results_files;
    results_files.extend(committed.files);
    let mut model = graph::build(specs, sources, results, &plan.config);
    graph::attach_records(&mut model, committed.records);
    graph::attach_external_results(&mut model, &committed.external, &plan.config);
    model.diagnostics.extend(read_diagnostics);
    model.diagnostics.extend(committed.diagnostics);
    let run = RunInfo {
        project: plan
            .config
            .project
            .clone()
            .unwrap_or_else(|| discover::project_name(root)),
        root: plan.root_display.clone(),
        // Filled in by `analyze` from git, asked beside the parsing.
        commit: None,
        generated_at: generated_at()?,
        dirty: false,
        results_files,
        defect_link: plan.config.defect_link.clone(),
    };
    unreadable.sort();
    unreadable.dedup();
    let evaluation = evaluate::evaluate(&model);
    Ok(Analysis {
        model,
        evaluation,
        run,
        source_options,
        unreadable,
    })
}

/// What the files under the records globs gave.
#[derive(Default)]
struct Committed {
    records: Vec<crate::model::Record>,
    /// Cases of committed JUnit files: external results.
    external: Vec<TestResult>,
    files: Vec<evidence::ResultsFile>,
    diagnostics: Vec<crate::model::Diagnostic>,
}

/// Reads the records files (TOML, CSV) and the committed JUnit files under the records globs.
/// A file that cannot be read or parsed is a diagnostic at its line; the run goes on.
fn read_records(
    files: &[discover::InputFile],
    max_bytes: u64,
    unreadable: &mut Vec<String>,
) -> Committed {
    let mut out = Committed::default();
    for file in files {
        let read = discover::read_text(file, max_bytes);
        if read.unreadable {
            unreadable.push(file.rel.clone());
        }
        out.diagnostics.extend(read.diagnostic);
        if file.rel.to_ascii_lowercase().ends_with(".xml") {
            match evidence::parse_results(&file.rel, &read.text) {
                Ok(results) => {
                    out.files.push(evidence::describe(
                        &file.rel,
                        read.text.as_bytes(),
                        results.len(),
                    ));
                    out.external.extend(results);
                }
                Err(message) => {
                    // `FILE:LINE: what` from the results reader.
                    let line = message
                        .strip_prefix(&format!("{}:", file.rel))
                        .and_then(|rest| rest.split(':').next())
                        .and_then(|n| n.parse().ok())
                        .unwrap_or(1);
                    out.diagnostics.push(crate::model::Diagnostic::at(
                        crate::model::Code::MalformedRecord,
                        format!("committed results file not read: {message}"),
                        &file.rel,
                        line,
                    ));
                }
            }
            continue;
        }
        let parsed = crate::records::parse_records(&file.rel, &read.text);
        out.records.extend(parsed.records);
        out.diagnostics.extend(parsed.diagnostics);
    }
    out
}

/// The results of every file, and each file's provenance; each file is read up to `cap` bytes.
fn read_results(
    root: &Path,
    paths: &[PathBuf],
    cap: u64,
) -> Result<(Option<Vec<TestResult>>, Vec<evidence::ResultsFile>)> {
    if paths.is_empty() {
        return Ok((None, Vec::new()));
    }
    let mut all = Vec::new();
    let mut files = Vec::new();
    for path in paths {
        // Inside the root, shown relative to it like every other path; elsewhere as given.
        let display = path
            .canonicalize()
            .ok()
            .zip(root.canonicalize().ok())
            .and_then(|(file, root)| discover::relative(&root, &file))
            .unwrap_or_else(|| path.to_string_lossy().replace('\\', "/"));
        let input = std::fs::File::open(path)
            .with_context(|| format!("cannot read results file {}", path.display()))?;
        // Read as a stream: a device, a pipe or a runaway file is never read past the cap,
        // and memory grows with the results kept, not with the file.
        let (results, described) = match evidence::read_results(&display, Box::new(input), cap) {
            Ok(read) => read,
            Err(evidence::ReadError::OverCap) => anyhow::bail!(
                "results file {} is over the {cap}-byte limit: raise `max-results-bytes` in reqtrail.toml if it is really that big",
                path.display()
            ),
            Err(evidence::ReadError::Parse(e)) => anyhow::bail!("bad results file: {e}"),
            Err(evidence::ReadError::Io(e)) => {
                anyhow::bail!("cannot read results file {}: {e}", path.display())
            }
        };
        files.push(described);
        all.extend(results);
    }
    Ok((Some(all), files))
}

/// Whether tracked files under `root` have uncommitted changes (`false` outside git).
pub fn git_dirty(root: &Path) -> bool {
    std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["status", "--porcelain", "--untracked-files=no", "--", "."])
        .stderr(std::process::Stdio::null())
        .output()
        .is_ok_and(|out| out.status.success() && !out.stdout.is_empty())
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

/// Today's date (UTC, or `SOURCE_DATE_EPOCH`'s) as `YYYY-MM-DD`, for `reqtrail record`.
pub fn today() -> Result<String> {
    Ok(generated_at()?.chars().take(10).collect())
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
