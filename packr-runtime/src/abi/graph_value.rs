//! The typed fast path: Rust types that encode straight into a CGRF buffer
//! and decode straight out of one, with no intermediate [`Value`](super::Value).

use super::shape::Shape;
use super::{AbiError, AbiErrorKind, Decoder, Encoder, Kind, Limits, flat};

/// A Rust type that crosses the Graph ABI.
///
/// Derive it with `#[derive(GraphValue)]` (from the `packr` facade); it is
/// implemented for the primitives, `String`, `Vec<T>`, `[T; N]`,
/// `Option<T>`, `Result<T, E>`, `Box<T>`, tuples up to 12, `()`, maps,
/// sets and [`Value`](super::Value).
///
/// ```
/// use packr_runtime::abi::{self, GraphValue};
/// let bytes = abi::encode(&(Some("hi".to_string()), vec![1u8, 2, 3])).unwrap();
/// let back: (Option<String>, Vec<u8>) = abi::decode_as(&bytes).unwrap();
/// assert_eq!(back, (Some("hi".to_string()), vec![1, 2, 3]));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot cross the Graph ABI: it does not implement `GraphValue`",
    label = "not a Graph ABI type",
    note = "add `#[derive(packr::GraphValue)]` to the type's definition, or wrap a foreign type in a newtype that derives it",
    note = "supported out of the box: bool, integers, f32/f64, char, String, Vec<T>, [T; N], Option<T>, Result<T, E>, Box<T>, tuples, maps, sets and packr::abi::Value"
)]
pub trait GraphValue: Sized {
    /// Writes this type's descriptor (docs/abi.md §1.4). `sample` is a value of
    /// the type when one is at hand; only types whose descriptor depends on
    /// the value (the dynamic [`Value`](super::Value)) look at it.
    fn write_type(sample: Option<&Self>, out: &mut Vec<u8>);

    /// Writes this value's nodes (children first) and returns the index of
    /// its own node.
    fn encode_node(&self, enc: &mut Encoder) -> Result<u32, AbiError>;

    /// Reads a value of this type from node `index`.
    fn decode_node(dec: &mut Decoder<'_>, index: u32) -> Result<Self, AbiError>;

    /// Appends this type in WIT syntax (`option<list<u8>>`, `value`, a
    /// record's type name). The default reads the type descriptor; types
    /// whose descriptor cannot say it (the dynamic `value`, and containers
    /// of it) override it.
    #[doc(hidden)]
    fn wit_type(out: &mut String) {
        let mut bytes = Vec::new();
        Self::write_type(None, &mut bytes);
        match super::read_type_descriptor(&bytes) {
            Ok(t) => out.push_str(&t.to_string()),
            Err(_) => out.push('?'),
        }
    }

    /// This type's structure, for compile-time checks against a WIT+
    /// declaration (see [`shape`](super::shape)); `#[derive(GraphValue)]`
    /// fills it in. [`Shape::Unknown`] passes every check.
    const SHAPE: Shape = Shape::Unknown;

    /// How another type's structure refers to this one: its structure,
    /// except for named types (records, variants), which are referred to
    /// by name so that recursive types stay finite.
    const REF: Shape = Self::SHAPE;

    /// The array element kind when this type is a fixed-width primitive:
    /// lists of such types travel as one packed array node.
    #[doc(hidden)]
    const ARRAY_ELEMENT: Option<Kind> = None;

    /// Appends the packed array data of `items` (only for primitives).
    #[doc(hidden)]
    fn encode_array<'x>(items: impl Iterator<Item = &'x Self>, out: &mut Vec<u8>)
    where
        Self: 'x,
    {
        let _ = (items, out);
    }

    /// Appends the packed array data of a slice; primitives may override
    /// this with a single copy.
    #[doc(hidden)]
    fn encode_array_slice(items: &[Self], out: &mut Vec<u8>) {
        Self::encode_array(items.iter(), out)
    }

    /// Unpacks `count` elements from array data whose length was checked.
    #[doc(hidden)]
    fn decode_array(index: u32, data: &[u8], count: usize) -> Result<Vec<Self>, AbiError> {
        let _ = (data, count);
        Err(AbiError::invalid(index, "type has no packed array form"))
    }

