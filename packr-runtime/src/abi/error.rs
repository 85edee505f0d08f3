//! The error type of encoding and decoding.

use super::Kind;
use std::fmt;

/// Why a buffer could not be decoded or a value could not be encoded.
///
/// Decoding errors name the node where the problem was found, so a guest
/// author can find the faulty part of what they sent.
///
/// ```
/// use packr_runtime::abi;
/// let err = abi::decode(b"nope").unwrap_err();
/// assert!(err.to_string().contains("header"), "{err}");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct AbiError(Box<Inner>);

#[derive(Clone, PartialEq, Eq)]
struct Inner {
    node: Option<u32>,
    kind: AbiErrorKind,
}

/// What went wrong, without the node position.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AbiErrorKind {
    /// The buffer is shorter than the 16-byte header.
    TruncatedHeader {
        /// Bytes present.
        len: usize,
    },
    /// The magic is not `CGRF`.
    BadMagic([u8; 4]),
    /// The version is neither 2 nor 3.
    BadVersion(u16),
    /// A map or set node, or a map or set type tag, in a version-2 buffer.
    NeedsVersion3 {
        /// What was found: "map node", "set type tag", ...
        what: &'static str,
    },
    /// A map with the same key twice, or a set with the same element twice.
    Duplicate {
        /// "map key" or "set element".
        what: &'static str,
    },
    /// Header flags, node flags or a reserved field is not zero.
    NonZeroReserved,
    /// The buffer declares no node at all.
    NoNodes,
    /// A node header or payload runs past the end of the buffer.
    TruncatedNode,
    /// The header declares more nodes than the buffer has room for (each
    /// takes at least an 8-byte node header).
    NodeCountTooLarge {
        /// The node count the header declares.
        count: u32,
        /// Bytes after the 16-byte header.
        bytes: usize,
    },
    /// Bytes follow the last node.
    TrailingBytes {
        /// How many bytes are left over.
        extra: usize,
    },
    /// A node kind or type tag byte that does not exist.
    UnknownKind(u8),
    /// A node index at or past the node count.
    IndexOutOfRange {
        /// The index read.
        index: u32,
        /// The number of nodes.
        count: u32,
    },
    /// A node is (indirectly) its own descendant.
    Cycle {
        /// The node reached again.
        index: u32,
    },
    /// A payload ended before the kind's fields did.
    PayloadTooShort,
    /// A payload has bytes after its last field.
    PayloadTrailing,
    /// A bool byte other than 0 or 1.
    InvalidBool(u8),
    /// A char that is not a Unicode scalar value.
    InvalidChar(u32),
    /// A string that is not UTF-8.
    InvalidUtf8,
    /// An option present byte or result has-payload byte other than 0/1.
    InvalidFlagByte(u8),
    /// A list node whose element type is a fixed-width primitive (those
    /// must use an array node).
    PrimitiveList,
    /// An array node whose element type is not a fixed-width primitive.
    NonPrimitiveArray(u8),
    /// A limit from [`Limits`](super::Limits) was exceeded.
    LimitExceeded {
        /// Which limit.
        what: &'static str,
        /// Its value.
        limit: u64,
    },
    /// The node is not of the kind the target type needs.
    TypeMismatch {
        /// What the target type expected.
        expected: String,
        /// What the buffer holds.
        found: String,
    },
    /// A record lacks a field the target type requires.
    MissingField {
        /// The record type name expected.
        record: &'static str,
        /// The missing field.
        field: &'static str,
    },
    /// A variant tag that the target type does not have.
    UnknownCase {
        /// The variant type name expected.
        variant: &'static str,
        /// The tag read.
        tag: u32,
    },
    /// A value that decodes but does not fit the target (an array of the
    /// wrong length, an out-of-range enum, a too-large flags set).
    Invalid(String),
    /// A value cannot be encoded (a string or sequence longer than `u32`,
    /// a dynamic value whose items disagree with its declared type).
    Unencodable(String),
}

impl AbiError {
    /// An error not tied to a node.
    #[cold]
    pub fn new(kind: AbiErrorKind) -> Self {
        AbiError(Box::new(Inner { node: None, kind }))
    }

    /// An error found at node `index`.
    #[cold]
    pub fn at(index: u32, kind: AbiErrorKind) -> Self {
        AbiError(Box::new(Inner {
            node: Some(index),
            kind,
        }))
    }

