//! A cross-member call of the hostcall-add shape: the hostcall-add guest's
//! `bench:host/math.add(20, 22)` served by a provider guest
//! (`guests/compose-add.wat`) instead of the host, beside the same guest
//! served by a host function in the same run (the floor), on each engine
//! and on mixed engines.
//!
//! `cargo bench --bench compose`; criterion's time per element is the time
//! per call.

mod common;

use common::{CALLS, add_guest, run};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use packr::compose::{Composition, CompositionBuilder, Member};
use packr::engine::{Engine, EngineKind, Instance, Module};
use packr::host::HostBuilder;

/// The floor: `add` served by a host function.
fn host_served(kind: EngineKind) -> Instance<()> {
    let engine = Engine::with_kind(kind).unwrap();
    let module = Module::from_wat(&engine, &add_guest()).unwrap();
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
    let app = Module::from_wat(&ce, &add_guest()).unwrap();
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

/// The mechanism's floor: one cross-member call written by hand against
/// the engine's own API, without packr. The consumer's import copies the
/// argument into an area reserved once in the provider, calls the
/// provider's export, copies its output into the consumer's scratch area
/// and frees it with the provider's `__pack_free`: the two engine entries
/// and two copies every cross-member call makes, and nothing else (no
/// checks a guest could not pass, no interceptors, no budgets).
mod by_hand {
    /// Where the consumer finds the output (free space in hostcall-add's memory).
    const SCRATCH: usize = 2048;

    fn word(memory: &[u8], at: usize) -> usize {
        u32::from_le_bytes(memory[at..at + 4].try_into().unwrap()) as usize
    }

    /// Copies `output` into the consumer's scratch area and points the
    /// result slots `op`/`ol` at it.
    fn deliver(consumer: &mut [u8], output: &[u8], op: i32, ol: i32) {
        consumer[SCRATCH..SCRATCH + output.len()].copy_from_slice(output);
        consumer[op as usize..op as usize + 4].copy_from_slice(&(SCRATCH as u32).to_le_bytes());
        consumer[ol as usize..ol as usize + 4]
            .copy_from_slice(&(output.len() as u32).to_le_bytes());
    }

    pub mod wasmtime {
        use wasmtime::{Caller, Engine, Instance, Linker, Memory, Module, Store, TypedFunc};

        pub struct Provider {
            store: Store<()>,
            memory: Memory,
            add: TypedFunc<(i32, i32, i32, i32), i32>,
            free: TypedFunc<(i32, i32), ()>,
            /// The input area and the result slots, reserved once.
            area: i32,
            slots: i32,
            consumer: Option<Memory>,
        }

        /// The consumer's store and its `run(n, 0)`, `add` served by hand.
        pub fn pair(
            consumer: &str,
            provider: &str,
        ) -> (Store<Provider>, TypedFunc<(i32, i32), i32>) {
            let engine = Engine::default();
            let mut store = Store::new(&engine, ());
            let module = Module::new(&engine, wat::parse_str(provider).unwrap()).unwrap();
            let instance = Instance::new(&mut store, &module, &[]).unwrap();
            let alloc = instance
                .get_typed_func::<i32, i32>(&mut store, "__pack_alloc")
                .unwrap();
            let (area, slots) = (
                alloc.call(&mut store, 64).unwrap(),
                alloc.call(&mut store, 8).unwrap(),
            );
            let provider = Provider {
                memory: instance.get_memory(&mut store, "memory").unwrap(),
                add: instance
                    .get_typed_func(&mut store, "bench:host/math.add")
                    .unwrap(),
                free: instance.get_typed_func(&mut store, "__pack_free").unwrap(),
                store,
                area,
                slots,
                consumer: None,
            };
            let mut linker = Linker::new(&engine);
            linker
                .func_wrap(
                    "bench:host/math",
                    "add",
                    |mut caller: Caller<'_, Provider>, ptr: i32, len: i32, op: i32, ol: i32| {
                        let memory = caller.data().consumer.unwrap();
                        let (consumer, p) = memory.data_and_store_mut(&mut caller);
                        let input = &consumer[ptr as usize..(ptr + len) as usize];
                        p.memory.write(&mut p.store, p.area as usize, input)?;
                        let status = p
                            .add
                            .call(&mut p.store, (p.area, len, p.slots, p.slots + 4))?;
                        let provided = p.memory.data(&p.store);
                        let (at, n) = (
                            super::word(provided, p.slots as usize),
                            super::word(provided, p.slots as usize + 4),
                        );
                        super::deliver(consumer, &provided[at..at + n], op, ol);
                        p.free.call(&mut p.store, (at as i32, n as i32))?;
                        Ok(status)
                    },
                )
                .unwrap();
            let module = Module::new(&engine, wat::parse_str(consumer).unwrap()).unwrap();
            let mut store = Store::new(&engine, provider);
            let instance = linker.instantiate(&mut store, &module).unwrap();
            store.data_mut().consumer = instance.get_memory(&mut store, "memory");
            let run = instance.get_typed_func(&mut store, "run").unwrap();
            (store, run)
        }
    }

    pub mod wasmi {
        use wasmi::{Caller, Engine, Instance, Linker, Memory, Module, Store, TypedFunc};

        pub struct Provider {
            store: Store<()>,
            memory: Memory,
            add: TypedFunc<(i32, i32, i32, i32), i32>,
            free: TypedFunc<(i32, i32), ()>,
            area: i32,
            slots: i32,
            consumer: Option<Memory>,
        }

        pub fn pair(
            consumer: &str,
            provider: &str,
        ) -> (Store<Provider>, TypedFunc<(i32, i32), i32>) {
            let engine = Engine::default();
            let mut store = Store::new(&engine, ());
            let module = Module::new(&engine, wat::parse_str(provider).unwrap()).unwrap();
            let instance = Instance::new(&mut store, &module, &[]).unwrap();
            let alloc = instance
                .get_typed_func::<i32, i32>(&store, "__pack_alloc")
                .unwrap();
            let (area, slots) = (
                alloc.call(&mut store, 64).unwrap(),
                alloc.call(&mut store, 8).unwrap(),
            );
            let provider = Provider {
                memory: instance.get_memory(&store, "memory").unwrap(),
                add: instance
                    .get_typed_func(&store, "bench:host/math.add")
                    .unwrap(),
                free: instance.get_typed_func(&store, "__pack_free").unwrap(),
                store,
                area,
                slots,
                consumer: None,
            };
            let mut linker = Linker::new(&engine);
            linker
                .func_wrap(
                    "bench:host/math",
                    "add",
                    |mut caller: Caller<'_, Provider>, ptr: i32, len: i32, op: i32, ol: i32| {
                        let memory = caller.data().consumer.unwrap();
                        let (consumer, p) = memory.data_and_store_mut(&mut caller);
                        let input = &consumer[ptr as usize..(ptr + len) as usize];
                        p.memory
                            .write(&mut p.store, p.area as usize, input)
                            .unwrap();
                        let status = p
                            .add
                            .call(&mut p.store, (p.area, len, p.slots, p.slots + 4))?;
                        let provided = p.memory.data(&p.store);
                        let (at, n) = (
                            super::word(provided, p.slots as usize),
                            super::word(provided, p.slots as usize + 4),
                        );
                        super::deliver(consumer, &provided[at..at + n], op, ol);
                        p.free.call(&mut p.store, (at as i32, n as i32))?;
                        Ok(status)
                    },
                )
                .unwrap();
            let module = Module::new(&engine, wat::parse_str(consumer).unwrap()).unwrap();
            let mut store = Store::new(&engine, provider);
            let instance = linker.instantiate_and_start(&mut store, &module).unwrap();
            store.data_mut().consumer = instance.get_memory(&store, "memory");
            let run = instance.get_typed_func(&store, "run").unwrap();
            (store, run)
        }
    }
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
    let provider = include_str!("guests/compose-add.wat");
    let (mut store, by_hand) = by_hand::wasmtime::pair(&add_guest(), provider);
    assert_eq!(by_hand.call(&mut store, (1000, 0)).unwrap(), 42_000);
    g.bench_function("wasmtime/by-hand", |b| {
        b.iter(|| by_hand.call(&mut store, (CALLS, 0)).unwrap())
    });
    let (mut store, by_hand) = by_hand::wasmi::pair(&add_guest(), provider);
    assert_eq!(by_hand.call(&mut store, (1000, 0)).unwrap(), 42_000);
    g.bench_function("wasmi/by-hand", |b| {
        b.iter(|| by_hand.call(&mut store, (CALLS, 0)).unwrap())
    });
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
