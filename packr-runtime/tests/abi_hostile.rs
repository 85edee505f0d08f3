//! Hostile buffers: every rejection docs/abi.md §1.7 lists, every limit, and the
//! valid-but-unusual layouts a decoder must still accept. Each case runs
//! through the dynamic decoder and, where a typed target makes sense, the
//! typed one too.

use packr_runtime::abi::{self, AbiErrorKind, Kind, Limits, Value, ValueType};
use std::time::{Duration, Instant};

mod support;
use support::{Raw, u32s};

fn tuple(children: &[u32]) -> Vec<u8> {
    let mut p = u32s(&[children.len() as u32]);
    p.extend(u32s(children));
    p
}

fn s32(v: i32) -> Vec<u8> {
    v.to_le_bytes().to_vec()
}

fn kind_of(bytes: &[u8]) -> AbiErrorKind {
    abi::decode(bytes).unwrap_err().kind().clone()
}

#[test]
fn wrong_magic_version_and_reserved_fields_are_rejected() {
    let good = abi::encode(&7u32).unwrap();
    let mut bad = good.clone();
    bad[0] = b'X';
    assert!(matches!(kind_of(&bad), AbiErrorKind::BadMagic(_)));
    let mut bad = good.clone();
    bad[4] = 4;
    assert_eq!(kind_of(&bad), AbiErrorKind::BadVersion(4));
    let mut bad = good.clone();
    bad[4] = 1;
    assert_eq!(kind_of(&bad), AbiErrorKind::BadVersion(1));
    let mut bad = good.clone();
    bad[6] = 1;
    assert_eq!(kind_of(&bad), AbiErrorKind::NonZeroReserved);
    let mut bad = good.clone();
    bad[17] = 1; // node flags
    assert_eq!(kind_of(&bad), AbiErrorKind::NonZeroReserved);
    assert!(matches!(
        kind_of(&good[..10]),
        AbiErrorKind::TruncatedHeader { len: 10 }
    ));
    assert!(matches!(
        kind_of(&[]),
        AbiErrorKind::TruncatedHeader { len: 0 }
    ));
}

#[test]
fn unknown_node_kind_is_rejected() {
    let mut raw = Raw::new();
    raw.node(Kind::U8, vec![1]);
    let mut bytes = raw.bytes(0);
    bytes[16] = 0x18;
    assert_eq!(kind_of(&bytes), AbiErrorKind::UnknownKind(0x18));
    bytes[4] = 3;
    assert_eq!(kind_of(&bytes), AbiErrorKind::UnknownKind(0x18));
}

#[test]
fn cycles_are_rejected_on_both_paths() {
    // A tuple that contains itself.
    let mut raw = Raw::new();
    raw.node(Kind::Tuple, tuple(&[0]));
    let bytes = raw.bytes(0);
    assert_eq!(kind_of(&bytes), AbiErrorKind::Cycle { index: 0 });
    // Two options that contain each other.
    let option_of = |child: u32| {
        let mut p = vec![Kind::Tuple as u8, 0, 0, 0, 0, 1];
        p.extend(u32s(&[child]));
        p
    };
    let mut raw = Raw::new();
    raw.node(Kind::Option, option_of(1));
    raw.node(Kind::Option, option_of(0));
    let bytes = raw.bytes(1);
    assert!(matches!(kind_of(&bytes), AbiErrorKind::Cycle { .. }));
    let typed = abi::decode_as::<Option<Option<Option<()>>>>(&bytes).unwrap_err();
    assert!(
        matches!(typed.kind(), AbiErrorKind::Cycle { .. }),
        "{typed}"
    );
}

