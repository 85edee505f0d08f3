//! Checking a guest against a WIT+ world before instantiating it: every
//! import is declared and served, every required export exists, all with
//! the Graph ABI's signature. Every problem is reported, not just the
//! first.

use super::{ExternKind, Module, ModuleImport, Signature};
use crate::host::{HostBody, HostBuilder};
use crate::wit::{Function, Interface, PackTypes, Package, World, WorldItem};
use std::borrow::Cow;
use std::fmt;

/// One way a guest does not fit a world.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// The guest imports from an interface the world does not import, and
    /// the host registered nothing under that name either.
    ImportNotInWorld {
        /// The import module.
        module: String,
        /// The import field.
        name: String,
    },
    /// The guest imports a function its interface does not declare.
    UnknownFunction {
        /// The interface.
        interface: String,
        /// The function the guest asked for.
        name: String,
        /// What the interface declares.
        declared: Vec<String>,
    },
    /// The world declares the function but the host registered no
    /// implementation.
    NotRegistered {
        /// The interface.
        interface: String,
        /// The expected declaration.
        expected: String,
    },
    /// An import or export has another core signature than the Graph ABI's.
    WrongSignature {
        /// The import (`iface`.`name`) or export name.
        item: String,
        /// The signature found in the guest.
        found: String,
        /// The expected declaration.
        expected: String,
    },
    /// The world requires an export the guest lacks.
    MissingExport {
        /// The core export name.
        export: String,
        /// The expected declaration.
        expected: String,
    },
    /// The guest's `__pack_types` carries another hash for an interface
    /// than the world's declaration: it was built against another version.
    InterfaceHash {
        /// The interface.
        interface: String,
        /// `"imports"` or `"exports"`.
        side: &'static str,
        /// The hash of the world's declaration (hex).
        expected: String,
        /// The hash the guest carries (hex).
        found: String,
        /// The guest's own declarations of that interface's functions that
        /// differ from the world's, when its `__pack_types` carries
        /// signatures (the reference toolchain writes them).
        guest_declarations: Vec<String>,
    },
    /// The guest's `__pack_types` blob cannot be read.
    BadPackTypes {
        /// Why.
        reason: String,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::ImportNotInWorld { module, name } => write!(
                f,
                "imports `{name}` from `{module}`, which the world does not import and the host does not provide"
            ),
            Problem::UnknownFunction {
                interface,
                name,
                declared,
            } => write!(
                f,
                "imports `{name}` from `{interface}`, which declares no such function (it declares: {})",
                declared.join(", ")
            ),
            Problem::NotRegistered {
                interface,
                expected,
            } => write!(
                f,
                "imports `{interface}` `{expected}`, but the host registered no implementation"
            ),
            Problem::WrongSignature {
                item,
                found,
                expected,
            } => write!(
                f,
                "`{item}` has core signature {found}, expected the Graph ABI's (i32, i32, i32, i32) -> (i32) for `{expected}`"
            ),
            Problem::MissingExport { export, expected } => {
                write!(f, "does not export `{export}` (expected `{expected}`)")
            }
            Problem::InterfaceHash {
                interface,
                side,
                expected,
                found,
                guest_declarations,
            } => {
                write!(
                    f,
                    "{} `{interface}` built against another version of it: its __pack_types hash is {}…, the world's declaration hashes to {}…",
                    side.trim_end_matches('s'),
                    &found[..16],
                    &expected[..16]
                )?;
                if !guest_declarations.is_empty() {
                    write!(
                        f,
                        "; the guest declares `{}`",
                        guest_declarations.join("`, `")
                    )?;
                }
                Ok(())
            }
            Problem::BadPackTypes { reason } => write!(f, "carries {reason}"),
        }
    }
}

