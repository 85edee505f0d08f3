//! Value text: WIT-like value syntax, the way [`Value`]'s `Display`
//! writes it, read back into a [`Value`].
//!
//! ```text
//! 42   -7   3.5   1e-3   nan   inf   -inf   7u8   -2s64   1.5f32
//! true   'x'   "a \"quoted\" string\n"
//! [1, 2, 3]   (1, "a")   {x: 1, y: -2}   point { x: 1, y: -2 }
//! none   some("a")   ok   ok(1)   err("no")   circle(1.5)   flags(0b101)
//! ```
//!
//! Text alone does not say every type: `1` may be any integer type and a
//! case name any variant. Without a type ([`Value::parse`], `FromStr`) an
//! integer is `s32` when it fits (then `s64`, then `u64`) unless it carries
//! a suffix (`7u8`), a float is `f64` (or `1.5f32`), an empty list or a
//! `none` holds units, a record's type name is what the text says (or
//! empty), and a variant case cannot be written. With a WIT+ type
//! ([`Package::parse_value`](crate::wit::Package::parse_value)) every
//! value is read as that type: integers are range-checked, records take
//! their fields by name, cases their tag.
//!
//! ```
//! use packr_runtime::abi::Value;
//! let v = Value::parse(r#"point { x: 1, y: -2 }"#)?;
//! assert_eq!(v.to_string(), "point { x: 1, y: -2 }");
//! assert_eq!(Value::parse("[1u8, 2u8]")?.value_type().to_string(), "list<u8>");
//! assert_eq!("some(\"a\")".parse::<Value>()?.to_string(), "some(\"a\")");
//! let err = Value::parse("[1, \"a\"]").unwrap_err();
//! assert_eq!(err.to_string(), "at byte 4: list items differ in type: s32, then string");
//! # Ok::<(), packr_runtime::abi::ValueTextError>(())
//! ```

use super::{Value, ValueType};
use std::fmt;
use std::str::FromStr;

/// Value text that does not parse, or does not fit its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueTextError {
    /// The byte offset in the text where the problem is.
    pub at: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ValueTextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at byte {}: {}", self.at, self.message)
    }
}

impl std::error::Error for ValueTextError {}

pub(crate) fn error(at: usize, message: impl Into<String>) -> ValueTextError {
    ValueTextError {
        at,
        message: message.into(),
    }
}

/// How deep value text may nest (the parser recurses).
const MAX_DEPTH: usize = 128;

/// A parsed value before it is given types.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    /// Where it starts in the text.
    pub(crate) at: usize,
    pub(crate) text: Text,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Text {
    /// A number as written (sign included), with its type suffix.
    Number {
        digits: String,
        suffix: Option<String>,
    },
    Str(String),
    Char(char),
    /// `true`, `none`, `ok`, `nan`, `-inf`, a case name...
    Word(String),
    /// `name(args)`: `some(x)`, `ok(x)`, `flags(0b1)`, a case with payload.
    Call(String, Vec<Node>),
    List(Vec<Node>),
    Tuple(Vec<Node>),
    /// `name { field: value }` or `{ field: value }`.
    Record(Option<String>, Vec<(String, Node)>),
}

/// Parses `text` into one value tree (surrounding whitespace allowed).
pub(crate) fn parse_tree(text: &str) -> Result<Node, ValueTextError> {
    let mut p = Parser {
        s: text.as_bytes(),
        text,
        at: 0,
        depth: 0,
    };
    let node = p.value()?;
    p.skip_ws();
    if p.at < p.s.len() {
        return Err(error(p.at, "unexpected text after the value"));
    }
    Ok(node)
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    at: usize,
    depth: usize,
}

const SUFFIXES: [&str; 10] = [
    "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "f32", "f64",
];

