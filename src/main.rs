//! The `reqtrail` binary: parse the command line, run, map the outcome to an exit code.

use clap::Parser;

fn main() {
    let cli = reqtrail::cli::Cli::parse();
    let code = match reqtrail::cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            2
        }
    };
    std::process::exit(code);
}
