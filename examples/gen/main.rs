//! `cargo run --release --example gen -- --requirements N --out DIR [--style S] [--seed S]`:
//! writes a deterministic synthetic Rust project with Markdown requirements (see `synth.rs`),
//! the input of `scripts/bench` and of the generator tests.
//!
//! Flags are parsed by hand: the example should not pull clap's derive into every bench build.

// The sample functions are for the benches; the command only writes whole trees.
#[allow(dead_code)]
mod synth;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str =
    "usage: gen --requirements N --out DIR [--style marker|heading|oft|mixed] [--seed S]

Writes a synthetic Cargo package to DIR: N requirements over N/100 Markdown documents in docs/,
N/5 Rust files (src/ and tests/) holding about 2N tests of which two thirds of the requirements
are verified, and DIR/EXPECTED.json with the counts reqtrail must report. The same arguments
always give the same bytes. DIR must be empty or absent, or a tree this command wrote earlier
(one with an EXPECTED.json), which is then replaced.";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("gen: {message}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Vec<String>) -> Result<(), String> {
    let mut params = synth::Params::default();
    let mut out: Option<PathBuf> = None;
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        if flag == "-h" || flag == "--help" {
            println!("{USAGE}");
            return Ok(());
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--requirements" | "-n" => {
                params.requirements = value
                    .replace('_', "")
                    .parse()
                    .map_err(|_| format!("--requirements wants a number, not {value:?}"))?;
            }
            "--out" | "-o" => out = Some(PathBuf::from(value)),
            "--style" => {
                params.style = synth::Style::parse(&value)
                    .ok_or_else(|| format!("unknown style {value:?}"))?;
            }
            "--seed" => {
                params.seed = value
                    .parse()
                    .map_err(|_| format!("--seed wants a number, not {value:?}"))?;
            }
            _ => return Err(format!("unknown flag {flag:?}")),
        }
    }
    let out = out.ok_or("--out DIR is required")?;
    if params.requirements == 0 {
        return Err("--requirements must be at least 1".to_string());
    }
    if out.exists() {
        let empty = std::fs::read_dir(&out)
            .map_err(|e| format!("cannot read {}: {e}", out.display()))?
            .next()
            .is_none();
        if !empty {
            // Only a tree this command wrote is ever removed, never a directory given by mistake.
            if !out.join("EXPECTED.json").is_file() {
                return Err(format!(
                    "{} is not empty and was not written by gen (no EXPECTED.json)",
                    out.display()
                ));
            }
            std::fs::remove_dir_all(&out)
                .map_err(|e| format!("cannot remove {}: {e}", out.display()))?;
        }
    }
    let plan = synth::Plan::new(params);
    plan.write(&out)
        .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    let e = plan.expected();
    println!(
        "gen: {} requirements ({} verified) in {} documents, {} tests in {} Rust files -> {}",
        e.requirements,
        e.verified,
        e.documents,
        e.tests,
        e.rust_files,
        out.display()
    );
    Ok(())
}