#[test]
fn child_and_root_indices_out_of_range_are_rejected() {
    let mut raw = Raw::new();
    raw.node(Kind::Tuple, tuple(&[5]));
    let bytes = raw.bytes(0);
    assert_eq!(
        kind_of(&bytes),
        AbiErrorKind::IndexOutOfRange { index: 5, count: 1 }
    );
    let bytes = raw.bytes(3);
    assert_eq!(
        kind_of(&bytes),
        AbiErrorKind::IndexOutOfRange { index: 3, count: 1 }
    );
    let typed = abi::decode_as::<(i32,)>(&raw.bytes(0)).unwrap_err();
    assert!(matches!(typed.kind(), AbiErrorKind::IndexOutOfRange { .. }));
}

#[test]
fn trailing_bytes_after_the_last_node_or_inside_a_payload_are_rejected() {
    let mut bytes = abi::encode(&7u32).unwrap();
    bytes.push(0);
    assert_eq!(kind_of(&bytes), AbiErrorKind::TrailingBytes { extra: 1 });

    let mut raw = Raw::new();
    raw.node(Kind::U32, vec![7, 0, 0, 0, 9]);
    let err = abi::decode(&raw.bytes(0)).unwrap_err();
    assert_eq!(
        (err.kind(), err.node()),
        (&AbiErrorKind::PayloadTrailing, Some(0))
    );

    let mut raw = Raw::new();
    let mut p = vec![2, 0, 0, 0, b'h', b'i'];
    p.push(b'!');
    raw.node(Kind::String, p);
    assert_eq!(kind_of(&raw.bytes(0)), AbiErrorKind::PayloadTrailing);
    assert_eq!(
        abi::decode_as::<String>(&raw.bytes(0)).unwrap_err().kind(),
        &AbiErrorKind::PayloadTrailing
    );
}

#[test]
fn short_payloads_are_rejected() {
    for (kind, len) in [
        (Kind::U32, 3),
        (Kind::U64, 7),
        (Kind::F64, 0),
        (Kind::Char, 2),
    ] {
        let mut raw = Raw::new();
        raw.node(kind, vec![0; len]);
        assert_eq!(
            kind_of(&raw.bytes(0)),
            AbiErrorKind::PayloadTooShort,
            "{kind}"
        );
    }
    // A string whose length prefix claims more bytes than the payload has.
    let mut raw = Raw::new();
    raw.node(Kind::String, vec![200, 0, 0, 0, b'a']);
    assert_eq!(kind_of(&raw.bytes(0)), AbiErrorKind::PayloadTooShort);
    // A node header that claims more payload than the buffer has.
    let mut bytes = abi::encode(&7u32).unwrap();
    bytes.truncate(bytes.len() - 1);
    assert_eq!(kind_of(&bytes), AbiErrorKind::TruncatedNode);
}

