//! The Graph ABI: the self-describing graph encoding ("CGRF", version 2)
//! that carries values across guest memory.
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

pub use decoder::{Children, Decoder, Reader, RecordReader, VariantNode};
pub use dynamic::{read_type_descriptor, write_value_type};
pub use encoder::{Encoder, NodeMark};
pub use error::{AbiError, AbiErrorKind};
pub use graph_value::{
    GraphEncode, GraphValue, bounded_capacity, decode_vec, encode_iter, encode_slice, wit_type_of,
};
pub use kind::Kind;
pub use limits::Limits;
pub use name::Name;
pub use value::{Value, ValueType};

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
    if value.encode_graph_flat(out) {
        return Ok(());
    }
    let mut enc = Encoder::with_buffer(std::mem::take(out));
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
