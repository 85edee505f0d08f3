//! A hostile or broken guest cannot hurt the host: memory and table caps,
//! live-instance limits, per-call fuel, whole-call deadlines, cancellation
//! poisoning and errors that keep their host-side cause, on every engine.

mod common;

use packr::engine::{
    CoreValue, Engine, EngineConfig, EngineKind, Error, Instance, LimitHit, Module,
};
use packr::host::{Ctx, HostBuilder, HostError};
use packr::intercept::CallKind;
use packr::record::{CallLog, CallRecord, DivergenceKind, Recorder, ReplayDivergence, Replayer};
use std::any::Any;
use std::future::Future;
use std::time::{Duration, Instant};

const GREEDY: &str = include_str!("guests/greedy.wat");
const ASYNC: &str = include_str!("guests/async.wat");

fn math() -> HostBuilder<()> {
    let mut host = HostBuilder::<()>::new();
    host.interface("example:host/math")
        .func("add", |_, (a, b): (i32, i32)| a.wrapping_add(b))
        .unwrap();
    host
}

fn greedy(config: EngineConfig) -> Instance<()> {
    let engine = Engine::new(config).unwrap();
    let module = Module::from_wat(&engine, GREEDY).unwrap();
    engine
        .link(&module, &math())
        .unwrap()
        .instantiate(())
        .unwrap()
}

fn i32_of(values: Vec<CoreValue>) -> i32 {
    match values[..] {
        [CoreValue::I32(v)] => v,
        ref other => panic!("expected one i32, got {other:?}"),
    }
}

/// The process's resident memory in bytes (Linux: /proc/self/statm).
fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

const MIB: u64 = 1 << 20;

/// One test for both engines, one after the other, so the resident memory
/// measured is one guest's.
#[test]
fn a_grow_loop_under_a_64_mib_cap_stays_within_the_cap() {
    for &kind in EngineKind::ALL {
        let cap = 64 * MIB;
        let before = resident_bytes();
        let mut i = greedy(EngineConfig::default().kind(kind).max_memory_bytes(cap));
        let pages = i32_of(i.call_core("grow-all", &[]).unwrap());
        let grown = resident_bytes().saturating_sub(before);
        assert_eq!(
            pages as u64,
            cap / 65536,
            "{kind}: the guest got exactly the cap"
        );
        assert!(
            grown <= cap + 64 * MIB,
            "{kind}: resident memory grew by {} MiB under a {} MiB cap",
            grown / MIB,
            cap / MIB
        );
        assert_eq!(
            i.limit_hit(),
            Some(LimitHit::Memory {
                requested: cap + 65536,
                cap
            }),
            "{kind}"
        );
        // The guest saw -1 and carried on; the instance still works.
        let sum = i.call_core("sum", &[CoreValue::I32(20), CoreValue::I32(22)]);
        assert_eq!(i32_of(sum.unwrap()), 42, "{kind}");
        assert_eq!(i.memory_size_for_test(), cap as usize, "{kind}");
    }
}

trait MemorySize {
    fn memory_size_for_test(&self) -> usize;
}

impl MemorySize for Instance<()> {
    /// The memory's size, found by reading its last byte and the one after.
    fn memory_size_for_test(&self) -> usize {
        let mut size = 0usize;
        let mut step = 1usize << 31;
        while step > 0 {
            if self.read_memory((size + step - 1) as u32, 1).is_ok() {
                size += step;
            }
            step /= 2;
        }
        size
    }
}

fn memory_under_the_default_cap_is_256_mib(kind: EngineKind) {
    assert_eq!(EngineConfig::DEFAULT_MAX_MEMORY_BYTES, 256 * MIB);
    let engine = Engine::with_kind(kind).unwrap();
    // A module asking for more initial memory than the cap does not start.
    let big = Module::from_wat(&engine, "(module (memory 4097))").unwrap();
    let err = engine
        .link(&big, &HostBuilder::<()>::new())
        .unwrap()
        .instantiate(())
        .err()
        .unwrap();
    assert!(
        matches!(err, Error::Trap { .. } | Error::Engine(_)),
        "{err}"
    );
}

fn table_growth_stops_at_the_cap(kind: EngineKind) {
    let mut i = greedy(EngineConfig::default().kind(kind).max_table_elements(5_000));
    assert_eq!(i32_of(i.call_core("grow-table", &[]).unwrap()), 5_000);
    assert_eq!(
        i.limit_hit(),
        Some(LimitHit::Table {
            requested: 6_000,
            cap: 5_000
        })
    );
}

