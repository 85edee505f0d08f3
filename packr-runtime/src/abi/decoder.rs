//! Reading CGRF buffers from untrusted bytes.
//!
//! [`Decoder::new`] checks the framing of the whole buffer once (header,
//! every node header, no trailing bytes) and records where each node
//! starts. Values then walk the graph from the root through
//! [`Decoder::enter`]/[`Decoder::leave`] (compound nodes) and
//! [`Decoder::leaf`] (scalars), which enforce the nesting depth, the visit
//! budget and cycle detection. Nothing is allocated from a count read off
//! the wire before the bytes behind that count have been checked.
//!
//! The small accessors are forced inline in optimised builds: returned
//! through memory, their `Result`s cost a store-forwarding stall per node
//! (typed codec-tree decode went from 60 to 42 ns/node). Debug builds keep
//! them out of line so each nesting level's frame stays small enough for
//! the default depth limit on a 2 MiB stack.

use super::encoder::{HEADER_LEN, MAGIC, NODE_HEADER_LEN};
use super::{AbiError, AbiErrorKind, Kind, Limits, Wire};

/// Buffers with at most this many nodes decode without touching the heap.
const INLINE_NODES: usize = 16;

/// The payload width of each fixed-width scalar kind, by kind byte; `0`
/// for every other kind (their payloads are checked when visited).
const SCALAR_WIDTH: [u8; 256] = {
    let mut w = [0u8; 256];
    w[Kind::Bool as usize] = 1;
    w[Kind::S32 as usize] = 4;
    w[Kind::S64 as usize] = 8;
    w[Kind::F32 as usize] = 4;
    w[Kind::F64 as usize] = 8;
    w[Kind::U8 as usize] = 1;
    w[Kind::U16 as usize] = 2;
    w[Kind::U32 as usize] = 4;
    w[Kind::U64 as usize] = 8;
    w[Kind::S8 as usize] = 1;
    w[Kind::S16 as usize] = 2;
    w[Kind::Char as usize] = 4;
    w[Kind::Flags as usize] = 8;
    w
};

/// Set in a node's table slot while the node is on the path from the root
/// (cycle detection). Payload offsets stay below it because [`Decoder::new`]
/// refuses buffers of 2 GiB and more.
const ON_PATH: u32 = 1 << 31;

/// Per node, where its payload starts, with [`ON_PATH`] set while the node
/// is on the current path from the root.
#[derive(Debug)]
enum NodeTable {
    Inline([u32; INLINE_NODES]),
    Heap(Vec<u32>),
}

impl NodeTable {
    fn heap(count: usize) -> NodeTable {
        // Deliberately not recycled across decodes: with glibc, a fresh
        // large request first coalesces the previous value's freed nodes,
        // which makes the allocations of the value being built cheaper
        // than a kept table saves (measured: 100k-node Value decode 135-168
        // ns/node against 186-232 with a table kept per thread).
        NodeTable::Heap(Vec::with_capacity(count))
    }

    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn slot(&self, index: usize) -> u32 {
        match self {
            NodeTable::Inline(slots) => slots[index],
            NodeTable::Heap(slots) => slots[index],
        }
    }

    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn slot_mut(&mut self, index: usize) -> &mut u32 {
        match self {
            NodeTable::Inline(slots) => &mut slots[index],
            NodeTable::Heap(slots) => &mut slots[index],
        }
    }

    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn payload_start(&self, index: usize) -> usize {
        (self.slot(index) & !ON_PATH) as usize
    }

    /// Marks `index` as on the path; false if it already was (a cycle).
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn mark(&mut self, index: usize) -> bool {
        let slot = self.slot_mut(index);
        let fresh = *slot & ON_PATH == 0;
        *slot |= ON_PATH;
        fresh
    }

    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn unmark(&mut self, index: usize) {
        *self.slot_mut(index) &= !ON_PATH;
    }
}