/// A guest that does not fit a world, with every problem found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// The world checked against.
    pub world: String,
    /// Everything that is wrong.
    pub problems: Vec<Problem>,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the guest does not fit world `{}`:", self.world)?;
        for p in &self.problems {
            write!(f, "\n  - the guest {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationError {}

/// Checks `module` against `world` of `package` and the functions `host`
/// registered, before anything is instantiated.
///
/// ```
/// use packr_runtime::engine::{validate, Engine, Module};
/// use packr_runtime::host::HostBuilder;
/// use packr_runtime::wit::Package;
/// let pkg = Package::parse("w.wit+", "package a:b;
///     interface log { log: func(msg: string); }
///     world w { import log; export run: func() -> s32; }")?;
/// let engine = Engine::default();
/// let guest = Module::from_wat(&engine, r#"(module
///     (import "a:b/log" "log" (func (param i32 i32 i32 i32) (result i32)))
///     (import "a:b/log" "warn" (func (param i32 i32 i32 i32) (result i32)))
///     (memory (export "memory") 1))"#)?;
/// let mut host = HostBuilder::<()>::new();
/// host.interface("a:b/log").func("log", |_, _msg: String| ())?;
/// let err = validate(&guest, &pkg, pkg.world(None)?, &host).unwrap_err();
/// // `warn` is not declared, `run` and `__pack_alloc` are missing.
/// assert_eq!(err.problems.len(), 3, "{err}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn validate<T>(
    module: &Module,
    package: &Package,
    world: &World,
    host: &HostBuilder<T>,
) -> Result<(), ValidationError> {
    let (imports, exports) = module.describe();
    let mut problems = Vec::new();
    let imported: Vec<&str> = world
        .imports
        .iter()
        .filter_map(|i| match i {
            WorldItem::Interface(q) => Some(q.as_str()),
            WorldItem::Function(_) => None,
        })
        .collect();

    for import in &imports {
        let registered = host.get(&import.module, &import.name);
        let in_world = imported.contains(&import.module.as_str());
        if !in_world {
            // Fixed-base memory and allocator, raw host functions: the host
            // vouches for what it registered.
            if registered.is_none() && !is_runtime_import(&import.module, &import.name) {
                problems.push(Problem::ImportNotInWorld {
                    module: import.module.clone(),
                    name: import.name.clone(),
                });
            }
            continue;
        }
        let Some(iface) = package.interface(&import.module) else {
            continue;
        };
        let decl = match declared_import(iface, import) {
            Ok(decl) => decl,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        match registered {
            None => problems.push(Problem::NotRegistered {
                interface: import.module.clone(),
                expected: decl.to_string(),
            }),
            Some(f) if matches!(f.body(), HostBody::Raw { .. }) => {}
            Some(_) => check_signature(
                &mut problems,
                &format!("{}.{}", import.module, import.name),
                &import.kind,
                &decl,
            ),
        }
    }

    let mut required: Vec<(String, &Function)> = Vec::new();
    for item in &world.exports {
        match item {
            WorldItem::Interface(q) => {
                if let Some(iface) = package.interface(q) {
                    required.extend(
                        iface
                            .functions
                            .iter()
                            .map(|f| (format!("{q}.{}", f.name), f)),
                    );
                }
            }
            WorldItem::Function(f) => required.push((f.name.clone(), f)),
        }
    }
    for (name, decl) in &required {
        match exports.iter().find(|e| &e.name == name) {
            None => problems.push(Problem::MissingExport {
                export: name.clone(),
                expected: decl.to_string(),
            }),
            Some(e) => check_signature(&mut problems, name, &e.kind, decl),
        }
    }
    if !required.is_empty() {
        for (name, what) in [
            ("memory", "the guest's linear memory"),
            ("__pack_alloc", "__pack_alloc: func(size: s32) -> s32"),
        ] {
            let has = exports.iter().any(|e| e.name == name)
                || (name == "memory" && imports.iter().any(|i| i.kind == ExternKind::Memory))
                || (name == "__pack_alloc" && imports.iter().any(|i| i.module == "pack:alloc"));
            if !has {
                problems.push(Problem::MissingExport {
                    export: name.into(),
                    expected: what.into(),
                });
            }
        }
    }
    if let Some(blob) = module.pack_types() {
        check_hashes(&mut problems, package, world, blob);
    }
    if let Some(why) = module.pack_types_error() {
        problems.push(Problem::BadPackTypes {
            reason: format!("malformed __pack_types metadata: {why}"),
        });
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ValidationError {
            world: world.name.clone(),
            problems,
        })
    }
}

/// Compares the interface hashes the guest carries with the world's, for
/// the interfaces both name (a guest may import fewer than the world).
fn check_hashes(problems: &mut Vec<Problem>, package: &Package, world: &World, blob: &[u8]) {
    let carried = match PackTypes::decode(blob) {
        Ok(t) => t,
        Err(e) => {
            problems.push(Problem::BadPackTypes {
                reason: e.to_string(),
            });
            return;
        }
    };
    let declared = PackTypes::for_world(package, world);
    for (side, ours, theirs) in [
        ("imports", &declared.imports, &carried.imports),
        ("exports", &declared.exports, &carried.exports),
    ] {
        for h in theirs {
            if let Some(d) = ours.iter().find(|d| d.name == h.name)
                && d.hash != h.hash
            {
                // The guest's declarations that the world's do not match.
                let ours: Vec<String> = package
                    .interface(&h.name)
                    .map(|i| i.functions.iter().map(|f| f.to_string()).collect())
                    .unwrap_or_default();
                problems.push(hash_mismatch(
                    &carried, side, &h.name, &d.hash, &h.hash, &ours,
                ));
            }
        }
    }
}

/// The guest's interface hash `found` is not the host's `expected`: the
/// problem quotes the guest's declarations of `interface` on `side` that
/// differ from the host's (`ours`, as WIT text), from its `__pack_types`.
pub(crate) fn hash_mismatch(
    carried: &PackTypes,
    side: &'static str,
    interface: &str,
    expected: &[u8],
    found: &[u8],
    ours: &[String],
) -> Problem {
    Problem::InterfaceHash {
        interface: interface.to_string(),
        side,
        expected: hex(expected),
        found: hex(found),
        guest_declarations: carried
            .functions
            .iter()
            .filter(|g| g.interface == interface && g.side == side)
            .filter(|g| !ours.contains(&g.declaration))
            .map(|g| g.declaration.clone())
            .collect(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn is_runtime_import(module: &str, name: &str) -> bool {
    matches!((module, name), ("env", "memory") | ("pack:alloc", _))
}

/// The declaration of the function `import` takes from `iface` (a
/// resource's implicit `[resource-drop]` included), or the problem naming
/// what `iface` does declare.
pub(crate) fn declared_import<'i>(
    iface: &'i Interface,
    import: &ModuleImport,
) -> Result<Cow<'i, Function>, Problem> {
    iface
        .import_function(&import.name)
        .ok_or_else(|| Problem::UnknownFunction {
            interface: import.module.clone(),
            name: import.name.clone(),
            declared: iface
                .functions
                .iter()
                .map(|f| format!("`{}`", f.name))
                .collect(),
        })
}

/// Adds a problem unless `kind` is a function of the Graph ABI's core
/// signature.
pub(crate) fn check_signature(
    problems: &mut Vec<Problem>,
    item: &str,
    kind: &ExternKind,
    decl: &Function,
) {
    let found = match kind {
        ExternKind::Func(sig) if *sig == Signature::abi() => return,
        ExternKind::Func(sig) => sig.to_string(),
        ExternKind::Memory => "a memory".into(),
        ExternKind::Global => "a global".into(),
        ExternKind::Other => "an unsupported item".into(),
    };
    problems.push(Problem::WrongSignature {
        item: item.to_string(),
        found,
        expected: decl.to_string(),
    });
}
