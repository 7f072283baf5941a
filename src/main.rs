//! The `reqtrail` binary: parse the command line, run, map the outcome to an exit code.

use clap::Parser;

/// mimalloc rather than the system allocator: a run makes millions of small allocations on
/// two threads at once (tokens, strings of the model and the report), and glibc's malloc and
/// free were a sixth of the CPU time (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
