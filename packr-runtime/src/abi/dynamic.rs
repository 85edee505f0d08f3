//! Encoding and decoding the dynamic [`Value`].

use super::graph_value::bounded_capacity;
use super::{
    AbiError, AbiErrorKind, Decoder, Encoder, GraphValue, Kind, Name, Reader, Value, ValueType,
};

/// Writes the type descriptor of `ty` (docs/abi.md §1.4).
///
/// ```
/// use packr_runtime::abi::{write_value_type, ValueType};
/// let mut out = Vec::new();
/// write_value_type(&ValueType::Option(Box::new(ValueType::S32)), &mut out);
/// assert_eq!(out, [0x0a, 0x02]);
/// ```
pub fn write_value_type(ty: &ValueType, out: &mut Vec<u8>) {
    let tag = |k: Kind| k as u8;
    match ty {
        ValueType::Bool => out.push(tag(Kind::Bool)),
        ValueType::U8 => out.push(tag(Kind::U8)),
        ValueType::U16 => out.push(tag(Kind::U16)),
        ValueType::U32 => out.push(tag(Kind::U32)),
        ValueType::U64 => out.push(tag(Kind::U64)),
        ValueType::S8 => out.push(tag(Kind::S8)),
        ValueType::S16 => out.push(tag(Kind::S16)),
        ValueType::S32 => out.push(tag(Kind::S32)),
        ValueType::S64 => out.push(tag(Kind::S64)),
        ValueType::F32 => out.push(tag(Kind::F32)),
        ValueType::F64 => out.push(tag(Kind::F64)),
        ValueType::Char => out.push(tag(Kind::Char)),
        ValueType::String => out.push(tag(Kind::String)),
        ValueType::Flags => out.push(tag(Kind::Flags)),
        ValueType::List(t) => {
            out.push(tag(Kind::List));
            write_value_type(t, out);
        }
        ValueType::Option(t) => {
            out.push(tag(Kind::Option));
            write_value_type(t, out);
        }
        ValueType::Result { ok, err } => {
            out.push(tag(Kind::Result));
            write_value_type(ok, out);
            write_value_type(err, out);
        }
        ValueType::Record(name) | ValueType::Variant(name) => {
            out.push(tag(if matches!(ty, ValueType::Record(_)) {
                Kind::Record
            } else {
                Kind::Variant
            }));
            out.extend_from_slice(&(name.len() as u32).to_le_bytes());
            out.extend_from_slice(name.as_bytes());
        }
        ValueType::Tuple(items) => {
            out.push(tag(Kind::Tuple));
            out.extend_from_slice(&(items.len() as u32).to_le_bytes());
            for t in items {
                write_value_type(t, out);
            }
        }
    }
}

/// Reads a whole type descriptor (as [`GraphValue::write_type`] writes
/// it) into a [`ValueType`].
///
/// ```
/// use packr_runtime::abi::{read_type_descriptor, GraphValue, ValueType};
/// let mut out = Vec::new();
/// <Vec<String>>::write_type(None, &mut out);
/// assert_eq!(read_type_descriptor(&out)?, ValueType::List(Box::new(ValueType::String)));
/// # Ok::<(), packr_runtime::abi::AbiError>(())
/// ```
pub fn read_type_descriptor(bytes: &[u8]) -> Result<ValueType, AbiError> {
    let mut r = Reader::new(0, bytes);
    let ty = read_value_type(&mut r, super::Limits::DEFAULT.max_depth)?;
    r.finish()?;
    Ok(ty)
}

