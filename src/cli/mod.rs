//! The command line (PRODUCT.md section 7): wires each subcommand's stages together and maps
//! the outcome to an exit code (0 gate passed, 1 gate failed, 2 reqtrail could not do its job).
//!
//! Nothing here analyses, validates or renders anything: `cli/args.rs` is clap's view of the
//! flags, `plan` resolves them into a checked plan, `pipeline` analyses, `gate` judges,
//! `report::*` render and `deliver` writes the outputs and prints the terminal text. Each
//! handler is parse -> plan -> stages -> deliver -> exit code.

mod args;

pub use args::*;

use crate::deliver::{self, print_stdout};
use crate::gate::{self, GateOptions};
use crate::pipeline::{self, Analysis};
use crate::plan::{self, OutputKind, TrendSource};
use crate::report::Report;
use crate::{release, snapshot, trend};
use anyhow::{bail, Result};

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
    let report = analysis.report(crate::report::Sections {
        comparison: compared.section,
        policy,
    });
    // Every output renders the report alone: the model goes back to the allocator while they
    // do, on a thread of its own, so the renders' buffers reuse its memory instead of adding to
    // the peak (a third of it at 100,000 requirements).
    let model = std::mem::take(&mut analysis.model);
    std::thread::spawn(move || drop(model));
    let history = match &plan.history {
        Some(dir) => {
            let mut points = trend::from_folder(dir)?;
            points.push(trend::Point::of("this run", "", &report));
            Some(trend::svg(&points))
        }
        None => None,
    };
    deliver::check(&plan, &report, &verdict, &options, history.as_deref())?;
    let code = deliver::exit_code(&analysis.unreadable, if verdict.passed { 0 } else { 1 });
    // The process exits right after: freeing a 100,000-requirement report (and the model it
    // was built from) piece by piece would cost more than a tenth of the run, and the OS takes
    // it back at once.
    std::mem::forget(report);
    std::mem::forget(analysis);
    Ok(code)
}

fn show(args: ShowArgs) -> Result<i32> {
    let plan = plan::resolve_show(&args)?;
    let mut analysis = pipeline::analyze(&plan.input)?;
    let compared = crate::comparison::run(
        &plan.input,
        &mut analysis,
        plan.baseline.as_deref(),
        plan.changed_since.as_deref(),
        false,
    )?;
    let report = analysis.report(crate::report::Sections {
        comparison: compared.section,
        policy: Vec::new(),
    });
    let Analysis { unreadable, .. } = analysis;
    let index = find_requirement(&report, &plan.id)?;
    // Escaped for the terminal like `check`'s summary; the index is the same in both.
    let shown = crate::report::terminal::escaped(&report);
    let Some(requirement) = shown.requirements.get(index) else {
        bail!("internal error: requirement {index} went missing while escaping");
    };
    print_stdout(&crate::report::human::render_show(
        &shown,
        requirement,
        deliver::paint(plan.input.color, true),
    ))?;
    Ok(deliver::exit_code(&unreadable, 0))
}

/// `reqtrail record`: checks everything, then appends one `[[record]]` to the records file.
fn record(args: RecordArgs) -> Result<i32> {
    let plan = plan::resolve_record(&args, pipeline::today)?;
    let report = pipeline::analyze(&plan.input)?.report(Default::default());
    let requirement = &report.requirements[find_requirement(&report, &plan.id)?];
    let record = plan.record(
        &requirement.id,
        requirement.revision,
        &requirement.fingerprint,
    );
    crate::records::write::append(&plan.input.root, &record)?;
    print_stdout(&crate::records::write::confirmation(&record))?;
    Ok(0)
}

/// `reqtrail diff OLD NEW`: both sides are loaded (and analysed) first, every output rendered,
/// and only then anything written, so a bad side writes nothing.
fn diff(args: DiffArgs) -> Result<i32> {
    let plan = plan::resolve_diff(&args)?;
    let old = snapshot::load(&plan.old.0, &plan.old.1, &plan.at_ref)?;
    let new = snapshot::load(&plan.new.0, &plan.new.1, &plan.at_ref)?;
    let d = release::compare(&old.label, &old.report, &new.label, &new.report);
    let render = |kind| match kind {
        OutputKind::Markdown => release::markdown(&d),
        OutputKind::Html => release::html(&d),
        // `--json`, the only other output the plan gives `diff`.
        _ => release::json(&d),
    };
    deliver::outputs_and_terminal(&plan.outputs, render, &release::terminal(&d))?;
    Ok(0)
}

/// `reqtrail trend`: every release is read (or analysed, two at a time) before anything is
/// written.
fn trend(args: TrendArgs) -> Result<i32> {
    use rayon::prelude::*;
    let plan = plan::resolve_trend(&args, crate::history::tags)?;
    let points = match &plan.source {
        TrendSource::Reports(dir) => trend::from_folder(dir)?,
        TrendSource::Refs(refs) => {
            let snapshots: Vec<snapshot::Snapshot> = refs
                .par_iter()
                .map(|r| snapshot::at_ref(r, &plan.at_ref))
                .collect::<Result<_>>()?;
            refs.iter()
                .zip(&snapshots)
                .map(|(r, s)| trend::Point::of(r, &s.date, &s.report))
                .collect()
        }
    };
    let render = |kind| match kind {
        OutputKind::Csv => trend::csv(&points),
        OutputKind::Html => trend::html(&points),
        // `--json`, the only other output the plan gives `trend`.
        _ => trend::json(&points),
    };
    deliver::outputs_and_terminal(&plan.outputs, render, &trend::table(&points))?;
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

/// The index of the requirement `show ID` or `record ID` names.
fn find_requirement(report: &Report, id: &str) -> Result<usize> {
    let ids: Vec<&str> = report.requirements.iter().map(|r| r.id.as_str()).collect();
    crate::graph::find_requirement(&ids, id)
}
