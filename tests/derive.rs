//! `#[derive(GraphValue)]`: every shape round-trips, derived types produce
//! the reference bytes, records decode by field name and variants by tag,
//! and malformed input fails with the right error kind.

use packr::GraphValue;
use packr::abi::{self, AbiError, AbiErrorKind, Encoder, Kind, Value, ValueType};
use std::collections::BTreeMap;
use std::fmt::Debug;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// The reference vectors, by name.
fn vectors() -> BTreeMap<&'static str, Vec<u8>> {
    include_str!("../packr-runtime/tests/data/vectors.tsv")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (name, hex) = l.split_once('\t').expect("name TAB hex");
            let bytes = (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
                .collect();
            (name, bytes)
        })
        .collect()
}

fn vector(name: &str) -> Vec<u8> {
    vectors()
        .remove(name)
        .unwrap_or_else(|| panic!("no reference vector named {name:?}"))
}

/// Encodes `value`, decodes it back both typed and dynamically, and checks
/// that the dynamic value re-encodes to the same bytes. Returns the bytes.
#[track_caller]
fn round_trip<T: GraphValue + PartialEq + Debug>(value: &T) -> Vec<u8> {
    let bytes = abi::encode(value).expect("encode");
    let back: T = abi::decode_as(&bytes).expect("typed decode");
    assert_eq!(&back, value, "typed round trip");
    let dynamic = abi::decode(&bytes).expect("dynamic decode");
    assert_eq!(
        abi::encode(&dynamic).expect("re-encode the dynamic value"),
        bytes,
        "the dynamic value {dynamic} re-encodes differently"
    );
    bytes
}

/// The dynamic view of a derived value.
#[track_caller]
fn dynamic<T: GraphValue>(value: &T) -> Value {
    abi::decode(&abi::encode(value).expect("encode")).expect("dynamic decode")
}

/// Decodes a hand-built dynamic value as `T`.
fn decode_from<T: GraphValue>(value: &Value) -> Result<T, AbiError> {
    abi::decode_as(&abi::encode(value).expect("encode the dynamic value"))
}

fn rec(type_name: &str, fields: Vec<(&str, Value)>) -> Value {
    Value::Record {
        type_name: type_name.into(),
        fields: fields.into_iter().map(|(n, v)| (n.into(), v)).collect(),
    }
}

fn var(type_name: &str, case: &str, tag: u32, payload: Vec<Value>) -> Value {
    Value::Variant {
        type_name: type_name.into(),
        case_name: case.into(),
        tag,
        payload,
    }
}

fn list(elem_type: ValueType, items: Vec<Value>) -> Value {
    Value::List { elem_type, items }
}

// ---------------------------------------------------------------------------
// The types of the reference vectors
// ---------------------------------------------------------------------------

#[derive(GraphValue, Debug, Clone, PartialEq)]
#[graph(rename = "point")]
struct Point {
    x: i32,
    y: i32,
}

#[derive(GraphValue, Debug, Clone, Copy, PartialEq)]
#[graph(rename = "color", rename_all = "lowercase")]
enum Color {
    Red,
    Green,
    Blue,
}

#[derive(GraphValue, Debug, Clone, PartialEq)]
#[graph(rename = "shape", rename_all = "lowercase")]
enum Shape {
    Circle(f64),
    Rect(f64, f64),
}

#[derive(GraphValue, Debug, Clone, PartialEq)]
#[graph(rename = "sexpr", rename_all = "lowercase")]
enum Sexpr {
    Sym(String),
    Num(i64),
    Lst(Vec<Sexpr>),
}

#[test]
fn point_matches_the_reference_bytes() {
    let p = Point { x: 1, y: -2 };
    let bytes = round_trip(&p);
    assert_eq!(bytes, vector("record point {x: 1, y: -2}"));
    assert_eq!(
        dynamic(&p),
        rec("point", vec![("x", Value::S32(1)), ("y", Value::S32(-2))])
    );
    let back: Point = abi::decode_as(&vector("record point {x: 1, y: -2}")).unwrap();
    assert_eq!(back, p);
}

#[test]
fn list_of_points_matches_the_reference_bytes() {
    let v = vec![Point { x: 1, y: -2 }];
    assert_eq!(round_trip(&v), vector("list<point> [{1,-2}]"));
    assert_eq!(
        dynamic(&v),
        list(
            ValueType::Record("point".into()),
            vec![rec(
                "point",
                vec![("x", Value::S32(1)), ("y", Value::S32(-2))]
            )]
        )
    );
}

#[test]
fn enum_matches_the_reference_bytes() {
    let name = "enum color::green (variant tag 1, no payload)";
    assert_eq!(round_trip(&Color::Green), vector(name));
    assert_eq!(dynamic(&Color::Green), var("color", "green", 1, vec![]));
    assert_eq!(
        abi::decode_as::<Color>(&vector(name)).unwrap(),
        Color::Green
    );
    for c in [Color::Red, Color::Green, Color::Blue] {
        round_trip(&c);
    }
    assert_eq!(dynamic(&Color::Blue), var("color", "blue", 2, vec![]));
}

