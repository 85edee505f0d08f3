//! Every attribute, in every place it is allowed.
#![deny(warnings, unused, rust_2018_idioms)]

use packr::abi::{self, Value};

mod reexport {
    pub use packr::abi;
}

#[derive(packr::GraphValue, Debug, PartialEq)]
#[graph(
    rename = "my-record",
    rename_all = "kebab-case",
    crate = "crate::reexport"
)]
struct MyRecord {
    field_one: u8,
    #[graph(rename = "second")]
    field_two: u8,
    #[graph(default)]
    field_three: Vec<String>,
    #[graph(default, rename = "four")]
    field_four: Option<u8>,
}

#[derive(packr::GraphValue, Debug, PartialEq)]
#[graph(rename = "my-enum", rename_all = "kebab-case")]
enum MyEnum {
    #[graph(tag = 100)]
    FirstCase,
    #[graph(rename = "two", tag = 5)]
    SecondCase(u8),
    #[graph(rename_all = "SCREAMING_SNAKE_CASE")]
    ThirdCase {
        inner_field: u8,
        #[graph(default)]
        later_field: u8,
    },
}

#[derive(packr::GraphValue, Debug, PartialEq)]
#[graph(crate = "::packr")]
struct Absolute(u8);

fn main() {
    let value = MyRecord {
        field_one: 1,
        field_two: 2,
        field_three: vec![],
        field_four: Some(4),
    };
    let bytes = abi::encode(&value).unwrap();
    let Value::Record { type_name, fields } = abi::decode(&bytes).unwrap() else {
        panic!("not a record");
    };
    assert_eq!(type_name, "my-record");
    let names: Vec<_> = fields.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["field-one", "second", "field-three", "four"]);
    assert_eq!(abi::decode_as::<MyRecord>(&bytes).unwrap(), value);

    for (value, case, tag) in [
        (MyEnum::FirstCase, "first-case", 100),
        (MyEnum::SecondCase(2), "two", 5),
        (
            MyEnum::ThirdCase {
                inner_field: 3,
                later_field: 0,
            },
            "third-case",
            2,
        ),
    ] {
        let bytes = abi::encode(&value).unwrap();
        let Value::Variant {
            type_name,
            case_name,
            tag: wire_tag,
            ..
        } = abi::decode(&bytes).unwrap()
        else {
            panic!("not a variant");
        };
        assert_eq!(type_name, "my-enum");
        assert_eq!(case_name, case);
        assert_eq!(wire_tag, tag);
        assert_eq!(abi::decode_as::<MyEnum>(&bytes).unwrap(), value);
    }
    let bytes = abi::encode(&Absolute(1)).unwrap();
    assert_eq!(abi::decode_as::<Absolute>(&bytes).unwrap(), Absolute(1));
}
