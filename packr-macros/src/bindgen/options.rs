//! The macro's input: `bindgen!("path")` or `bindgen!({ key: value, .. })`.

use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitBool, LitStr, Token};

/// The macro's input: a path, or `{ path: "...", world: "...", async: ...,
/// trappable: ..., derives: [...], with: { ... } }`.
pub(crate) struct Options {
    pub(super) path: LitStr,
    pub(super) world: Option<LitStr>,
    /// Which import functions are async.
    pub(super) async_fns: FnSet,
    /// Which import functions return `Result<_, Trap>`.
    pub(super) trappable: FnSet,
    /// Extra derives for every generated type.
    pub(super) derives: Vec<syn::Path>,
    /// `"ns:pkg/iface.type" => path`: use the embedder's type instead of
    /// generating one.
    pub(super) with: Vec<(LitStr, syn::Path)>,
}

/// `true` / `false` or a list of `"iface.fn"` names.
#[derive(Default)]
pub(super) struct FnSet {
    all: bool,
    pub(super) names: Vec<LitStr>,
}

impl FnSet {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.peek(LitBool) {
            return Ok(FnSet {
                all: input.parse::<LitBool>()?.value,
                names: Vec::new(),
            });
        }
        let list;
        syn::bracketed!(list in input);
        let names = list.parse_terminated(|p| p.parse::<LitStr>(), Token![,])?;
        Ok(FnSet {
            all: false,
            names: names.into_iter().collect(),
        })
    }

    pub(super) fn contains(&self, iface: &str, function: &str) -> bool {
        self.all
            || self
                .names
                .iter()
                .any(|n| n.value() == format!("{iface}.{function}"))
    }
}

impl Parse for Options {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut opts = Options {
            path: LitStr::new("", Span::call_site()),
            world: None,
            async_fns: FnSet::default(),
            trappable: FnSet::default(),
            derives: Vec::new(),
            with: Vec::new(),
        };
        if input.peek(LitStr) {
            opts.path = input.parse()?;
            return Ok(opts);
        }
        if !input.peek(syn::token::Brace) {
            return Err(input.error(
                "expected the path of a WIT+ file, `bindgen!(\"wit/world.wit+\")`, or options in braces, `bindgen!({ path: \"...\", world: \"...\" })`",
            ));
        }
        let body;
        syn::braced!(body in input);
        let mut path = None;
        let mut seen: Vec<String> = Vec::new();
        while !body.is_empty() {
            let key: Ident = body.call(syn::ext::IdentExt::parse_any)?;
            let name = key.to_string();
            if seen.contains(&name) {
                return Err(syn::Error::new(
                    key.span(),
                    format!("option `{name}` is given twice"),
                ));
            }
            seen.push(name.clone());
            body.parse::<Token![:]>()?;
            match name.as_str() {
                "path" => path = Some(body.parse::<LitStr>()?),
                "world" => opts.world = Some(body.parse::<LitStr>()?),
                "async" => opts.async_fns = FnSet::parse(&body)?,
                "trappable" => opts.trappable = FnSet::parse(&body)?,
                "derives" => {
                    let list;
                    syn::bracketed!(list in body);
                    opts.derives = list
                        .parse_terminated(syn::Path::parse_mod_style, Token![,])?
                        .into_iter()
                        .collect();
                }
                "with" => {
                    let map;
                    syn::braced!(map in body);
                    while !map.is_empty() {
                        let key: LitStr = map.parse()?;
                        map.parse::<Token![=>]>()?;
                        let path: syn::Path = map.parse()?;
                        opts.with.push((key, path));
                        if map.parse::<Option<Token![,]>>()?.is_none() {
                            break;
                        }
                    }
                }
                other => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!(
                            "unknown bindgen! option `{other}`: expected `path`, `world`, `async`, `trappable`, `derives` or `with`"
                        ),
                    ));
                }
            }
            if body.parse::<Option<Token![,]>>()?.is_none() {
                break;
            }
        }
        if !body.is_empty() {
            return Err(body.error("expected `,` between options"));
        }
        opts.path = path.ok_or_else(|| {
            syn::Error::new(
                Span::call_site(),
                "bindgen! needs `path: \"wit/world.wit+\"`",
            )
        })?;
        Ok(opts)
    }
}