/// Reads a type descriptor; `depth` bounds its nesting.
pub(crate) fn read_value_type(r: &mut Reader<'_>, depth: u32) -> Result<ValueType, AbiError> {
    let node = r.node();
    let tag = r.u8()?;
    let kind = Kind::from_u8(tag)
        .filter(|k| *k != Kind::Array)
        .ok_or_else(|| AbiError::at(node, AbiErrorKind::UnknownKind(tag)))?;
    let deeper = |r: &mut Reader<'_>| {
        if depth == 0 {
            Err(AbiError::at(
                node,
                AbiErrorKind::LimitExceeded {
                    what: "type descriptor nesting",
                    limit: 0,
                },
            ))
        } else {
            read_value_type(r, depth - 1)
        }
    };
    Ok(match kind {
        Kind::Bool => ValueType::Bool,
        Kind::U8 => ValueType::U8,
        Kind::U16 => ValueType::U16,
        Kind::U32 => ValueType::U32,
        Kind::U64 => ValueType::U64,
        Kind::S8 => ValueType::S8,
        Kind::S16 => ValueType::S16,
        Kind::S32 => ValueType::S32,
        Kind::S64 => ValueType::S64,
        Kind::F32 => ValueType::F32,
        Kind::F64 => ValueType::F64,
        Kind::Char => ValueType::Char,
        Kind::String => ValueType::String,
        Kind::Flags => ValueType::Flags,
        Kind::List => ValueType::List(Box::new(deeper(r)?)),
        Kind::Option => ValueType::Option(Box::new(deeper(r)?)),
        Kind::Result => {
            let ok = Box::new(deeper(r)?);
            let err = Box::new(deeper(r)?);
            ValueType::Result { ok, err }
        }
        Kind::Record => ValueType::Record(Name::new(r.str()?)),
        Kind::Variant => ValueType::Variant(Name::new(r.str()?)),
        Kind::Tuple => {
            let n = r.u32()? as usize;
            if n > r.remaining() {
                return Err(AbiError::at(node, AbiErrorKind::PayloadTooShort));
            }
            let mut items = Vec::with_capacity(n);
            for _ in 0..n {
                items.push(deeper(r)?);
            }
            ValueType::Tuple(items)
        }
        Kind::Array => unreachable_array(node)?,
    })
}

#[cold]
fn unreachable_array(node: u32) -> Result<ValueType, AbiError> {
    Err(AbiError::at(
        node,
        AbiErrorKind::UnknownKind(Kind::Array as u8),
    ))
}

/// The array element kind for a fixed-width primitive type.
fn array_kind(ty: &ValueType) -> Option<Kind> {
    Some(match ty {
        ValueType::Bool => Kind::Bool,
        ValueType::U8 => Kind::U8,
        ValueType::U16 => Kind::U16,
        ValueType::U32 => Kind::U32,
        ValueType::U64 => Kind::U64,
        ValueType::S8 => Kind::S8,
        ValueType::S16 => Kind::S16,
        ValueType::S32 => Kind::S32,
        ValueType::S64 => Kind::S64,
        ValueType::F32 => Kind::F32,
        ValueType::F64 => Kind::F64,
        ValueType::Char => Kind::Char,
        ValueType::Flags => Kind::Flags,
        _ => return None,
    })
}

/// Packs one primitive item of an array, or fails if it is not of `kind`.
fn pack_item(kind: Kind, item: &Value, out: &mut Vec<u8>) -> Result<(), AbiError> {
    match (kind, item) {
        (Kind::Bool, Value::Bool(v)) => out.push(*v as u8),
        (Kind::U8, Value::U8(v)) => out.push(*v),
        (Kind::S8, Value::S8(v)) => out.extend_from_slice(&v.to_le_bytes()),
        (Kind::U16, Value::U16(v)) => out.extend_from_slice(&v.to_le_bytes()),
        (Kind::S16, Value::S16(v)) => out.extend_from_slice(&v.to_le_bytes()),
        (Kind::U32, Value::U32(v)) => out.extend_from_slice(&v.to_le_bytes()),
        (Kind::S32, Value::S32(v)) => out.extend_from_slice(&v.to_le_bytes()),
        (Kind::F32, Value::F32(v)) => out.extend_from_slice(&v.to_le_bytes()),
        (Kind::Char, Value::Char(v)) => out.extend_from_slice(&(*v as u32).to_le_bytes()),
        (Kind::U64, Value::U64(v)) => out.extend_from_slice(&v.to_le_bytes()),
        (Kind::S64, Value::S64(v)) => out.extend_from_slice(&v.to_le_bytes()),
        (Kind::F64, Value::F64(v)) => out.extend_from_slice(&v.to_le_bytes()),
        (Kind::Flags, Value::Flags(v)) => out.extend_from_slice(&v.to_le_bytes()),
        _ => {
            return Err(AbiError::unencodable(format!(
                "list<{kind}> holds an item of type {}",
                item.value_type()
            )));
        }
    }
    Ok(())
}