#[test]
fn variant_matches_the_reference_bytes() {
    let name = "variant shape::circle(f64 2.0) tag 0";
    assert_eq!(round_trip(&Shape::Circle(2.0)), vector(name));
    assert_eq!(
        dynamic(&Shape::Circle(2.0)),
        var("shape", "circle", 0, vec![Value::F64(2.0)])
    );
    assert_eq!(
        dynamic(&Shape::Rect(1.0, 2.0)),
        var("shape", "rect", 1, vec![Value::F64(1.0), Value::F64(2.0)])
    );
    round_trip(&Shape::Rect(3.5, -1.0));
}

#[test]
fn recursive_sexpr_matches_the_reference_bytes() {
    let name = "variant sexpr::lst([sym(\"a\"), num(1)]) tags sym=0 num=1 lst=2";
    let s = Sexpr::Lst(vec![Sexpr::Sym("a".into()), Sexpr::Num(1)]);
    assert_eq!(round_trip(&s), vector(name));
    assert_eq!(abi::decode_as::<Sexpr>(&vector(name)).unwrap(), s);
    assert_eq!(
        dynamic(&s),
        var(
            "sexpr",
            "lst",
            2,
            vec![list(
                ValueType::Variant("sexpr".into()),
                vec![
                    var("sexpr", "sym", 0, vec!["a".into()]),
                    var("sexpr", "num", 1, vec![Value::S64(1)]),
                ]
            )]
        )
    );
}

// ---------------------------------------------------------------------------
// Structs
// ---------------------------------------------------------------------------

#[derive(GraphValue, Debug, Clone, PartialEq)]
struct Pair(i32, String);

#[derive(GraphValue, Debug, Clone, PartialEq)]
struct Meters(f64);

#[derive(GraphValue, Debug, Clone, PartialEq)]
struct Unit;

#[derive(GraphValue, Debug, Clone, PartialEq)]
struct EmptyRecord {}

#[derive(GraphValue, Debug, Clone, PartialEq)]
struct EmptyTuple();

#[derive(GraphValue, Debug, Clone, PartialEq)]
struct Everything {
    flag: bool,
    byte: u8,
    small: i16,
    big: u64,
    ratio: f32,
    letter: char,
    name: String,
    bytes: Vec<u8>,
    words: Vec<String>,
    maybe: Option<i32>,
    nothing: Option<String>,
    outcome: Result<u32, String>,
    pair: (u8, String),
    point: Point,
    points: Vec<Point>,
    colors: [Color; 2],
    unit: (),
}

#[test]
fn tuple_struct_is_a_tuple() {
    let p = Pair(7, "seven".into());
    let bytes = round_trip(&p);
    assert_eq!(bytes, abi::encode(&(7i32, "seven".to_string())).unwrap());
    assert_eq!(
        dynamic(&p),
        Value::Tuple(vec![Value::S32(7), "seven".into()])
    );
    // The type descriptor is the tuple's too.
    let list = vec![p.clone(), Pair(8, "eight".into())];
    assert_eq!(
        round_trip(&list),
        abi::encode(&vec![(7i32, "seven".to_string()), (8, "eight".to_string())]).unwrap()
    );
    assert_eq!(
        abi::encode(&Vec::<Pair>::new()).unwrap(),
        abi::encode(&Vec::<(i32, String)>::new()).unwrap()
    );
}

#[test]
fn newtype_struct_is_a_one_tuple() {
    let m = Meters(1.5);
    assert_eq!(round_trip(&m), abi::encode(&(1.5f64,)).unwrap());
    assert_eq!(
        round_trip(&vec![Meters(1.0)]),
        abi::encode(&vec![(1.0f64,)]).unwrap()
    );
}

#[test]
fn unit_struct_is_the_empty_tuple() {
    assert_eq!(round_trip(&Unit), abi::encode(&()).unwrap());
    assert_eq!(dynamic(&Unit), Value::UNIT);
    assert_eq!(
        round_trip(&vec![Unit, Unit]),
        abi::encode(&vec![(), ()]).unwrap()
    );
    assert_eq!(round_trip(&EmptyTuple()), abi::encode(&()).unwrap());
    assert_eq!(abi::decode_as::<Unit>(&abi::encode(&()).unwrap()), Ok(Unit));
}

#[test]
fn empty_record() {
    round_trip(&EmptyRecord {});
    assert_eq!(dynamic(&EmptyRecord {}), rec("EmptyRecord", vec![]));
    assert_eq!(
        round_trip(&vec![EmptyRecord {}]),
        abi::encode(&list(
            ValueType::Record("EmptyRecord".into()),
            vec![rec("EmptyRecord", vec![])]
        ))
        .unwrap()
    );
}

