//! Interoperability with the reference implementation (`packr-abi` 0.7.3):
//! random well-typed values encode to the same bytes on both sides, and
//! each side decodes the other's bytes to the same value.

use packr_abi as reference;
use packr_runtime::abi::{self, Name, Value, ValueType};
use proptest::prelude::*;

// The conversions to the reference's types are the fuzz targets' own
// (fuzz/src/lib.rs), so both compare packr with the reference alike.
#[path = "../../fuzz/src/lib.rs"]
#[allow(dead_code)] // the targets' entry points are for fuzz_corpus.rs
mod fuzz_entries;
use fuzz_entries::to_ref;

fn name() -> impl Strategy<Value = Name> {
    "[a-z][a-z0-9-]{0,8}".prop_map(Name::from)
}

/// Types for list elements, option inners and result sides.
fn arb_type() -> impl Strategy<Value = ValueType> {
    let leaf = prop_oneof![
        Just(ValueType::Bool),
        Just(ValueType::U8),
        Just(ValueType::U16),
        Just(ValueType::U32),
        Just(ValueType::U64),
        Just(ValueType::S8),
        Just(ValueType::S16),
        Just(ValueType::S32),
        Just(ValueType::S64),
        Just(ValueType::F32),
        Just(ValueType::F64),
        Just(ValueType::Char),
        Just(ValueType::String),
        Just(ValueType::Flags),
        name().prop_map(ValueType::Record),
        name().prop_map(ValueType::Variant),
    ];
    leaf.prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|t| ValueType::List(Box::new(t))),
            inner.clone().prop_map(|t| ValueType::Option(Box::new(t))),
            (inner.clone(), inner.clone()).prop_map(|(ok, err)| ValueType::Result {
                ok: Box::new(ok),
                err: Box::new(err)
            }),
            prop::collection::vec(inner, 0..3).prop_map(ValueType::Tuple),
        ]
    })
    .boxed()
}

/// A value of type `t`; records and variants get arbitrary contents.
fn value_of(t: ValueType, depth: u32) -> BoxedStrategy<Value> {
    let finite32 = any::<f32>().prop_filter("finite", |f| f.is_finite());
    let finite64 = any::<f64>().prop_filter("finite", |f| f.is_finite());
    match t {
        ValueType::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        ValueType::U8 => any::<u8>().prop_map(Value::U8).boxed(),
        ValueType::U16 => any::<u16>().prop_map(Value::U16).boxed(),
        ValueType::U32 => any::<u32>().prop_map(Value::U32).boxed(),
        ValueType::U64 => any::<u64>().prop_map(Value::U64).boxed(),
        ValueType::S8 => any::<i8>().prop_map(Value::S8).boxed(),
        ValueType::S16 => any::<i16>().prop_map(Value::S16).boxed(),
        ValueType::S32 => any::<i32>().prop_map(Value::S32).boxed(),
        ValueType::S64 => any::<i64>().prop_map(Value::S64).boxed(),
        ValueType::F32 => finite32.prop_map(Value::F32).boxed(),
        ValueType::F64 => finite64.prop_map(Value::F64).boxed(),
        ValueType::Char => any::<char>().prop_map(Value::Char).boxed(),
        ValueType::String => ".{0,12}".prop_map(Value::String).boxed(),
        ValueType::Flags => any::<u64>().prop_map(Value::Flags).boxed(),
        ValueType::List(elem) => {
            let e = (*elem).clone();
            prop::collection::vec(value_of(e.clone(), depth + 1), 0..4)
                .prop_map(move |items| Value::List {
                    elem_type: e.clone(),
                    items,
                })
                .boxed()
        }
        ValueType::Option(inner) => {
            let i = (*inner).clone();
            prop::option::of(value_of(i.clone(), depth + 1))
                .prop_map(move |v| Value::Option {
                    inner_type: i.clone(),
                    value: v.map(Box::new),
                })
                .boxed()
        }
        ValueType::Result { ok, err } => {
            let (o, e) = ((*ok).clone(), (*err).clone());
            prop_oneof![
                value_of(o.clone(), depth + 1).prop_map(Ok),
                value_of(e.clone(), depth + 1).prop_map(Err),
            ]
            .prop_map(move |r| Value::Result {
                ok_type: o.clone(),
                err_type: e.clone(),
                value: r.map(Box::new).map_err(Box::new),
            })
            .boxed()
        }
        ValueType::Tuple(items) => items
            .into_iter()
            .map(|t| value_of(t, depth + 1))
            .collect::<Vec<_>>()
            .prop_map(Value::Tuple)
            .boxed(),
        ValueType::Record(type_name) => {
            let field = (name(), leaf_value(depth));
            prop::collection::vec(field, 0..3)
                .prop_map(move |fields| Value::Record {
                    type_name: type_name.clone(),
                    fields,
                })
                .boxed()
        }
        ValueType::Variant(type_name) => (
            name(),
            0u32..5,
            prop::collection::vec(leaf_value(depth), 0..2),
        )
            .prop_map(move |(case_name, tag, payload)| Value::Variant {
                type_name: type_name.clone(),
                case_name,
                tag,
                payload,
            })
            .boxed(),
        ValueType::Map { .. } | ValueType::Set(_) => {
            unreachable!("arb_type generates no maps: the version-2 reference has none")
        }
    }
}

