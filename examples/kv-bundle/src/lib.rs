//! An example host bundle: the `packr:kv/store` interface of
//! `wit/kv.wit+`, implemented with `#[host_interface]` and exported
//! through packr's bundle ABI.
//!
//! Build it with `cargo build -p kv-bundle`; the library
//! (`libkv_bundle.so` on Linux) goes into a bundle directory next to
//! `bundle.toml` and `wit/` (see docs/bundles.md), and any packr host loads
//! it with `packr::bundle::HostBundle::load`, or `packr run --bundle DIR`.

use std::collections::BTreeMap;

/// One guest instance's store: each instance gets its own, created when
/// it is instantiated and dropped with it.
#[derive(Default)]
pub struct KvStore {
    entries: BTreeMap<String, String>,
}

/// Longer keys are a bug in the caller's contract; the bundle panics on
/// them, which the host sees as an error status, not a crash.
const MAX_KEY: usize = 256;

// `wit = ...` checks at compile time that the methods match the interface
// the library will report (and the bundle ships).
#[packr::host_interface("packr:kv/store", wit = "wit/kv.wit+")]
impl KvStore {
    fn get(&self, key: &str) -> Option<String> {
        self.entries.get(key).cloned()
    }

    fn set(&mut self, key: String, value: String) {
        assert!(
            key.len() <= MAX_KEY,
            "key of {} bytes is longer than {MAX_KEY}",
            key.len()
        );
        self.entries.insert(key, value);
    }

    fn remove(&mut self, key: &str) -> bool {
        self.entries.remove(key).is_some()
    }

    fn count(&self) -> u32 {
        self.entries.len() as u32
    }
}

packr::bundle::export!(KvStore, wit = "wit/kv.wit+");
