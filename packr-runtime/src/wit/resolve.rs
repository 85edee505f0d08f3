//! Turns parsed files into a [`Package`]: merges the files of one package,
//! resolves `use` and every type name, and rejects duplicates.

use super::Package;
use super::error::{Span, WitError};
use super::model::{Function, Interface, Type, TypeDef, TypeDefKind, TypeRef, World, WorldItem};
use super::parser::{ParsedFile, ParsedInterface, ParsedWorldItem};
use std::collections::HashMap;

pub(crate) fn package(files: Vec<ParsedFile>, start_of_first: Span) -> Result<Package, WitError> {
    let mut name = None;
    let mut parsed_ifaces = Vec::new();
    let mut parsed_worlds = Vec::new();
    for file in files {
        if let Some((pkg, span)) = file.package {
            match &name {
                None => name = Some(pkg),
                Some(first) if *first != pkg => {
                    return Err(WitError::new(
                        span,
                        format!("this folder is package `{first}`; a file cannot declare `{pkg}`"),
                    ));
                }
                Some(_) => {}
            }
        }
        parsed_ifaces.extend(file.interfaces);
        parsed_worlds.extend(file.worlds);
    }
    let name = name.ok_or_else(|| {
        WitError::new(
            start_of_first,
            "expected a package declaration (`package ns:name;`) at the top of the file",
        )
    })?;
    let qualify = |iface: &str| format!("{name}/{iface}");

    // Inline world interfaces join the package under their own names.
    let mut worlds = Vec::new();
    for w in parsed_worlds {
        let mut items: Vec<(bool, WorldItem, Span)> = Vec::new();
        for (export, item, span) in w.items {
            let item = match item {
                ParsedWorldItem::Inline(iface) => {
                    let q = qualify(&iface.name);
                    parsed_ifaces.push(iface);
                    (WorldItem::Interface(q), span)
                }
                ParsedWorldItem::Interface(path) => {
                    let q = if path.contains(':') {
                        path
                    } else {
                        qualify(&path)
                    };
                    (WorldItem::Interface(q), span)
                }
                ParsedWorldItem::Function(f) => (WorldItem::Function(f), span),
            };
            items.push((export, item.0, item.1));
        }
        worlds.push((w.name, w.docs, w.span, items, w.uses));
    }

    // Names first: duplicates, and each interface's scope.
    let mut by_name: HashMap<String, usize> = HashMap::new();
    for (i, iface) in parsed_ifaces.iter().enumerate() {
        if by_name.insert(qualify(&iface.name), i).is_some() {
            return Err(WitError::new(
                iface.span.clone(),
                format!("interface `{}` is declared twice", iface.name),
            ));
        }
    }
    let mut interfaces: Vec<Interface> = Vec::new();
    for iface in &parsed_ifaces {
        interfaces.push(scope(iface, &qualify(&iface.name))?);
    }
    // `use`: aliases of the types of other interfaces.
    for (i, iface) in parsed_ifaces.iter().enumerate() {
        for u in &iface.uses {
            let target = if u.from.contains(':') {
                u.from.clone()
            } else {
                qualify(&u.from)
            };
            let Some(&t) = by_name.get(&target) else {
                return Err(WitError::new(
                    u.from_span.clone(),
                    format!("`use` of unknown interface `{}`", u.from),
                ));
            };
            for (original, local, span) in &u.names {
                if !parsed_ifaces[t].types.iter().any(|d| &d.name == original)
                    && !parsed_ifaces[t]
                        .uses
                        .iter()
                        .any(|u| u.names.iter().any(|n| &n.1 == original))
                {
                    return Err(WitError::new(
                        span.clone(),
                        format!("interface `{}` has no type `{original}`", u.from),
                    ));
                }
                builtin_name(local, span)?;
                if interfaces[i].types.iter().any(|d| &d.name == local) {
                    return Err(WitError::new(
                        span.clone(),
                        format!("`{local}` is already a type of interface `{}`", iface.name),
                    ));
                }
                let ty = Type::Named(TypeRef {
                    interface: target.clone(),
                    name: original.clone(),
                    span: Some(span.clone()),
                });
                interfaces[i].types.push(TypeDef {
                    name: local.clone(),
                    docs: String::new(),
                    kind: TypeDefKind::Alias(ty),
                    span: span.clone(),
                });
            }
        }
    }
    // Every type name, against its interface's scope.
    for iface in &mut interfaces {
        let names: Vec<String> = iface.types.iter().map(|t| t.name.clone()).collect();
        let q = iface.qualified.clone();
        let scope = |r: &mut TypeRef| -> Result<(), WitError> { bind(r, &q, &names) };
        for def in &mut iface.types {
            walk_def(&mut def.kind, &mut |r| scope(r))?;
        }
        for f in &mut iface.functions {
            walk_fn(f, &mut |r| scope(r))?;
        }
    }
    let mut seen_worlds: Vec<String> = Vec::new();
    let mut out_worlds = Vec::new();
    for (name, docs, span, items, uses) in worlds {
        // The world's `use`d types, by local name.
        let mut scope: Vec<(String, TypeRef)> = Vec::new();
        for u in &uses {
            let target = if u.from.contains(':') {
                u.from.clone()
            } else {
                qualify(&u.from)
            };
            let Some(&t) = by_name.get(&target) else {
                return Err(WitError::new(
                    u.from_span.clone(),
                    format!("`use` of unknown interface `{}`", u.from),
                ));
            };
            for (original, local, nspan) in &u.names {
                builtin_name(local, nspan)?;
                if interfaces[t].type_def(original).is_none() {
                    return Err(WitError::new(
                        nspan.clone(),
                        format!("interface `{}` has no type `{original}`", u.from),
                    ));
                }
                scope.push((
                    local.clone(),
                    TypeRef {
                        interface: target.clone(),
                        name: original.clone(),
                        span: None,
                    },
                ));
            }
        }
        if seen_worlds.contains(&name) {
            return Err(WitError::new(
                span,
                format!("world `{name}` is declared twice"),
            ));
        }
        seen_worlds.push(name.clone());
        let mut world = World {
            name,
            docs,
            imports: Vec::new(),
            exports: Vec::new(),
        };
        for (export, mut item, item_span) in items {
            match &mut item {
                WorldItem::Interface(q) => {
                    if !by_name.contains_key(q.as_str()) {
                        return Err(WitError::new(item_span, format!("unknown interface `{q}`")));
                    }
                }
                WorldItem::Function(f) => walk_fn(f, &mut |r| {
                    if let Some((_, to)) = scope.iter().find(|(local, _)| *local == r.name) {
                        r.interface = to.interface.clone();
                        r.name = to.name.clone();
                        return Ok(());
                    }
                    bind(r, "", &[])
                })?,
            }
            let side = if export {
                &mut world.exports
            } else {
                &mut world.imports
            };
            let key = |i: &WorldItem| match i {
                WorldItem::Interface(q) => q.clone(),
                WorldItem::Function(f) => f.name.clone(),
            };
            if side.iter().any(|other| key(other) == key(&item)) {
                return Err(WitError::new(
                    item_span,
                    format!(
                        "`{}` is {} twice",
                        key(&item),
                        if export { "exported" } else { "imported" }
                    ),
                ));
            }
            side.push(item);
        }
        out_worlds.push(world);
    }
    let pkg = Package {
        name,
        interfaces,
        worlds: out_worlds,
    };
    for iface in &pkg.interfaces {
        for def in &iface.types {
            alias_cycle(&pkg, &iface.qualified, def)?;
        }
    }
    Ok(pkg)
}

