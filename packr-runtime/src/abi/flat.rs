//! The canonical-form fast path for flat values: one fixed-width scalar,
//! `()`, or a tuple of fixed-width scalars (the argument list of most host
//! functions).
//!
//! For such a type the reference encoder's layout is fixed: the header,
//! one scalar node per element in order, the tuple node last, pointing at
//! `0..n`. Every byte except the scalar payloads is known in advance, so a
//! buffer in exactly that layout is checked with a few word compares and
//! its values read at fixed offsets, with no node table and no graph walk.
//!
//! Anything else (another node order, shared children, a bad byte, limits
//! tighter than the fast path assumes) returns `None` and goes through the
//! general [`Decoder`](super::Decoder), which accepts every valid buffer
//! and explains every invalid one. The fast path therefore never accepts a
//! buffer the general decoder rejects, nor reads a different value from it.

use super::encoder::{HEADER_LEN, MAGIC, NODE_HEADER_LEN};
use super::{GraphValue, Kind, Limits};

/// The most nodes a flat value has: a 12-tuple and its elements.
const MAX_NODES: usize = 13;
/// The largest payload in a flat value: a 12-tuple's count and indices.
const MAX_PAYLOAD: usize = 4 + 4 * 12;

/// True when `limits` admit every flat value of `len` bytes, so the fast
/// path may skip the checks the general decoder makes against them.
#[inline(always)]
fn admits(limits: &Limits, len: usize) -> bool {
    len <= limits.max_buffer_size
        && limits.max_node_count >= MAX_NODES
        && limits.max_payload_size >= MAX_PAYLOAD
        && limits.max_sequence_len >= MAX_NODES
        && limits.max_depth >= 1
        && limits.max_visits >= MAX_NODES as u64
        && limits.max_expansion >= 1
}

/// The 16-byte version-2 header of a buffer of `nodes` nodes whose root is
/// the last. A flat value is written alike in both versions (it holds no
/// map or set), so the version-3 header differs only in the version field:
/// [`V3_HEADER_DIFF`] apart.
#[inline(always)]
fn header(nodes: u32) -> [u8; HEADER_LEN] {
    let mut h = [0u8; HEADER_LEN];
    h[0..4].copy_from_slice(&MAGIC);
    h[4..6].copy_from_slice(&2u16.to_le_bytes());
    h[8..12].copy_from_slice(&nodes.to_le_bytes());
    h[12..16].copy_from_slice(&(nodes - 1).to_le_bytes());
    h
}

/// The version-2 and version-3 headers of the same buffer XOR to this
/// (2 ^ 3 = 1 in the version field, bytes 4-5).
const V3_HEADER_DIFF: u128 = 1 << 32;

/// The 8-byte node header of a node of `kind` with `len` payload bytes.
#[inline(always)]
fn node_header(kind: Kind, len: usize) -> u64 {
    kind as u64 | ((len as u64) << 32)
}

/// Payload width of a flat scalar type, `None` for any other type.
#[inline(always)]
pub(crate) fn width<T: GraphValue>() -> Option<usize> {
    T::SCALAR?.fixed_width()
}

/// Length of the canonical buffer of a tuple whose elements have `widths`
/// (`None` if an element is not a flat scalar).
#[inline(always)]
pub(crate) fn tuple_len(widths: &[Option<usize>]) -> Option<usize> {
    let mut len = HEADER_LEN + NODE_HEADER_LEN + 4 + 4 * widths.len();
    for w in widths {
        len += NODE_HEADER_LEN + (*w)?;
    }
    Some(len)
}

/// Length of the canonical buffer of the scalar type `T`.
#[inline(always)]
pub(crate) fn scalar_len<T: GraphValue>() -> Option<usize> {
    Some(HEADER_LEN + NODE_HEADER_LEN + width::<T>()?)
}

