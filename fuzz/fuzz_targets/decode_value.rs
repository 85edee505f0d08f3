//! The `Value` decoder: accepts and round-trips, or rejects; never panics.
//! The body lives in `packr_fuzz::decode_value`, which `cargo test` also runs on
//! every seed in `fuzz/corpus/decode_value/`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| packr_fuzz::decode_value(data));
