//! The bodies of packr's fuzz targets, one entry function per target.
//!
//! `fuzz_targets/*.rs` call these from libFuzzer; the regular test
//! `packr-runtime/tests/fuzz_corpus.rs` includes this file and calls them on
//! every committed seed under `fuzz/corpus/<target>/`, so CI replays the
//! corpora without a fuzzer. An entry panics only on a real finding.

use packr_abi as reference;
use packr_runtime::abi::{self, AbiErrorKind, Value, ValueType, Wire};
use packr_runtime::engine::{CoreValue, Engine, EngineConfig, EngineKind, Error, Linked, Module};
use packr_runtime::host::HostBuilder;
use packr_runtime::record::CallLog;
use packr_runtime::wit::Package;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A target's body.
pub type Entry = fn(&[u8]);

/// Every target, by the name of its corpus directory and fuzz binary.
pub const TARGETS: &[(&str, Entry)] = &[
    ("decode_value", decode_value),
    ("decode_typed", decode_typed),
    ("differential", differential),
    ("wit_parser", wit_parser),
    ("log_loader", log_loader),
    ("guest_host_call", guest_host_call),
];

/// Any input either decodes to a `Value` that re-encodes and decodes to
/// itself, or is rejected with an error.
pub fn decode_value(data: &[u8]) {
    if let Ok(value) = abi::decode(data) {
        // Re-encoded in the input's version: a version-3 map stays a map.
        let wire = Wire::of(data).expect("a decoded buffer has a known version");
        let bytes = abi::encode_with(&value, wire).expect("a decoded value re-encodes");
        let again = abi::decode(&bytes).expect("re-encoded bytes decode");
        // NaN payloads compare unequal; compare the canonical bytes instead.
        assert_eq!(abi::encode_with(&again, wire).expect("encodes"), bytes);
    }
}

type Record = (String, Vec<(u32, Option<String>)>, Result<Vec<u8>, String>);

/// The typed decoders on arbitrary input: errors are fine, panics are not,
/// and what one accepts re-encodes to bytes that decode to the same value.
pub fn decode_typed(data: &[u8]) {
    fn round_trip<T: abi::GraphValue + PartialEq + std::fmt::Debug>(data: &[u8]) {
        if let Ok(v) = abi::decode_as::<T>(data) {
            let wire = Wire::of(data).expect("a decoded buffer has a known version");
            let bytes = abi::encode_with(&v, wire).expect("a decoded value re-encodes");
            assert_eq!(
                abi::decode_as::<T>(&bytes).expect("re-encoded bytes decode"),
                v
            );
        }
    }
    round_trip::<(i32, i32)>(data);
    round_trip::<u64>(data);
    round_trip::<Vec<u8>>(data);
    round_trip::<Vec<String>>(data);
    round_trip::<Record>(data);
    round_trip::<BTreeMap<String, Vec<char>>>(data);
    round_trip::<[bool; 3]>(data);
    round_trip::<Option<Option<u16>>>(data);
    // Wire version 3: map and set nodes (and, under v3, their list forms).
    round_trip::<HashMap<u32, Option<String>>>(data);
    round_trip::<BTreeSet<String>>(data);
    round_trip::<Vec<BTreeSet<u8>>>(data);
    // Values of a type that can hold NaN: decoding must not panic.
    let _ = abi::decode_as::<Option<Option<Box<Value>>>>(data);
    let _ = abi::decode_as::<(f32, f64)>(data);
}