/// A validated view of a CGRF buffer, walked from the root by
/// [`GraphValue::decode_node`](super::GraphValue::decode_node) impls.
///
/// ```
/// use packr_runtime::abi::{self, Decoder, GraphValue, Limits};
/// let bytes = abi::encode(&(20i32, 22i32)).unwrap();
/// let mut dec = Decoder::new(&bytes, &Limits::DEFAULT).unwrap();
/// let root = dec.root();
/// let (a, b) = <(i32, i32)>::decode_node(&mut dec, root).unwrap();
/// assert_eq!(a + b, 42);
/// ```
#[derive(Debug)]
pub struct Decoder<'a> {
    buf: &'a [u8],
    table: NodeTable,
    count: u32,
    root: u32,
    depth: u32,
    wire: Wire,
    visits_left: u64,
    // Borrowed, not copied: a decoder is built per host call and its size
    // is part of every call's cost.
    limits: &'a Limits,
}

impl<'a> Decoder<'a> {
    /// Checks the header and the framing of every node.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub fn new(buf: &'a [u8], limits: &'a Limits) -> Result<Self, AbiError> {
        // Filled through `&mut self`, so the node table is written where
        // it lives rather than assembled and moved.
        let mut dec = Decoder {
            buf,
            table: NodeTable::Inline([0; INLINE_NODES]),
            count: 0,
            root: 0,
            depth: 0,
            wire: Wire::V2,
            visits_left: 0,
            limits,
        };
        dec.index()?;
        Ok(dec)
    }

    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn index(&mut self) -> Result<(), AbiError> {
        let (buf, limits) = (self.buf, self.limits);
        // Offsets must leave the table's ON_PATH bit free.
        let max_buffer = limits.max_buffer_size.min(ON_PATH as usize - 1);
        if buf.len() > max_buffer {
            return Err(limit("buffer size", max_buffer));
        }
        if buf.len() < HEADER_LEN {
            return Err(AbiError::new(AbiErrorKind::TruncatedHeader {
                len: buf.len(),
            }));
        }
        let magic: [u8; 4] = buf[0..4].try_into().unwrap_or_default();
        if magic != MAGIC {
            return Err(AbiError::new(AbiErrorKind::BadMagic(magic)));
        }
        let version = u16::from_le_bytes([buf[4], buf[5]]);
        let Some(wire) = Wire::from_version(version) else {
            return Err(AbiError::new(AbiErrorKind::BadVersion(version)));
        };
        self.wire = wire;
        // The highest node kind of this version: map and set exist only in
        // version 3, and that is the only difference between the two.
        let max_kind = if wire.has_maps() {
            Kind::Set
        } else {
            Kind::Array
        } as u8;
        if buf[6] != 0 || buf[7] != 0 {
            return Err(AbiError::new(AbiErrorKind::NonZeroReserved));
        }
        let count = read_u32(buf, 8);
        let root = read_u32(buf, 12);
        if count == 0 {
            return Err(AbiError::new(AbiErrorKind::NoNodes));
        }
        // Every node takes at least its 8-byte header: a count the bytes
        // cannot back is rejected before anything is allocated for it, and
        // before the limit (the buffer's own contradiction is the better
        // explanation of garbage bytes).
        if count as usize > (buf.len() - HEADER_LEN) / NODE_HEADER_LEN {
            return Err(AbiError::new(AbiErrorKind::NodeCountTooLarge {
                count,
                bytes: buf.len() - HEADER_LEN,
            }));
        }
        if count as usize > limits.max_node_count {
            return Err(limit("node count", limits.max_node_count));
        }
        if root >= count {
            return Err(AbiError::new(AbiErrorKind::IndexOutOfRange {
                index: root,
                count,
            }));
        }
        if count as usize > INLINE_NODES {
            self.table = NodeTable::heap(count as usize);
        }
        let max_payload = limits.max_payload_size;
        let mut pos = HEADER_LEN;
        for i in 0..count as usize {
            // One 8-byte load per node: kind, three reserved bytes, length.
            let Some(header) = buf.get(pos..pos + NODE_HEADER_LEN) else {
                return Err(AbiError::at(i as u32, AbiErrorKind::TruncatedNode));
            };
            let header = u64::from_le_bytes(header.try_into().unwrap_or_default());
            let kind = header as u8;
            if kind == 0 || kind > max_kind || header & 0xFFFF_FF00 != 0 {
                return Err(node_header_error(i as u32, kind));
            }
            let len = (header >> 32) as usize;
            let start = pos + NODE_HEADER_LEN;
            if len > max_payload || buf.len() - start < len {
                return Err(payload_error(i as u32, len, max_payload));
            }
            // A fixed-width scalar is held to its width here, so that a node
            // no path reaches is as valid as the others (the reference
            // checks every node; found by the differential fuzz target).
            let width = SCALAR_WIDTH[kind as usize];
            if width != 0 && len != width as usize {
                return Err(AbiError::at(
                    i as u32,
                    if len < width as usize {
                        AbiErrorKind::PayloadTooShort
                    } else {
                        AbiErrorKind::PayloadTrailing
                    },
                ));
            }
            match &mut self.table {
                NodeTable::Inline(slots) => slots[i] = start as u32,
                NodeTable::Heap(slots) => slots.push(start as u32),
            }
            pos = start + len;
        }
        if pos != buf.len() {
            return Err(AbiError::new(AbiErrorKind::TrailingBytes {
                extra: buf.len() - pos,
            }));
        }
        self.count = count;
        self.root = root;
        self.visits_left = limits
            .max_visits
            .min(u64::from(count).saturating_mul(u64::from(limits.max_expansion)));
        Ok(())
    }

    /// Index of the root node.
    #[inline]
    pub fn root(&self) -> u32 {
        self.root
    }

    /// Number of nodes in the buffer.
    #[inline]
    pub fn node_count(&self) -> u32 {
        self.count
    }

    /// The limits this decoder enforces.
    #[inline]
    pub fn limits(&self) -> &Limits {
        self.limits
    }

    /// The wire version of the buffer (from its header).
    ///
    /// ```
    /// use packr_runtime::abi::{self, Decoder, Limits, Wire};
    /// let bytes = abi::encode_with(&1u8, Wire::V3).unwrap();
    /// assert_eq!(Decoder::new(&bytes, &Limits::DEFAULT).unwrap().wire(), Wire::V3);
    /// ```
    #[inline]
    pub fn wire(&self) -> Wire {
        self.wire
    }

    /// A reader over a payload of this buffer: descriptor tags are checked
    /// against the buffer's version.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn reader(&self, index: u32, payload: &'a [u8]) -> Reader<'a> {
        Reader {
            index,
            data: payload,
            pos: 0,
            wire: self.wire,
        }
    }

    /// Kind and payload of node `index`, without any accounting. Fails only
    /// for an index out of range.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub fn peek(&self, index: u32) -> Result<(Kind, &'a [u8]), AbiError> {
        if index >= self.count {
            return Err(self.out_of_range(index));
        }
        let start = self.table.payload_start(index as usize);
        // `new` checked every header and payload against the buffer.
        let header: [u8; NODE_HEADER_LEN] = self.buf[start - NODE_HEADER_LEN..start]
            .try_into()
            .unwrap_or_default();
        let len = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
        let kind = Kind::from_u8(header[0]).unwrap_or(Kind::Tuple);
        match self.buf.get(start..start + len) {
            Some(payload) => Ok((kind, payload)),
            None => Err(AbiError::at(index, AbiErrorKind::TruncatedNode)),
        }
    }

    #[cold]
    fn out_of_range(&self, index: u32) -> AbiError {
        AbiError::new(AbiErrorKind::IndexOutOfRange {
            index,
            count: self.count,
        })
    }

    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn spend_visit(&mut self, index: u32) -> Result<(), AbiError> {
        if self.visits_left == 0 {
            return Err(AbiError::at(
                index,
                AbiErrorKind::LimitExceeded {
                    what: "node visits (shared children expand)",
                    limit: self
                        .limits
                        .max_visits
                        .min(u64::from(self.count) * u64::from(self.limits.max_expansion)),
                },
            ));
        }
        self.visits_left -= 1;
        Ok(())
    }

    /// Visits a scalar node that must be of `kind` and returns its payload.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub fn leaf(&mut self, index: u32, kind: Kind) -> Result<&'a [u8], AbiError> {
        let (found, payload) = self.peek(index)?;
        if found != kind {
            return Err(AbiError::wrong_kind(index, kind, found));
        }
        self.spend_visit(index)?;
        Ok(payload)
    }

    /// Visits a scalar node of fixed `kind` and width `N`, returning its bytes.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub fn fixed<const N: usize>(&mut self, index: u32, kind: Kind) -> Result<[u8; N], AbiError> {
        let payload = self.leaf(index, kind)?;
        match payload.try_into() {
            Ok(bytes) => Ok(bytes),
            Err(_) if payload.len() < N => Err(AbiError::at(index, AbiErrorKind::PayloadTooShort)),
            Err(_) => Err(AbiError::at(index, AbiErrorKind::PayloadTrailing)),
        }
    }

    /// Visits a string node and borrows its text from the buffer.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub fn str(&mut self, index: u32) -> Result<&'a str, AbiError> {
        let payload = self.leaf(index, Kind::String)?;
        let mut r = Reader::new(index, payload);
        let len = r.u32()? as usize;
        let bytes = r.bytes(len)?;
        r.finish()?;
        utf8(index, bytes)
    }

    /// Enters compound node `index`: checks the depth bound, the visit
    /// budget and that the node is not already on the path from the root.
    /// Every successful `enter` must be matched by [`leave`](Self::leave).
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub fn enter(&mut self, index: u32) -> Result<(Kind, Reader<'a>), AbiError> {
        let (kind, payload) = self.peek(index)?;
        self.enter_peeked(index)?;
        Ok((kind, self.reader(index, payload)))
    }

    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    fn enter_peeked(&mut self, index: u32) -> Result<(), AbiError> {
        if self.depth >= self.limits.max_depth {
            return Err(AbiError::at(
                index,
                AbiErrorKind::LimitExceeded {
                    what: "nesting depth",
                    limit: self.limits.max_depth as u64,
                },
            ));
        }
        self.spend_visit(index)?;
        if !self.table.mark(index as usize) {
            return Err(AbiError::at(index, AbiErrorKind::Cycle { index }));
        }
        self.depth += 1;
        Ok(())
    }

    /// Enters node `index`, which must be of `kind`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub fn enter_kind(&mut self, index: u32, kind: Kind) -> Result<Reader<'a>, AbiError> {
        let (found, payload) = self.peek(index)?;
        if found != kind {
            return Err(AbiError::wrong_kind(index, kind, found));
        }
        self.enter_peeked(index)?;
        Ok(self.reader(index, payload))
    }

    /// Leaves a node entered with [`enter`](Self::enter).
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub fn leave(&mut self, index: u32) {
        self.table.unmark(index as usize);
        self.depth -= 1;
    }

    /// Enters a tuple node and returns its children; fails unless it has
    /// exactly `expected` of them.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub fn enter_tuple(&mut self, index: u32, expected: usize) -> Result<Children<'a>, AbiError> {
        let mut r = self.enter_kind(index, Kind::Tuple)?;
        let n = r.count(4, self.limits)?;
        let children = r.children(n)?;
        r.finish()?;
        if n != expected {
            return Err(AbiError::mismatch(
                index,
                format_args!("tuple of {expected}"),
                format_args!("tuple of {n}"),
            ));
        }
        Ok(children)
    }

    /// Enters an option node and returns its child, if present.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub fn enter_option(&mut self, index: u32) -> Result<Option<u32>, AbiError> {
        let mut r = self.enter_kind(index, Kind::Option)?;
        r.skip_type(self.limits.max_depth)?;
        let present = r.u8()?;
        let child = match present {
            0 => None,
            1 => Some(r.u32()?),
            b => return Err(AbiError::at(index, AbiErrorKind::InvalidFlagByte(b))),
        };
        r.finish()?;
        Ok(child)
    }

    /// Enters a result node and returns `Ok(child)` or `Err(child)`.
    #[inline]
    pub fn enter_result(&mut self, index: u32) -> Result<Result<u32, u32>, AbiError> {
        let mut r = self.enter_kind(index, Kind::Result)?;
        r.skip_type(self.limits.max_depth)?;
        r.skip_type(self.limits.max_depth)?;
        let tag = r.u32()?;
        let has_payload = r.u8()?;
        if has_payload != 1 {
            return Err(AbiError::at(
                index,
                AbiErrorKind::InvalidFlagByte(has_payload),
            ));
        }
        let child = r.u32()?;
        r.finish()?;
        match tag {
            0 => Ok(Ok(child)),
            1 => Ok(Err(child)),
            t => Err(AbiError::invalid(
                index,
                format!("result tag {t}, expected 0 or 1"),
            )),
        }
    }

    /// Enters a list node (non-primitive elements) and returns its children.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub fn enter_list(&mut self, index: u32) -> Result<Children<'a>, AbiError> {
        let mut r = self.enter_kind(index, Kind::List)?;
        let elem = r.skip_type(self.limits.max_depth)?;
        if elem.fixed_width().is_some() {
            return Err(AbiError::at(index, AbiErrorKind::PrimitiveList));
        }
        let n = r.count(4, self.limits)?;
        let children = r.children(n)?;
        r.finish()?;
        Ok(children)
    }

    /// Enters a map node (wire version 3) and returns its entries as
    /// (key child, value child) pairs, in wire order.
    #[inline]
    pub fn enter_map(&mut self, index: u32) -> Result<MapEntries<'a>, AbiError> {
        let mut r = self.enter_kind(index, Kind::Map)?;
        r.skip_type(self.limits.max_depth)?;
        r.skip_type(self.limits.max_depth)?;
        // Each entry is two child indices.
        let n = r.count(8, self.limits)?;
        let data = r.bytes(n * 8)?;
        r.finish()?;
        Ok(MapEntries {
            children: Children { data },
        })
    }

    /// Enters a set node (wire version 3) and returns its element children.
    #[inline]
    pub fn enter_set(&mut self, index: u32) -> Result<Children<'a>, AbiError> {
        let mut r = self.enter_kind(index, Kind::Set)?;
        r.skip_type(self.limits.max_depth)?;
        let n = r.count(4, self.limits)?;
        let children = r.children(n)?;
        r.finish()?;
        Ok(children)
    }

    /// Visits an array node (a leaf) and returns its element kind, element
    /// count and packed data; the data length is checked against the count.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub fn array(&mut self, index: u32) -> Result<(Kind, usize, &'a [u8]), AbiError> {
        let payload = self.leaf(index, Kind::Array)?;
        let mut r = self.reader(index, payload);
        let tag = r.u8()?;
        let elem = Kind::from_u8(tag)
            .ok_or_else(|| AbiError::at(index, AbiErrorKind::UnknownKind(tag)))?;
        let width = elem
            .fixed_width()
            .ok_or_else(|| AbiError::at(index, AbiErrorKind::NonPrimitiveArray(tag)))?;
        let n = r.count(width, self.limits)?;
        let data = r.bytes(n * width)?;
        r.finish()?;
        Ok((elem, n, data))
    }

    /// Enters a record node and returns a reader of its fields.
    #[inline]
    pub fn enter_record(&mut self, index: u32) -> Result<RecordReader<'a>, AbiError> {
        let mut r = self.enter_kind(index, Kind::Record)?;
        let type_name = r.str()?;
        // Each field takes at least 8 bytes: its name's length and its child.
        let n = r.count(8, self.limits)?;
        let names_start = r.pos;
        for _ in 0..n {
            // Checked here, so an invalid name is an error on every path
            // instead of a name no field matches.
            r.str()?;
        }
        let children = r.children(n)?;
        r.finish()?;
        Ok(RecordReader {
            index,
            type_name,
            count: n,
            names: &r.data[names_start..],
            children,
            cursor: 0,
            cursor_field: 0,
        })
    }

    /// Enters a variant node and returns its names, tag and payload children.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub fn enter_variant(&mut self, index: u32) -> Result<VariantNode<'a>, AbiError> {
        let mut r = self.enter_kind(index, Kind::Variant)?;
        let type_name = r.str()?;
        let case_name = r.str()?;
        let tag = r.u32()?;
        let n = r.count(4, self.limits)?;
        let payload = r.children(n)?;
        r.finish()?;
        Ok(VariantNode {
            type_name,
            case_name,
            tag,
            payload,
        })
    }
}

