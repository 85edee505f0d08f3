//! Any input either decodes to a `Value` that re-encodes and decodes to
//! itself, or is rejected with an error; it never panics or hangs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use packr_runtime::abi::{self, Wire};

fuzz_target!(|data: &[u8]| {
    if let Ok(value) = abi::decode(data) {
        // Re-encoded in the input's version: a version-3 map stays a map.
        let wire = Wire::of(data).expect("a decoded buffer has a known version");
        let bytes = abi::encode_with(&value, wire).expect("a decoded value re-encodes");
        let again = abi::decode(&bytes).expect("re-encoded bytes decode");
        // NaN payloads compare unequal; compare the canonical bytes instead.
        assert_eq!(abi::encode_with(&again, wire).expect("encodes"), bytes);
    }
});
