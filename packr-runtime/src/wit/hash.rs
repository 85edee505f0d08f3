//! Structural interface hashes (docs/abi.md §7), byte-compatible with the
//! reference implementation for every type it knows.

use super::Package;
use super::model::{Function, Interface, Type, TypeDefKind, TypeRef};
use sha2::{Digest, Sha256};

/// A 32-byte structural hash.
pub type Hash = [u8; 32];

const fn primitive(code: u8) -> Hash {
    let mut h = [0u8; 32];
    h[1] = code;
    h
}

/// A recursive reference to a type being hashed.
pub const SELF_REF: Hash = {
    let mut h = [0u8; 32];
    h[0] = 0xff;
    h[1] = 0xff;
    h
};

/// The dynamic `value` type: a packr extension (the reference has no
/// code for it), the next free primitive code.
pub const VALUE: Hash = primitive(0x0f);

const LIST: u8 = 0x10;
const OPTION: u8 = 0x11;
const RESULT: u8 = 0x12;
const TUPLE: u8 = 0x13;
const RECORD: u8 = 0x14;
const VARIANT: u8 = 0x15;
const FUNCTION: u8 = 0x16;
const INTERFACE: u8 = 0x17;

struct Hasher(Sha256);

impl Hasher {
    fn new(tag: u8) -> Self {
        let mut h = Sha256::new();
        h.update([tag]);
        Hasher(h)
    }

    fn byte(mut self, b: u8) -> Self {
        self.0.update([b]);
        self
    }

    fn count(mut self, n: usize) -> Self {
        self.0.update((n as u32).to_le_bytes());
        self
    }

    fn string(self, s: &str) -> Self {
        let mut me = self.count(s.len());
        me.0.update(s.as_bytes());
        me
    }

    fn child(mut self, h: &Hash) -> Self {
        self.0.update(h);
        self
    }

    fn finish(self) -> Hash {
        self.0.finalize().into()
    }
}

pub(crate) struct TypeHasher<'p> {
    pkg: &'p Package,
    /// Named types being hashed (interface, name), innermost last: a
    /// reference back to one of them is a recursion.
    stack: Vec<(String, String)>,
}

impl<'p> TypeHasher<'p> {
    pub(crate) fn new(pkg: &'p Package) -> Self {
        TypeHasher {
            pkg,
            stack: Vec::new(),
        }
    }

    pub(crate) fn ty(&mut self, ty: &Type) -> Hash {
        match ty {
            Type::Bool => primitive(0x01),
            Type::U8 => primitive(0x02),
            Type::U16 => primitive(0x03),
            Type::U32 => primitive(0x04),
            Type::U64 => primitive(0x05),
            Type::S8 => primitive(0x06),
            Type::S16 => primitive(0x07),
            Type::S32 => primitive(0x08),
            Type::S64 => primitive(0x09),
            Type::F32 => primitive(0x0a),
            Type::F64 => primitive(0x0b),
            Type::Char => primitive(0x0c),
            Type::String => primitive(0x0d),
            Type::Value => VALUE,
            Type::List(t) => Hasher::new(LIST).child(&self.ty(t)).finish(),
            Type::Option(t) => Hasher::new(OPTION).child(&self.ty(t)).finish(),
            Type::Result { ok, err } => {
                // A missing side is the empty tuple, as on the wire.
                let ok = ok.as_deref().map_or_else(empty_tuple, |t| self.ty(t));
                let err = err.as_deref().map_or_else(empty_tuple, |t| self.ty(t));
                Hasher::new(RESULT).child(&ok).child(&err).finish()
            }
            Type::Tuple(items) => {
                let hashes: Vec<Hash> = items.iter().map(|t| self.ty(t)).collect();
                hashes
                    .iter()
                    .fold(Hasher::new(TUPLE).count(items.len()), |h, c| h.child(c))
                    .finish()
            }
            Type::Named(r) => self.named(r),
        }
    }

    pub(crate) fn named(&mut self, r: &TypeRef) -> Hash {
        if self
            .stack
            .iter()
            .any(|(i, n)| *i == r.interface && *n == r.name)
        {
            return SELF_REF;
        }
        let pkg = self.pkg;
        let Some(def) = pkg.resolve(r) else {
            // Resolution guarantees every reference exists.
            return SELF_REF;
        };
        self.stack.push((r.interface.clone(), r.name.clone()));
        let hash = match &def.kind {
            TypeDefKind::Alias(t) => self.ty(t),
            TypeDefKind::Flags(_) => primitive(0x0e),
            TypeDefKind::Record(fields) => {
                let mut fields: Vec<(&str, Hash)> = fields
                    .iter()
                    .map(|f| (f.name.as_str(), self.ty(&f.ty)))
                    .collect();
                fields.sort_by(|a, b| a.0.cmp(b.0));
                fields
                    .iter()
                    .fold(Hasher::new(RECORD).count(fields.len()), |h, (n, c)| {
                        h.string(n).child(c)
                    })
                    .finish()
            }
            TypeDefKind::Variant(cases) => {
                let cases: Vec<(&str, Option<Hash>)> = cases
                    .iter()
                    .map(|c| (c.name.as_str(), c.payload.as_ref().map(|t| self.ty(t))))
                    .collect();
                variant(cases)
            }
            TypeDefKind::Enum(names) => variant(names.iter().map(|n| (n.as_str(), None)).collect()),
        };
        self.stack.pop();
        hash
    }

    pub(crate) fn function(&mut self, f: &Function) -> Hash {
        let params: Vec<Hash> = f.params.iter().map(|(_, t)| self.ty(t)).collect();
        let results: Vec<Hash> = f.result.iter().map(|t| self.ty(t)).collect();
        let h = params
            .iter()
            .fold(Hasher::new(FUNCTION).count(params.len()), |h, c| h.child(c));
        results
            .iter()
            .fold(h.count(results.len()), |h, c| h.child(c))
            .finish()
    }

    pub(crate) fn interface(&mut self, iface: &Interface) -> Hash {
        let mut types: Vec<(&str, Hash)> = iface
            .types
            .iter()
            .map(|d| {
                let r = TypeRef {
                    interface: iface.qualified.clone(),
                    name: d.name.clone(),
                    span: None,
                };
                (d.name.as_str(), self.named(&r))
            })
            .collect();
        types.sort_by(|a, b| a.0.cmp(b.0));
        let mut funcs: Vec<(&str, Hash)> = iface
            .functions
            .iter()
            .map(|f| (f.name.as_str(), self.function(f)))
            .collect();
        funcs.sort_by(|a, b| a.0.cmp(b.0));
        let h = types.iter().fold(
            Hasher::new(INTERFACE)
                .string(&iface.qualified)
                .count(types.len()),
            |h, (n, c)| h.string(n).child(c),
        );
        funcs
            .iter()
            .fold(h.count(funcs.len()), |h, (n, c)| h.string(n).child(c))
            .finish()
    }
}

fn empty_tuple() -> Hash {
    Hasher::new(TUPLE).count(0).finish()
}

fn variant(mut cases: Vec<(&str, Option<Hash>)>) -> Hash {
    cases.sort_by(|a, b| a.0.cmp(b.0));
    let n = cases.len();
    cases
        .iter()
        .fold(
            Hasher::new(VARIANT).count(n),
            |h, (name, payload)| match payload {
                None => h.string(name).byte(0),
                Some(p) => h.string(name).byte(1).child(p),
            },
        )
        .finish()
}