    /// The node kind when this type is one fixed-width scalar node whose
    /// payload is the low bytes of [`flat_bits`](Self::flat_bits): such
    /// types, and tuples of them, take the canonical-form fast path.
    #[doc(hidden)]
    const SCALAR: Option<Kind> = None;

    /// The scalar's payload, little-endian, zero-extended (only when
    /// [`SCALAR`](Self::SCALAR) is set; must agree with `encode_node`).
    #[doc(hidden)]
    fn flat_bits(&self) -> u64 {
        0
    }

    /// The scalar a payload holds, `None` if it is not a valid value (the
    /// general decoder then explains why). Only when `SCALAR` is set.
    #[doc(hidden)]
    fn from_flat_bits(bits: u64) -> Option<Self> {
        let _ = bits;
        None
    }

    /// Decodes `buf` if it holds this type in the reference encoder's exact
    /// layout and its layout is fixed (scalars, `()`, tuples of scalars);
    /// `None` sends it through the general decoder.
    #[doc(hidden)]
    #[inline(always)]
    fn decode_flat(buf: &[u8], limits: &Limits) -> Option<Self> {
        flat::decode_scalar::<Self>(buf, limits)
    }

    /// Replaces `out` with this value's buffer when its layout is fixed;
    /// false (and `out` untouched) otherwise.
    #[doc(hidden)]
    #[inline(always)]
    fn encode_flat(&self, out: &mut Vec<u8>) -> bool {
        flat::encode_scalar(self, out)
    }
}

/// Something that can be encoded: every [`GraphValue`], plus the unsized
/// borrowed forms `str` and `[T]`.
///
/// ```
/// use packr_runtime::abi;
/// assert_eq!(abi::encode("hi").unwrap(), abi::encode(&"hi".to_string()).unwrap());
/// assert_eq!(abi::encode(&[1u8, 2][..]).unwrap(), abi::encode(&vec![1u8, 2]).unwrap());
/// ```
pub trait GraphEncode {
    /// Writes this value's nodes and returns the index of its own node.
    fn encode_graph(&self, enc: &mut Encoder) -> Result<u32, AbiError>;

    /// [`GraphValue::encode_flat`] for the types that have it.
    #[doc(hidden)]
    #[inline(always)]
    fn encode_graph_flat(&self, out: &mut Vec<u8>) -> bool {
        let _ = out;
        false
    }
}

impl<T: GraphValue> GraphEncode for T {
    #[inline]
    fn encode_graph(&self, enc: &mut Encoder) -> Result<u32, AbiError> {
        self.encode_node(enc)
    }

    #[inline(always)]
    fn encode_graph_flat(&self, out: &mut Vec<u8>) -> bool {
        self.encode_flat(out)
    }
}

impl GraphEncode for str {
    #[inline]
    fn encode_graph(&self, enc: &mut Encoder) -> Result<u32, AbiError> {
        enc.string(self)
    }
}

impl<T: GraphValue> GraphEncode for [T] {
    #[inline]
    fn encode_graph(&self, enc: &mut Encoder) -> Result<u32, AbiError> {
        encode_slice(self, enc)
    }
}

/// Encodes a sequence: one array node for fixed-width primitive elements,
/// otherwise the children followed by a list node.
#[inline]
pub fn encode_slice<T: GraphValue>(items: &[T], enc: &mut Encoder) -> Result<u32, AbiError> {
    match T::ARRAY_ELEMENT {
        Some(kind) => {
            let m = enc.begin(Kind::Array);
            enc.put_u8(kind as u8);
            enc.put_len(items.len())?;
            T::encode_array_slice(items, enc.buffer_mut());
            enc.end(m)
        }
        None => encode_list(items.iter(), items.first(), enc),
    }
}

