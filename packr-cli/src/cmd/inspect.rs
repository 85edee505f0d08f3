//! `packr inspect GUEST`: what a guest imports and exports, which of those
//! are Graph-ABI functions, the guest profile it needs and the interface
//! hashes its `__pack_types` carries.

use super::Outcome;
use crate::guest::{self, Role};
use packr::engine::{ModuleExport, ModuleImport};
use packr::wit::PackTypes;
use serde_json::{Value as Json, json};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The guest: a binary module (.wasm) or WAT text (.wat).
    guest: PathBuf,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// The `__pack_types` blob as read: its wire version and what it holds.
enum Metadata {
    Absent,
    Present {
        wire: u16,
        types: Result<PackTypes, String>,
    },
}

pub fn run(args: &Args) -> Outcome {
    let guest = guest::load(&args.guest)?;
    let (imports, exports) = guest.module.describe();
    let profile = guest::profile(&imports, &exports);
    let metadata = match guest.module.pack_types() {
        None => Metadata::Absent,
        Some(blob) => Metadata::Present {
            // The header's version field (docs/abi.md §1); the blob starts
            // with the CGRF magic, so it has these bytes.
            wire: blob
                .get(4..6)
                .map_or(0, |b| u16::from_le_bytes([b[0], b[1]])),
            types: PackTypes::decode(blob).map_err(|e| e.to_string()),
        },
    };
    if args.json {
        let report = json!({
            "guest": args.guest.display().to_string(),
            "profile": { "name": profile.name, "detail": profile.detail },
            "imports": imports.iter().map(import_json).collect::<Vec<_>>(),
            "exports": exports.iter().map(export_json).collect::<Vec<_>>(),
            "pack_types": metadata_json(&metadata),
        });
        println!("{report:#}");
    } else {
        println!("guest {}", args.guest.display());
        println!("profile: {} ({})", profile.name, profile.detail);
        println!("imports ({}):", imports.len());
        let rows: Vec<_> = imports
            .iter()
            .map(|i| {
                (
                    format!("{}.{}", i.module, i.name),
                    guest::kind_text(&i.kind),
                    guest::import_role(i),
                )
            })
            .collect();
        table(&rows);
        println!("exports ({}):", exports.len());
        let rows: Vec<_> = exports
            .iter()
            .map(|e| {
                (
                    e.name.clone(),
                    guest::kind_text(&e.kind),
                    guest::export_role(e),
                )
            })
            .collect();
        table(&rows);
        print_metadata(&metadata);
    }
    Ok(ExitCode::SUCCESS)
}

fn table(rows: &[(String, String, Role)]) {
    let name = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    let kind = rows.iter().map(|r| r.1.len()).max().unwrap_or(0);
    for (n, k, role) in rows {
        println!("  {n:<name$}  {k:<kind$}  {}", role.label());
    }
}

fn print_metadata(metadata: &Metadata) {
    match metadata {
        Metadata::Absent => println!("__pack_types: none"),
        Metadata::Present { wire, types } => {
            println!("__pack_types: wire version {wire}");
            match types {
                Err(e) => println!("  unreadable: {e}"),
                Ok(types) => {
                    for (side, list) in [("import", &types.imports), ("export", &types.exports)] {
                        for h in list {
                            println!("  {side} {}  {}", h.name, guest::hex(&h.hash));
                        }
                    }
                }
            }
        }
    }
}

fn role_json(role: Role) -> Json {
    match role {
        Role::GraphAbi => json!("graph-abi"),
        Role::Runtime(what) => json!(what),
        Role::Other => Json::Null,
    }
}

fn import_json(i: &ModuleImport) -> Json {
    json!({
        "module": i.module,
        "name": i.name,
        "kind": guest::kind_text(&i.kind),
        "graph_abi": guest::import_role(i) == Role::GraphAbi,
        "role": role_json(guest::import_role(i)),
    })
}

fn export_json(e: &ModuleExport) -> Json {
    json!({
        "name": e.name,
        "kind": guest::kind_text(&e.kind),
        "graph_abi": guest::export_role(e) == Role::GraphAbi,
        "role": role_json(guest::export_role(e)),
    })
}

fn metadata_json(metadata: &Metadata) -> Json {
    match metadata {
        Metadata::Absent => Json::Null,
        Metadata::Present { wire, types } => {
            let hashes = |list: &[packr::wit::InterfaceHash]| {
                list.iter()
                    .map(|h| json!({ "name": h.name, "hash": guest::hex(&h.hash) }))
                    .collect::<Vec<_>>()
            };
            match types {
                Ok(t) => json!({
                    "wire_version": wire,
                    "imports": hashes(&t.imports),
                    "exports": hashes(&t.exports),
                }),
                Err(e) => json!({ "wire_version": wire, "error": e }),
            }
        }
    }
}
