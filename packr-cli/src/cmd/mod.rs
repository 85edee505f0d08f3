//! One module per command: its clap arguments and its `run`, which prints
//! the command's output and returns the exit code, or `Err` with a one-line
//! reason the input could not be read at all (exit code 1).

pub mod check;
pub mod inspect;
pub mod log;
pub mod validate;

/// What a command's `run` returns.
pub type Outcome = Result<std::process::ExitCode, String>;
