//! The sealed log of a recorded session, and the arena it is built in.

use super::file;
use crate::intercept::{CallInfo, CallKind};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fmt;

/// One recorded call, borrowed from a [`CallLog`].
///
/// ```
/// use packr_runtime::intercept::{CallInfo, CallInterceptor, CallKind};
/// use packr_runtime::record::Recorder;
/// let now = CallInfo { kind: CallKind::HostCall, interface: "theater:simple/timer", function: "now" };
/// let mut r = Recorder::new();
/// r.before(&now, b"in").unwrap();
/// r.after(&now, b"in", b"out").unwrap();
/// let log = r.seal();
/// let call = log.get(0).unwrap();
/// assert_eq!((call.function, call.input, call.output), ("now", &b"in"[..], &b"out"[..]));
/// assert!(call.completed);
/// assert_eq!(call.call_info(), now);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallRecord<'a> {
    /// Host call or guest export.
    pub kind: CallKind,
    /// The interface path (empty for functions declared directly in a world).
    pub interface: &'a str,
    /// The function's WIT name.
    pub function: &'a str,
    /// The CGRF input bytes.
    pub input: &'a [u8],
    /// The CGRF output bytes (empty when the call did not complete).
    pub output: &'a [u8],
    /// False when the call never returned: the host function failed, or
    /// the export trapped or reported an error. Replay reproduces that: a
    /// failed host call fails again, an export is expected to fail again.
    pub completed: bool,
}

impl<'a> CallRecord<'a> {
    /// The call's kind, interface and function as a [`CallInfo`].
    ///
    /// ```
    /// use packr_runtime::intercept::CallKind;
    /// use packr_runtime::record::CallRecord;
    /// let r = CallRecord { kind: CallKind::HostCall, interface: "a:b/c", function: "f",
    ///                      input: &[], output: &[], completed: true };
    /// assert_eq!(r.call_info().to_string(), "host call a:b/c.f");
    /// ```
    pub fn call_info(&self) -> CallInfo<'a> {
        CallInfo {
            kind: self.kind,
            interface: self.interface,
            function: self.function,
        }
    }
}

/// A fixed-size entry: where its input and output chunks start in the
/// arena. 16 bytes: recording writes one per call, and at a million calls
/// the log's memory traffic is most of its cost.
///
/// The input chunk is `name: u32, kind: u8, len: u32, bytes`; the output
/// chunk `len: u32, bytes`. Equal payloads of one function share a chunk.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    pub input: u64,
    /// [`NOT_COMPLETED`] until the call returns.
    pub output: u64,
}

/// The output of a call that has not returned (or never did).
pub(crate) const NOT_COMPLETED: u64 = u64::MAX;
/// The output of a call that was cancelled: an async export call whose
/// future was dropped, and the host call it was waiting in.
pub(crate) const CANCELLED: u64 = u64::MAX - 1;

/// Bytes before an input chunk's payload: name, kind, length.
pub(crate) const INPUT_HEAD: usize = 9;
/// Bytes before an output chunk's payload: its length.
pub(crate) const OUTPUT_HEAD: usize = 4;

/// Interned (interface, function) pairs.
#[derive(Debug, Clone, Default)]
pub(crate) struct Names {
    pub list: Vec<(Box<str>, Box<str>)>,
    index: HashMap<Box<str>, HashMap<Box<str>, u32>>,
}

impl Names {
    pub fn get(&self, id: u32) -> (&str, &str) {
        let (i, f) = &self.list[id as usize];
        (i, f)
    }

    pub fn intern(&mut self, interface: &str, function: &str) -> u32 {
        if let Some(&id) = self.index.get(interface).and_then(|m| m.get(function)) {
            return id;
        }
        let id = u32::try_from(self.list.len()).expect("fewer than 2^32 distinct functions");
        self.list.push((interface.into(), function.into()));
        self.index
            .entry(interface.into())
            .or_default()
            .insert(function.into(), id);
        id
    }
}

/// A call's input or output of 4 GiB or more, which a log cannot hold
/// (guest memory is 4 GiB in all).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PayloadTooLarge;

impl std::fmt::Display for PayloadTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a call payload of 4 GiB or more cannot be recorded")
    }
}

