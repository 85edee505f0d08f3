//! The versioned log file: header, records with their chain hashes, head.
//!
//! ```text
//! "PACKRLOG" u16 version=1 u16 reserved=0 u64 record-count
//! per record: u8 kind (0 host call, 1 guest export) u8 has-output
//!             u32-len interface, u32-len function, u32-len input,
//!             [u32-len output]  32-byte chain hash
//! 32-byte head hash
//! ```

use super::log::{CallLog, CallRecord, chain_step};
use crate::intercept::CallKind;
use std::fmt;
use std::io::{Read, Write};
use std::path::Path;

const MAGIC: &[u8; 8] = b"PACKRLOG";
const VERSION: u16 = 1;
/// Larger files are refused before they are read.
const MAX_FILE: u64 = 4 << 30;

/// Why a log file could not be read or written.
#[derive(Debug)]
#[non_exhaustive]
pub enum LogFileError {
    /// Reading or writing failed.
    Io(std::io::Error),
    /// The file does not start with the packr log magic.
    NotALog,
    /// The file was written by an unknown format version.
    UnsupportedVersion(u16),
    /// The file ends inside record `record` (or its header).
    Truncated {
        /// The first incomplete record.
        record: usize,
    },
    /// Record `record` does not match its chain hash: it (or one before it)
    /// was altered.
    Altered {
        /// The first record whose hash does not match.
        record: usize,
    },
    /// Bytes follow the head hash, or the head hash does not match.
    Corrupt(String),
}

impl fmt::Display for LogFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LogFileError::Io(e) => write!(f, "call log I/O: {e}"),
            LogFileError::NotALog => f.write_str("not a packr call log (bad magic)"),
            LogFileError::UnsupportedVersion(v) => {
                write!(f, "unsupported call log version {v} (this packr reads 1)")
            }
            LogFileError::Truncated { record } => {
                write!(f, "call log truncated at record {record}")
            }
            LogFileError::Altered { record } => {
                write!(f, "call log record {record} was altered (hash mismatch)")
            }
            LogFileError::Corrupt(m) => write!(f, "call log corrupt: {m}"),
        }
    }
}

impl std::error::Error for LogFileError {}

impl From<std::io::Error> for LogFileError {
    fn from(e: std::io::Error) -> Self {
        LogFileError::Io(e)
    }
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as u32).to_le_bytes());
    out.extend_from_slice(b);
}

/// The canonical encoding of a record (also what the chain hashes).
pub(crate) fn encode_record(r: &CallRecord, out: &mut Vec<u8>) {
    out.push(match r.kind {
        CallKind::HostCall => 0,
        CallKind::GuestExport => 1,
    });
    out.push(r.output.is_some() as u8);
    put_bytes(out, r.interface.as_bytes());
    put_bytes(out, r.function.as_bytes());
    put_bytes(out, &r.input);
    if let Some(o) = &r.output {
        put_bytes(out, o);
    }
}

impl CallLog {
    /// Writes the log with its hash chain.
    pub fn write_to(&self, w: &mut impl Write) -> Result<(), LogFileError> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&(self.records.len() as u64).to_le_bytes());
        let mut h = CallLog::genesis_hash();
        for r in &self.records {
            encode_record(r, &mut out);
            h = chain_step(&h, r);
            out.extend_from_slice(&h);
        }
        out.extend_from_slice(&h);
        w.write_all(&out)?;
        Ok(())
    }

    /// Saves the log to `path`.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), LogFileError> {
        let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
        self.write_to(&mut f)?;
        f.flush()?;
        Ok(())
    }

    /// Loads a log from `path`, checking the hash chain.
    pub fn load(path: impl AsRef<Path>) -> Result<CallLog, LogFileError> {
        let f = std::fs::File::open(path)?;
        CallLog::read_from(&mut std::io::BufReader::new(f))
    }

    /// Reads a log, checking the format and the hash chain. Untrusted input
    /// never panics, and no length read from the file allocates more than
    /// the bytes actually present.
    pub fn read_from(r: &mut impl Read) -> Result<CallLog, LogFileError> {
        let mut bytes = Vec::new();
        r.take(MAX_FILE).read_to_end(&mut bytes)?;
        let mut c = Cursor { b: &bytes, pos: 0 };
        if c.take(8).ok() != Some(&MAGIC[..]) {
            return Err(LogFileError::NotALog);
        }
        let trunc0 = || LogFileError::Truncated { record: 0 };
        let version = c.u16().map_err(|_| trunc0())?;
        if version != VERSION {
            return Err(LogFileError::UnsupportedVersion(version));
        }
        if c.u16().map_err(|_| trunc0())? != 0 {
            return Err(LogFileError::Corrupt(
                "reserved header field is not zero".into(),
            ));
        }
        let count = c.u64().map_err(|_| trunc0())?;
        let mut records = Vec::with_capacity((count as usize).min(bytes.len() / 11));
        let mut h = CallLog::genesis_hash();
        for i in 0..count as usize {
            let truncated = |_| LogFileError::Truncated { record: i };
            let kind = match c.u8().map_err(truncated)? {
                0 => CallKind::HostCall,
                1 => CallKind::GuestExport,
                k => {
                    return Err(LogFileError::Corrupt(format!(
                        "record {i} has unknown kind {k}"
                    )));
                }
            };
            let has_output = c.u8().map_err(truncated)?;
            let text = |c: &mut Cursor<'_>| -> Result<String, LogFileError> {
                let b = c.bytes().map_err(truncated)?;
                String::from_utf8(b.to_vec()).map_err(|_| LogFileError::Altered { record: i })
            };
            let interface = text(&mut c)?;
            let function = text(&mut c)?;
            let input = c.bytes().map_err(truncated)?.to_vec();
            let output = match has_output {
                0 => None,
                1 => Some(c.bytes().map_err(truncated)?.to_vec()),
                _ => return Err(LogFileError::Altered { record: i }),
            };
            let record = CallRecord {
                kind,
                interface,
                function,
                input,
                output,
            };
            let stored = c.take(32).map_err(truncated)?;
            h = chain_step(&h, &record);
            if stored != h {
                return Err(LogFileError::Altered { record: i });
            }
            records.push(record);
        }
        let head = c.take(32).map_err(|_| LogFileError::Truncated {
            record: count as usize,
        })?;
        if head != h {
            return Err(LogFileError::Corrupt(
                "the head hash does not match the records".into(),
            ));
        }
        if c.pos != bytes.len() {
            return Err(LogFileError::Corrupt(format!(
                "{} bytes after the head hash",
                bytes.len() - c.pos
            )));
        }
        Ok(CallLog { records })
    }
}

struct Cursor<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ()> {
        let end = self.pos.checked_add(n).ok_or(())?;
        let out = self.b.get(self.pos..end).ok_or(())?;
        self.pos = end;
        Ok(out)
    }
    fn u8(&mut self) -> Result<u8, ()> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, ()> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Result<u32, ()> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u64(&mut self) -> Result<u64, ()> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }
    fn bytes(&mut self) -> Result<&'a [u8], ()> {
        let n = self.u32()? as usize;
        self.take(n)
    }
}