/// Checks UTF-8, with a fast path for the short ASCII names that make up
/// most of a buffer's strings (type, field and case names).
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline)]
fn utf8(index: u32, bytes: &[u8]) -> Result<&str, AbiError> {
    if bytes.len() <= 32 && bytes.is_ascii() {
        // SAFETY: every ASCII byte sequence is valid UTF-8.
        return Ok(unsafe { std::str::from_utf8_unchecked(bytes) });
    }
    std::str::from_utf8(bytes).map_err(|_| AbiError::at(index, AbiErrorKind::InvalidUtf8))
}

#[inline]
fn read_u32(buf: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([buf[at], buf[at + 1], buf[at + 2], buf[at + 3]])
}

#[cold]
fn node_header_error(index: u32, kind: u8) -> AbiError {
    match Kind::from_u8(kind) {
        None => AbiError::at(index, AbiErrorKind::UnknownKind(kind)),
        // Only reached for a version-2 buffer: version 3 admits them.
        Some(Kind::Map) => AbiError::at(index, AbiErrorKind::NeedsVersion3 { what: "map node" }),
        Some(Kind::Set) => AbiError::at(index, AbiErrorKind::NeedsVersion3 { what: "set node" }),
        Some(_) => AbiError::at(index, AbiErrorKind::NonZeroReserved),
    }
}