impl Parser<'_> {
    fn skip_ws(&mut self) {
        while self.s.get(self.at).is_some_and(u8::is_ascii_whitespace) {
            self.at += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        self.skip_ws();
        if self.peek() == Some(b) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, b: u8) -> Result<(), ValueTextError> {
        if self.eat(b) {
            Ok(())
        } else {
            Err(error(self.at, format!("expected `{}`", b as char)))
        }
    }

    fn value(&mut self) -> Result<Node, ValueTextError> {
        self.skip_ws();
        let at = self.at;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(error(at, format!("values nest deeper than {MAX_DEPTH}")));
        }
        let text = match self.peek() {
            None => return Err(error(at, "expected a value")),
            Some(b'"') => Text::Str(self.string()?),
            Some(b'\'') => Text::Char(self.char()?),
            Some(b'[') => {
                self.at += 1;
                Text::List(self.items(b']')?)
            }
            Some(b'(') => {
                self.at += 1;
                Text::Tuple(self.items(b')')?)
            }
            Some(b'{') => {
                self.at += 1;
                Text::Record(None, self.fields()?)
            }
            Some(b'-') if self.s.get(at + 1..at + 4) == Some(b"inf") => {
                self.at += 4;
                Text::Word("-inf".into())
            }
            Some(b) if b == b'-' || b == b'+' || b.is_ascii_digit() => self.number()?,
            Some(b) if b == b'%' || b.is_ascii_alphabetic() => {
                let word = self.word();
                self.skip_ws();
                match self.peek() {
                    Some(b'(') => {
                        self.at += 1;
                        Text::Call(word, self.items(b')')?)
                    }
                    Some(b'{') => {
                        self.at += 1;
                        Text::Record(Some(word), self.fields()?)
                    }
                    _ => Text::Word(word),
                }
            }
            Some(_) => {
                let c = self.text[at..].chars().next().unwrap_or('?');
                return Err(error(at, format!("unexpected `{c}`")));
            }
        };
        self.depth -= 1;
        Ok(Node { at, text })
    }

    /// A WIT identifier (kebab-case; a leading `%` is dropped).
    fn word(&mut self) -> String {
        if self.peek() == Some(b'%') {
            self.at += 1;
        }
        let start = self.at;
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            self.at += 1;
        }
        self.text[start..self.at].to_string()
    }

    fn number(&mut self) -> Result<Text, ValueTextError> {
        let start = self.at;
        if matches!(self.peek(), Some(b'-' | b'+')) {
            self.at += 1;
        }
        while self.peek().is_some_and(|b| {
            b.is_ascii_alphanumeric()
                || b == b'.'
                || b == b'_'
                || (matches!(b, b'-' | b'+') && matches!(self.s[self.at - 1], b'e' | b'E'))
        }) {
            self.at += 1;
        }
        let raw = &self.text[start..self.at];
        let hex = raw.trim_start_matches(['-', '+']).starts_with("0x");
        let (digits, suffix) = match SUFFIXES
            .iter()
            .find(|s| raw.ends_with(*s) && !(hex && s.starts_with('f')))
        {
            Some(s) => (&raw[..raw.len() - s.len()], Some(s.to_string())),
            None => (raw, None),
        };
        if digits.trim_start_matches(['-', '+']).is_empty() {
            return Err(error(start, format!("`{raw}` is not a number")));
        }
        Ok(Text::Number {
            digits: digits.replace('_', ""),
            suffix,
        })
    }

    fn items(&mut self, close: u8) -> Result<Vec<Node>, ValueTextError> {
        let mut items = Vec::new();
        loop {
            if self.eat(close) {
                return Ok(items);
            }
            items.push(self.value()?);
            if !self.eat(b',') {
                self.expect(close)?;
                return Ok(items);
            }
        }
    }

    fn fields(&mut self) -> Result<Vec<(String, Node)>, ValueTextError> {
        let mut fields = Vec::new();
        loop {
            if self.eat(b'}') {
                return Ok(fields);
            }
            self.skip_ws();
            let at = self.at;
            let name = self.word();
            if name.is_empty() {
                return Err(error(at, "expected a field name"));
            }
            self.expect(b':')?;
            fields.push((name, self.value()?));
            if !self.eat(b',') {
                self.expect(b'}')?;
                return Ok(fields);
            }
        }
    }

    fn string(&mut self) -> Result<String, ValueTextError> {
        let start = self.at;
        self.at += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.text[self.at..].chars().next() else {
                return Err(error(start, "unterminated string"));
            };
            self.at += c.len_utf8();
            match c {
                '"' => return Ok(out),
                '\\' => out.push(self.escape()?),
                c => out.push(c),
            }
        }
    }

    fn char(&mut self) -> Result<char, ValueTextError> {
        let start = self.at;
        self.at += 1;
        let c = match self.text[self.at..].chars().next() {
            None => return Err(error(start, "unterminated char")),
            Some('\\') => {
                self.at += 1;
                self.escape()?
            }
            Some(c) => {
                self.at += c.len_utf8();
                c
            }
        };
        if self.peek() != Some(b'\'') {
            return Err(error(start, "a char holds exactly one character"));
        }
        self.at += 1;
        Ok(c)
    }

    /// The escapes Rust's `Debug` writes: `\n \r \t \0 \\ \" \'` and `\u{..}`.
    fn escape(&mut self) -> Result<char, ValueTextError> {
        let at = self.at - 1;
        let c = self
            .peek()
            .ok_or_else(|| error(at, "unterminated escape"))?;
        self.at += 1;
        Ok(match c {
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'0' => '\0',
            b'\\' => '\\',
            b'"' => '"',
            b'\'' => '\'',
            b'u' => {
                self.expect(b'{')?;
                let start = self.at;
                while self.peek().is_some_and(|b| b.is_ascii_hexdigit()) {
                    self.at += 1;
                }
                let code = u32::from_str_radix(&self.text[start..self.at], 16)
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or_else(|| error(at, "invalid \\u{...} escape"))?;
                self.expect(b'}')?;
                code
            }
            _ => return Err(error(at, format!("unknown escape `\\{}`", c as char))),
        })
    }
}

