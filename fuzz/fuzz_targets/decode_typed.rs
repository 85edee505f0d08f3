//! The typed decoders on arbitrary input: errors are fine, panics are not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use packr_runtime::abi::{self, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

type Record = (String, Vec<(u32, Option<String>)>, Result<Vec<u8>, String>);

fuzz_target!(|data: &[u8]| {
    let _ = abi::decode_as::<(i32, i32)>(data);
    let _ = abi::decode_as::<Vec<u8>>(data);
    let _ = abi::decode_as::<Vec<String>>(data);
    let _ = abi::decode_as::<Record>(data);
    let _ = abi::decode_as::<BTreeMap<String, Vec<char>>>(data);
    let _ = abi::decode_as::<Option<Option<Box<Value>>>>(data);
    let _ = abi::decode_as::<[bool; 3]>(data);
    // Wire version 3: map and set nodes (and their list forms).
    let _ = abi::decode_as::<HashMap<u32, Option<String>>>(data);
    let _ = abi::decode_as::<BTreeSet<String>>(data);
    let _ = abi::decode_as::<Vec<BTreeSet<u8>>>(data);
});
