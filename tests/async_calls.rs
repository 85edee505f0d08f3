//! Async host functions on every engine: the store state is borrowed
//! mutably across `.await`, the guest is suspended (wasmtime fibers, wasmi
//! resumable calls) and no thread blocks, on a current-thread runtime.

mod common;

use packr::engine::{Engine, EngineConfig, EngineKind, Error, Instance, Module};
use packr::host::{Ctx, HostBuilder};
use packr::record::{Recorder, Replayer};
use std::future::Future;
use std::time::Duration;

const GUEST: &str = include_str!("guests/async.wat");

#[derive(Default)]
struct Counter {
    count: u32,
    bumps: Vec<u32>,
}

fn host() -> HostBuilder<Counter> {
    let mut host = HostBuilder::<Counter>::new();
    host.interface("example:host/counter")
        .func_async("bump", |mut cx: Ctx<'_, Counter>, by: u32| {
            Box::pin(async move {
                // Real suspension points: a timer and a yield, with the
                // state mutated before, between and after them.
                cx.data_mut().bumps.push(by);
                tokio::time::sleep(Duration::from_millis(1)).await;
                cx.data_mut().count += by;
                tokio::task::yield_now().await;
                cx.data().count
            })
        })
        .unwrap()
        .func_async(
            "panic",
            |_cx: Ctx<'_, Counter>, _: u32| -> packr::host::HostFuture<'_, u32> {
                Box::pin(async move {
                    tokio::task::yield_now().await;
                    panic!("the async host function broke")
                })
            },
        )
        .unwrap()
        .func_async("big", |_cx: Ctx<'_, Counter>, n: u32| {
            Box::pin(async move {
                tokio::task::yield_now().await;
                vec![9u8; n as usize]
            })
        })
        .unwrap();
    host.interface("example:host/math")
        .func("add", |_, (a, b): (i32, i32)| a.wrapping_add(b))
        .unwrap();
    host
}

fn instance_with(config: EngineConfig) -> Instance<Counter> {
    let engine = Engine::new(config).unwrap();
    let module = Module::from_wat(&engine, GUEST).unwrap();
    let linked = engine.link(&module, &host()).unwrap();
    assert!(linked.needs_async());
    assert!(matches!(
        linked.instantiate(Counter::default()),
        Err(Error::NeedsAsync(_))
    ));
    run(linked.instantiate_async(Counter::default())).unwrap()
}

fn instance(kind: EngineKind) -> Instance<Counter> {
    instance_with(EngineConfig {
        kind,
        ..Default::default()
    })
}

/// A current-thread runtime: nothing here needs a thread pool.
fn run<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
        .block_on(future)
}

fn async_functions_mutate_the_store_across_awaits(kind: EngineKind) {
    let mut i = instance(kind);
    assert!(i.needs_async());
    let total: u32 = run(i.call_async("bump-twice", &5u32)).unwrap();
    assert_eq!(total, 10);
    assert_eq!(i.data().count, 10, "both calls' mutations are kept");
    assert_eq!(i.data().bumps, [5, 5]);
    let next: u32 = run(i.call_async("bump", &1u32)).unwrap();
    assert_eq!(next, 11, "the next call sees the state the last one left");
}

fn sync_host_functions_work_inside_an_async_call(kind: EngineKind) {
    let mut i = instance(kind);
    let sum: i32 = run(i.call_async("add", &(20, 22))).unwrap();
    assert_eq!(sum, 42);
}

fn a_sync_call_into_a_guest_with_async_imports_is_refused(kind: EngineKind) {
    let mut i = instance(kind);
    let err = i.call::<_, u32>("bump", &1u32).unwrap_err();
    assert!(
        matches!(err, Error::NeedsAsync(ref e) if e == "bump"),
        "{err}"
    );
    assert!(err.to_string().contains("call_async"), "{err}");
    // Nothing ran, and the instance is still usable the right way.
    assert_eq!(i.data().count, 0);
    assert_eq!(run(i.call_async::<_, u32>("bump", &2u32)).unwrap(), 2);
}

fn bad_input_to_an_async_function_is_the_guests_fault(kind: EngineKind) {
    let mut i = instance(kind);
    // The guest forwards a string where `bump` takes a u32: status -1,
    // which this guest answers with `unreachable`.
    let err = run(i.call_async::<_, u32>("bump", "seven")).unwrap_err();
    assert!(matches!(err, Error::Trap { .. }), "{err}");
    let reason = &i.last_host_error().unwrap().reason;
    assert!(reason.contains("bad input"), "{reason}");
    assert!(i.data().bumps.is_empty(), "the function did not run");
}

fn bad_input_traps_under_the_trap_policy(kind: EngineKind) {
    let mut i = instance_with(EngineConfig {
        kind,
        guest_errors: packr::engine::GuestErrors::Trap,
        ..Default::default()
    });
    let err = run(i.call_async::<_, u32>("bump", "seven")).unwrap_err();
    assert!(err.to_string().contains("bad input"), "{err}");
}

fn a_panicking_async_function_traps_and_the_instance_survives(kind: EngineKind) {
    let mut i = instance(kind);
    let err = run(i.call_async::<_, u32>("panic", &1u32)).unwrap_err();
    assert!(
        err.to_string().contains("the async host function broke"),
        "{err}"
    );
    assert!(run(i.call_async::<_, u32>("bump", &3u32)).is_ok());
}

fn a_large_async_result_is_allocated_in_the_guest(kind: EngineKind) {
    let mut i = instance(kind);
    let bytes: Vec<u8> = run(i.call_async("big", &100_000u32)).unwrap();
    assert_eq!(bytes, vec![9u8; 100_000]);
}

fn instances_wait_concurrently_on_one_thread(kind: EngineKind) {
    let (mut a, mut b) = (instance(kind), instance(kind));
    let (x, y) = run(async {
        tokio::join!(
            a.call_async::<_, u32>("bump-twice", &1u32),
            b.call_async::<_, u32>("bump-twice", &100u32)
        )
    });
    assert_eq!((x.unwrap(), y.unwrap()), (2, 200));
}

fn async_calls_are_recorded_and_replayed(kind: EngineKind) {
    let mut live = instance(kind);
    live.set_interceptor(Box::new(Recorder::new()));
    let recorded: u32 = run(live.call_async("bump-twice", &4u32)).unwrap();
    let log = live.take_interceptor_as::<Recorder>().unwrap().finish();
    assert_eq!(log.len(), 3, "one export call and two host calls");

    let mut replay = instance(kind);
    replay.set_interceptor(Box::new(Replayer::new(log)));
    let replayed: u32 = run(replay.call_async("bump-twice", &4u32)).unwrap();
    assert_eq!(replayed, recorded);
    assert!(replay.data().bumps.is_empty(), "bump did not run");
}

per_engine!(
    async_functions_mutate_the_store_across_awaits,
    sync_host_functions_work_inside_an_async_call,
    a_sync_call_into_a_guest_with_async_imports_is_refused,
    bad_input_to_an_async_function_is_the_guests_fault,
    bad_input_traps_under_the_trap_policy,
    a_panicking_async_function_traps_and_the_instance_survives,
    a_large_async_result_is_allocated_in_the_guest,
    instances_wait_concurrently_on_one_thread,
    async_calls_are_recorded_and_replayed,
);
