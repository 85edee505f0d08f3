//! Scalars, `()` and tuples of scalars take a fast path that reads the
//! reference encoder's fixed layout at fixed offsets. It must be invisible:
//! the same bytes out, and for any input the same value or the same error
//! as the general decoder.

use packr_runtime::abi::{self, AbiError, Decoder, Encoder, GraphValue, Kind, Limits};
use proptest::prelude::*;
use std::fmt::Debug;

mod support;
use support::{Raw, u32s};

/// The general path, bypassing the fast one: encode node by node.
fn encode_general<T: GraphValue>(value: &T) -> Vec<u8> {
    let mut enc = Encoder::new();
    let root = value.encode_node(&mut enc).unwrap();
    enc.finish(root)
}

/// The general path, bypassing the fast one: index the buffer, walk the graph.
fn decode_general<T: GraphValue>(bytes: &[u8], limits: &Limits) -> Result<T, AbiError> {
    let mut dec = Decoder::new(bytes, limits)?;
    let root = dec.root();
    T::decode_node(&mut dec, root)
}

/// Same result from both paths: equal values, or errors that read the same.
fn same_on_both_paths<T: GraphValue + PartialEq + Debug>(bytes: &[u8], limits: &Limits) {
    let fast = abi::decode_as_with_limits::<T>(bytes, limits);
    let general = decode_general::<T>(bytes, limits);
    match (&fast, &general) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "bytes {bytes:02x?}"),
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "bytes {bytes:02x?}"),
        _ => panic!("fast {fast:?} vs general {general:?} for {bytes:02x?}"),
    }
}

/// Every single-byte change of `bytes` (to a few interesting values) gives
/// the same outcome on both paths.
fn mutations_agree<T: GraphValue + PartialEq + Debug>(bytes: &[u8]) {
    for at in 0..bytes.len() {
        for new in [0u8, 1, 2, 0x0b, 0x7f, 0xff, bytes[at].wrapping_add(1)] {
            let mut m = bytes.to_vec();
            m[at] = new;
            same_on_both_paths::<T>(&m, &Limits::DEFAULT);
        }
    }
    // Truncated and extended.
    for len in 0..bytes.len() {
        same_on_both_paths::<T>(&bytes[..len], &Limits::DEFAULT);
    }
    let mut longer = bytes.to_vec();
    longer.push(0);
    same_on_both_paths::<T>(&longer, &Limits::DEFAULT);
}

type Wide = (bool, u8, i8, u16, i16, u32, i32, u64, i64, char, f32, f64);

proptest! {
    #[test]
    fn fast_encode_writes_the_general_bytes(
        a in any::<i32>(), b in any::<i32>(), flag in any::<bool>(), c in any::<char>(),
        x in any::<u64>(), y in any::<i16>(), f in any::<f64>(), g in any::<f32>(),
    ) {
        prop_assert_eq!(abi::encode(&a).unwrap(), encode_general(&a));
        prop_assert_eq!(abi::encode(&(a, b)).unwrap(), encode_general(&(a, b)));
        prop_assert_eq!(abi::encode(&(flag, c, x)).unwrap(), encode_general(&(flag, c, x)));
        prop_assert_eq!(abi::encode(&(y, f, g)).unwrap(), encode_general(&(y, f, g)));
        let wide: Wide = (flag, x as u8, y as i8, y as u16, y, a as u32, b, x, x as i64, c, g, f);
        prop_assert_eq!(abi::encode(&wide).unwrap(), encode_general(&wide));
    }

    #[test]
    fn fast_decode_reads_the_general_values(
        a in any::<i32>(), b in any::<i32>(), flag in any::<bool>(), c in any::<char>(),
        x in any::<u64>(), y in any::<i16>(),
    ) {
        let bytes = abi::encode(&(a, b)).unwrap();
        prop_assert_eq!(abi::decode_as::<(i32, i32)>(&bytes).unwrap(), (a, b));
        let bytes = abi::encode(&(flag, c, x, y)).unwrap();
        prop_assert_eq!(abi::decode_as::<(bool, char, u64, i16)>(&bytes).unwrap(), (flag, c, x, y));
        let bytes = abi::encode(&c).unwrap();
        prop_assert_eq!(abi::decode_as::<char>(&bytes).unwrap(), c);
    }
}

