//! `__pack_types`: the interface hashes a guest was built against, so a
//! host can tell a guest built from another version of an interface before
//! it runs it.
//!
//! The format is docs/abi.md §6. The blob is CGRF: a record `package-metadata` whose fields
//! `import-hashes` and `export-hashes` are lists of `interface-hash`
//! records `{ name: string, hash }` (docs/abi.md §7). The hash is read in
//! both forms guests write it: `list<u8>` (32 bytes, what [`PackTypes::encode`]
//! writes) and `tuple<u64, u64, u64, u64>` (the 32 bytes as four
//! little-endian words, bytes 0-7 first: what guests built by the
//! reference toolchain carry). The reference toolchain also writes the
//! function signatures, `imports` and `exports` lists of `{ interface,
//! name, params: list<{ name, type }>, results: list<type> }`; they are read
//! into [`GuestFunction`]s so validation can quote the guest's declaration.
//! Guests export `__pack_types(out_ptr_ptr, out_len_ptr) -> status`
//! pointing at the blob; [`Module::pack_types`](crate::engine::Module)
//! finds it without instantiating the guest.

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

/// A function signature a guest declares in `__pack_types`, as WIT text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuestFunction {
    /// The interface (`math`, `theater:simple/runtime`).
    pub interface: String,
    /// `"imports"` or `"exports"`.
    pub side: &'static str,
    /// The function's name.
    pub name: String,
    /// The declaration, `name: func(n: s64) -> s64`.
    pub declaration: String,
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
    /// The function signatures the guest declares (empty when the blob
    /// carries none, as [`encode`](Self::encode) writes it).
    pub functions: Vec<GuestFunction>,
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
            functions: Vec::new(),
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
    /// segment) are ignored. Hashes may be `list<u8>` or
    /// `tuple<u64, u64, u64, u64>`:
    ///
    /// ```
    /// use packr_runtime::abi::{self, Value, ValueType};
    /// use packr_runtime::wit::PackTypes;
    /// let words = Value::Tuple((1..=4u64).map(Value::U64).collect());
    /// let entry = Value::Record { type_name: "interface-hash".into(), fields: vec![
    ///     ("name".into(), "math".into()), ("hash".into(), words)] };
    /// let blob = abi::encode(&Value::Record { type_name: "package-metadata".into(), fields: vec![
    ///     ("import-hashes".into(), Value::List { elem_type: ValueType::Record("interface-hash".into()), items: vec![entry] })] })?;
    /// let types = PackTypes::decode(&blob)?;
    /// assert_eq!(types.imports[0].hash[..9], [1, 0, 0, 0, 0, 0, 0, 0, 2]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decode(bytes: &[u8]) -> Result<PackTypes, MetadataError> {
        let len = cgrf_len(bytes).ok_or_else(|| MetadataError("truncated CGRF buffer".into()))?;
        let value = abi::decode(&bytes[..len]).map_err(|e| MetadataError(e.to_string()))?;
        let Value::Record { fields, .. } = value else {
            return Err(MetadataError("the root is not a record".into()));
        };
        let mut out = PackTypes::default();
        for (name, value) in fields {
            let (side, functions) = match name.as_str() {
                "import-hashes" => (&mut out.imports, None),
                "export-hashes" => (&mut out.exports, None),
                "imports" => (&mut Vec::new(), Some("imports")),
                "exports" => (&mut Vec::new(), Some("exports")),
                _ => continue,
            };
            let Value::List { items, .. } = value else {
                return Err(MetadataError(format!("`{name}` is not a list")));
            };
            for (i, item) in items.into_iter().enumerate() {
                let at = || format!("`{name}`[{i}]");
                match functions {
                    None => side.push(interface_hash(item, at)?),
                    Some(side) => out.functions.push(guest_function(item, side, at)?),
                }
            }
        }
        Ok(out)
    }
}

/// One `{ name, hash }` entry; `at` says where it is, for errors.
fn interface_hash(item: Value, at: impl Fn() -> String) -> Result<InterfaceHash, MetadataError> {
    let Value::Record { fields, .. } = item else {
        return Err(MetadataError(format!("{}: not a record", at())));
    };
    let (mut name, mut hash) = (None, None);
    for (field, value) in fields {
        match (field.as_str(), value) {
            ("name", Value::String(s)) => name = Some(s),
            ("hash", value) => hash = Some(hash_bytes(value, &at)?),
            _ => {}
        }
    }
    match (name, hash) {
        (Some(name), Some(hash)) => Ok(InterfaceHash { name, hash }),
        _ => Err(MetadataError(format!(
            "{}: an interface hash lacks `name` or `hash`",
            at()
        ))),
    }
}

