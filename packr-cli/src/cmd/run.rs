//! `packr run GUEST [--bundle DIR]… --call EXPORT [--arg VALUE]…`: runs a
//! guest with its imports served by host bundles.
//!
//! Every bundle is loaded and verified, every import of the guest must be
//! served by one of them (the unserved ones are listed before anything
//! runs), the export is called once and its result printed as value text.
//!
//! The arguments are value text (`{x: 1, y: -2}`, `some("a")`, `[1, 2]`),
//! one `--arg` per parameter, packed per the calling convention (none →
//! `()`, one → itself, several → a tuple). Text alone does not say every
//! type (`1` could be any integer type), so with `--wit` the export's
//! declaration in that WIT+ world types each argument; without it the
//! text's own types apply (`1` is an `s32`, `1u8` a `u8`, variant cases
//! need `--wit`). A guest's `__pack_types` carries interface hashes, not
//! parameter types, so it cannot type them.

use packr::Value;
use packr::bundle::{BundleStates, BundleTrust, HostBundle, validate_imports};
use packr::engine::{Engine, EngineKind, ExternKind, Instance, Module};
use packr::host::HostBuilder;
use packr::record::Recorder;
use packr::wit::{Function, Package, Type, WorldItem};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `packr run`.
#[derive(clap::Args)]
pub struct Args {
    /// The guest: a `.wasm` module or `.wat` text.
    guest: PathBuf,
    /// A bundle directory serving some of the guest's imports (repeatable).
    #[arg(long = "bundle", value_name = "DIR")]
    bundles: Vec<PathBuf>,
    /// Accept only bundle libraries with this SHA-256 (hex; repeatable).
    /// Without it, any library matching its manifest's hash is accepted.
    #[arg(long = "trust", value_name = "SHA256")]
    trust: Vec<String>,
    /// The engine: wasmtime or wasmi.
    #[arg(long, default_value_t = EngineKind::default().to_string())]
    engine: String,
    /// Write a call log of the session to FILE (replayable without the
    /// bundles).
    #[arg(long, value_name = "FILE")]
    record: Option<PathBuf>,
    /// The export to call (`ns:pkg/iface.func`, or a bare function name).
    #[arg(long, value_name = "EXPORT")]
    call: String,
    /// One argument as value text (repeat for each parameter).
    #[arg(long = "arg", value_name = "VALUE", allow_hyphen_values = true)]
    args: Vec<String>,
    /// A WIT+ file or folder declaring the guest's world: its declaration
    /// of the export types the arguments.
    #[arg(long, value_name = "PATH")]
    wit: Option<PathBuf>,
    /// The world in `--wit` (needed when it has several).
    #[arg(long, value_name = "NAME", requires = "wit")]
    world: Option<String>,
}

/// A failure and its exit code.
enum Failure {
    /// A usage error (exit 2): the command line names something that is
    /// not there or writes a value that does not read.
    Usage(String),
    /// A guest or bundle error (exit 1).
    Run(String),
}

/// Runs the command: `Ok` with the exit code, `Err` for a guest or bundle
/// error (exit 1).
pub fn run(args: &Args) -> super::Outcome {
    match execute(args) {
        Ok(result) => {
            println!("{result}");
            Ok(ExitCode::SUCCESS)
        }
        Err(Failure::Run(message)) => Err(message),
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}");
            Ok(ExitCode::from(2))
        }
    }
}

fn execute(args: &Args) -> Result<Value, Failure> {
    let kind: EngineKind = args
        .engine
        .parse()
        .map_err(|e: packr::engine::Error| Failure::Usage(e.to_string()))?;
    let input = typed_input(args)?;

    let trust = if args.trust.is_empty() {
        BundleTrust::Manifest
    } else {
        BundleTrust::pinned(&args.trust)
    };
    let bundles = args
        .bundles
        .iter()
        .map(|dir| HostBundle::load_with(dir, &trust))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Failure::Run(e.to_string()))?;

    let engine = Engine::with_kind(kind).map_err(run_error)?;
    let module = compile(&engine, &args.guest)?;
    let mut host = HostBuilder::<BundleStates>::new();
    for b in &bundles {
        b.add_to_linker(&mut host, |s| s)
            .map_err(|e| Failure::Run(format!("bundle `{}` cannot be added: {e}", b.name())))?;
    }
    unserved_imports(&module, &host)?;
    validate_imports(&module, &bundles).map_err(run_error)?;

    let (_, exports) = module.describe();
    if !exports.iter().any(|e| e.name == args.call) {
        let names: Vec<&str> = exports
            .iter()
            .filter(|e| matches!(e.kind, ExternKind::Func(_)) && !e.name.starts_with("__"))
            .map(|e| e.name.as_str())
            .collect();
        return Err(Failure::Usage(format!(
            "the guest exports no `{}` (it exports: {})",
            args.call,
            names.join(", ")
        )));
    }

    let states = BundleStates::for_bundles(&bundles).map_err(run_error)?;
    let mut instance = engine
        .link(&module, &host)
        .and_then(|linked| linked.instantiate(states))
        .map_err(run_error)?;
    if args.record.is_some() {
        instance.set_interceptor(Box::new(Recorder::new()));
    }
    let result = instance.call_value(&args.call, &input);
    if let Some(path) = &args.record {
        save_log(&mut instance, path)?;
    }
    result.map_err(|e| {
        // The guest's trap says little; the host call behind it says why.
        let cause = instance
            .last_host_error()
            .map(|h| format!("\n  caused by: {h}"))
            .unwrap_or_default();
        Failure::Run(format!("calling `{}`: {e}{cause}", args.call))
    })
}

