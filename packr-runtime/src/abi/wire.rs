//! The wire versions a buffer can carry in its header (docs/abi.md).

use std::fmt;

/// Which version of the CGRF format a buffer is written in.
///
/// Version 2 is what reference guests 0.7–0.21 speak; version 3 (reference
/// 0.22 and later) is byte for byte the same format plus two node kinds,
/// map and set. The decoder reads both; the encoder writes the one asked
/// for ([`encode_with`](super::encode_with)). Under version 2, maps and
/// sets travel as `list<tuple<K, V>>` and `list<T>`.
///
/// ```
/// use packr_runtime::abi::{self, Wire};
/// let v2 = abi::encode(&7u32)?;
/// let v3 = abi::encode_with(&7u32, Wire::V3)?;
/// assert_eq!(Wire::of(&v2), Some(Wire::V2));
/// assert_eq!(Wire::of(&v3), Some(Wire::V3));
/// assert_eq!(abi::decode_as::<u32>(&v3)?, 7);
/// # Ok::<(), abi::AbiError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Wire {
    /// Version 2: no map or set nodes.
    #[default]
    V2,
    /// Version 3: map (0x16) and set (0x17) nodes and descriptor tags.
    V3,
}

impl Wire {
    /// Every version packr speaks, oldest first.
    pub const ALL: [Wire; 2] = [Wire::V2, Wire::V3];

    /// The number written in the header.
    #[inline]
    pub const fn version(self) -> u16 {
        match self {
            Wire::V2 => 2,
            Wire::V3 => 3,
        }
    }

    /// The version for a header number, `None` for one packr does not speak.
    #[inline]
    pub const fn from_version(version: u16) -> Option<Wire> {
        match version {
            2 => Some(Wire::V2),
            3 => Some(Wire::V3),
            _ => None,
        }
    }

    /// The version in `bytes`' header, `None` unless they start with the
    /// magic and a version packr speaks. Only the header is looked at.
    #[inline]
    pub fn of(bytes: &[u8]) -> Option<Wire> {
        match bytes {
            [b'C', b'G', b'R', b'F', lo, hi, ..] => {
                Wire::from_version(u16::from_le_bytes([*lo, *hi]))
            }
            _ => None,
        }
    }

    /// True when map and set nodes are valid in this version.
    #[inline]
    pub const fn has_maps(self) -> bool {
        matches!(self, Wire::V3)
    }
}

impl fmt::Display for Wire {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "wire version {}", self.version())
    }
}
