//! The WIT+ parser: no panic, every error's span inside the input.
//! The body lives in `packr_fuzz::wit_parser`, which `cargo test` also runs on
//! every seed in `fuzz/corpus/wit_parser/`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| packr_fuzz::wit_parser(data));
