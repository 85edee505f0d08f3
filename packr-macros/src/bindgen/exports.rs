//! Typed calls into a guest's exports.

use super::{Gen, field_ident};
use packr_runtime::wit::Function;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

impl Gen<'_> {
    /// A handle over an instance with one typed method per export
    /// (`call_<name>` and `call_<name>_async`).
    pub(super) fn exports(
        &self,
        qualified: &str,
        functions: &[Function],
        name: TokenStream,
    ) -> TokenStream {
        let mut methods = Vec::new();
        for f in functions {
            let Ok((names, tys, ret)) = self.signature(f) else {
                continue;
            };
            let export = if qualified.is_empty() {
                f.name.clone()
            } else {
                format!("{qualified}.{}", f.name)
            };
            let sync = format_ident!(
                "call_{}",
                field_ident(&f.name).to_string().trim_start_matches("r#")
            );
            let asy = format_ident!("{}_async", sync);
            let args = match names.len() {
                0 => quote!(&()),
                1 => quote!(&#(#names)*),
                _ => quote!(&(#(#names),*)),
            };
            let docs = format!("Calls the guest's `{export}`.");
            methods.push(quote! {
                #[doc = #docs]
                pub fn #sync(&mut self, #(#names: #tys),*) -> ::core::result::Result<#ret, ::packr::engine::Error> {
                    self.instance.call(#export, #args)
                }
                #[doc = #docs]
                pub async fn #asy(&mut self, #(#names: #tys),*) -> ::core::result::Result<#ret, ::packr::engine::Error> {
                    self.instance.call_async(#export, #args).await
                }
            });
        }
        quote! {
            /// Typed calls into the guest's exports.
            pub struct #name<'i, T: 'static> {
                instance: &'i mut ::packr::engine::Instance<T>,
            }

            impl<'i, T: Send + 'static> #name<'i, T> {
                /// The exports of `instance`.
                pub fn new(instance: &'i mut ::packr::engine::Instance<T>) -> Self {
                    #name { instance }
                }
                #(#methods)*
            }
        }
    }
}
