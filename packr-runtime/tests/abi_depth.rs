//! The default nesting limit must be reachable without overflowing the
//! stack of an ordinary 2 MiB thread (test threads, tokio workers, wasmtime
//! fibers), even in a debug build, on both decode paths.

use packr_runtime::abi::{self, AbiErrorKind, Encoder, GraphValue, Kind, Limits, Value};

/// `depth` options nested around a u8, built by hand (no recursion).
fn nested_options(depth: usize) -> Vec<u8> {
    let mut enc = Encoder::new();
    let mut child = enc.scalar(Kind::U8, &[7]);
    for _ in 0..depth {
        let m = enc.begin(Kind::Option);
        enc.put_u8(Kind::U8 as u8); // descriptor kept short on purpose
        enc.put_u8(1);
        enc.put_u32(child);
        child = enc.end(m).unwrap();
    }
    enc.finish(child)
}

/// `depth` one-field records nested around a u8.
fn nested_records(depth: usize) -> Vec<u8> {
    let mut enc = Encoder::new();
    let mut child = enc.scalar(Kind::U8, &[7]);
    for _ in 0..depth {
        child = enc.record("link", &["next"], &[child]).unwrap();
    }
    enc.finish(child)
}

fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .expect("decoding within the depth limit must not overflow a 2 MiB stack");
}

#[test]
fn value_decode_reaches_the_default_depth_limit_on_a_small_stack() {
    on_small_stack(|| {
        let depth = Limits::DEFAULT.max_depth as usize - 1;
        let v = abi::decode(&nested_options(depth)).unwrap();
        let mut levels = 0;
        let mut cur = &v;
        while let Value::Option {
            value: Some(inner), ..
        } = cur
        {
            levels += 1;
            cur = inner;
        }
        assert_eq!(levels, depth);
        assert_eq!(cur, &Value::U8(7));
        abi::decode(&nested_records(depth)).unwrap();
    });
}

#[test]
fn one_level_past_the_limit_is_a_depth_error_on_both_paths() {
    on_small_stack(|| {
        let too_deep = nested_options(Limits::DEFAULT.max_depth as usize + 1);
        let err = abi::decode(&too_deep).unwrap_err();
        assert!(
            matches!(
                err.kind(),
                AbiErrorKind::LimitExceeded {
                    what: "nesting depth",
                    ..
                }
            ),
            "{err}"
        );
        #[derive(Debug)]
        struct Nest(#[allow(dead_code)] Option<Box<Nest>>);
        impl GraphValue for Nest {
            fn write_type(_: Option<&Self>, out: &mut Vec<u8>) {
                out.push(Kind::Option as u8);
                out.push(Kind::U8 as u8);
            }
            fn encode_node(&self, _: &mut Encoder) -> Result<u32, abi::AbiError> {
                Err(abi::AbiError::unencodable("test type"))
            }
            fn decode_node(dec: &mut abi::Decoder<'_>, index: u32) -> Result<Self, abi::AbiError> {
                if let (Kind::U8, _) = dec.peek(index)? {
                    u8::decode_node(dec, index)?;
                    return Ok(Nest(None));
                }
                Ok(Nest(
                    Option::<Box<Nest>>::decode_node(dec, index)?.map(|b| Box::new(Nest(Some(b)))),
                ))
            }
        }
        let err = abi::decode_as::<Nest>(&too_deep).unwrap_err();
        assert!(
            matches!(
                err.kind(),
                AbiErrorKind::LimitExceeded {
                    what: "nesting depth",
                    ..
                }
            ),
            "{err}"
        );
    });
}

#[test]
fn a_hundred_thousand_nested_options_fail_fast() {
    on_small_stack(|| {
        let bomb = nested_options(100_000);
        assert!(abi::decode(&bomb).is_err());
        assert!(abi::decode_as::<Option<Option<u8>>>(&bomb).is_err());
    });
}

/// A value nested a million deep (options, lists, records, results,
/// variants and tuples in turn), with types nested as deep, is dropped on
/// a 2 MiB stack by `drop_iteratively`.
#[test]
fn a_value_nested_a_million_deep_drops_iteratively_on_a_small_stack() {
    on_small_stack(|| {
        let mut v = Value::U8(7);
        for level in 0..1_000_000u32 {
            v = match level % 6 {
                0 => Value::Option {
                    inner_type: abi::ValueType::U8,
                    value: Some(Box::new(v)),
                },
                1 => Value::List {
                    elem_type: abi::ValueType::Bool,
                    items: vec![Value::Bool(true), v],
                },
                2 => Value::Record {
                    type_name: "link".into(),
                    fields: vec![("next".into(), v)],
                },
                3 => Value::Result {
                    ok_type: abi::ValueType::Bool,
                    err_type: abi::ValueType::Bool,
                    value: Err(Box::new(v)),
                },
                4 => Value::Variant {
                    type_name: "wrap".into(),
                    case_name: "some".into(),
                    tag: 0,
                    payload: vec![v],
                },
                _ => Value::Tuple(vec![v, Value::UNIT]),
            };
        }
        // And a type a million options deep.
        let mut ty = abi::ValueType::U8;
        for _ in 0..1_000_000 {
            ty = abi::ValueType::Option(Box::new(ty));
        }
        let deep_type = Value::Option {
            inner_type: ty,
            value: None,
        };
        Value::Tuple(vec![v, deep_type]).drop_iteratively();
    });
}
