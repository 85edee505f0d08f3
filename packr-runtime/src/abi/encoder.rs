//! Writing CGRF buffers: nodes in post-order into one growing byte vector.

use super::{AbiError, Kind, Wire};

pub(crate) const HEADER_LEN: usize = 16;
pub(crate) const NODE_HEADER_LEN: usize = 8;
pub(crate) const MAGIC: [u8; 4] = *b"CGRF";

/// Writes nodes straight into the output buffer.
///
/// Values encode their children first and then themselves, so the root ends
/// up last, exactly as the reference encoder lays buffers out. Child indices
/// of lists are collected on a shared stack, so encoding allocates nothing
/// per node beyond the output buffer's own growth.
///
/// Most users call [`encode`](super::encode) or
/// [`encode_value`](super::encode_value); derived and hand-written
/// [`GraphValue`](super::GraphValue) impls use the node methods.
///
/// ```
/// use packr_runtime::abi::{Encoder, Kind};
/// let mut enc = Encoder::new();
/// let x = enc.scalar(Kind::S32, &1i32.to_le_bytes());
/// let y = enc.scalar(Kind::S32, &(-2i32).to_le_bytes());
/// let root = enc.record("point", &["x", "y"], &[x, y]).unwrap();
/// let bytes = enc.finish(root);
/// assert_eq!(&bytes[..4], b"CGRF");
/// ```
#[derive(Debug)]
pub struct Encoder {
    buf: Vec<u8>,
    count: u32,
    wire: Wire,
    stack: Vec<u32>,
}

/// Position of a node whose payload is still being written.
#[derive(Debug, Clone, Copy)]
#[must_use = "a node must be closed with Encoder::end"]
pub struct NodeMark(usize);

impl Default for Encoder {
    fn default() -> Self {
        Self::new()
    }
}

impl Encoder {
    /// An encoder with an empty output buffer.
    pub fn new() -> Self {
        Self::with_buffer(Vec::new())
    }

