//! Value text read as a WIT+ type: the typed side of
//! [`abi::value_text`](crate::abi::value_text).

use super::{Package, Type, TypeDefKind};
use crate::abi::value_text::{self, Node, Text, ValueTextError, error, number_as, untyped};
use crate::abi::{Value, ValueType};

impl Package {
    /// Reads value text as type `ty` of this package: integers are
    /// range-checked for their type, records take their declared fields by
    /// name (in any order; the value keeps the declared order), variant
    /// and enum cases get their tag, flags are `flags(0b101)` or a list of
    /// flag names. The value is what the typed decoders of the type accept.
    ///
    /// ```
    /// use packr_runtime::wit::{Package, Type, TypeRef};
    /// let pkg = Package::parse("p.wit+", "package a:b;
    ///     interface shapes {
    ///         record point { x: s32, y: s32 }
    ///         variant shape { dot(point), empty }
    ///     }")?;
    /// let shape = Type::Named(TypeRef::new("a:b/shapes", "shape"));
    /// let v = pkg.parse_value("dot({y: -2, x: 1})", &shape)?;
    /// assert_eq!(v.to_string(), "dot(point { x: 1, y: -2 })");
    /// let err = pkg.parse_value("[300]", &Type::List(Box::new(Type::U8))).unwrap_err();
    /// assert_eq!(err.to_string(), "at byte 1: `300` is not a u8");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn parse_value(&self, text: &str, ty: &Type) -> Result<Value, ValueTextError> {
        self.typed(&value_text::parse_tree(text)?, ty)
    }

    /// The wire type of a WIT+ type (`None` for the dynamic `value` type,
    /// whose wire type is that of each value).
    pub fn value_type(&self, ty: &Type) -> Option<ValueType> {
        Some(match ty {
            Type::Bool => ValueType::Bool,
            Type::U8 => ValueType::U8,
            Type::U16 => ValueType::U16,
            Type::U32 => ValueType::U32,
            Type::U64 => ValueType::U64,
            Type::S8 => ValueType::S8,
            Type::S16 => ValueType::S16,
            Type::S32 => ValueType::S32,
            Type::S64 => ValueType::S64,
            Type::F32 => ValueType::F32,
            Type::F64 => ValueType::F64,
            Type::Char => ValueType::Char,
            Type::String => ValueType::String,
            Type::Value => return None,
            Type::List(t) => ValueType::List(Box::new(self.value_type(t)?)),
            Type::Option(t) => ValueType::Option(Box::new(self.value_type(t)?)),
            Type::Result { ok, err } => ValueType::Result {
                ok: Box::new(self.opt_value_type(ok.as_deref())?),
                err: Box::new(self.opt_value_type(err.as_deref())?),
            },
            Type::Tuple(ts) => ValueType::Tuple(
                ts.iter()
                    .map(|t| self.value_type(t))
                    .collect::<Option<_>>()?,
            ),
            Type::Map(k, v) => ValueType::Map {
                key: Box::new(self.value_type(k)?),
                value: Box::new(self.value_type(v)?),
            },
            Type::Set(t) => ValueType::Set(Box::new(self.value_type(t)?)),
            // A handle travels as a u32 node.
            Type::Own(_) | Type::Borrow(_) => ValueType::U32,
            Type::Named(r) => {
                let def = self.resolve(r)?;
                match &def.kind {
                    TypeDefKind::Record(_) => ValueType::Record(def.name.as_str().into()),
                    TypeDefKind::Variant(_) | TypeDefKind::Enum(_) => {
                        ValueType::Variant(def.name.as_str().into())
                    }
                    TypeDefKind::Flags(_) => ValueType::Flags,
                    TypeDefKind::Alias(t) => return self.value_type(t),
                    TypeDefKind::Resource => ValueType::U32,
                }
            }
        })
    }

    fn opt_value_type(&self, ty: Option<&Type>) -> Option<ValueType> {
        ty.map_or(Some(ValueType::UNIT), |t| self.value_type(t))
    }

    fn wire_type(&self, ty: &Type, v: &Value) -> ValueType {
        self.value_type(ty).unwrap_or_else(|| v.value_type())
    }

    fn typed(&self, node: &Node, ty: &Type) -> Result<Value, ValueTextError> {
        let at = node.at;
        let expected = || error(at, format!("expected {} (a `{ty}`)", what_is_expected(ty)));
        match (ty, &node.text) {
            (Type::Value, _) => untyped(node),
            (Type::Named(r), _) => {
                let def = self
                    .resolve(r)
                    .ok_or_else(|| error(at, format!("the type `{}` is not declared", r.name)))?;
                self.named(node, &def.name, &def.kind)
            }
            (Type::Bool, Text::Word(w)) if w == "true" || w == "false" => {
                Ok(Value::Bool(w == "true"))
            }
            (Type::Char, Text::Char(c)) => Ok(Value::Char(*c)),
            (Type::String, Text::Str(s)) => Ok(Value::String(s.clone())),
            (_, Text::Number { digits, suffix }) => {
                let vt = self.value_type(ty).unwrap_or(ValueType::UNIT);
                number_as(at, digits, suffix.as_deref(), &vt).unwrap_or_else(|| Err(expected()))
            }
            (Type::F32 | Type::F64, Text::Word(w))
                if matches!(w.as_str(), "nan" | "inf" | "-inf") =>
            {
                let vt = self.value_type(ty).unwrap_or(ValueType::F64);
                number_as(at, w, None, &vt).unwrap_or_else(|| Err(expected()))
            }
            (Type::List(t), Text::List(items)) => {
                let items = items
                    .iter()
                    .map(|i| self.typed(i, t))
                    .collect::<Result<Vec<_>, _>>()?;
                let elem_type = match (self.value_type(t), items.first()) {
                    (Some(vt), _) => vt,
                    (None, Some(first)) => first.value_type(),
                    (None, None) => ValueType::UNIT,
                };
                Ok(Value::List { elem_type, items })
            }
            (Type::Option(t), Text::Word(w)) if w == "none" => Ok(Value::Option {
                inner_type: self.value_type(t).unwrap_or(ValueType::UNIT),
                value: None,
            }),
            (Type::Option(t), Text::Call(w, args)) if w == "some" => {
                let v = self.typed(one(node, args)?, t)?;
                Ok(Value::Option {
                    inner_type: self.wire_type(t, &v),
                    value: Some(Box::new(v)),
                })
            }
            (Type::Result { ok, err }, Text::Word(w) | Text::Call(w, _))
                if w == "ok" || w == "err" =>
            {
                let is_ok = w == "ok";
                let (this, other) = if is_ok { (ok, err) } else { (err, ok) };
                let v = match (&node.text, this) {
                    (Text::Word(_), None) => Value::UNIT,
                    (Text::Call(_, args), Some(t)) => self.typed(one(node, args)?, t)?,
                    (Text::Word(_), Some(_)) => {
                        return Err(error(at, format!("`{w}` needs a value: `{w}(...)`")));
                    }
                    _ => {
                        return Err(error(
                            at,
                            format!("this result's `{w}` carries no value: write `{w}`"),
                        ));
                    }
                };
                let this_type = this
                    .as_deref()
                    .map_or(ValueType::UNIT, |t| self.wire_type(t, &v));
                let other_type = self
                    .opt_value_type(other.as_deref())
                    .unwrap_or(ValueType::UNIT);
                let (ok_type, err_type) = if is_ok {
                    (this_type, other_type)
                } else {
                    (other_type, this_type)
                };
                Ok(Value::Result {
                    ok_type,
                    err_type,
                    value: if is_ok {
                        Ok(Box::new(v))
                    } else {
                        Err(Box::new(v))
                    },
                })
            }
            (Type::Tuple(ts), Text::Tuple(items)) => {
                if ts.len() != items.len() {
                    return Err(error(
                        at,
                        format!(
                            "expected a tuple of {} values, found {}",
                            ts.len(),
                            items.len()
                        ),
                    ));
                }
                Ok(Value::Tuple(
                    items
                        .iter()
                        .zip(ts)
                        .map(|(i, t)| self.typed(i, t))
                        .collect::<Result<_, _>>()?,
                ))
            }
            _ => Err(expected()),
        }
    }

    fn named(&self, node: &Node, name: &str, kind: &TypeDefKind) -> Result<Value, ValueTextError> {
        let at = node.at;
        match (kind, &node.text) {
            (TypeDefKind::Alias(t), _) => self.typed(node, t),
            (TypeDefKind::Record(decl), Text::Record(written, fields)) => {
                if let Some(w) = written
                    && w != name
                {
                    return Err(error(at, format!("a `{w}` where a `{name}` is expected")));
                }
                if let Some((f, v)) = fields
                    .iter()
                    .find(|(f, _)| !decl.iter().any(|d| &d.name == f))
                {
                    return Err(error(v.at, format!("`{name}` has no field `{f}`")));
                }
                let mut out = Vec::with_capacity(decl.len());
                for d in decl {
                    let Some((_, v)) = fields.iter().find(|(f, _)| *f == d.name) else {
                        return Err(error(at, format!("`{name}` needs its field `{}`", d.name)));
                    };
                    out.push((d.name.as_str().into(), self.typed(v, &d.ty)?));
                }
                Ok(Value::Record {
                    type_name: name.into(),
                    fields: out,
                })
            }
            (TypeDefKind::Variant(cases), Text::Word(w) | Text::Call(w, _)) => {
                let Some((tag, case)) = cases.iter().enumerate().find(|(_, c)| &c.name == w) else {
                    return Err(unknown_case(
                        at,
                        name,
                        w,
                        cases.iter().map(|c| c.name.as_str()),
                    ));
                };
                let payload = match (&node.text, &case.payload) {
                    (Text::Word(_), None) => Vec::new(),
                    (Text::Call(_, args), Some(t)) => vec![self.typed(one(node, args)?, t)?],
                    (Text::Word(_), Some(_)) => {
                        return Err(error(at, format!("case `{w}` carries a value: `{w}(...)`")));
                    }
                    _ => {
                        return Err(error(
                            at,
                            format!("case `{w}` carries no value: write `{w}`"),
                        ));
                    }
                };
                Ok(variant(name, w, tag, payload))
            }
            (TypeDefKind::Enum(cases), Text::Word(w)) => match cases.iter().position(|c| c == w) {
                Some(tag) => Ok(variant(name, w, tag, Vec::new())),
                None => Err(unknown_case(at, name, w, cases.iter().map(String::as_str))),
            },
            (TypeDefKind::Flags(names), Text::List(items)) => {
                let mut bits = 0u64;
                for item in items {
                    let Text::Word(w) = &item.text else {
                        return Err(error(item.at, format!("expected a flag of `{name}`")));
                    };
                    match names.iter().position(|n| n == w) {
                        Some(i) if i < 64 => bits |= 1 << i,
                        _ => {
                            return Err(unknown_case(
                                item.at,
                                name,
                                w,
                                names.iter().map(String::as_str),
                            ));
                        }
                    }
                }
                Ok(Value::Flags(bits))
            }
            (TypeDefKind::Flags(_), Text::Call(w, _)) if w == "flags" => match untyped(node)? {
                Value::Flags(bits) if names_fit(kind, bits) => Ok(Value::Flags(bits)),
                _ => Err(error(at, format!("`{name}` has no such flags"))),
            },
            _ => Err(error(
                at,
                format!(
                    "expected a `{name}` ({})",
                    match kind {
                        TypeDefKind::Record(_) => "a record like { field: value }",
                        TypeDefKind::Variant(_) => "a case like `name` or `name(value)`",
                        TypeDefKind::Enum(_) => "a case name",
                        _ => "a list of flag names like [a, b]",
                    }
                ),
            )),
        }
    }
}

