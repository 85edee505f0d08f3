//! Every reference vector (docs/abi.md §1): our encoders must write exactly the
//! reference bytes, and our decoders must read the same value back.

use packr_runtime::abi::{self, GraphValue, Value, ValueType, Wire};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// The reference vectors of wire version 2 (docs/abi.md), kept in the repo.
fn vectors() -> BTreeMap<String, Vec<u8>> {
    parse(include_str!("data/vectors.tsv"))
}

/// The reference 0.24.1 encoder's vectors of wire version 3: the 30
/// values of `vectors.tsv` with a version-3 header, then maps and sets.
fn vectors_v3() -> BTreeMap<String, Vec<u8>> {
    parse(include_str!("data/vectors-v3.tsv"))
}

fn parse(tsv: &str) -> BTreeMap<String, Vec<u8>> {
    tsv.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (name, hex) = l.split_once('\t').expect("name TAB hex");
            let bytes = (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
                .collect();
            (name.to_string(), bytes)
        })
        .collect()
}

fn rec(name: &str, fields: Vec<(&str, Value)>) -> Value {
    Value::Record {
        type_name: name.into(),
        fields: fields.into_iter().map(|(n, v)| (n.into(), v)).collect(),
    }
}

fn var(ty: &str, case: &str, tag: u32, payload: Vec<Value>) -> Value {
    Value::Variant {
        type_name: ty.into(),
        case_name: case.into(),
        tag,
        payload,
    }
}

fn point() -> Value {
    rec("point", vec![("x", Value::S32(1)), ("y", Value::S32(-2))])
}

/// The dynamic value each vector names.
fn dynamic_values() -> Vec<(&'static str, Value)> {
    use Value::*;
    let list = |elem_type: ValueType, items: Vec<Value>| List { elem_type, items };
    vec![
        ("bool true", Bool(true)),
        ("u8 200", U8(200)),
        ("s16 -2", S16(-2)),
        ("u32 7", U32(7)),
        ("s32 -1", S32(-1)),
        ("u64 1<<40", U64(1 << 40)),
        ("s64 -5", S64(-5)),
        ("f32 1.5", F32(1.5)),
        ("f64 -0.25", F64(-0.25)),
        ("char 'é'", Char('é')),
        ("string \"hi\"", "hi".into()),
        ("string \"\"", "".into()),
        ("flags 0b101", Flags(0b101)),
        (
            "list<u8> [1,2,3]",
            list(ValueType::U8, vec![U8(1), U8(2), U8(3)]),
        ),
        ("list<u8> []", list(ValueType::U8, vec![])),
        (
            "list<s64> [-1,2]",
            list(ValueType::S64, vec![S64(-1), S64(2)]),
        ),
        (
            "list<string> [\"a\",\"bc\"]",
            list(ValueType::String, vec!["a".into(), "bc".into()]),
        ),
        (
            "option<s32> some(7)",
            Option {
                inner_type: ValueType::S32,
                value: Some(Box::new(S32(7))),
            },
        ),
        (
            "option<s32> none",
            Option {
                inner_type: ValueType::S32,
                value: None,
            },
        ),
        (
            "option<option<string>> some(none)",
            Option {
                inner_type: ValueType::Option(Box::new(ValueType::String)),
                value: Some(Box::new(Option {
                    inner_type: ValueType::String,
                    value: None,
                })),
            },
        ),
        (
            "result<u8,string> ok(5)",
            Result {
                ok_type: ValueType::U8,
                err_type: ValueType::String,
                value: Ok(Box::new(U8(5))),
            },
        ),
        (
            "result<u8,string> err(\"no\")",
            Result {
                ok_type: ValueType::U8,
                err_type: ValueType::String,
                value: Err(Box::new("no".into())),
            },
        ),
        (
            "result<_,string> ok(()) (unit as empty tuple)",
            Result {
                ok_type: ValueType::UNIT,
                err_type: ValueType::String,
                value: Ok(Box::new(Value::UNIT)),
            },
        ),
        ("tuple<> (unit)", Value::UNIT),
        ("tuple<s32,s32> (20,22)", Tuple(vec![S32(20), S32(22)])),
        ("record point {x: 1, y: -2}", point()),
        (
            "list<point> [{1,-2}]",
            list(ValueType::Record("point".into()), vec![point()]),
        ),
        (
            "enum color::green (variant tag 1, no payload)",
            var("color", "green", 1, vec![]),
        ),
        (
            "variant shape::circle(f64 2.0) tag 0",
            var("shape", "circle", 0, vec![F64(2.0)]),
        ),
        (
            "variant sexpr::lst([sym(\"a\"), num(1)]) tags sym=0 num=1 lst=2",
            var(
                "sexpr",
                "lst",
                2,
                vec![list(
                    ValueType::Variant("sexpr".into()),
                    vec![
                        var("sexpr", "sym", 0, vec!["a".into()]),
                        var("sexpr", "num", 1, vec![S64(1)]),
                    ],
                )],
            ),
        ),
    ]
}

