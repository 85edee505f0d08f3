//! The versioned log file.
//!
//! ```text
//! header   "PACKRLOG"  u16 version = 2  u16 reserved = 0
//!          u64 entry count  u64 total file length
//! h_0      SHA-256(header)
//! entry i  u8 kind (0 host call, 1 guest export)
//!          u8 completed (0 no, 1 yes, 2 cancelled: not completed because
//!          the async call was dropped)
//!          u64 interface length  u64 function length
//!          u64 input length  u64 output length (0 unless completed)
//!          interface bytes (UTF-8)  function bytes (UTF-8)  input  output
//!          h_i = SHA-256(h_{i-1} || the entry's bytes above)
//! head     h_n (h_0 for an empty log)
//! ```
//!
//! All integers are little-endian. The total length in the (hashed) header
//! tells a truncated file (shorter than announced) from one whose length
//! fields were altered (as long as announced, but the entries do not fit).

use super::log::{CallLog, CallRecord, Parts};
use crate::intercept::CallKind;
use sha2::{Digest, Sha256};
use std::fmt;
use std::io::{self, Read, Write};
use std::path::Path;

const MAGIC: &[u8; 8] = b"PACKRLOG";
/// The format version this packr writes and reads.
const VERSION: u16 = 2;
const HEADER_LEN: usize = 28;
const ENTRY_FIXED: usize = 34;
const HASH: usize = 32;
/// Files larger than this are refused (and never read past it).
const MAX_FILE: u64 = 16 << 30;

/// Why a call log file could not be loaded.
///
/// ```
/// use packr_runtime::record::{CallLog, LogFileError};
/// let err = CallLog::read_from(&b"GIF89a, certainly not a log"[..]).unwrap_err();
/// assert!(matches!(err, LogFileError::NotALog));
/// assert_eq!(err.to_string(), "not a packr call log (bad magic)");
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum LogFileError {
    /// Reading the file failed.
    Io(io::Error),
    /// The file does not start with the packr log magic `PACKRLOG`.
    NotALog,
    /// The file was written in a format version this packr cannot read.
    UnsupportedVersion {
        /// The version in the file.
        found: u16,
        /// The version this packr reads.
        supported: u16,
    },
    /// The file ends inside its header.
    TruncatedHeader,
    /// The file is shorter than its header announces: it ends inside entry
    /// `entry` (`entry == entries` when only the closing head hash is
    /// missing).
    Truncated {
        /// The first incomplete entry (0-based).
        entry: u64,
        /// How many entries the header announces.
        entries: u64,
    },
    /// The header does not match its hash `h_0`.
    HeaderAltered,
    /// Entry `entry` (its fields or its chain hash) was altered: its chain
    /// hash does not match, or its lengths do not fit in the file.
    Altered {
        /// The altered entry (0-based).
        entry: u64,
    },
    /// Every entry checks out but the closing head hash does not match.
    HeadHashAltered,
    /// Bytes follow the closing head hash.
    TrailingData {
        /// How many.
        bytes: u64,
    },
    /// The file is larger than packr reads (16 GiB).
    TooLarge,
    /// The hashes match but the content is invalid (a file crafted or
    /// written by a broken writer).
    Malformed(String),
}