#[cold]
fn payload_error(index: u32, len: usize, max_payload: usize) -> AbiError {
    if len > max_payload {
        AbiError::at(
            index,
            AbiErrorKind::LimitExceeded {
                what: "payload size",
                limit: max_payload as u64,
            },
        )
    } else {
        AbiError::at(index, AbiErrorKind::TruncatedNode)
    }
}

#[cold]
fn limit(what: &'static str, limit: usize) -> AbiError {
    AbiError::new(AbiErrorKind::LimitExceeded {
        what,
        limit: limit as u64,
    })
}

/// A cursor over one node's payload. Every read is bounds-checked and
/// reports the node index on failure.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    index: u32,
    data: &'a [u8],
    pos: usize,
    /// The buffer's version: map and set descriptor tags need version 3.
    wire: Wire,
}

impl<'a> Reader<'a> {
    /// A reader over `data`, the payload of node `index`, that accepts the
    /// type descriptors of every wire version (a standalone descriptor).
    #[inline]
    pub fn new(index: u32, data: &'a [u8]) -> Self {
        Self::with_wire(index, data, Wire::V3)
    }

    /// A reader over a payload of a buffer of version `wire`.
    ///
    /// ```
    /// use packr_runtime::abi::{Reader, Wire};
    /// // set<u8> as a descriptor: valid in version 3 only.
    /// assert!(Reader::with_wire(0, &[0x17, 0x0c], Wire::V3).skip_type(8).is_ok());
    /// assert!(Reader::with_wire(0, &[0x17, 0x0c], Wire::V2).skip_type(8).is_err());
    /// ```
    #[inline]
    pub fn with_wire(index: u32, data: &'a [u8], wire: Wire) -> Self {
        Reader {
            index,
            data,
            pos: 0,
            wire,
        }
    }

