//! `#[host_interface("iface", wit = "path")]`: checks a hand-written impl
//! against the interface's WIT+ declaration at compile time. Every
//! function the impl provides must be declared, with as many parameters of
//! the declared types and the declared result; every declared function
//! must be provided. Each mismatch is an error on the user's token.
//!
//! Types are compared as written: Rust's standard types map to their WIT
//! counterparts (`Vec<T>` → `list<T>`, `Option`, `Result`, tuples, maps as
//! lists of pairs, `&str`, `&[u8]`...), and a user type matches a WIT named
//! type of the same name in kebab-case (`ContainerSpec` ↔ `container-spec`).
//! A Rust name the package does not know (a type alias) is given the
//! benefit of the doubt; its `GraphValue` impl still has to fit the wire.
//!
//! A user type matched by name is then checked for structure: record fields
//! (wire names and types), variant and enum cases (tags and payloads),
//! flags. The macro cannot see the type's definition (only the impl's
//! tokens), so it emits a constant assertion comparing the type's
//! `GraphValue::SHAPE` (which `#[derive(GraphValue)]` fills in from the
//! definition) with the declaration, spanned at the user's type in the
//! signature: rustc evaluates it where the definition is known and the
//! failing case's message says what differs (see `packr::abi::shape`).

use crate::args::Args;
use crate::method::{Borrow, Method, Ret, generic_args};
use packr_runtime::wit::{Function, Interface, Package, Type, TypeDef, TypeDefKind};
use proc_macro2::TokenStream;
use quote::{ToTokens, quote, quote_spanned};
use std::cell::RefCell;
use syn::spanned::Spanned;

/// The files the declaration came from, for `include_str!` (so editing
/// them rebuilds), and the structure assertions for the named types the
/// impl uses; or the errors found.
pub(crate) fn check(
    args: &Args,
    wit: &syn::LitStr,
    methods: &[Method],
    errors: &mut Vec<syn::Error>,
) -> (Vec<String>, TokenStream) {
    let (pkg, path) = match crate::paths::load(wit) {
        Ok(loaded) => loaded,
        Err(e) => {
            errors.push(e);
            return (Vec::new(), TokenStream::new());
        }
    };
    let Some(iface) = pkg
        .interface(&args.interface)
        .filter(|i| i.qualified == args.interface)
    else {
        let declared: Vec<&str> = pkg
            .interfaces
            .iter()
            .map(|i| i.qualified.as_str())
            .collect();
        errors.push(syn::Error::new(
            args.interface_lit.span(),
            format!(
                "{} declares no interface `{}` (it declares: {})",
                wit.value(),
                args.interface,
                declared.join(", ")
            ),
        ));
        return (Vec::new(), TokenStream::new());
    };
    let checker = Checker {
        pkg: &pkg,
        iface,
        matched: RefCell::new(Vec::new()),
    };
    for m in methods {
        match iface.function(&m.wit) {
            None => errors.push(syn::Error::new(
                m.wit_span,
                format!(
                    "`{}` is not declared in `{}` ({}); it declares: {}",
                    m.wit,
                    iface.qualified,
                    wit.value(),
                    names(iface)
                ),
            )),
            Some(decl) => checker.method(m, decl, errors),
        }
    }
    for f in &iface.functions {
        if !methods.iter().any(|m| m.wit == f.name) {
            errors.push(syn::Error::new(
                wit.span(),
                format!(
                    "`{}` declares `{f}`, which this impl does not provide: add a method for it",
                    iface.qualified
                ),
            ));
        }
    }
    let shapes = checker.shape_checks(&args.krate);
    (crate::paths::sources(&path), shapes)
}

