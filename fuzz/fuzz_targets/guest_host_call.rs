//! A guest-driven host call on every engine: pointer, length and bytes chosen by the fuzzer.
//! The body lives in `packr_fuzz::guest_host_call`, which `cargo test` also runs on
//! every seed in `fuzz/corpus/guest_host_call/`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| packr_fuzz::guest_host_call(data));
