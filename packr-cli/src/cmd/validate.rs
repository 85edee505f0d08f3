//! `packr validate GUEST --world FILE.wit+[:WORLD]`: checks a guest
//! against a world before anything runs it, as
//! `packr::engine::validate` does for a host, listing every problem.

use super::Outcome;
use crate::guest;
use packr::host::{HostBuilder, HostError, RegistrationError};
use packr::wit::{Package, World, WorldItem};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The guest: a binary module (.wasm) or WAT text (.wat).
    guest: PathBuf,
    /// The WIT+ file (or folder) declaring the world, and the world's name
    /// after a colon when the package has several.
    #[arg(long, value_name = "FILE.wit+[:WORLD]")]
    world: String,
}

/// Splits `FILE[:WORLD]`. A path that exists as given is a file without a
/// world name, so a colon inside a path still works.
fn world_spec(spec: &str) -> (&str, Option<&str>) {
    if Path::new(spec).exists() {
        return (spec, None);
    }
    match spec.rsplit_once(':') {
        Some((file, world)) if !world.is_empty() && !world.contains('/') => (file, Some(world)),
        _ => (spec, None),
    }
}

pub fn run(args: &Args) -> Outcome {
    let (file, world_name) = world_spec(&args.world);
    let pkg = match Package::load(file) {
        Ok(pkg) => pkg,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let world = pkg.world(world_name).map_err(|e| format!("{file}: {e}"))?;
    let guest = guest::load(&args.guest)?;
    let host = declared_host(&pkg, world).map_err(|e| e.to_string())?;
    match packr::engine::validate(&guest.module, &pkg, world, &host) {
        Ok(()) => {
            println!(
                "{} fits world `{}` of package {}",
                args.guest.display(),
                world.name,
                pkg.name
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("error: {e}");
            let n = e.problems.len();
            eprintln!("{n} problem{}", if n == 1 { "" } else { "s" });
            Ok(ExitCode::FAILURE)
        }
    }
}

/// A host that serves exactly what the world imports: the check is then
/// about the guest alone. The stand-ins are never called.
fn declared_host(pkg: &Package, world: &World) -> Result<HostBuilder<()>, RegistrationError> {
    let mut host = HostBuilder::new();
    for item in &world.imports {
        let WorldItem::Interface(name) = item else {
            continue;
        };
        let Some(iface) = pkg.interface(name) else {
            continue;
        };
        let mut builder = host.interface(name);
        for f in &iface.functions {
            builder.func_codec(&f.name, |_, _, _| {
                Err(HostError::Trap("`packr validate` runs no guest".into()))
            })?;
        }
    }
    Ok(host)
}
