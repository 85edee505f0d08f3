//! The hostcall workloads (below) on packr's runtime, against
//! the floor of a bare `func_wrap` host function.
//!
//! `cargo bench --bench hostcall`; criterion's time per element is the
//! time per host call.

mod common;

use common::{CALLS, fill, run};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use packr::engine::{Engine, EngineKind, Instance, Module};
use packr::host::HostBuilder;
use packr::record::Recorder;

/// The same `add`, written as a handler for `#[host_interface]`.
struct Math;

#[packr::host_interface("bench:host/math")]
impl Math {
    fn add(&self, a: i32, b: i32) -> i32 {
        a.wrapping_add(b)
    }
}

fn macro_instance(kind: EngineKind) -> Instance<Math> {
    use packr::HostInterface;
    let engine = Engine::with_kind(kind).unwrap();
    let data = packr::abi::encode(&(20i32, 22i32)).unwrap();
    let module = Module::from_wat(
        &engine,
        &fill(include_str!("guests/hostcall-add.wat.tmpl"), &data),
    )
    .unwrap();
    let mut host = HostBuilder::<Math>::new();
    Math::add_to_linker(&mut host, |s| s).unwrap();
    let mut instance = engine
        .link(&module, &host)
        .unwrap()
        .instantiate(Math)
        .unwrap();
    assert_eq!(run(&mut instance, 1000), 42_000);
    instance
}