fn live_instances_are_capped_per_engine(kind: EngineKind) {
    let engine = Engine::new(EngineConfig::default().kind(kind).max_instances(2)).unwrap();
    let module = Module::from_wat(&engine, GREEDY).unwrap();
    let linked = engine.link(&module, &math()).unwrap();
    let a = linked.instantiate(()).unwrap();
    let _b = linked.instantiate(()).unwrap();
    let err = linked.instantiate(()).err().unwrap();
    assert!(matches!(err, Error::TooManyInstances { max: 2 }), "{err}");
    drop(a);
    // A dropped instance frees its place; clones of the engine share the count.
    let again = engine.clone().link(&module, &math()).unwrap();
    again.instantiate(()).unwrap();
}

fn per_call_fuel_is_refilled_before_every_call(kind: EngineKind) {
    let mut i = greedy(EngineConfig::default().kind(kind).call_fuel(Some(100_000)));
    // Far more work in total than one call's budget, none of it too much.
    for _ in 0..50 {
        let n = i.call_core("count", &[CoreValue::I32(5_000)]).unwrap();
        assert_eq!(i32_of(n), 5_000);
    }
    let err = i.call_core("spin", &[]).unwrap_err();
    assert!(matches!(err, Error::OutOfFuel), "{err}");
    // The runaway call does not starve the next one.
    assert_eq!(
        i32_of(
            i.call_core("sum", &[CoreValue::I32(1), CoreValue::I32(2)])
                .unwrap()
        ),
        3
    );
}

fn per_call_fuel_draws_on_the_instance_budget(kind: EngineKind) {
    let config = EngineConfig::default()
        .kind(kind)
        .fuel(Some(300_000))
        .call_fuel(Some(100_000));
    let mut i = greedy(config);
    let start = i.fuel().unwrap();
    i.call_core("count", &[CoreValue::I32(5_000)]).unwrap();
    let after = i.fuel().unwrap();
    assert!(
        after < start,
        "the call's fuel came off the instance budget"
    );
    assert!(
        after > start - 100_000,
        "only what the call burnt: {start} -> {after}"
    );
    // The per-call budget still stops a runaway call early...
    assert!(matches!(i.call_core("spin", &[]), Err(Error::OutOfFuel)));
    // ...and the instance's budget runs out after a few of them.
    let mut failures = 0;
    for _ in 0..5 {
        if i.call_core("spin", &[]).is_err() {
            failures += 1;
        }
    }
    assert_eq!(failures, 5);
    assert!(matches!(
        i.call_core("count", &[CoreValue::I32(1)]),
        Err(Error::OutOfFuel)
    ));
    assert_eq!(i.fuel().unwrap(), 0);
}

fn a_deadline_stops_a_guest_that_keeps_calling_the_host(kind: EngineKind) {
    let config = EngineConfig::default()
        .kind(kind)
        .deadline(Some(Duration::from_millis(100)));
    let mut i = greedy(config);
    let started = Instant::now();
    let err = i.call_core("call-forever", &[]).unwrap_err();
    let took = started.elapsed();
    assert!(matches!(err, Error::DeadlineExceeded), "{err}");
    assert!(took < Duration::from_millis(1_000), "{took:?}");
    assert_eq!(
        i32_of(
            i.call_core("sum", &[CoreValue::I32(1), CoreValue::I32(2)])
                .unwrap()
        ),
        3
    );
}

/// wasmtime's epochs interrupt guest code that never calls the host; wasmi
/// cannot, so there it is bounded with per-call fuel.
fn a_guest_that_never_calls_the_host_is_bounded_by_deadline_or_fuel(kind: EngineKind) {
    let config = EngineConfig::default()
        .kind(kind)
        .deadline(Some(Duration::from_millis(100)));
    let (config, expect_deadline) = match kind {
        EngineKind::Wasmtime => (config, true),
        EngineKind::Wasmi => (config.call_fuel(Some(5_000_000)), false),
    };
    let mut i = greedy(config);
    let started = Instant::now();
    let err = i.call_core("spin", &[]).unwrap_err();
    if expect_deadline {
        assert!(matches!(err, Error::DeadlineExceeded), "{err}");
        assert!(started.elapsed() < Duration::from_millis(1_000));
    } else {
        assert!(matches!(err, Error::OutOfFuel), "{err}");
    }
}

#[derive(Default)]
struct Sleepy {
    sleep: Duration,
    bumps: u32,
}