/// Encodes any sequence the way [`encode_slice`] does.
pub fn encode_iter<'x, T: GraphValue + 'x>(
    items: impl ExactSizeIterator<Item = &'x T> + Clone,
    enc: &mut Encoder,
) -> Result<u32, AbiError> {
    match T::ARRAY_ELEMENT {
        Some(kind) => {
            let m = enc.begin(Kind::Array);
            enc.put_u8(kind as u8);
            enc.put_len(items.len())?;
            T::encode_array(items, enc.buffer_mut());
            enc.end(m)
        }
        None => {
            let first = items.clone().next();
            encode_list(items, first, enc)
        }
    }
}

fn encode_list<'x, T: GraphValue + 'x>(
    items: impl Iterator<Item = &'x T>,
    first: Option<&T>,
    enc: &mut Encoder,
) -> Result<u32, AbiError> {
    let mark = enc.stack_mark();
    for item in items {
        let child = item.encode_node(enc)?;
        enc.push_child(child);
    }
    let m = enc.begin(Kind::List);
    T::write_type(first, enc.buffer_mut());
    enc.put_len(enc.stacked_len(mark))?;
    enc.put_stacked(mark);
    enc.end(m)
}

/// Decodes a sequence written by [`encode_slice`] into a `Vec`, from either
/// an array node (primitive elements) or a list node.
#[inline]
pub fn decode_vec<T: GraphValue>(dec: &mut Decoder<'_>, index: u32) -> Result<Vec<T>, AbiError> {
    if let Some(expected) = T::ARRAY_ELEMENT {
        let (elem, count, data) = dec.array(index)?;
        if elem != expected {
            return Err(AbiError::mismatch(
                index,
                format_args!("list<{expected}>"),
                format_args!("list<{elem}>"),
            ));
        }
        return T::decode_array(index, data, count);
    }
    let children = dec.enter_list(index)?;
    let mut out = Vec::with_capacity(bounded_capacity::<T>(children.len()));
    for child in children {
        out.push(T::decode_node(dec, child)?);
    }
    dec.leave(index);
    Ok(out)
}

/// A capacity for `count` items that never reserves more than 64 KiB up
/// front: the count is backed by 4 bytes of indices per item, but an item
/// may be far larger than 4 bytes, so the rest grows as items really decode.
#[inline]
pub fn bounded_capacity<T>(count: usize) -> usize {
    let size = std::mem::size_of::<T>().max(1);
    count.min((64 * 1024) / size)
}

macro_rules! fixed_width {
    ($($t:ty => $kind:ident, $n:literal;)*) => {$(
        impl GraphValue for $t {
            const SHAPE: Shape = Shape::$kind;
            #[inline]
            fn write_type(_: Option<&Self>, out: &mut Vec<u8>) {
                out.push(Kind::$kind as u8);
            }
            #[inline]
            fn encode_node(&self, enc: &mut Encoder) -> Result<u32, AbiError> {
                Ok(enc.scalar(Kind::$kind, &self.to_le_bytes()))
            }
            // Forced inline in optimised builds: a scalar is a handful of
            // instructions, and returning it through memory costs more.
            #[cfg_attr(not(debug_assertions), inline(always))]
            #[cfg_attr(debug_assertions, inline)]
            fn decode_node(dec: &mut Decoder<'_>, index: u32) -> Result<Self, AbiError> {
                Ok(<$t>::from_le_bytes(dec.fixed::<$n>(index, Kind::$kind)?))
            }
            const ARRAY_ELEMENT: Option<Kind> = Some(Kind::$kind);
            const SCALAR: Option<Kind> = Some(Kind::$kind);
            #[inline(always)]
            fn flat_bits(&self) -> u64 {
                let mut bits = [0u8; 8];
                bits[..$n].copy_from_slice(&self.to_le_bytes());
                u64::from_le_bytes(bits)
            }
            #[inline(always)]
            fn from_flat_bits(bits: u64) -> Option<Self> {
                let mut b = [0u8; $n];
                b.copy_from_slice(&bits.to_le_bytes()[..$n]);
                Some(<$t>::from_le_bytes(b))
            }
            #[inline]
            fn encode_array<'x>(items: impl Iterator<Item = &'x Self>, out: &mut Vec<u8>) {
                for x in items {
                    out.extend_from_slice(&x.to_le_bytes());
                }
            }
            #[inline]
            fn decode_array(_: u32, data: &[u8], count: usize) -> Result<Vec<Self>, AbiError> {
                let mut out = Vec::with_capacity(count);
                out.extend(data.chunks_exact($n).map(|c| {
                    let mut b = [0u8; $n];
                    b.copy_from_slice(c);
                    <$t>::from_le_bytes(b)
                }));
                Ok(out)
            }
        }
    )*};
}

