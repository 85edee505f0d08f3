//! Several typed decoders on arbitrary bytes.
//! The body lives in `packr_fuzz::decode_typed`, which `cargo test` also runs on
//! every seed in `fuzz/corpus/decode_typed/`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| packr_fuzz::decode_typed(data));