/// A hash as `list<u8>` (32 bytes) or `tuple<u64, u64, u64, u64>` (the
/// bytes as four little-endian words, bytes 0-7 first).
fn hash_bytes(value: Value, at: &impl Fn() -> String) -> Result<Hash, MetadataError> {
    let mut hash = [0u8; 32];
    match value {
        Value::List { items, .. } => {
            if items.len() != 32 {
                return Err(MetadataError(format!(
                    "{}: the hash has {} bytes, expected 32",
                    at(),
                    items.len()
                )));
            }
            for (byte, item) in hash.iter_mut().zip(&items) {
                let Value::U8(b) = item else {
                    return Err(MetadataError(format!(
                        "{}: the hash is not a list<u8>",
                        at()
                    )));
                };
                *byte = *b;
            }
        }
        Value::Tuple(words) => {
            if words.len() != 4 {
                return Err(MetadataError(format!(
                    "{}: the hash tuple has {} words, expected 4 (tuple<u64, u64, u64, u64>)",
                    at(),
                    words.len()
                )));
            }
            for (chunk, word) in hash.chunks_exact_mut(8).zip(&words) {
                let Value::U64(w) = word else {
                    return Err(MetadataError(format!(
                        "{}: the hash tuple holds a {}, expected u64 words",
                        at(),
                        word.value_type()
                    )));
                };
                chunk.copy_from_slice(&w.to_le_bytes());
            }
        }
        other => {
            return Err(MetadataError(format!(
                "{}: the hash is a {}, expected list<u8> or tuple<u64, u64, u64, u64>",
                at(),
                other.value_type()
            )));
        }
    }
    Ok(hash)
}

/// One `{ interface, name, params, results }` signature of the reference
/// toolchain's metadata.
fn guest_function(
    item: Value,
    side: &'static str,
    at: impl Fn() -> String,
) -> Result<GuestFunction, MetadataError> {
    let Value::Record { fields, .. } = item else {
        return Err(MetadataError(format!("{}: not a record", at())));
    };
    let (mut interface, mut name) = (String::new(), None);
    let (mut params, mut results) = (Vec::new(), Vec::new());
    for (field, value) in fields {
        match (field.as_str(), value) {
            ("interface", Value::String(s)) => interface = s,
            ("name", Value::String(s)) => name = Some(s),
            ("params", Value::List { items, .. }) => {
                for p in items {
                    let Value::Record { fields, .. } = p else {
                        return Err(MetadataError(format!(
                            "{}: a parameter is not a record",
                            at()
                        )));
                    };
                    let (mut pname, mut pty) = (String::new(), String::from("?"));
                    for (f, v) in fields {
                        match (f.as_str(), v) {
                            ("name", Value::String(s)) => pname = s,
                            ("type", v) => pty = type_text(&v, 0),
                            _ => {}
                        }
                    }
                    params.push(format!("{pname}: {pty}"));
                }
            }
            ("results", Value::List { items, .. }) => {
                results = items.iter().map(|t| type_text(t, 0)).collect();
            }
            _ => {}
        }
    }
    let name = name.ok_or_else(|| MetadataError(format!("{}: a signature lacks `name`", at())))?;
    let mut declaration = format!("{name}: func({})", params.join(", "));
    match results.len() {
        0 => {}
        1 => declaration.push_str(&format!(" -> {}", results[0])),
        _ => declaration.push_str(&format!(" -> tuple<{}>", results.join(", "))),
    }
    Ok(GuestFunction {
        interface,
        side,
        name,
        declaration,
    })
}

