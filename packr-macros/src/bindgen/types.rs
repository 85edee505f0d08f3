//! Rust types for WIT+ types: the type mapping, type definitions (records,
//! variants, enums, flags), function signatures, and which recursive
//! references need a `Box`.

use super::{Gen, doc_attr, field_ident, module_ident, type_ident};
use packr_runtime::wit::{Function, Interface, Package, Type, TypeDef, TypeDefKind, TypeRef};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use std::collections::{HashMap, HashSet};
use syn::Ident;

impl Gen<'_> {
    pub(super) fn rust_type(
        &self,
        ty: &Type,
        within: Option<(&str, &str)>,
    ) -> syn::Result<TokenStream> {
        Ok(match ty {
            Type::Bool => quote!(bool),
            Type::U8 => quote!(u8),
            Type::U16 => quote!(u16),
            Type::U32 => quote!(u32),
            Type::U64 => quote!(u64),
            Type::S8 => quote!(i8),
            Type::S16 => quote!(i16),
            Type::S32 => quote!(i32),
            Type::S64 => quote!(i64),
            Type::F32 => quote!(f32),
            Type::F64 => quote!(f64),
            Type::Char => quote!(char),
            Type::String => quote!(::std::string::String),
            Type::Value => quote!(::packr::Value),
            // Inside a list a recursive type needs no box: the Vec is one.
            Type::List(t) => {
                let t = self.rust_type(t, None)?;
                quote!(::std::vec::Vec<#t>)
            }
            Type::Option(t) => {
                let t = self.rust_type(t, within)?;
                quote!(::core::option::Option<#t>)
            }
            Type::Result { ok, err } => {
                let ok = match ok {
                    Some(t) => self.rust_type(t, within)?,
                    None => quote!(()),
                };
                let err = match err {
                    Some(t) => self.rust_type(t, within)?,
                    None => quote!(()),
                };
                quote!(::core::result::Result<#ok, #err>)
            }
            Type::Tuple(items) => {
                let items = items
                    .iter()
                    .map(|t| self.rust_type(t, within))
                    .collect::<syn::Result<Vec<_>>>()?;
                quote!((#(#items,)*))
            }
            Type::Named(r) => {
                let path = self.named(r)?;
                let needs_box = within.is_some_and(|(i, n)| {
                    self.boxed.contains(&(
                        i.to_string(),
                        n.to_string(),
                        r.interface.clone(),
                        r.name.clone(),
                    ))
                });
                if needs_box {
                    quote!(::std::boxed::Box<#path>)
                } else {
                    path
                }
            }
        })
    }

    pub(super) fn named(&self, r: &TypeRef) -> syn::Result<TokenStream> {
        let iface = self.pkg.interface(&r.interface).ok_or_else(|| {
            syn::Error::new(
                Span::call_site(),
                format!("unknown interface `{}`", r.interface),
            )
        })?;
        let module = module_ident(&iface.name);
        let ty = type_ident(&r.name);
        Ok(if self.top {
            quote!(self::#module::#ty)
        } else {
            quote!(super::#module::#ty)
        })
    }

    pub(super) fn type_def(&self, iface: &Interface, def: &TypeDef) -> syn::Result<TokenStream> {
        let name = type_ident(&def.name);
        let wire = &def.name;
        let docs = doc_attr(&def.docs);
        let within = Some((iface.qualified.as_str(), def.name.as_str()));
        if let Some(path) = self.with.get(&format!("{}.{}", iface.qualified, def.name)) {
            return Ok(quote!(#docs pub type #name = #path;));
        }
        let extra = self.extra_derives(&["GraphValue", "Debug", "Clone", "PartialEq"]);
        let derive = quote!(#[derive(::packr::GraphValue, Debug, Clone, PartialEq #(, #extra)*)]);
        Ok(match &def.kind {
            TypeDefKind::Alias(t) => {
                let t = self.rust_type(t, None)?;
                quote!(#docs pub type #name = #t;)
            }
            TypeDefKind::Record(fields) => {
                let fields = fields
                    .iter()
                    .map(|f| {
                        let ident = field_ident(&f.name);
                        let wire = &f.name;
                        let ty = self.rust_type(&f.ty, within)?;
                        let docs = doc_attr(&f.docs);
                        Ok(quote!(#docs #[graph(rename = #wire)] pub #ident: #ty))
                    })
                    .collect::<syn::Result<Vec<_>>>()?;
                quote! {
                    #docs #derive #[graph(rename = #wire)]
                    pub struct #name { #(#fields,)* }
                }
            }
            TypeDefKind::Variant(cases) => {
                let cases = cases
                    .iter()
                    .map(|c| {
                        let ident = type_ident(&c.name);
                        let wire = &c.name;
                        let docs = doc_attr(&c.docs);
                        Ok(match &c.payload {
                            Some(t) => {
                                let ty = self.rust_type(t, within)?;
                                quote!(#docs #[graph(rename = #wire)] #ident(#ty))
                            }
                            None => quote!(#docs #[graph(rename = #wire)] #ident),
                        })
                    })
                    .collect::<syn::Result<Vec<_>>>()?;
                quote! {
                    #docs #derive #[graph(rename = #wire)]
                    pub enum #name { #(#cases,)* }
                }
            }
            TypeDefKind::Enum(names) => {
                let cases = names.iter().map(|n| {
                    let ident = type_ident(n);
                    quote!(#[graph(rename = #n)] #ident)
                });
                let extra = self.extra_derives(&[
                    "GraphValue",
                    "Debug",
                    "Clone",
                    "Copy",
                    "PartialEq",
                    "Eq",
                    "Hash",
                ]);
                quote! {
                    #docs #[derive(::packr::GraphValue, Debug, Clone, Copy, PartialEq, Eq, Hash #(, #extra)*)] #[graph(rename = #wire)]
                    pub enum #name { #(#cases,)* }
                }
            }
            TypeDefKind::Flags(names) => self.flags(def, names)?,
        })
    }

    /// The requested derives the generated type does not already have.
    pub(super) fn extra_derives(&self, already: &[&str]) -> Vec<&syn::Path> {
        self.derives
            .iter()
            .filter(|p| {
                p.segments
                    .last()
                    .is_none_or(|s| !already.contains(&s.ident.to_string().as_str()))
            })
            .collect()
    }

    /// A `flags` declaration: a bit-set over a `u64` mask with one
    /// associated constant per flag.
    pub(super) fn flags(&self, def: &TypeDef, names: &[String]) -> syn::Result<TokenStream> {
        if names.len() > 64 {
            return Err(syn::Error::new(
                Span::call_site(),
                format!(
                    "flags `{}` declares {} flags; the Graph ABI carries at most 64",
                    def.name,
                    names.len()
                ),
            ));
        }
        let name = type_ident(&def.name);
        let docs = doc_attr(&def.docs);
        let consts: Vec<Ident> = names
            .iter()
            .map(|n| format_ident!("{}", n.replace('-', "_").to_ascii_uppercase()))
            .collect();
        let bits: Vec<u64> = (0..names.len() as u32).map(|i| 1u64 << i).collect();
        let all: u64 = bits.iter().fold(0, |a, b| a | b);
        let extra = self.extra_derives(&[
            "Debug",
            "Clone",
            "Copy",
            "PartialEq",
            "Eq",
            "Hash",
            "Default",
        ]);
        let wit_name = &def.name;
        let flag_docs = names.iter().map(|n| format!("The `{n}` flag."));
        Ok(quote! {
            #docs
            #[derive(Clone, Copy, PartialEq, Eq, Hash, Default #(, #extra)*)]
            pub struct #name { bits: u64 }

            impl #name {
                #( #[doc = #flag_docs] pub const #consts: Self = Self { bits: #bits }; )*

                /// No flag set.
                pub const fn empty() -> Self { Self { bits: 0 } }
                /// Every declared flag set.
                pub const fn all() -> Self { Self { bits: #all } }
                /// The mask (flag `i` of the declaration is bit `i`).
                pub const fn bits(self) -> u64 { self.bits }
                /// The set for `bits`, or `None` when a bit is not a declared flag.
                pub const fn from_bits(bits: u64) -> ::core::option::Option<Self> {
                    if bits & !#all == 0 { ::core::option::Option::Some(Self { bits }) } else { ::core::option::Option::None }
                }
                /// True when no flag is set.
                pub const fn is_empty(self) -> bool { self.bits == 0 }
                /// True when every flag of `other` is set.
                pub const fn contains(self, other: Self) -> bool { self.bits & other.bits == other.bits }
                /// Sets the flags of `other`.
                pub fn insert(&mut self, other: Self) { self.bits |= other.bits; }
                /// Clears the flags of `other`.
                pub fn remove(&mut self, other: Self) { self.bits &= !other.bits; }
            }

            impl ::core::ops::BitOr for #name {
                type Output = Self;
                fn bitor(self, other: Self) -> Self { Self { bits: self.bits | other.bits } }
            }
            impl ::core::ops::BitAnd for #name {
                type Output = Self;
                fn bitand(self, other: Self) -> Self { Self { bits: self.bits & other.bits } }
            }
            impl ::core::ops::BitOrAssign for #name {
                fn bitor_assign(&mut self, other: Self) { self.bits |= other.bits; }
            }

            impl ::core::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    let names: &[&str] = &[#(#names),*];
                    let set: ::std::vec::Vec<&str> = names
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| self.bits & (1u64 << i) != 0)
                        .map(|(_, n)| *n)
                        .collect();
                    write!(f, "{}{{{}}}", #wit_name, set.join(", "))
                }
            }

            impl ::packr::GraphValue for #name {
                fn write_type(_: ::core::option::Option<&Self>, out: &mut ::std::vec::Vec<u8>) {
                    out.push(::packr::abi::Kind::Flags as u8);
                }
                fn encode_node(&self, enc: &mut ::packr::abi::Encoder) -> ::core::result::Result<u32, ::packr::abi::AbiError> {
                    ::core::result::Result::Ok(::packr::abi::flags::encode(self.bits, enc))
                }
                fn decode_node(dec: &mut ::packr::abi::Decoder<'_>, index: u32) -> ::core::result::Result<Self, ::packr::abi::AbiError> {
                    ::packr::abi::flags::decode(dec, index, #all).map(|bits| Self { bits })
                }
                const ARRAY_ELEMENT: ::core::option::Option<::packr::abi::Kind> =
                    ::core::option::Option::Some(::packr::abi::Kind::Flags);
                const SCALAR: ::core::option::Option<::packr::abi::Kind> =
                    ::core::option::Option::Some(::packr::abi::Kind::Flags);
                fn flat_bits(&self) -> u64 {
                    self.bits
                }
                fn from_flat_bits(bits: u64) -> ::core::option::Option<Self> {
                    (bits & !#all == 0).then_some(Self { bits })
                }
                fn encode_array<'x>(items: impl ::core::iter::Iterator<Item = &'x Self>, out: &mut ::std::vec::Vec<u8>) {
                    for item in items {
                        out.extend_from_slice(&item.bits.to_le_bytes());
                    }
                }
                fn decode_array(index: u32, data: &[u8], _count: usize) -> ::core::result::Result<::std::vec::Vec<Self>, ::packr::abi::AbiError> {
                    ::core::result::Result::Ok(
                        ::packr::abi::flags::decode_array(index, data, #all)?
                            .into_iter()
                            .map(|bits| Self { bits })
                            .collect(),
                    )
                }
            }
        })
    }

    pub(super) fn signature(
        &self,
        f: &Function,
    ) -> syn::Result<(Vec<Ident>, Vec<TokenStream>, TokenStream)> {
        let names: Vec<Ident> = f.params.iter().map(|(n, _)| field_ident(n)).collect();
        let tys = f
            .params
            .iter()
            .map(|(_, t)| self.rust_type(t, None))
            .collect::<syn::Result<Vec<_>>>()?;
        let ret = match &f.result {
            Some(t) => self.rust_type(t, None)?,
            None => quote!(()),
        };
        Ok((names, tys, ret))
    }
}

/// Which named references need a `Box`: those inside a record or variant
/// whose target reaches back to it other than through a list.
pub(super) fn boxed_refs(pkg: &Package) -> HashSet<(String, String, String, String)> {
    let mut edges: HashMap<(String, String), Vec<(String, String)>> = HashMap::new();
    for iface in &pkg.interfaces {
        for def in &iface.types {
            let mut out = Vec::new();
            let mut add = |t: &Type| direct_refs(t, &mut out);
            match &def.kind {
                TypeDefKind::Record(fields) => fields.iter().for_each(|f| add(&f.ty)),
                TypeDefKind::Variant(cases) => cases
                    .iter()
                    .filter_map(|c| c.payload.as_ref())
                    .for_each(add),
                TypeDefKind::Alias(t) => add(t),
                _ => {}
            }
            edges.insert((iface.qualified.clone(), def.name.clone()), out);
        }
    }
    let reaches = |from: &(String, String), to: &(String, String)| {
        let mut seen = HashSet::new();
        let mut stack = vec![from.clone()];
        while let Some(n) = stack.pop() {
            if &n == to {
                return true;
            }
            if seen.insert(n.clone()) {
                stack.extend(edges.get(&n).into_iter().flatten().cloned());
            }
        }
        false
    };
    let mut boxed = HashSet::new();
    for (from, targets) in &edges {
        for t in targets {
            if reaches(t, from) {
                boxed.insert((from.0.clone(), from.1.clone(), t.0.clone(), t.1.clone()));
            }
        }
    }
    boxed
}

/// Named types reached from `t` without passing through a list.
fn direct_refs(t: &Type, out: &mut Vec<(String, String)>) {
    match t {
        Type::List(_) => {}
        Type::Option(t) => direct_refs(t, out),
        Type::Result { ok, err } => {
            ok.iter()
                .chain(err.iter())
                .for_each(|t| direct_refs(t, out));
        }
        Type::Tuple(items) => items.iter().for_each(|t| direct_refs(t, out)),
        Type::Named(r) => out.push((r.interface.clone(), r.name.clone())),
        _ => {}
    }
}
