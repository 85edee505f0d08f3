//! The WIT+ parser: every construct, every diagnostic, and interface
//! hashes equal to the reference implementation's.

use packr_abi::{
    Binding, HASH_BOOL, HASH_S64, HASH_SELF_REF, HASH_STRING, HASH_U8, HASH_U32, HASH_U64,
    TypeHash, hash_function, hash_interface, hash_list, hash_option, hash_record, hash_result,
    hash_tuple, hash_variant,
};
use packr_runtime::wit::{Package, Type, TypeDefKind, TypeRef, WitError, WorldItem};

fn theater() -> Package {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../wit/theater.wit+");
    Package::load(path).unwrap()
}

fn named(interface: &str, name: &str) -> Type {
    Type::Named(TypeRef::new(interface, name))
}

fn parse_err(text: &str) -> WitError {
    Package::parse("test.wit+", text).unwrap_err()
}

#[test]
fn the_theater_world_parses_with_docs_uses_and_an_inline_export() {
    let pkg = theater();
    assert_eq!(pkg.name.as_ref().unwrap().to_string(), "theater:simple");
    let world = pkg.world(None).unwrap();
    assert_eq!(world.name, "actor");
    assert_eq!(
        world.imports,
        [
            WorldItem::Interface("theater:simple/runtime".into()),
            WorldItem::Interface("theater:simple/store".into()),
            WorldItem::Interface("theater:simple/timer".into()),
        ]
    );
    assert_eq!(
        world.exports,
        [WorldItem::Interface("theater:simple/actor".into())]
    );

    let runtime = pkg.interface("runtime").unwrap();
    assert_eq!(runtime.docs, "What the host offers every actor.");
    let names: Vec<_> = runtime.functions.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["log", "self", "shutdown"], "`%self` is unescaped");
    assert_eq!(
        runtime.function("shutdown").unwrap().result,
        Some(Type::Result {
            ok: None,
            err: Some(Box::new(Type::String))
        })
    );

    let actor = pkg.interface("theater:simple/actor").unwrap();
    let handle = actor.function("handle").unwrap();
    assert_eq!(handle.docs, "Handles one message.");
    assert_eq!(
        handle.params[1],
        ("msg".into(), named("theater:simple/actor", "message"))
    );
    // `use` makes an alias of the original definition.
    assert_eq!(
        actor.type_def("message").unwrap().kind,
        TypeDefKind::Alias(named("theater:simple/types", "message"))
    );
    let message = pkg.interface("types").unwrap().type_def("message").unwrap();
    let TypeDefKind::Variant(cases) = &message.kind else {
        panic!()
    };
    assert_eq!(
        cases[3].payload,
        Some(Type::List(Box::new(named(
            "theater:simple/types",
            "message"
        )))),
        "recursion is allowed by default"
    );
}

#[test]
fn every_type_form_parses() {
    let pkg = Package::parse(
        "forms.wit+",
        r#"
        package a:forms;
        interface all {
            /* a block comment */
            type a = tuple<u8, u16, u32, u64, s8, s16, s32, s64, f32, f64, char, bool, string, value>;
            type r0 = result;
            type r1 = result<u8>;
            type r2 = result<_, string>;
            type r3 = result<u8, string>;
            enum color { red, green, }
            flags perms { read, write }
            record point { x: s32, y: s32 }
            // mutual recursion through two types
            variant tree { leaf(u8), node(forest) }
            record forest { trees: list<tree>, label: option<string> }
            f: func();
            g: func(x: point, y: list<list<color>>) -> perms;
        }
        world w {
            import all;
            import clock: func() -> u64;
            export run: func(args: list<string>) -> s32;
        }
    "#,
    )
    .unwrap();
    let all = pkg.interface("all").unwrap();
    assert_eq!(all.types.len(), 10);
    assert_eq!(
        all.type_def("r1").unwrap().kind,
        TypeDefKind::Alias(Type::Result {
            ok: Some(Box::new(Type::U8)),
            err: None
        })
    );
    assert_eq!(
        all.type_def("color").unwrap().kind,
        TypeDefKind::Enum(vec!["red".into(), "green".into()])
    );
    let w = pkg.world(Some("w")).unwrap();
    assert!(matches!(&w.imports[1], WorldItem::Function(f) if f.name == "clock"));
    assert!(matches!(&w.exports[0], WorldItem::Function(f) if f.name == "run"));
}