fn sleepy_host() -> HostBuilder<Sleepy> {
    let mut host = HostBuilder::<Sleepy>::new();
    host.interface("example:host/counter")
        .func_async("bump", |mut cx: Ctx<'_, Sleepy>, by: u32| {
            Box::pin(async move {
                let sleep = cx.data().sleep;
                tokio::time::sleep(sleep).await;
                cx.data_mut().bumps += by;
                cx.data().bumps
            })
        })
        .unwrap()
        .func_async("panic", |_cx: Ctx<'_, Sleepy>, x: u32| {
            Box::pin(async move { x })
        })
        .unwrap()
        .func_async("big", |_cx: Ctx<'_, Sleepy>, n: u32| {
            Box::pin(async move { vec![0u8; n as usize] })
        })
        .unwrap();
    host.interface("example:host/math")
        .func("add", |_, (a, b): (i32, i32)| a.wrapping_add(b))
        .unwrap();
    host
}

fn run<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
        .block_on(future)
}

fn sleepy(config: EngineConfig, sleep: Duration) -> Instance<Sleepy> {
    let engine = Engine::new(config).unwrap();
    let module = Module::from_wat(&engine, ASYNC).unwrap();
    let linked = engine.link(&module, &sleepy_host()).unwrap();
    let data = Sleepy { sleep, bumps: 0 };
    run(linked.instantiate_async(data)).unwrap()
}

fn a_deadline_bounds_time_spent_awaiting_async_host_functions(kind: EngineKind) {
    let config = EngineConfig::default()
        .kind(kind)
        .deadline(Some(Duration::from_millis(100)));
    let mut i = sleepy(config, Duration::from_millis(300));
    let started = Instant::now();
    let err = run(i.call_async::<_, u32>("bump", &1u32)).unwrap_err();
    let took = started.elapsed();
    assert!(matches!(err, Error::DeadlineExceeded), "{err}");
    assert!(
        took >= Duration::from_millis(100) && took < Duration::from_millis(250),
        "returned after {took:?}"
    );
    assert_eq!(
        i.data().bumps,
        0,
        "the host future was dropped at the deadline"
    );
    // The deadline ended the call cleanly: the instance is not poisoned.
    i.data_mut().sleep = Duration::ZERO;
    assert_eq!(run(i.call_async::<_, u32>("bump", &2u32)).unwrap(), 2);
}

fn a_cancelled_call_poisons_the_instance(kind: EngineKind) {
    let mut i = sleepy(EngineConfig::default().kind(kind), Duration::from_secs(5));
    i.set_interceptor(Box::new(Recorder::new()));
    let timed_out = run(async {
        tokio::time::timeout(
            Duration::from_millis(20),
            i.call_async::<_, u32>("bump", &1u32),
        )
        .await
    });
    assert!(timed_out.is_err(), "the timeout dropped the call");
    assert_eq!(i.poisoned(), Some("bump"));
    for _ in 0..2 {
        let err = run(i.call_async::<_, i32>("add", &(1i32, 2i32))).unwrap_err();
        assert!(
            matches!(&err, Error::Poisoned { export } if export == "bump"),
            "{err}"
        );
        assert!(err.to_string().contains("`bump` was cancelled"), "{err}");
    }
    let err = run(i.call_raw_async("add", &[])).unwrap_err();
    assert!(matches!(err, Error::Poisoned { .. }), "{err}");

    // The recorder logged both the export and the host call it was waiting
    // in as cancelled, not as failed.
    let recorder: Box<dyn Any + Send> = i.take_interceptor().unwrap();
    let log = recorder.downcast::<Recorder>().unwrap().finish();
    assert_eq!(log.len(), 2);
    for at in 0..2 {
        let call = log.get(at).unwrap();
        assert!(!call.completed);
        assert!(log.is_cancelled(at), "call {at} is logged as cancelled");
    }
    // The log survives a round trip through its file format.
    let mut file = Vec::new();
    log.write_to(&mut file).unwrap();
    let log = CallLog::read_from(&file[..]).unwrap();
    assert!(log.is_cancelled(0) && log.is_cancelled(1));

    // Replay reports the cancellation.
    let mut replay = sleepy(EngineConfig::default().kind(kind), Duration::ZERO);
    replay.set_interceptor(Box::new(Replayer::new(log)));
    let err = run(replay.call_async::<_, u32>("bump", &1u32)).unwrap_err();
    let Error::Intercept(e) = &err else {
        panic!("expected the replayer's error, got {err}");
    };
    let d: &ReplayDivergence = e.inner().downcast_ref().unwrap();
    assert_eq!((d.position, d.kind), (1, DivergenceKind::Cancelled));
    assert!(err.to_string().contains("cancelled"), "{err}");
    assert_eq!(
        replay.data().bumps,
        0,
        "the cancelled host call did not run"
    );
}

