//! `__pack_types`: the interface hashes a guest was built against, so a
//! host can tell a guest built from another version of an interface before
//! it runs it.
//!
//! The format is docs/abi.md §6. The blob is CGRF: a record `package-metadata` whose fields
//! `import-hashes` and `export-hashes` are lists of `interface-hash`
//! records `{ name: string, hash: list<u8> }` (32 bytes, docs/abi.md §7), the
//! fields the reference toolchain reads. Other fields (function
//! signatures) are ignored. Guests keep it at the start of a data segment
//! and export `__pack_types(out_ptr_ptr, out_len_ptr) -> status` pointing at
//! it; [`Module::pack_types`](crate::engine::Module) finds it without
//! instantiating the guest.

use super::hash::Hash;
use super::{Package, World, WorldItem};
use crate::abi::{self, Value, ValueType};
use std::fmt;

/// One interface and its structural hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterfaceHash {
    /// The qualified interface name (`theater:simple/runtime`).
    pub name: String,
    /// Its hash (docs/abi.md §7).
    pub hash: Hash,
}

/// The interface hashes a guest carries in `__pack_types`.
///
/// ```
/// use packr_runtime::wit::{Package, PackTypes};
/// let pkg = Package::parse("w.wit+", "package a:b;
///     interface log { log: func(msg: string); }
///     world w { import log; export run: func(); }")?;
/// let types = PackTypes::for_world(&pkg, pkg.world(None)?);
/// assert_eq!(types.imports[0].name, "a:b/log");
/// assert_eq!(PackTypes::decode(&types.encode())?, types);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackTypes {
    /// The interfaces the guest imports.
    pub imports: Vec<InterfaceHash>,
    /// The interfaces the guest exports.
    pub exports: Vec<InterfaceHash>,
}

/// Why a `__pack_types` blob could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataError(String);

impl fmt::Display for MetadataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed __pack_types metadata: {}", self.0)
    }
}

impl std::error::Error for MetadataError {}

impl PackTypes {
    /// The hashes of what `world` imports and exports (interfaces only:
    /// functions declared directly in the world have no interface hash).
    pub fn for_world(package: &Package, world: &World) -> PackTypes {
        let hashes = |items: &[WorldItem]| {
            items
                .iter()
                .filter_map(|item| match item {
                    WorldItem::Interface(q) => Some(InterfaceHash {
                        name: q.clone(),
                        hash: package.interface_hash(q)?,
                    }),
                    WorldItem::Function(_) => None,
                })
                .collect()
        };
        PackTypes {
            imports: hashes(&world.imports),
            exports: hashes(&world.exports),
        }
    }

    /// The CGRF blob a guest embeds.
    pub fn encode(&self) -> Vec<u8> {
        let list = |items: &[InterfaceHash]| Value::List {
            elem_type: ValueType::Record("interface-hash".into()),
            items: items
                .iter()
                .map(|h| Value::Record {
                    type_name: "interface-hash".into(),
                    fields: vec![
                        ("name".into(), Value::String(h.name.clone())),
                        (
                            "hash".into(),
                            Value::List {
                                elem_type: ValueType::U8,
                                items: h.hash.iter().map(|&b| Value::U8(b)).collect(),
                            },
                        ),
                    ],
                })
                .collect(),
        };
        let record = Value::Record {
            type_name: "package-metadata".into(),
            fields: vec![
                ("import-hashes".into(), list(&self.imports)),
                ("export-hashes".into(), list(&self.exports)),
            ],
        };
        abi::encode(&record).expect("metadata is a well-formed value")
    }

    /// Reads a blob; bytes after the CGRF buffer (the rest of a data
    /// segment) are ignored.
    pub fn decode(bytes: &[u8]) -> Result<PackTypes, MetadataError> {
        let len = cgrf_len(bytes).ok_or_else(|| MetadataError("truncated CGRF buffer".into()))?;
        let value = abi::decode(&bytes[..len]).map_err(|e| MetadataError(e.to_string()))?;
        let Value::Record { fields, .. } = value else {
            return Err(MetadataError("the root is not a record".into()));
        };
        let mut out = PackTypes::default();
        for (name, value) in fields {
            let side = match name.as_str() {
                "import-hashes" => &mut out.imports,
                "export-hashes" => &mut out.exports,
                _ => continue,
            };
            let Value::List { items, .. } = value else {
                return Err(MetadataError(format!("`{name}` is not a list")));
            };
            for item in items {
                side.push(interface_hash(item)?);
            }
        }
        Ok(out)
    }
}

fn interface_hash(item: Value) -> Result<InterfaceHash, MetadataError> {
    let Value::Record { fields, .. } = item else {
        return Err(MetadataError("an interface hash is not a record".into()));
    };
    let (mut name, mut hash) = (None, None);
    for (field, value) in fields {
        match (field.as_str(), value) {
            ("name", Value::String(s)) => name = Some(s),
            ("hash", Value::List { items, .. }) => {
                let bytes: Vec<u8> = items
                    .iter()
                    .filter_map(|v| match v {
                        Value::U8(b) => Some(*b),
                        _ => None,
                    })
                    .collect();
                hash = Some(<Hash>::try_from(bytes.as_slice()).map_err(|_| {
                    MetadataError(format!("a hash has {} bytes, not 32", items.len()))
                })?);
            }
            _ => {}
        }
    }
    match (name, hash) {
        (Some(name), Some(hash)) => Ok(InterfaceHash { name, hash }),
        _ => Err(MetadataError(
            "an interface hash lacks `name` or `hash`".into(),
        )),
    }
}

/// The length of the CGRF buffer at the start of `bytes`, walking the
/// node headers (never past the end of `bytes`).
pub(crate) fn cgrf_len(bytes: &[u8]) -> Option<usize> {
    let u32_at = |at: usize| -> Option<usize> {
        let b = bytes.get(at..at.checked_add(4)?)?;
        Some(u32::from_le_bytes(b.try_into().ok()?) as usize)
    };
    if bytes.get(..4)? != b"CGRF" {
        return None;
    }
    let nodes = u32_at(8)?;
    let mut at = 16usize;
    for _ in 0..nodes {
        let payload = u32_at(at.checked_add(4)?)?;
        at = at.checked_add(8)?.checked_add(payload)?;
        if at > bytes.len() {
            return None;
        }
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_bytes_after_the_blob_are_ignored_and_truncation_is_an_error() {
        let pkg = Package::parse(
            "w.wit+",
            "package a:b; interface i { f: func(); } world w { export i; }",
        )
        .unwrap();
        let types = PackTypes::for_world(&pkg, pkg.world(None).unwrap());
        let mut blob = types.encode();
        let whole = blob.len();
        blob.extend_from_slice(b"other static data");
        assert_eq!(PackTypes::decode(&blob).unwrap(), types);
        assert_eq!(types.exports[0].hash, pkg.interface_hash("a:b/i").unwrap());
        assert!(PackTypes::decode(&blob[..whole - 1]).is_err());
        assert!(PackTypes::decode(b"CGRF\x02\0\0\0\xff\xff\xff\xff\0\0\0\0").is_err());
        assert!(PackTypes::decode(b"").is_err());
    }
}