#[test]
fn type_name_defaults_to_the_rust_ident() {
    let v = Everything {
        flag: true,
        byte: 200,
        small: -3,
        big: u64::MAX,
        ratio: 0.5,
        letter: 'λ',
        name: "n".into(),
        bytes: vec![1, 2, 3],
        words: vec!["a".into(), "b".into()],
        maybe: Some(4),
        nothing: None,
        outcome: Err("no".into()),
        pair: (1, "one".into()),
        point: Point { x: 3, y: 4 },
        points: vec![Point { x: 5, y: 6 }, Point { x: 7, y: 8 }],
        colors: [Color::Red, Color::Blue],
        unit: (),
    };
    round_trip(&v);
    let Value::Record { type_name, fields } = dynamic(&v) else {
        panic!("not a record")
    };
    assert_eq!(type_name, "Everything");
    let names: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "flag", "byte", "small", "big", "ratio", "letter", "name", "bytes", "words", "maybe",
            "nothing", "outcome", "pair", "point", "points", "colors", "unit"
        ]
    );
}

#[test]
fn record_type_descriptor_is_its_name() {
    // Option<Point> writes the inner descriptor `09 len "point"` even when absent.
    let none: Option<Point> = None;
    assert_eq!(
        round_trip(&none),
        abi::encode(&Value::Option {
            inner_type: ValueType::Record("point".into()),
            value: None
        })
        .unwrap()
    );
    let colors: Vec<Color> = Vec::new();
    assert_eq!(
        round_trip(&colors),
        abi::encode(&list(ValueType::Variant("color".into()), vec![])).unwrap()
    );
    let mut out = Vec::new();
    <Point as GraphValue>::write_type(None, &mut out);
    assert_eq!(out, [&[0x09, 5, 0, 0, 0][..], b"point"].concat());
    out.clear();
    <Color as GraphValue>::write_type(None, &mut out);
    assert_eq!(out, [&[0x08, 5, 0, 0, 0][..], b"color"].concat());
    out.clear();
    <Pair as GraphValue>::write_type(None, &mut out);
    assert_eq!(out, [0x0B, 2, 0, 0, 0, Kind::S32 as u8, Kind::String as u8]);
    out.clear();
    <Unit as GraphValue>::write_type(None, &mut out);
    assert_eq!(out, [0x0B, 0, 0, 0, 0]);
}

// ---------------------------------------------------------------------------
// Enums
// ---------------------------------------------------------------------------

#[derive(GraphValue, Debug, Clone, PartialEq)]
enum Event {
    Start,
    Move(i32, i32),
    Rename { from: String, to: String },
    Sym(String),
    Nothing {},
    Empty(),
}

#[test]
fn every_variant_shape_round_trips() {
    for e in [
        Event::Start,
        Event::Move(1, -1),
        Event::Rename {
            from: "a".into(),
            to: "b".into(),
        },
        Event::Sym("s".into()),
        Event::Nothing {},
        Event::Empty(),
    ] {
        round_trip(&e);
    }
    assert_eq!(dynamic(&Event::Start), var("Event", "Start", 0, vec![]));
    assert_eq!(
        dynamic(&Event::Move(1, -1)),
        var("Event", "Move", 1, vec![Value::S32(1), Value::S32(-1)])
    );
    assert_eq!(
        dynamic(&Event::Sym("s".into())),
        var("Event", "Sym", 3, vec!["s".into()])
    );
    assert_eq!(dynamic(&Event::Empty()), var("Event", "Empty", 5, vec![]));
}

#[test]
fn struct_variant_carries_one_record_named_like_the_case() {
    let e = Event::Rename {
        from: "a".into(),
        to: "b".into(),
    };
    assert_eq!(
        dynamic(&e),
        var(
            "Event",
            "Rename",
            2,
            vec![rec(
                "Rename",
                vec![("from", "a".into()), ("to", "b".into())]
            )]
        )
    );
    assert_eq!(
        dynamic(&Event::Nothing {}),
        var("Event", "Nothing", 4, vec![rec("Nothing", vec![])])
    );
    // The payload record decodes by name too.
    let swapped = var(
        "Event",
        "Rename",
        2,
        vec![rec(
            "Rename",
            vec![("to", "b".into()), ("from", "a".into())],
        )],
    );
    assert_eq!(decode_from::<Event>(&swapped), Ok(e));
}

// ---------------------------------------------------------------------------
// Generics
// ---------------------------------------------------------------------------

#[derive(GraphValue, Debug, Clone, PartialEq)]
struct Wrapper<T> {
    inner: T,
    many: Vec<T>,
    maybe: Option<T>,
}

#[derive(GraphValue, Debug, Clone, PartialEq)]
struct TwoOf<A, B>(A, B);

#[derive(GraphValue, Debug, Clone, PartialEq)]
enum Either<L, R>
where
    L: Clone,
{
    Left(L),
    Right { value: R },
}

#[derive(GraphValue, Debug, Clone, PartialEq)]
struct Fixed<const N: usize> {
    data: [u16; N],
}

#[derive(GraphValue, Debug, Clone, PartialEq)]
struct Marked<T: Clone + Default> {
    id: u32,
    value: T,
}

