//! The Graph ABI: the self-describing graph encoding ("CGRF", versions 2
//! and 3) that carries values across guest memory.
//!
//! The decoder reads both versions; the encoder writes version 2 unless
//! asked for version 3 ([`encode_with`], [`Wire`]). Version 3 adds map and
//! set nodes; under version 2 maps and sets travel as lists.
//!
//! Two ways in and out:
//!
//! - the typed fast path, [`GraphValue`]: Rust types encode straight into
//!   one output buffer and decode straight out of the input slice;
//! - the dynamic path, [`Value`]: any buffer decodes to a tree you can
//!   inspect, print and re-encode.
//!
//! Both produce the exact bytes of the reference encoder (nodes in
//! post-order, root last) and accept any valid buffer (any node order,
//! shared children). Decoding treats its input as hostile: see [`Limits`].
//!
//! ```
//! use packr_runtime::abi::{self, Value};
//! let bytes = abi::encode(&(20i32, 22i32))?;
//! assert_eq!(abi::decode(&bytes)?, Value::Tuple(vec![Value::S32(20), Value::S32(22)]));
//! let (a, b): (i32, i32) = abi::decode_as(&bytes)?;
//! assert_eq!(a + b, 42);
//! # Ok::<(), abi::AbiError>(())
//! ```

mod collections;
mod decoder;
mod dynamic;
mod encoder;
mod error;
pub mod flags;
mod flat;
mod graph_value;
mod kind;
mod limits;
mod name;
pub mod shape;
mod value;
pub mod value_text;
mod wire;

pub use decoder::{Children, Decoder, MapEntries, Reader, RecordReader, VariantNode};
pub use dynamic::{read_type_descriptor, write_value_type, write_value_type_as};
pub use encoder::{Encoder, NodeMark};
pub use error::{AbiError, AbiErrorKind};
pub use graph_value::{
    GraphEncode, GraphValue, bounded_capacity, decode_vec, encode_iter, encode_slice, wit_type_of,
};
pub use kind::Kind;
pub use limits::Limits;
pub use name::Name;
pub use value::{Value, ValueType};
pub use value_text::ValueTextError;
pub use wire::Wire;

/// Encodes `value` into a new CGRF buffer.
///
/// ```
/// let bytes = packr_runtime::abi::encode(&7u32).unwrap();
/// assert_eq!(bytes.len(), 16 + 8 + 4);
/// ```
#[inline]
pub fn encode<T: GraphEncode + ?Sized>(value: &T) -> Result<Vec<u8>, AbiError> {
    encode_into(value, Vec::new())
}

/// Encodes `value` into a new buffer of wire version `wire`.
///
/// ```
/// use packr_runtime::abi::{self, Wire};
/// use std::collections::BTreeSet;
/// let set = BTreeSet::from(["x".to_string()]);
/// let v3 = abi::encode_with(&set, Wire::V3)?;
/// assert_eq!(abi::decode(&v3)?.to_string(), "{\"x\"}");
/// // Version 2 has no set node: the set travels as a list.
/// let v2 = abi::encode_with(&set, Wire::V2)?;
/// assert_eq!(abi::decode(&v2)?.to_string(), "[\"x\"]");
/// assert_eq!(abi::decode_as::<BTreeSet<String>>(&v2)?, set);
/// # Ok::<(), abi::AbiError>(())
/// ```
#[inline]
pub fn encode_with<T: GraphEncode + ?Sized>(value: &T, wire: Wire) -> Result<Vec<u8>, AbiError> {
    let mut out = Vec::new();
    encode_to_with(value, wire, &mut out)?;
    Ok(out)
}

/// Encodes `value` reusing `buf`'s allocation (its contents are replaced).
///
/// ```
/// let mut buf = Vec::with_capacity(64);
/// buf = packr_runtime::abi::encode_into("hi", buf).unwrap();
/// assert_eq!(&buf[..4], b"CGRF");
/// ```
#[inline]
pub fn encode_into<T: GraphEncode + ?Sized>(value: &T, buf: Vec<u8>) -> Result<Vec<u8>, AbiError> {
    let mut buf = buf;
    encode_to(value, &mut buf)?;
    Ok(buf)
}

