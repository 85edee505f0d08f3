//! One method of a `#[host_interface]` impl: its WIT name, receiver or
//! context, parameters and result, with every misuse reported on the
//! user's own token.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{
    FnArg, GenericArgument, ImplItemFn, LitStr, Pat, PathArguments, ReturnType, Type, TypePath,
};

pub(crate) struct Method {
    pub(crate) ident: syn::Ident,
    pub(crate) wit: String,
    pub(crate) wit_span: Span,
    pub(crate) is_async: bool,
    /// `Some(store type)` for a method that takes the context instead of
    /// a receiver.
    pub(crate) context: Option<Type>,
    pub(crate) params: Vec<Param>,
    pub(crate) ret: Ret,
}

pub(crate) struct Param {
    pub(crate) name: syn::Ident,
    pub(crate) ty: Type,
    pub(crate) borrow: Borrow,
}

#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Borrow {
    /// Owned, decoded as `GraphValue`.
    Owned,
    /// `&str` from guest memory.
    Str,
    /// `&[u8]` from guest memory.
    Bytes,
}

pub(crate) enum Ret {
    Unit,
    Value(Type),
    /// `Result<T, Trap>`: `T` is the value.
    Trappable(Type),
}

/// Reads and removes the `#[host(...)]` attributes. `Ok(None)`: skipped.
fn host_attrs(f: &mut ImplItemFn) -> syn::Result<Option<Option<LitStr>>> {
    let mut name = None;
    let mut skip = false;
    let mut error: Option<syn::Error> = None;
    f.attrs.retain(|attr| {
        if !attr.path().is_ident("host") {
            return true;
        }
        let parsed = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("name") {
                name = Some(meta.value()?.parse::<LitStr>()?);
                Ok(())
            } else if meta.path.is_ident("skip") {
                skip = true;
                Ok(())
            } else {
                let key = meta
                    .path
                    .get_ident()
                    .map_or_else(|| "?".to_string(), ToString::to_string);
                Err(meta.error(format!(
                    "unknown `host` option `{key}`: expected `name = \"wit-name\"` or `skip`"
                )))
            }
        });
        if let Err(e) = parsed {
            match &mut error {
                Some(all) => all.combine(e),
                None => error = Some(e),
            }
        }
        false
    });
    if let Some(e) = error {
        return Err(e);
    }
    Ok((!skip).then_some(name))
}

/// `snake_case` → `kebab-case` (a raw identifier's `r#` dropped).
fn kebab(ident: &syn::Ident) -> String {
    ident
        .to_string()
        .trim_start_matches("r#")
        .trim_matches('_')
        .replace('_', "-")
}

fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(TypePath { qself: None, path }) => path.segments.last(),
        _ => None,
    }
}

/// `Ctx<'_, S>` → `S`.
fn context_store(ty: &Type) -> Option<Type> {
    let seg = last_segment(ty)?;
    if seg.ident != "Ctx" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &seg.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    })
}

/// `&mut Ctx<..>` (sync) or `Ctx<..>` (async) → the store type.
fn as_context(ty: &Type) -> Option<Type> {
    match ty {
        Type::Reference(r) => context_store(&r.elem),
        other => context_store(other),
    }
}