/// A type parameter that only appears through an associated type.
#[derive(GraphValue)]
struct FirstItem<I: Iterator> {
    item: Option<I::Item>,
}

#[test]
fn generic_types_round_trip() {
    round_trip(&Wrapper {
        inner: 1u8,
        many: vec![2, 3],
        maybe: None,
    });
    round_trip(&Wrapper {
        inner: Point { x: 1, y: 2 },
        many: vec![],
        maybe: Some(Point { x: 3, y: 4 }),
    });
    round_trip(&Wrapper {
        inner: Wrapper {
            inner: "deep".to_string(),
            many: vec!["x".into()],
            maybe: None,
        },
        many: vec![],
        maybe: None,
    });
    round_trip(&TwoOf(Color::Red, vec![Unit]));
    round_trip(&Either::<i8, String>::Left(-1));
    round_trip(&Either::<i8, String>::Right { value: "r".into() });
    round_trip(&Fixed { data: [1, 2, 3] });
    round_trip(&Marked {
        id: 9,
        value: "v".to_string(),
    });

    let bytes = abi::encode(&FirstItem::<std::vec::IntoIter<String>> {
        item: Some("first".into()),
    })
    .unwrap();
    let back: FirstItem<std::vec::IntoIter<String>> = abi::decode_as(&bytes).unwrap();
    assert_eq!(back.item.as_deref(), Some("first"));
}

#[test]
fn generic_instances_share_the_type_name() {
    assert_eq!(
        dynamic(&Wrapper {
            inner: 1u8,
            many: vec![],
            maybe: Some(2),
        }),
        rec(
            "Wrapper",
            vec![
                ("inner", Value::U8(1)),
                ("many", list(ValueType::U8, vec![])),
                (
                    "maybe",
                    Value::Option {
                        inner_type: ValueType::U8,
                        value: Some(Box::new(Value::U8(2)))
                    }
                ),
            ]
        )
    );
}

// ---------------------------------------------------------------------------
// Recursion
// ---------------------------------------------------------------------------

#[derive(GraphValue, Debug, Clone, PartialEq)]
struct Tree {
    value: i32,
    children: Vec<Tree>,
}

#[derive(GraphValue, Debug, Clone, PartialEq)]
struct Chain {
    head: i32,
    tail: Option<Box<Chain>>,
}

#[derive(GraphValue, Debug, Clone, PartialEq)]
enum Expr {
    Lit(i64),
    Add(Box<Expr>, Box<Expr>),
    Neg(Box<Self>),
    Call { name: String, args: Vec<Self> },
}

#[derive(GraphValue, Debug, Clone, PartialEq)]
enum GList<T> {
    Nil,
    Cons(T, Box<GList<T>>),
}

/// Mutual recursion: a directory holds entries, an entry may be a directory.
#[derive(GraphValue, Debug, Clone, PartialEq)]
struct Dir {
    name: String,
    entries: Vec<Entry>,
}

#[derive(GraphValue, Debug, Clone, PartialEq)]
#[graph(rename_all = "kebab-case")]
enum Entry {
    File(String),
    SubDir(Box<Dir>),
    Link { target: Option<Box<Entry>> },
}

#[test]
fn recursive_types_round_trip() {
    round_trip(&Tree {
        value: 1,
        children: vec![
            Tree {
                value: 2,
                children: vec![],
            },
            Tree {
                value: 3,
                children: vec![Tree {
                    value: 4,
                    children: vec![],
                }],
            },
        ],
    });
    round_trip(&Chain {
        head: 1,
        tail: Some(Box::new(Chain {
            head: 2,
            tail: Some(Box::new(Chain {
                head: 3,
                tail: None,
            })),
        })),
    });
    round_trip(&Expr::Call {
        name: "f".into(),
        args: vec![
            Expr::Add(
                Box::new(Expr::Lit(1)),
                Box::new(Expr::Neg(Box::new(Expr::Lit(2)))),
            ),
            Expr::Call {
                name: "g".into(),
                args: vec![],
            },
        ],
    });
    round_trip(&GList::Cons(
        1u32,
        Box::new(GList::Cons(2, Box::new(GList::Nil))),
    ));
}

#[test]
fn mutually_recursive_types_round_trip() {
    let tree = Dir {
        name: "/".into(),
        entries: vec![
            Entry::File("a".into()),
            Entry::SubDir(Box::new(Dir {
                name: "etc".into(),
                entries: vec![Entry::Link {
                    target: Some(Box::new(Entry::File("hosts".into()))),
                }],
            })),
            Entry::Link { target: None },
        ],
    };
    round_trip(&tree);
    assert_eq!(
        dynamic(&Entry::SubDir(Box::new(Dir {
            name: "d".into(),
            entries: vec![]
        }))),
        var(
            "Entry",
            "sub-dir",
            1,
            vec![rec(
                "Dir",
                vec![
                    ("name", "d".into()),
                    ("entries", list(ValueType::Variant("Entry".into()), vec![]))
                ]
            )]
        )
    );
}