/// Unpacks one array item of `kind` from exactly its width in bytes.
fn unpack_item(node: u32, kind: Kind, b: &[u8]) -> Result<Value, AbiError> {
    let u32_at = || u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    let u64_at = || {
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        u64::from_le_bytes(a)
    };
    Ok(match kind {
        Kind::Bool => match b[0] {
            0 => Value::Bool(false),
            1 => Value::Bool(true),
            v => return Err(AbiError::at(node, AbiErrorKind::InvalidBool(v))),
        },
        Kind::U8 => Value::U8(b[0]),
        Kind::S8 => Value::S8(b[0] as i8),
        Kind::U16 => Value::U16(u16::from_le_bytes([b[0], b[1]])),
        Kind::S16 => Value::S16(i16::from_le_bytes([b[0], b[1]])),
        Kind::U32 => Value::U32(u32_at()),
        Kind::S32 => Value::S32(u32_at() as i32),
        Kind::F32 => Value::F32(f32::from_bits(u32_at())),
        Kind::Char => {
            let v = u32_at();
            Value::Char(
                char::from_u32(v)
                    .ok_or_else(|| AbiError::at(node, AbiErrorKind::InvalidChar(v)))?,
            )
        }
        Kind::U64 => Value::U64(u64_at()),
        Kind::S64 => Value::S64(u64_at() as i64),
        Kind::F64 => Value::F64(f64::from_bits(u64_at())),
        Kind::Flags => Value::Flags(u64_at()),
        other => {
            return Err(AbiError::at(
                node,
                AbiErrorKind::NonPrimitiveArray(other as u8),
            ));
        }
    })
}

fn primitive_type(kind: Kind) -> ValueType {
    match kind {
        Kind::Bool => ValueType::Bool,
        Kind::U8 => ValueType::U8,
        Kind::S8 => ValueType::S8,
        Kind::U16 => ValueType::U16,
        Kind::S16 => ValueType::S16,
        Kind::U32 => ValueType::U32,
        Kind::S32 => ValueType::S32,
        Kind::F32 => ValueType::F32,
        Kind::Char => ValueType::Char,
        Kind::U64 => ValueType::U64,
        Kind::S64 => ValueType::S64,
        Kind::F64 => ValueType::F64,
        _ => ValueType::Flags,
    }
}

impl GraphValue for Value {
    fn wit_type(out: &mut String) {
        out.push_str("value");
    }

    /// A dynamic value has no static type: the descriptor is the sample's
    /// own type, and the unit type when there is no sample.
    fn write_type(sample: Option<&Self>, out: &mut Vec<u8>) {
        match sample {
            Some(v) => write_value_type(&v.value_type(), out),
            None => write_value_type(&ValueType::UNIT, out),
        }
    }

    fn encode_node(&self, enc: &mut Encoder) -> Result<u32, AbiError> {
        Ok(match self {
            Value::Bool(v) => enc.scalar(Kind::Bool, &[*v as u8]),
            Value::U8(v) => enc.scalar(Kind::U8, &[*v]),
            Value::U16(v) => enc.scalar(Kind::U16, &v.to_le_bytes()),
            Value::U32(v) => enc.scalar(Kind::U32, &v.to_le_bytes()),
            Value::U64(v) => enc.scalar(Kind::U64, &v.to_le_bytes()),
            Value::S8(v) => enc.scalar(Kind::S8, &v.to_le_bytes()),
            Value::S16(v) => enc.scalar(Kind::S16, &v.to_le_bytes()),
            Value::S32(v) => enc.scalar(Kind::S32, &v.to_le_bytes()),
            Value::S64(v) => enc.scalar(Kind::S64, &v.to_le_bytes()),
            Value::F32(v) => enc.scalar(Kind::F32, &v.to_le_bytes()),
            Value::F64(v) => enc.scalar(Kind::F64, &v.to_le_bytes()),
            Value::Char(v) => enc.scalar(Kind::Char, &(*v as u32).to_le_bytes()),
            Value::Flags(v) => enc.scalar(Kind::Flags, &v.to_le_bytes()),
            Value::String(s) => enc.string(s)?,
            Value::List { elem_type, items } => match array_kind(elem_type) {
                Some(kind) => {
                    let m = enc.begin(Kind::Array);
                    enc.put_u8(kind as u8);
                    enc.put_len(items.len())?;
                    for item in items {
                        pack_item(kind, item, enc.buffer_mut())?;
                    }
                    enc.end(m)?
                }
                None => {
                    let mark = enc.stack_mark();
                    for item in items {
                        let c = item.encode_node(enc)?;
                        enc.push_child(c);
                    }
                    let m = enc.begin(Kind::List);
                    write_value_type(elem_type, enc.buffer_mut());
                    enc.put_len(items.len())?;
                    enc.put_stacked(mark);
                    enc.end(m)?
                }
            },
            Value::Option { inner_type, value } => {
                let child = match value {
                    Some(v) => Some(v.encode_node(enc)?),
                    None => None,
                };
                let m = enc.begin(Kind::Option);
                write_value_type(inner_type, enc.buffer_mut());
                match child {
                    Some(c) => {
                        enc.put_u8(1);
                        enc.put_u32(c);
                    }
                    None => enc.put_u8(0),
                }
                enc.end(m)?
            }
            Value::Result {
                ok_type,
                err_type,
                value,
            } => {
                let (tag, child) = match value {
                    Ok(v) => (0, v.encode_node(enc)?),
                    Err(v) => (1, v.encode_node(enc)?),
                };
                let m = enc.begin(Kind::Result);
                write_value_type(ok_type, enc.buffer_mut());
                write_value_type(err_type, enc.buffer_mut());
                enc.put_u32(tag);
                enc.put_u8(1);
                enc.put_u32(child);
                enc.end(m)?
            }
            Value::Record { type_name, fields } => {
                let mark = enc.stack_mark();
                for (_, v) in fields {
                    let c = v.encode_node(enc)?;
                    enc.push_child(c);
                }
                let m = enc.begin(Kind::Record);
                enc.put_str(type_name)?;
                enc.put_len(fields.len())?;
                for (name, _) in fields {
                    enc.put_str(name)?;
                }
                enc.put_stacked(mark);
                enc.end(m)?
            }
            Value::Variant {
                type_name,
                case_name,
                tag,
                payload,
            } => {
                let mark = enc.stack_mark();
                for v in payload {
                    let c = v.encode_node(enc)?;
                    enc.push_child(c);
                }
                let m = enc.begin(Kind::Variant);
                enc.put_str(type_name)?;
                enc.put_str(case_name)?;
                enc.put_u32(*tag);
                enc.put_len(payload.len())?;
                enc.put_stacked(mark);
                enc.end(m)?
            }
            Value::Tuple(items) => {
                let mark = enc.stack_mark();
                for v in items {
                    let c = v.encode_node(enc)?;
                    enc.push_child(c);
                }
                let m = enc.begin(Kind::Tuple);
                enc.put_len(items.len())?;
                enc.put_stacked(mark);
                enc.end(m)?
            }
        })
    }