/// A type of the reference metadata (a variant whose tag says the kind)
/// as WIT text; what it cannot spell reads as the case name.
fn type_text(ty: &Value, depth: u32) -> String {
    const NAMES: [&str; 14] = [
        "bool", "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "f32", "f64", "char",
        "string", "flags",
    ];
    let Value::Variant {
        tag,
        case_name,
        payload,
        ..
    } = ty
    else {
        return "?".into();
    };
    if depth > 32 {
        return "…".into();
    }
    let inner = |i: usize| {
        payload
            .get(i)
            .map_or("?".into(), |t| type_text(t, depth + 1))
    };
    match *tag {
        t if (t as usize) < NAMES.len() => NAMES[t as usize].into(),
        14 => format!("list<{}>", inner(0)),
        15 => format!("option<{}>", inner(0)),
        16 => match payload.first() {
            Some(Value::Record { fields, .. }) => {
                let side = |n: &str| {
                    fields
                        .iter()
                        .find(|(f, _)| f.as_str() == n)
                        .map_or("_".into(), |(_, v)| type_text(v, depth + 1))
                };
                format!("result<{}, {}>", side("ok"), side("err"))
            }
            _ => "result".into(),
        },
        20 => "value".into(),
        21 => "tuple<>".into(),
        _ => match payload.first() {
            // Named types carry their name in a record's `name` field.
            Some(Value::Record { fields, .. }) => fields
                .iter()
                .find_map(|(f, v)| match (f.as_str(), v) {
                    ("name", Value::String(s)) => Some(s.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| case_name.to_string()),
            _ => case_name.to_string(),
        },
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

    fn blob_with_hash(hash: Value) -> Vec<u8> {
        let entry = Value::Record {
            type_name: "interface-hash".into(),
            fields: vec![("name".into(), "math".into()), ("hash".into(), hash)],
        };
        abi::encode(&Value::Record {
            type_name: "package-metadata".into(),
            fields: vec![(
                "export-hashes".into(),
                Value::List {
                    elem_type: ValueType::Record("interface-hash".into()),
                    items: vec![entry],
                },
            )],
        })
        .unwrap()
    }

    #[test]
    fn tuple_form_hashes_read_as_their_little_endian_bytes() {
        let pkg =
            Package::parse("m.wit+", "interface math { double: func(n: s64) -> s64; }").unwrap();
        let hash = pkg.interface_hash("math").unwrap();
        let words: Vec<Value> = hash
            .chunks_exact(8)
            .map(|c| Value::U64(u64::from_le_bytes(c.try_into().unwrap())))
            .collect();
        let types = PackTypes::decode(&blob_with_hash(Value::Tuple(words.clone()))).unwrap();
        assert_eq!(types.exports[0].hash, hash);
        let three = PackTypes::decode(&blob_with_hash(Value::Tuple(words[..3].to_vec())))
            .unwrap_err()
            .to_string();
        assert!(
            three.contains("`export-hashes`[0]") && three.contains("3 words"),
            "{three}"
        );
        let short = PackTypes::decode(&blob_with_hash(Value::List {
            elem_type: ValueType::U8,
            items: vec![Value::U8(1); 31],
        }))
        .unwrap_err()
        .to_string();
        assert!(short.contains("31 bytes"), "{short}");
    }

    #[test]
    fn reference_signatures_are_read_as_declarations() {
        let ty = |tag: u32, case: &str, payload: Vec<Value>| Value::Variant {
            type_name: "type".into(),
            case_name: case.into(),
            tag,
            payload,
        };
        let s64 = ty(8, "s64", vec![]);
        let param = Value::Record {
            type_name: "param".into(),
            fields: vec![("name".into(), "n".into()), ("type".into(), s64.clone())],
        };
        let sig = Value::Record {
            type_name: "func-sig".into(),
            fields: vec![
                ("interface".into(), "math".into()),
                ("name".into(), "double".into()),
                (
                    "params".into(),
                    Value::List {
                        elem_type: ValueType::Record("param".into()),
                        items: vec![param],
                    },
                ),
                (
                    "results".into(),
                    Value::List {
                        elem_type: ValueType::Variant("type".into()),
                        items: vec![ty(14, "list", vec![s64])],
                    },
                ),
            ],
        };
        let blob = abi::encode(&Value::Record {
            type_name: "package-metadata".into(),
            fields: vec![(
                "imports".into(),
                Value::List {
                    elem_type: ValueType::Record("func-sig".into()),
                    items: vec![sig],
                },
            )],
        })
        .unwrap();
        let types = PackTypes::decode(&blob).unwrap();
        assert_eq!(
            types.functions,
            [GuestFunction {
                interface: "math".into(),
                side: "imports",
                name: "double".into(),
                declaration: "double: func(n: s64) -> list<s64>".into(),
            }]
        );
    }
}
