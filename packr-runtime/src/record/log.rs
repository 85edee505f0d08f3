//! The sealed log of a recorded session.

use crate::intercept::CallKind;
use sha2::{Digest, Sha256};

/// One recorded call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRecord {
    /// Host call or guest export.
    pub kind: CallKind,
    /// The interface path (empty for world-level functions).
    pub interface: String,
    /// The function name.
    pub function: String,
    /// The CGRF input bytes.
    pub input: Vec<u8>,
    /// The CGRF output bytes; `None` for an export call that never
    /// returned (the guest trapped).
    pub output: Option<Vec<u8>>,
}

/// A sealed, ordered log of calls with a SHA-256 hash chain: each entry's
/// hash covers the previous hash and the entry, so altering, dropping or
/// reordering any entry changes the head hash.
///
/// ```
/// use packr_runtime::record::CallLog;
/// let empty = CallLog::default();
/// assert!(empty.is_empty());
/// assert_eq!(empty.head_hash(), CallLog::genesis_hash());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CallLog {
    pub(crate) records: Vec<CallRecord>,
}

impl CallLog {
    /// A log of `records`, in order.
    pub fn from_records(records: Vec<CallRecord>) -> Self {
        CallLog { records }
    }

    /// The records, in call order.
    pub fn records(&self) -> &[CallRecord] {
        &self.records
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// True for a log without records.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The hash the chain starts from.
    pub fn genesis_hash() -> [u8; 32] {
        Sha256::digest(b"packr call log v1").into()
    }

    /// The hash after every record.
    pub fn chain(&self) -> Vec<[u8; 32]> {
        let mut h = Self::genesis_hash();
        self.records
            .iter()
            .map(|r| {
                h = chain_step(&h, r);
                h
            })
            .collect()
    }

    /// The hash of the whole log (the genesis hash when empty).
    pub fn head_hash(&self) -> [u8; 32] {
        self.chain()
            .last()
            .copied()
            .unwrap_or_else(Self::genesis_hash)
    }
}

/// `SHA-256(previous || canonical encoding of the record)`.
pub(crate) fn chain_step(previous: &[u8; 32], r: &CallRecord) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(previous);
    let mut buf = Vec::with_capacity(32 + r.input.len() + r.output.as_ref().map_or(0, Vec::len));
    crate::record::file::encode_record(r, &mut buf);
    h.update(&buf);
    h.finalize().into()
}