    /// The wire version this reader checks descriptors against.
    #[inline]
    pub fn wire(&self) -> Wire {
        self.wire
    }

    /// Fails for a map or set descriptor tag in a version-2 buffer.
    #[inline]
    pub(crate) fn check_tag(&self, kind: Kind) -> Result<(), AbiError> {
        if kind.needs_v3() && !self.wire.has_maps() {
            return Err(self.needs_v3(kind));
        }
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn needs_v3(&self, kind: Kind) -> AbiError {
        let what = if kind == Kind::Map {
            "map type tag 0x16"
        } else {
            "set type tag 0x17"
        };
        AbiError::at(self.index, AbiErrorKind::NeedsVersion3 { what })
    }

    /// The node being read.
    #[inline]
    pub fn node(&self) -> u32 {
        self.index
    }

    /// Bytes not read yet.
    #[inline]
    pub fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    /// Reads `n` bytes.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub fn bytes(&mut self, n: usize) -> Result<&'a [u8], AbiError> {
        if self.remaining() < n {
            return Err(AbiError::at(self.index, AbiErrorKind::PayloadTooShort));
        }
        let out = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    /// Reads one byte.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub fn u8(&mut self) -> Result<u8, AbiError> {
        Ok(self.bytes(1)?[0])
    }