#[test]
fn invalid_bool_char_and_utf8_are_rejected() {
    let mut raw = Raw::new();
    raw.node(Kind::Bool, vec![2]);
    assert_eq!(kind_of(&raw.bytes(0)), AbiErrorKind::InvalidBool(2));
    assert_eq!(
        abi::decode_as::<bool>(&raw.bytes(0)).unwrap_err().kind(),
        &AbiErrorKind::InvalidBool(2)
    );

    let mut raw = Raw::new();
    raw.node(Kind::Char, 0xD800u32.to_le_bytes().to_vec());
    assert_eq!(kind_of(&raw.bytes(0)), AbiErrorKind::InvalidChar(0xD800));
    assert_eq!(
        abi::decode_as::<char>(&raw.bytes(0)).unwrap_err().kind(),
        &AbiErrorKind::InvalidChar(0xD800)
    );

    let mut raw = Raw::new();
    raw.node(Kind::String, vec![2, 0, 0, 0, 0xC3, 0x28]);
    assert_eq!(kind_of(&raw.bytes(0)), AbiErrorKind::InvalidUtf8);
    assert_eq!(
        abi::decode_as::<String>(&raw.bytes(0)).unwrap_err().kind(),
        &AbiErrorKind::InvalidUtf8
    );

    // Invalid UTF-8 in a record's type name.
    let mut raw = Raw::new();
    let x = raw.node(Kind::U8, vec![1]);
    let mut p = vec![1, 0, 0, 0, 0xFF, 1, 0, 0, 0, 1, 0, 0, 0, b'x'];
    p.extend(u32s(&[x]));
    raw.node(Kind::Record, p);
    assert_eq!(kind_of(&raw.bytes(1)), AbiErrorKind::InvalidUtf8);

    // Invalid UTF-8 in a field name: an error on both paths, not a name
    // that reads as "" and silently matches no field.
    #[derive(packr_derive::GraphValue, Debug)]
    #[graph(crate = "packr_runtime")]
    struct Point {
        #[allow(dead_code)]
        x: u8,
    }
    let mut raw = Raw::new();
    let x = raw.node(Kind::U8, vec![1]);
    let mut p = vec![5, 0, 0, 0];
    p.extend(b"Point");
    p.extend([1, 0, 0, 0, 2, 0, 0, 0, b'x', 0xFF]);
    p.extend(u32s(&[x]));
    let record = raw.node(Kind::Record, p);
    let err = abi::decode(&raw.bytes(record)).unwrap_err();
    assert_eq!(
        (err.kind(), err.node()),
        (&AbiErrorKind::InvalidUtf8, Some(record))
    );
    let err = abi::decode_as::<Point>(&raw.bytes(record)).unwrap_err();
    assert_eq!(
        (err.kind(), err.node()),
        (&AbiErrorKind::InvalidUtf8, Some(record))
    );

    // Arrays of bools and chars are checked element by element.
    let mut raw = Raw::new();
    raw.node(Kind::Array, vec![Kind::Bool as u8, 2, 0, 0, 0, 1, 7]);
    assert_eq!(kind_of(&raw.bytes(0)), AbiErrorKind::InvalidBool(7));
    assert_eq!(
        abi::decode_as::<Vec<bool>>(&raw.bytes(0))
            .unwrap_err()
            .kind(),
        &AbiErrorKind::InvalidBool(7)
    );
}

#[test]
fn list_nodes_with_primitive_elements_are_rejected() {
    let mut raw = Raw::new();
    let a = raw.node(Kind::U8, vec![1]);
    let mut p = vec![Kind::U8 as u8];
    p.extend(u32s(&[1, a]));
    raw.node(Kind::List, p);
    assert_eq!(kind_of(&raw.bytes(1)), AbiErrorKind::PrimitiveList);
    // A typed decoder of a non-primitive element type rejects it too.
    assert_eq!(
        abi::decode_as::<Vec<String>>(&raw.bytes(1))
            .unwrap_err()
            .kind(),
        &AbiErrorKind::PrimitiveList
    );
    // And an array node with a non-primitive element type.
    let mut raw = Raw::new();
    raw.node(Kind::Array, vec![Kind::String as u8, 0, 0, 0, 0]);
    assert_eq!(
        kind_of(&raw.bytes(0)),
        AbiErrorKind::NonPrimitiveArray(Kind::String as u8)
    );
}

fn limit_of(err: &abi::AbiError) -> &'static str {
    match err.kind() {
        AbiErrorKind::LimitExceeded { what, .. } => what,
        other => panic!("expected a limit error, got {other:?}"),
    }
}

