//! The attribute's arguments: `"ns:pkg/iface"`, optionally
//! `wit = "path"` (check the impl against that WIT+ declaration) and
//! `crate = "path"`.

use proc_macro2::{Span, TokenStream};
use syn::parse::{Parse, ParseStream};
use syn::{LitStr, Path, Token};

pub(crate) struct Args {
    pub(crate) interface: String,
    pub(crate) interface_lit: LitStr,
    pub(crate) wit: Option<LitStr>,
    pub(crate) krate: Path,
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.is_empty() {
            return Err(
                input.error("expected the interface name: `#[host_interface(\"ns:pkg/iface\")]`")
            );
        }
        let lit: LitStr = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected the interface name as a string: `\"ns:pkg/iface\"`",
            )
        })?;
        let interface = lit.value();
        if !valid_interface(&interface) {
            return Err(syn::Error::new(
                lit.span(),
                format!(
                    "`{interface}` is not an interface name: write `namespace:package/interface` in kebab-case, e.g. \"theater:simple/runtime\""
                ),
            ));
        }
        let mut krate: Path = syn::parse_quote!(::packr);
        let mut wit = None;
        while input.parse::<Option<Token![,]>>()?.is_some() {
            if input.is_empty() {
                break;
            }
            let key: syn::Ident = input.call(syn::ext::IdentExt::parse_any)?;
            if key != "crate" && key != "wit" {
                return Err(syn::Error::new(
                    key.span(),
                    format!(
                        "unknown option `{key}`: expected `wit = \"path/to/file.wit+\"` or `crate = \"path\"`"
                    ),
                ));
            }
            input.parse::<Token![=]>()?;
            let value: LitStr = input.parse()?;
            if key == "wit" {
                wit = Some(value);
            } else {
                krate = value.parse()?;
            }
        }
        Ok(Args {
            interface,
            interface_lit: lit,
            wit,
            krate,
        })
    }
}

fn valid_interface(name: &str) -> bool {
    let Some((namespace, rest)) = name.split_once(':') else {
        return false;
    };
    let Some((package, iface)) = rest.split_once('/') else {
        return false;
    };
    [namespace, package, iface]
        .iter()
        .all(|part| packr_runtime::wit::is_identifier(part))
}

pub(crate) fn parse(attr: TokenStream) -> syn::Result<Args> {
    if attr.is_empty() {
        return Err(syn::Error::new(
            Span::call_site(),
            "expected the interface name: `#[host_interface(\"ns:pkg/iface\")]`",
        ));
    }
    syn::parse2(attr)
}