#[test]
fn deep_recursion_is_bounded_by_the_decoder() {
    let mut chain = Chain {
        head: 0,
        tail: None,
    };
    for i in 1..300 {
        chain = Chain {
            head: i,
            tail: Some(Box::new(chain)),
        };
    }
    // 600 nested nodes (a record and an option per link), typed both ways.
    let bytes = abi::encode(&chain).unwrap();
    assert_eq!(abi::decode_as::<Chain>(&bytes).as_ref(), Ok(&chain));
    let shallow = abi::Limits {
        max_depth: 50,
        ..abi::Limits::default()
    };
    let err = abi::decode_as_with_limits::<Chain>(&bytes, &shallow).unwrap_err();
    assert!(
        matches!(err.kind(), AbiErrorKind::LimitExceeded { .. }),
        "{err}"
    );
}

// ---------------------------------------------------------------------------
// Renames and tags
// ---------------------------------------------------------------------------

#[derive(GraphValue, Debug, Clone, PartialEq)]
#[graph(rename = "user-profile", rename_all = "kebab-case")]
struct Profile {
    first_name: String,
    #[graph(rename = "family")]
    last_name: String,
    r#type: u8,
    age_in_years: u16,
}

#[derive(GraphValue, Debug, Clone, PartialEq)]
#[graph(rename_all = "SCREAMING_SNAKE_CASE")]
enum Status {
    NotStarted,
    #[graph(rename = "busy")]
    InProgress(u8),
    #[graph(rename_all = "camelCase")]
    DoneAt {
        unix_time: u64,
        #[graph(rename = "Who")]
        done_by: String,
    },
}

#[derive(GraphValue, Debug, Clone, Copy, PartialEq)]
enum Tagged {
    #[graph(tag = 10)]
    Ten,
    One,
    #[graph(tag = 0)]
    Zero,
    Three,
}

#[test]
fn renames_apply_to_the_wire() {
    let p = Profile {
        first_name: "Ada".into(),
        last_name: "Lovelace".into(),
        r#type: 1,
        age_in_years: 36,
    };
    round_trip(&p);
    assert_eq!(
        dynamic(&p),
        rec(
            "user-profile",
            vec![
                ("first-name", "Ada".into()),
                ("family", "Lovelace".into()),
                ("type", Value::U8(1)),
                ("age-in-years", Value::U16(36)),
            ]
        )
    );
}

#[test]
fn rename_all_applies_to_variant_names() {
    assert_eq!(
        dynamic(&Status::NotStarted),
        var("Status", "NOT_STARTED", 0, vec![])
    );
    assert_eq!(
        dynamic(&Status::InProgress(50)),
        var("Status", "busy", 1, vec![Value::U8(50)])
    );
    let done = Status::DoneAt {
        unix_time: 1,
        done_by: "me".into(),
    };
    round_trip(&done);
    assert_eq!(
        dynamic(&done),
        var(
            "Status",
            "DONE_AT",
            2,
            vec![rec(
                "DONE_AT",
                vec![("unixTime", Value::U64(1)), ("Who", "me".into())]
            )]
        )
    );
}

#[test]
fn rename_all_spellings() {
    #[derive(GraphValue, Debug, PartialEq)]
    #[graph(rename_all = "PascalCase")]
    struct P {
        some_field: u8,
    }
    #[derive(GraphValue, Debug, PartialEq)]
    #[graph(rename_all = "UPPERCASE")]
    struct U {
        some_field: u8,
    }
    #[derive(GraphValue, Debug, PartialEq)]
    #[graph(rename_all = "snake_case")]
    enum S {
        SomeCase,
    }
    #[derive(GraphValue, Debug, PartialEq)]
    #[graph(rename_all = "SCREAMING-KEBAB-CASE")]
    enum K {
        SomeCase,
    }
    #[derive(GraphValue, Debug, PartialEq)]
    #[graph(rename_all = "camelCase")]
    enum C {
        SomeCase,
    }
    let field = |v: Value| match v {
        Value::Record { fields, .. } => fields[0].0.clone(),
        other => panic!("{other}"),
    };
    let case = |v: Value| match v {
        Value::Variant { case_name, .. } => case_name,
        other => panic!("{other}"),
    };
    assert_eq!(field(dynamic(&P { some_field: 1 })), "SomeField");
    assert_eq!(field(dynamic(&U { some_field: 1 })), "SOME_FIELD");
    assert_eq!(case(dynamic(&S::SomeCase)), "some_case");
    assert_eq!(case(dynamic(&K::SomeCase)), "SOME-CASE");
    assert_eq!(case(dynamic(&C::SomeCase)), "someCase");
    round_trip(&P { some_field: 1 });
    round_trip(&K::SomeCase);
}

