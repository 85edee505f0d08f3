//! Resources: per resource a `Host{Resource}` trait (wasmtime's shape:
//! `new`, its methods, its statics and `drop`), a supertrait of the
//! interface's `Host`, and the registrations of its functions and of
//! `[resource-drop]r`. Every handle the guest sends is checked against the
//! instance's resource table before the host's code runs; a broken rule is
//! an error for the guest naming the function, the handle and the rule.
//!
//! The shapes, for a resource `counter` mapped to the host's `Counter`:
//! an `own<counter>` parameter is `Resource<Counter>` (moved to the host),
//! a `borrow<counter>` parameter is `&Resource<Counter>` (only for the
//! call), an `own<counter>` result is `Resource<Counter>` (handed to the
//! guest). Every such function also gets the table and returns
//! `Result<_, ResourceError>`, so `table.get(&c)?` reads naturally.

use super::options::Options;
use super::{Gen, camel, doc_attr, field_ident};
use packr_runtime::wit::{Function, FunctionKind, Interface, Type, TypeDef, TypeDefKind};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::Ident;

/// What [`Gen::resources`] adds to an interface's module.
pub(super) struct ResourceItems {
    /// The `Host{Resource}` traits.
    pub(super) traits: Vec<TokenStream>,
    /// Their names, the supertraits of `Host`.
    pub(super) supertraits: Vec<Ident>,
    /// Statements of `add_to_linker`.
    pub(super) registrations: Vec<TokenStream>,
}

/// `file:line:col: ` of a type definition, for messages.
fn at(def: &TypeDef) -> String {
    let (line, col) = def.span().line_col();
    format!("{}:{line}:{col}: ", def.span().file())
}

/// A resource without a Rust type: the host must say what it stores.
fn unmapped(iface: &Interface, def: &TypeDef) -> syn::Error {
    syn::Error::new(
        Span::call_site(),
        format!(
            "{}resource `{}` needs the Rust type the host stores for it: add `with: {{ \"{}.{}\" => YourType }}`",
            at(def),
            def.name,
            iface.qualified,
            def.name
        ),
    )
}

/// True when `ty` holds a handle anywhere.
fn holds_handle(ty: &Type) -> bool {
    match ty {
        Type::Own(_) | Type::Borrow(_) => true,
        Type::List(t) | Type::Option(t) => holds_handle(t),
        Type::Result { ok, err } => ok.iter().chain(err.iter()).any(|t| holds_handle(t)),
        Type::Tuple(items) => items.iter().any(holds_handle),
        _ => false,
    }
}

/// True when `f` is a resource's function or passes a handle.
pub(super) fn uses_resources(f: &Function) -> bool {
    f.kind() != FunctionKind::Freestanding
        || f.params.iter().any(|(_, t)| holds_handle(t))
        || f.result.as_ref().is_some_and(holds_handle)
}

/// True when an interface declares a resource or passes handles.
pub(super) fn interface_uses_resources(iface: &Interface) -> bool {
    iface.types.iter().any(|d| d.kind == TypeDefKind::Resource)
        || iface.functions.iter().any(uses_resources)
}

