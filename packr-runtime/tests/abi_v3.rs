//! Wire version 3: map and set nodes from untrusted bytes. Every malformed
//! map or set is an `AbiError` naming the node, on the dynamic and the
//! typed path, and nothing is allocated from a count the bytes do not back.

use packr_runtime::abi::{self, AbiErrorKind, Kind, Limits, Value, Wire};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

mod support;
use support::{Raw, u32s};

fn string(s: &str) -> Vec<u8> {
    let mut p = u32s(&[s.len() as u32]);
    p.extend_from_slice(s.as_bytes());
    p
}

/// A map<string, s32> node payload over `entries` (key, value) children.
fn map_payload(entries: &[(u32, u32)]) -> Vec<u8> {
    let mut p = vec![Kind::String as u8, Kind::S32 as u8];
    p.extend(u32s(&[entries.len() as u32]));
    for (k, v) in entries {
        p.extend(u32s(&[*k, *v]));
    }
    p
}

/// Two strings and two s32s, then the map node (index 4) over them.
fn map_buffer(version: u16, keys: [&str; 2]) -> Vec<u8> {
    let mut raw = Raw::new();
    let a = raw.node(Kind::String, string(keys[0]));
    let one = raw.node(Kind::S32, 1i32.to_le_bytes().to_vec());
    let b = raw.node(Kind::String, string(keys[1]));
    let two = raw.node(Kind::S32, 2i32.to_le_bytes().to_vec());
    let root = raw.node(Kind::Map, map_payload(&[(a, one), (b, two)]));
    raw.bytes_of_version(root, version)
}

type Typed = BTreeMap<String, i32>;

fn both_paths(bytes: &[u8]) -> (abi::AbiError, abi::AbiError) {
    (
        abi::decode(bytes).unwrap_err(),
        abi::decode_as::<Typed>(bytes).unwrap_err(),
    )
}

#[test]
fn a_well_formed_map_decodes_on_both_paths() {
    let bytes = map_buffer(3, ["a", "b"]);
    assert_eq!(
        abi::decode(&bytes).unwrap().to_string(),
        "{\"a\": 1, \"b\": 2}"
    );
    let typed = abi::decode_as::<HashMap<String, i32>>(&bytes).unwrap();
    assert_eq!(typed, HashMap::from([("a".into(), 1), ("b".into(), 2)]));
}

#[test]
fn a_map_or_set_node_in_a_version_2_buffer_names_the_node() {
    let bytes = map_buffer(2, ["a", "b"]);
    for err in [
        abi::decode(&bytes).unwrap_err(),
        abi::decode_as::<Typed>(&bytes).unwrap_err(),
    ] {
        assert_eq!(err.node(), Some(4));
        assert_eq!(
            err.kind(),
            &AbiErrorKind::NeedsVersion3 { what: "map node" }
        );
        assert!(err.to_string().contains("version-2 buffer"), "{err}");
    }
    let mut raw = Raw::new();
    let x = raw.node(Kind::U8, vec![7]);
    let mut p = vec![Kind::U8 as u8];
    p.extend(u32s(&[1, x]));
    let root = raw.node(Kind::Set, p);
    let err = abi::decode_as::<BTreeSet<u8>>(&raw.bytes(root)).unwrap_err();
    assert_eq!(
        (err.node(), err.kind()),
        (Some(1), &AbiErrorKind::NeedsVersion3 { what: "set node" })
    );
    assert_eq!(
        abi::decode_as::<BTreeSet<u8>>(&raw.bytes_of_version(root, 3)).unwrap(),
        BTreeSet::from([7])
    );
}

#[test]
fn a_map_or_set_descriptor_tag_in_a_version_2_buffer_names_the_node() {
    // option<map<string, s32>> none: the map exists only as a descriptor.
    let mut raw = Raw::new();
    let root = raw.node(
        Kind::Option,
        vec![Kind::Map as u8, Kind::String as u8, Kind::S32 as u8, 0],
    );
    let v2 = raw.bytes(root);
    let expected = AbiErrorKind::NeedsVersion3 {
        what: "map type tag 0x16",
    };
    for err in [
        abi::decode(&v2).unwrap_err(),
        abi::decode_as::<Option<Typed>>(&v2).unwrap_err(),
        abi::decode_as::<Option<u8>>(&v2).unwrap_err(),
    ] {
        assert_eq!((err.node(), err.kind()), (Some(0), &expected));
    }
    let v3 = raw.bytes_of_version(root, 3);
    assert_eq!(abi::decode_as::<Option<Typed>>(&v3).unwrap(), None);
    // A list whose element type is set<u8>.
    let mut raw = Raw::new();
    let root = raw.node(
        Kind::List,
        vec![Kind::Set as u8, Kind::U8 as u8, 0, 0, 0, 0],
    );
    let err = abi::decode(&raw.bytes(root)).unwrap_err();
    assert_eq!(
        err.kind(),
        &AbiErrorKind::NeedsVersion3 {
            what: "set type tag 0x17"
        }
    );
    assert_eq!(
        abi::decode_as::<Vec<BTreeSet<u8>>>(&raw.bytes_of_version(root, 3)).unwrap(),
        Vec::<BTreeSet<u8>>::new()
    );
}