    /// An encoder that appends to `buf` after clearing it, so a caller can
    /// reuse one allocation across many encodes. It writes wire version 2.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub fn with_buffer(buf: Vec<u8>) -> Self {
        Self::with_wire(buf, Wire::V2)
    }

    /// [`with_buffer`](Self::with_buffer) writing wire version `wire`.
    ///
    /// ```
    /// use packr_runtime::abi::{Encoder, Kind, Wire};
    /// let mut enc = Encoder::with_wire(Vec::new(), Wire::V3);
    /// let root = enc.scalar(Kind::U8, &[1]);
    /// assert_eq!(enc.finish(root)[4], 3);
    /// ```
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub fn with_wire(mut buf: Vec<u8>, wire: Wire) -> Self {
        buf.clear();
        buf.extend_from_slice(&[0; HEADER_LEN]);
        Encoder {
            buf,
            count: 0,
            wire,
            stack: Vec::new(),
        }
    }

    /// The wire version being written: map and set values look at it to
    /// choose between map/set nodes (version 3) and list forms (version 2).
    #[inline]
    pub fn wire(&self) -> Wire {
        self.wire
    }

    /// Writes the descriptor of `T` (for `sample`) in this encoder's
    /// version: under version 2, map and set types are written in their
    /// list forms. The form every list, option and result node uses.
    #[inline]
    pub fn put_type<T: super::GraphValue>(&mut self, sample: Option<&T>) {
        if T::DESCRIPTOR_NEEDS_V3_CHECK && !self.wire.has_maps() {
            let start = self.buf.len();
            T::write_type(sample, &mut self.buf);
            super::dynamic::downgrade_descriptor(&mut self.buf, start);
        } else {
            T::write_type(sample, &mut self.buf);
        }
    }

    /// Writes the header for `root` and returns the finished buffer.
    // Forced inline in optimised builds: moving an encoder whose `count`
    // was just written costs a store-forwarding stall (a third of a
    // one-scalar encode).
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub fn finish(mut self, root: u32) -> Vec<u8> {
        let mut header = [0u8; HEADER_LEN];
        header[0..4].copy_from_slice(&MAGIC);
        header[4..6].copy_from_slice(&self.wire.version().to_le_bytes());
        header[8..12].copy_from_slice(&self.count.to_le_bytes());
        header[12..16].copy_from_slice(&root.to_le_bytes());
        self.buf[..HEADER_LEN].copy_from_slice(&header);
        self.buf
    }

    /// Number of nodes written so far.
    pub fn node_count(&self) -> u32 {
        self.count
    }

    /// Starts a node of `kind`; write its payload, then call [`end`](Self::end).
    #[inline]
    pub fn begin(&mut self, kind: Kind) -> NodeMark {
        let at = self.buf.len();
        self.buf
            .extend_from_slice(&[kind as u8, 0, 0, 0, 0, 0, 0, 0]);
        NodeMark(at)
    }

    /// Closes the node started at `mark` and returns its index.
    #[inline]
    pub fn end(&mut self, mark: NodeMark) -> Result<u32, AbiError> {
        let len = self.buf.len() - mark.0 - NODE_HEADER_LEN;
        let len = u32::try_from(len)
            .map_err(|_| AbiError::unencodable("node payload larger than 4 GiB"))?;
        self.buf[mark.0 + 4..mark.0 + 8].copy_from_slice(&len.to_le_bytes());
        self.next_index()
    }

    #[inline]
    fn next_index(&mut self) -> Result<u32, AbiError> {
        let index = self.count;
        self.count = index
            .checked_add(1)
            .ok_or_else(|| AbiError::unencodable("more than u32::MAX nodes"))?;
        Ok(index)
    }

    /// Writes a whole node whose payload is `payload` (a scalar's
    /// little-endian bytes) and returns its index.
    #[inline]
    pub fn scalar(&mut self, kind: Kind, payload: &[u8]) -> u32 {
        debug_assert!(payload.len() <= 8);
        let mut node = [0u8; NODE_HEADER_LEN + 8];
        node[0] = kind as u8;
        node[4..8].copy_from_slice(&(payload.len() as u32).to_le_bytes());
        node[8..8 + payload.len()].copy_from_slice(payload);
        self.buf
            .extend_from_slice(&node[..NODE_HEADER_LEN + payload.len()]);
        let index = self.count;
        // A scalar node is at least 9 bytes, so a buffer cannot hold
        // u32::MAX of them before the allocator gives up.
        self.count = self.count.wrapping_add(1);
        index
    }

    /// Writes a string node.
    #[inline]
    pub fn string(&mut self, s: &str) -> Result<u32, AbiError> {
        let len = u32::try_from(s.len())
            .ok()
            .filter(|l| *l <= u32::MAX - 4)
            .ok_or_else(|| AbiError::unencodable("string longer than 4 GiB"))?;
        self.buf.reserve(NODE_HEADER_LEN + 4 + s.len());
        self.buf.extend_from_slice(&[Kind::String as u8, 0, 0, 0]);
        self.buf.extend_from_slice(&(len + 4).to_le_bytes());
        self.buf.extend_from_slice(&len.to_le_bytes());
        self.buf.extend_from_slice(s.as_bytes());
        self.next_index()
    }

    /// Writes a tuple node over already-written children.
    pub fn tuple(&mut self, children: &[u32]) -> Result<u32, AbiError> {
        let m = self.begin(Kind::Tuple);
        self.put_len(children.len())?;
        self.put_indices(children);
        self.end(m)
    }

    /// Writes a record node: `fields[i]` names child `children[i]`.
    pub fn record(
        &mut self,
        type_name: &str,
        fields: &[&str],
        children: &[u32],
    ) -> Result<u32, AbiError> {
        debug_assert_eq!(fields.len(), children.len());
        let m = self.begin(Kind::Record);
        self.put_str(type_name)?;
        self.put_len(fields.len())?;
        for f in fields {
            self.put_str(f)?;
        }
        self.put_indices(children);
        self.end(m)
    }

    /// Writes a variant node.
    pub fn variant(
        &mut self,
        type_name: &str,
        case_name: &str,
        tag: u32,
        payload: &[u32],
    ) -> Result<u32, AbiError> {
        let m = self.begin(Kind::Variant);
        self.put_str(type_name)?;
        self.put_str(case_name)?;
        self.put_u32(tag);
        self.put_len(payload.len())?;
        self.put_indices(payload);
        self.end(m)
    }

    /// Appends one byte to the open node's payload.
    #[inline]
    pub fn put_u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    /// Appends a little-endian u32 to the open node's payload.
    #[inline]
    pub fn put_u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    /// Appends a length or count as a u32, failing past `u32::MAX`.
    #[inline]
    pub fn put_len(&mut self, len: usize) -> Result<(), AbiError> {
        let len = u32::try_from(len)
            .map_err(|_| AbiError::unencodable("sequence longer than u32::MAX"))?;
        self.put_u32(len);
        Ok(())
    }

    /// Appends a u32-length-prefixed UTF-8 string.
    #[inline]
    pub fn put_str(&mut self, s: &str) -> Result<(), AbiError> {
        self.put_len(s.len())?;
        self.buf.extend_from_slice(s.as_bytes());
        Ok(())
    }

    /// Appends child indices.
    #[inline]
    pub fn put_indices(&mut self, children: &[u32]) {
        self.buf.reserve(children.len() * 4);
        for c in children {
            self.buf.extend_from_slice(&c.to_le_bytes());
        }
    }

    /// Appends raw bytes (packed array data, type descriptors).
    #[inline]
    pub fn put_bytes(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// The output buffer, for writing type descriptors and packed data in
    /// place.
    #[inline]
    pub fn buffer_mut(&mut self) -> &mut Vec<u8> {
        &mut self.buf
    }

    /// Current depth of the shared child-index stack. Sequence encoders
    /// remember it, push each child's index, write them with
    /// [`put_stacked`](Self::put_stacked) and so restore it.
    #[inline]
    pub fn stack_mark(&self) -> usize {
        self.stack.len()
    }

    /// Pushes a child index onto the shared stack.
    #[inline]
    pub fn push_child(&mut self, index: u32) {
        self.stack.push(index);
    }

    /// Appends the indices pushed since `mark` and pops them.
    #[inline]
    pub fn put_stacked(&mut self, mark: usize) {
        let Encoder { buf, stack, .. } = self;
        buf.reserve((stack.len() - mark) * 4);
        for c in &stack[mark..] {
            buf.extend_from_slice(&c.to_le_bytes());
        }
        stack.truncate(mark);
    }

    /// Number of indices pushed since `mark`.
    #[inline]
    pub fn stacked_len(&self, mark: usize) -> usize {
        self.stack.len() - mark
    }
}
