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

/// The macro's input: a path, or `{ path: "...", world: "...", async: ... }`.
pub(crate) struct Options {
    path: LitStr,
    world: Option<String>,
    /// `true`: every import function is async; otherwise the listed
    /// `iface.fn` names.
    async_all: bool,
    async_fns: HashSet<String>,
}

impl Parse for Options {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.peek(LitStr) {
            let path: LitStr = input.parse()?;
            return Ok(Options {
                path,
                world: None,
                async_all: false,
                async_fns: HashSet::new(),
            });
        }
        let body;
        syn::braced!(body in input);
        let mut path = None;
        let mut opts = Options {
            path: LitStr::new("", Span::call_site()),
            world: None,
            async_all: false,
            async_fns: HashSet::new(),
        };
        while !body.is_empty() {
            let key: Ident = body.call(syn::ext::IdentExt::parse_any)?;
            body.parse::<Token![:]>()?;
            match key.to_string().as_str() {
                "path" => path = Some(body.parse::<LitStr>()?),
                "world" => opts.world = Some(body.parse::<LitStr>()?.value()),
                "async" => {
                    if body.peek(LitBool) {
                        opts.async_all = body.parse::<LitBool>()?.value;
                    } else {
                        let list;
                        syn::bracketed!(list in body);
                        for name in list.parse_terminated(|p| p.parse::<LitStr>(), Token![,])? {
                            opts.async_fns.insert(name.value());
                        }
                    }
                }
                other => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!(
                            "unknown bindgen! option `{other}`: expected `path`, `world` or `async`"
                        ),
                    ));
                }
            }
            if body.parse::<Option<Token![,]>>()?.is_none() {
                break;
            }
        }
        opts.path = path.ok_or_else(|| body.error("missing `path: \"wit/world.wit+\"`"))?;
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
    let root = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let path = std::path::Path::new(&root).join(opts.path.value());
    let pkg = Package::load(&path).map_err(|e| syn::Error::new(opts.path.span(), e.to_string()))?;
    let world = pkg
        .world(opts.world.as_deref())
        .map_err(|e| syn::Error::new(opts.path.span(), e))?;
    let generator = Gen {
        pkg: &pkg,
        boxed: boxed_refs(&pkg),
        top: false,
    };

    // Rebuild when the WIT+ files change.
    let mut files: Vec<String> = Vec::new();
    if path.is_dir() {
        if let Ok(dir) = std::fs::read_dir(&path) {
            for e in dir.flatten() {
                let p = e.path();
                if p.to_str()
                    .is_some_and(|s| s.ends_with(".wit+") || s.ends_with(".wit"))
                {
                    files.push(p.display().to_string());
                }
            }
        }
    } else {
        files.push(path.display().to_string());
    }
    files.sort();

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
        let derive = quote!(#[derive(::packr::GraphValue, Debug, Clone, PartialEq)]);
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
                quote! {
                    #docs #[derive(::packr::GraphValue, Debug, Clone, Copy, PartialEq, Eq, Hash)] #[graph(rename = #wire)]
                    pub enum #name { #(#cases,)* }
                }
            }
            TypeDefKind::Flags(_) => {
                return Err(syn::Error::new(
                    Span::call_site(),
                    format!(
                        "flags `{}`: bindgen! does not generate flags types yet; use an enum or a list of enums",
                        def.name
                    ),
                ));
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
            let is_async = opts.async_all
                || opts
                    .async_fns
                    .contains(&format!("{}.{}", iface.name, f.name));
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
                    iface.func_async(#wit, move |mut cx: ::packr::host::Ctx<'_, T>, #pat: #packed| {
                        ::std::boxed::Box::pin(async move { U::#ident(get(cx.data_mut()), #(#names),*).await })
                    })?;
                });
            } else {
                methods.push(quote! {
                    #docs
                    fn #ident(&mut self, #(#names: #tys),*) -> #ret;
                });
                registrations.push(quote! {
                    iface.func(#wit, move |cx, #pat: #packed| U::#ident(get(cx.data_mut()), #(#names),*))?;
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