fixed_width! {
    u16 => U16, 2;
    u32 => U32, 4;
    u64 => U64, 8;
    i8 => S8, 1;
    i16 => S16, 2;
    i32 => S32, 4;
    i64 => S64, 8;
    f32 => F32, 4;
    f64 => F64, 8;
}

impl GraphValue for u8 {
    const SHAPE: Shape = Shape::U8;
    #[inline]
    fn write_type(_: Option<&Self>, out: &mut Vec<u8>) {
        out.push(Kind::U8 as u8);
    }
    #[inline]
    fn encode_node(&self, enc: &mut Encoder) -> Result<u32, AbiError> {
        Ok(enc.scalar(Kind::U8, &[*self]))
    }
    #[inline]
    fn decode_node(dec: &mut Decoder<'_>, index: u32) -> Result<Self, AbiError> {
        Ok(dec.fixed::<1>(index, Kind::U8)?[0])
    }
    const ARRAY_ELEMENT: Option<Kind> = Some(Kind::U8);
    const SCALAR: Option<Kind> = Some(Kind::U8);
    #[inline(always)]
    fn flat_bits(&self) -> u64 {
        u64::from(*self)
    }
    #[inline(always)]
    fn from_flat_bits(bits: u64) -> Option<Self> {
        Some(bits as u8)
    }
    #[inline]
    fn encode_array<'x>(items: impl Iterator<Item = &'x Self>, out: &mut Vec<u8>) {
        out.extend(items.copied());
    }
    #[inline]
    fn encode_array_slice(items: &[Self], out: &mut Vec<u8>) {
        out.extend_from_slice(items);
    }
    #[inline]
    fn decode_array(_: u32, data: &[u8], _: usize) -> Result<Vec<Self>, AbiError> {
        Ok(data.to_vec())
    }
}

impl GraphValue for bool {
    const SHAPE: Shape = Shape::Bool;
    #[inline]
    fn write_type(_: Option<&Self>, out: &mut Vec<u8>) {
        out.push(Kind::Bool as u8);
    }
    #[inline]
    fn encode_node(&self, enc: &mut Encoder) -> Result<u32, AbiError> {
        Ok(enc.scalar(Kind::Bool, &[*self as u8]))
    }
    #[inline]
    fn decode_node(dec: &mut Decoder<'_>, index: u32) -> Result<Self, AbiError> {
        match dec.fixed::<1>(index, Kind::Bool)?[0] {
            0 => Ok(false),
            1 => Ok(true),
            b => Err(AbiError::at(index, AbiErrorKind::InvalidBool(b))),
        }
    }
    const ARRAY_ELEMENT: Option<Kind> = Some(Kind::Bool);
    const SCALAR: Option<Kind> = Some(Kind::Bool);
    #[inline(always)]
    fn flat_bits(&self) -> u64 {
        u64::from(*self)
    }
    #[inline(always)]
    fn from_flat_bits(bits: u64) -> Option<Self> {
        match bits {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
    #[inline]
    fn encode_array<'x>(items: impl Iterator<Item = &'x Self>, out: &mut Vec<u8>) {
        out.extend(items.map(|b| *b as u8));
    }
    fn decode_array(index: u32, data: &[u8], _: usize) -> Result<Vec<Self>, AbiError> {
        data.iter()
            .map(|b| match b {
                0 => Ok(false),
                1 => Ok(true),
                b => Err(AbiError::at(index, AbiErrorKind::InvalidBool(*b))),
            })
            .collect()
    }
}

impl GraphValue for char {
    const SHAPE: Shape = Shape::Char;
    #[inline]
    fn write_type(_: Option<&Self>, out: &mut Vec<u8>) {
        out.push(Kind::Char as u8);
    }
    #[inline]
    fn encode_node(&self, enc: &mut Encoder) -> Result<u32, AbiError> {
        Ok(enc.scalar(Kind::Char, &(*self as u32).to_le_bytes()))
    }
    #[inline]
    fn decode_node(dec: &mut Decoder<'_>, index: u32) -> Result<Self, AbiError> {
        let v = u32::from_le_bytes(dec.fixed::<4>(index, Kind::Char)?);
        char::from_u32(v).ok_or_else(|| AbiError::at(index, AbiErrorKind::InvalidChar(v)))
    }
    const ARRAY_ELEMENT: Option<Kind> = Some(Kind::Char);
    const SCALAR: Option<Kind> = Some(Kind::Char);
    #[inline(always)]
    fn flat_bits(&self) -> u64 {
        u64::from(*self as u32)
    }
    #[inline(always)]
    fn from_flat_bits(bits: u64) -> Option<Self> {
        char::from_u32(bits as u32)
    }
    #[inline]
    fn encode_array<'x>(items: impl Iterator<Item = &'x Self>, out: &mut Vec<u8>) {
        for c in items {
            out.extend_from_slice(&(*c as u32).to_le_bytes());
        }
    }
    fn decode_array(index: u32, data: &[u8], _: usize) -> Result<Vec<Self>, AbiError> {
        data.chunks_exact(4)
            .map(|c| {
                let v = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
                char::from_u32(v).ok_or_else(|| AbiError::at(index, AbiErrorKind::InvalidChar(v)))
            })
            .collect()
    }
}

