//! `packr`: run Graph-ABI guests from the command line.
//!
//! This file holds the command line and the dispatch only; each command
//! lives in `cmd/` with its arguments. Exit codes: 0 success, 1 a guest or
//! bundle error, 2 a usage error (one line on stderr).

mod cmd;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Run Graph-ABI guests with their imports served by host bundles.
#[derive(Parser)]
#[command(name = "packr", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Instantiates a guest with its imports served by host bundles, calls
    /// one export with arguments written as value text, prints the result.
    Run(cmd::run::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage(e),
    };
    let outcome = match cli.command {
        Command::Run(args) => cmd::run::run(&args),
    };
    match outcome {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// `--help` and `--version` print and succeed; any other parse failure is
/// clap's message on stderr and exit code 2.
fn usage(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    // Printing can only fail on a closed stream; nothing to add then.
    let _ = e.print();
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}
