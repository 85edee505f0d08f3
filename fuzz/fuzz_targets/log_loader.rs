//! The call-log file loader.
//! The body lives in `packr_fuzz::log_loader`, which `cargo test` also runs on
//! every seed in `fuzz/corpus/log_loader/`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| packr_fuzz::log_loader(data));