#[test]
fn errors_point_at_the_token_with_a_caret() {
    let e = parse_err("package a:b;\ninterface i {\n    f: func(x: strng);\n}\n");
    assert_eq!((e.file(), e.line_col()), ("test.wit+", (3, 16)));
    assert_eq!(e.message(), "unknown type `strng`");
    let shown = e.to_string();
    assert!(
        shown.starts_with("test.wit+:3:16: unknown type `strng`\n"),
        "{shown}"
    );
    assert!(
        shown.contains("    3 |     f: func(x: strng);\n"),
        "{shown}"
    );
    assert!(shown.ends_with("      |                ^^^^^"), "{shown:?}");
}

#[test]
fn each_mistake_has_its_own_message() {
    let cases: &[(&str, &str, (usize, usize))] = &[
        (
            "package a:b;\ninterface i { f: func(x: u8) }",
            "expected `;`, found `}`",
            (2, 30),
        ),
        (
            "package a:b;\ninterface i { f: func(x u8); }",
            "expected `:`, found `u8`",
            (2, 25),
        ),
        (
            "package a:b;\ninterface i { type t = u8; type t = u16; }",
            "type `t` is declared twice in interface `i`",
            (2, 33),
        ),
        (
            "package a:b;\ninterface i { f: func(); f: func(); }",
            "function `f` is declared twice",
            (2, 26),
        ),
        (
            "package a:b;\ninterface i {}\ninterface i {}",
            "interface `i` is declared twice",
            (3, 11),
        ),
        (
            "package a:b;\ninterface My_Iface {}",
            "`My_Iface` is not a valid WIT identifier",
            (2, 11),
        ),
        (
            "package a:b;\ninterface i { use j.{t}; }",
            "`use` of unknown interface `j`",
            (2, 19),
        ),
        (
            "package a:b;\ninterface j {}\ninterface i { use j.{t}; }",
            "interface `j` has no type `t`",
            (3, 22),
        ),
        (
            "package a:b;\ninterface i { type a = b; type b = a; }",
            "type `a` is an alias of itself",
            (2, 20),
        ),
        (
            "package a:b;\nworld w { import nowhere; }",
            "unknown interface `a:b/nowhere`",
            (2, 18),
        ),
        (
            "package a:b;\ninterface i { record r { x: u8, x: u16 } }",
            "`x` appears twice in `r`",
            (2, 22),
        ),
        (
            "package a:b;\ninterface i { f: func(x: u8, x: u8); }",
            "parameter `x` is declared twice",
            (2, 30),
        ),
        (
            "package a:b;\ninterface i { record r { x: u8 } f: func(x: borrow<r>); }",
            "`borrow<r>`: `r` is not a resource",
            (2, 52),
        ),
        (
            "package a:b;\ninterface i { f: func() -> list<u8; }",
            "expected `>`, found `;`",
            (2, 35),
        ),
        (
            "package a:b;\n/* never closed",
            "block comment is never closed",
            (2, 1),
        ),
        (
            "package a:b;\ninterface i { f: func() -> u8 $ }",
            "unexpected character `$`",
            (2, 31),
        ),
    ];
    for (text, message, at) in cases {
        let e = parse_err(text);
        assert!(e.message().contains(message), "{text:?}: got {e}");
        assert_eq!(e.line_col(), *at, "{text:?}: {e}");
    }
}

#[test]
fn an_unknown_world_names_the_worlds_there_are() {
    let pkg = theater();
    let e = pkg.world(Some("plugin")).unwrap_err();
    assert_eq!(
        e,
        "package `theater:simple` has no world `plugin` (it has: `actor`)"
    );
}

