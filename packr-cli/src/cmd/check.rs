//! `packr check FILE...`: parses and resolves WIT+ files (or folders, one
//! package each) and prints every error as file:line:col with the source
//! line and a caret.

use super::Outcome;
use packr::wit::Package;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// WIT+ files (`.wit+`, `.wit`) or folders, each one package.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

pub fn run(args: &Args) -> Outcome {
    let mut failed = 0;
    for path in &args.files {
        match Package::load(path) {
            Ok(pkg) => {
                let worlds: Vec<&str> = pkg.worlds.iter().map(|w| w.name.as_str()).collect();
                println!(
                    "{}: ok: package {}, {} interfaces, worlds: {}",
                    path.display(),
                    pkg.name,
                    pkg.interfaces.len(),
                    if worlds.is_empty() {
                        "none".to_string()
                    } else {
                        worlds.join(", ")
                    }
                );
            }
            Err(e) => {
                failed += 1;
                eprintln!("error: {e}");
            }
        }
    }
    if failed == 0 {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("{failed} of {} packages have errors", args.files.len());
        Ok(ExitCode::FAILURE)
    }
}