    /// Reads a little-endian u32.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub fn u32(&mut self) -> Result<u32, AbiError> {
        let b = self.bytes(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// Reads a u32-length-prefixed UTF-8 string.
    #[inline]
    pub fn str(&mut self) -> Result<&'a str, AbiError> {
        let len = self.u32()? as usize;
        let bytes = self.bytes(len)?;
        utf8(self.index, bytes)
    }

    /// Reads an item count whose items take at least `min_item_bytes` each,
    /// rejecting counts the remaining payload cannot back or that exceed
    /// the sequence limit.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub fn count(&mut self, min_item_bytes: usize, limits: &Limits) -> Result<usize, AbiError> {
        let n = self.u32()? as usize;
        if n > limits.max_sequence_len {
            return Err(AbiError::at(
                self.index,
                AbiErrorKind::LimitExceeded {
                    what: "sequence length",
                    limit: limits.max_sequence_len as u64,
                },
            ));
        }
        if n.saturating_mul(min_item_bytes) > self.remaining() {
            return Err(AbiError::at(self.index, AbiErrorKind::PayloadTooShort));
        }
        Ok(n)
    }

    /// Reads `n` child indices.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub fn children(&mut self, n: usize) -> Result<Children<'a>, AbiError> {
        Ok(Children {
            data: self.bytes(n * 4)?,
        })
    }

    /// Fails if any payload byte was not read.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub fn finish(&self) -> Result<(), AbiError> {
        if self.pos != self.data.len() {
            return Err(AbiError::at(self.index, AbiErrorKind::PayloadTrailing));
        }
        Ok(())
    }

    /// Skips a type descriptor, checking its syntax, and returns its top
    /// tag. `depth` bounds descriptor nesting.
    pub fn skip_type(&mut self, mut depth: u32) -> Result<Kind, AbiError> {
        let top = self.type_tag(depth)?;
        let mut kind = top;
        // The last child of each descriptor is followed in this loop, not
        // by recursion, so a chain of lists or options (the deep case)
        // costs no stack; only a result's, a map's or a tuple's earlier
        // children recurse.
        loop {
            match kind {
                Kind::List | Kind::Option | Kind::Set => {
                    depth -= 1;
                    kind = self.type_tag(depth)?;
                }
                Kind::Result | Kind::Map => {
                    depth -= 1;
                    self.skip_type(depth)?;
                    kind = self.type_tag(depth)?;
                }
                Kind::Record | Kind::Variant => {
                    self.str()?;
                    return Ok(top);
                }
                Kind::Tuple => {
                    let n = self.u32()? as usize;
                    if n > self.remaining() {
                        return Err(AbiError::at(self.index, AbiErrorKind::PayloadTooShort));
                    }
                    for _ in 0..n {
                        self.skip_type(depth - 1)?;
                    }
                    return Ok(top);
                }
                _ => return Ok(top),
            }
        }
    }

    /// Reads one descriptor tag: a known kind, valid in this version, and
    /// compound only while `depth` allows nesting.
    #[inline]
    pub(crate) fn type_tag(&mut self, depth: u32) -> Result<Kind, AbiError> {
        let tag = self.u8()?;
        let kind = match Kind::from_u8(tag) {
            Some(Kind::Array) | None => return Err(self.unknown_tag(tag)),
            Some(kind) => kind,
        };
        self.check_tag(kind)?;
        if depth == 0
            && matches!(
                kind,
                Kind::List | Kind::Option | Kind::Result | Kind::Tuple | Kind::Map | Kind::Set
            )
        {
            return Err(self.descriptor_too_deep());
        }
        Ok(kind)
    }

    #[cold]
    #[inline(never)]
    fn unknown_tag(&self, tag: u8) -> AbiError {
        AbiError::at(self.index, AbiErrorKind::UnknownKind(tag))
    }

    #[cold]
    #[inline(never)]
    fn descriptor_too_deep(&self) -> AbiError {
        AbiError::at(
            self.index,
            AbiErrorKind::LimitExceeded {
                what: "type descriptor nesting",
                limit: 0,
            },
        )
    }
}