#[test]
fn a_folder_is_one_package_and_use_crosses_its_files_and_bare_interfaces() {
    let dir = std::env::temp_dir().join(format!("packr-wit-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("api.wit+"),
        "interface api { use types.{id}; get: func(i: id) -> id; }",
    )
    .unwrap();
    std::fs::write(
        dir.join("types.wit"),
        "package x:y;\ninterface types { type id = u64; }",
    )
    .unwrap();
    let pkg = Package::load(&dir).unwrap();
    // `api.wit+` has no `package` line: `api` is a bare interface, and its
    // `use types` finds the packaged `x:y/types`.
    let api = pkg.interface("api").unwrap();
    assert_eq!(api.qualified, "api");
    let get = api.function("get").unwrap();
    assert_eq!(get.params[0].1, named("api", "id"));
    assert_eq!(pkg.interface("types").unwrap().qualified, "x:y/types");
    std::fs::write(dir.join("other.wit+"), "package x:z;\ninterface q {}").unwrap();
    let e = Package::load(&dir).unwrap_err().to_string();
    assert!(
        e.contains("this folder is package") && e.contains("a file cannot declare"),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

fn reference_variant(cases: &[(&str, Option<TypeHash>)]) -> TypeHash {
    let mut cases = cases.to_vec();
    cases.sort_by(|a, b| a.0.cmp(b.0));
    hash_variant(&cases)
}

#[test]
fn interface_hashes_match_the_reference_implementation() {
    let pkg = theater();
    let hex = |h: &[u8; 32]| h.iter().map(|b| format!("{b:02x}")).collect::<String>();

    // types: a recursive variant and a record using it.
    let message = reference_variant(&[
        ("text", Some(HASH_STRING)),
        ("bytes", Some(hash_list(&HASH_U8))),
        ("number", Some(HASH_S64)),
        ("batch", Some(hash_list(&HASH_SELF_REF))),
    ]);
    let reply = hash_record(&[("body", hash_option(&message)), ("stop", HASH_BOOL)]);
    let types = hash_interface(
        "theater:simple/types",
        &[
            Binding {
                name: "message",
                hash: message,
            },
            Binding {
                name: "reply",
                hash: reply,
            },
        ],
        &[],
    );
    assert_eq!(
        hex(&pkg.interface_hash("types").unwrap()),
        hex(types.as_bytes())
    );

    // runtime: functions only, `result<_, string>` with the empty tuple.
    let unit = hash_tuple(&[]);
    let runtime = hash_interface(
        "theater:simple/runtime",
        &[],
        &[
            Binding {
                name: "log",
                hash: hash_function(&[HASH_STRING], &[]),
            },
            Binding {
                name: "self",
                hash: hash_function(&[], &[HASH_STRING]),
            },
            Binding {
                name: "shutdown",
                hash: hash_function(
                    &[hash_option(&hash_list(&HASH_U8))],
                    &[hash_result(&unit, &HASH_STRING)],
                ),
            },
        ],
    );
    assert_eq!(
        hex(&pkg.interface_hash("runtime").unwrap()),
        hex(runtime.as_bytes())
    );

    let timer = hash_interface(
        "theater:simple/timer",
        &[],
        &[Binding {
            name: "now",
            hash: hash_function(&[], &[HASH_U64]),
        }],
    );
    assert_eq!(
        hex(&pkg.interface_hash("timer").unwrap()),
        hex(timer.as_bytes())
    );

    // A change anywhere changes the hash; type names do not.
    let renamed = Package::parse(
        "r.wit+",
        "package theater:simple; interface timer { type millis = u64; now: func() -> millis; }",
    )
    .unwrap();
    let with_alias = hash_interface(
        "theater:simple/timer",
        &[Binding {
            name: "millis",
            hash: HASH_U64,
        }],
        &[Binding {
            name: "now",
            hash: hash_function(&[], &[HASH_U64]),
        }],
    );
    assert_eq!(
        hex(&renamed.interface_hash("timer").unwrap()),
        hex(with_alias.as_bytes())
    );
}

fn hex(h: &[u8; 32]) -> String {
    h.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn a_bare_interface_hashes_like_the_reference_guests_carry_it() {
    let pkg = Package::parse(
        "math.wit+",
        "interface math { double: func(n: s64) -> s64; }",
    )
    .unwrap();
    assert!(pkg.name.is_none());
    let math = pkg.interface("math").unwrap();
    assert_eq!(
        math.qualified, "math",
        "the import module name is the bare name"
    );
    let reference = hash_interface(
        "math",
        &[],
        &[Binding {
            name: "double",
            hash: hash_function(&[HASH_S64], &[HASH_S64]),
        }],
    );
    let ours = pkg.interface_hash("math").unwrap();
    assert_eq!(hex(&ours), hex(reference.as_bytes()));
    assert_eq!(
        hex(&ours),
        "045d329df239a4083f01ad53ef75b1b271563fa76147e7a0e3013a75352ff364"
    );
}

#[test]
fn a_packaged_world_imports_bare_interfaces() {
    let pkg = Package::parse_files(&[
        (
            "double.wit+".into(),
            "interface double { run: func(n: s32) -> s32; }\ninterface math { double: func(n: s64) -> s64; }".into(),
        ),
        (
            "app.wit+".into(),
            "package my:app;\ninterface math { triple: func(n: s64) -> s64; }\nworld app { import double; import math; export my:app/math; }".into(),
        ),
    ])
    .unwrap();
    let world = pkg.world(None).unwrap();
    // `double` exists only bare; `math` names the package's own first.
    assert_eq!(
        world.imports,
        [
            WorldItem::Interface("double".into()),
            WorldItem::Interface("my:app/math".into())
        ]
    );
    assert_eq!(pkg.interface("double").unwrap().qualified, "double");
    // A world of a package-less file names bare interfaces alone.
    let bare = Package::parse(
        "w.wit+",
        "interface math { f: func(); }\nworld w { import math; }",
    )
    .unwrap();
    assert_eq!(
        bare.world(None).unwrap().imports,
        [WorldItem::Interface("math".into())]
    );
    let e = bare.world(Some("x")).unwrap_err();
    assert!(e.contains("package-less"), "{e}");
}

#[test]
fn maps_and_sets_parse_print_and_hash_with_their_own_tags() {
    let pkg = Package::parse(
        "kv.wit+",
        "package a:kv; interface store { type counts = map<string, u32>; tags: func(s: set<string>) -> map<string, set<u8>>; }",
    )
    .unwrap();
    let store = pkg.interface("store").unwrap();
    let tags = store.function("tags").unwrap();
    assert_eq!(
        tags.to_string(),
        "tags: func(s: set<string>) -> map<string, set<u8>>"
    );
    assert_eq!(tags.params[0].1, Type::Set(Box::new(Type::String)));
    // map = tag 0x18 key value, set = tag 0x19 element (reference 0.22+),
    // built here from the reference's primitive hashes.
    use sha2::Digest;
    let compound = |tag: u8, parts: &[&[u8; 32]]| -> [u8; 32] {
        let mut h = sha2::Sha256::new();
        h.update([tag]);
        for p in parts {
            h.update(p);
        }
        h.finalize().into()
    };
    let map_su32 = compound(0x18, &[HASH_STRING.as_bytes(), HASH_U32.as_bytes()]);
    let counts = pkg.type_hash(&Type::Map(Box::new(Type::String), Box::new(Type::U32)));
    assert_eq!(counts, map_su32);
    let set_string = compound(0x19, &[HASH_STRING.as_bytes()]);
    assert_eq!(
        pkg.type_hash(&Type::Set(Box::new(Type::String))),
        set_string
    );
    // A map no longer hashes like its list form.
    let list_form = hash_list(&hash_tuple(&[HASH_STRING, HASH_U32]));
    assert_ne!(&counts, list_form.as_bytes());
    assert!(
        Package::parse(
            "bad.wit+",
            "package a:b; interface i { f: func(m: map<string>); }"
        )
        .is_err()
    );
}