fn what_is_expected(ty: &Type) -> &'static str {
    match ty {
        Type::Bool => "`true` or `false`",
        Type::Char => "a char like 'x'",
        Type::String => "a string like \"x\"",
        Type::List(_) => "a list like [a, b]",
        Type::Option(_) => "`none` or `some(...)`",
        Type::Result { .. } => "`ok`, `ok(...)`, `err` or `err(...)`",
        Type::Tuple(_) => "a tuple like (a, b)",
        _ => "a number",
    }
}

fn names_fit(kind: &TypeDefKind, bits: u64) -> bool {
    let TypeDefKind::Flags(names) = kind else {
        return false;
    };
    names.len() >= 64 || bits >> names.len() == 0
}

fn one<'n>(node: &Node, args: &'n [Node]) -> Result<&'n Node, ValueTextError> {
    match args {
        [arg] => Ok(arg),
        _ => Err(error(
            node.at,
            format!("expected one value in (...), found {}", args.len()),
        )),
    }
}

fn variant(type_name: &str, case: &str, tag: usize, payload: Vec<Value>) -> Value {
    Value::Variant {
        type_name: type_name.into(),
        case_name: case.into(),
        tag: tag as u32,
        payload,
    }
}

fn unknown_case<'a>(
    at: usize,
    type_name: &str,
    word: &str,
    known: impl Iterator<Item = &'a str>,
) -> ValueTextError {
    let known: Vec<String> = known.map(|k| format!("`{k}`")).collect();
    error(
        at,
        format!(
            "`{type_name}` has no case `{word}` (it has: {})",
            known.join(", ")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi;
    use crate::wit::TypeRef;

    const WIT: &str = "package a:b;
        interface t {
            record point { x: s32, y: s32 }
            variant shape { dot(point), line(list<point>), empty }
            enum color { red, green }
            flags mode { read, write, exec }
            type id = u64;
            record thing { id: id, color: color, mode: mode, tags: option<list<string>>, r: result<u8, string> }
        }";

    fn named(n: &str) -> Type {
        Type::Named(TypeRef::new("a:b/t", n))
    }

    #[test]
    fn typed_text_encodes_to_what_the_type_decodes() {
        let pkg = Package::parse("t.wit+", WIT).unwrap();
        let v = pkg
            .parse_value(
                r#"thing { color: green, id: 7, mode: [read, exec], tags: some(["a"]), r: err("no") }"#,
                &named("thing"),
            )
            .unwrap();
        assert_eq!(
            v.to_string(),
            r#"thing { id: 7, color: green, mode: flags(0b101), tags: some(["a"]), r: err("no") }"#
        );
        let Value::Record { fields, .. } = &v else {
            panic!("{v:?}")
        };
        assert_eq!(fields[0].1, Value::U64(7));
        assert!(matches!(&fields[1].1, Value::Variant { tag: 1, .. }));
        // Through the codec and back, the value is unchanged.
        assert_eq!(abi::decode(&abi::encode(&v).unwrap()).unwrap(), v);

        let line = pkg
            .parse_value("line([{x: 1, y: 2}])", &named("shape"))
            .unwrap();
        assert!(matches!(&line, Value::Variant { tag: 1, payload, .. } if payload.len() == 1));
        assert_eq!(
            pkg.parse_value("empty", &named("shape"))
                .unwrap()
                .to_string(),
            "empty"
        );
        let pair = Type::Tuple(vec![Type::String, Type::S8]);
        assert_eq!(
            pkg.parse_value(r#"("a", -128)"#, &pair)
                .unwrap()
                .to_string(),
            r#"("a", -128)"#
        );
    }

    #[test]
    fn typed_mistakes_name_the_type() {
        let pkg = Package::parse("t.wit+", WIT).unwrap();
        let cases = [
            ("{x: 1}", named("point"), "needs its field `y`"),
            ("{x: 1, y: 2, z: 3}", named("point"), "has no field `z`"),
            (
                "circle",
                named("shape"),
                "has no case `circle` (it has: `dot`, `line`, `empty`)",
            ),
            ("dot", named("shape"), "carries a value"),
            ("blue", named("color"), "has no case `blue`"),
            ("-1", named("id"), "`-1` is not a u64"),
            ("\"a\"", Type::U32, "expected a number"),
            (
                "(1, 2)",
                Type::Tuple(vec![Type::U8]),
                "tuple of 1 values, found 2",
            ),
            ("flags(0b1000)", named("mode"), "no such flags"),
            (
                "some(1)",
                Type::Option(Box::new(Type::String)),
                "expected a string",
            ),
        ];
        for (text, ty, message) in cases {
            let err = pkg.parse_value(text, &ty).unwrap_err();
            assert!(err.message.contains(message), "{text}: {err}");
        }
    }
}