/// The type arguments of a path segment (`Result<A, B>` → `[A, B]`).
pub(crate) fn generic_args(seg: &syn::PathSegment) -> Vec<&Type> {
    match &seg.arguments {
        PathArguments::AngleBracketed(args) => args
            .args
            .iter()
            .filter_map(|a| match a {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn result(ret: &ReturnType) -> Ret {
    let ReturnType::Type(_, ty) = ret else {
        return Ret::Unit;
    };
    if let Type::Tuple(t) = &**ty
        && t.elems.is_empty()
    {
        return Ret::Unit;
    }
    if let Some(seg) = last_segment(ty)
        && seg.ident == "Result"
        && let [ok, err] = generic_args(seg)[..]
        && last_segment(err).is_some_and(|s| s.ident == "Trap")
    {
        return Ret::Trappable(ok.clone());
    }
    Ret::Value((**ty).clone())
}

pub(crate) fn analyze(f: &mut ImplItemFn, errors: &mut Vec<syn::Error>) -> Option<Method> {
    let before = errors.len();
    let name = match host_attrs(f) {
        Ok(None) => return None,
        Ok(Some(name)) => name,
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let sig = &f.sig;
    let (wit, wit_span) = match &name {
        Some(lit) => (lit.value(), lit.span()),
        None => (kebab(&sig.ident), sig.ident.span()),
    };
    if !packr_runtime::wit::is_identifier(&wit) {
        errors.push(syn::Error::new(
            wit_span,
            format!("`{wit}` is not a valid WIT name: use kebab-case words that start with a letter, or set one with `#[host(name = \"...\")]`"),
        ));
    }
    if !sig.generics.params.is_empty() {
        errors.push(syn::Error::new(
            sig.generics.span(),
            "host functions cannot be generic: the guest calls one concrete signature; use concrete types",
        ));
    }
    let is_async = sig.asyncness.is_some();
    let mut inputs = sig.inputs.iter().peekable();
    let mut has_receiver = false;
    if let Some(FnArg::Receiver(r)) = inputs.peek() {
        has_receiver = true;
        if r.reference.is_none() {
            errors.push(syn::Error::new(
                r.self_token.span,
                "a host function cannot take `self` by value: the handler stays in the store; take `&self` or `&mut self`",
            ));
        }
        inputs.next();
    }
    let mut context = None;
    let mut params = Vec::new();
    for (position, arg) in inputs.enumerate() {
        let FnArg::Typed(arg) = arg else { continue };
        let ty = (*arg.ty).clone();
        if let Some(store) = as_context(&ty) {
            if has_receiver {
                errors.push(syn::Error::new(
                    arg.ty.span(),
                    "a method that takes the context cannot also borrow `self`: the handler lives inside the store the context gives; remove the receiver and reach the handler through `cx.data_mut()`",
                ));
            } else if position != 0 {
                errors.push(syn::Error::new(
                    arg.ty.span(),
                    "the context must be the first parameter: `fn name(cx: &mut packr::Ctx<'_, Store>, ...)`",
                ));
            } else {
                let by_ref = matches!(ty, Type::Reference(_));
                if is_async && by_ref {
                    errors.push(syn::Error::new(
                        arg.ty.span(),
                        "an async method takes the context by value: `cx: packr::Ctx<'_, Store>`",
                    ));
                } else if !is_async && !by_ref {
                    errors.push(syn::Error::new(arg.ty.span(), "a sync method takes the context by reference: `cx: &mut packr::Ctx<'_, Store>`"));
                }
                context = Some(store);
            }
            continue;
        }
        let name = match &*arg.pat {
            Pat::Ident(p) => p.ident.clone(),
            other => {
                errors.push(syn::Error::new(other.span(), "bind each parameter to a name (`data: Vec<u8>`): its name is part of the interface"));
                continue;
            }
        };
        let borrow = match &ty {
            Type::ImplTrait(t) => {
                errors.push(syn::Error::new(t.span(), "`impl Trait` parameters are not supported: the guest sends one concrete type; name it"));
                continue;
            }
            Type::Reference(r) => {
                let target = match &*r.elem {
                    Type::Path(p) if p.path.is_ident("str") => Some(Borrow::Str),
                    Type::Slice(s) if matches!(&*s.elem, Type::Path(p) if p.path.is_ident("u8")) => {
                        Some(Borrow::Bytes)
                    }
                    _ => None,
                };
                match target {
                    Some(_) if r.mutability.is_some() => {
                        errors.push(syn::Error::new(r.span(), "guest memory is lent read-only: take `&str`/`&[u8]`, or an owned value"));
                        continue;
                    }
                    Some(_) if is_async => {
                        errors.push(syn::Error::new(r.span(), "an async method cannot borrow from guest memory across its awaits: take `String`/`Vec<u8>` instead"));
                        continue;
                    }
                    Some(b) => b,
                    None => {
                        errors.push(syn::Error::new(r.span(), "only `&str` and `&[u8]` can be borrowed from guest memory: take this parameter by value"));
                        continue;
                    }
                }
            }
            _ => Borrow::Owned,
        };
        params.push(Param { name, ty, borrow });
    }
    if !has_receiver && context.is_none() && errors.len() == before {
        errors.push(syn::Error::new(
            sig.ident.span(),
            "a host function needs `&self` or `&mut self` (the handler), or a first parameter `cx: &mut packr::Ctx<'_, Store>` (the whole store)",
        ));
    }
    let ret = result(&sig.output);
    if is_async && matches!(ret, Ret::Trappable(_)) {
        errors.push(syn::Error::new(
            sig.output.span(),
            "an async host function cannot trap yet: return `Result<T, E>` (a WIT result) instead of `Result<T, Trap>`",
        ));
    }
    (errors.len() == before).then(|| Method {
        ident: sig.ident.clone(),
        wit,
        wit_span,
        is_async,
        context,
        params,
        ret,
    })
}
