//! The dynamic model of Graph ABI values and their types.

use std::fmt;

use super::Name;

/// The type of a value as carried in type descriptors (docs/abi.md §1.4).
///
/// Records and variants are identified by their type name only, as on the
/// wire. `Display` spells types the way WIT does.
///
/// ```
/// use packr_runtime::abi::ValueType;
/// let t = ValueType::List(Box::new(ValueType::Option(Box::new(ValueType::String))));
/// assert_eq!(t.to_string(), "list<option<string>>");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[allow(missing_docs)]
pub enum ValueType {
    Bool,
    U8,
    U16,
    U32,
    U64,
    S8,
    S16,
    S32,
    S64,
    F32,
    F64,
    Char,
    String,
    List(Box<ValueType>),
    Option(Box<ValueType>),
    Result {
        ok: Box<ValueType>,
        err: Box<ValueType>,
    },
    /// A record, by type name.
    Record(Name),
    /// A variant (or enum), by type name.
    Variant(Name),
    Tuple(Vec<ValueType>),
    Flags,
}

impl ValueType {
    /// The unit type, the empty tuple.
    pub const UNIT: ValueType = ValueType::Tuple(Vec::new());
}

impl fmt::Display for ValueType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueType::Bool => f.write_str("bool"),
            ValueType::U8 => f.write_str("u8"),
            ValueType::U16 => f.write_str("u16"),
            ValueType::U32 => f.write_str("u32"),
            ValueType::U64 => f.write_str("u64"),
            ValueType::S8 => f.write_str("s8"),
            ValueType::S16 => f.write_str("s16"),
            ValueType::S32 => f.write_str("s32"),
            ValueType::S64 => f.write_str("s64"),
            ValueType::F32 => f.write_str("f32"),
            ValueType::F64 => f.write_str("f64"),
            ValueType::Char => f.write_str("char"),
            ValueType::String => f.write_str("string"),
            ValueType::List(t) => write!(f, "list<{t}>"),
            ValueType::Option(t) => write!(f, "option<{t}>"),
            ValueType::Result { ok, err } => {
                let unit = |t: &ValueType| matches!(t, ValueType::Tuple(v) if v.is_empty());
                match (unit(ok), unit(err)) {
                    (true, true) => f.write_str("result"),
                    (false, true) => write!(f, "result<{ok}>"),
                    (true, false) => write!(f, "result<_, {err}>"),
                    (false, false) => write!(f, "result<{ok}, {err}>"),
                }
            }
            ValueType::Record(name) | ValueType::Variant(name) => f.write_str(name),
            ValueType::Tuple(items) => {
                f.write_str("tuple<")?;
                for (i, t) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{t}")?;
                }
                f.write_str(">")
            }
            ValueType::Flags => f.write_str("flags"),
        }
    }
}

/// A Graph ABI value whose shape is known only at run time: WIT+'s
/// `value` type, and what [`decode`](super::decode) returns.
///
/// `Display` reads like WIT value syntax:
///
/// ```
/// use packr_runtime::abi::{Value, ValueType};
/// let v = Value::Record {
///     type_name: "point".into(),
///     fields: vec![("x".into(), Value::S32(1)), ("y".into(), Value::S32(-2))],
/// };
/// assert_eq!(v.to_string(), "point { x: 1, y: -2 }");
/// let some = Value::Option { inner_type: ValueType::String, value: Some(Box::new("hi".into())) };
/// assert_eq!(some.to_string(), "some(\"hi\")");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[allow(missing_docs)]
pub enum Value {
    Bool(bool),
    U8(u8),
    U16(u16),
    U32(u32),
    U64(u64),
    S8(i8),
    S16(i16),
    S32(i32),
    S64(i64),
    F32(f32),
    F64(f64),
    Char(char),
    String(String),
    /// A list; fixed-width primitive element types travel as one array node.
    List {
        elem_type: ValueType,
        items: Vec<Value>,
    },
    Option {
        inner_type: ValueType,
        value: Option<Box<Value>>,
    },
    Result {
        ok_type: ValueType,
        err_type: ValueType,
        value: Result<Box<Value>, Box<Value>>,
    },
    /// A record: fields in order, each with its wire name.
    Record {
        type_name: Name,
        fields: Vec<(Name, Value)>,
    },
    /// A variant case (an enum case has no payload).
    Variant {
        type_name: Name,
        case_name: Name,
        tag: u32,
        payload: Vec<Value>,
    },
    /// A tuple; the unit value is the empty tuple.
    Tuple(Vec<Value>),
    /// A flags set as a bit mask.
    Flags(u64),
}

impl Value {
    /// The unit value, the empty tuple.
    pub const UNIT: Value = Value::Tuple(Vec::new());