impl std::error::Error for PayloadTooLarge {}

#[inline]
fn u32_at(arena: &[u8], at: usize) -> u32 {
    let bytes: [u8; 4] = arena[at..at + 4].try_into().unwrap_or_default();
    u32::from_le_bytes(bytes)
}

#[inline]
pub(crate) fn kind_byte(kind: CallKind) -> u8 {
    match kind {
        CallKind::HostCall => 0,
        CallKind::GuestExport => 1,
    }
}

#[inline]
fn kind_of(byte: u8) -> CallKind {
    if byte == 0 {
        CallKind::HostCall
    } else {
        CallKind::GuestExport
    }
}

#[inline]
pub(crate) fn payload_len(bytes: &[u8]) -> Result<u32, PayloadTooLarge> {
    u32::try_from(bytes.len()).map_err(|_| PayloadTooLarge)
}

/// The unsealed parts of a log: one byte arena, fixed-size entries, names.
#[derive(Debug, Clone, Default)]
pub(crate) struct Parts {
    pub arena: Vec<u8>,
    pub entries: Vec<Entry>,
    pub names: Names,
}

impl Parts {
    /// Appends an input chunk and returns where it starts.
    #[inline]
    pub fn push_input(&mut self, name: u32, kind: CallKind, len: u32, bytes: &[u8]) -> u64 {
        let at = self.arena.len() as u64;
        let mut head = [0u8; INPUT_HEAD];
        head[..4].copy_from_slice(&name.to_le_bytes());
        head[4] = kind_byte(kind);
        head[5..].copy_from_slice(&len.to_le_bytes());
        self.arena.extend_from_slice(&head);
        self.arena.extend_from_slice(bytes);
        at
    }

    /// Appends an output chunk and returns where it starts.
    #[inline]
    pub fn push_output(&mut self, len: u32, bytes: &[u8]) -> u64 {
        let at = self.arena.len() as u64;
        self.arena.extend_from_slice(&len.to_le_bytes());
        self.arena.extend_from_slice(bytes);
        at
    }

    /// The name id and kind of the input chunk at `at`.
    #[inline]
    pub fn input_head(&self, at: u64) -> (u32, CallKind) {
        let at = at as usize;
        (u32_at(&self.arena, at), kind_of(self.arena[at + 4]))
    }

    /// The payload of the input chunk at `at`.
    #[inline]
    pub fn input_bytes(&self, at: u64) -> &[u8] {
        let at = at as usize;
        let len = u32_at(&self.arena, at + 5) as usize;
        &self.arena[at + INPUT_HEAD..at + INPUT_HEAD + len]
    }

    /// The payload of the output chunk at `at`.
    #[inline]
    pub fn output_bytes(&self, at: u64) -> &[u8] {
        let at = at as usize;
        let len = u32_at(&self.arena, at) as usize;
        &self.arena[at + OUTPUT_HEAD..at + OUTPUT_HEAD + len]
    }

    /// Appends a whole record; `Err` for a payload of 4 GiB or more.
    pub fn push_record(&mut self, r: &CallRecord<'_>) -> Result<(), PayloadTooLarge> {
        self.push_record_cancelled(r, false)
    }

    /// [`push_record`](Self::push_record) for a record that may have been
    /// cancelled (then it is not completed).
    pub fn push_record_cancelled(
        &mut self,
        r: &CallRecord<'_>,
        cancelled: bool,
    ) -> Result<(), PayloadTooLarge> {
        let input_len = payload_len(r.input)?;
        let output_len = payload_len(r.output)?;
        let name = self.names.intern(r.interface, r.function);
        let input = self.push_input(name, r.kind, input_len, r.input);
        let output = if r.completed {
            self.push_output(output_len, r.output)
        } else if cancelled {
            CANCELLED
        } else {
            NOT_COMPLETED
        };
        self.entries.push(Entry { input, output });
        Ok(())
    }