fn names(iface: &Interface) -> String {
    iface
        .functions
        .iter()
        .map(|f| f.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

struct Checker<'p> {
    pkg: &'p Package,
    iface: &'p Interface,
    /// User types matched by name to a WIT named type (the first place each
    /// appears), whose structure the compiler checks.
    matched: RefCell<Vec<(syn::Type, &'p TypeDef)>>,
}

impl<'p> Checker<'p> {
    fn method(&self, m: &Method, decl: &'p Function, errors: &mut Vec<syn::Error>) {
        let q = &self.iface.qualified;
        if m.params.len() != decl.params.len() {
            errors.push(syn::Error::new(
                m.ident.span(),
                format!(
                    "`{}` takes {} parameter(s) in `{q}` (`{decl}`), this method takes {}",
                    m.wit,
                    decl.params.len(),
                    m.params.len()
                ),
            ));
            return;
        }
        for (p, (name, ty)) in m.params.iter().zip(&decl.params) {
            let fits = match p.borrow {
                Borrow::Str => self.same(&syn::parse_quote!(String), ty),
                Borrow::Bytes => self.same(&syn::parse_quote!(Vec<u8>), ty),
                Borrow::Owned => self.same(&p.ty, ty),
            };
            if !fits {
                errors.push(syn::Error::new_spanned(
                    &p.ty,
                    format!(
                        "parameter `{name}` of `{}` is `{ty}` in `{q}` (`{decl}`), not `{}`",
                        m.wit,
                        spelled(&p.ty)
                    ),
                ));
            }
        }
        let (found, at, fits) = match (&m.ret, &decl.result) {
            (Ret::Unit, None) => return,
            (Ret::Unit, Some(_)) => ("nothing".to_string(), m.ident.to_token_stream(), false),
            (Ret::Value(t) | Ret::Trappable(t), expected) => {
                let fits = match expected {
                    Some(e) => self.same(t, e),
                    None => is_unit(t),
                };
                (format!("`{}`", spelled(t)), t.to_token_stream(), fits)
            }
        };
        if !fits {
            let expected = decl
                .result
                .as_ref()
                .map_or("nothing".to_string(), |t| format!("`{t}`"));
            errors.push(syn::Error::new_spanned(
                at,
                format!(
                    "`{}` returns {expected} in `{q}` (`{decl}`), this method returns {found}",
                    m.wit
                ),
            ));
        }
    }

    /// Follows `type` aliases (and `use`) to the type itself, collecting
    /// the names met on the way.
    fn resolve(&self, mut ty: &'p Type, names: &mut Vec<&'p str>) -> &'p Type {
        for _ in 0..64 {
            let Type::Named(r) = ty else { return ty };
            let Some(def) = self.pkg.resolve(r) else {
                return ty;
            };
            names.push(def.name.as_str());
            match &def.kind {
                TypeDefKind::Alias(t) => ty = t,
                _ => return ty,
            }
        }
        ty
    }

    /// True when the Rust type can be the WIT type (or cannot be told).
    fn same(&self, rust: &syn::Type, wit: &'p Type) -> bool {
        let mut names = Vec::new();
        let wit = self.resolve(wit, &mut names);
        match rust {
            syn::Type::Paren(p) => return self.same(&p.elem, wit),
            syn::Type::Group(g) => return self.same(&g.elem, wit),
            syn::Type::Reference(r) => {
                if let syn::Type::Slice(s) = &*r.elem {
                    return matches!(wit, Type::List(e) if self.same(&s.elem, e));
                }
                if let syn::Type::Path(p) = &*r.elem
                    && p.path.is_ident("str")
                {
                    return *wit == Type::String;
                }
                return self.same(&r.elem, wit);
            }
            syn::Type::Tuple(t) => {
                return matches!(wit, Type::Tuple(items)
                    if items.len() == t.elems.len()
                        && t.elems.iter().zip(items).all(|(r, w)| self.same(r, w)));
            }
            syn::Type::Array(a) => return matches!(wit, Type::List(e) if self.same(&a.elem, e)),
            _ => {}
        }
        let syn::Type::Path(p) = rust else {
            return true;
        };
        let Some(seg) = p.path.segments.last() else {
            return true;
        };
        let args = generic_args(seg);
        let ident = seg.ident.to_string();
        let primitive = match ident.as_str() {
            "bool" => Some(Type::Bool),
            "u8" => Some(Type::U8),
            "u16" => Some(Type::U16),
            "u32" => Some(Type::U32),
            "u64" => Some(Type::U64),
            "i8" => Some(Type::S8),
            "i16" => Some(Type::S16),
            "i32" => Some(Type::S32),
            "i64" => Some(Type::S64),
            "f32" => Some(Type::F32),
            "f64" => Some(Type::F64),
            "char" => Some(Type::Char),
            "String" | "str" => Some(Type::String),
            "Value" => Some(Type::Value),
            _ => None,
        };
        if let Some(t) = primitive {
            return *wit == t;
        }
        match (ident.as_str(), args.as_slice()) {
            ("Vec" | "VecDeque" | "BTreeSet" | "HashSet", [elem]) => {
                matches!(wit, Type::List(e) if self.same(elem, e))
            }
            ("BTreeMap" | "HashMap", [k, v]) => matches!(wit, Type::List(e)
                if matches!(&**e, Type::Tuple(kv) if kv.len() == 2
                    && self.same(k, &kv[0]) && self.same(v, &kv[1]))),
            ("Option", [inner]) => matches!(wit, Type::Option(w) if self.same(inner, w)),
            ("Result", [ok, err]) => match wit {
                Type::Result { ok: wok, err: werr } => {
                    self.side(ok, wok.as_deref()) && self.side(err, werr.as_deref())
                }
                _ => false,
            },
            ("Box" | "Rc" | "Arc", [inner]) => self.same(inner, wit),
            _ => {
                // A user type: it must be the declared named type; a name
                // the package does not know may be a Rust alias.
                let kebab = kebab_case(&ident);
                if names.iter().any(|n| *n == kebab) {
                    if let Type::Named(r) = wit
                        && let Some(def) = self.pkg.resolve(r)
                    {
                        self.matched_type(rust, def);
                    }
                    return true;
                }
                !self.known_type(&kebab)
            }
        }
    }

    fn side(&self, rust: &syn::Type, wit: Option<&'p Type>) -> bool {
        match wit {
            Some(w) => self.same(rust, w),
            None => is_unit(rust),
        }
    }

    fn matched_type(&self, rust: &syn::Type, def: &'p TypeDef) {
        let mut matched = self.matched.borrow_mut();
        let spelled_now = spelled(rust);
        if !matched.iter().any(|(t, _)| spelled(t) == spelled_now) {
            matched.push((rust.clone(), def));
        }
    }

    /// One constant assertion per matched user type; the first difference
    /// found is the panic, spanned at the user's type, that rustc reports.
    fn shape_checks(&self, k: &syn::Path) -> TokenStream {
        let s = quote!(#k::abi::shape);
        let mut out = TokenStream::new();
        for (rust, def) in self.matched.borrow().iter() {
            let user = spelled(rust);
            let wit = &def.name;
            let decl = declaration(def);
            let head = format!("`{user}` does not match WIT `{wit}` (`{decl}`)");
            let (compare, arms) = match &def.kind {
                TypeDefKind::Record(fields) => {
                    let expected = fields.iter().map(|f| {
                        let (name, shape) = (&f.name, self.shape(&f.ty, &s));
                        quote!((#name, &#shape))
                    });
                    let mut arms: Vec<(TokenStream, String)> = fields
                        .iter()
                        .enumerate()
                        .flat_map(|(i, f)| {
                            let n = &f.name;
                            [
                                (quote!(Missing(#i)), format!("{head}: it has no field `{n}` on the wire (fields travel by name: add the field, or `#[graph(rename = \"{n}\")]` to the one it is)")),
                                (quote!(Type(#i)), format!("{head}: its field `{n}` must be `{}`", f.ty)),
                            ]
                        })
                        .collect();
                    arms.push((
                        quote!(Kind),
                        format!(
                            "{head}: WIT `{wit}` is a record, `{user}` is another kind of type"
                        ),
                    ));
                    arms.push((
                        quote!(Extra),
                        format!("{head}: `{user}` has fields WIT `{wit}` does not declare"),
                    ));
                    let compare = quote!(#s::record_difference(&<#rust as #k::GraphValue>::SHAPE, &[#(#expected),*]));
                    (compare, arms)
                }
                TypeDefKind::Variant(_) | TypeDefKind::Enum(_) => {
                    let cases: Vec<(String, Option<&Type>)> = match &def.kind {
                        TypeDefKind::Variant(cases) => cases
                            .iter()
                            .map(|c| (c.name.clone(), c.payload.as_ref()))
                            .collect(),
                        TypeDefKind::Enum(names) => {
                            names.iter().map(|n| (n.clone(), None)).collect()
                        }
                        _ => Vec::new(),
                    };
                    let kind = if matches!(def.kind, TypeDefKind::Enum(_)) {
                        "an enum"
                    } else {
                        "a variant"
                    };
                    let expected = cases.iter().map(|(name, payload)| match payload {
                        Some(t) => {
                            let shape = self.shape(t, &s);
                            quote!((#name, ::core::option::Option::Some(&#shape)))
                        }
                        None => quote!((#name, ::core::option::Option::None)),
                    });
                    let mut arms: Vec<(TokenStream, String)> = cases
                        .iter()
                        .enumerate()
                        .flat_map(|(i, (n, payload))| {
                            let payload = match payload {
                                Some(t) => format!("carries a `{t}`"),
                                None => "carries nothing".to_string(),
                            };
                            [
                                (quote!(Missing(#i)), format!("{head}: it has no case `{n}` (case {i} of {} cases)", cases.len())),
                                (quote!(Tag(#i)), format!("{head}: its case `{n}` does not travel as tag {i}, its position in WIT: declare the cases in WIT order")),
                                (quote!(Type(#i)), format!("{head}: its case `{n}` must be the one that {payload}")),
                            ]
                        })
                        .collect();
                    arms.push((quote!(Kind), format!("{head}: WIT `{wit}` is {kind}, `{user}` is another kind of type (an enum)")));
                    arms.push((
                        quote!(Extra),
                        format!("{head}: `{user}` has cases WIT `{wit}` does not declare"),
                    ));
                    let compare = quote!(#s::variant_difference(&<#rust as #k::GraphValue>::SHAPE, &[#(#expected),*]));
                    (compare, arms)
                }
                TypeDefKind::Flags(names) => {
                    let mut arms: Vec<(TokenStream, String)> = names
                        .iter()
                        .enumerate()
                        .map(|(i, n)| {
                            (
                                quote!(Missing(#i)),
                                format!("{head}: its flag {i} is not `{n}`"),
                            )
                        })
                        .collect();
                    arms.push((
                        quote!(Kind),
                        format!("{head}: WIT `{wit}` is flags, `{user}` is another kind of type"),
                    ));
                    arms.push((
                        quote!(Extra),
                        format!("{head}: `{user}` has flags WIT `{wit}` does not declare"),
                    ));
                    let compare = quote!(#s::flags_difference(&<#rust as #k::GraphValue>::SHAPE, &[#(#names),*]));
                    (compare, arms)
                }
                TypeDefKind::Alias(_) => continue,
            };
            let arms = arms.iter().map(|(pat, msg)| quote_spanned!(rust.span()=> #s::Difference::#pat => ::core::panic!("{}", #msg),));
            out.extend(quote_spanned! {rust.span()=>
                const _: () = match #compare {
                    #(#arms)*
                    _ => {}
                };
            });
        }
        out
    }

    /// The declared type as a `Shape` constant: named types by name (their
    /// structure is their own check), aliases followed.
    fn shape(&self, ty: &'p Type, s: &TokenStream) -> TokenStream {
        let mut names = Vec::new();
        let ty = self.resolve(ty, &mut names);
        let unit = quote!(#s::Shape::Tuple(&[]));
        match ty {
            Type::Bool => quote!(#s::Shape::Bool),
            Type::U8 => quote!(#s::Shape::U8),
            Type::U16 => quote!(#s::Shape::U16),
            Type::U32 => quote!(#s::Shape::U32),
            Type::U64 => quote!(#s::Shape::U64),
            Type::S8 => quote!(#s::Shape::S8),
            Type::S16 => quote!(#s::Shape::S16),
            Type::S32 => quote!(#s::Shape::S32),
            Type::S64 => quote!(#s::Shape::S64),
            Type::F32 => quote!(#s::Shape::F32),
            Type::F64 => quote!(#s::Shape::F64),
            Type::Char => quote!(#s::Shape::Char),
            Type::String => quote!(#s::Shape::String),
            Type::List(t) => {
                let t = self.shape(t, s);
                quote!(#s::Shape::List(&#t))
            }
            Type::Option(t) => {
                let t = self.shape(t, s);
                quote!(#s::Shape::Option(&#t))
            }
            Type::Result { ok, err } => {
                let side = |t: &'p Option<Box<Type>>| match t {
                    Some(t) => self.shape(t, s),
                    None => unit.clone(),
                };
                let (ok, err) = (side(ok), side(err));
                quote!(#s::Shape::Result(&#ok, &#err))
            }
            Type::Tuple(items) => {
                let items = items.iter().map(|t| self.shape(t, s));
                quote!(#s::Shape::Tuple(&[#(&#items),*]))
            }
            Type::Named(r) => {
                let name = &r.name;
                quote!(#s::Shape::Named(#name))
            }
            _ => quote!(#s::Shape::Unknown),
        }
    }

    fn known_type(&self, name: &str) -> bool {
        self.pkg
            .interfaces
            .iter()
            .any(|i| i.types.iter().any(|t| t.name == name))
    }
}

/// The type as the user wrote it (`Vec<u8>`, not `Vec < u8 >`).
fn spelled(t: &syn::Type) -> String {
    let mut s = t.to_token_stream().to_string();
    for (from, to) in [
        (" <", "<"),
        ("< ", "<"),
        (" >", ">"),
        (" ,", ","),
        ("& ", "&"),
        (" ::", "::"),
        (":: ", "::"),
    ] {
        s = s.replace(from, to);
    }
    s
}

/// `record config { level: u8 }`, as the message quotes the declaration.
fn declaration(def: &TypeDef) -> String {
    let (kind, members): (&str, Vec<String>) = match &def.kind {
        TypeDefKind::Record(fields) => (
            "record",
            fields
                .iter()
                .map(|f| format!("{}: {}", f.name, f.ty))
                .collect(),
        ),
        TypeDefKind::Variant(cases) => (
            "variant",
            cases
                .iter()
                .map(|c| match &c.payload {
                    Some(t) => format!("{}({t})", c.name),
                    None => c.name.clone(),
                })
                .collect(),
        ),
        TypeDefKind::Enum(names) => ("enum", names.clone()),
        TypeDefKind::Flags(names) => ("flags", names.clone()),
        TypeDefKind::Alias(t) => return format!("type {} = {t}", def.name),
    };
    format!("{kind} {} {{ {} }}", def.name, members.join(", "))
}

fn is_unit(t: &syn::Type) -> bool {
    matches!(t, syn::Type::Tuple(t) if t.elems.is_empty())
}

/// `ContainerSpec` → `container-spec`.
fn kebab_case(ident: &str) -> String {
    let mut out = String::new();
    for (i, c) in ident.trim_start_matches("r#").chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else if c == '_' {
            out.push('-');
        } else {
            out.push(c);
        }
    }
    out
}
