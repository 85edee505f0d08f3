//! WIT `flags`: a set of named bits carried as one `u64` mask (node kind
//! 0x13). `bindgen!` generates a bit-set type per `flags` declaration and
//! implements [`GraphValue`](super::GraphValue) with these helpers; a mask
//! with bits outside the declared flags is rejected, not truncated.

use super::{AbiError, AbiErrorKind, Decoder, Encoder, Kind};

/// Encodes a flags mask as one node.
///
/// ```
/// use packr_runtime::abi::{flags, Encoder};
/// let mut enc = Encoder::new();
/// let root = flags::encode(0b101, &mut enc);
/// let bytes = enc.finish(root);
/// assert_eq!(packr_runtime::abi::decode(&bytes)?.to_string(), "flags(0b101)");
/// # Ok::<(), packr_runtime::abi::AbiError>(())
/// ```
#[inline]
pub fn encode(bits: u64, enc: &mut Encoder) -> u32 {
    enc.scalar(Kind::Flags, &bits.to_le_bytes())
}

/// Decodes the flags node `index`, rejecting bits outside `declared`.
///
/// ```
/// use packr_runtime::abi::{flags, Decoder, Encoder, Limits};
/// let mut enc = Encoder::new();
/// let root = flags::encode(0b100, &mut enc);
/// let bytes = enc.finish(root);
/// let limits = Limits::default();
/// let mut dec = Decoder::new(&bytes, &limits)?;
/// assert_eq!(flags::decode(&mut dec, 0, 0b111)?, 0b100);
/// let mut dec = Decoder::new(&bytes, &limits)?;
/// assert!(flags::decode(&mut dec, 0, 0b011).is_err());
/// # Ok::<(), packr_runtime::abi::AbiError>(())
/// ```
#[inline]
pub fn decode(dec: &mut Decoder<'_>, index: u32, declared: u64) -> Result<u64, AbiError> {
    check(
        index,
        u64::from_le_bytes(dec.fixed::<8>(index, Kind::Flags)?),
        declared,
    )
}

/// Decodes the packed masks of a `list<flags>` array node.
pub fn decode_array(index: u32, data: &[u8], declared: u64) -> Result<Vec<u64>, AbiError> {
    data.chunks_exact(8)
        .map(|c| {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            check(index, u64::from_le_bytes(b), declared)
        })
        .collect()
}

fn check(index: u32, bits: u64, declared: u64) -> Result<u64, AbiError> {
    if bits & !declared == 0 {
        Ok(bits)
    } else {
        Err(AbiError::at(
            index,
            AbiErrorKind::Invalid(format!(
                "flags {bits:#x} set bits outside the declared ones ({declared:#x})"
            )),
        ))
    }
}
