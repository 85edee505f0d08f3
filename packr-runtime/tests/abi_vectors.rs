//! Every reference vector (docs/abi.md §1): our encoders must write exactly the
//! reference bytes, and our decoders must read the same value back.

use packr_runtime::abi::{self, GraphValue, Value, ValueType};
use std::collections::BTreeMap;

/// The bytes the reference encoder writes for 30 values (name TAB hex),
/// kept in the repository beside this test.
fn vectors() -> BTreeMap<String, Vec<u8>> {
    let ours = include_str!("data/vectors.tsv");
    ours.lines()
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
