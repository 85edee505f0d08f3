//! Checking a guest's imports against the bundles that serve them.

use super::load::HostBundle;
use crate::engine::{ExternKind, Module, Problem, Signature, ValidationError};
use crate::wit::PackTypes;

/// Checks every import `module` takes from an interface one of `bundles`
/// provides: the function is declared by the bundle's WIT+, has the Graph
/// ABI's signature, and the interface hash the guest carries in
/// `__pack_types` (if any) is the bundle's. Imports from other interfaces
/// are left to [`validate`](crate::engine::validate) and linking.
///
/// ```no_run
/// use packr_runtime::bundle::{validate_imports, HostBundle};
/// use packr_runtime::engine::{Engine, Module};
/// let kv = HostBundle::load("bundles/kv")?;
/// let engine = Engine::default();
/// let guest = Module::new(&engine, &std::fs::read("guest.wasm")?)?;
/// validate_imports(&guest, &[kv])?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn validate_imports(module: &Module, bundles: &[HostBundle]) -> Result<(), ValidationError> {
    let (imports, _) = module.describe();
    let mut problems = Vec::new();
    let serving = |interface: &str| {
        bundles
            .iter()
            .find(|b| b.interface_hash(interface).is_some())
    };
    for import in &imports {
        let Some(bundle) = serving(&import.module) else {
            continue;
        };
        let Some(iface) = bundle.package().interface(&import.module) else {
            continue;
        };
        let Some(decl) = iface.function(&import.name) else {
            problems.push(Problem::UnknownFunction {
                interface: import.module.clone(),
                name: import.name.clone(),
                declared: iface
                    .functions
                    .iter()
                    .map(|f| format!("`{}`", f.name))
                    .collect(),
            });
            continue;
        };
        if import.kind != ExternKind::Func(Signature::abi()) {
            let found = match &import.kind {
                ExternKind::Func(sig) => sig.to_string(),
                ExternKind::Memory => "a memory".into(),
                ExternKind::Global => "a global".into(),
                ExternKind::Other => "an unsupported item".into(),
            };
            problems.push(Problem::WrongSignature {
                item: format!("{}.{}", import.module, import.name),
                found,
                expected: decl.to_string(),
            });
        }
    }
    if let Some(blob) = module.pack_types() {
        match PackTypes::decode(blob) {
            Err(e) => problems.push(Problem::BadPackTypes {
                reason: e.to_string(),
            }),
            Ok(carried) => {
                for h in &carried.imports {
                    if let Some(ours) = serving(&h.name).and_then(|b| b.interface_hash(&h.name))
                        && ours != h.hash
                    {
                        problems.push(Problem::InterfaceHash {
                            interface: h.name.clone(),
                            side: "imports",
                            expected: hex(&ours),
                            found: hex(&h.hash),
                            guest_declarations: carried
                                .functions
                                .iter()
                                .filter(|g| g.interface == h.name && g.side == "imports")
                                .map(|g| g.declaration.clone())
                                .collect(),
                        });
                    }
                }
            }
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = bundles.iter().map(|b| b.name()).collect();
    Err(ValidationError {
        world: format!("served by bundles {}", names.join(", ")),
        problems,
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