/// An interface's own types and functions, checked for duplicates.
fn scope(iface: &ParsedInterface, qualified: &str) -> Result<Interface, WitError> {
    let mut types: Vec<TypeDef> = Vec::new();
    for def in &iface.types {
        if types.iter().any(|t| t.name == def.name) {
            return Err(WitError::new(
                def.span.clone(),
                format!(
                    "type `{}` is declared twice in interface `{}`",
                    def.name, iface.name
                ),
            ));
        }
        builtin_name(&def.name, &def.span)?;
        check_members(def)?;
        types.push(def.clone());
    }
    let mut functions: Vec<Function> = Vec::new();
    for (f, span) in &iface.functions {
        if functions.iter().any(|g| g.name == f.name) {
            return Err(WitError::new(
                span.clone(),
                format!(
                    "function `{}` is declared twice in interface `{}`",
                    f.name, iface.name
                ),
            ));
        }
        functions.push(f.clone());
    }
    Ok(Interface {
        name: iface.name.clone(),
        qualified: qualified.to_string(),
        docs: iface.docs.clone(),
        types,
        functions,
        span: iface.span.clone(),
    })
}

/// A type cannot take the name of a built-in type: every use of the name
/// means the built-in (`value` is the dynamic value), so the definition
/// could never be referred to, and its Rust binding would clash with the
/// built-in's (`types::Value` against `packr::Value`).
fn builtin_name(name: &str, span: &Span) -> Result<(), WitError> {
    if !super::parser::BUILTIN_TYPES.contains(&name) {
        return Ok(());
    }
    let what = if name == "value" {
        "the built-in dynamic value type"
    } else {
        "a built-in type"
    };
    Err(WitError::new(
        span.clone(),
        format!(
            "a type cannot be named `{name}`: `{name}` is {what}, which every use of the name means; rename this type (e.g. `my-{name}`)"
        ),
    ))
}

