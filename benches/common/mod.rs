//! What the benches share: filling the BENCH.md guest templates and
//! running the hostcall-add guest's loop. Included with `mod common;` by
//! the benches here and by `#[path]` from benches/add-bundle.

#![allow(dead_code)] // each bench uses part of it

use packr::engine::{CoreValue, Instance};

/// n = 1,000,000 calls per timed `run(n)`.
pub const CALLS: i32 = 1_000_000;

/// Fills a guest template with `data` as WAT escapes (`{DATA}`) and its
/// length (`{LEN}`).
pub fn fill(template: &str, data: &[u8]) -> String {
    let escaped: String = data.iter().map(|b| format!("\\{b:02x}")).collect();
    template
        .replace("{DATA}", &escaped)
        .replace("{LEN}", &data.len().to_string())
}

/// The hostcall-add guest (guests/hostcall-add.wat.tmpl) sending `data`
/// n times to the import `module.name` (`bench:host/math.add` as written).
pub fn hostcall_guest(module: &str, name: &str, data: &[u8]) -> String {
    fill(include_str!("../guests/hostcall-add.wat.tmpl"), data).replace(
        r#"(import "bench:host/math" "add""#,
        &format!(r#"(import "{module}" "{name}""#),
    )
}

/// The hostcall-add guest sending the tuple (20, 22) to `bench:host/math.add`.
pub fn add_guest() -> String {
    let data = packr::abi::encode(&(20i32, 22i32)).unwrap();
    hostcall_guest("bench:host/math", "add", &data)
}

/// Runs the guest's `run(n, 0)`: n host calls, the sum of their results.
pub fn run<T: Send + 'static>(instance: &mut Instance<T>, n: i32) -> i32 {
    match instance
        .call_core("run", &[CoreValue::I32(n), CoreValue::I32(0)])
        .unwrap()[..]
    {
        [CoreValue::I32(sum)] => sum,
        ref other => panic!("unexpected result {other:?}"),
    }
}