impl fmt::Display for LogFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LogFileError::Io(e) => write!(f, "reading the call log: {e}"),
            LogFileError::NotALog => f.write_str("not a packr call log (bad magic)"),
            LogFileError::UnsupportedVersion { found, supported } => write!(
                f,
                "unsupported call log version {found} (this packr reads version {supported})"
            ),
            LogFileError::TruncatedHeader => f.write_str("call log truncated in its header"),
            LogFileError::Truncated { entry, entries } if entry == entries => write!(
                f,
                "call log truncated after its {entries} entries (the head hash is missing)"
            ),
            LogFileError::Truncated { entry, entries } => write!(
                f,
                "call log truncated at entry {entry} (of {entries} announced)"
            ),
            LogFileError::HeaderAltered => {
                f.write_str("the call log header was altered (hash mismatch)")
            }
            LogFileError::Altered { entry } => {
                write!(f, "call log entry {entry} was altered (hash mismatch)")
            }
            LogFileError::HeadHashAltered => {
                f.write_str("the call log head hash was altered (hash mismatch)")
            }
            LogFileError::TrailingData { bytes } => {
                write!(f, "{bytes} unexpected bytes after the end of the call log")
            }
            LogFileError::TooLarge => {
                write!(f, "the call log is larger than {} GiB", MAX_FILE >> 30)
            }
            LogFileError::Malformed(m) => write!(f, "malformed call log: {m}"),
        }
    }
}

impl std::error::Error for LogFileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LogFileError::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<io::Error> for LogFileError {
    fn from(e: io::Error) -> Self {
        LogFileError::Io(e)
    }
}

fn entry_len(r: &CallRecord<'_>) -> u64 {
    (ENTRY_FIXED + r.interface.len() + r.function.len() + r.input.len() + r.output.len() + HASH)
        as u64
}

/// The file header of a log made of `parts`.
pub(crate) fn header(parts: &Parts) -> [u8; HEADER_LEN] {
    let body: u64 = parts
        .entries
        .iter()
        .map(|e| entry_len(&parts.record(e)))
        .sum();
    let total = (HEADER_LEN + HASH + HASH) as u64 + body;
    let mut h = [0u8; HEADER_LEN];
    h[..8].copy_from_slice(MAGIC);
    h[8..10].copy_from_slice(&VERSION.to_le_bytes());
    h[12..20].copy_from_slice(&(parts.entries.len() as u64).to_le_bytes());
    h[20..28].copy_from_slice(&total.to_le_bytes());
    h
}

fn fixed(r: &CallRecord<'_>, cancelled: bool) -> [u8; ENTRY_FIXED] {
    let mut b = [0u8; ENTRY_FIXED];
    b[0] = match r.kind {
        CallKind::HostCall => 0,
        CallKind::GuestExport => 1,
    };
    b[1] = if cancelled { 2 } else { r.completed as u8 };
    let lens = [
        r.interface.len(),
        r.function.len(),
        r.input.len(),
        r.output.len(),
    ];
    for (i, len) in lens.into_iter().enumerate() {
        b[2 + 8 * i..10 + 8 * i].copy_from_slice(&(len as u64).to_le_bytes());
    }
    b
}

/// `h_i = SHA-256(h_{i-1} || canonical encoding of entry i)`.
pub(crate) fn chain_step(previous: &[u8; 32], r: &CallRecord<'_>, cancelled: bool) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(previous);
    h.update(fixed(r, cancelled));
    h.update(r.interface.as_bytes());
    h.update(r.function.as_bytes());
    h.update(r.input);
    h.update(r.output);
    h.finalize().into()
}

impl CallLog {
    /// Writes the log in the versioned file format, with its hash chain.
    ///
    /// ```
    /// use packr_runtime::record::CallLog;
    /// let mut file = Vec::new();
    /// CallLog::default().write_to(&mut file).unwrap();
    /// assert!(file.starts_with(b"PACKRLOG"));
    /// ```
    pub fn write_to(&self, w: impl Write) -> io::Result<()> {
        let mut w = io::BufWriter::new(w);
        w.write_all(&header(&self.parts))?;
        w.write_all(&self.genesis)?;
        for (at, (r, h)) in self.entries().zip(&self.hashes).enumerate() {
            w.write_all(&fixed(&r, self.is_cancelled(at)))?;
            w.write_all(r.interface.as_bytes())?;
            w.write_all(r.function.as_bytes())?;
            w.write_all(r.input)?;
            w.write_all(r.output)?;
            w.write_all(h)?;
        }
        w.write_all(&self.head_hash())?;
        w.flush()
    }