/// Field, case and flag names are unique within their type.
fn check_members(def: &TypeDef) -> Result<(), WitError> {
    let names: Vec<&str> = match &def.kind {
        TypeDefKind::Record(fields) => fields.iter().map(|f| f.name.as_str()).collect(),
        TypeDefKind::Variant(cases) => cases.iter().map(|c| c.name.as_str()).collect(),
        TypeDefKind::Enum(names) | TypeDefKind::Flags(names) => {
            names.iter().map(String::as_str).collect()
        }
        TypeDefKind::Alias(_) => Vec::new(),
    };
    for (i, n) in names.iter().enumerate() {
        if names[..i].contains(n) {
            return Err(WitError::new(
                def.span.clone(),
                format!("`{n}` appears twice in `{}`", def.name),
            ));
        }
    }
    if names.is_empty() && !matches!(def.kind, TypeDefKind::Alias(_)) {
        return Err(WitError::new(
            def.span.clone(),
            format!("`{}` must have at least one member", def.name),
        ));
    }
    Ok(())
}

fn bind(r: &mut TypeRef, interface: &str, names: &[String]) -> Result<(), WitError> {
    if !r.interface.is_empty() {
        return Ok(());
    }
    if names.contains(&r.name) {
        r.interface = interface.to_string();
        return Ok(());
    }
    let span = r.span.clone().expect("parsed type references carry a span");
    Err(WitError::new(span, format!("unknown type `{}`", r.name)))
}

fn walk_def(
    kind: &mut TypeDefKind,
    f: &mut impl FnMut(&mut TypeRef) -> Result<(), WitError>,
) -> Result<(), WitError> {
    match kind {
        TypeDefKind::Record(fields) => fields.iter_mut().try_for_each(|x| walk(&mut x.ty, f)),
        TypeDefKind::Variant(cases) => cases
            .iter_mut()
            .filter_map(|c| c.payload.as_mut())
            .try_for_each(|t| walk(t, f)),
        TypeDefKind::Enum(_) | TypeDefKind::Flags(_) => Ok(()),
        TypeDefKind::Alias(t) => walk(t, f),
    }
}