/// packr's decoder against the reference decoder (`packr-abi` 0.7.3) on the
/// same bytes: both accept with equal values, or both reject. Where packr
/// rejects because of a limit the reference does not have (nesting depth,
/// visits of shared nodes), only packr's answer is checked.
pub fn differential(data: &[u8]) {
    // The reference 0.7.3 speaks version 2 only; a version-3 buffer is
    // packr's to accept (see `decode_value`).
    if Wire::of(data) == Some(Wire::V3) {
        return;
    }
    let ours = abi::decode(data);
    // Where docs/abi.md §1 defines a field's values and the reference
    // reads any value, packr refuses the others: non-zero node flags and
    // reserved fields (writers put zeros there), option presence bytes
    // other than 0/1 and result tags other than 0/1 (the reference takes
    // every non-zero tag for `err`). Both found by this target; the inputs
    // are seeds in corpus/differential/.
    if let Err(e) = &ours
        && (matches!(
            e.kind(),
            AbiErrorKind::LimitExceeded { .. }
                | AbiErrorKind::NonZeroReserved
                | AbiErrorKind::InvalidFlagByte(_)
        ) || matches!(e.kind(), AbiErrorKind::Invalid(m) if m.starts_with("result tag")))
    {
        return;
    }
    // The reference recurses without a depth bound; nesting is bounded by
    // the node count, so keep it to what a test thread's stack holds.
    let declared = data
        .get(8..12)
        .map_or(0, |b| u32::from_le_bytes(b.try_into().unwrap_or_default()));
    if ours.is_err() && declared > 1_000 {
        return;
    }
    // The reference reserves memory by a declared count before checking
    // that the payload holds that many items (a record claiming
    // 4,294,964,738 fields made it ask for 103 GB, an array 132 GB; seeds
    // corpus/differential/record-claiming-4-billion-fields and
    // array-claiming-4-billion-tuples). packr refuses such bytes without
    // allocating; the reference is not given bytes packr refused when some
    // 32-bit word in them is larger than the whole buffer, since that word
    // may be such a count. Bytes packr accepted are compared through the
    // value instead: the reference must read packr's value back from its
    // plain tree, whose counts are all backed by bytes (an unreachable
    // array node claiming 1.9 billion elements made the reference ask for
    // 61 GB; seed array-nothing-reaches-claiming-2-billion-items).
    if data
        .windows(4)
        .any(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]) as usize > data.len())
    {
        if let Ok(v) = &ours {
            assert!(
                reference_reads_the_same(v),
                "packr accepts ({v}), the reference does not read that value back"
            );
        }
        return;
    }
    let theirs = reference::decode(data);
    match (&ours, &theirs) {
        (Ok(a), Ok(b)) => {
            let a = to_ref(a);
            // NaN != NaN: compare the reference's own encodings then.
            if &a != b {
                assert_eq!(
                    reference::encode(&a).ok(),
                    reference::encode(b).ok(),
                    "both decoders accept, with different values"
                );
            }
        }
        (Err(_), Err(_)) => {}
        // packr parses the nodes the root reaches, and checks every node's
        // header, extent and fixed-width scalar size; the reference also
        // parses the variable-size nodes nothing reaches (a string node
        // whose length overruns its payload, found by this target). Then
        // the reference must agree on the value: written as a plain tree it
        // is accepted, and read as what packr read.
        (Ok(v), Err(_)) if reference_reads_the_same(v) => {}
        (Ok(v), Err(e)) => panic!("packr accepts ({v}), the reference rejects: {e:?}"),
        (Err(e), Ok(v)) => panic!("the reference accepts ({v:?}), packr rejects: {e}"),
    }
}

/// True when the reference accepts `value` written as a plain tree (no
/// shared or unreachable nodes) and reads the value packr read.
fn reference_reads_the_same(value: &Value) -> bool {
    abi::encode(value)
        .ok()
        .and_then(|tree| reference::decode(&tree).ok())
        .is_some_and(|theirs| {
            let ours = to_ref(value);
            // NaN != NaN: compare the reference's own encodings then.
            ours == theirs || reference::encode(&ours).ok() == reference::encode(&theirs).ok()
        })
}

/// packr's type as the reference's (also used by packr-runtime/tests/abi_interop.rs).
pub fn to_ref_type(t: &ValueType) -> reference::ValueType {
    use reference::ValueType as R;
    match t {
        ValueType::Bool => R::Bool,
        ValueType::U8 => R::U8,
        ValueType::U16 => R::U16,
        ValueType::U32 => R::U32,
        ValueType::U64 => R::U64,
        ValueType::S8 => R::S8,
        ValueType::S16 => R::S16,
        ValueType::S32 => R::S32,
        ValueType::S64 => R::S64,
        ValueType::F32 => R::F32,
        ValueType::F64 => R::F64,
        ValueType::Char => R::Char,
        ValueType::String => R::String,
        ValueType::Flags => R::Flags,
        ValueType::List(t) => R::List(Box::new(to_ref_type(t))),
        ValueType::Option(t) => R::Option(Box::new(to_ref_type(t))),
        ValueType::Result { ok, err } => R::Result {
            ok: Box::new(to_ref_type(ok)),
            err: Box::new(to_ref_type(err)),
        },
        ValueType::Record(n) => R::Record(n.to_string()),
        ValueType::Variant(n) => R::Variant(n.to_string()),
        ValueType::Tuple(items) => R::Tuple(items.iter().map(to_ref_type).collect()),
        // Version 3 only; a version-2 peer carries them in their list forms.
        ValueType::Map { key, value } => R::List(Box::new(R::Tuple(vec![
            to_ref_type(key),
            to_ref_type(value),
        ]))),
        ValueType::Set(t) => R::List(Box::new(to_ref_type(t))),
    }
}