/// Encodes `value` into `out`, replacing its contents and keeping its
/// allocation: the form for a buffer that lives in a struct and is reused
/// for every call.
///
/// ```
/// let mut out = Vec::new();
/// packr_runtime::abi::encode_to(&(1u8, true), &mut out).unwrap();
/// assert_eq!(packr_runtime::abi::decode_as::<(u8, bool)>(&out).unwrap(), (1, true));
/// ```
#[inline]
pub fn encode_to<T: GraphEncode + ?Sized>(value: &T, out: &mut Vec<u8>) -> Result<(), AbiError> {
    encode_to_with(value, Wire::V2, out)
}

/// [`encode_to`] writing wire version `wire`: how a host answers a guest
/// in the version the guest spoke.
///
/// ```
/// use packr_runtime::abi::{self, Wire};
/// let mut out = Vec::new();
/// abi::encode_to_with(&(1u8, true), Wire::V3, &mut out)?;
/// assert_eq!(Wire::of(&out), Some(Wire::V3));
/// # Ok::<(), abi::AbiError>(())
/// ```
#[inline]
pub fn encode_to_with<T: GraphEncode + ?Sized>(
    value: &T,
    wire: Wire,
    out: &mut Vec<u8>,
) -> Result<(), AbiError> {
    if value.encode_graph_flat(out) {
        // A flat value holds no map or set: both versions write the same
        // bytes but for the header's version field.
        if wire != Wire::V2 {
            out[4..6].copy_from_slice(&wire.version().to_le_bytes());
        }
        return Ok(());
    }
    let mut enc = Encoder::with_wire(std::mem::take(out), wire);
    let root = value.encode_graph(&mut enc)?;
    *out = enc.finish(root);
    Ok(())
}

/// Decodes any valid buffer into a dynamic [`Value`], with default limits.
///
/// ```
/// use packr_runtime::abi::{self, Value};
/// let bytes = abi::encode(&Some(5u8)).unwrap();
/// assert_eq!(abi::decode(&bytes).unwrap().to_string(), "some(5)");
/// ```
#[inline]
pub fn decode(bytes: &[u8]) -> Result<Value, AbiError> {
    decode_as_with_limits(bytes, &Limits::DEFAULT)
}

/// Decodes into a dynamic [`Value`] under `limits`.
///
/// ```
/// use packr_runtime::abi::{self, Limits};
/// let deep = abi::encode(&Some(Some(Some(1u8)))).unwrap();
/// let shallow = Limits { max_depth: 2, ..Limits::default() };
/// assert!(abi::decode_with_limits(&deep, &shallow).is_err());
/// ```
#[inline]
pub fn decode_with_limits(bytes: &[u8], limits: &Limits) -> Result<Value, AbiError> {
    decode_as_with_limits(bytes, limits)
}

/// Decodes a buffer straight into a typed value, with default limits.
///
/// ```
/// let bytes = packr_runtime::abi::encode(&vec!["a".to_string()]).unwrap();
/// let v: Vec<String> = packr_runtime::abi::decode_as(&bytes).unwrap();
/// assert_eq!(v, ["a"]);
/// ```
#[inline]
pub fn decode_as<T: GraphValue>(bytes: &[u8]) -> Result<T, AbiError> {
    decode_as_with_limits(bytes, &Limits::DEFAULT)
}

/// Decodes a buffer straight into a typed value under `limits`.
///
/// ```
/// use packr_runtime::abi::{self, Limits};
/// let bytes = abi::encode(&vec![0u8; 100]).unwrap();
/// let small = Limits { max_buffer_size: 64, ..Limits::default() };
/// assert!(abi::decode_as_with_limits::<Vec<u8>>(&bytes, &small).is_err());
/// ```
// Forced inline so the flat fast path (a few compares for scalars and
// tuples of them) lands in the caller; the general decoder stays a call.
#[inline(always)]
pub fn decode_as_with_limits<T: GraphValue>(bytes: &[u8], limits: &Limits) -> Result<T, AbiError> {
    match T::decode_flat(bytes, limits) {
        Some(value) => Ok(value),
        None => decode_graph(bytes, limits),
    }
}

/// The general decoder: index the buffer, then walk it from the root.
#[inline]
fn decode_graph<T: GraphValue>(bytes: &[u8], limits: &Limits) -> Result<T, AbiError> {
    let mut dec = Decoder::new(bytes, limits)?;
    let root = dec.root();
    T::decode_node(&mut dec, root)
}