/// Reads a canonical flat buffer front to back.
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// Starts reading `buf` if it is exactly `len` bytes with the header of
    /// `nodes` nodes rooted at the last, under limits that admit it.
    #[inline(always)]
    pub(crate) fn new(buf: &'a [u8], nodes: u32, len: usize, limits: &Limits) -> Option<Self> {
        if buf.len() != len || !admits(limits, len) {
            return None;
        }
        let found: [u8; HEADER_LEN] = buf.get(..HEADER_LEN)?.try_into().ok()?;
        let diff = u128::from_le_bytes(found) ^ u128::from_le_bytes(header(nodes));
        if diff != 0 && diff != V3_HEADER_DIFF {
            return None;
        }
        Some(Reader {
            buf,
            pos: HEADER_LEN,
        })
    }

    #[inline(always)]
    fn u64_at(&self, at: usize) -> Option<u64> {
        let bytes: [u8; 8] = self.buf.get(at..at + 8)?.try_into().ok()?;
        Some(u64::from_le_bytes(bytes))
    }

    #[inline(always)]
    fn u32_at(&self, at: usize) -> Option<u32> {
        let bytes: [u8; 4] = self.buf.get(at..at + 4)?.try_into().ok()?;
        Some(u32::from_le_bytes(bytes))
    }

    /// The next node, which must be a scalar of `T`'s kind holding a valid `T`.
    #[inline(always)]
    pub(crate) fn scalar<T: GraphValue>(&mut self) -> Option<T> {
        let kind = T::SCALAR?;
        let w = kind.fixed_width()?;
        if self.u64_at(self.pos)? != node_header(kind, w) {
            return None;
        }
        let at = self.pos + NODE_HEADER_LEN;
        let mut bits = [0u8; 8];
        bits[..w].copy_from_slice(self.buf.get(at..at + w)?);
        self.pos = at + w;
        T::from_flat_bits(u64::from_le_bytes(bits))
    }

    /// The last node, which must be a tuple of the `n` nodes before it, in
    /// order, ending the buffer.
    #[inline(always)]
    pub(crate) fn tuple(self, n: u32) -> Option<()> {
        let mut at = self.pos;
        if self.u64_at(at)? != node_header(Kind::Tuple, 4 + 4 * n as usize) {
            return None;
        }
        at += NODE_HEADER_LEN;
        if self.u32_at(at)? != n {
            return None;
        }
        for i in 0..n {
            at += 4;
            if self.u32_at(at)? != i {
                return None;
            }
        }
        (at + 4 == self.buf.len()).then_some(())
    }
}

/// Writes a canonical flat buffer front to back, into a buffer reserved
/// once (appending, so no byte is written twice).
pub(crate) struct Writer<'a> {
    out: &'a mut Vec<u8>,
}

impl<'a> Writer<'a> {
    /// Replaces `out`'s contents with the header of `nodes` nodes rooted at
    /// the last, with room for `len` bytes in all.
    #[inline(always)]
    pub(crate) fn new(out: &'a mut Vec<u8>, nodes: u32, len: usize) -> Self {
        out.clear();
        out.reserve(len);
        out.extend_from_slice(&header(nodes));
        Writer { out }
    }

    /// Appends `value`'s scalar node; `T` must be a flat scalar type.
    #[inline(always)]
    pub(crate) fn scalar<T: GraphValue>(&mut self, value: &T) {
        let (Some(kind), Some(w)) = (T::SCALAR, width::<T>()) else {
            return;
        };
        let mut node = [0u8; NODE_HEADER_LEN + 8];
        node[..NODE_HEADER_LEN].copy_from_slice(&node_header(kind, w).to_le_bytes());
        node[NODE_HEADER_LEN..].copy_from_slice(&value.flat_bits().to_le_bytes());
        self.out.extend_from_slice(&node[..NODE_HEADER_LEN + w]);
    }

    /// Appends the tuple node over the `n` nodes written before it.
    #[inline(always)]
    pub(crate) fn tuple(self, n: u32) {
        let head = node_header(Kind::Tuple, 4 + 4 * n as usize);
        self.out.extend_from_slice(&head.to_le_bytes());
        self.out.extend_from_slice(&n.to_le_bytes());
        for i in 0..n {
            self.out.extend_from_slice(&i.to_le_bytes());
        }
    }
}

/// Decodes a buffer holding exactly one flat scalar `T`.
#[inline(always)]
pub(crate) fn decode_scalar<T: GraphValue>(buf: &[u8], limits: &Limits) -> Option<T> {
    let mut r = Reader::new(buf, 1, scalar_len::<T>()?, limits)?;
    r.scalar::<T>()
}

/// Encodes the flat scalar `value` as a whole buffer; false if `T` is not one.
#[inline(always)]
pub(crate) fn encode_scalar<T: GraphValue>(value: &T, out: &mut Vec<u8>) -> bool {
    let Some(len) = scalar_len::<T>() else {
        return false;
    };
    Writer::new(out, 1, len).scalar(value);
    true
}
