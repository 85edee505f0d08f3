//! Where-clauses for generic types, the way serde infers them: every type
//! parameter that appears in a field's type must itself be a `GraphValue`.
//!
//! Each inferred bound is spanned at the first field type that uses the
//! parameter, so when a caller instantiates the type with something that
//! is not a `GraphValue`, the compiler's "required by this bound" note
//! points at that field rather than at the derive.

use crate::ast::{Body, Field, Input, Shape};
use crate::expand::respan;
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeSet;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Generics, Ident, TypePath, WherePredicate};

/// The input's generics with the inferred bounds added.
pub fn with_bounds(input: &Input<'_>) -> Generics {
    let mut generics = input.generics.clone();
    let params: BTreeSet<Ident> = generics.type_params().map(|p| p.ident.clone()).collect();
    if params.is_empty() {
        return generics;
    }
    let krate = &input.krate;
    let mut bounded: BTreeSet<String> = BTreeSet::new();
    let mut predicates: Vec<TokenStream> = Vec::new();
    for field in all_fields(&input.body) {
        let mut finder = Finder {
            params: &params,
            found: Vec::new(),
        };
        finder.visit_type(field.ty);
        if finder.found.is_empty() {
            continue;
        }
        let span = field.ty.span();
        for path in finder.found {
            let key = quote!(#path).to_string();
            if bounded.insert(key) {
                predicates.push(respan(quote!(#path: #krate::abi::GraphValue), span));
            }
        }
        if field.default {
            let ty = field.ty;
            predicates.push(respan(quote!(#ty: ::core::default::Default), span));
        }
    }
    let where_clause = generics.make_where_clause();
    for p in predicates {
        where_clause
            .predicates
            .push(syn::parse2::<WherePredicate>(p).expect("a where predicate"));
    }
    generics
}

fn all_fields<'b, 'a>(body: &'b Body<'a>) -> Box<dyn Iterator<Item = &'b Field<'a>> + 'b> {
    match body {
        Body::Record { fields, .. } | Body::Tuple(fields) => Box::new(fields.iter()),
        Body::Enum { variants, .. } => Box::new(variants.iter().flat_map(|v| match &v.shape {
            Shape::Unit => [].iter(),
            Shape::Tuple(fields) | Shape::Record(fields) => fields.iter(),
        })),
        Body::Union => Box::new([].iter()),
    }
}

/// Finds the uses of type parameters in a type: `T` itself, or an
/// associated type path like `T::Item`.
struct Finder<'p> {
    params: &'p BTreeSet<Ident>,
    found: Vec<TypePath>,
}

impl<'ast> Visit<'ast> for Finder<'_> {
    fn visit_type_path(&mut self, ty: &'ast TypePath) {
        if ty.qself.is_none()
            && ty.path.leading_colon.is_none()
            && ty
                .path
                .segments
                .first()
                .is_some_and(|seg| self.params.contains(&seg.ident))
        {
            self.found.push(ty.clone());
            return;
        }
        visit::visit_type_path(self, ty);
    }
}
