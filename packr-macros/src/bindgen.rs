//! `packr::bindgen!`: Rust types, host traits and typed export calls from
//! a WIT+ world.

use packr_runtime::wit::{
    Function, Interface, Package, Type, TypeDef, TypeDefKind, TypeRef, World, WorldItem,
};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use std::collections::{HashMap, HashSet};
use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitBool, LitStr, Token};

/// The macro's input: a path, or `{ path: "...", world: "...", async: ...,
/// trappable: ..., derives: [...], with: { ... } }`.
pub(crate) struct Options {
    path: LitStr,
    world: Option<LitStr>,
    /// Which import functions are async.
    async_fns: FnSet,
    /// Which import functions return `Result<_, Trap>`.
    trappable: FnSet,
    /// Extra derives for every generated type.
    derives: Vec<syn::Path>,
    /// `"ns:pkg/iface.type" => path`: use the embedder's type instead of
    /// generating one.
    with: Vec<(LitStr, syn::Path)>,
}

/// `true` / `false` or a list of `"iface.fn"` names.
#[derive(Default)]
struct FnSet {
    all: bool,
    names: Vec<LitStr>,
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

    fn contains(&self, iface: &str, function: &str) -> bool {
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

pub(crate) fn bindgen(input: TokenStream) -> TokenStream {
    match syn::parse2::<Options>(input).and_then(|o| expand(&o)) {
        Ok(ts) => ts,
        Err(e) => e.to_compile_error(),
    }
}

fn expand(opts: &Options) -> syn::Result<TokenStream> {
    let (pkg, path) = crate::paths::load(&opts.path)?;
    let world_name = opts.world.as_ref().map(LitStr::value);
    let world = pkg.world(world_name.as_deref()).map_err(|e| {
        let span = opts.world.as_ref().map_or(opts.path.span(), LitStr::span);
        syn::Error::new(span, e)
    })?;
    check_options(opts, &pkg, world)?;
    let generator = Gen {
        pkg: &pkg,
        boxed: boxed_refs(&pkg),
        top: false,
        derives: &opts.derives,
        with: opts
            .with
            .iter()
            .map(|(k, p)| (k.value(), p.clone()))
            .collect(),
    };

    // Rebuild when the WIT+ files change.
    let files = crate::paths::sources(&path);

    let mut modules = Vec::new();
    for iface in &pkg.interfaces {
        let name = module_ident(&iface.name);
        let types = iface
            .types
            .iter()
            .map(|d| generator.type_def(iface, d))
            .collect::<syn::Result<Vec<_>>>()?;
        let host = if world
            .imports
            .contains(&WorldItem::Interface(iface.qualified.clone()))
        {
            generator.host_trait(iface, opts)?
        } else {
            quote!()
        };
        let exports = if world
            .exports
            .contains(&WorldItem::Interface(iface.qualified.clone()))
        {
            generator.exports(&iface.qualified, &iface.functions, quote!(Exports))
        } else {
            quote!()
        };
        let docs = doc_attr(&iface.docs);
        modules.push(quote! {
            #docs
            #[allow(dead_code, clippy::all)]
            pub mod #name {
                #(#types)*
                #host
                #exports
            }
        });
    }
    let world_fns: Vec<Function> = world
        .exports
        .iter()
        .filter_map(|i| match i {
            WorldItem::Function(f) => Some(f.clone()),
            WorldItem::Interface(_) => None,
        })
        .collect();
    let world_exports = if world_fns.is_empty() {
        quote!()
    } else {
        let name = format_ident!("{}Exports", camel(&world.name));
        let top = Gen {
            pkg: &pkg,
            boxed: HashSet::new(),
            top: true,
            derives: &opts.derives,
            with: generator.with.clone(),
        };
        top.exports("", &world_fns, quote!(#name))
    };
    check_world(world)?;
    Ok(quote! {
        #(const _: &str = include_str!(#files);)*
        #(#modules)*
        #world_exports
    })
}

/// Every `iface.fn` in `async` and `trappable` names an imported
/// function, every `with` key a type of the package; all mistakes are
/// reported together, each on its literal.
fn check_options(opts: &Options, pkg: &Package, world: &World) -> syn::Result<()> {
    let mut errors: Option<syn::Error> = None;
    let mut push = |e: syn::Error| match &mut errors {
        Some(all) => all.combine(e),
        None => errors = Some(e),
    };
    let imported: Vec<&Interface> = world
        .imports
        .iter()
        .filter_map(|i| match i {
            WorldItem::Interface(q) => pkg.interface(q),
            WorldItem::Function(_) => None,
        })
        .collect();
    for (option, set) in [("async", &opts.async_fns), ("trappable", &opts.trappable)] {
        for lit in &set.names {
            let name = lit.value();
            let found = name.split_once('.').is_some_and(|(i, f)| {
                imported
                    .iter()
                    .any(|iface| iface.name == i && iface.function(f).is_some())
            });
            if !found {
                let known: Vec<String> = imported
                    .iter()
                    .flat_map(|i| {
                        i.functions
                            .iter()
                            .map(move |f| format!("{}.{}", i.name, f.name))
                    })
                    .collect();
                push(syn::Error::new(
                    lit.span(),
                    format!(
                        "`{option}` names `{name}`, which world `{}` does not import; expected one of: {}",
                        world.name,
                        known.join(", ")
                    ),
                ));
            }
        }
    }
    for (key, _) in &opts.with {
        let name = key.value();
        // "map" and "set" choose the collection every map<K, V> / set<T>
        // becomes (a generic path such as `std::collections::HashMap`).
        if name == "map" || name == "set" {
            continue;
        }
        let found = name.rsplit_once('.').is_some_and(|(i, t)| {
            pkg.interface(i)
                .is_some_and(|iface| iface.qualified == i && iface.type_def(t).is_some())
        });
        if !found {
            push(syn::Error::new(
                key.span(),
                format!(
                    "`with` maps `{name}`, but the package declares no such type: write \"ns:pkg/interface.type\" (or \"map\" / \"set\" for the collection maps and sets become)"
                ),
            ));
        }
    }
    match errors {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

fn check_world(world: &World) -> syn::Result<()> {
    for item in &world.imports {
        if let WorldItem::Function(f) = item {
            return Err(syn::Error::new(
                Span::call_site(),
                format!(
                    "world `{}` imports the bare function `{}`: put it in an interface (bindgen! registers interfaces)",
                    world.name, f.name
                ),
            ));
        }
    }
    Ok(())
}

struct Gen<'p> {
    pkg: &'p Package,
    /// (interface, type, referenced interface, referenced type) pairs whose
    /// reference must be boxed: the referenced type reaches back to the
    /// referring one without passing through a list.
    boxed: HashSet<(String, String, String, String)>,
    /// Generating at the macro's call site (world-level exports) rather
    /// than inside an interface's module.
    top: bool,
    /// Extra derives for generated types.
    derives: &'p [syn::Path],
    /// `ns:pkg/iface.type` → the embedder's type used instead.
    with: HashMap<String, syn::Path>,
}

impl Gen<'_> {
    fn rust_type(&self, ty: &Type, within: Option<(&str, &str)>) -> syn::Result<TokenStream> {
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
            // Like a list, a map or set holds its items on the heap: no box.
            // `with: { "map": HashMap }` (or "set") picks another collection.
            Type::Map(k, v) => {
                let (k, v) = (self.rust_type(k, None)?, self.rust_type(v, None)?);
                let map = self
                    .with
                    .get("map")
                    .map_or_else(|| quote!(::std::collections::BTreeMap), |p| quote!(#p));
                quote!(#map<#k, #v>)
            }
            Type::Set(t) => {
                let t = self.rust_type(t, None)?;
                let set = self
                    .with
                    .get("set")
                    .map_or_else(|| quote!(::std::collections::BTreeSet), |p| quote!(#p));
                quote!(#set<#t>)
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

    fn named(&self, r: &TypeRef) -> syn::Result<TokenStream> {
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

    fn type_def(&self, iface: &Interface, def: &TypeDef) -> syn::Result<TokenStream> {
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
    fn extra_derives(&self, already: &[&str]) -> Vec<&syn::Path> {
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
    fn flags(&self, def: &TypeDef, names: &[String]) -> syn::Result<TokenStream> {
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

    fn signature(&self, f: &Function) -> syn::Result<(Vec<Ident>, Vec<TokenStream>, TokenStream)> {
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

    fn host_trait(&self, iface: &Interface, opts: &Options) -> syn::Result<TokenStream> {
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

    /// A handle over an instance with one typed method per export
    /// (`call_<name>` and `call_<name>_async`).
    fn exports(&self, qualified: &str, functions: &[Function], name: TokenStream) -> TokenStream {
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

/// Which named references need a `Box`: those inside a record or variant
/// whose target reaches back to it other than through a list.
fn boxed_refs(pkg: &Package) -> HashSet<(String, String, String, String)> {
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

fn doc_attr(docs: &str) -> TokenStream {
    if docs.is_empty() {
        quote!()
    } else {
        quote!(#[doc = #docs])
    }
}

/// `container-spec` → `ContainerSpec`.
fn camel(name: &str) -> String {
    name.split('-')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + &c.as_str().to_ascii_lowercase(),
                None => String::new(),
            }
        })
        .collect()
}

fn type_ident(name: &str) -> Ident {
    format_ident!("{}", camel(name))
}

/// `store-id` → `store_id`; Rust keywords become raw identifiers (`self`
/// and friends, which cannot be raw, get a trailing `_`).
fn field_ident(name: &str) -> Ident {
    let snake = name.replace('-', "_").to_ascii_lowercase();
    match snake.as_str() {
        "self" | "super" | "crate" | "extern" | "Self" => format_ident!("{}_", snake),
        _ if syn::parse_str::<Ident>(&snake).is_err() => Ident::new_raw(&snake, Span::call_site()),
        _ => format_ident!("{}", snake),
    }
}

fn module_ident(name: &str) -> Ident {
    field_ident(name)
}

/// Snapshot tests of the expanded code for three worlds. A change to the
/// generator shows up as a diff here; re-bless with
/// `PACKR_BLESS=1 cargo test -p packr-macros snapshot`.
#[cfg(test)]
mod snapshots {
    use std::io::Write;
    use std::path::Path;
    use std::process::{Command, Stdio};

    fn rustfmt(code: &str) -> String {
        let mut child = Command::new("rustfmt")
            .args(["--edition", "2024"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("rustfmt (part of the toolchain) formats the snapshots");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(code.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "rustfmt rejected the expansion");
        String::from_utf8(out.stdout).unwrap()
    }

    fn check(name: &str, options: &str) {
        let expanded = super::bindgen(options.parse().unwrap()).to_string();
        assert!(
            !expanded.contains("compile_error"),
            "{name}: the expansion is an error: {expanded}"
        );
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let text = rustfmt(&expanded).replace(&root.display().to_string(), "$WORKSPACE");
        let file = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("snapshots")
            .join(format!("{name}.expanded.rs"));
        if std::env::var_os("PACKR_BLESS").is_some() {
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, &text).unwrap();
            return;
        }
        let blessed = std::fs::read_to_string(&file).unwrap_or_default();
        if blessed != text {
            let line = blessed
                .lines()
                .zip(text.lines())
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| blessed.lines().count().min(text.lines().count()));
            panic!(
                "the expansion of {name} differs from {} from line {} on:\n  blessed: {:?}\n  now:     {:?}\nre-bless with PACKR_BLESS=1 if the change is intended",
                file.display(),
                line + 1,
                blessed.lines().nth(line),
                text.lines().nth(line)
            );
        }
    }

    #[test]
    fn snapshot_theater_world() {
        check(
            "theater",
            r#"{ path: "../wit/theater.wit+", world: "actor", async: ["runtime.shutdown", "store.store"] }"#,
        );
    }

    #[test]
    fn snapshot_tree_world() {
        check("tree", r#""../wit/tree.wit+""#);
    }

    #[test]
    fn snapshot_files_world() {
        check(
            "files",
            r#"{
                path: "../wit/files.wit+",
                world: "files",
                async: ["fs.walk"],
                trappable: ["fs.chmod"],
                derives: [Eq, Hash],
                with: { "test:files/types.point" => crate::files::Point },
            }"#,
        );
    }
}
