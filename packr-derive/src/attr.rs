//! Parsing `#[graph(...)]` attributes.
//!
//! Every attribute is parsed in the context of the item it sits on, so a
//! key that exists but is misplaced gets an error that says where it
//! belongs, spanned at the key the user wrote.

use crate::case::RenameRule;
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::{Attribute, Error, LitInt, LitStr, Meta, Path, Token};

/// Errors collected across the whole input and emitted together.
#[derive(Default)]
pub struct Errors(Option<Error>);

impl Errors {
    /// Adds an error.
    pub fn push(&mut self, error: Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    /// Adds an error spanned at `tokens`.
    pub fn spanned(&mut self, tokens: impl ToTokens, message: impl std::fmt::Display) {
        self.push(Error::new_spanned(tokens, message));
    }

    /// The combined error, if any was pushed.
    pub fn finish(self) -> Option<Error> {
        self.0
    }
}

/// The kind of item an attribute sits on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Struct,
    Enum,
    Union,
    Variant,
    NamedField,
    TupleField,
}

impl Place {
    fn keys(self) -> &'static str {
        match self {
            Place::Struct | Place::Enum | Place::Union => "`rename`, `rename_all` or `crate`",
            Place::Variant => "`rename`, `tag` or `rename_all`",
            Place::NamedField => "`rename` or `default`",
            Place::TupleField => "nothing: tuple fields take no `graph` attributes",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Place::Struct => "a struct",
            Place::Enum => "an enum",
            Place::Union => "a union",
            Place::Variant => "an enum variant",
            Place::NamedField => "a field",
            Place::TupleField => "a tuple field",
        }
    }

    fn is_container(self) -> bool {
        matches!(self, Place::Struct | Place::Enum | Place::Union)
    }

    fn is_field(self) -> bool {
        matches!(self, Place::NamedField | Place::TupleField)
    }
}

/// The `graph` attributes of one item.
#[derive(Default)]
pub struct Attrs {
    /// `rename = "..."`.
    pub rename: Option<LitStr>,
    /// `rename_all = "..."`, with the literal for error spans.
    pub rename_all: Option<(RenameRule, LitStr)>,
    /// `tag = N`, with the literal for error spans.
    pub tag: Option<(u32, LitInt)>,
    /// `default`, the key itself for error spans.
    pub default: Option<Path>,
    /// `crate = "path"`.
    pub krate: Option<Path>,
}

/// Parses the `graph` attributes among `attrs`, pushing problems to `errors`.
pub fn parse(attrs: &[Attribute], place: Place, errors: &mut Errors) -> Attrs {
    let mut out = Attrs::default();
    for attr in attrs {
        if !attr.path().is_ident("graph") {
            continue;
        }
        if !matches!(attr.meta, Meta::List(_)) {
            errors.spanned(
                attr,
                "expected a list of options: `#[graph(rename = \"...\")]`",
            );
            continue;
        }
        if let Err(err) = attr.parse_nested_meta(|meta| parse_key(&meta, place, &mut out)) {
            errors.push(err);
        }
    }
    out
}

fn parse_key(meta: &ParseNestedMeta<'_>, place: Place, out: &mut Attrs) -> syn::Result<()> {
    let key = meta.path.get_ident().map(ToString::to_string);
    let path = &meta.path;
    match key.as_deref() {
        Some("rename") => {
            if place == Place::TupleField {
                return Err(Error::new_spanned(
                    path,
                    "`rename` does not apply to a tuple field: tuple fields travel by position \
                     and carry no name; remove it, or use a struct with named fields",
                ));
            }
            let lit: LitStr = meta.value()?.parse()?;
            set_once(&mut out.rename, lit, path, place)
        }
        Some("rename_all") => {
            if place.is_field() {
                return Err(Error::new_spanned(
                    path,
                    "`rename_all` belongs on the struct or enum (or a struct variant); \
                     to rename one field write `rename = \"...\"`",
                ));
            }
            let lit: LitStr = meta.value()?.parse()?;
            let Some(rule) = RenameRule::parse(&lit.value()) else {
                return Err(Error::new_spanned(
                    &lit,
                    format!(
                        "unknown rename rule {:?}; expected one of {}",
                        lit.value(),
                        RenameRule::expected()
                    ),
                ));
            };
            set_once(&mut out.rename_all, (rule, lit), path, place)
        }
        Some("tag") => {
            match place {
                Place::Variant => {}
                Place::Enum => {
                    return Err(Error::new_spanned(
                        path,
                        "`tag` goes on each variant, not on the enum: write \
                         `#[graph(tag = N)]` above the variant",
                    ));
                }
                Place::Struct | Place::Union => {
                    return Err(Error::new_spanned(
                        path,
                        "`tag` sets the wire tag of an enum variant and does not apply to a \
                         struct; remove it",
                    ));
                }
                Place::NamedField | Place::TupleField => {
                    return Err(Error::new_spanned(
                        path,
                        "`tag` goes on an enum variant, not on a field; remove it",
                    ));
                }
            }
            let lit: LitInt = meta.value()?.parse()?;
            let tag = lit.base10_parse::<u32>().map_err(|_| {
                Error::new_spanned(&lit, "a variant tag must be an integer from 0 to u32::MAX")
            })?;
            set_once(&mut out.tag, (tag, lit), path, place)
        }
        Some("default") => {
            match place {
                Place::NamedField => {}
                Place::Variant => {
                    return Err(Error::new_spanned(
                        path,
                        "`default` does not apply to an enum variant: it marks a named field \
                         that may be missing on the wire (`#[graph(default)] field: T`); \
                         remove it",
                    ));
                }
                Place::TupleField => {
                    return Err(Error::new_spanned(
                        path,
                        "`default` does not apply to a tuple field: tuple fields travel by \
                         position and are never missing; use named fields instead",
                    ));
                }
                Place::Struct | Place::Enum | Place::Union => {
                    return Err(Error::new_spanned(
                        path,
                        "`default` goes on a named field, not on the whole type: \
                         `#[graph(default)] field: T`",
                    ));
                }
            }
            if meta.input.peek(Token![=]) {
                return Err(meta.error("`default` takes no value: write `#[graph(default)]`"));
            }
            set_once(&mut out.default, path.clone(), path, place)
        }
        Some("crate") => {
            if !place.is_container() {
                return Err(Error::new_spanned(
                    path,
                    "`crate` goes on the struct or enum being derived, not on a variant or field",
                ));
            }
            let lit: LitStr = meta.value()?.parse()?;
            let krate: Path = lit.parse().map_err(|_| {
                Error::new_spanned(
                    &lit,
                    "expected the path of a crate that has an `abi` module, such as \"::packr\"",
                )
            })?;
            set_once(&mut out.krate, krate, path, place)
        }
        _ => Err(Error::new_spanned(
            path,
            format!(
                "unknown attribute `{}` on {}; `graph` accepts {} here",
                path.to_token_stream().to_string().replace(' ', ""),
                place.name(),
                place.keys()
            ),
        )),
    }
}

fn set_once<T>(slot: &mut Option<T>, value: T, path: &Path, place: Place) -> syn::Result<()> {
    if slot.is_some() {
        let key = path.to_token_stream().to_string();
        return Err(Error::new_spanned(
            path,
            format!("`{key}` is given twice on {}; keep only one", place.name()),
        ));
    }
    *slot = Some(value);
    Ok(())
}
