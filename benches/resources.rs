//! `[method]counter.get` on a borrowed handle against a plain host call
//! with the same argument count (one u32 in, one u32 out) and against
//! hostcall-add (two s32s), measured in one run, both engines.
//!
//! `cargo bench --bench resources`; criterion's time per element is the
//! time per host call. The target: the method costs at most 1.3 × the
//! plain call.

mod common;

use common::{CALLS, hostcall_guest, run};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use packr::engine::{Engine, EngineKind, Instance, Module};
use packr::host::HostBuilder;
use packr::resource::{Resource, ResourceError, ResourceTable};

/// What the host stores behind a `counter` handle.
pub struct Counter(u32);

packr::bindgen!({
    path: "wit/counters.wit+",
    with: { "test:counters/counters.counter" => crate::Counter },
});

struct Counters;

impl counters::HostCounter for Counters {
    fn new(
        &mut self,
        table: &mut ResourceTable,
        start: u32,
    ) -> Result<Resource<Counter>, ResourceError> {
        table.push(Counter(start))
    }
    fn get(
        &mut self,
        table: &mut ResourceTable,
        self_: &Resource<Counter>,
    ) -> Result<u32, ResourceError> {
        Ok(table.get(self_)?.0)
    }
    fn add(
        &mut self,
        table: &mut ResourceTable,
        self_: &Resource<Counter>,
        n: u32,
    ) -> Result<(), ResourceError> {
        table.get_mut(self_)?.0 += n;
        Ok(())
    }
    fn consume(
        &mut self,
        table: &mut ResourceTable,
        c: Resource<Counter>,
    ) -> Result<u32, ResourceError> {
        Ok(table.delete(c)?.0)
    }
}

impl counters::Host for Counters {
    fn total(
        &mut self,
        table: &mut ResourceTable,
        a: &Resource<Counter>,
        b: &Resource<Counter>,
    ) -> Result<u32, ResourceError> {
        Ok(table.get(a)?.0 + table.get(b)?.0)
    }
}

/// The hostcall-add guest calling `module`.`name` with `data`.
fn add_instance(kind: EngineKind) -> Instance<()> {
    let engine = Engine::with_kind(kind).unwrap();
    let data = packr::abi::encode(&(20i32, 22i32)).unwrap();
    let module =
        Module::from_wat(&engine, &hostcall_guest("bench:host/math", "add", &data)).unwrap();
    let mut host = HostBuilder::<()>::new();
    host.interface("bench:host/math")
        .func("add", |_, (a, b): (i32, i32)| a.wrapping_add(b))
        .unwrap();
    let mut instance = engine
        .link(&module, &host)
        .unwrap()
        .instantiate(())
        .unwrap();
    assert_eq!(run(&mut instance, 1000), 42_000);
    instance
}

fn add_one_instance(kind: EngineKind) -> Instance<()> {
    let engine = Engine::with_kind(kind).unwrap();
    let data = packr::abi::encode(&41u32).unwrap();
    let module = Module::from_wat(
        &engine,
        &hostcall_guest("bench:host/math", "add-one", &data),
    )
    .unwrap();
    let mut host = HostBuilder::<()>::new();
    host.interface("bench:host/math")
        .func("add-one", |_, a: u32| a.wrapping_add(1))
        .unwrap();
    let mut instance = engine
        .link(&module, &host)
        .unwrap()
        .instantiate(())
        .unwrap();
    assert_eq!(run(&mut instance, 1000), 42_000);
    instance
}

fn method_instance(kind: EngineKind) -> Instance<Counters> {
    let engine = Engine::with_kind(kind).unwrap();
    // The first handle of a fresh table.
    let handle = 1u32 << 20;
    let data = packr::abi::encode(&handle).unwrap();
    let module = Module::from_wat(
        &engine,
        &hostcall_guest("test:counters/counters", "[method]counter.get", &data),
    )
    .unwrap();
    let mut host = HostBuilder::<Counters>::new();
    counters::add_to_linker(&mut host, |s| s).unwrap();
    let mut instance = engine
        .link(&module, &host)
        .unwrap()
        .instantiate(Counters)
        .unwrap();
    let table = instance.resources_mut();
    let counter = table.push(Counter(42)).unwrap();
    assert_eq!(table.to_guest(counter).unwrap(), handle);
    assert_eq!(run(&mut instance, 1000), 42_000);
    instance
}

fn resource_method(c: &mut Criterion) {
    let mut g = c.benchmark_group("resource-method");
    g.throughput(Throughput::Elements(CALLS as u64));
    for &kind in EngineKind::ALL {
        let mut add = add_instance(kind);
        g.bench_function(format!("{kind}/hostcall-add"), |b| {
            b.iter(|| run(&mut add, CALLS))
        });
        let mut one = add_one_instance(kind);
        g.bench_function(format!("{kind}/hostcall-add-one"), |b| {
            b.iter(|| run(&mut one, CALLS))
        });
        let mut method = method_instance(kind);
        g.bench_function(format!("{kind}/counter.get-borrowed"), |b| {
            b.iter(|| run(&mut method, CALLS))
        });
    }
    g.finish();
}

criterion_group!(benches, resource_method);
criterion_main!(benches);