    /// Saves the log to the file at `path` (created or truncated).
    ///
    /// ```
    /// use packr_runtime::record::CallLog;
    /// let path = std::env::temp_dir().join(format!("packr-doc-save-{}.log", std::process::id()));
    /// CallLog::default().save(&path).unwrap();
    /// assert_eq!(CallLog::load(&path).unwrap(), CallLog::default());
    /// # std::fs::remove_file(path).unwrap();
    /// ```
    pub fn save(&self, path: impl AsRef<Path>) -> io::Result<()> {
        let mut f = std::fs::File::create(path)?;
        self.write_to(&mut f)?;
        f.sync_all()
    }

    /// Loads and checks a log saved with [`save`](Self::save).
    ///
    /// ```
    /// use packr_runtime::record::{CallLog, LogFileError};
    /// let err = CallLog::load("/nonexistent/packr.log").unwrap_err();
    /// assert!(matches!(err, LogFileError::Io(_)));
    /// ```
    pub fn load(path: impl AsRef<Path>) -> Result<CallLog, LogFileError> {
        CallLog::read_from(std::fs::File::open(path)?)
    }

    /// Reads a log and checks its format and its whole hash chain.
    ///
    /// The input is untrusted: a damaged file is an error naming what is
    /// wrong ([`LogFileError`]), never a panic, and no length read from the
    /// file allocates more than the bytes actually present.
    ///
    /// ```
    /// use packr_runtime::intercept::CallKind;
    /// use packr_runtime::record::{CallLog, CallRecord, LogFileError};
    /// let r = CallRecord { kind: CallKind::HostCall, interface: "a:b/c", function: "f",
    ///                      input: b"in", output: b"out", completed: true };
    /// let mut file = Vec::new();
    /// CallLog::from_records([r]).write_to(&mut file).unwrap();
    /// assert_eq!(CallLog::read_from(&file[..]).unwrap().get(0), Some(r));
    ///
    /// let at = file.windows(3).position(|w| w == b"out").unwrap();
    /// file[at] = b'O';
    /// let err = CallLog::read_from(&file[..]).unwrap_err();
    /// assert!(matches!(err, LogFileError::Altered { entry: 0 }));
    /// assert!(CallLog::read_from(&file[..file.len() - 1]).is_err());
    /// ```
    pub fn read_from(r: impl Read) -> Result<CallLog, LogFileError> {
        let mut bytes = Vec::new();
        r.take(MAX_FILE + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > MAX_FILE {
            return Err(LogFileError::TooLarge);
        }
        parse(&bytes)
    }
}

fn le_u64(b: &[u8]) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[..8]);
    u64::from_le_bytes(a)
}

