//! A cross-member call of the hostcall-add shape: the hostcall-add guest's
//! `bench:host/math.add(20, 22)` served by a provider guest
//! (`guests/compose-add.wat`) instead of the host, beside the same guest
//! served by a host function in the same run (the floor), on each engine
//! and on mixed engines.
//!
//! `cargo bench --bench compose`; criterion's time per element is the time
//! per call.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use packr::compose::{Composition, CompositionBuilder, Member};
use packr::engine::{CoreValue, Engine, EngineKind, Instance, Module};
use packr::host::HostBuilder;

/// n = 1,000,000 calls per timed `run(n)`.
const CALLS: i32 = 1_000_000;

/// The hostcall-add guest: `run(n)` calls `bench:host/math.add(20, 22)` n
/// times and sums the results.
fn consumer_wat() -> String {
    let data = packr::abi::encode(&(20i32, 22i32)).unwrap();
    let escaped: String = data.iter().map(|b| format!("\\{b:02x}")).collect();
    include_str!("guests/hostcall-add.wat.tmpl")
        .replace("{DATA}", &escaped)
        .replace("{LEN}", &data.len().to_string())
}

fn run<T: Send + 'static>(instance: &mut Instance<T>, n: i32) -> i32 {
    match instance
        .call_core("run", &[CoreValue::I32(n), CoreValue::I32(0)])
        .unwrap()[..]
    {
        [CoreValue::I32(sum)] => sum,
        ref other => panic!("unexpected result {other:?}"),
    }
}

/// The floor: `add` served by a host function.
fn host_served(kind: EngineKind) -> Instance<()> {
    let engine = Engine::with_kind(kind).unwrap();
    let module = Module::from_wat(&engine, &consumer_wat()).unwrap();
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

/// `add` served by the `math` member; the consumer on `consumer`, the
/// provider on `provider`.
fn composed(consumer: EngineKind, provider: EngineKind) -> Composition {
    let (ce, pe) = (
        Engine::with_kind(consumer).unwrap(),
        Engine::with_kind(provider).unwrap(),
    );
    let app = Module::from_wat(&ce, &consumer_wat()).unwrap();
    let math = Module::from_wat(&pe, include_str!("guests/compose-add.wat")).unwrap();
    let mut builder = CompositionBuilder::new();
    builder
        .member("app", Member::new(&ce, &app, HostBuilder::<()>::new(), ()))
        .member(
            "math",
            Member::new(&pe, &math, HostBuilder::<()>::new(), ()),
        );
    let composition = builder.build().unwrap();
    assert_eq!(
        run(&mut composition.instance::<()>("app").unwrap(), 1000),
        42_000
    );
    composition
}

fn compose_add(c: &mut Criterion) {
    let mut g = c.benchmark_group("compose-add");
    g.throughput(Throughput::Elements(CALLS as u64));
    for &kind in EngineKind::ALL {
        let mut floor = host_served(kind);
        g.bench_function(format!("{kind}/host"), |b| {
            b.iter(|| run(&mut floor, CALLS))
        });
        let composition = composed(kind, kind);
        g.bench_function(format!("{kind}/member"), |b| {
            let mut app = composition.instance::<()>("app").unwrap();
            b.iter(|| run(&mut app, CALLS))
        });
    }
    for (consumer, provider) in [
        (EngineKind::Wasmtime, EngineKind::Wasmi),
        (EngineKind::Wasmi, EngineKind::Wasmtime),
    ] {
        let composition = composed(consumer, provider);
        g.bench_function(format!("mixed/{consumer}-calls-{provider}"), |b| {
            let mut app = composition.instance::<()>("app").unwrap();
            b.iter(|| run(&mut app, CALLS))
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = compose_add
}
criterion_main!(benches);