impl Gen<'_> {
    /// The traits and registrations of every resource `iface` declares.
    pub(super) fn resources(
        &self,
        iface: &Interface,
        opts: &Options,
    ) -> syn::Result<ResourceItems> {
        let mut items = ResourceItems {
            traits: Vec::new(),
            supertraits: Vec::new(),
            registrations: Vec::new(),
        };
        for def in iface
            .types
            .iter()
            .filter(|d| d.kind == TypeDefKind::Resource)
        {
            let trait_name = format_ident!("Host{}", camel(&def.name));
            let trait_path = quote!(#trait_name);
            let mut methods = Vec::new();
            for f in &iface.functions {
                if f.kind().resource() != Some(def.name.as_str()) {
                    continue;
                }
                let method = match f.kind() {
                    FunctionKind::Constructor(_) => format_ident!("new"),
                    FunctionKind::Method { name, .. } | FunctionKind::Static { name, .. } => {
                        field_ident(name)
                    }
                    FunctionKind::Freestanding => continue,
                };
                let (decl, registration) =
                    self.handle_function(iface, f, &method, &trait_path, opts)?;
                methods.push(decl);
                items.registrations.push(registration);
            }
            let ty = self.resource_type(iface, def)?;
            let drop_name = format!("[resource-drop]{}", def.name);
            items.registrations.push(quote! {
                {
                    let limits = iface.limits();
                    iface.func_codec(#drop_name, move |cx, input, out| {
                        let handle: u32 = ::packr::abi::decode_as_with_limits(input, &limits)
                            .map_err(::packr::host::HostError::BadInput)?;
                        let (data, table) = cx.data_and_table();
                        let rep = table.drop_from_guest::<#ty>(handle)?;
                        <U as #trait_path>::drop(get(data), table, rep)?;
                        ::packr::host::encode_result(&(), ::packr::host::reply_wire(input), out)
                    })?;
                }
            });
            let docs = doc_attr(&def.docs);
            let about = format!(
                "What the host implements for resource `{}` of `{}`: one method per constructor, method and static function, and `drop`.",
                def.name, iface.qualified
            );
            items.traits.push(quote! {
                #docs
                #[doc = ""]
                #[doc = #about]
                pub trait #trait_name: Send {
                    #(#methods)*
                    /// The guest dropped its handle (`[resource-drop]`); the
                    /// default deletes the object from the table, which
                    /// runs its `Drop`.
                    fn drop(
                        &mut self,
                        table: &mut ::packr::resource::ResourceTable,
                        rep: ::packr::resource::Resource<#ty>,
                    ) -> ::core::result::Result<(), ::packr::resource::ResourceError> {
                        table.delete(rep).map(|_| ())
                    }
                }
            });
            items.supertraits.push(trait_name);
        }
        Ok(items)
    }

    /// The Rust type of resource `def` (the `with:` mapping).
    fn resource_type(&self, iface: &Interface, def: &TypeDef) -> syn::Result<TokenStream> {
        if !self
            .with
            .contains_key(&format!("{}.{}", iface.qualified, def.name))
        {
            return Err(unmapped(iface, def));
        }
        let ident = super::type_ident(&def.name);
        Ok(quote!(#ident))
    }

    /// The trait method and the registration of a function that passes
    /// handles (or belongs to a resource).
    pub(super) fn handle_function(
        &self,
        iface: &Interface,
        f: &Function,
        method: &Ident,
        trait_path: &TokenStream,
        opts: &Options,
    ) -> syn::Result<(TokenStream, TokenStream)> {
        let wit = &f.name;
        let problem = |what: &str| {
            let (line, col) = iface.span().line_col();
            syn::Error::new(
                Span::call_site(),
                format!(
                    "{}:{line}:{col}: `{}.{}`: {what}",
                    iface.span().file(),
                    iface.name,
                    f.name
                ),
            )
        };
        if opts.trappable.contains(&iface.name, &f.name) {
            return Err(problem(
                "a function that passes handles cannot be `trappable` yet; it returns `Result<_, ResourceError>`",
            ));
        }
        let is_async = opts.async_fns.contains(&iface.name, &f.name);
        let mut names = Vec::new();
        let mut wire = Vec::new();
        let mut tys = Vec::new();
        let mut lifts = Vec::new();
        let mut args = Vec::new();
        for (name, ty) in &f.params {
            let n = field_ident(name);
            match ty {
                Type::Own(r) => {
                    let path = self.named(r)?;
                    wire.push(quote!(u32));
                    tys.push(quote!(::packr::resource::Resource<#path>));
                    lifts.push(quote!(let #n = table.own_from_guest::<#path>(#n)?;));
                    args.push(quote!(#n));
                }
                Type::Borrow(r) => {
                    let path = self.named(r)?;
                    wire.push(quote!(u32));
                    tys.push(quote!(&::packr::resource::Resource<#path>));
                    lifts.push(quote!(let #n = table.borrow_from_guest::<#path>(#n)?;));
                    args.push(quote!(&#n));
                }
                t if holds_handle(t) => {
                    return Err(problem(
                        "handles inside lists, options, results or tuples are not supported yet: pass them as parameters of their own",
                    ));
                }
                t => {
                    let t = self.rust_type(t, None)?;
                    wire.push(t.clone());
                    tys.push(t);
                    args.push(quote!(#n));
                }
            }
            names.push(n);
        }
        let (ret, lower) = match &f.result {
            None => (quote!(()), quote!()),
            Some(Type::Own(r)) => {
                let path = self.named(r)?;
                (
                    quote!(::packr::resource::Resource<#path>),
                    quote!(let result = table.to_guest(result)?;),
                )
            }
            Some(t) if holds_handle(t) => {
                return Err(problem(
                    "a result can carry a handle only as `own<r>` itself, not inside another type",
                ));
            }
            Some(t) => (self.rust_type(t, None)?, quote!()),
        };
        let ret = quote!(::core::result::Result<#ret, ::packr::resource::ResourceError>);
        let docs = doc_attr(&f.docs);
        let (pat, packed) = match names.len() {
            0 => (quote!(()), quote!(())),
            1 => (quote!(#(#names)*), quote!(#(#wire)*)),
            _ => (quote!((#(#names),*)), quote!((#(#wire),*))),
        };
        let table_param = quote!(table: &mut ::packr::resource::ResourceTable);
        if !is_async {
            let decl = quote! {
                #docs
                fn #method(&mut self, #table_param, #(#names: #tys),*) -> #ret;
            };
            let registration = quote! {
                {
                    let limits = iface.limits();
                    iface.func_codec(#wit, move |cx, input, out| {
                        let #pat: #packed = ::packr::abi::decode_as_with_limits(input, &limits)
                            .map_err(::packr::host::HostError::BadInput)?;
                        let (data, table) = cx.data_and_table();
                        #(#lifts)*
                        let result = <U as #trait_path>::#method(get(data), table, #(#args),*)?;
                        #lower
                        ::packr::host::encode_result(&result, ::packr::host::reply_wire(input), out)
                    })?;
                }
            };
            return Ok((decl, registration));
        }
        let decl = quote! {
            #docs
            fn #method(&mut self, #table_param, #(#names: #tys),*)
                -> impl ::core::future::Future<Output = #ret> + Send;
        };
        let registration = quote! {
            {
                let limits = iface.limits();
                iface.func_async_codec(#wit, move |mut cx: ::packr::host::Ctx<'_, T>, input: &[u8]| {
                    // Decoded before the future exists, so it never
                    // borrows guest memory.
                    let #pat: #packed = match ::packr::abi::decode_as_with_limits(input, &limits) {
                        ::core::result::Result::Ok(args) => args,
                        ::core::result::Result::Err(e) => {
                            return ::std::boxed::Box::pin(::core::future::ready(
                                ::core::result::Result::Err(::packr::host::HostError::BadInput(e)),
                            ));
                        }
                    };
                    let wire = ::packr::host::reply_wire(input);
                    ::std::boxed::Box::pin(async move {
                        let (data, table) = cx.data_and_table();
                        #(#lifts)*
                        let result = <U as #trait_path>::#method(get(data), table, #(#args),*).await?;
                        #lower
                        let mut out = ::std::vec::Vec::new();
                        ::packr::host::encode_result(&result, wire, &mut out)?;
                        ::core::result::Result::<_, ::packr::host::HostError>::Ok(out)
                    })
                })?;
            }
        };
        Ok((decl, registration))
    }
}