/// Child indices of a compound node, in order.
#[derive(Debug, Clone)]
pub struct Children<'a> {
    data: &'a [u8],
}

impl<'a> Children<'a> {
    /// Number of children.
    #[inline]
    pub fn len(&self) -> usize {
        self.data.len() / 4
    }

    /// True when there are none.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The `i`-th child index (`i < len()`).
    #[inline]
    pub fn get(&self, i: usize) -> Option<u32> {
        let b = self.data.get(i * 4..i * 4 + 4)?;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
}

impl Iterator for Children<'_> {
    type Item = u32;

    #[inline]
    fn next(&mut self) -> Option<u32> {
        let (head, rest) = self.data.split_first_chunk::<4>()?;
        self.data = rest;
        Some(u32::from_le_bytes(*head))
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.len(), Some(self.len()))
    }
}

impl ExactSizeIterator for Children<'_> {}

/// The entries of a map node: (key child, value child) pairs in wire order.
#[derive(Debug, Clone)]
pub struct MapEntries<'a> {
    children: Children<'a>,
}

impl MapEntries<'_> {
    /// Number of entries.
    #[inline]
    pub fn len(&self) -> usize {
        self.children.len() / 2
    }

    /// True for an empty map.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.children.is_empty()
    }
}

impl Iterator for MapEntries<'_> {
    type Item = (u32, u32);

    #[inline]
    fn next(&mut self) -> Option<(u32, u32)> {
        Some((self.children.next()?, self.children.next()?))
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.len(), Some(self.len()))
    }
}