#[test]
fn every_limit_is_enforced() {
    let bytes = abi::encode(&vec!["x".to_string(); 100]).unwrap();
    let ok = |l: Limits| abi::decode_with_limits(&bytes, &l);
    let d = Limits::default();
    assert!(ok(d).is_ok());
    let e = ok(Limits {
        max_buffer_size: bytes.len() - 1,
        ..d
    })
    .unwrap_err();
    assert_eq!(limit_of(&e), "buffer size");
    let e = ok(Limits {
        max_node_count: 100,
        ..d
    })
    .unwrap_err();
    assert_eq!(limit_of(&e), "node count");
    let e = ok(Limits {
        max_payload_size: 100,
        ..d
    })
    .unwrap_err();
    assert_eq!(limit_of(&e), "payload size");
    let e = ok(Limits {
        max_sequence_len: 99,
        ..d
    })
    .unwrap_err();
    assert_eq!(limit_of(&e), "sequence length");
    let e = ok(Limits {
        max_visits: 50,
        ..d
    })
    .unwrap_err();
    assert!(limit_of(&e).starts_with("node visits"));
    let e = ok(Limits { max_depth: 0, ..d }).unwrap_err();
    assert_eq!(limit_of(&e), "nesting depth");
    // The typed path enforces the same limits.
    let e = abi::decode_as_with_limits::<Vec<String>>(
        &bytes,
        &Limits {
            max_sequence_len: 99,
            ..d
        },
    )
    .unwrap_err();
    assert_eq!(limit_of(&e), "sequence length");
}

#[test]
fn deeply_nested_type_descriptors_are_bounded() {
    // An option whose inner type descriptor is list<list<list<...>>> 100,000 deep.
    let mut p = vec![Kind::List as u8; 100_000];
    p.push(Kind::String as u8);
    p.push(0);
    let mut raw = Raw::new();
    raw.node(Kind::Option, p);
    let err = abi::decode_as::<Option<String>>(&raw.bytes(0)).unwrap_err();
    assert!(limit_of(&err).contains("descriptor"), "{err}");
    let err = abi::decode(&raw.bytes(0)).unwrap_err();
    assert!(limit_of(&err).contains("descriptor"), "{err}");
    let err = abi::decode_as::<Option<String>>(&raw.bytes(0)).unwrap_err();
    assert!(limit_of(&err).contains("descriptor"), "{err}");
}

#[test]
fn a_dag_that_expands_exponentially_fails_fast() {
    // 60 tuples, each holding the next one twice: 2^60 paths from the root.
    let mut raw = Raw::new();
    let mut child = raw.node(Kind::U8, vec![1]);
    for _ in 0..60 {
        child = raw.node(Kind::Tuple, tuple(&[child, child]));
    }
    let bytes = raw.bytes(child);
    let start = Instant::now();
    let err = abi::decode(&bytes).unwrap_err();
    assert!(limit_of(&err).starts_with("node visits"), "{err}");
    assert!(start.elapsed() < Duration::from_secs(10));
}

#[test]
fn huge_claimed_counts_are_rejected_without_allocating() {
    let start = Instant::now();
    // A list claiming u32::MAX children in a 9-byte payload.
    let mut raw = Raw::new();
    let mut p = vec![Kind::String as u8];
    p.extend(u32s(&[u32::MAX]));
    p.extend(u32s(&[0]));
    raw.node(Kind::List, p);
    let e = abi::decode(&raw.bytes(0)).unwrap_err();
    assert!(
        matches!(
            e.kind(),
            AbiErrorKind::LimitExceeded { .. } | AbiErrorKind::PayloadTooShort
        ),
        "{e}"
    );
    let e = abi::decode_as::<Vec<String>>(&raw.bytes(0)).unwrap_err();
    assert!(
        matches!(
            e.kind(),
            AbiErrorKind::LimitExceeded { .. } | AbiErrorKind::PayloadTooShort
        ),
        "{e}"
    );
    // The same within the sequence limit but beyond the payload.
    let mut raw = Raw::new();
    let mut p = vec![Kind::String as u8];
    p.extend(u32s(&[1_000_000]));
    raw.node(Kind::List, p);
    assert_eq!(kind_of(&raw.bytes(0)), AbiErrorKind::PayloadTooShort);
    // An array claiming 100 million u64s.
    let mut raw = Raw::new();
    let mut p = vec![Kind::U64 as u8];
    p.extend(u32s(&[100_000_000]));
    raw.node(Kind::Array, p);
    assert_eq!(kind_of(&raw.bytes(0)), AbiErrorKind::PayloadTooShort);
    assert_eq!(
        abi::decode_as::<Vec<u64>>(&raw.bytes(0))
            .unwrap_err()
            .kind(),
        &AbiErrorKind::PayloadTooShort
    );
    // A header claiming a billion nodes in 24 bytes.
    let mut bytes = abi::encode(&1u8).unwrap();
    bytes[8..12].copy_from_slice(&1_000_000_000u32.to_le_bytes());
    assert!(abi::decode(&bytes).is_err());
    // A record claiming u32::MAX fields.
    let mut raw = Raw::new();
    let mut p = vec![1, 0, 0, 0, b'r'];
    p.extend(u32s(&[u32::MAX]));
    raw.node(Kind::Record, p);
    assert!(abi::decode(&raw.bytes(0)).is_err());
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "rejections must not allocate or loop"
    );
}

