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
    /// `Some` for a resource handle: a `u32` on the wire, checked against
    /// the instance's resource table.
    pub(crate) handle: Option<Handle>,
}

/// A resource handle parameter; the type is the resource's (`T` of
/// `Resource<T>`).
pub(crate) enum Handle {
    /// `Resource<T>`: an `own` handle, moved to the host.
    Own(Type),
    /// `&Resource<T>`: a `borrow` for the call.
    Borrow(Type),
}

/// `Resource<T>` → `T`.
pub(crate) fn resource_of(ty: &Type) -> Option<&Type> {
    let seg = last_segment(ty)?;
    if seg.ident != "Resource" {
        return None;
    }
    match generic_args(seg)[..] {
        [t] => Some(t),
        _ => None,
    }
}

/// `Counter` → `counter`, `TcpStream` → `tcp-stream`: the WIT name a
/// resource type is described by.
pub(crate) fn resource_wit_name(ty: &Type) -> String {
    let name = last_segment(ty).map_or_else(|| "resource".to_string(), |s| s.ident.to_string());
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
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
    /// `Resource<T>` (or `Result<Resource<T>, Trap>`, then `true`): an
    /// `own` handle handed to the guest; `T` is the resource's type.
    Handle(Type, bool),
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

/// A resource function's canonical name: `[constructor]r`, `[method]r.m`,
/// `[static]r.f` or `[resource-drop]r`.
fn is_canonical(name: &str) -> bool {
    use packr_runtime::wit::is_identifier;
    let member = |rest: &str| {
        rest.split_once('.')
            .is_some_and(|(r, m)| is_identifier(r) && is_identifier(m))
    };
    if let Some(r) = name
        .strip_prefix("[constructor]")
        .or_else(|| name.strip_prefix("[resource-drop]"))
    {
        return is_identifier(r);
    }
    name.strip_prefix("[method]")
        .or_else(|| name.strip_prefix("[static]"))
        .is_some_and(member)
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
        if let Some(resource) = resource_of(ok) {
            return Ret::Handle(resource.clone(), true);
        }
        return Ret::Trappable(ok.clone());
    }
    if let Some(resource) = resource_of(ty) {
        return Ret::Handle(resource.clone(), false);
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
    if !packr_runtime::wit::is_identifier(&wit) && !is_canonical(&wit) {
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
        let handle = match &ty {
            Type::Reference(r) if r.mutability.is_none() => {
                resource_of(&r.elem).map(|t| Handle::Borrow(t.clone()))
            }
            other => resource_of(other).map(|t| Handle::Own(t.clone())),
        };
        if let Some(handle) = handle {
            if is_async {
                errors.push(syn::Error::new(
                    arg.ty.span(),
                    "resource handles are supported in sync methods only, so far: make the method sync",
                ));
                continue;
            }
            params.push(Param {
                name,
                ty,
                borrow: Borrow::Owned,
                handle: Some(handle),
            });
            continue;
        }
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
        params.push(Param {
            name,
            ty,
            borrow,
            handle: None,
        });
    }
    if !has_receiver && context.is_none() && errors.len() == before {
        errors.push(syn::Error::new(
            sig.ident.span(),
            "a host function needs `&self` or `&mut self` (the handler), or a first parameter `cx: &mut packr::Ctx<'_, Store>` (the whole store)",
        ));
    }
    let ret = result(&sig.output);
    if is_async && matches!(ret, Ret::Handle(..)) {
        errors.push(syn::Error::new(
            sig.output.span(),
            "resource handles are supported in sync methods only, so far: make the method sync",
        ));
    }
    let handles = params.iter().any(|p| p.handle.is_some()) || matches!(ret, Ret::Handle(..));
    if handles && params.iter().any(|p| p.borrow != Borrow::Owned) {
        errors.push(syn::Error::new(
            sig.inputs.span(),
            "a method with resource handles cannot also borrow `&str`/`&[u8]` from guest memory, so far: take `String`/`Vec<u8>`",
        ));
    }
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
