//! Compile-time diagnostics and must-compile cases, run with trybuild.
//!
//! One `#[test]` per folder under `ui/`, so each macro's cases can be run
//! (and re-blessed with `TRYBUILD=overwrite`) on their own:
//! `cargo test -p packr-ui-tests --test ui derive`.

/// `#[derive(GraphValue)]`: misuse is one clear error on the user's token;
/// valid inputs compile (and run) warning-free.
#[test]
fn derive() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/derive/fail/*.rs");
    t.pass("ui/derive/pass/*.rs");
}

/// `#[packr::host_interface]`: each misuse is one error on the user's own
/// token saying what to do; every supported form compiles and registers.
#[test]
fn host_interface() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/host_interface/fail/*.rs");
    t.pass("ui/host_interface/pass/*.rs");
}

/// `packr::bindgen!`: WIT+ mistakes are errors with the file position, on
/// the macro's literal; a handler that disagrees with the generated trait
/// gets rustc's error on its own method. Worlds live in `ui/wit/`.
#[test]
fn bindgen() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/bindgen/fail/*.rs");
    t.pass("ui/bindgen/pass/*.rs");
}
