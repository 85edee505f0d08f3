//! packr's decoder against the reference decoder (packr-abi 0.7.3).
//! The body lives in `packr_fuzz::differential`, which `cargo test` also runs on
//! every seed in `fuzz/corpus/differential/`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| packr_fuzz::differential(data));