impl ExactSizeIterator for MapEntries<'_> {}

/// The fields of a record node, looked up by name.
///
/// Lookups in declaration order are O(1) each (a cursor remembers where the
/// last one matched), so decoding a record the reference way, by field
/// name, costs no more than decoding by position when the writer kept the
/// order.
#[derive(Debug, Clone)]
pub struct RecordReader<'a> {
    index: u32,
    type_name: &'a str,
    count: usize,
    /// The field-name section (validated), followed by the child indices.
    names: &'a [u8],
    children: Children<'a>,
    cursor: usize,
    cursor_field: usize,
}

impl<'a> RecordReader<'a> {
    /// The record's node index.
    pub fn node(&self) -> u32 {
        self.index
    }

    /// The type name carried on the wire.
    pub fn type_name(&self) -> &'a str {
        self.type_name
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.count
    }

    /// True for a record without fields.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    #[inline]
    fn name_at(&self, pos: usize) -> (&'a str, usize) {
        let len = u32::from_le_bytes([
            self.names[pos],
            self.names[pos + 1],
            self.names[pos + 2],
            self.names[pos + 3],
        ]) as usize;
        let bytes = &self.names[pos + 4..pos + 4 + len];
        // SAFETY: `names` is set only by `enter_record`, which checked that
        // every name in it is UTF-8; a field lookup need not check again.
        (
            unsafe { std::str::from_utf8_unchecked(bytes) },
            pos + 4 + len,
        )
    }

    /// The child index of field `name`, if the record has it.
    #[inline]
    pub fn field(&mut self, name: &str) -> Option<u32> {
        if self.cursor_field < self.count {
            let (found, next) = self.name_at(self.cursor);
            if found == name {
                let child = self.children.get(self.cursor_field);
                self.cursor = next;
                self.cursor_field += 1;
                return child;
            }
        }
        let mut pos = 0;
        for i in 0..self.count {
            let (found, next) = self.name_at(pos);
            if found == name {
                self.cursor = next;
                self.cursor_field = i + 1;
                return self.children.get(i);
            }
            pos = next;
        }
        None
    }

    /// The child indices of the fields, in wire order.
    pub fn children(&self) -> Children<'a> {
        self.children.clone()
    }

    /// Every field as (name, child index), in wire order.
    pub fn fields(&self) -> impl Iterator<Item = (&'a str, u32)> + '_ {
        let mut pos = 0;
        (0..self.count).map(move |i| {
            let (name, next) = self.name_at(pos);
            pos = next;
            (name, self.children.get(i).unwrap_or(u32::MAX))
        })
    }
}

/// A variant node's names, tag and payload children.
#[derive(Debug, Clone)]
pub struct VariantNode<'a> {
    /// The variant type name carried on the wire.
    pub type_name: &'a str,
    /// The case name carried on the wire.
    pub case_name: &'a str,
    /// The case tag; typed decoders match cases by tag.
    pub tag: u32,
    /// Payload children (none for an enum case).
    pub payload: Children<'a>,
}
