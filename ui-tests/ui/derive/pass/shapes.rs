//! Every shape the derive supports, round-tripped; compiled with warnings
//! denied so the generated code stays lint-clean.
#![deny(warnings, unused, rust_2018_idioms)]

use packr::GraphValue;
use packr::abi::{self, Value};
use std::fmt::Debug;

#[derive(GraphValue, Debug, PartialEq)]
struct Record {
    a: u8,
    b: String,
}

#[derive(GraphValue, Debug, PartialEq)]
struct EmptyRecord {}

#[derive(GraphValue, Debug, PartialEq)]
struct Tuple(u8, String);

#[derive(GraphValue, Debug, PartialEq)]
struct Newtype(Vec<u8>);

#[derive(GraphValue, Debug, PartialEq)]
struct Unit;

#[derive(GraphValue, Debug, PartialEq)]
enum Enum {
    Unit,
    Newtype(String),
    Tuple(u8, u16),
    Struct { x: i32, y: Option<i32> },
}

#[derive(GraphValue, Debug, PartialEq, Clone, Copy)]
enum FieldLess {
    A,
    B,
}

#[derive(GraphValue, Debug, PartialEq)]
enum Uninhabited {}

fn round_trip<T: GraphValue + PartialEq + Debug>(value: T) {
    let bytes = abi::encode(&value).unwrap();
    assert_eq!(abi::decode_as::<T>(&bytes).unwrap(), value);
}

fn main() {
    round_trip(Record {
        a: 1,
        b: "b".into(),
    });
    round_trip(EmptyRecord {});
    round_trip(Tuple(1, "t".into()));
    round_trip(Newtype(vec![1, 2]));
    round_trip(Unit);
    round_trip(Enum::Unit);
    round_trip(Enum::Newtype("n".into()));
    round_trip(Enum::Tuple(1, 2));
    round_trip(Enum::Struct { x: 1, y: None });
    round_trip([FieldLess::A, FieldLess::B]);
    let bytes = abi::encode(&Value::UNIT).unwrap();
    assert!(abi::decode_as::<Uninhabited>(&bytes).is_err());
}
