//! Guests are checked against a WIT+ world before instantiation; every
//! problem is listed with the declaration the world expects.

mod common;

use packr::engine::{Engine, EngineKind, Module, Problem, validate};
use packr::host::HostBuilder;
use packr::wit::Package;

fn theater() -> Package {
    Package::load(concat!(env!("CARGO_MANIFEST_DIR"), "/wit/theater.wit+")).unwrap()
}

/// Registers every import of the actor world (bodies are irrelevant here).
fn host() -> HostBuilder<()> {
    let mut host = HostBuilder::new();
    host.interface("theater:simple/runtime")
        .func("log", |_, _m: String| ())
        .unwrap()
        .func("self", |_, (): ()| String::from("actor-1"))
        .unwrap()
        .func_result("shutdown", |_, _d: Option<Vec<u8>>| Ok::<(), String>(()))
        .unwrap();
    host.interface("theater:simple/store")
        .func_result("store", |_, (_id, _c): (String, Vec<u8>)| {
            Ok::<String, String>("k".into())
        })
        .unwrap()
        .func_result("load", |_, (_id, _k): (String, String)| {
            Ok::<Vec<u8>, String>(vec![])
        })
        .unwrap();
    host.interface("theater:simple/timer")
        .func("now", |_, (): ()| 0u64)
        .unwrap();
    host
}

const ABI: &str = "(param i32 i32 i32 i32) (result i32)";

fn guest(imports: &str, exports: &str) -> String {
    format!(
        r#"(module {imports}
            (memory (export "memory") 1)
            (func (export "__pack_alloc") (param i32) (result i32) (i32.const 0))
            (func (export "__pack_free") (param i32 i32))
            {exports})"#
    )
}

fn a_guest_that_fits_the_world_validates(kind: EngineKind) {
    let pkg = theater();
    let engine = Engine::with_kind(kind).unwrap();
    let wat = guest(
        &format!(
            r#"(import "theater:simple/runtime" "log" (func {ABI}))
               (import "theater:simple/timer" "now" (func {ABI}))"#
        ),
        &format!(
            r#"(func (export "theater:simple/actor.init") {ABI} (i32.const 0))
               (func (export "theater:simple/actor.handle") {ABI} (i32.const 0))"#
        ),
    );
    let module = Module::from_wat(&engine, &wat).unwrap();
    validate(&module, &pkg, pkg.world(Some("actor")).unwrap(), &host()).unwrap();
}

fn every_problem_is_reported_with_the_expected_declaration(kind: EngineKind) {
    let pkg = theater();
    let engine = Engine::with_kind(kind).unwrap();
    let wat = guest(
        &format!(
            r#"(import "theater:simple/runtime" "reboot" (func {ABI}))
               (import "theater:simple/timer" "now" (func (param i32) (result i64)))
               (import "theater:simple/store" "load" (func {ABI}))
               (import "other:pkg/thing" "poke" (func {ABI}))"#
        ),
        &format!(r#"(func (export "theater:simple/actor.init") {ABI} (i32.const 0))"#),
    );
    let module = Module::from_wat(&engine, &wat).unwrap();
    // A host that forgot `store.load`.
    let mut partial = HostBuilder::<()>::new();
    for f in host().functions().iter().filter(|f| f.name() != "load") {
        partial
            .interface(f.interface())
            .func_codec(f.name(), |_, _, _| Ok(()))
            .unwrap();
    }
    let err = validate(&module, &pkg, pkg.world(None).unwrap(), &partial).unwrap_err();
    assert_eq!(err.problems.len(), 5, "{err}");
    assert!(matches!(&err.problems[0], Problem::UnknownFunction { name, .. } if name == "reboot"));
    assert_eq!(
        err.problems[1],
        Problem::WrongSignature {
            item: "theater:simple/timer.now".into(),
            found: "(i32) -> (i64)".into(),
            expected: "now: func() -> u64".into(),
        }
    );
    assert_eq!(
        err.problems[2],
        Problem::NotRegistered {
            interface: "theater:simple/store".into(),
            expected: "load: func(store-id: string, key: string) -> result<list<u8>, string>"
                .into(),
        }
    );
    assert!(
        matches!(&err.problems[3], Problem::ImportNotInWorld { module, .. } if module == "other:pkg/thing")
    );
    assert_eq!(
        err.problems[4],
        Problem::MissingExport {
            export: "theater:simple/actor.handle".into(),
            expected: "handle: func(state: list<u8>, msg: message) -> result<tuple<list<u8>, reply>, string>".into(),
        }
    );
    let shown = err.to_string();
    assert!(
        shown.starts_with("the guest does not fit world `actor`:\n  - the guest imports `reboot`"),
        "{shown}"
    );
}

per_engine!(
    a_guest_that_fits_the_world_validates,
    every_problem_is_reported_with_the_expected_declaration,
);