#[test]
fn duplicate_keys_and_elements_are_rejected_naming_the_node() {
    let bytes = map_buffer(3, ["a", "a"]);
    let (dynamic, typed) = both_paths(&bytes);
    for err in [&dynamic, &typed] {
        assert_eq!(err.node(), Some(4));
        assert_eq!(err.kind(), &AbiErrorKind::Duplicate { what: "map key" });
    }
    let hashed = abi::decode_as::<HashMap<String, i32>>(&bytes).unwrap_err();
    assert_eq!(hashed.kind(), &AbiErrorKind::Duplicate { what: "map key" });
    // The list form of a map with a key twice is refused too.
    let list_form = abi::encode(&vec![("a".to_string(), 1i32), ("a".to_string(), 2)]).unwrap();
    let err = abi::decode_as::<Typed>(&list_form).unwrap_err();
    assert_eq!(err.kind(), &AbiErrorKind::Duplicate { what: "map key" });
    // A set with an element twice, as a set node and as an array.
    let set_node = abi::encode_with(
        &Value::Set {
            elem_type: abi::ValueType::U8,
            items: vec![Value::U8(1), Value::U8(1)],
        },
        Wire::V3,
    )
    .unwrap();
    for err in [
        abi::decode(&set_node).unwrap_err(),
        abi::decode_as::<BTreeSet<u8>>(&set_node).unwrap_err(),
        abi::decode_as::<HashSet<u8>>(&set_node).unwrap_err(),
        abi::decode_as::<BTreeSet<u8>>(&abi::encode(&vec![1u8, 1]).unwrap()).unwrap_err(),
    ] {
        assert_eq!(
            err.kind(),
            &AbiErrorKind::Duplicate {
                what: "set element"
            }
        );
    }
}

#[test]
fn a_map_count_past_the_payload_is_rejected_before_allocating() {
    let mut raw = Raw::new();
    let k = raw.node(Kind::String, string("k"));
    let v = raw.node(Kind::S32, 1i32.to_le_bytes().to_vec());
    let mut p = vec![Kind::String as u8, Kind::S32 as u8];
    // Claims a hundred million entries, carries one.
    p.extend(u32s(&[100_000_000, k, v]));
    let root = raw.node(Kind::Map, p);
    let bytes = raw.bytes_of_version(root, 3);
    let (dynamic, typed) = both_paths(&bytes);
    for err in [dynamic, typed] {
        assert_eq!(
            (err.node(), err.kind()),
            (Some(2), &AbiErrorKind::PayloadTooShort)
        );
    }
    // u32::MAX entries: above the sequence limit.
    let mut raw = Raw::new();
    let mut p = vec![Kind::String as u8, Kind::S32 as u8];
    p.extend(u32s(&[u32::MAX]));
    let root = raw.node(Kind::Map, p);
    let err = abi::decode(&raw.bytes_of_version(root, 3)).unwrap_err();
    assert!(
        matches!(err.kind(), AbiErrorKind::LimitExceeded { .. }),
        "{err}"
    );
}

#[test]
fn a_map_entry_without_its_value_child_is_rejected() {
    let mut raw = Raw::new();
    let k = raw.node(Kind::String, string("k"));
    let mut p = vec![Kind::String as u8, Kind::S32 as u8];
    // One entry, but only the key's index follows.
    p.extend(u32s(&[1, k]));
    let root = raw.node(Kind::Map, p);
    let bytes = raw.bytes_of_version(root, 3);
    let (dynamic, typed) = both_paths(&bytes);
    for err in [dynamic, typed] {
        assert_eq!(
            (err.node(), err.kind()),
            (Some(1), &AbiErrorKind::PayloadTooShort)
        );
    }
}

#[test]
fn map_entries_are_checked_like_any_child() {
    // An entry pointing past the node count.
    let mut raw = Raw::new();
    let k = raw.node(Kind::String, string("k"));
    let root = raw.node(Kind::Map, map_payload(&[(k, 9)]));
    let (dynamic, typed) = both_paths(&raw.bytes_of_version(root, 3));
    for err in [dynamic, typed] {
        assert_eq!(
            err.kind(),
            &AbiErrorKind::IndexOutOfRange { index: 9, count: 2 }
        );
    }
    // An entry whose value is the map itself: a cycle (the typed path
    // already refuses the map where it wants an s32).
    let mut raw = Raw::new();
    let k = raw.node(Kind::String, string("k"));
    let root = raw.node(Kind::Map, map_payload(&[(k, 1)]));
    let (dynamic, typed) = both_paths(&raw.bytes_of_version(root, 3));
    assert_eq!(dynamic.kind(), &AbiErrorKind::Cycle { index: 1 });
    assert_eq!(typed.node(), Some(1));
    // Deep nesting through maps is bounded by the depth limit.
    let mut v = Value::U8(0);
    for _ in 0..40 {
        v = Value::Map {
            key_type: abi::ValueType::U8,
            value_type: v.value_type(),
            entries: vec![(Value::U8(1), v)],
        };
    }
    let bytes = abi::encode_with(&v, Wire::V3).unwrap();
    let shallow = Limits {
        max_depth: 16,
        ..Limits::default()
    };
    let err = abi::decode_with_limits(&bytes, &shallow).unwrap_err();
    assert!(
        matches!(err.kind(), AbiErrorKind::LimitExceeded { .. }),
        "{err}"
    );
    assert_eq!(abi::decode(&bytes).unwrap(), v);
}

#[test]
fn values_round_trip_in_both_versions() {
    let map = BTreeMap::from([
        ("x".to_string(), BTreeSet::from([1u32, 2])),
        ("y".to_string(), BTreeSet::new()),
    ]);
    for wire in Wire::ALL {
        let bytes = abi::encode_with(&map, wire).unwrap();
        assert_eq!(Wire::of(&bytes), Some(wire));
        assert_eq!(
            abi::decode_as::<BTreeMap<String, BTreeSet<u32>>>(&bytes).unwrap(),
            map
        );
        let dynamic = abi::decode(&bytes).unwrap();
        assert_eq!(abi::encode_with(&dynamic, wire).unwrap(), bytes, "{wire}");
    }
    assert_eq!(
        abi::wit_type_of::<HashMap<String, BTreeSet<u32>>>(),
        "map<string, set<u32>>"
    );
}