impl GraphValue for String {
    const SHAPE: Shape = Shape::String;
    #[inline]
    fn write_type(_: Option<&Self>, out: &mut Vec<u8>) {
        out.push(Kind::String as u8);
    }
    #[inline]
    fn encode_node(&self, enc: &mut Encoder) -> Result<u32, AbiError> {
        enc.string(self)
    }
    #[inline]
    fn decode_node(dec: &mut Decoder<'_>, index: u32) -> Result<Self, AbiError> {
        dec.str(index).map(str::to_owned)
    }
}

impl<T: GraphValue> GraphValue for Vec<T> {
    const SHAPE: Shape = Shape::List(&T::REF);
    fn wit_type(out: &mut String) {
        out.push_str("list<");
        T::wit_type(out);
        out.push('>');
    }

    #[inline]
    fn write_type(sample: Option<&Self>, out: &mut Vec<u8>) {
        out.push(Kind::List as u8);
        T::write_type(sample.and_then(|v| v.first()), out);
    }
    #[inline]
    fn encode_node(&self, enc: &mut Encoder) -> Result<u32, AbiError> {
        encode_slice(self, enc)
    }
    #[inline]
    fn decode_node(dec: &mut Decoder<'_>, index: u32) -> Result<Self, AbiError> {
        decode_vec(dec, index)
    }
}

impl<T: GraphValue, const N: usize> GraphValue for [T; N] {
    const SHAPE: Shape = Shape::List(&T::REF);
    fn wit_type(out: &mut String) {
        out.push_str("list<");
        T::wit_type(out);
        out.push('>');
    }

    #[inline]
    fn write_type(sample: Option<&Self>, out: &mut Vec<u8>) {
        out.push(Kind::List as u8);
        T::write_type(sample.and_then(|v| v.first()), out);
    }
    #[inline]
    fn encode_node(&self, enc: &mut Encoder) -> Result<u32, AbiError> {
        encode_slice(self, enc)
    }
    fn decode_node(dec: &mut Decoder<'_>, index: u32) -> Result<Self, AbiError> {
        let items = decode_vec::<T>(dec, index)?;
        let len = items.len();
        items.try_into().map_err(|_| {
            AbiError::invalid(index, format!("list of {len} items, expected exactly {N}"))
        })
    }
}

impl<T: GraphValue> GraphValue for Box<T> {
    const SHAPE: Shape = T::SHAPE;
    const REF: Shape = T::REF;
    fn wit_type(out: &mut String) {
        T::wit_type(out);
    }