fn walk_fn(
    func: &mut Function,
    f: &mut impl FnMut(&mut TypeRef) -> Result<(), WitError>,
) -> Result<(), WitError> {
    for (_, t) in &mut func.params {
        walk(t, f)?;
    }
    if let Some(t) = &mut func.result {
        walk(t, f)?;
    }
    Ok(())
}

pub(crate) fn walk(
    ty: &mut Type,
    f: &mut impl FnMut(&mut TypeRef) -> Result<(), WitError>,
) -> Result<(), WitError> {
    match ty {
        Type::List(t) | Type::Option(t) => walk(t, f),
        Type::Result { ok, err } => {
            if let Some(t) = ok {
                walk(t, f)?;
            }
            if let Some(t) = err {
                walk(t, f)?;
            }
            Ok(())
        }
        Type::Tuple(items) => items.iter_mut().try_for_each(|t| walk(t, f)),
        Type::Named(r) => f(r),
        _ => Ok(()),
    }
}

/// `type a = b; type b = a;` names no type at all.
fn alias_cycle(pkg: &Package, interface: &str, def: &TypeDef) -> Result<(), WitError> {
    let mut seen = vec![(interface.to_string(), def.name.clone())];
    let mut kind = &def.kind;
    while let TypeDefKind::Alias(Type::Named(r)) = kind {
        if seen.iter().any(|(i, n)| *i == r.interface && *n == r.name) {
            return Err(WitError::new(
                def.span.clone(),
                format!("type `{}` is an alias of itself", def.name),
            ));
        }
        seen.push((r.interface.clone(), r.name.clone()));
        match pkg.resolve(r) {
            Some(next) => kind = &next.kind,
            None => break,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::parser::BUILTIN_TYPES;
    use super::super::{Package, Type};

    #[test]
    fn a_type_named_like_a_builtin_is_refused_at_its_definition() {
        let text = "package a:b;\ninterface i {\n    variant value { none, some(s64) }\n    f: func(v: value);\n}\n";
        let err = Package::parse("v.wit+", text).unwrap_err();
        let shown = err.to_string();
        assert!(shown.contains("v.wit+:3:13"), "at the name: {shown}");
        assert!(
            shown.contains("a type cannot be named `value`")
                && shown.contains("built-in dynamic value type")
                && shown.contains("rename"),
            "{shown}"
        );
        for word in ["string", "list", "u8"] {
            let text = format!("package a:b;\ninterface i {{ record {word} {{ x: u8 }} }}\n");
            let err = Package::parse("v.wit+", &text).unwrap_err().to_string();
            assert!(err.contains(&format!("cannot be named `{word}`")), "{err}");
        }
        // A renamed `use` cannot take the name either.
        let text = "package a:b;\ninterface t { record r { x: u8 } }\ninterface i { use t.{r as value}; }\n";
        let err = Package::parse("v.wit+", text).unwrap_err().to_string();
        assert!(err.contains("cannot be named `value`"), "{err}");
        // A name that merely contains a builtin is fine.
        let text = "package a:b;\ninterface i { variant my-value { none, some(s64) } f: func(v: my-value); }\n";
        assert!(Package::parse("v.wit+", text).is_ok());
    }

    #[test]
    fn every_reserved_word_parses_as_a_builtin() {
        for word in BUILTIN_TYPES {
            let ty = match *word {
                "list" | "option" => format!("{word}<u8>"),
                "tuple" => "tuple<u8, u8>".to_string(),
                w => w.to_string(),
            };
            let text = format!("package a:b;\ninterface i {{ f: func(x: {ty}); }}\n");
            let pkg = Package::parse("b.wit+", &text).unwrap();
            let param = &pkg.interface("i").unwrap().function("f").unwrap().params[0].1;
            assert!(!matches!(param, Type::Named(_)), "`{word}` is a builtin");
        }
    }
}