/// Reads an integer written in decimal, `0x` hex or `0b` binary.
pub(crate) fn integer(digits: &str) -> Option<i128> {
    let (neg, body) = match digits.as_bytes().first() {
        Some(b'-') => (true, &digits[1..]),
        Some(b'+') => (false, &digits[1..]),
        _ => (false, digits),
    };
    let magnitude = if let Some(hex) = body.strip_prefix("0x") {
        i128::from_str_radix(hex, 16).ok()?
    } else if let Some(bin) = body.strip_prefix("0b") {
        i128::from_str_radix(bin, 2).ok()?
    } else if body.bytes().all(|b| b.is_ascii_digit()) {
        body.parse().ok()?
    } else {
        return None;
    };
    Some(if neg { -magnitude } else { magnitude })
}

/// A number node as the primitive type `ty` (one of the integer and float
/// types); `None` for other types.
pub(crate) fn number_as(
    at: usize,
    digits: &str,
    suffix: Option<&str>,
    ty: &ValueType,
) -> Option<Result<Value, ValueTextError>> {
    let name = ty.to_string();
    if !SUFFIXES.contains(&name.as_str()) {
        return None;
    }
    if let Some(s) = suffix
        && s != name
    {
        return Some(Err(error(at, format!("a {s} where a {name} is expected"))));
    }
    let out_of_range = || error(at, format!("`{digits}` is not a {name}"));
    let int = || integer(digits).ok_or_else(out_of_range);
    macro_rules! int_as {
        ($t:ty, $v:ident) => {
            int().and_then(|n| <$t>::try_from(n).map(Value::$v).map_err(|_| out_of_range()))
        };
    }
    Some(match ty {
        ValueType::U8 => int_as!(u8, U8),
        ValueType::U16 => int_as!(u16, U16),
        ValueType::U32 => int_as!(u32, U32),
        ValueType::U64 => int_as!(u64, U64),
        ValueType::S8 => int_as!(i8, S8),
        ValueType::S16 => int_as!(i16, S16),
        ValueType::S32 => int_as!(i32, S32),
        ValueType::S64 => int_as!(i64, S64),
        ValueType::F32 => float(digits)
            .map(|f| Value::F32(f as f32))
            .ok_or_else(out_of_range),
        _ => float(digits).map(Value::F64).ok_or_else(out_of_range),
    })
}