fn run_error(e: impl std::fmt::Display) -> Failure {
    Failure::Run(e.to_string())
}

/// The export's input: the `--arg`s read as value text (typed by `--wit`
/// when given) and packed per the calling convention.
fn typed_input(args: &Args) -> Result<Value, Failure> {
    let values = match &args.wit {
        Some(path) => {
            let package = Package::load(path).map_err(|e| Failure::Usage(e.to_string()))?;
            let decl = declaration(&package, args.world.as_deref(), &args.call)?;
            if decl.params.len() != args.args.len() {
                return Err(Failure::Usage(format!(
                    "`{}` takes {} argument(s) ({decl}); {} --arg given",
                    args.call,
                    decl.params.len(),
                    args.args.len()
                )));
            }
            let types: Vec<&Type> = decl.params.iter().map(|(_, t)| t).collect();
            read_args(&args.args, |text, i| package.parse_value(text, types[i]))?
        }
        None => read_args(&args.args, |text, _| Value::parse(text))?,
    };
    let mut values = values;
    Ok(match values.len() {
        0 => Value::UNIT,
        1 => values.remove(0),
        _ => Value::Tuple(values),
    })
}

fn read_args(
    texts: &[String],
    read: impl Fn(&str, usize) -> Result<Value, packr::abi::ValueTextError>,
) -> Result<Vec<Value>, Failure> {
    texts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            read(text, i).map_err(|e| Failure::Usage(format!("--arg {:?}: {e}", text)))
        })
        .collect()
}

/// The world's declaration of export `call` (`iface.func` or a bare
/// function).
fn declaration<'p>(
    package: &'p Package,
    world: Option<&str>,
    call: &str,
) -> Result<&'p Function, Failure> {
    let world = package.world(world).map_err(Failure::Usage)?;
    for item in &world.exports {
        match item {
            WorldItem::Function(f) if f.name == call => return Ok(f),
            WorldItem::Interface(q) => {
                if let Some(name) = call
                    .strip_prefix(q.as_str())
                    .and_then(|r| r.strip_prefix('.'))
                    && let Some(f) = package.interface(q).and_then(|i| i.function(name))
                {
                    return Ok(f);
                }
            }
            _ => {}
        }
    }
    Err(Failure::Usage(format!(
        "world `{}` exports no `{call}`",
        world.name
    )))
}

fn compile(engine: &Engine, path: &Path) -> Result<Module, Failure> {
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", path.display())))?;
    let wasm = if bytes.starts_with(b"\0asm") {
        bytes
    } else {
        wat::parse_bytes(&bytes)
            .map_err(|e| Failure::Run(format!("{}: {e}", path.display())))?
            .into_owned()
    };
    Module::new(engine, &wasm).map_err(|e| Failure::Run(format!("{}: {e}", path.display())))
}

/// Every function import no bundle serves, listed before anything runs.
fn unserved_imports(module: &Module, host: &HostBuilder<BundleStates>) -> Result<(), Failure> {
    let (imports, _) = module.describe();
    let unserved: Vec<String> = imports
        .iter()
        .filter(|i| matches!(i.kind, ExternKind::Func(_)))
        .filter(|i| i.module != "pack:alloc" && host.get(&i.module, &i.name).is_none())
        .map(|i| format!("  {}.{}", i.module, i.name))
        .collect();
    if unserved.is_empty() {
        return Ok(());
    }
    Err(Failure::Run(format!(
        "no bundle serves {} import(s) of the guest; nothing was run:\n{}",
        unserved.len(),
        unserved.join("\n")
    )))
}

fn save_log(instance: &mut Instance<BundleStates>, path: &Path) -> Result<(), Failure> {
    let recorder = instance.take_interceptor().and_then(|i| {
        (i as Box<dyn std::any::Any + Send>)
            .downcast::<Recorder>()
            .ok()
    });
    let Some(recorder) = recorder else {
        return Err(Failure::Run("the recorder was not found".into()));
    };
    recorder
        .finish()
        .save(path)
        .map_err(|e| Failure::Run(format!("cannot write {}: {e}", path.display())))
}
