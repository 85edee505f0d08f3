//! `packr log show FILE` and `packr log verify FILE`: a call log's header
//! and calls with their decoded values, and its hash-chain check.
//!
//! Both read the file through `CallLog::read_from`, which checks the whole
//! hash chain: `show` only ever shows a log that verifies.

use super::Outcome;
use crate::guest::hex;
use packr::record::{CallLog, CallRecord};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Prints the log's header and every call: kind, interface, function,
    /// input and output sizes, and the decoded values as WIT-like text.
    Show {
        /// The call log.
        file: PathBuf,
        /// Print values whole instead of cutting them at 200 characters.
        #[arg(long)]
        full: bool,
    },
    /// Checks the log's format and its whole SHA-256 hash chain.
    Verify {
        /// The call log.
        file: PathBuf,
    },
}

pub fn run(command: &Command) -> Outcome {
    match command {
        Command::Show { file, full } => show(file, *full),
        Command::Verify { file } => verify(file),
    }
}

/// The file's bytes and the log they hold; `Err(())` after reporting why
/// the log does not load.
fn read(path: &Path) -> Result<Result<(Vec<u8>, CallLog), ()>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    match CallLog::read_from(&bytes[..]) {
        Ok(log) => Ok(Ok((bytes, log))),
        Err(e) => {
            eprintln!("error: {}: {e}", path.display());
            Ok(Err(()))
        }
    }
}

fn verify(path: &Path) -> Outcome {
    let Ok((_, log)) = read(path)? else {
        return Ok(ExitCode::FAILURE);
    };
    println!(
        "{}: ok: {} calls, hash chain intact, head hash {}",
        path.display(),
        log.len(),
        hex(&log.head_hash())
    );
    Ok(ExitCode::SUCCESS)
}

/// Longest value text shown without `--full`, in characters.
const SHORT: usize = 200;

fn show(path: &Path, full: bool) -> Outcome {
    let Ok((bytes, log)) = read(path)? else {
        return Ok(ExitCode::FAILURE);
    };
    // The format version sits after the 8-byte magic; the log loaded, so
    // the header is there.
    let version = u16::from_le_bytes([bytes[8], bytes[9]]);
    println!(
        "call log {}: format version {version}, {} calls, head hash {}",
        path.display(),
        log.len(),
        hex(&log.head_hash())
    );
    for (i, call) in log.entries().enumerate() {
        print_call(i, &call, full);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_call(index: usize, call: &CallRecord<'_>, full: bool) {
    let name = if call.interface.is_empty() {
        call.function.to_string()
    } else {
        format!("{}.{}", call.interface, call.function)
    };
    let status = if call.completed {
        format!("out {} B", call.output.len())
    } else {
        "did not complete".to_string()
    };
    println!(
        "#{index} {} {name}: in {} B, {status}",
        call.kind,
        call.input.len()
    );
    println!("    in:  {}", value_text(call.input, full));
    if call.completed {
        println!("    out: {}", value_text(call.output, full));
    }
}

/// The CGRF bytes as WIT-like value text, or why they are not a value.
fn value_text(bytes: &[u8], full: bool) -> String {
    match packr::abi::decode(bytes) {
        Ok(value) => {
            let text = value.to_string();
            match text.char_indices().nth(SHORT) {
                Some((cut, _)) if !full => format!("{}… (--full shows all)", &text[..cut]),
                _ => text,
            }
        }
        Err(e) => format!("<not a CGRF value: {e}>"),
    }
}