    /// The type of this value as a descriptor would carry it.
    ///
    /// ```
    /// use packr_runtime::abi::{Value, ValueType};
    /// assert_eq!(Value::Tuple(vec![Value::U8(1), "a".into()]).value_type().to_string(), "tuple<u8, string>");
    /// ```
    pub fn value_type(&self) -> ValueType {
        match self {
            Value::Bool(_) => ValueType::Bool,
            Value::U8(_) => ValueType::U8,
            Value::U16(_) => ValueType::U16,
            Value::U32(_) => ValueType::U32,
            Value::U64(_) => ValueType::U64,
            Value::S8(_) => ValueType::S8,
            Value::S16(_) => ValueType::S16,
            Value::S32(_) => ValueType::S32,
            Value::S64(_) => ValueType::S64,
            Value::F32(_) => ValueType::F32,
            Value::F64(_) => ValueType::F64,
            Value::Char(_) => ValueType::Char,
            Value::String(_) => ValueType::String,
            Value::List { elem_type, .. } => ValueType::List(Box::new(elem_type.clone())),
            Value::Option { inner_type, .. } => ValueType::Option(Box::new(inner_type.clone())),
            Value::Result {
                ok_type, err_type, ..
            } => ValueType::Result {
                ok: Box::new(ok_type.clone()),
                err: Box::new(err_type.clone()),
            },
            Value::Record { type_name, .. } => ValueType::Record(type_name.clone()),
            Value::Variant { type_name, .. } => ValueType::Variant(type_name.clone()),
            Value::Tuple(items) => ValueType::Tuple(items.iter().map(Value::value_type).collect()),
            Value::Flags(_) => ValueType::Flags,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

macro_rules! value_from {
    ($($t:ty => $v:ident),*) => {$(
        impl From<$t> for Value {
            fn from(x: $t) -> Self { Value::$v(x) }
        }
    )*};
}
value_from!(bool => Bool, u8 => U8, u16 => U16, u32 => U32, u64 => U64, i8 => S8, i16 => S16,
    i32 => S32, i64 => S64, f32 => F32, f64 => F64, char => Char);

fn write_float(f: &mut fmt::Formatter<'_>, v: f64, s: String) -> fmt::Result {
    if v.is_nan() {
        f.write_str("nan")
    } else if v.is_infinite() {
        f.write_str(if v > 0.0 { "inf" } else { "-inf" })
    } else if s.contains(['.', 'e']) {
        f.write_str(&s)
    } else {
        write!(f, "{s}.0")
    }
}

fn write_seq<'v>(
    f: &mut fmt::Formatter<'_>,
    open: &str,
    items: impl Iterator<Item = &'v Value>,
    close: &str,
) -> fmt::Result {
    f.write_str(open)?;
    for (i, v) in items.enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{v}")?;
    }
    f.write_str(close)
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(v) => write!(f, "{v}"),
            Value::U8(v) => write!(f, "{v}"),
            Value::U16(v) => write!(f, "{v}"),
            Value::U32(v) => write!(f, "{v}"),
            Value::U64(v) => write!(f, "{v}"),
            Value::S8(v) => write!(f, "{v}"),
            Value::S16(v) => write!(f, "{v}"),
            Value::S32(v) => write!(f, "{v}"),
            Value::S64(v) => write!(f, "{v}"),
            Value::F32(v) => write_float(f, f64::from(*v), v.to_string()),
            Value::F64(v) => write_float(f, *v, v.to_string()),
            Value::Char(c) => write!(f, "{c:?}"),
            Value::String(s) => write!(f, "{s:?}"),
            Value::List { items, .. } => write_seq(f, "[", items.iter(), "]"),
            Value::Option { value: None, .. } => f.write_str("none"),
            Value::Option { value: Some(v), .. } => write!(f, "some({v})"),
            Value::Result { value: Ok(v), .. } if **v == Value::UNIT => f.write_str("ok"),
            Value::Result { value: Ok(v), .. } => write!(f, "ok({v})"),
            Value::Result { value: Err(v), .. } if **v == Value::UNIT => f.write_str("err"),
            Value::Result { value: Err(v), .. } => write!(f, "err({v})"),
            Value::Record { type_name, fields } => {
                write!(f, "{type_name} {{")?;
                for (i, (name, v)) in fields.iter().enumerate() {
                    f.write_str(if i == 0 { " " } else { ", " })?;
                    write!(f, "{name}: {v}")?;
                }
                f.write_str(if fields.is_empty() { "}" } else { " }" })
            }
            Value::Variant {
                case_name, payload, ..
            } => {
                f.write_str(case_name)?;
                if payload.is_empty() {
                    Ok(())
                } else {
                    write_seq(f, "(", payload.iter(), ")")
                }
            }
            Value::Tuple(items) => write_seq(f, "(", items.iter(), ")"),
            Value::Flags(bits) => write!(f, "flags({bits:#b})"),
        }
    }
}
