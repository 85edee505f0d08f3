//! Checking a guest's imports against the bundles that serve them.

use super::load::HostBundle;
use crate::engine::validate::{check_signature, declared_import, hash_mismatch};
use crate::engine::{Module, Problem, ValidationError};
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
        match declared_import(iface, import) {
            Ok(decl) => check_signature(
                &mut problems,
                &format!("{}.{}", import.module, import.name),
                &import.kind,
                &decl,
            ),
            Err(problem) => problems.push(problem),
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
                        let declared: Vec<String> = serving(&h.name)
                            .and_then(|b| b.package().interface(&h.name))
                            .map(|i| i.functions.iter().map(|f| f.to_string()).collect())
                            .unwrap_or_default();
                        problems.push(hash_mismatch(
                            &carried, "imports", &h.name, &ours, &h.hash, &declared,
                        ));
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
