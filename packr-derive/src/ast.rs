//! The checked model of a derive input: wire names and tags resolved, every
//! misuse reported against the token the user wrote.

use crate::attr::{self, Errors, Place};
use crate::case::RenameRule;
use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::{Data, DeriveInput, Fields, Generics, Ident, Index, Member, Path, Type};

/// A derive input, ready for code generation.
pub struct Input<'a> {
    pub ident: &'a Ident,
    pub generics: &'a Generics,
    /// Path of the crate holding the `abi` module.
    pub krate: Path,
    pub body: Body<'a>,
}

pub enum Body<'a> {
    /// A struct with named fields: a record.
    Record {
        type_name: String,
        fields: Vec<Field<'a>>,
    },
    /// A tuple struct (a tuple) or a unit struct (the empty tuple).
    Tuple(Vec<Field<'a>>),
    /// An enum: a variant.
    Enum {
        type_name: String,
        variants: Vec<Variant<'a>>,
    },
    /// A union, which was rejected.
    Union,
}

pub struct Field<'a> {
    /// How to reach the field: `x` or `0`.
    pub member: Member,
    pub ty: &'a Type,
    /// The wire name (named fields only; empty for tuple fields).
    pub wire: String,
    pub default: bool,
}

pub struct Variant<'a> {
    pub ident: &'a Ident,
    pub wire: String,
    pub tag: u32,
    pub shape: Shape<'a>,
}

pub enum Shape<'a> {
    Unit,
    Tuple(Vec<Field<'a>>),
    /// A struct variant: one payload child, a record named like the case.
    Record(Vec<Field<'a>>),
}

impl<'a> Input<'a> {
    /// Builds the model, pushing every problem found to `errors`.
    pub fn from_syn(input: &'a DeriveInput, errors: &mut Errors) -> Self {
        let place = match input.data {
            Data::Struct(_) => Place::Struct,
            Data::Enum(_) => Place::Enum,
            Data::Union(_) => Place::Union,
        };
        let attrs = attr::parse(&input.attrs, place, errors);
        let krate = attrs
            .krate
            .clone()
            .unwrap_or_else(|| syn::parse_quote!(::packr));
        let rust_name = input.ident.unraw().to_string();
        let body = match &input.data {
            Data::Struct(data) => match &data.fields {
                Fields::Named(_) => Body::Record {
                    type_name: attrs.rename.as_ref().map_or(rust_name, |l| l.value()),
                    fields: fields(&data.fields, attrs.rename_all.as_ref(), errors),
                },
                Fields::Unnamed(_) | Fields::Unit => {
                    let what = if matches!(data.fields, Fields::Unit) {
                        "a unit struct travels as the empty tuple"
                    } else {
                        "a tuple struct travels as a tuple"
                    };
                    if let Some(lit) = &attrs.rename {
                        errors.spanned(
                            lit,
                            format!("{what}, which carries no type name; remove `rename`"),
                        );
                    }
                    if let Some((_, lit)) = &attrs.rename_all {
                        errors.spanned(
                            lit,
                            format!("{what} and has no named fields; remove `rename_all`"),
                        );
                    }
                    Body::Tuple(fields(&data.fields, None, errors))
                }
            },
            Data::Enum(data) => {
                let rule = attrs.rename_all.as_ref().map(|(rule, _)| *rule);
                let mut variants = Vec::with_capacity(data.variants.len());
                let mut tag_lits = Vec::with_capacity(data.variants.len());
                for (index, v) in data.variants.iter().enumerate() {
                    let vattrs = attr::parse(&v.attrs, Place::Variant, errors);
                    let wire = match (&vattrs.rename, rule) {
                        (Some(lit), _) => lit.value(),
                        (None, Some(rule)) => rule.apply_to_variant(&v.ident.unraw().to_string()),
                        (None, None) => v.ident.unraw().to_string(),
                    };
                    let shape = match &v.fields {
                        Fields::Unit => Shape::Unit,
                        Fields::Unnamed(_) => Shape::Tuple(fields(&v.fields, None, errors)),
                        Fields::Named(_) => {
                            Shape::Record(fields(&v.fields, vattrs.rename_all.as_ref(), errors))
                        }
                    };
                    if let (Some((_, lit)), false) =
                        (&vattrs.rename_all, matches!(shape, Shape::Record(_)))
                    {
                        errors.spanned(
                            lit,
                            format!(
                                "`rename_all` on a variant renames the fields of a struct \
                                 variant, and `{}` has no named fields; remove it",
                                v.ident
                            ),
                        );
                    }
                    let tag = vattrs.tag.as_ref().map_or(index as u32, |(tag, _)| *tag);
                    variants.push(Variant {
                        ident: &v.ident,
                        wire,
                        tag,
                        shape,
                    });
                    tag_lits.push(vattrs.tag.map(|(_, lit)| lit));
                    check_tag(&variants, &tag_lits, errors);
                    check_unique(
                        errors,
                        "variant",
                        variants.iter().map(|v| (v.ident, v.wire.as_str())),
                        match &vattrs.rename {
                            Some(lit) => lit.span(),
                            None => v.ident.span(),
                        },
                    );
                }
                Body::Enum {
                    type_name: attrs.rename.as_ref().map_or(rust_name, |l| l.value()),
                    variants,
                }
            }
            Data::Union(data) => {
                errors.spanned(
                    data.union_token,
                    "`GraphValue` cannot be derived for a union: the wire format cannot tell \
                     which field is live; use an enum instead",
                );
                Body::Union
            }
        };
        Input {
            ident: &input.ident,
            generics: &input.generics,
            krate,
            body,
        }
    }
}

fn fields<'a>(
    fields: &'a Fields,
    rename_all: Option<&(RenameRule, syn::LitStr)>,
    errors: &mut Errors,
) -> Vec<Field<'a>> {
    let mut out: Vec<Field<'a>> = Vec::with_capacity(fields.len());
    let mut idents = Vec::with_capacity(fields.len());
    for (i, f) in fields.iter().enumerate() {
        let place = if f.ident.is_some() {
            Place::NamedField
        } else {
            Place::TupleField
        };
        let fattrs = attr::parse(&f.attrs, place, errors);
        let (member, wire) = match &f.ident {
            Some(ident) => {
                let rust = ident.unraw().to_string();
                let wire = match (&fattrs.rename, rename_all) {
                    (Some(lit), _) => lit.value(),
                    (None, Some((rule, _))) => rule.apply_to_field(&rust),
                    (None, None) => rust,
                };
                (Member::Named(ident.clone()), wire)
            }
            None => (Member::Unnamed(Index::from(i)), String::new()),
        };
        out.push(Field {
            member,
            ty: &f.ty,
            wire,
            default: fattrs.default.is_some(),
        });
        if let Some(ident) = &f.ident {
            idents.push(ident);
            let span = match &fattrs.rename {
                Some(lit) => lit.span(),
                None => ident.span(),
            };
            check_unique(
                errors,
                "field",
                idents
                    .iter()
                    .copied()
                    .zip(out.iter().map(|f| f.wire.as_str())),
                span,
            );
        }
    }
    out
}