#[test]
fn dynamic_values_encode_to_the_reference_bytes_and_back() {
    let vectors = vectors();
    let values = dynamic_values();
    assert_eq!(values.len(), vectors.len(), "every vector is covered");
    for (name, value) in values {
        let expected = vectors
            .get(name)
            .unwrap_or_else(|| panic!("no vector named {name}"));
        assert_eq!(&abi::encode(&value).unwrap(), expected, "encoding {name}");
        assert_eq!(abi::decode(expected).unwrap(), value, "decoding {name}");
    }
}

fn check_typed<T: GraphValue + PartialEq + std::fmt::Debug>(name: &str, value: T) {
    let vectors = vectors();
    let expected = vectors
        .get(name)
        .unwrap_or_else(|| panic!("no vector named {name}"));
    assert_eq!(
        &abi::encode(&value).unwrap(),
        expected,
        "typed encoding of {name}"
    );
    assert_eq!(
        abi::decode_as::<T>(expected).unwrap(),
        value,
        "typed decoding of {name}"
    );
}

#[test]
fn typed_values_encode_to_the_reference_bytes_and_back() {
    check_typed("bool true", true);
    check_typed("u8 200", 200u8);
    check_typed("s16 -2", -2i16);
    check_typed("u32 7", 7u32);
    check_typed("s32 -1", -1i32);
    check_typed("u64 1<<40", 1u64 << 40);
    check_typed("s64 -5", -5i64);
    check_typed("f32 1.5", 1.5f32);
    check_typed("f64 -0.25", -0.25f64);
    check_typed("char 'é'", 'é');
    check_typed("string \"hi\"", "hi".to_string());
    check_typed("string \"\"", String::new());
    check_typed("list<u8> [1,2,3]", vec![1u8, 2, 3]);
    check_typed("list<u8> [1,2,3]", [1u8, 2, 3]);
    check_typed("list<u8> []", Vec::<u8>::new());
    check_typed("list<s64> [-1,2]", vec![-1i64, 2]);
    check_typed(
        "list<string> [\"a\",\"bc\"]",
        vec!["a".to_string(), "bc".to_string()],
    );
    check_typed("option<s32> some(7)", Some(7i32));
    check_typed("option<s32> none", None::<i32>);
    check_typed("option<option<string>> some(none)", Some(None::<String>));
    check_typed("result<u8,string> ok(5)", Ok::<u8, String>(5));
    check_typed(
        "result<u8,string> err(\"no\")",
        Err::<u8, String>("no".into()),
    );
    check_typed(
        "result<_,string> ok(()) (unit as empty tuple)",
        Ok::<(), String>(()),
    );
    check_typed("tuple<> (unit)", ());
    check_typed("tuple<s32,s32> (20,22)", (20i32, 22i32));
}

#[test]
fn borrowed_forms_encode_like_owned_ones() {
    let vectors = vectors();
    assert_eq!(&abi::encode("hi").unwrap(), &vectors["string \"hi\""]);
    assert_eq!(
        &abi::encode(&[1u8, 2, 3][..]).unwrap(),
        &vectors["list<u8> [1,2,3]"]
    );
}

/// The maps and sets of the version-3 vectors, as dynamic values.
fn dynamic_maps_and_sets() -> Vec<(&'static str, Value)> {
    use Value::*;
    let map = |key_type, value_type, entries| Map {
        key_type,
        value_type,
        entries,
    };
    let set = |elem_type, items| Set { elem_type, items };
    vec![
        ("s32 -1 (v3 header)", S32(-1)),
        (
            "map<string,s32> {\"a\": 1, \"b\": 2}",
            map(
                ValueType::String,
                ValueType::S32,
                vec![("a".into(), S32(1)), ("b".into(), S32(2))],
            ),
        ),
        (
            "map<u32,string> {}",
            map(ValueType::U32, ValueType::String, vec![]),
        ),
        ("set<u8> {1, 7}", set(ValueType::U8, vec![U8(1), U8(7)])),
        (
            "set<string> {\"x\"}",
            set(ValueType::String, vec!["x".into()]),
        ),
        (
            "list<map<string,u8>> [{\"k\": 9}]",
            List {
                elem_type: ValueType::Map {
                    key: Box::new(ValueType::String),
                    value: Box::new(ValueType::U8),
                },
                items: vec![map(
                    ValueType::String,
                    ValueType::U8,
                    vec![("k".into(), U8(9))],
                )],
            },
        ),
        (
            "option<set<s64>> some({-5})",
            Option {
                inner_type: ValueType::Set(Box::new(ValueType::S64)),
                value: Some(Box::new(set(ValueType::S64, vec![S64(-5)]))),
            },
        ),
    ]
}

