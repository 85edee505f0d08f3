//! The typed export handles an instance has looked up, by name.
//!
//! Every export call finds its handle here, so the hash is on the hot path
//! of every call into a guest (a cross-member call makes one per call).
//! std's SipHash cost a 19-byte name about 10 ns, 6 % of a cross-member
//! call; this map hashes with FxHash's word-at-a-time multiply instead. Only
//! names the host calls are ever inserted, so a guest cannot choose keys
//! that collide: flooding resistance buys nothing here.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Export handles by export name.
pub(crate) type ExportCache<F> = HashMap<String, F, BuildHasherDefault<NameHasher>>;

/// FxHash (the multiply-rotate hash rustc uses for its own tables) over
/// whole 8-byte words.
#[derive(Default, Clone, Copy)]
pub(crate) struct NameHasher(u64);

const SEED: u64 = 0xf135_7aea_2e62_a9c5;

impl NameHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for NameHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            self.add(u64::from_le_bytes(w.try_into().expect("8 bytes")));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last));
        }
    }

    #[inline]
    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_share_a_prefix_or_padding_are_told_apart() {
        let mut cache = ExportCache::default();
        let names = [
            "",
            "a",
            "a\0",
            "bench:host/math.add",
            "bench:host/math.ad",
            "bench:host/math.add2",
            "12345678",
            "123456781",
        ];
        for (i, n) in names.iter().enumerate() {
            cache.insert(n.to_string(), i);
        }
        for (i, n) in names.iter().enumerate() {
            assert_eq!(cache.get(*n), Some(&i), "{n:?}");
        }
        assert_eq!(cache.get("bench:host/math.sub"), None);
    }
}