/// Checks that the last of `items` does not reuse an earlier one's wire name.
fn check_unique<'x>(
    errors: &mut Errors,
    what: &str,
    items: impl ExactSizeIterator<Item = (&'x Ident, &'x str)> + Clone,
    span: Span,
) {
    let earlier = items.len().saturating_sub(1);
    let Some((ident, wire)) = items.clone().nth(earlier) else {
        return;
    };
    if let Some((other, _)) = items.take(earlier).find(|(_, w)| *w == wire) {
        errors.push(syn::Error::new(
            span,
            format!(
                "{what} `{ident}` travels as \"{wire}\", which {what} `{other}` already uses; \
                 give one of them a distinct `#[graph(rename = \"...\")]`"
            ),
        ));
    }
}

/// Checks that the last variant's tag is not taken by an earlier one.
fn check_tag(variants: &[Variant<'_>], lits: &[Option<syn::LitInt>], errors: &mut Errors) {
    let i = variants.len() - 1;
    let v = &variants[i];
    let tag = v.tag;
    let Some(first) = variants[..i].iter().position(|w| w.tag == tag) else {
        return;
    };
    let other = variants[first].ident;
    match (&lits[i], &lits[first]) {
        (Some(lit), Some(_)) => errors.spanned(
            lit,
            format!(
                "tag {tag} is already used by variant `{other}`; give each variant its own tag"
            ),
        ),
        (Some(lit), None) => errors.spanned(
            lit,
            format!(
                "tag {tag} is already used by variant `{other}`, whose tag is its position \
                 ({first}); pick an unused tag, or give `{other}` an explicit \
                 `#[graph(tag = N)]` too"
            ),
        ),
        (None, Some(lit)) => errors.spanned(
            lit,
            format!(
                "tag {tag} collides with variant `{}`, whose tag is its position ({i}); \
                 pick an unused tag, or give `{}` an explicit `#[graph(tag = N)]` too",
                v.ident, v.ident
            ),
        ),
        // Implicit tags are distinct positions.
        (None, None) => {}
    }
}