#[test]
fn explicit_tags_and_positions() {
    assert_eq!(dynamic(&Tagged::Ten), var("Tagged", "Ten", 10, vec![]));
    assert_eq!(dynamic(&Tagged::One), var("Tagged", "One", 1, vec![]));
    assert_eq!(dynamic(&Tagged::Zero), var("Tagged", "Zero", 0, vec![]));
    assert_eq!(dynamic(&Tagged::Three), var("Tagged", "Three", 3, vec![]));
    for t in [Tagged::Ten, Tagged::One, Tagged::Zero, Tagged::Three] {
        round_trip(&t);
    }
}

#[test]
fn variants_decode_by_tag_not_by_name() {
    // The case name on the wire is informational; the tag decides.
    let v = var("whatever", "not-green", 1, vec![]);
    assert_eq!(decode_from::<Color>(&v), Ok(Color::Green));
    let v = var("Tagged", "Ten", 3, vec![]);
    assert_eq!(decode_from::<Tagged>(&v), Ok(Tagged::Three));
}

// ---------------------------------------------------------------------------
// Records decode by name
// ---------------------------------------------------------------------------

#[derive(GraphValue, Debug, Clone, PartialEq)]
struct Config {
    name: String,
    #[graph(default)]
    retries: u32,
    #[graph(default, rename = "tag-list")]
    tags: Vec<String>,
    #[graph(default)]
    parent: Option<Box<Config>>,
}

#[derive(GraphValue, Debug, Clone, PartialEq)]
struct Strict {
    a: u8,
    b: u8,
}

#[test]
fn fields_are_matched_by_name_in_any_order() {
    // Built by hand: y's child first, and the record lists y before x.
    let mut enc = Encoder::new();
    let y = enc.scalar(Kind::S32, &(-2i32).to_le_bytes());
    let x = enc.scalar(Kind::S32, &1i32.to_le_bytes());
    let root = enc.record("point", &["y", "x"], &[y, x]).unwrap();
    let bytes = enc.finish(root);
    assert_eq!(abi::decode_as::<Point>(&bytes), Ok(Point { x: 1, y: -2 }));

    let reversed = rec("Strict", vec![("b", Value::U8(2)), ("a", Value::U8(1))]);
    assert_eq!(decode_from::<Strict>(&reversed), Ok(Strict { a: 1, b: 2 }));
}

#[test]
fn unknown_fields_are_ignored() {
    let extra = rec(
        "Strict",
        vec![
            ("z", "ignored".into()),
            ("a", Value::U8(1)),
            ("extra", Value::Tuple(vec![Value::Bool(true)])),
            ("b", Value::U8(2)),
        ],
    );
    assert_eq!(decode_from::<Strict>(&extra), Ok(Strict { a: 1, b: 2 }));
}

#[test]
fn the_record_type_name_is_not_checked() {
    let other = rec("not-strict", vec![("a", Value::U8(1)), ("b", Value::U8(2))]);
    assert_eq!(decode_from::<Strict>(&other), Ok(Strict { a: 1, b: 2 }));
}

#[test]
fn default_fields_may_be_missing() {
    let minimal = rec("Config", vec![("name", "c".into())]);
    assert_eq!(
        decode_from::<Config>(&minimal),
        Ok(Config {
            name: "c".into(),
            retries: 0,
            tags: vec![],
            parent: None,
        })
    );
    let full = Config {
        name: "c".into(),
        retries: 3,
        tags: vec!["t".into()],
        parent: Some(Box::new(Config {
            name: "p".into(),
            retries: 1,
            tags: vec![],
            parent: None,
        })),
    };
    round_trip(&full);
    // Present default fields are read, not defaulted.
    let partial = rec(
        "Config",
        vec![
            ("tag-list", list(ValueType::String, vec!["x".into()])),
            ("name", "c".into()),
        ],
    );
    assert_eq!(
        decode_from::<Config>(&partial).unwrap().tags,
        vec!["x".to_string()]
    );
}

