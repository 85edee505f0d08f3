//! The interface's `Host` trait and its `add_to_linker`.

use super::options::Options;
use super::{Gen, doc_attr, field_ident};
use packr_runtime::wit::Interface;
use proc_macro2::TokenStream;
use quote::quote;

impl Gen<'_> {
    pub(super) fn host_trait(&self, iface: &Interface, opts: &Options) -> syn::Result<TokenStream> {
        let qualified = &iface.qualified;
        let mut methods = Vec::new();
        let mut registrations = Vec::new();
        for f in &iface.functions {
            let (names, tys, ret) = self.signature(f)?;
            let ident = field_ident(&f.name);
            let wit = &f.name;
            let docs = doc_attr(&f.docs);
            let is_async = opts.async_fns.contains(&iface.name, &f.name);
            let trappable = opts.trappable.contains(&iface.name, &f.name);
            let (ret, register) = match (trappable, is_async) {
                (true, true) => (
                    quote!(::core::result::Result<#ret, ::packr::host::Trap>),
                    quote!(func_async_trappable),
                ),
                (true, false) => (
                    quote!(::core::result::Result<#ret, ::packr::host::Trap>),
                    quote!(func_trappable),
                ),
                (false, true) => (ret, quote!(func_async)),
                (false, false) => (ret, quote!(func)),
            };
            let (pat, packed) = match names.len() {
                0 => (quote!(()), quote!(())),
                1 => (quote!(#(#names)*), quote!(#(#tys)*)),
                _ => (quote!((#(#names),*)), quote!((#(#tys),*))),
            };
            if is_async {
                methods.push(quote! {
                    #docs
                    fn #ident(&mut self, #(#names: #tys),*) -> impl ::core::future::Future<Output = #ret> + Send;
                });
                registrations.push(quote! {
                    iface.#register(#wit, move |mut cx: ::packr::host::Ctx<'_, T>, #pat: #packed| {
                        ::std::boxed::Box::pin(async move { U::#ident(get(cx.data_mut()), #(#names),*).await })
                    })?;
                });
            } else {
                methods.push(quote! {
                    #docs
                    fn #ident(&mut self, #(#names: #tys),*) -> #ret;
                });
                registrations.push(quote! {
                    iface.#register(#wit, move |cx, #pat: #packed| U::#ident(get(cx.data_mut()), #(#names),*))?;
                });
            }
        }
        Ok(quote! {
            /// What the host implements for this interface.
            pub trait Host: Send {
                #(#methods)*
            }

            /// Registers `U`'s implementation, reached through `get` from
            /// the store state, as interface
            #[doc = #qualified]
            pub fn add_to_linker<T: Send + 'static, U: Host + 'static>(
                host: &mut ::packr::host::HostBuilder<T>,
                get: fn(&mut T) -> &mut U,
            ) -> ::core::result::Result<(), ::packr::host::RegistrationError> {
                let mut iface = host.interface(#qualified);
                #(#registrations)*
                ::core::result::Result::Ok(())
            }
        })
    }
}