    /// Compound kinds decode in separate small functions so that one
    /// nesting level costs little stack even in debug builds: the default
    /// depth limit fits a 2 MiB thread (test threads, tokio workers,
    /// wasmtime fibers). Recursion is bounded by `Limits::max_depth`.
    fn decode_node(dec: &mut Decoder<'_>, index: u32) -> Result<Self, AbiError> {
        let (kind, _) = dec.peek(index)?;
        match kind {
            Kind::Array => decode_array(dec, index),
            Kind::List => decode_list(dec, index),
            Kind::Option => decode_option(dec, index),
            Kind::Result => decode_result(dec, index),
            Kind::Record => decode_record(dec, index),
            Kind::Variant => decode_variant(dec, index),
            Kind::Tuple => decode_tuple(dec, index),
            _ => decode_leaf(dec, index, kind),
        }
    }
}

#[inline(never)]
fn decode_array(dec: &mut Decoder<'_>, index: u32) -> Result<Value, AbiError> {
    let (elem, count, data) = dec.array(index)?;
    let width = elem.fixed_width().unwrap_or(1);
    let mut items = Vec::with_capacity(count);
    for chunk in data.chunks_exact(width) {
        items.push(unpack_item(index, elem, chunk)?);
    }
    Ok(Value::List {
        elem_type: primitive_type(elem),
        items,
    })
}

#[inline(never)]
fn decode_list(dec: &mut Decoder<'_>, index: u32) -> Result<Value, AbiError> {
    let (_, mut r) = dec.enter(index)?;
    let elem_type = read_value_type(&mut r, dec.limits().max_depth)?;
    if array_kind(&elem_type).is_some() {
        return Err(AbiError::at(index, AbiErrorKind::PrimitiveList));
    }
    let n = r.count(4, dec.limits())?;
    let children = r.children(n)?;
    r.finish()?;
    let mut items = Vec::with_capacity(bounded_capacity::<Value>(n));
    for c in children {
        items.push(Value::decode_node(dec, c)?);
    }
    dec.leave(index);
    Ok(Value::List { elem_type, items })
}

