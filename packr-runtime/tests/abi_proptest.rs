//! Random and mutated buffers never make a decoder panic: they decode or
//! they fail with an `AbiError`. (The same property, coverage-guided, is
//! the `fuzz/` targets.)

use packr_runtime::abi::{self, Limits, Value, ValueType, Wire};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};

type Record = (String, Vec<(u32, Option<String>)>, Result<Vec<u8>, String>);

/// Decodes `bytes` every way we know; the results don't matter, only that
/// each call returns.
fn decode_every_way(bytes: &[u8]) {
    let _ = abi::decode(bytes);
    let _ = abi::decode_with_limits(
        bytes,
        &Limits {
            max_depth: 8,
            max_visits: 64,
            ..Limits::default()
        },
    );
    let _ = abi::decode_as::<u32>(bytes);
    let _ = abi::decode_as::<String>(bytes);
    let _ = abi::decode_as::<Vec<u8>>(bytes);
    let _ = abi::decode_as::<Vec<String>>(bytes);
    let _ = abi::decode_as::<(i32, i32)>(bytes);
    let _ = abi::decode_as::<Option<Option<Box<Value>>>>(bytes);
    let _ = abi::decode_as::<Record>(bytes);
    let _ = abi::decode_as::<BTreeMap<String, Vec<char>>>(bytes);
    let _ = abi::decode_as::<HashMap<u32, Option<String>>>(bytes);
    let _ = abi::decode_as::<BTreeSet<String>>(bytes);
    let _ = abi::decode_as::<Vec<BTreeSet<u8>>>(bytes);
    let _ = abi::decode_as::<[bool; 3]>(bytes);
}

/// Valid buffers of many shapes to mutate.
fn seeds() -> Vec<Vec<u8>> {
    let record: Record = (
        "name".into(),
        vec![(1, Some("a".into())), (2, None)],
        Ok(vec![1, 2, 3]),
    );
    let mut map = BTreeMap::new();
    map.insert("k".to_string(), vec!['x', 'é']);
    vec![
        abi::encode(&(20i32, 22i32)).unwrap(),
        abi::encode(&record).unwrap(),
        abi::encode(&map).unwrap(),
        abi::encode(&vec!["a".to_string(), "bc".to_string()]).unwrap(),
        abi::encode(&Some(Some(Box::new(Value::Flags(5))))).unwrap(),
        abi::encode(&[true, false, true]).unwrap(),
        abi::encode(&Value::Variant {
            type_name: "sexpr".into(),
            case_name: "lst".into(),
            tag: 2,
            payload: vec![Value::Record {
                type_name: "r".into(),
                fields: vec![("f".into(), Value::Char('c'))],
            }],
        })
        .unwrap(),
        // Version 3: a map node, a set node, and both nested in a list and
        // an option.
        abi::encode_with(&map, Wire::V3).unwrap(),
        abi::encode_with(
            &BTreeSet::from(["a".to_string(), "b".to_string()]),
            Wire::V3,
        )
        .unwrap(),
        abi::encode_with(
            &(
                vec![BTreeMap::from([(1u32, Some("x".to_string()))])],
                Some(BTreeSet::from([1u8, 2])),
            ),
            Wire::V3,
        )
        .unwrap(),
    ]
}

/// Values with maps and sets (keys distinct), for the v3 round trip.
fn map_or_set() -> impl Strategy<Value = Value> {
    let entries = prop::collection::btree_map(".{0,6}", any::<i32>(), 0..5);
    let map = entries.prop_map(|m| Value::Map {
        key_type: ValueType::String,
        value_type: ValueType::S32,
        entries: m
            .into_iter()
            .map(|(k, v)| (Value::String(k), Value::S32(v)))
            .collect(),
    });
    let set = prop::collection::btree_set(any::<u8>(), 0..5).prop_map(|s| Value::Set {
        elem_type: ValueType::U8,
        items: s.into_iter().map(Value::U8).collect(),
    });
    let leaf = prop_oneof![map, set];
    leaf.prop_recursive(3, 12, 3, |inner| {
        (inner.clone(), prop::collection::vec(inner, 0..3)).prop_map(|(sample, items)| {
            // A list whose items share the sample's type.
            let elem_type = sample.value_type();
            let items = items
                .into_iter()
                .filter(|i| i.value_type() == elem_type)
                .chain(std::iter::once(sample))
                .collect();
            Value::List { elem_type, items }
        })
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Truncate(usize),
    Overwrite(usize, u32),
    Splice(usize, Vec<u8>),
    Delete(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1u8..=255).prop_map(|(i, b)| Mutation::Flip(i, b)),
        any::<usize>().prop_map(Mutation::Truncate),
        (
            any::<usize>(),
            prop_oneof![
                Just(0u32),
                Just(1),
                Just(u32::MAX),
                Just(0x8000_0000),
                any::<u32>()
            ]
        )
            .prop_map(|(i, v)| Mutation::Overwrite(i, v)),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(i, b)| Mutation::Splice(i, b)),
        (any::<usize>(), 1usize..8).prop_map(|(i, n)| Mutation::Delete(i, n)),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    if bytes.is_empty() {
        return;
    }
    let at = |i: usize| i % bytes.len();
    match m {
        Mutation::Flip(i, b) => {
            let i = at(*i);
            bytes[i] ^= b;
        }
        Mutation::Truncate(i) => {
            let i = at(*i);
            bytes.truncate(i);
        }
        Mutation::Overwrite(i, v) => {
            let i = at(*i);
            let end = (i + 4).min(bytes.len());
            bytes[i..end].copy_from_slice(&v.to_le_bytes()[..end - i]);
        }
        Mutation::Splice(i, b) => {
            let i = at(*i);
            bytes.splice(i..i, b.iter().copied());
        }
        Mutation::Delete(i, n) => {
            let i = at(*i);
            let end = (i + n).min(bytes.len());
            bytes.drain(i..end);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        decode_every_way(&bytes);
    }

    #[test]
    fn random_bytes_behind_a_valid_header_never_panic(
        version in 2u16..=3,
        count in 1u32..8,
        root in 0u32..8,
        body in prop::collection::vec(any::<u8>(), 0..200),
    ) {
        let mut bytes = b"CGRF".to_vec();
        bytes.extend_from_slice(&version.to_le_bytes());
        bytes.extend_from_slice(&[0, 0]);
        bytes.extend_from_slice(&count.to_le_bytes());
        bytes.extend_from_slice(&root.to_le_bytes());
        bytes.extend_from_slice(&body);
        decode_every_way(&bytes);
    }

    #[test]
    fn mutated_valid_buffers_never_panic(
        seed in 0usize..10,
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let mut bytes = seeds()[seed].clone();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        decode_every_way(&bytes);
    }

    #[test]
    fn maps_and_sets_round_trip_in_version_3(v in map_or_set()) {
        let bytes = abi::encode_with(&v, Wire::V3).unwrap();
        prop_assert_eq!(abi::decode(&bytes).unwrap(), v.clone());
        // Under version 2 they become lists, which version 2 accepts.
        let v2 = abi::encode_with(&v, Wire::V2).unwrap();
        let as_lists = abi::decode(&v2).unwrap().value_type().to_string();
        prop_assert!(!as_lists.contains("map<") && !as_lists.contains("set<"), "{}", as_lists);
    }
}

#[test]
fn the_seeds_themselves_decode() {
    for bytes in seeds() {
        abi::decode(&bytes).unwrap();
    }
}