    /// A type mismatch at node `index`.
    #[cold]
    pub fn mismatch(index: u32, expected: impl fmt::Display, found: impl fmt::Display) -> Self {
        AbiError::at(
            index,
            AbiErrorKind::TypeMismatch {
                expected: expected.to_string(),
                found: found.to_string(),
            },
        )
    }

    /// A node kind mismatch at node `index`.
    #[cold]
    pub fn wrong_kind(index: u32, expected: Kind, found: Kind) -> Self {
        AbiError::mismatch(index, expected, found)
    }

    /// An [`AbiErrorKind::Invalid`] error at node `index`.
    #[cold]
    pub fn invalid(index: u32, message: impl Into<String>) -> Self {
        AbiError::at(index, AbiErrorKind::Invalid(message.into()))
    }

    /// An [`AbiErrorKind::Unencodable`] error.
    #[cold]
    pub fn unencodable(message: impl Into<String>) -> Self {
        AbiError::new(AbiErrorKind::Unencodable(message.into()))
    }

    /// The node at which the problem was found, if any.
    pub fn node(&self) -> Option<u32> {
        self.0.node
    }

    /// What went wrong.
    pub fn kind(&self) -> &AbiErrorKind {
        &self.0.kind
    }
}

impl fmt::Display for AbiErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use AbiErrorKind::*;
        match self {
            TruncatedHeader { len } => {
                write!(
                    f,
                    "buffer of {len} bytes is shorter than the 16-byte header"
                )
            }
            BadMagic(m) => write!(f, "bad magic {m:02x?}, expected \"CGRF\""),
            BadVersion(v) => write!(f, "unsupported version {v}, expected 2 or 3"),
            NeedsVersion3 { what } => write!(
                f,
                "{what} in a version-2 buffer (maps and sets exist only in version 3)"
            ),
            Duplicate { what } => write!(f, "the same {what} occurs twice"),
            NonZeroReserved => f.write_str("a flags or reserved field is not zero"),
            NoNodes => f.write_str("the buffer declares no nodes"),
            TruncatedNode => f.write_str("node runs past the end of the buffer"),
            NodeCountTooLarge { count, bytes } => write!(
                f,
                "the header declares {count} nodes, the buffer holds {bytes} bytes after the header"
            ),
            TrailingBytes { extra } => write!(f, "{extra} trailing bytes after the last node"),
            UnknownKind(k) => write!(f, "unknown kind or type tag 0x{k:02x}"),
            IndexOutOfRange { index, count } => {
                write!(
                    f,
                    "child index {index} out of range (buffer has {count} nodes)"
                )
            }
            Cycle { index } => write!(f, "cycle: node {index} is its own descendant"),
            PayloadTooShort => f.write_str("payload shorter than its kind needs"),
            PayloadTrailing => f.write_str("trailing bytes inside the payload"),
            InvalidBool(b) => write!(f, "invalid bool byte {b}"),
            InvalidChar(c) => write!(f, "invalid char 0x{c:x} (not a Unicode scalar value)"),
            InvalidUtf8 => f.write_str("string is not valid UTF-8"),
            InvalidFlagByte(b) => write!(f, "invalid presence byte {b}, expected 0 or 1"),
            PrimitiveList => f.write_str(
                "list node with a fixed-width primitive element type (must be an array node)",
            ),
            NonPrimitiveArray(t) => {
                write!(
                    f,
                    "array node with non-primitive element type tag 0x{t:02x}"
                )
            }
            LimitExceeded { what, limit } => write!(f, "{what} exceeds the limit of {limit}"),
            TypeMismatch { expected, found } => write!(f, "expected {expected}, found {found}"),
            MissingField { record, field } => {
                write!(f, "record {record} lacks required field `{field}`")
            }
            UnknownCase { variant, tag } => {
                write!(f, "variant {variant} has no case with tag {tag}")
            }
            Invalid(m) => f.write_str(m),
            Unencodable(m) => write!(f, "cannot encode: {m}"),
        }
    }
}

impl fmt::Display for AbiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.node {
            Some(n) => write!(f, "node {n}: {}", self.0.kind),
            None => fmt::Display::fmt(&self.0.kind, f),
        }
    }
}

impl fmt::Debug for AbiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AbiError({self})")
    }
}

impl std::error::Error for AbiError {}