#[test]
fn floats_keep_every_bit_including_nan_payloads() {
    let nan = f64::from_bits(0x7ff8_dead_beef_0001);
    let bytes = abi::encode(&(nan, -0.0f32)).unwrap();
    assert_eq!(bytes, encode_general(&(nan, -0.0f32)));
    let (a, b) = abi::decode_as::<(f64, f32)>(&bytes).unwrap();
    assert_eq!(
        (a.to_bits(), b.to_bits()),
        (nan.to_bits(), (-0.0f32).to_bits())
    );
}

#[test]
fn every_mutation_of_a_flat_buffer_decodes_as_the_general_decoder_says() {
    mutations_agree::<(i32, i32)>(&abi::encode(&(20i32, 22i32)).unwrap());
    mutations_agree::<(bool, char)>(&abi::encode(&(true, 'é')).unwrap());
    mutations_agree::<u64>(&abi::encode(&7u64).unwrap());
    mutations_agree::<bool>(&abi::encode(&true).unwrap());
    mutations_agree::<()>(&abi::encode(&()).unwrap());
    mutations_agree::<(u8,)>(&abi::encode(&(9u8,)).unwrap());
}

#[test]
fn invalid_scalars_in_the_flat_layout_get_the_general_error() {
    let mut bytes = abi::encode(&(true, 'a')).unwrap();
    bytes[24] = 2; // the bool's payload
    let err = abi::decode_as::<(bool, char)>(&bytes).unwrap_err();
    assert!(err.to_string().contains("bool"), "{err}");
    let mut bytes = abi::encode(&(true, 'a')).unwrap();
    bytes[33..37].copy_from_slice(&0xD800u32.to_le_bytes()); // a surrogate
    let err = abi::decode_as::<(bool, char)>(&bytes).unwrap_err();
    assert!(err.to_string().contains("char"), "{err}");
}

#[test]
fn tight_limits_are_enforced_on_flat_buffers() {
    let bytes = abi::encode(&(20i32, 22i32)).unwrap();
    let tight = [
        Limits {
            max_depth: 0,
            ..Limits::default()
        },
        Limits {
            max_buffer_size: bytes.len() - 1,
            ..Limits::default()
        },
        Limits {
            max_node_count: 2,
            ..Limits::default()
        },
        Limits {
            max_sequence_len: 1,
            ..Limits::default()
        },
        Limits {
            max_visits: 2,
            ..Limits::default()
        },
    ];
    for limits in &tight {
        assert!(
            abi::decode_as_with_limits::<(i32, i32)>(&bytes, limits).is_err(),
            "{limits:?} must reject a 3-node tuple"
        );
        same_on_both_paths::<(i32, i32)>(&bytes, limits);
    }
}

#[test]
fn other_layouts_of_the_same_value_still_decode() {
    // The tuple first, its elements after and in reverse.
    let mut reordered = Raw::new();
    let tuple = reordered.node(Kind::Tuple, u32s(&[2, 2, 1]));
    reordered.node(Kind::S32, 5i32.to_le_bytes().to_vec());
    reordered.node(Kind::S32, 7i32.to_le_bytes().to_vec());
    let reordered = reordered.bytes(tuple);
    assert_eq!(abi::decode_as::<(i32, i32)>(&reordered).unwrap(), (7, 5));
    // One element node shared by both tuple slots.
    let mut shared = Raw::new();
    let nine = shared.node(Kind::S32, 9i32.to_le_bytes().to_vec());
    let tuple = shared.node(Kind::Tuple, u32s(&[2, nine, nine]));
    let shared = shared.bytes(tuple);
    assert_eq!(abi::decode_as::<(i32, i32)>(&shared).unwrap(), (9, 9));
    // The canonical layout with the root pointing at an element instead.
    let mut wrong_root = abi::encode(&(1i32, 2i32)).unwrap();
    wrong_root[12] = 0;
    let err = abi::decode_as::<(i32, i32)>(&wrong_root).unwrap_err();
    assert!(err.to_string().contains("tuple"), "{err}");
}