fn a_failed_host_function_is_the_cause_of_the_calls_error(kind: EngineKind) {
    // async.wat traps (`unreachable`) when add answers -1: the guest's
    // input to add is a string, not (s32, s32).
    let mut i = sleepy(EngineConfig::default().kind(kind), Duration::ZERO);
    let err = run(i.call_async::<_, i32>("add", &"not a pair".to_string())).unwrap_err();
    let Error::HostCall { failure, then } = &err else {
        panic!("expected the host-side cause, got {err}");
    };
    assert_eq!(
        (failure.interface.as_str(), failure.function.as_str()),
        ("example:host/math", "add")
    );
    assert!(
        matches!(failure.cause, Some(HostError::BadInput(_))),
        "{failure:?}"
    );
    assert!(matches!(**then, Error::Trap { .. }), "{then}");
    let text = err.to_string();
    assert!(
        text.contains("example:host/math.add") && text.contains("expected"),
        "{text}"
    );
    assert!(
        text.contains("unreachable"),
        "what the guest did next: {text}"
    );
    // The cause is reachable through `source()` too, and last_host_error stays.
    let source = std::error::Error::source(&err).unwrap();
    assert!(
        source.to_string().contains("example:host/math.add"),
        "{source}"
    );
    assert_eq!(i.last_host_error(), Some(&**failure));
    // The next call that succeeds carries no stale cause.
    assert_eq!(
        run(i.call_async::<_, i32>("add", &(1i32, 2i32))).unwrap(),
        3
    );
}

fn a_host_call_divergence_reaches_the_caller_typed(kind: EngineKind) {
    let export = CallRecord {
        kind: CallKind::GuestExport,
        interface: "",
        function: "bump",
        input: &packr::abi::encode(&5u32).unwrap(),
        output: &packr::abi::encode(&5u32).unwrap(),
        completed: true,
    };
    let six = packr::abi::encode(&6u32).unwrap();
    let host = CallRecord {
        kind: CallKind::HostCall,
        interface: "example:host/counter",
        function: "bump",
        input: &six,
        output: &six,
        completed: true,
    };
    let mut i = sleepy(EngineConfig::default().kind(kind), Duration::ZERO);
    i.set_interceptor(Box::new(Replayer::new(CallLog::from_records([
        export, host,
    ]))));
    let err = run(i.call_async::<_, u32>("bump", &5u32)).unwrap_err();
    let Error::Intercept(e) = &err else {
        panic!("expected the divergence, got {err}");
    };
    let d: &ReplayDivergence = e.inner().downcast_ref().unwrap();
    assert_eq!((d.position, d.kind), (1, DivergenceKind::Input));
    assert_eq!(d.actual.function, "bump");
    assert_eq!(d.actual.kind, CallKind::HostCall);
}

fn garbage_output_is_named_after_the_export(kind: EngineKind) {
    let mut i = greedy(EngineConfig::default().kind(kind));
    let err = i.call::<_, u32>("garbage", &()).unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(err, Error::BadOutput { ref export, .. } if export == "garbage"),
        "{err}"
    );
    assert!(
        text.contains("`garbage`")
            && text
                .contains("declares 4294967295 nodes, the buffer holds 0 bytes after the header"),
        "{text}"
    );
    assert!(!text.contains("limit"), "{text}");
}

per_engine!(
    memory_under_the_default_cap_is_256_mib,
    table_growth_stops_at_the_cap,
    live_instances_are_capped_per_engine,
    per_call_fuel_is_refilled_before_every_call,
    per_call_fuel_draws_on_the_instance_budget,
    a_deadline_stops_a_guest_that_keeps_calling_the_host,
    a_guest_that_never_calls_the_host_is_bounded_by_deadline_or_fuel,
    a_deadline_bounds_time_spent_awaiting_async_host_functions,
    a_cancelled_call_poisons_the_instance,
    a_failed_host_function_is_the_cause_of_the_calls_error,
    a_host_call_divergence_reaches_the_caller_typed,
    garbage_output_is_named_after_the_export,
);