fn add_instance(kind: EngineKind) -> Instance<()> {
    let engine = Engine::with_kind(kind).unwrap();
    let data = packr::abi::encode(&(20i32, 22i32)).unwrap();
    let module = Module::from_wat(
        &engine,
        &fill(include_str!("guests/hostcall-add.wat.tmpl"), &data),
    )
    .unwrap();
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

fn hostcall_add(c: &mut Criterion) {
    let mut g = c.benchmark_group("hostcall-add");
    g.throughput(Throughput::Elements(CALLS as u64));
    for &kind in EngineKind::ALL {
        let mut instance = add_instance(kind);
        g.bench_function(format!("{kind}/packr"), |b| {
            b.iter(|| run(&mut instance, CALLS))
        });
        // Registered by `#[host_interface]` instead of by hand: the target
        // is the same cost within 5%.
        let mut by_macro = macro_instance(kind);
        g.bench_function(format!("{kind}/packr-host-interface"), |b| {
            b.iter(|| run(&mut by_macro, CALLS))
        });
        // The same with every call recorded. The recorder is cleared between
        // iterations (outside the timing), keeping its buffers, as a host that
        // seals one log per session does.
        g.bench_function(format!("{kind}/packr+recorder"), |b| {
            b.iter_custom(|iters| {
                let mut total = std::time::Duration::ZERO;
                let mut recorder = Box::new(Recorder::new());
                for _ in 0..iters {
                    recorder.clear();
                    instance.set_interceptor(recorder);
                    let start = std::time::Instant::now();
                    std::hint::black_box(run(&mut instance, CALLS));
                    total += start.elapsed();
                    recorder = Box::new(instance.take_interceptor_as::<Recorder>().unwrap());
                    assert_eq!(recorder.len(), CALLS as usize);
                }
                total
            })
        });
    }

    // The floors: the same loop through a bare engine host function.
    let raw_engine = wasmtime::Engine::default();
    let raw_module = wasmtime::Module::new(
        &raw_engine,
        wat::parse_str(include_str!("guests/raw-add.wat")).unwrap(),
    )
    .unwrap();
    let mut linker = wasmtime::Linker::new(&raw_engine);
    linker
        .func_wrap("raw", "add", |a: i32, b: i32| a.wrapping_add(b))
        .unwrap();
    let mut store = wasmtime::Store::new(&raw_engine, ());
    let raw = linker.instantiate(&mut store, &raw_module).unwrap();
    let raw_run = raw
        .get_typed_func::<(i32, i32), i32>(&mut store, "run")
        .unwrap();
    assert_eq!(raw_run.call(&mut store, (1000, 0)).unwrap(), 42_000);
    g.bench_function("wasmtime/raw-func-wrap", |b| {
        b.iter(|| raw_run.call(&mut store, (CALLS, 0)).unwrap())
    });
    let wasmi_engine = wasmi::Engine::default();
    let wasmi_module = wasmi::Module::new(
        &wasmi_engine,
        wat::parse_str(include_str!("guests/raw-add.wat")).unwrap(),
    )
    .unwrap();
    let mut linker = wasmi::Linker::<()>::new(&wasmi_engine);
    linker
        .func_wrap("raw", "add", |a: i32, b: i32| a.wrapping_add(b))
        .unwrap();
    let mut store = wasmi::Store::new(&wasmi_engine, ());
    let raw = linker
        .instantiate_and_start(&mut store, &wasmi_module)
        .unwrap();
    let raw_run = raw
        .get_typed_func::<(i32, i32), i32>(&store, "run")
        .unwrap();
    assert_eq!(raw_run.call(&mut store, (1000, 0)).unwrap(), 42_000);
    g.bench_function("wasmi/raw-func-wrap", |b| {
        b.iter(|| raw_run.call(&mut store, (CALLS, 0)).unwrap())
    });
    g.finish();
}

fn hostcall_bytes(c: &mut Criterion) {
    let mut g = c.benchmark_group("hostcall-bytes");
    for &kind in EngineKind::ALL {
        hostcall_bytes_on(&mut g, kind);
    }
    g.finish();
}

fn hostcall_bytes_on(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    kind: EngineKind,
) {
    let engine = Engine::with_kind(kind).unwrap();
    let mut host = HostBuilder::<()>::new();
    host.interface("bench:host/bytes")
        .func("len", |_, data: Vec<u8>| data.len() as u32)
        .unwrap();
    for size in [16usize, 64 * 1024] {
        let payload: Vec<u8> = (0..size).map(|i| i as u8).collect();
        let data = packr::abi::encode(&payload).unwrap();
        let module = Module::from_wat(
            &engine,
            &fill(include_str!("guests/hostcall-bytes.wat.tmpl"), &data),
        )
        .unwrap();
        let mut instance = engine
            .link(&module, &host)
            .unwrap()
            .instantiate(())
            .unwrap();
        assert_eq!(run(&mut instance, 10), 10 * size as i32);
        let calls = if size > 1024 { 1_000 } else { CALLS };
        g.throughput(Throughput::Bytes((size * calls as usize) as u64));
        g.bench_function(format!("{kind}/{size}B"), |b| {
            b.iter(|| run(&mut instance, calls))
        });
    }
}

fn instantiate(c: &mut Criterion) {
    let mut g = c.benchmark_group("instantiate");
    let data = packr::abi::encode(&(20i32, 22i32)).unwrap();
    let wat = fill(include_str!("guests/hostcall-add.wat.tmpl"), &data);
    for &kind in EngineKind::ALL {
        let engine = Engine::with_kind(kind).unwrap();
        let module = Module::from_wat(&engine, &wat).unwrap();
        let mut host = HostBuilder::<()>::new();
        host.interface("bench:host/math")
            .func("add", |_, (a, b): (i32, i32)| a.wrapping_add(b))
            .unwrap();
        let linked = engine.link(&module, &host).unwrap();
        g.bench_function(format!("{kind}/packr"), |b| {
            b.iter(|| linked.instantiate(()).unwrap())
        });
    }
    let raw_engine = wasmtime::Engine::default();
    let raw_module = wasmtime::Module::new(&raw_engine, wat::parse_str(&wat).unwrap()).unwrap();
    let mut linker = wasmtime::Linker::new(&raw_engine);
    linker
        .func_wrap(
            "bench:host/math",
            "add",
            |_: i32, _: i32, _: i32, _: i32| 0i32,
        )
        .unwrap();
    let pre = linker.instantiate_pre(&raw_module).unwrap();
    g.bench_function("wasmtime/raw-instance-pre", |b| {
        b.iter(|| {
            let mut store = wasmtime::Store::new(&raw_engine, ());
            pre.instantiate(&mut store).unwrap();
            store
        })
    });
    let wasmi_engine = wasmi::Engine::default();
    let wasmi_module = wasmi::Module::new(&wasmi_engine, wat::parse_str(&wat).unwrap()).unwrap();
    let mut linker = wasmi::Linker::<()>::new(&wasmi_engine);
    linker
        .func_wrap(
            "bench:host/math",
            "add",
            |_: i32, _: i32, _: i32, _: i32| 0i32,
        )
        .unwrap();
    g.bench_function("wasmi/raw-linker", |b| {
        b.iter(|| {
            let mut store = wasmi::Store::new(&wasmi_engine, ());
            linker
                .instantiate_and_start(&mut store, &wasmi_module)
                .unwrap();
            store
        })
    });
    g.finish();
}

criterion_group!(benches, hostcall_add, hostcall_bytes, instantiate);
criterion_main!(benches);
