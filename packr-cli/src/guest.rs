//! Reading a guest from disk (a binary module or WAT text) and telling
//! what each of its imports and exports is for under the Graph ABI
//! (docs/abi.md §3 and §5).

use packr::engine::{
    Engine, EngineKind, ExternKind, Module, ModuleExport, ModuleImport, Signature,
};
use std::path::Path;

/// A guest read from disk and compiled (wasmi validates it completely).
pub struct Guest {
    pub module: Module,
}

/// Reads `path`: a binary module if it starts with the wasm magic, WAT
/// text otherwise.
pub fn load(path: &Path) -> Result<Guest, String> {
    let shown = path.display();
    let raw = std::fs::read(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let bytes = if raw.starts_with(b"\0asm") {
        raw
    } else {
        let text = String::from_utf8(raw)
            .map_err(|_| format!("{shown} is neither a wasm binary nor WAT text"))?;
        wat::parse_str(&text).map_err(|mut e| {
            e.set_path(path);
            one_line(&e.to_string())
        })?
    };
    let engine = Engine::with_kind(EngineKind::Wasmi).map_err(|e| e.to_string())?;
    let module = Module::new(&engine, &bytes).map_err(|e| format!("{shown}: {e}"))?;
    Ok(Guest { module })
}

/// WAT errors span several lines (the source line and a caret); the first
/// names the file, line and column, which is what a one-line report needs.
fn one_line(text: &str) -> String {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let message = lines.next().unwrap_or("invalid WAT").to_string();
    match lines.next() {
        Some(place) if place.starts_with("-->") => format!("{message} ({})", &place[3..].trim()),
        _ => message,
    }
}

/// What an import or export is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A function with the Graph ABI's signature `(i32, i32, i32, i32) -> i32`.
    GraphAbi,
    /// Part of the calling convention's runtime contract (memory,
    /// allocator, metadata), with what it is.
    Runtime(&'static str),
    /// Something the Graph ABI does not use (a raw host function, a
    /// helper the guest exports for itself).
    Other,
}

impl Role {
    /// A short label for text output.
    pub fn label(self) -> &'static str {
        match self {
            Role::GraphAbi => "Graph ABI",
            Role::Runtime(what) => what,
            Role::Other => "-",
        }
    }
}

fn is_abi(kind: &ExternKind) -> bool {
    matches!(kind, ExternKind::Func(sig) if *sig == Signature::abi())
}

/// The role of one import.
pub fn import_role(import: &ModuleImport) -> Role {
    match (import.module.as_str(), import.name.as_str(), &import.kind) {
        (_, _, ExternKind::Memory) => Role::Runtime("fixed-base memory"),
        ("pack:alloc", "alloc" | "dealloc", ExternKind::Func(_)) => {
            Role::Runtime("fixed-base allocator")
        }
        (_, _, kind) if is_abi(kind) => Role::GraphAbi,
        _ => Role::Other,
    }
}

/// The role of one export.
pub fn export_role(export: &ModuleExport) -> Role {
    match (export.name.as_str(), &export.kind) {
        ("memory", ExternKind::Memory) => Role::Runtime("linear memory"),
        ("__pack_alloc", ExternKind::Func(_)) => Role::Runtime("allocator"),
        ("__pack_free", ExternKind::Func(_)) => Role::Runtime("deallocator"),
        ("__pack_types", ExternKind::Func(_)) => Role::Runtime("metadata"),
        ("__heap_base", ExternKind::Global) => Role::Runtime("heap base"),
        (_, kind) if is_abi(kind) => Role::GraphAbi,
        _ => Role::Other,
    }
}

/// The guest generation a module is built for, from what it imports and
/// exports (docs/abi.md §5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// `current`, `fixed-base`, `none` (no Graph-ABI function at all) or
    /// `unservable`.
    pub name: &'static str,
    /// Why, and what to configure.
    pub detail: String,
}

pub fn profile(imports: &[ModuleImport], exports: &[ModuleExport]) -> Profile {
    let exports_fn = |name: &str| {
        exports
            .iter()
            .any(|e| e.name == name && matches!(e.kind, ExternKind::Func(_)))
    };
    let exports_memory = exports
        .iter()
        .any(|e| e.name == "memory" && e.kind == ExternKind::Memory);
    let imports_memory = imports.iter().any(|i| i.kind == ExternKind::Memory);
    let imports_alloc = imports
        .iter()
        .any(|i| i.module == "pack:alloc" && i.name == "alloc");
    let graph_functions = imports.iter().any(|i| import_role(i) == Role::GraphAbi)
        || exports.iter().any(|e| export_role(e) == Role::GraphAbi);

    if imports_memory || imports_alloc {
        let mut missing = Vec::new();
        if !imports_memory {
            missing.push("import a memory (`env.memory`)");
        }
        if !imports_alloc {
            missing.push("import `pack:alloc.alloc`");
        }
        if !exports.iter().any(|e| e.name == "__heap_base") {
            missing.push("export `__heap_base`");
        }
        return if missing.is_empty() {
            Profile {
                name: "fixed-base",
                detail: "imports its memory and the pack:alloc allocator, exports __heap_base: \
                         serve it with GuestProfile::FixedBase { memory_pages: 128 }"
                    .into(),
            }
        } else {
            Profile {
                name: "unservable",
                detail: format!("a fixed-base guest must also {}", missing.join(", ")),
            }
        };
    }
    if exports_memory && exports_fn("__pack_alloc") {
        return Profile {
            name: "current",
            detail: "exports memory and __pack_alloc: GuestProfile::Current (the default); \
                     a reference-0.7 guest looks the same from outside and needs \
                     GuestProfile::Reference07 with its result area"
                .into(),
        };
    }
    if !graph_functions {
        return Profile {
            name: "none",
            detail: "no Graph-ABI function: any profile runs it".into(),
        };
    }
    let mut missing = Vec::new();
    if !exports_memory {
        missing.push("export `memory`");
    }
    if !exports_fn("__pack_alloc") {
        missing.push("export `__pack_alloc`");
    }
    Profile {
        name: "unservable",
        detail: format!(
            "it has Graph-ABI functions but does not {} (nor import memory and allocator as a fixed-base guest)",
            missing.join(" or ")
        ),
    }
}

/// A core signature, an item kind otherwise.
pub fn kind_text(kind: &ExternKind) -> String {
    match kind {
        ExternKind::Func(sig) => format!("func {sig}"),
        ExternKind::Memory => "memory".into(),
        ExternKind::Global => "global".into(),
        ExternKind::Other => "other".into(),
    }
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