#[test]
fn every_version_3_vector_is_reproduced_and_read_back() {
    let vectors = vectors_v3();
    let values: Vec<_> = dynamic_values()
        .into_iter()
        .chain(dynamic_maps_and_sets())
        .collect();
    assert_eq!(values.len(), vectors.len(), "every v3 vector is covered");
    for (name, value) in values {
        let expected = vectors
            .get(name)
            .unwrap_or_else(|| panic!("no v3 vector named {name}"));
        assert_eq!(
            &abi::encode_with(&value, Wire::V3).unwrap(),
            expected,
            "encoding {name} as v3"
        );
        assert_eq!(abi::decode(expected).unwrap(), value, "decoding {name}");
    }
}

#[test]
fn the_v2_values_differ_from_their_v3_vectors_only_in_the_version() {
    let (v2, v3) = (vectors(), vectors_v3());
    for (name, bytes) in &v2 {
        let mut patched = bytes.clone();
        patched[4] = 3;
        assert_eq!(&patched, &v3[name], "{name}");
    }
}

fn check_typed_v3<T: GraphValue + PartialEq + std::fmt::Debug>(name: &str, value: T) {
    let vectors = vectors_v3();
    let expected = vectors
        .get(name)
        .unwrap_or_else(|| panic!("no v3 vector named {name}"));
    assert_eq!(
        &abi::encode_with(&value, Wire::V3).unwrap(),
        expected,
        "typed v3 encoding of {name}"
    );
    assert_eq!(
        abi::decode_as::<T>(expected).unwrap(),
        value,
        "typed v3 decoding of {name}"
    );
}

#[test]
fn typed_maps_and_sets_write_the_version_3_vectors() {
    check_typed_v3("s32 -1 (v3 header)", -1i32);
    check_typed_v3("tuple<s32,s32> (20,22)", (20i32, 22i32));
    check_typed_v3(
        "list<string> [\"a\",\"bc\"]",
        vec!["a".to_string(), "bc".to_string()],
    );
    check_typed_v3(
        "map<string,s32> {\"a\": 1, \"b\": 2}",
        BTreeMap::from([("a".to_string(), 1i32), ("b".to_string(), 2)]),
    );
    check_typed_v3(
        "map<string,s32> {\"a\": 1, \"b\": 2}",
        HashMap::<String, i32>::from([("b".to_string(), 2), ("a".to_string(), 1)]),
    );
    check_typed_v3("map<u32,string> {}", BTreeMap::<u32, String>::new());
    check_typed_v3("set<u8> {1, 7}", BTreeSet::from([7u8, 1]));
    check_typed_v3("set<u8> {1, 7}", HashSet::<u8>::from([7, 1]));
    check_typed_v3("set<string> {\"x\"}", BTreeSet::from(["x".to_string()]));
    check_typed_v3(
        "list<map<string,u8>> [{\"k\": 9}]",
        vec![BTreeMap::from([("k".to_string(), 9u8)])],
    );
    check_typed_v3("option<set<s64>> some({-5})", Some(BTreeSet::from([-5i64])));
}

/// Under version 2 the same typed values keep their list forms: a
/// version-2 peer reads them as `list<tuple<K, V>>` and `list<T>`.
#[test]
fn typed_maps_and_sets_keep_their_list_forms_under_version_2() {
    let map = BTreeMap::from([("k".to_string(), 9u8)]);
    let list_form = vec![("k".to_string(), 9u8)];
    assert_eq!(abi::encode(&map).unwrap(), abi::encode(&list_form).unwrap());
    let nested = Some(vec![map.clone()]);
    let nested_list = Some(vec![list_form.clone()]);
    assert_eq!(
        abi::encode(&nested).unwrap(),
        abi::encode(&nested_list).unwrap(),
        "descriptors inside lists and options are list forms too"
    );
    let set = BTreeSet::from([1u8, 7]);
    assert_eq!(
        abi::encode(&set).unwrap(),
        abi::encode(&vec![1u8, 7]).unwrap()
    );
    // A version-3 buffer may carry either form; both decode.
    let v3_list_form = abi::encode_with(&list_form, Wire::V3).unwrap();
    assert_eq!(
        abi::decode_as::<BTreeMap<String, u8>>(&v3_list_form).unwrap(),
        map
    );
    assert_eq!(
        abi::decode_as::<BTreeMap<String, u8>>(&abi::encode_with(&map, Wire::V3).unwrap()).unwrap(),
        map
    );
}