#[test]
fn a_missing_field_is_an_error() {
    let missing = rec("Strict", vec![("a", Value::U8(1))]);
    let err = decode_from::<Strict>(&missing).unwrap_err();
    assert_eq!(
        err.kind(),
        &AbiErrorKind::MissingField {
            record: "Strict",
            field: "b"
        }
    );
    assert!(err.to_string().contains("`b`"), "{err}");

    let err = decode_from::<Config>(&rec("Config", vec![])).unwrap_err();
    assert_eq!(
        err.kind(),
        &AbiErrorKind::MissingField {
            record: "Config",
            field: "name"
        }
    );

    // Renamed fields are looked up by their wire name.
    let rust_names = rec(
        "user-profile",
        vec![
            ("first_name", "a".into()),
            ("last_name", "b".into()),
            ("type", Value::U8(0)),
            ("age_in_years", Value::U16(1)),
        ],
    );
    assert_eq!(
        decode_from::<Profile>(&rust_names).unwrap_err().kind(),
        &AbiErrorKind::MissingField {
            record: "user-profile",
            field: "first-name"
        }
    );

    // Inside a struct variant, the record is named like the case.
    let v = var(
        "Event",
        "Rename",
        2,
        vec![rec("Rename", vec![("from", "a".into())])],
    );
    assert_eq!(
        decode_from::<Event>(&v).unwrap_err().kind(),
        &AbiErrorKind::MissingField {
            record: "Rename",
            field: "to"
        }
    );
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

#[test]
fn an_unknown_tag_is_an_error() {
    let err = decode_from::<Color>(&var("color", "purple", 7, vec![])).unwrap_err();
    assert_eq!(
        err.kind(),
        &AbiErrorKind::UnknownCase {
            variant: "color",
            tag: 7
        }
    );
    // Explicit tags leave holes: tag 2 is nobody's.
    let err = decode_from::<Tagged>(&var("Tagged", "Two", 2, vec![])).unwrap_err();
    assert_eq!(
        err.kind(),
        &AbiErrorKind::UnknownCase {
            variant: "Tagged",
            tag: 2
        }
    );
}

#[test]
fn a_wrong_payload_count_is_an_error() {
    let two = var("shape", "circle", 0, vec![Value::F64(1.0), Value::F64(2.0)]);
    let err = decode_from::<Shape>(&two).unwrap_err();
    assert!(
        matches!(err.kind(), AbiErrorKind::TypeMismatch { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("1 payload value"), "{err}");

    let none = var("shape", "rect", 1, vec![Value::F64(1.0)]);
    assert!(matches!(
        decode_from::<Shape>(&none).unwrap_err().kind(),
        AbiErrorKind::TypeMismatch { .. }
    ));

    // An enum case carries no payload.
    let payload = var("color", "green", 1, vec![Value::U8(0)]);
    assert!(matches!(
        decode_from::<Color>(&payload).unwrap_err().kind(),
        AbiErrorKind::TypeMismatch { .. }
    ));

    // A struct variant carries exactly one record.
    let bare = var("Event", "Rename", 2, vec!["a".into(), "b".into()]);
    assert!(matches!(
        decode_from::<Event>(&bare).unwrap_err().kind(),
        AbiErrorKind::TypeMismatch { .. }
    ));
}

/// A typed decode whose result is dropped.
type DecodeFn = fn(&[u8]) -> Result<(), AbiError>;

#[test]
fn a_wrong_kind_is_an_error() {
    let cases: Vec<(Value, DecodeFn)> = vec![
        (Value::Tuple(vec![Value::S32(1), Value::S32(2)]), |b| {
            abi::decode_as::<Point>(b).map(drop)
        }),
        (rec("point", vec![("x", Value::S32(1))]), |b| {
            abi::decode_as::<Pair>(b).map(drop)
        }),
        (Value::U32(1), |b| abi::decode_as::<Color>(b).map(drop)),
        (rec("Event", vec![]), |b| {
            abi::decode_as::<Event>(b).map(drop)
        }),
        (Value::Tuple(vec![Value::S32(1)]), |b| {
            abi::decode_as::<Pair>(b).map(drop)
        }),
        (Value::Tuple(vec![Value::U8(1)]), |b| {
            abi::decode_as::<Unit>(b).map(drop)
        }),
        // A field of the wrong type.
        (
            rec("point", vec![("x", Value::S64(1)), ("y", Value::S32(2))]),
            |b| abi::decode_as::<Point>(b).map(drop),
        ),
        // A struct variant whose payload is not a record.
        (var("Event", "Rename", 2, vec!["a".into()]), |b| {
            abi::decode_as::<Event>(b).map(drop)
        }),
    ];
    for (value, decode) in cases {
        let err = decode(&abi::encode(&value).unwrap()).unwrap_err();
        assert!(
            matches!(err.kind(), AbiErrorKind::TypeMismatch { .. }),
            "{value}: {err}"
        );
    }
}

#[test]
fn a_shared_child_decodes_and_a_cycle_fails() {
    // Both fields point at the same node: a DAG, which is valid.
    let mut enc = Encoder::new();
    let shared = enc.scalar(Kind::S32, &5i32.to_le_bytes());
    let root = enc.record("point", &["x", "y"], &[shared, shared]).unwrap();
    assert_eq!(
        abi::decode_as::<Point>(&enc.finish(root)),
        Ok(Point { x: 5, y: 5 })
    );

    // A chain whose tail is itself.
    let mut enc = Encoder::new();
    let head = enc.scalar(Kind::S32, &1i32.to_le_bytes());
    let m = enc.begin(Kind::Option);
    enc.put_u8(Kind::Record as u8);
    enc.put_str("Chain").unwrap();
    enc.put_u8(1);
    enc.put_u32(2); // the record below
    let tail = enc.end(m).unwrap();
    let root = enc
        .record("Chain", &["head", "tail"], &[head, tail])
        .unwrap();
    assert_eq!(root, 2);
    let err = abi::decode_as::<Chain>(&enc.finish(root)).unwrap_err();
    assert!(matches!(err.kind(), AbiErrorKind::Cycle { .. }), "{err}");
}

// ---------------------------------------------------------------------------
// Hygiene and the `crate` attribute
// ---------------------------------------------------------------------------

mod shim {
    pub use packr::abi;
}

#[derive(GraphValue, Debug, PartialEq)]
#[graph(crate = "crate::shim")]
struct ThroughShim {
    n: u8,
}

#[derive(GraphValue, Debug, PartialEq)]
#[graph(crate = "::packr")]
enum ThroughAbsolutePath {
    A(u8),
}

#[test]
fn the_crate_attribute_picks_the_path() {
    round_trip(&ThroughShim { n: 1 });
    round_trip(&ThroughAbsolutePath::A(2));
}

/// Nothing from the prelude is in scope here, and common names are
/// shadowed: the generated code must not rely on any of them.
#[allow(dead_code, non_camel_case_types)]
#[no_implicit_prelude]
mod hygiene {
    struct Result;
    struct Option;
    struct Vec;
    struct Box;
    struct String;
    struct Ok;
    struct Err;
    struct Some;
    struct None;
    struct u32;
    struct str;
    mod core {}
    mod abi {}

    #[derive(::packr::GraphValue, ::core::fmt::Debug, ::core::cmp::PartialEq)]
    pub struct Named {
        pub a: ::std::string::String,
        pub b: ::std::vec::Vec<::std::primitive::u32>,
        #[graph(default)]
        pub c: ::std::option::Option<::std::boxed::Box<Named>>,
    }

    #[derive(::packr::GraphValue, ::core::fmt::Debug, ::core::cmp::PartialEq)]
    pub struct Tuple(pub ::std::primitive::u8, pub Named);

    #[derive(::packr::GraphValue, ::core::fmt::Debug, ::core::cmp::PartialEq)]
    pub enum Enum<T> {
        A,
        B(T, ::std::primitive::i8),
        C { x: T },
    }
}

#[test]
fn generated_code_is_hygienic() {
    let named = hygiene::Named {
        a: "a".into(),
        b: vec![1],
        c: None,
    };
    round_trip(&hygiene::Tuple(1, named));
    round_trip(&hygiene::Enum::<u8>::A);
    round_trip(&hygiene::Enum::B(1u8, -1));
    round_trip(&hygiene::Enum::C { x: 1u8 });
}

/// Deprecated items and fields named like the generated locals.
mod odd_names {
    use packr::GraphValue;

    #[derive(GraphValue, Debug, PartialEq)]
    pub struct Odd {
        pub __enc: u8,
        pub __dec: u8,
        pub __index: u8,
        pub __children: u8,
        pub __record: u8,
        #[deprecated]
        pub old: u8,
    }

    #[derive(GraphValue, Debug, PartialEq)]
    pub enum OddEnum {
        #[deprecated]
        Old,
        V {
            __f0: u8,
            __payload: u8,
            __node: u8,
        },
    }
}

#[test]
#[allow(deprecated)]
fn field_names_do_not_clash_with_generated_locals() {
    round_trip(&odd_names::Odd {
        __enc: 1,
        __dec: 2,
        __index: 3,
        __children: 4,
        __record: 5,
        old: 6,
    });
    round_trip(&odd_names::OddEnum::Old);
    round_trip(&odd_names::OddEnum::V {
        __f0: 1,
        __payload: 2,
        __node: 3,
    });
}

/// The example proposed for the facade's docs on `pub use packr_derive::GraphValue`.
#[test]
fn facade_doc_example() -> Result<(), AbiError> {
    #[derive(GraphValue, Debug, PartialEq)]
    #[graph(rename = "point")]
    struct Point {
        x: i32,
        y: i32,
    }

    #[derive(GraphValue, Debug, PartialEq)]
    #[graph(rename = "shape", rename_all = "kebab-case")]
    enum Shape {
        Circle(f64),
        BoundingBox {
            min: Point,
            max: Point,
        },
        #[graph(tag = 10)]
        Empty,
    }

    let shape = Shape::BoundingBox {
        min: Point { x: 0, y: 0 },
        max: Point { x: 2, y: 1 },
    };
    let bytes = packr::abi::encode(&shape)?;
    assert_eq!(packr::abi::decode_as::<Shape>(&bytes)?, shape);
    assert_eq!(
        packr::abi::decode(&bytes)?.to_string(),
        "bounding-box(bounding-box { min: point { x: 0, y: 0 }, max: point { x: 2, y: 1 } })"
    );

    #[derive(GraphValue, Debug, PartialEq)]
    struct Config {
        name: String,
        #[graph(default)]
        retries: u32,
    }
    // Records decode by field name; a `default` field may be missing.
    let old = packr::Value::Record {
        type_name: "Config".into(),
        fields: vec![("name".into(), "c".into())],
    };
    let config: Config = packr::abi::decode_as(&packr::abi::encode(&old)?)?;
    assert_eq!(
        config,
        Config {
            name: "c".into(),
            retries: 0
        }
    );
    Ok(())
}
