//! `resource` in WIT+: canonical function names, handle types, `use`
//! across interfaces, and hashing (packr's extension: resource-free
//! interfaces hash as before, which `wit.rs` checks against the reference).

use packr_runtime::wit::{FunctionKind, Package, Type, TypeDefKind, TypeRef, WitError};

const STREAMS: &str = "package test:streams;
interface types {
    /// A duplex byte connection.
    resource connection {
        /// Opens a connection to `peer`.
        constructor(peer: string);
        get-input-stream-handle: func() -> u32;
        write: func(bytes: list<u8>);
        open: static func(peer: string) -> connection;
    }
    resource token;
}
interface pool {
    use types.{connection};
    adopt: func(c: own<connection>) -> u32;
    peek: func(c: borrow<connection>) -> u32;
    take: func(c: connection);
    pair: func() -> tuple<connection, option<connection>>;
}
world streams {
    import types;
    import pool;
}";

fn streams() -> Package {
    Package::parse("streams.wit+", STREAMS).expect("the streams world parses")
}

fn own(iface: &str, name: &str) -> Type {
    Type::Own(TypeRef::new(iface, name))
}

fn parse_err(text: &str) -> WitError {
    Package::parse("bad.wit+", text).expect_err("the text is invalid")
}

#[test]
fn members_become_functions_under_their_canonical_names() {
    let pkg = streams();
    let types = pkg.interface("types").unwrap();
    let def = types.type_def("connection").unwrap();
    assert_eq!(def.kind, TypeDefKind::Resource);
    assert_eq!(def.docs, "A duplex byte connection.");
    assert_eq!(types.type_def("token").unwrap().kind, TypeDefKind::Resource);
    let names: Vec<&str> = types.functions.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "[constructor]connection",
            "[method]connection.get-input-stream-handle",
            "[method]connection.write",
            "[static]connection.open",
        ]
    );
    let ctor = types.function("[constructor]connection").unwrap();
    assert_eq!(ctor.kind(), FunctionKind::Constructor("connection"));
    assert_eq!(ctor.docs, "Opens a connection to `peer`.");
    assert_eq!(ctor.result, Some(own("test:streams/types", "connection")));
    let write = types.function("[method]connection.write").unwrap();
    assert_eq!(
        write.to_string(),
        "[method]connection.write: func(self: borrow<connection>, bytes: list<u8>)"
    );
    let open = types.function("[static]connection.open").unwrap();
    assert_eq!(
        open.kind(),
        FunctionKind::Static {
            resource: "connection",
            name: "open"
        }
    );
    assert_eq!(open.params.len(), 1, "a static function has no `self`");
    assert_eq!(open.result, Some(own("test:streams/types", "connection")));
}

#[test]
fn a_bare_resource_name_is_own_and_use_reaches_the_resource() {
    let pkg = streams();
    let pool = pkg.interface("pool").unwrap();
    let conn = || TypeRef::new("test:streams/types", "connection");
    assert_eq!(
        pool.function("adopt").unwrap().params[0].1,
        Type::Own(conn())
    );
    assert_eq!(
        pool.function("peek").unwrap().params[0].1,
        Type::Borrow(conn())
    );
    assert_eq!(
        pool.function("take").unwrap().params[0].1,
        Type::Own(conn())
    );
    assert_eq!(
        pool.function("pair").unwrap().result,
        Some(Type::Tuple(vec![
            Type::Own(conn()),
            Type::Option(Box::new(Type::Own(conn())))
        ]))
    );
    assert_eq!(
        pool.function("take").unwrap().kind(),
        FunctionKind::Freestanding
    );
}

#[test]
fn handle_mistakes_are_errors_on_the_token() {
    let err = parse_err("package a:b; interface i { record r { x: u8 } f: func(x: borrow<r>); }");
    assert!(
        err.to_string()
            .contains("`borrow<r>`: `r` is not a resource"),
        "{err}"
    );
    let err = parse_err("package a:b; interface i { f: func(x: own<nothing>); }");
    assert!(err.to_string().contains("unknown type `nothing`"), "{err}");
    let err = parse_err("package a:b; interface i { resource r { constructor() -> u32; } }");
    assert!(
        err.to_string()
            .contains("a constructor returns its resource"),
        "{err}"
    );
    let err = parse_err("package a:b; interface i { resource r { m: func(self: u32); } }");
    assert!(err.to_string().contains("`self` is implicit"), "{err}");
    let err = parse_err("package a:b; interface i { resource r { m: func(); m: func(); } }");
    assert!(err.to_string().contains("declared twice"), "{err}");
}

#[test]
fn own_and_borrow_hash_differently_and_a_resource_hashes_its_methods() {
    let pkg = streams();
    let conn = TypeRef::new("test:streams/types", "connection");
    let owned = pkg.type_hash(&Type::Own(conn.clone()));
    let borrowed = pkg.type_hash(&Type::Borrow(conn.clone()));
    assert_ne!(owned, borrowed);
    assert_ne!(
        owned,
        pkg.type_hash(&Type::U32),
        "a handle is not its wire type"
    );
    let token = pkg.type_hash(&Type::Own(TypeRef::new("test:streams/types", "token")));
    assert_ne!(owned, token, "the resource's name and methods are hashed");
    // One method more changes the resource's hash and so every hash that
    // names it.
    let more = STREAMS.replace(
        "write: func(bytes: list<u8>);",
        "write: func(bytes: list<u8>);\n        flush: func();",
    );
    let more = Package::parse("streams.wit+", &more).unwrap();
    assert_ne!(more.type_hash(&Type::Own(conn)), owned);
    assert_ne!(more.interface_hash("pool"), pkg.interface_hash("pool"));
    // Deterministic.
    assert_eq!(
        streams().interface_hash("types"),
        pkg.interface_hash("types")
    );
}