/// packr's value as the reference's (also used by packr-runtime/tests/abi_interop.rs).
pub fn to_ref(v: &Value) -> reference::Value {
    use reference::Value as R;
    match v {
        Value::Bool(x) => R::Bool(*x),
        Value::U8(x) => R::U8(*x),
        Value::U16(x) => R::U16(*x),
        Value::U32(x) => R::U32(*x),
        Value::U64(x) => R::U64(*x),
        Value::S8(x) => R::S8(*x),
        Value::S16(x) => R::S16(*x),
        Value::S32(x) => R::S32(*x),
        Value::S64(x) => R::S64(*x),
        Value::F32(x) => R::F32(*x),
        Value::F64(x) => R::F64(*x),
        Value::Char(x) => R::Char(*x),
        Value::String(x) => R::String(x.clone()),
        Value::Flags(x) => R::Flags(*x),
        Value::List { elem_type, items } => R::List {
            elem_type: to_ref_type(elem_type),
            items: items.iter().map(to_ref).collect(),
        },
        Value::Option { inner_type, value } => R::Option {
            inner_type: to_ref_type(inner_type),
            value: value.as_ref().map(|v| Box::new(to_ref(v))),
        },
        Value::Result {
            ok_type,
            err_type,
            value,
        } => R::Result {
            ok_type: to_ref_type(ok_type),
            err_type: to_ref_type(err_type),
            value: match value {
                Ok(v) => Ok(Box::new(to_ref(v))),
                Err(v) => Err(Box::new(to_ref(v))),
            },
        },
        Value::Record { type_name, fields } => R::Record {
            type_name: type_name.to_string(),
            fields: fields
                .iter()
                .map(|(n, v)| (n.to_string(), to_ref(v)))
                .collect(),
        },
        Value::Variant {
            type_name,
            case_name,
            tag,
            payload,
        } => R::Variant {
            type_name: type_name.to_string(),
            case_name: case_name.to_string(),
            tag: *tag as usize,
            payload: payload.iter().map(to_ref).collect(),
        },
        Value::Tuple(items) => R::Tuple(items.iter().map(to_ref).collect()),
        // Version 3 only (see `differential`): the list forms a version-2
        // peer uses for them.
        Value::Map {
            key_type,
            value_type,
            entries,
        } => R::List {
            elem_type: reference::ValueType::Tuple(vec![
                to_ref_type(key_type),
                to_ref_type(value_type),
            ]),
            items: entries
                .iter()
                .map(|(k, v)| R::Tuple(vec![to_ref(k), to_ref(v)]))
                .collect(),
        },
        Value::Set { elem_type, items } => R::List {
            elem_type: to_ref_type(elem_type),
            items: items.iter().map(to_ref).collect(),
        },
    }
}

/// The WIT+ parser never panics, and every error points inside the input.
pub fn wit_parser(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = Package::parse("fuzz.wit+", text) {
        let span = e.span().range();
        assert!(
            span.start <= span.end && span.end <= text.len(),
            "span {span:?} outside the {}-byte input: {e}",
            text.len()
        );
        assert!(
            text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
            "span {span:?} splits a character: {e}"
        );
        let (line, col) = e.line_col();
        assert!(line >= 1 && col >= 1, "{e}");
        // Rendering the diagnostic (source line and caret) must not panic.
        let _ = e.to_string();
    }
}

/// The call-log loader never panics; a log it accepts writes back to the
/// same bytes.
pub fn log_loader(data: &[u8]) {
    if let Ok(log) = CallLog::read_from(data) {
        let mut again = Vec::new();
        log.write_to(&mut again).expect("a loaded log writes");
        assert_eq!(again, data, "a loaded log writes back byte for byte");
        let _ = log.entries().count();
    }
}