    #[inline]
    fn write_type(sample: Option<&Self>, out: &mut Vec<u8>) {
        T::write_type(sample.map(|b| &**b), out);
    }
    #[inline]
    fn encode_node(&self, enc: &mut Encoder) -> Result<u32, AbiError> {
        (**self).encode_node(enc)
    }
    #[inline]
    fn decode_node(dec: &mut Decoder<'_>, index: u32) -> Result<Self, AbiError> {
        T::decode_node(dec, index).map(Box::new)
    }
}

impl<T: GraphValue> GraphValue for Option<T> {
    const SHAPE: Shape = Shape::Option(&T::REF);
    fn wit_type(out: &mut String) {
        out.push_str("option<");
        T::wit_type(out);
        out.push('>');
    }

    #[inline]
    fn write_type(sample: Option<&Self>, out: &mut Vec<u8>) {
        out.push(Kind::Option as u8);
        T::write_type(sample.and_then(Option::as_ref), out);
    }
    #[inline]
    fn encode_node(&self, enc: &mut Encoder) -> Result<u32, AbiError> {
        let child = match self {
            Some(v) => Some(v.encode_node(enc)?),
            None => None,
        };
        let m = enc.begin(Kind::Option);
        T::write_type(self.as_ref(), enc.buffer_mut());
        match child {
            Some(c) => {
                enc.put_u8(1);
                enc.put_u32(c);
            }
            None => enc.put_u8(0),
        }
        enc.end(m)
    }
    #[inline]
    fn decode_node(dec: &mut Decoder<'_>, index: u32) -> Result<Self, AbiError> {
        let out = match dec.enter_option(index)? {
            Some(child) => Some(T::decode_node(dec, child)?),
            None => None,
        };
        dec.leave(index);
        Ok(out)
    }
}

impl<T: GraphValue, E: GraphValue> GraphValue for Result<T, E> {
    const SHAPE: Shape = Shape::Result(&T::REF, &E::REF);
    fn wit_type(out: &mut String) {
        let (ok, err) = (wit_type_of::<T>(), wit_type_of::<E>());
        let unit = |t: &str| t == "tuple<>";
        match (unit(&ok), unit(&err)) {
            (true, true) => out.push_str("result"),
            (false, true) => out.push_str(&format!("result<{ok}>")),
            (true, false) => out.push_str(&format!("result<_, {err}>")),
            (false, false) => out.push_str(&format!("result<{ok}, {err}>")),
        }
    }

    #[inline]
    fn write_type(sample: Option<&Self>, out: &mut Vec<u8>) {
        out.push(Kind::Result as u8);
        T::write_type(sample.and_then(|r| r.as_ref().ok()), out);
        E::write_type(sample.and_then(|r| r.as_ref().err()), out);
    }
    #[inline]
    fn encode_node(&self, enc: &mut Encoder) -> Result<u32, AbiError> {
        let (tag, child) = match self {
            Ok(v) => (0, v.encode_node(enc)?),
            Err(e) => (1, e.encode_node(enc)?),
        };
        let m = enc.begin(Kind::Result);
        T::write_type(self.as_ref().ok(), enc.buffer_mut());
        E::write_type(self.as_ref().err(), enc.buffer_mut());
        enc.put_u32(tag);
        enc.put_u8(1);
        enc.put_u32(child);
        enc.end(m)
    }
    #[inline]
    fn decode_node(dec: &mut Decoder<'_>, index: u32) -> Result<Self, AbiError> {
        let out = match dec.enter_result(index)? {
            Ok(child) => Ok(T::decode_node(dec, child)?),
            Err(child) => Err(E::decode_node(dec, child)?),
        };
        dec.leave(index);
        Ok(out)
    }
}