#[test]
fn nodes_in_any_order_decode() {
    // Root first, children after: the reverse of what the encoder writes.
    let mut raw = Raw::new();
    raw.node(Kind::Tuple, tuple(&[1, 2]));
    raw.node(Kind::S32, s32(20));
    raw.node(Kind::S32, s32(22));
    let bytes = raw.bytes(0);
    assert_eq!(
        abi::decode(&bytes).unwrap(),
        Value::Tuple(vec![Value::S32(20), Value::S32(22)])
    );
    assert_eq!(abi::decode_as::<(i32, i32)>(&bytes).unwrap(), (20, 22));
}

#[test]
fn a_child_shared_by_two_parents_decodes_on_both_paths() {
    let mut raw = Raw::new();
    let s = raw.node(Kind::String, vec![2, 0, 0, 0, b'h', b'i']);
    let mut list = vec![Kind::String as u8];
    list.extend(u32s(&[1, s]));
    let l1 = raw.node(Kind::List, list.clone());
    let l2 = raw.node(Kind::List, list);
    let root = raw.node(Kind::Tuple, tuple(&[l1, l2, s]));
    let bytes = raw.bytes(root);
    let hi = Value::String("hi".into());
    let list = Value::List {
        elem_type: ValueType::String,
        items: vec![hi.clone()],
    };
    assert_eq!(
        abi::decode(&bytes).unwrap(),
        Value::Tuple(vec![list.clone(), list, hi])
    );
    type T = (Vec<String>, Vec<String>, String);
    assert_eq!(
        abi::decode_as::<T>(&bytes).unwrap(),
        (
            vec!["hi".to_string()],
            vec!["hi".to_string()],
            "hi".to_string()
        )
    );
}

#[test]
fn the_wrong_type_is_a_type_mismatch_naming_the_node() {
    let bytes = abi::encode(&(1u32, "x".to_string())).unwrap();
    let err = abi::decode_as::<(u32, u32)>(&bytes).unwrap_err();
    assert_eq!(err.node(), Some(1));
    assert_eq!(err.to_string(), "node 1: expected u32, found string");
    let err = abi::decode_as::<(u32,)>(&bytes).unwrap_err();
    assert_eq!(
        err.to_string(),
        "node 2: expected tuple of 1, found tuple of 2"
    );
    let err = abi::decode_as::<Vec<u16>>(&abi::encode(&vec![1u8]).unwrap()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "node 0: expected list<u16>, found list<u8>"
    );
}

/// Every node is held to its kind, also one no path from the root reaches:
/// a `u16` node without its two bytes makes the buffer invalid though the
/// root (the string "bc") never visits it. The reference decoder checks
/// every node the same way; the differential fuzz target found the gap.
#[test]
fn a_bad_scalar_no_path_reaches_is_still_rejected() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fuzz/corpus/differential/unreachable-u16-without-payload"
    ))
    .unwrap();
    let err = abi::decode(&bytes).unwrap_err();
    assert_eq!(err.kind(), &AbiErrorKind::PayloadTooShort, "{err}");
    assert!(err.to_string().starts_with("node 0:"), "{err}");
}