fn parse(bytes: &[u8]) -> Result<CallLog, LogFileError> {
    let magic_len = bytes.len().min(MAGIC.len());
    if bytes[..magic_len] != MAGIC[..magic_len] {
        return Err(LogFileError::NotALog);
    }
    if bytes.len() < 10 {
        return Err(LogFileError::TruncatedHeader);
    }
    let version = u16::from_le_bytes([bytes[8], bytes[9]]);
    if version != VERSION {
        return Err(LogFileError::UnsupportedVersion {
            found: version,
            supported: VERSION,
        });
    }
    if bytes.len() < HEADER_LEN + HASH {
        return Err(LogFileError::TruncatedHeader);
    }
    let header = &bytes[..HEADER_LEN];
    let genesis: [u8; 32] = Sha256::digest(header).into();
    if bytes[HEADER_LEN..HEADER_LEN + HASH] != genesis {
        return Err(LogFileError::HeaderAltered);
    }
    if header[10..12] != [0, 0] {
        return Err(LogFileError::Malformed(
            "the reserved header field is not zero".into(),
        ));
    }
    let count = le_u64(&header[12..20]);
    let announced = le_u64(&header[20..28]);
    let truncated = (bytes.len() as u64) < announced;

    let mut c = Cursor {
        b: bytes,
        pos: HEADER_LEN + HASH,
    };
    let mut parts = Parts::default();
    // Every entry takes at least its fixed part and its hash: never reserve
    // more entries than the bytes present can hold.
    let room = (bytes.len() - c.pos) / (ENTRY_FIXED + HASH);
    let room = room.min(count.try_into().unwrap_or(usize::MAX));
    parts.entries.reserve(room);
    let mut hashes = Vec::with_capacity(room);
    // The arena holds at most the bytes that follow.
    parts.arena.reserve(bytes.len() - c.pos);
    let mut h = genesis;
    for i in 0..count {
        let missing = || {
            if truncated {
                LogFileError::Truncated {
                    entry: i,
                    entries: count,
                }
            } else {
                LogFileError::Altered { entry: i }
            }
        };
        let start = c.pos;
        let fixed = c.take(ENTRY_FIXED).ok_or_else(missing)?;
        let len = |k: usize| le_u64(&fixed[2 + 8 * k..]);
        let interface = c.take_u64(len(0)).ok_or_else(missing)?;
        let function = c.take_u64(len(1)).ok_or_else(missing)?;
        let input = c.take_u64(len(2)).ok_or_else(missing)?;
        let output = c.take_u64(len(3)).ok_or_else(missing)?;
        let end = c.pos;
        let stored = c.take(HASH).ok_or_else(missing)?;
        let mut hasher = Sha256::new();
        hasher.update(h);
        hasher.update(&bytes[start..end]);
        h = hasher.finalize().into();
        if stored != h {
            return Err(LogFileError::Altered { entry: i });
        }
        let malformed = |what: &str| LogFileError::Malformed(format!("entry {i}: {what}"));
        let kind = match fixed[0] {
            0 => CallKind::HostCall,
            1 => CallKind::GuestExport,
            k => return Err(malformed(&format!("unknown call kind {k}"))),
        };
        let cancelled = fixed[1] == 2;
        let completed = match fixed[1] {
            0 if output.is_empty() => false,
            0 => return Err(malformed("an incomplete call has output bytes")),
            1 => true,
            2 if output.is_empty() => false,
            2 => return Err(malformed("a cancelled call has output bytes")),
            k => return Err(malformed(&format!("completion flag {k} is not 0, 1 or 2"))),
        };
        let (Ok(interface), Ok(function)) = (
            std::str::from_utf8(interface),
            std::str::from_utf8(function),
        ) else {
            return Err(malformed("a name is not UTF-8"));
        };
        parts
            .push_record_cancelled(
                &CallRecord {
                    kind,
                    interface,
                    function,
                    input,
                    output,
                    completed,
                },
                cancelled,
            )
            .map_err(|e| malformed(&e.to_string()))?;
        hashes.push(h);
    }
    let head = c.take(HASH).ok_or(if truncated {
        LogFileError::Truncated {
            entry: count,
            entries: count,
        }
    } else {
        LogFileError::Malformed("the entries overrun the announced file length".into())
    })?;
    if head != h {
        return Err(LogFileError::HeadHashAltered);
    }
    if c.pos < bytes.len() {
        return Err(LogFileError::TrailingData {
            bytes: (bytes.len() - c.pos) as u64,
        });
    }
    if c.pos as u64 != announced {
        return Err(LogFileError::Malformed(format!(
            "the header announces {announced} bytes, the log has {}",
            c.pos
        )));
    }
    Ok(CallLog {
        parts,
        genesis,
        hashes,
    })
}

struct Cursor<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let out = self.b.get(self.pos..end)?;
        self.pos = end;
        Some(out)
    }

    fn take_u64(&mut self, n: u64) -> Option<&'a [u8]> {
        self.take(usize::try_from(n).ok()?)
    }
}