/// The guest of [`guest_host_call`]: its `call` export passes the pointer,
/// length and result slots it is given to one of three typed host
/// functions, after the host wrote the fuzzer's bytes into its memory.
const GUEST: &str = r#"(module
  (import "fuzz:host/api" "add" (func $add (param i32 i32 i32 i32) (result i32)))
  (import "fuzz:host/api" "echo" (func $echo (param i32 i32 i32 i32) (result i32)))
  (import "fuzz:host/api" "join" (func $join (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 32768))
  ;; A bump allocator in the upper half of the first page; it fails (a
  ;; pointer past memory) rather than growing.
  (func (export "__pack_alloc") (param $size i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (local.get $p) (local.get $size)))
    (local.get $p))
  (func (export "__pack_free") (param i32 i32))
  (func (export "call") (param $which i32) (param $ptr i32) (param $len i32) (param $op i32) (param $ol i32) (result i32)
    (if (result i32) (i32.eqz (local.get $which))
      (then (call $add (local.get $ptr) (local.get $len) (local.get $op) (local.get $ol)))
      (else (if (result i32) (i32.eq (local.get $which) (i32.const 1))
        (then (call $echo (local.get $ptr) (local.get $len) (local.get $op) (local.get $ol)))
        (else (call $join (local.get $ptr) (local.get $len) (local.get $op) (local.get $ol))))))))"#;

fn linked(kind: EngineKind) -> Linked<()> {
    let engine = Engine::new(
        EngineConfig::default()
            .kind(kind)
            .call_fuel(Some(10_000_000)),
    )
    .expect("engine");
    let module = Module::from_wat(&engine, GUEST).expect("the guest compiles");
    let mut host = HostBuilder::<()>::new();
    host.interface("fuzz:host/api")
        .func("add", |_, (a, b): (i32, i32)| a.wrapping_add(b))
        .and_then(|i| i.func("echo", |_, bytes: Vec<u8>| bytes))
        .and_then(|i| i.func("join", |_, parts: Vec<String>| parts.concat()))
        .expect("host functions register");
    engine.link(&module, &host).expect("the guest links")
}

thread_local! {
    static LINKED: Vec<(EngineKind, Linked<()>)> =
        EngineKind::ALL.iter().map(|&k| (k, linked(k))).collect();
}

/// A guest-driven host call on every engine. The input is
/// `which: u8, at: u16, ptr: u32, len: u32, out_ptr: u32, out_len: u32`
/// (little-endian) then bytes written into guest memory at `at`; the guest
/// passes `ptr`, `len` and the two result slots to host function `which`
/// (0 add, 1 echo, 2 join). The host answers with a status or a trap, never
/// a panic, and the instance stays usable.
pub fn guest_host_call(data: &[u8]) {
    if data.len() < 19 {
        return;
    }
    let u32_at = |i: usize| u32::from_le_bytes(data[i..i + 4].try_into().unwrap_or_default());
    let which = i32::from(data[0] % 3);
    let at = u32::from(u16::from_le_bytes([data[1], data[2]]));
    let args = [u32_at(3), u32_at(7), u32_at(11), u32_at(15)];
    let bytes = &data[19..];
    LINKED.with(|engines| {
        for (kind, linked) in engines {
            let mut i = linked.instantiate(()).expect("instantiates");
            if i.write_memory(at, bytes).is_err() {
                continue;
            }
            let mut call = vec![CoreValue::I32(which)];
            call.extend(args.iter().map(|&a| CoreValue::I32(a as i32)));
            match i.call_core("call", &call) {
                Ok(results) => {
                    let [CoreValue::I32(status)] = results[..] else {
                        panic!("{kind}: results {results:?}");
                    };
                    assert!((-1..=1).contains(&status), "{kind}: status {status}");
                    if status == -1 {
                        assert!(i.last_host_error().is_some(), "{kind}: -1 without a reason");
                    }
                }
                Err(Error::Trap { .. } | Error::HostCall { .. } | Error::OutOfFuel) => {}
                Err(e) => panic!("{kind}: unexpected error {e}"),
            }
            // The instance is still usable after whatever happened.
            let ok = [5, 1024, 0, 32000, 32004].map(CoreValue::I32);
            let _ = i.call_core("call", &ok);
            assert!(i.read_memory(0, 1).is_ok(), "{kind}");
        }
    });
}
