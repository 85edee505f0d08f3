//! Any input either decodes to a `Value` that re-encodes and decodes to
//! itself, or is rejected with an error; it never panics or hangs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use packr_runtime::abi;

fuzz_target!(|data: &[u8]| {
    if let Ok(value) = abi::decode(data) {
        let bytes = abi::encode(&value).expect("a decoded value re-encodes");
        let again = abi::decode(&bytes).expect("re-encoded bytes decode");
        // NaN payloads compare unequal; compare the canonical bytes instead.
        assert_eq!(abi::encode(&again).expect("encodes"), bytes);
    }
});
