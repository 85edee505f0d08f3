//! Wire-version translation on a link whose ends speak different versions
//! (docs/abi.md §1): the consumer's argument is re-encoded in the
//! provider's version, and the provider's answer back in the consumer's,
//! as a host function always answers in the version of its input.
//!
//! Only this path decodes: when both ends speak one version (the common
//! case, and every link whose provider has not said which version it
//! speaks) the bytes cross untouched.

use crate::abi::{self, AbiError, Wire};

/// The two versions of one cross-member call that needs translating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Translation {
    /// The version of the consumer's argument, and so of its answer.
    pub(crate) consumer: Wire,
    /// The version the provider speaks.
    pub(crate) provider: Wire,
}

impl Translation {
    /// `Some` when `input` is in another version than the provider speaks.
    /// A provider that has not fixed its version (no configuration, no
    /// metadata, no buffer seen yet) reads the consumer's, so nothing is
    /// translated; neither is input without a readable header, which the
    /// provider rejects itself with its own error.
    #[inline]
    pub(crate) fn needed(input: &[u8], provider: Option<Wire>) -> Option<Self> {
        let provider = provider?;
        let consumer = Wire::of(input)?;
        (consumer != provider).then_some(Translation { consumer, provider })
    }

    /// The consumer's argument in the provider's version. Maps and sets
    /// become `list<tuple<K, V>>` and `list<T>` on the way to version 2.
    pub(crate) fn input(&self, input: &[u8]) -> Result<Vec<u8>, AbiError> {
        reencode(input, self.provider)
    }

    /// Appends the provider's answer to `out` in the consumer's version.
    pub(crate) fn output_into(&self, answer: &[u8], out: &mut Vec<u8>) -> Result<(), AbiError> {
        if Wire::of(answer) == Some(self.consumer) {
            out.extend_from_slice(answer);
            return Ok(());
        }
        out.extend_from_slice(&reencode(answer, self.consumer)?);
        Ok(())
    }
}

/// `bytes` decoded under the default limits and written in `wire`.
fn reencode(bytes: &[u8], wire: Wire) -> Result<Vec<u8>, AbiError> {
    abi::encode_with(&abi::decode(bytes)?, wire)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn only_a_provider_of_another_known_version_translates() {
        let v2 = abi::encode(&7u32).unwrap();
        let v3 = abi::encode_with(&7u32, Wire::V3).unwrap();
        assert_eq!(Translation::needed(&v2, None), None);
        assert_eq!(Translation::needed(&v2, Some(Wire::V2)), None);
        assert_eq!(Translation::needed(b"junk", Some(Wire::V3)), None);
        assert_eq!(
            Translation::needed(&v2, Some(Wire::V3)),
            Some(Translation {
                consumer: Wire::V2,
                provider: Wire::V3
            })
        );
        assert!(Translation::needed(&v3, Some(Wire::V2)).is_some());
    }

    #[test]
    fn a_map_crosses_to_a_v2_provider_as_a_list_of_pairs_and_back() {
        let map: BTreeMap<String, u32> = [("a".into(), 1), ("b".into(), 2)].into();
        let v3 = abi::encode_with(&map, Wire::V3).unwrap();
        let t = Translation::needed(&v3, Some(Wire::V2)).unwrap();
        let for_provider = t.input(&v3).unwrap();
        assert_eq!(Wire::of(&for_provider), Some(Wire::V2));
        // What a v2 provider reads: the list form.
        let pairs: Vec<(String, u32)> = abi::decode_as(&for_provider).unwrap();
        assert_eq!(pairs, [("a".to_string(), 1), ("b".to_string(), 2)]);

        // Its answer, a v2 list of pairs, reaches the consumer as v3 bytes
        // that decode as the map.
        let mut out = Vec::new();
        t.output_into(&for_provider, &mut out).unwrap();
        assert_eq!(Wire::of(&out), Some(Wire::V3));
        assert_eq!(abi::decode_as::<BTreeMap<String, u32>>(&out).unwrap(), map);
    }

    #[test]
    fn bad_bytes_are_an_error_not_a_panic() {
        let t = Translation {
            consumer: Wire::V2,
            provider: Wire::V3,
        };
        let mut truncated = abi::encode(&(1u32, "x".to_string())).unwrap();
        truncated.truncate(truncated.len() - 3);
        assert!(t.input(&truncated).is_err());
        // A v2 answer to a v3 consumer must be re-encoded, so it is read.
        let back = Translation {
            consumer: Wire::V3,
            provider: Wire::V2,
        };
        let mut out = Vec::new();
        assert!(back.output_into(&truncated, &mut out).is_err());
        assert!(out.is_empty());
    }
}