    pub fn record(&self, e: &Entry) -> CallRecord<'_> {
        let (name, kind) = self.input_head(e.input);
        let (interface, function) = self.names.get(name);
        let completed = e.output != NOT_COMPLETED && e.output != CANCELLED;
        CallRecord {
            kind,
            interface,
            function,
            input: self.input_bytes(e.input),
            output: if completed {
                self.output_bytes(e.output)
            } else {
                &[]
            },
            completed,
        }
    }

    /// Computes the hash chain and seals the log.
    pub fn seal(self) -> CallLog {
        let header = file::header(&self);
        let genesis: [u8; 32] = Sha256::digest(header).into();
        let mut hashes = Vec::with_capacity(self.entries.len());
        let mut h = genesis;
        for e in &self.entries {
            h = file::chain_step(&h, &self.record(e), e.output == CANCELLED);
            hashes.push(h);
        }
        CallLog {
            parts: self,
            genesis,
            hashes,
        }
    }
}

/// A sealed, ordered log of calls with a SHA-256 hash chain.
///
/// Each entry `i` carries `h_i = SHA-256(h_{i-1} || encoding of entry i)`,
/// where `h_0` is the SHA-256 of the file header; altering, dropping or
/// reordering any entry changes every later hash and the
/// [`head_hash`](Self::head_hash). Build one with a
/// [`Recorder`](super::Recorder), [`CallLog::from_records`] or
/// [`CallLog::load`].
///
/// ```
/// use packr_runtime::record::CallLog;
/// let empty = CallLog::default();
/// assert!(empty.is_empty());
/// assert_eq!(empty.entries().count(), 0);
/// ```
#[derive(Clone)]
pub struct CallLog {
    pub(crate) parts: Parts,
    pub(crate) genesis: [u8; 32],
    pub(crate) hashes: Vec<[u8; 32]>,
}

impl Default for CallLog {
    fn default() -> Self {
        Parts::default().seal()
    }
}

