//! `packr`: look at guests, WIT+ files and call logs from the command line.
//!
//! This file holds the command line and the dispatch only; each command
//! lives in `cmd/` with its arguments. Exit codes: 0 success, 1 the input
//! is wrong (a WIT+ error, a guest that does not fit, a damaged log), 2 a
//! usage error (one line on stderr).

mod cmd;
mod guest;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Inspect Graph-ABI guests, check WIT+ files, validate a guest against a
/// world, and read call logs.
#[derive(Parser)]
#[command(name = "packr", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Lists a guest's imports and exports, which are Graph-ABI functions,
    /// the guest profile it needs and its `__pack_types` metadata.
    Inspect(cmd::inspect::Args),
    /// Parses and resolves WIT+ files; prints every error with
    /// file:line:col and a caret.
    Check(cmd::check::Args),
    /// Checks a guest against a WIT+ world and lists every problem.
    Validate(cmd::validate::Args),
    /// Reads a call log written by a `Recorder`.
    #[command(subcommand)]
    Log(cmd::log::Command),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage(e),
    };
    let outcome = match cli.command {
        Command::Inspect(args) => cmd::inspect::run(&args),
        Command::Check(args) => cmd::check::run(&args),
        Command::Validate(args) => cmd::validate::run(&args),
        Command::Log(command) => cmd::log::run(&command),
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
/// one line on stderr and exit code 2.
fn usage(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        // Printing help can only fail on a closed stdout; nothing to add then.
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        let cli = <Cli as clap::CommandFactory>::command();
        let named = command_named();
        let parent = cli.find_subcommand(named.trim()).unwrap_or(&cli);
        let names: Vec<&str> = parent
            .get_subcommands()
            .map(|c| c.get_name())
            .filter(|&n| n != "help")
            .collect();
        eprintln!(
            "error: name a command: {} (see `packr {}--help`)",
            names.join(", "),
            named
        );
        return ExitCode::from(2);
    }
    // clap's message is a paragraph (what is wrong, then the names it
    // concerns), then usage; the paragraph joined is the one line.
    let text = e.to_string();
    let what: Vec<&str> = text
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect();
    let what = if what.is_empty() {
        "error: invalid arguments".to_string()
    } else {
        what.join(" ")
    };
    eprintln!("{what} (see `packr {}--help`)", command_named());
    ExitCode::from(2)
}

/// The subcommand named on the command line, with a trailing space, for
/// pointing at its help.
fn command_named() -> String {
    let cli = <Cli as clap::CommandFactory>::command();
    std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .filter(|a| cli.find_subcommand(a).is_some())
        .map(|a| format!("{a} "))
        .unwrap_or_default()
}
