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

use crate::args::Args;
use crate::method::{Borrow, Method, Ret, generic_args};
use packr_runtime::wit::{Function, Interface, Package, Type, TypeDefKind};
use quote::ToTokens;

/// The files the declaration came from, for `include_str!` (so editing
/// them rebuilds), or the errors found.
pub(crate) fn check(
    args: &Args,
    wit: &syn::LitStr,
    methods: &[Method],
    errors: &mut Vec<syn::Error>,
) -> Vec<String> {
    let (pkg, path) = match crate::paths::load(wit) {
        Ok(loaded) => loaded,
        Err(e) => {
            errors.push(e);
            return Vec::new();
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
        return Vec::new();
    };
    let checker = Checker { pkg: &pkg, iface };
    for m in methods {
        // `[resource-drop]r` of a declared resource counts as declared.
        match iface.import_function(&m.wit) {
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
            Some(decl) => checker.method(m, &decl, errors),
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
    crate::paths::sources(&path)
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
}

impl Checker<'_> {
    fn method(&self, m: &Method, decl: &Function, errors: &mut Vec<syn::Error>) {
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
            (Ret::Handle(t, _), expected) => (
                format!("`Resource<{}>`", spelled(t)),
                t.to_token_stream(),
                matches!(expected, Some(Type::Own(_))),
            ),
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
    fn resolve<'t>(&'t self, mut ty: &'t Type, names: &mut Vec<&'t str>) -> &'t Type {
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
    fn same(&self, rust: &syn::Type, wit: &Type) -> bool {
        let mut names = Vec::new();
        let wit = self.resolve(wit, &mut names);
        match rust {
            syn::Type::Paren(p) => return self.same(&p.elem, wit),
            syn::Type::Group(g) => return self.same(&g.elem, wit),
            syn::Type::Reference(r) => {
                if crate::method::resource_of(&r.elem).is_some() {
                    return matches!(wit, Type::Borrow(_));
                }
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
            ("Resource", [_]) => matches!(wit, Type::Own(_)),
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
                    return true;
                }
                !self.known_type(&kebab)
            }
        }
    }

    fn side(&self, rust: &syn::Type, wit: Option<&Type>) -> bool {
        match wit {
            Some(w) => self.same(rust, w),
            None => is_unit(rust),
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