impl CallLog {
    /// A log of `records`, in order (for tests and tools; a live session
    /// is recorded with a [`Recorder`](super::Recorder)).
    ///
    /// ```
    /// use packr_runtime::intercept::CallKind;
    /// use packr_runtime::record::{CallLog, CallRecord};
    /// let r = CallRecord { kind: CallKind::HostCall, interface: "a:b/c", function: "f",
    ///                      input: b"1", output: b"2", completed: true };
    /// let log = CallLog::from_records([r, r]);
    /// assert_eq!(log.len(), 2);
    /// assert_eq!(log.get(1), Some(r));
    /// ```
    ///
    /// # Panics
    ///
    /// If a record's input or output is 4 GiB or more: no guest can pass or
    /// receive that much, and a log does not hold it.
    pub fn from_records<'a>(records: impl IntoIterator<Item = CallRecord<'a>>) -> CallLog {
        let mut parts = Parts::default();
        for r in records {
            if let Err(e) = parts.push_record(&r) {
                panic!("CallLog::from_records: {e}");
            }
        }
        parts.seal()
    }

    /// Number of recorded calls.
    ///
    /// ```
    /// assert_eq!(packr_runtime::record::CallLog::default().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.parts.entries.len()
    }

    /// True for a log without calls.
    ///
    /// ```
    /// assert!(packr_runtime::record::CallLog::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.parts.entries.is_empty()
    }

    /// The call at `index`, if there is one.
    ///
    /// ```
    /// assert_eq!(packr_runtime::record::CallLog::default().get(0), None);
    /// ```
    pub fn get(&self, index: usize) -> Option<CallRecord<'_>> {
        self.parts.entries.get(index).map(|e| self.parts.record(e))
    }

    /// True when the call at `index` was cancelled: an async export call
    /// whose future was dropped before it finished, or the host call it was
    /// waiting in (neither [`completed`](CallRecord::completed)). Replay
    /// reports reaching one as [`DivergenceKind::Cancelled`](super::DivergenceKind::Cancelled).
    ///
    /// ```
    /// use packr_runtime::intercept::{CallInfo, CallInterceptor, CallKind};
    /// use packr_runtime::record::Recorder;
    /// let run = CallInfo { kind: CallKind::GuestExport, interface: "", function: "run" };
    /// let mut r = Recorder::new();
    /// r.before(&run, &[]).unwrap();
    /// r.cancelled(&run); // the embedder dropped the call's future
    /// let log = r.finish();
    /// assert!(!log.get(0).unwrap().completed);
    /// assert!(log.is_cancelled(0));
    /// ```
    pub fn is_cancelled(&self, index: usize) -> bool {
        self.parts
            .entries
            .get(index)
            .is_some_and(|e| e.output == CANCELLED)
    }

    /// The calls, in the order they were made.
    ///
    /// ```
    /// use packr_runtime::intercept::CallKind;
    /// use packr_runtime::record::{CallLog, CallRecord};
    /// let r = CallRecord { kind: CallKind::GuestExport, interface: "", function: "run",
    ///                      input: &[], output: b"ok", completed: true };
    /// let log = CallLog::from_records([r]);
    /// let functions: Vec<&str> = log.entries().map(|c| c.function).collect();
    /// assert_eq!(functions, ["run"]);
    /// ```
    pub fn entries(&self) -> Entries<'_> {
        Entries {
            parts: &self.parts,
            inner: self.parts.entries.iter(),
        }
    }

    /// The wire version the recorded guest spoke: the version in the header
    /// of the first buffer the guest sent (a host call's input, an export's
    /// output; the log keeps the bytes as they crossed, so their headers
    /// say it). `None` for a log without one.
    ///
    /// ```
    /// use packr_runtime::abi::{self, Wire};
    /// use packr_runtime::intercept::CallKind;
    /// use packr_runtime::record::{CallLog, CallRecord};
    /// let input = abi::encode_with(&1u8, Wire::V3).unwrap();
    /// let r = CallRecord { kind: CallKind::HostCall, interface: "a:b/c", function: "f",
    ///                      input: &input, output: &[], completed: false };
    /// assert_eq!(CallLog::from_records([r]).wire(), Some(Wire::V3));
    /// assert_eq!(CallLog::default().wire(), None);
    /// ```
    pub fn wire(&self) -> Option<crate::abi::Wire> {
        self.entries().find_map(|c| match c.kind {
            CallKind::HostCall => crate::abi::Wire::of(c.input),
            CallKind::GuestExport => crate::abi::Wire::of(c.output),
        })
    }

    /// The hash of the whole log: the chain hash of the last entry (of an
    /// empty log, the hash of its header). Two logs with the same head hash
    /// hold the same calls.
    ///
    /// ```
    /// use packr_runtime::intercept::CallKind;
    /// use packr_runtime::record::{CallLog, CallRecord};
    /// let r = CallRecord { kind: CallKind::HostCall, interface: "a:b/c", function: "f",
    ///                      input: b"1", output: b"2", completed: true };
    /// let changed = CallRecord { output: b"3", ..r };
    /// assert_ne!(CallLog::from_records([r]).head_hash(), CallLog::from_records([changed]).head_hash());
    /// assert_eq!(CallLog::from_records([r]).head_hash(), CallLog::from_records([r]).head_hash());
    /// ```
    pub fn head_hash(&self) -> [u8; 32] {
        self.hashes.last().copied().unwrap_or(self.genesis)
    }
}

impl PartialEq for CallLog {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.entries().eq(other.entries())
    }
}

impl Eq for CallLog {}

impl fmt::Debug for CallLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let head: String = self.head_hash()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        f.debug_struct("CallLog")
            .field("len", &self.len())
            .field("head_hash", &format_args!("{head}…"))
            .field("entries", &format_args!("{:?}", self.entries()))
            .finish()
    }
}

/// The calls of a [`CallLog`], in order; from [`CallLog::entries`].
///
/// ```
/// let log = packr_runtime::record::CallLog::default();
/// let mut entries = log.entries();
/// assert_eq!(entries.len(), 0);
/// assert!(entries.next().is_none());
/// ```
#[derive(Clone)]
pub struct Entries<'a> {
    parts: &'a Parts,
    inner: std::slice::Iter<'a, Entry>,
}

impl fmt::Debug for Entries<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.clone()).finish()
    }
}

impl<'a> Iterator for Entries<'a> {
    type Item = CallRecord<'a>;

    fn next(&mut self) -> Option<CallRecord<'a>> {
        self.inner.next().map(|e| self.parts.record(e))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl DoubleEndedIterator for Entries<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.inner.next_back().map(|e| self.parts.record(e))
    }
}

impl ExactSizeIterator for Entries<'_> {}
