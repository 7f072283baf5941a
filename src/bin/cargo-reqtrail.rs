//! `cargo reqtrail ...`: the same command line as `reqtrail ...`, as a cargo subcommand.
//!
//! Cargo runs `cargo-reqtrail reqtrail ARGS` for `cargo reqtrail ARGS`; the repeated name is
//! dropped and the rest goes to the shared CLI, so both binaries behave identically.

use clap::{CommandFactory, FromArgMatches};
use reqtrail::cli::Cli;
use std::ffi::OsString;

/// The same allocator as `reqtrail` (see src/main.rs), so both binaries run alike.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args: Vec<OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "reqtrail") {
        args.remove(1);
    }
    let matches = Cli::command()
        .bin_name("cargo reqtrail")
        .get_matches_from(args);
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(err) => err.exit(),
    };
    let code = match reqtrail::cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            // Errors quote input (config lines, file names): escaped for the terminal.
            let message = format!("{err:#}");
            eprintln!(
                "error: {}",
                reqtrail::report::terminal::escape(&message, true)
            );
            2
        }
    };
    std::process::exit(code);
}
