//! Bounds applied while decoding untrusted buffers.

/// Limits a decoder enforces on untrusted input.
///
/// The defaults are the reference implementation's limits plus a nesting
/// depth bound, which the reference lacks (it overflows an 8 MiB stack on
/// about 8,000 nested options).
///
/// ```
/// use packr_runtime::abi::{self, Limits, Value};
/// let bytes = abi::encode(&Value::U32(7)).unwrap();
/// let tight = Limits { max_depth: 4, ..Limits::default() };
/// assert_eq!(abi::decode_with_limits(&bytes, &tight).unwrap(), Value::U32(7));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest whole buffer, in bytes.
    pub max_buffer_size: usize,
    /// Most nodes a buffer may declare.
    pub max_node_count: usize,
    /// Largest payload of a single node, in bytes.
    pub max_payload_size: usize,
    /// Most items in one list, array, tuple, record or variant payload.
    pub max_sequence_len: usize,
    /// Deepest nesting of compound nodes (and of type descriptors).
    pub max_depth: u32,
    /// Most node visits in one decode. A buffer may share a child between
    /// parents (a DAG); without this bound 64 nodes that each reference the
    /// next twice would expand to 2^64 values.
    pub max_visits: u64,
    /// Most node visits per node in the buffer. Sharing lets a small buffer
    /// stand for a huge value; this keeps what one decode can materialise
    /// proportional to the bytes the sender actually sent.
    pub max_expansion: u32,
}

impl Limits {
    /// The default limits (see the field docs).
    pub const DEFAULT: Limits = Limits {
        max_buffer_size: 256 * 1024 * 1024,
        max_node_count: 10_000_000,
        max_payload_size: 128 * 1024 * 1024,
        max_sequence_len: 128 * 1024 * 1024,
        max_depth: 1_000,
        max_visits: 10_000_000,
        max_expansion: 16,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}