/// A float as written, or `nan`/`inf`/`-inf`.
pub(crate) fn float(digits: &str) -> Option<f64> {
    match digits {
        "nan" => Some(f64::NAN),
        "inf" => Some(f64::INFINITY),
        "-inf" => Some(f64::NEG_INFINITY),
        _ if digits.contains("0x") || digits.contains("0b") => integer(digits).map(|n| n as f64),
        _ => digits.parse().ok(),
    }
}

/// A tree as a value with the types the text alone implies.
pub(crate) fn untyped(node: &Node) -> Result<Value, ValueTextError> {
    let at = node.at;
    Ok(match &node.text {
        Text::Number { digits, suffix } => {
            let ty = match suffix.as_deref() {
                Some(s) => suffix_type(s),
                None if digits.contains(['.', 'e', 'E']) && !digits.contains("0x") => {
                    ValueType::F64
                }
                None => match integer(digits) {
                    Some(n) if i32::try_from(n).is_ok() => ValueType::S32,
                    Some(n) if i64::try_from(n).is_ok() => ValueType::S64,
                    _ => ValueType::U64,
                },
            };
            number_as(at, digits, suffix.as_deref(), &ty)
                .unwrap_or_else(|| Err(error(at, format!("`{digits}` is not a number"))))?
        }
        Text::Str(s) => Value::String(s.clone()),
        Text::Char(c) => Value::Char(*c),
        Text::Word(w) => match w.as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "none" => Value::Option {
                inner_type: ValueType::UNIT,
                value: None,
            },
            "ok" | "err" => result(w == "ok", Value::UNIT, ValueType::UNIT),
            "nan" | "inf" | "-inf" => Value::F64(float(w).unwrap_or_default()),
            _ => return Err(needs_type(at, w)),
        },
        Text::Call(name, args) => {
            let one = || match &args[..] {
                [arg] => untyped(arg),
                _ => Err(error(at, format!("`{name}(...)` takes one value"))),
            };
            match name.as_str() {
                "some" => {
                    let v = one()?;
                    Value::Option {
                        inner_type: v.value_type(),
                        value: Some(Box::new(v)),
                    }
                }
                "ok" | "err" => result(name == "ok", one()?, ValueType::UNIT),
                "flags" => match one()? {
                    Value::S32(n) if n >= 0 => Value::Flags(n as u64),
                    Value::S64(n) if n >= 0 => Value::Flags(n as u64),
                    Value::U64(n) => Value::Flags(n),
                    _ => return Err(error(at, "`flags(...)` takes a bit mask like 0b101")),
                },
                _ => return Err(needs_type(at, name)),
            }
        }
        Text::List(items) => {
            let values = items.iter().map(untyped).collect::<Result<Vec<_>, _>>()?;
            let elem_type = values.first().map_or(ValueType::UNIT, Value::value_type);
            if let Some((i, v)) = values
                .iter()
                .enumerate()
                .find(|(_, v)| v.value_type() != elem_type)
            {
                return Err(error(
                    items[i].at,
                    format!(
                        "list items differ in type: {elem_type}, then {}",
                        v.value_type()
                    ),
                ));
            }
            Value::List {
                elem_type,
                items: values,
            }
        }
        Text::Tuple(items) => Value::Tuple(items.iter().map(untyped).collect::<Result<_, _>>()?),
        Text::Record(name, fields) => Value::Record {
            type_name: name.as_deref().unwrap_or("").into(),
            fields: fields
                .iter()
                .map(|(n, v)| Ok((n.as_str().into(), untyped(v)?)))
                .collect::<Result<_, ValueTextError>>()?,
        },
    })
}

fn suffix_type(s: &str) -> ValueType {
    match s {
        "u8" => ValueType::U8,
        "u16" => ValueType::U16,
        "u32" => ValueType::U32,
        "u64" => ValueType::U64,
        "s8" => ValueType::S8,
        "s16" => ValueType::S16,
        "s32" => ValueType::S32,
        "s64" => ValueType::S64,
        "f32" => ValueType::F32,
        _ => ValueType::F64,
    }
}

