//! The `reqtrail` binary: parse the command line, run, map the outcome to an exit code.

use clap::Parser;

fn main() {
    let cli = reqtrail::cli::Cli::parse();
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