#[inline(never)]
fn decode_option(dec: &mut Decoder<'_>, index: u32) -> Result<Value, AbiError> {
    let (_, mut r) = dec.enter(index)?;
    let inner_type = read_value_type(&mut r, dec.limits().max_depth)?;
    let child = match r.u8()? {
        0 => None,
        1 => Some(r.u32()?),
        b => return Err(AbiError::at(index, AbiErrorKind::InvalidFlagByte(b))),
    };
    r.finish()?;
    let value = match child {
        Some(c) => Some(Box::new(Value::decode_node(dec, c)?)),
        None => None,
    };
    dec.leave(index);
    Ok(Value::Option { inner_type, value })
}

#[inline(never)]
fn decode_result(dec: &mut Decoder<'_>, index: u32) -> Result<Value, AbiError> {
    let (_, mut r) = dec.enter(index)?;
    let ok_type = read_value_type(&mut r, dec.limits().max_depth)?;
    let err_type = read_value_type(&mut r, dec.limits().max_depth)?;
    let tag = r.u32()?;
    let has_payload = r.u8()?;
    if has_payload != 1 {
        return Err(AbiError::at(
            index,
            AbiErrorKind::InvalidFlagByte(has_payload),
        ));
    }
    let child = r.u32()?;
    r.finish()?;
    let inner = Box::new(Value::decode_node(dec, child)?);
    let value = match tag {
        0 => Ok(inner),
        1 => Err(inner),
        t => {
            return Err(AbiError::invalid(
                index,
                format!("result tag {t}, expected 0 or 1"),
            ));
        }
    };
    dec.leave(index);
    Ok(Value::Result {
        ok_type,
        err_type,
        value,
    })
}

#[inline(never)]
fn decode_record(dec: &mut Decoder<'_>, index: u32) -> Result<Value, AbiError> {
    let rec = dec.enter_record(index)?;
    let mut fields = Vec::with_capacity(bounded_capacity::<(Name, Value)>(rec.len()));
    for (name, child) in rec.fields() {
        fields.push((Name::new(name), Value::decode_node(dec, child)?));
    }
    dec.leave(index);
    Ok(Value::Record {
        type_name: Name::new(rec.type_name()),
        fields,
    })
}

#[inline(never)]
fn decode_variant(dec: &mut Decoder<'_>, index: u32) -> Result<Value, AbiError> {
    let v = dec.enter_variant(index)?;
    let mut payload = Vec::with_capacity(bounded_capacity::<Value>(v.payload.len()));
    for c in v.payload.clone() {
        payload.push(Value::decode_node(dec, c)?);
    }
    dec.leave(index);
    Ok(Value::Variant {
        type_name: Name::new(v.type_name),
        case_name: Name::new(v.case_name),
        tag: v.tag,
        payload,
    })
}

#[inline(never)]
fn decode_tuple(dec: &mut Decoder<'_>, index: u32) -> Result<Value, AbiError> {
    let (_, mut r) = dec.enter(index)?;
    let n = r.count(4, dec.limits())?;
    let children = r.children(n)?;
    r.finish()?;
    let mut items = Vec::with_capacity(bounded_capacity::<Value>(n));
    for c in children {
        items.push(Value::decode_node(dec, c)?);
    }
    dec.leave(index);
    Ok(Value::Tuple(items))
}

#[inline(never)]
fn decode_leaf(dec: &mut Decoder<'_>, index: u32, kind: Kind) -> Result<Value, AbiError> {
    Ok(match kind {
        Kind::Bool => Value::Bool(bool::decode_node(dec, index)?),
        Kind::U8 => Value::U8(u8::decode_node(dec, index)?),
        Kind::U16 => Value::U16(u16::decode_node(dec, index)?),
        Kind::U32 => Value::U32(u32::decode_node(dec, index)?),
        Kind::U64 => Value::U64(u64::decode_node(dec, index)?),
        Kind::S8 => Value::S8(i8::decode_node(dec, index)?),
        Kind::S16 => Value::S16(i16::decode_node(dec, index)?),
        Kind::S32 => Value::S32(i32::decode_node(dec, index)?),
        Kind::S64 => Value::S64(i64::decode_node(dec, index)?),
        Kind::F32 => Value::F32(f32::decode_node(dec, index)?),
        Kind::F64 => Value::F64(f64::decode_node(dec, index)?),
        Kind::Char => Value::Char(char::decode_node(dec, index)?),
        Kind::Flags => Value::Flags(u64::from_le_bytes(dec.fixed::<8>(index, Kind::Flags)?)),
        Kind::String => Value::String(dec.str(index)?.to_owned()),
        _ => return Err(AbiError::at(index, AbiErrorKind::UnknownKind(kind as u8))),
    })
}