fn result(ok: bool, v: Value, other: ValueType) -> Value {
    let (ok_type, err_type) = if ok {
        (v.value_type(), other)
    } else {
        (other, v.value_type())
    };
    Value::Result {
        ok_type,
        err_type,
        value: if ok {
            Ok(Box::new(v))
        } else {
            Err(Box::new(v))
        },
    }
}

fn needs_type(at: usize, word: &str) -> ValueTextError {
    error(
        at,
        format!("`{word}` reads as a variant or enum case, which needs a WIT+ type to be read"),
    )
}

impl Value {
    /// Reads value text with the types the text alone implies (see the
    /// [module documentation](self) for the rules and for typed reading).
    pub fn parse(text: &str) -> Result<Value, ValueTextError> {
        untyped(&parse_tree(text)?)
    }
}

impl FromStr for Value {
    type Err = ValueTextError;

    /// [`Value::parse`].
    fn from_str(s: &str) -> Result<Value, ValueTextError> {
        Value::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_display_writes_reads_back() {
        let values = [
            Value::S32(-7),
            Value::S64(-5_000_000_000),
            Value::U64(u64::MAX),
            Value::F64(2.5),
            Value::F64(f64::INFINITY),
            Value::Bool(false),
            Value::Char('\''),
            Value::String("tab\there \"quoted\" \u{1} é".into()),
            Value::Tuple(vec![]),
            Value::Tuple(vec![Value::S32(1), "a".into()]),
            Value::List {
                elem_type: ValueType::String,
                items: vec!["a".into(), "b".into()],
            },
            Value::Record {
                type_name: "point".into(),
                fields: vec![("x".into(), Value::S32(1)), ("y".into(), Value::S32(-2))],
            },
            Value::Option {
                inner_type: ValueType::String,
                value: Some(Box::new("a".into())),
            },
            Value::Result {
                ok_type: ValueType::S32,
                err_type: ValueType::UNIT,
                value: Ok(Box::new(Value::S32(3))),
            },
            Value::Flags(0b101),
        ];
        for v in values {
            let text = v.to_string();
            assert_eq!(Value::parse(&text), Ok(v), "{text}");
        }
    }

    #[test]
    fn suffixes_radixes_and_anonymous_records() {
        assert_eq!(Value::parse("7u8"), Ok(Value::U8(7)));
        assert_eq!(Value::parse("-0x10s16"), Ok(Value::S16(-16)));
        assert_eq!(Value::parse("1.5f32"), Ok(Value::F32(1.5)));
        assert_eq!(Value::parse("1_000"), Ok(Value::S32(1000)));
        assert_eq!(Value::parse("1e3"), Ok(Value::F64(1000.0)));
        assert_eq!(
            Value::parse("{x: 1, y: -2}").unwrap().to_string(),
            " { x: 1, y: -2 }"
        );
        assert_eq!(
            Value::parse(" [ ] ").unwrap().value_type().to_string(),
            "list<tuple<>>"
        );
    }

    #[test]
    fn mistakes_say_where_and_what() {
        let cases = [
            ("", 0, "expected a value"),
            ("[1, 2", 5, "expected `]`"),
            ("300u8", 0, "`300` is not a u8"),
            ("\"abc", 0, "unterminated string"),
            ("'ab'", 0, "a char holds exactly one character"),
            ("circle(1.0)", 0, "needs a WIT+ type"),
            ("1 2", 2, "unexpected text after the value"),
            ("{x 1}", 3, "expected `:`"),
            ("\"\\q\"", 1, "unknown escape"),
            ("@", 0, "unexpected `@`"),
        ];
        for (text, at, message) in cases {
            let err = Value::parse(text).unwrap_err();
            assert_eq!(err.at, at, "{text}: {err}");
            assert!(err.message.contains(message), "{text}: {err}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let text = "[".repeat(100_000);
        let err = Value::parse(&text).unwrap_err();
        assert!(err.message.contains("nest deeper"), "{err}");
    }
}
