//! `packr::bindgen!`: Rust types, host traits and typed export calls from
//! a WIT+ world.
//!
//! Split by concern: `options` parses the macro's input, `types` maps WIT+
//! types to Rust and writes type definitions, `host` writes the `Host`
//! trait and `add_to_linker` of an imported interface, `exports` the typed
//! calls into an exported one. This module holds the entry point, the
//! shared `Gen` context and naming.

mod exports;
mod host;
mod options;
mod types;

use options::Options;
use packr_runtime::wit::{Function, Interface, Package, World, WorldItem};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use std::collections::{HashMap, HashSet};
use syn::{Ident, LitStr};
use types::boxed_refs;

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
            with: HashMap::new(),
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
        let found = name.rsplit_once('.').is_some_and(|(i, t)| {
            pkg.interface(i)
                .is_some_and(|iface| iface.qualified == i && iface.type_def(t).is_some())
        });
        if !found {
            push(syn::Error::new(
                key.span(),
                format!(
                    "`with` maps `{name}`, but the package declares no such type: write \"ns:pkg/interface.type\""
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