impl GraphValue for () {
    const SHAPE: Shape = Shape::Tuple(&[]);
    #[inline]
    fn write_type(_: Option<&Self>, out: &mut Vec<u8>) {
        out.push(Kind::Tuple as u8);
        out.extend_from_slice(&0u32.to_le_bytes());
    }
    #[inline]
    fn encode_node(&self, enc: &mut Encoder) -> Result<u32, AbiError> {
        Ok(enc.scalar(Kind::Tuple, &0u32.to_le_bytes()))
    }
    #[inline]
    fn decode_node(dec: &mut Decoder<'_>, index: u32) -> Result<Self, AbiError> {
        dec.enter_tuple(index, 0)?;
        dec.leave(index);
        Ok(())
    }
    #[inline(always)]
    fn decode_flat(buf: &[u8], limits: &Limits) -> Option<Self> {
        flat::Reader::new(buf, 1, flat::tuple_len(&[])?, limits)?.tuple(0)
    }
    #[inline(always)]
    fn encode_flat(&self, out: &mut Vec<u8>) -> bool {
        let Some(len) = flat::tuple_len(&[]) else {
            return false;
        };
        flat::Writer::new(out, 1, len).tuple(0);
        true
    }
}

macro_rules! tuples {
    ($( $n:literal => ($($name:ident $idx:tt),+); )*) => {$(
        impl<$($name: GraphValue),+> GraphValue for ($($name,)+) {
            const SHAPE: Shape = Shape::Tuple(&[$(&$name::REF),+]);
            fn wit_type(out: &mut String) {
                let items: Vec<String> = vec![$( wit_type_of::<$name>() ),+];
                out.push_str(&format!("tuple<{}>", items.join(", ")));
            }
            #[inline]
            fn write_type(sample: Option<&Self>, out: &mut Vec<u8>) {
                out.push(Kind::Tuple as u8);
                out.extend_from_slice(&($n as u32).to_le_bytes());
                $( $name::write_type(sample.map(|s| &s.$idx), out); )+
            }
            #[inline]
            fn encode_node(&self, enc: &mut Encoder) -> Result<u32, AbiError> {
                let children = [$( self.$idx.encode_node(enc)? ),+];
                enc.tuple(&children)
            }
            #[inline]
            fn decode_node(dec: &mut Decoder<'_>, index: u32) -> Result<Self, AbiError> {
                let mut children = dec.enter_tuple(index, $n)?;
                let out = ($( $name::decode_node(dec, children.next().unwrap_or(u32::MAX))?, )+);
                dec.leave(index);
                Ok(out)
            }
            #[inline(always)]
            fn decode_flat(buf: &[u8], limits: &Limits) -> Option<Self> {
                let len = flat::tuple_len(&[$( flat::width::<$name>() ),+])?;
                let mut r = flat::Reader::new(buf, $n + 1, len, limits)?;
                let out = ($( r.scalar::<$name>()?, )+);
                r.tuple($n)?;
                Some(out)
            }
            #[inline(always)]
            fn encode_flat(&self, out: &mut Vec<u8>) -> bool {
                let Some(len) = flat::tuple_len(&[$( flat::width::<$name>() ),+]) else {
                    return false;
                };
                let mut w = flat::Writer::new(out, $n + 1, len);
                $( w.scalar(&self.$idx); )+
                w.tuple($n);
                true
            }
        }
    )*};
}

tuples! {
    1 => (A 0);
    2 => (A 0, B 1);
    3 => (A 0, B 1, C 2);
    4 => (A 0, B 1, C 2, D 3);
    5 => (A 0, B 1, C 2, D 3, E 4);
    6 => (A 0, B 1, C 2, D 3, E 4, F 5);
    7 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6);
    8 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
    9 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8);
    10 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
    11 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);
    12 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11);
}

/// `T` in WIT syntax.
///
/// ```
/// use packr_runtime::abi::{wit_type_of, Value};
/// assert_eq!(wit_type_of::<Option<Vec<u8>>>(), "option<list<u8>>");
/// assert_eq!(wit_type_of::<Option<Value>>(), "option<value>");
/// assert_eq!(wit_type_of::<Result<(), String>>(), "result<_, string>");
/// ```
pub fn wit_type_of<T: GraphValue>() -> String {
    let mut s = String::new();
    T::wit_type(&mut s);
    s
}
