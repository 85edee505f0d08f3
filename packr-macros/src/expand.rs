//! Writes the `HostInterface` impl: one registration per method, each in
//! its own function generic over the method's `GraphValue` types and
//! called with the user's types (so a missing impl is one error on the
//! offending type and not a wall of bound failures inside generated code).

use crate::args;
use crate::method::{self, Borrow, Method, Ret};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{ImplItem, ItemImpl, Type};

pub(crate) fn host_interface(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors: Vec<syn::Error> = Vec::new();
    let args = args::parse(attr).map_err(|e| errors.push(e)).ok();
    let mut imp: ItemImpl = match syn::parse2(item) {
        Ok(imp) => imp,
        Err(e) => {
            let e = syn::Error::new(
                e.span(),
                "#[host_interface] goes on an impl block: `impl Handler { ... }` or `impl Trait for Handler { ... }`",
            );
            return e.to_compile_error();
        }
    };
    if !imp.generics.params.is_empty() {
        errors.push(syn::Error::new(
            imp.generics.span(),
            "#[host_interface] impls cannot be generic: implement it for one concrete handler type",
        ));
    }
    let mut methods = Vec::new();
    for item in &mut imp.items {
        if let ImplItem::Fn(f) = item
            && let Some(m) = method::analyze(f, &mut errors)
        {
            methods.push(m);
        }
    }
    for (i, m) in methods.iter().enumerate() {
        if let Some(first) = methods[..i].iter().find(|o| o.wit == m.wit) {
            errors.push(syn::Error::new(
                m.wit_span,
                format!(
                    "two methods map to the WIT name `{}` (`{}` and `{}`): rename one with `#[host(name = \"...\")]`",
                    m.wit, first.ident, m.ident
                ),
            ));
        }
    }
    let mut store: Option<&Type> = None;
    for m in &methods {
        if let Some(s) = &m.context {
            match store {
                None => store = Some(s),
                Some(first) if quote!(#first).to_string() != quote!(#s).to_string() => {
                    errors.push(syn::Error::new(
                        s.span(),
                        "every context parameter of one impl must name the same store type",
                    ));
                }
                Some(_) => {}
            }
        }
    }
    let mut wit_files = Vec::new();
    let mut shape_checks = TokenStream::new();
    if let Some(a) = &args
        && let Some(wit) = &a.wit
    {
        (wit_files, shape_checks) = crate::wit_check::check(a, wit, &methods, &mut errors);
    }
    let (Some(args), true) = (args, errors.is_empty()) else {
        let errors = errors.iter().map(syn::Error::to_compile_error);
        // The impl itself, unchanged (minus `#[host]`): the user's code still
        // type-checks and only the reported mistakes show.
        return quote!(#imp #(#errors)*);
    };
    let generated = expand(&args, &imp, &methods, store);
    // Editing the WIT+ file re-checks the impl.
    quote!(#imp #generated #shape_checks #(const _: &str = include_str!(#wit_files);)*)
}

fn expand(
    args: &args::Args,
    imp: &ItemImpl,
    methods: &[Method],
    store: Option<&Type>,
) -> TokenStream {
    let k = &args.krate;
    let interface = &args.interface;
    let self_ty = &imp.self_ty;
    let path_of = |m: &Method| {
        let ident = &m.ident;
        match &imp.trait_ {
            Some((_, tr, _)) => quote!(<#self_ty as #tr>::#ident),
            None => quote!(<#self_ty>::#ident),
        }
    };
    let (impl_generics, store_ty) = match store {
        Some(s) => (quote!(), quote!(#s)),
        None => (
            quote!(<__PackrStore: ::core::marker::Send + 'static>),
            quote!(__PackrStore),
        ),
    };

    let mut registrations = Vec::new();
    let mut descriptions = Vec::new();
    let mut items = Vec::new();
    for (i, m) in methods.iter().enumerate() {
        let reg = format_ident!("__packr_register_{}", i);
        let wit = &m.wit;

        // The registration is generic over each type that must be a
        // `GraphValue` (the owned parameters, then the result) and is called
        // with the user's types as explicit generic arguments: rustc blames
        // an unsatisfied bound on that argument, so a type that is not a
        // `GraphValue` is one error on its own token, wherever it stands in
        // the signature. `Same` turns the generic values back into the
        // method's own types (it holds only when they are the same type).
        let same = quote!(#k::interface::Same);
        let send = if m.is_async {
            quote!(+ ::core::marker::Send + 'static)
        } else {
            quote!()
        };
        let gate = |name: syn::Ident, ty: &Type| {
            let decl = quote!(#name: #k::GraphValue + #same<#ty> #send);
            (name, decl, ty.clone())
        };
        let mut gates = Vec::new();
        let mut param_ty = Vec::new();
        let mut args = Vec::new();
        for (j, p) in m.params.iter().enumerate() {
            let name = &p.name;
            if p.borrow == Borrow::Owned {
                let (g, decl, ty) = gate(format_ident!("__PackrP{}", j), &p.ty);
                args.push(quote!(<#g as #same<#ty>>::same(#name)));
                param_ty.push(quote!(#g));
                gates.push((decl, ty));
            } else {
                args.push(quote!(#name));
                param_ty.push(quote!());
            }
        }
        let ret_gate = match &m.ret {
            Ret::Unit => None,
            Ret::Value(ty) | Ret::Trappable(ty) => {
                let (g, decl, ty) = gate(format_ident!("__PackrR"), ty);
                gates.push((decl, ty.clone()));
                Some((g, ty))
            }
        };
        let call_path = path_of(m);
        let target = if m.context.is_some() {
            quote!(cx)
        } else {
            quote!(get(cx.data_mut()))
        };
        let raw_call = quote_spanned!(m.ident.span()=> #call_path(#target, #(#args),*));
        // The method's result, as the generic result type.
        let back = |value: TokenStream| match (&ret_gate, &m.ret) {
            (Some((g, ty)), Ret::Trappable(_)) => {
                quote!(::core::result::Result::map(#value, <#g as #same<#ty>>::back))
            }
            (Some((g, ty)), _) => quote!(<#g as #same<#ty>>::back(#value)),
            (None, _) => value,
        };
        let ret_ty = match &ret_gate {
            Some((g, _)) => quote!(#g),
            None => quote!(()),
        };

        let names: Vec<_> = m.params.iter().map(|p| &p.name).collect();
        let body = if m.params.iter().any(|p| p.borrow != Borrow::Owned) {
            borrowed(k, m, &param_ty, &back(raw_call.clone()))
        } else {
            let (pat, packed) = match param_ty.len() {
                0 => (quote!(()), quote!(())),
                1 => (quote!(#(#names)*), quote!(#(#param_ty)*)),
                _ => (quote!((#(#names),*)), quote!((#(#param_ty),*))),
            };
            if m.is_async {
                // The context is moved into a context function, borrowed
                // through the projection otherwise.
                let cx = if m.context.is_some() {
                    quote!(cx)
                } else {
                    quote!(mut cx)
                };
                let result = back(quote!(#raw_call.await));
                quote_spanned! {m.ident.span()=>
                    iface.func_async(#wit, move |#cx: #k::host::Ctx<'_, #store_ty>, #pat: #packed| {
                        ::std::boxed::Box::pin(async move { #result })
                    })?;
                }
            } else {
                let func = match m.ret {
                    Ret::Trappable(_) => quote!(func_trappable),
                    _ => quote!(func),
                };
                let result = back(raw_call.clone());
                quote_spanned! {m.ident.span()=>
                    iface.#func(#wit, move |cx, #pat: #packed| #result)?;
                }
            }
        };
        let params = m.params.iter().zip(&param_ty).map(|(p, g)| {
            let name = p
                .name
                .to_string()
                .trim_start_matches("r#")
                // `_unused` is still `unused` in WIT.
                .trim_matches('_')
                .replace('_', "-");
            let vt = match p.borrow {
                Borrow::Owned => quote!(#k::abi::wit_type_of::<#g>()),
                Borrow::Str => quote!(::std::string::String::from("string")),
                Borrow::Bytes => quote!(::std::string::String::from("list<u8>")),
            };
            quote!((#name, #vt))
        });
        let is_async = m.is_async;
        let describe = quote! {
            #k::interface::FunctionDesc::new::<#ret_ty>(#wit, &[#(#params),*], #is_async)
        };
        let get_param = if m.context.is_none() {
            quote!(get)
        } else {
            quote!(_get)
        };
        // Both `functions` and `add_to_linker` go through this one function.
        // Should rustc ever not narrow a failed bound to its generic
        // argument, it reports the call, which stands on the first type.
        let call_span = gates
            .first()
            .map(|(_, ty)| ty.span())
            .unwrap_or_else(Span::call_site);
        let reg_at = syn::Ident::new(&reg.to_string(), call_span);
        let decls = gates.iter().map(|(decl, _)| decl);
        let reg_generics = if store.is_some() {
            quote!(<#(#decls),*>)
        } else {
            quote!(<#(#decls,)* __PackrStore: ::core::marker::Send + 'static>)
        };
        let gate_tys = gates.iter().map(|(_, ty)| ty);
        let turbofish = if store.is_some() {
            quote_spanned!(call_span=> ::<#(#gate_tys),*>)
        } else {
            quote_spanned!(call_span=> ::<#(#gate_tys,)* __PackrStore>)
        };
        items.push(quote! {
            #[allow(non_snake_case, clippy::too_many_arguments)]
            fn #reg #reg_generics(
                iface: ::core::option::Option<&mut #k::host::InterfaceBuilder<'_, #store_ty>>,
                get: ::core::option::Option<fn(&mut #store_ty) -> &mut #self_ty>,
            ) -> ::core::result::Result<#k::interface::FunctionDesc, #k::host::RegistrationError>
            {
                if let (::core::option::Option::Some(iface), ::core::option::Option::Some(#get_param)) = (iface, get) {
                    #body
                }
                ::core::result::Result::Ok(#describe)
            }
        });
        registrations.push(quote_spanned!(call_span=>
            #reg_at #turbofish(::core::option::Option::Some(&mut iface), ::core::option::Option::Some(get))?;
        ));
        // Without a builder nothing is registered, so this cannot fail.
        descriptions.push(quote_spanned!(call_span=>
            #reg_at #turbofish(::core::option::Option::None, ::core::option::Option::None).ok()
        ));
    }

    quote! {
        const _: () = {
        #(#items)*

        impl #impl_generics #k::interface::HostInterface<#store_ty> for #self_ty {
            const INTERFACE: &'static str = #interface;

            fn functions() -> ::std::vec::Vec<#k::interface::FunctionDesc> {
                [#(#descriptions),*].into_iter().flatten().collect()
            }

            fn add_to_linker(
                host: &mut #k::host::HostBuilder<#store_ty>,
                get: fn(&mut #store_ty) -> &mut Self,
            ) -> ::core::result::Result<(), #k::host::RegistrationError> {
                let mut iface = host.interface(#interface);
                #(#registrations)*
                ::core::result::Result::Ok(())
            }
        }
        };
    }
}

/// A sync method with `&str`/`&[u8]` parameters: decoded by hand so they
/// borrow straight from guest memory. `param_ty` holds the generic type of
/// each owned parameter; `call` yields the generic result type.
fn borrowed(
    k: &syn::Path,
    m: &Method,
    param_ty: &[TokenStream],
    call: &TokenStream,
) -> TokenStream {
    let wit = &m.wit;
    let n = m.params.len();
    let decode = |p: &method::Param, ty: &TokenStream, index: TokenStream| match p.borrow {
        Borrow::Str => quote!(#k::interface::borrow_str(&mut dec, #index)),
        Borrow::Bytes => quote!(#k::interface::borrow_bytes(&mut dec, #index)),
        Borrow::Owned => quote!(<#ty as #k::GraphValue>::decode_node(&mut dec, #index)),
    };
    let bindings: Vec<TokenStream> = if n == 1 {
        let p = &m.params[0];
        let name = &p.name;
        let d = decode(p, &param_ty[0], quote!(root));
        vec![quote!(let #name = #d.map_err(#k::host::HostError::BadInput)?;)]
    } else {
        let mut out = vec![quote! {
            let children = dec.enter_tuple(root, #n).map_err(#k::host::HostError::BadInput)?;
        }];
        for (i, (p, ty)) in m.params.iter().zip(param_ty).enumerate() {
            let name = &p.name;
            // `enter_tuple` checked the arity; an index past the end would
            // only fail to decode, never panic.
            let d = decode(p, ty, quote!(children.get(#i).unwrap_or(u32::MAX)));
            out.push(quote!(let #name = #d.map_err(#k::host::HostError::BadInput)?;));
        }
        out.push(quote!(dec.leave(root);));
        out
    };
    let finish = match m.ret {
        Ret::Trappable(_) => quote! {
            let result = result.map_err(|t| #k::host::HostError::Trap(t.0))?;
            #k::host::encode_result(&result, out)
        },
        _ => quote!(#k::host::encode_result(&result, out)),
    };
    quote_spanned! {m.ident.span()=>
        let limits = iface.limits();
        iface.func_codec(#wit, move |cx, input, out| {
            let mut dec = #k::abi::Decoder::new(input, &limits).map_err(#k::host::HostError::BadInput)?;
            let root = dec.root();
            #(#bindings)*
            #[allow(clippy::let_unit_value)]
            let result = #call;
            #finish
        })?;
    }
}