/// Any value, nested no deeper than a few levels.
fn leaf_value(depth: u32) -> BoxedStrategy<Value> {
    if depth > 3 {
        return any::<i32>().prop_map(Value::S32).boxed();
    }
    arb_type()
        .prop_flat_map(move |t| value_of(t, depth + 1))
        .boxed()
}

fn arb_value() -> BoxedStrategy<Value> {
    leaf_value(0)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn both_implementations_write_the_same_bytes(v in arb_value()) {
        let ours = abi::encode(&v).unwrap();
        let theirs = reference::encode(&to_ref(&v)).unwrap();
        prop_assert_eq!(&ours, &theirs);
    }

    #[test]
    fn each_side_decodes_the_others_bytes(v in arb_value()) {
        let theirs = reference::encode(&to_ref(&v)).unwrap();
        prop_assert_eq!(abi::decode(&theirs).unwrap(), v.clone());
        let ours = abi::encode(&v).unwrap();
        prop_assert_eq!(reference::decode(&ours).unwrap(), to_ref(&v));
    }
}

/// Typed values too: a Rust type encodes to what the reference writes for
/// the equivalent dynamic value.
#[test]
fn typed_values_match_the_reference_bytes() {
    let typed = (
        vec![Some("a".to_string()), None],
        Ok::<u64, String>(7),
        [1.5f64, -2.0],
        ('x', true, -3i8),
    );
    let ours = abi::encode(&typed).unwrap();
    let ours_dynamic = abi::decode(&ours).unwrap();
    let theirs = reference::encode(&to_ref(&ours_dynamic)).unwrap();
    assert_eq!(ours, theirs);
    assert_eq!(
        abi::decode_as::<(
            Vec<Option<String>>,
            Result<u64, String>,
            [f64; 2],
            (char, bool, i8)
        )>(&theirs)
        .unwrap(),
        typed
    );
}

/// Under wire version 2, maps and sets (typed and dynamic) are written
/// exactly as the reference writes their list forms, and the reference's
/// list forms decode back into maps and sets.
#[test]
fn maps_and_sets_under_version_2_are_the_reference_list_forms() {
    use std::collections::{BTreeMap, BTreeSet, HashMap};
    let typed: BTreeMap<String, Vec<u8>> =
        BTreeMap::from([("a".into(), vec![1]), ("b".into(), vec![])]);
    let ours = abi::encode_with(&typed, abi::Wire::V2).unwrap();
    let dynamic = Value::Map {
        key_type: ValueType::String,
        value_type: ValueType::List(Box::new(ValueType::U8)),
        entries: typed
            .iter()
            .map(|(k, v)| {
                let items = v.iter().map(|b| Value::U8(*b)).collect();
                (
                    Value::from(k.as_str()),
                    Value::List {
                        elem_type: ValueType::U8,
                        items,
                    },
                )
            })
            .collect(),
    };
    let theirs = reference::encode(&to_ref(&dynamic)).unwrap();
    assert_eq!(ours, theirs);
    assert_eq!(abi::encode(&dynamic).unwrap(), theirs);
    assert_eq!(
        abi::decode_as::<BTreeMap<String, Vec<u8>>>(&theirs).unwrap(),
        typed
    );
    let hashed: HashMap<String, Vec<u8>> = typed.clone().into_iter().collect();
    assert_eq!(abi::encode(&hashed).unwrap(), theirs, "sorted by key");

    let set = BTreeSet::from([3u32, 1]);
    let dynamic = Value::Set {
        elem_type: ValueType::U32,
        items: vec![Value::U32(1), Value::U32(3)],
    };
    let theirs = reference::encode(&to_ref(&dynamic)).unwrap();
    assert_eq!(abi::encode(&set).unwrap(), theirs);
    assert_eq!(abi::encode(&dynamic).unwrap(), theirs);
    assert_eq!(abi::decode_as::<BTreeSet<u32>>(&theirs).unwrap(), set);
}
