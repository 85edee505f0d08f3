//! The runtime end to end on every engine: typed host functions, export calls,
//! and every way a guest can misbehave.

mod common;

use packr::engine::{Engine, EngineConfig, EngineKind, Error, GuestErrors, Module};
use packr::host::{HostBuilder, Trap};
use packr::intercept::{CallInfo, CallInterceptor, CallKind, Intercept, InterceptError};
use packr::record::Recorder;

const HOSTILE: &str = include_str!("guests/hostile.wat");
const QUICKSTART: &str = include_str!("guests/quickstart.wat");

#[derive(Default)]
struct State {
    adds: u32,
}

fn host() -> HostBuilder<State> {
    let mut host = HostBuilder::<State>::new();
    host.interface("example:host/math")
        .func("add", |cx, (a, b): (i32, i32)| {
            cx.data_mut().adds += 1;
            a.wrapping_add(b)
        })
        .unwrap()
        .func("big", |_, (): ()| vec![7u8; 100_000])
        .unwrap()
        .func("boom", |_, (): ()| -> i32 {
            panic!("the host function broke")
        })
        .unwrap();
    host.interface("example:host/log")
        .func("log", |_, _msg: String| ())
        .unwrap();
    host
}

fn instance(config: EngineConfig) -> packr::engine::Instance<State> {
    let engine = Engine::new(config).unwrap();
    let module = Module::from_wat(&engine, HOSTILE).unwrap();
    engine
        .link(&module, &host())
        .unwrap()
        .instantiate(State::default())
        .unwrap()
}

fn a_typed_host_call_round_trips(kind: EngineKind) {
    let mut i = instance(EngineConfig {
        kind,
        ..Default::default()
    });
    assert_eq!(
        i.call::<_, i32>("ok", &()).unwrap(),
        0,
        "status 0: result in the scratch area"
    );
    assert_eq!(i.data().adds, 1);
    assert!(i.last_host_error().is_none());
}

fn a_call_from_memory_the_guest_grew_after_its_last_call_works(kind: EngineKind) {
    let mut i = instance(EngineConfig {
        kind,
        ..Default::default()
    });
    // The first call sees one page of memory; the second passes its input
    // and result slots in a page grown since.
    assert_eq!(i.call::<_, i32>("ok", &()).unwrap(), 0);
    assert_eq!(i.call::<_, i32>("grown", &()).unwrap(), 42);
    assert_eq!(i.data().adds, 2);
    assert!(i.last_host_error().is_none());
}

fn a_result_larger_than_the_scratch_area_is_allocated_in_the_guest(kind: EngineKind) {
    let mut i = instance(EngineConfig {
        kind,
        ..Default::default()
    });
    let big: Vec<u8> = i.call("big", &()).unwrap();
    assert_eq!(big, vec![7u8; 100_000]);
}

fn bad_pointers_and_lengths_get_status_minus_one_and_reach_the_error_handler(kind: EngineKind) {
    let mut i = instance(EngineConfig {
        kind,
        ..Default::default()
    });
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = seen.clone();
    i.on_host_error(move |e| sink.lock().unwrap().push(e.clone()));
    for export in ["input-out-of-bounds", "huge-length", "slots-out-of-bounds"] {
        assert_eq!(i.call::<_, i32>(export, &()).unwrap(), -1, "{export}");
    }
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 3);
    assert!(
        seen.iter()
            .all(|e| e.interface == "example:host/math" && e.function == "add")
    );
    assert!(
        seen[0].reason.contains("outside guest memory"),
        "{}",
        seen[0].reason
    );
    assert!(seen[2].reason.contains("slot"), "{}", seen[2].reason);
    assert_eq!(
        i.data().adds,
        1,
        "only the call with a good input but bad slots ran"
    );
}

fn malformed_bytes_and_the_wrong_type_are_bad_input(kind: EngineKind) {
    let mut i = instance(EngineConfig {
        kind,
        ..Default::default()
    });
    assert_eq!(i.call::<_, i32>("malformed", &()).unwrap(), -1);
    assert!(i.last_host_error().unwrap().reason.contains("bad magic"));
    assert_eq!(i.call::<_, i32>("wrong-type", &()).unwrap(), -1);
    let reason = &i.last_host_error().unwrap().reason;
    assert!(reason.contains("expected tuple, found string"), "{reason}");
    assert_eq!(i.data().adds, 0);
}

fn the_trap_policy_traps_instead_of_returning_a_status(kind: EngineKind) {
    let mut i = instance(EngineConfig {
        kind,
        guest_errors: GuestErrors::Trap,
        ..Default::default()
    });
    let err = i.call::<_, i32>("wrong-type", &()).unwrap_err();
    assert!(matches!(err, Error::Trap { .. }), "{err}");
    assert!(err.to_string().contains("example:host/math.add"), "{err}");
}

fn a_panicking_host_function_traps_the_guest_and_the_host_keeps_working(kind: EngineKind) {
    let mut i = instance(EngineConfig {
        kind,
        ..Default::default()
    });
    let err = i.call::<_, i32>("boom", &()).unwrap_err();
    assert!(err.to_string().contains("the host function broke"), "{err}");
    // The same instance's host functions and a fresh instance still work.
    assert_eq!(i.call::<_, i32>("ok", &()).unwrap(), 0);
    let mut fresh = instance(EngineConfig {
        kind,
        ..Default::default()
    });
    assert_eq!(fresh.call::<_, i32>("ok", &()).unwrap(), 0);
}

fn a_guest_trap_is_an_error_with_a_backtrace_and_a_fresh_instance_works(kind: EngineKind) {
    let mut i = instance(EngineConfig {
        kind,
        ..Default::default()
    });
    match i.call::<_, i32>("trap", &()).unwrap_err() {
        Error::Trap { message, backtrace } => {
            assert!(message.contains("unreachable"), "{message}");
            // wasmtime captures a wasm backtrace; wasmi, an interpreter,
            // reports none.
            match kind {
                EngineKind::Wasmtime => {
                    let backtrace = backtrace.expect("a wasm backtrace");
                    assert!(backtrace.contains("wasm function"), "{backtrace}");
                }
                EngineKind::Wasmi => assert_eq!(backtrace, None),
            }
        }
        other => panic!("expected a trap, got {other}"),
    }
    let mut fresh = instance(EngineConfig {
        kind,
        ..Default::default()
    });
    assert_eq!(fresh.call::<_, i32>("ok", &()).unwrap(), 0);
}

fn fuel_stops_a_runaway_guest(kind: EngineKind) {
    let mut i = instance(EngineConfig {
        kind,
        fuel: Some(100_000),
        ..Default::default()
    });
    assert!(matches!(
        i.call::<_, i32>("spin", &()).unwrap_err(),
        Error::OutOfFuel
    ));
    i.set_fuel(1_000_000).unwrap();
    assert_eq!(i.call::<_, i32>("ok", &()).unwrap(), 0);
    assert!(i.fuel().unwrap() < 1_000_000);
}

fn an_unregistered_import_fails_linking_naming_it(kind: EngineKind) {
    let engine = Engine::with_kind(kind).unwrap();
    let module = Module::from_wat(&engine, HOSTILE).unwrap();
    let mut partial = HostBuilder::<State>::new();
    partial
        .interface("example:host/math")
        .func("add", |_, (a, b): (i32, i32)| a + b)
        .unwrap();
    let err = engine.link(&module, &partial).err().unwrap();
    assert_eq!(
        err.to_string(),
        "the guest imports `big` from interface `example:host/math`, but no host function is registered for it"
    );
}

#[test]
fn registering_a_function_twice_is_an_error_naming_it() {
    let mut host = host();
    let err = host
        .interface("example:host/math")
        .func("add", |_, a: i32| a)
        .err()
        .unwrap();
    assert_eq!(
        err.to_string(),
        "host function example:host/math.add is registered twice"
    );
}

fn missing_exports_and_guest_errors_are_reported(kind: EngineKind) {
    let engine = Engine::with_kind(kind).unwrap();
    let module = Module::from_wat(&engine, QUICKSTART).unwrap();
    let mut i = engine
        .link(&module, &host())
        .unwrap()
        .instantiate(State::default())
        .unwrap();
    let err = i.call::<_, ()>("example:guest/app.nope", &()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the guest does not export `example:guest/app.nope`"
    );
    let err = i.call::<_, ()>("example:guest/app.fail", &()).unwrap_err();
    assert!(
        matches!(&err, Error::Guest { message, .. } if message == "no such thing"),
        "{err}"
    );
}

fn a_guest_without_pack_alloc_cannot_be_called_through_the_abi(kind: EngineKind) {
    let engine = Engine::with_kind(kind).unwrap();
    let module = Module::from_wat(
        &engine,
        r#"(module (memory (export "memory") 1)
            (func (export "f") (param i32 i32 i32 i32) (result i32) (i32.const 0)))"#,
    )
    .unwrap();
    let mut i = engine
        .link(&module, &HostBuilder::<()>::new())
        .unwrap()
        .instantiate(())
        .unwrap();
    let err = i.call::<_, ()>("f", &()).unwrap_err();
    assert!(err.to_string().contains("__pack_alloc"), "{err}");
}

fn typed_export_calls_round_trip_every_shape(kind: EngineKind) {
    let engine = Engine::with_kind(kind).unwrap();
    let module = Module::from_wat(&engine, QUICKSTART).unwrap();
    let mut i = engine
        .link(&module, &host())
        .unwrap()
        .instantiate(State::default())
        .unwrap();
    let v = (
        "text".to_string(),
        vec![Some(1u64), None],
        Ok::<Vec<u8>, String>(vec![1, 2]),
        ('é', -1i8, 2.5f64),
    );
    assert_eq!(
        i.call::<_, (
            String,
            Vec<Option<u64>>,
            Result<Vec<u8>, String>,
            (char, i8, f64)
        )>("example:guest/app.echo", &v)
            .unwrap(),
        v
    );
    let dynamic = packr::abi::decode(&packr::abi::encode(&v).unwrap()).unwrap();
    assert_eq!(
        i.call_value("example:guest/app.echo", &dynamic).unwrap(),
        dynamic
    );
    assert_eq!(i.call::<_, i32>("example:guest/app.run", &()).unwrap(), 42);
}

/// Records what it sees; replays a fixed answer for `add` when asked.
#[derive(Default)]
struct Spy {
    seen: Vec<(CallKind, String, String, usize, usize)>,
    answer_add_with: Option<Vec<u8>>,
}

impl CallInterceptor for Spy {
    fn before(&mut self, call: &CallInfo<'_>, _input: &[u8]) -> Result<Intercept, InterceptError> {
        match (&self.answer_add_with, call.function) {
            (Some(bytes), "add") => Ok(Intercept::Return(bytes.clone())),
            _ => Ok(Intercept::Proceed),
        }
    }
    fn after(
        &mut self,
        call: &CallInfo<'_>,
        input: &[u8],
        output: &[u8],
    ) -> Result<(), InterceptError> {
        self.seen.push((
            call.kind,
            call.interface.into(),
            call.function.into(),
            input.len(),
            output.len(),
        ));
        Ok(())
    }
}

fn interceptors_see_host_calls_and_export_calls_and_can_short_circuit(kind: EngineKind) {
    let engine = Engine::with_kind(kind).unwrap();
    let module = Module::from_wat(&engine, QUICKSTART).unwrap();
    let linked = engine.link(&module, &host()).unwrap();

    let mut i = linked.instantiate(State::default()).unwrap();
    i.set_interceptor(Box::new(Spy::default()));
    assert_eq!(i.call::<_, i32>("example:guest/app.run", &()).unwrap(), 42);
    assert!(
        i.take_interceptor_as::<Recorder>().is_none(),
        "a spy, not a recorder"
    );
    assert_eq!(i.interceptor_as::<Spy>().map(|s| s.seen.len()), Some(3));
    i.interceptor_as_mut::<Spy>().unwrap().answer_add_with = None;
    let spy = i.take_interceptor_as::<Spy>().unwrap();
    assert!(i.take_interceptor().is_none(), "taken");
    let names: Vec<_> = spy
        .seen
        .iter()
        .map(|s| (s.0, s.1.as_str(), s.2.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            (CallKind::HostCall, "example:host/log", "log"),
            (CallKind::HostCall, "example:host/math", "add"),
            (CallKind::GuestExport, "example:guest/app", "run"),
        ]
    );
    assert_eq!(spy.seen[1].3, 60, "the interceptor sees the input bytes");

    // Short-circuit: `add` answers 7 without running.
    let mut i = linked.instantiate(State::default()).unwrap();
    i.set_interceptor(Box::new(Spy {
        answer_add_with: Some(packr::abi::encode(&7i32).unwrap()),
        ..Default::default()
    }));
    assert_eq!(i.call::<_, i32>("example:guest/app.run", &()).unwrap(), 7);
    assert_eq!(i.data().adds, 0, "the host function did not run");
}

fn a_host_function_can_trap_on_purpose(kind: EngineKind) {
    let engine = Engine::with_kind(kind).unwrap();
    let module = Module::from_wat(&engine, QUICKSTART).unwrap();
    let mut host = HostBuilder::<State>::new();
    host.interface("example:host/log")
        .func("log", |_, _: String| ())
        .unwrap();
    host.interface("example:host/math")
        .func_trappable("add", |_, (a, b): (i32, i32)| -> Result<i32, Trap> {
            if a > 10 {
                Err(Trap::new("a is too large"))
            } else {
                Ok(a + b)
            }
        })
        .unwrap();
    let mut i = engine
        .link(&module, &host)
        .unwrap()
        .instantiate(State::default())
        .unwrap();
    let err = i.call::<_, i32>("example:guest/app.run", &()).unwrap_err();
    assert!(
        err.to_string().contains("a is too large") || format!("{err:?}").contains("a is too large"),
        "{err:?}"
    );
}

per_engine!(
    a_typed_host_call_round_trips,
    a_call_from_memory_the_guest_grew_after_its_last_call_works,
    a_result_larger_than_the_scratch_area_is_allocated_in_the_guest,
    bad_pointers_and_lengths_get_status_minus_one_and_reach_the_error_handler,
    malformed_bytes_and_the_wrong_type_are_bad_input,
    the_trap_policy_traps_instead_of_returning_a_status,
    a_panicking_host_function_traps_the_guest_and_the_host_keeps_working,
    a_guest_trap_is_an_error_with_a_backtrace_and_a_fresh_instance_works,
    fuel_stops_a_runaway_guest,
    an_unregistered_import_fails_linking_naming_it,
    missing_exports_and_guest_errors_are_reported,
    a_guest_without_pack_alloc_cannot_be_called_through_the_abi,
    typed_export_calls_round_trip_every_shape,
    interceptors_see_host_calls_and_export_calls_and_can_short_circuit,
    a_host_function_can_trap_on_purpose,
);

fn raw_host_functions_take_core_values(kind: EngineKind) {
    use packr::host::{CoreType, CoreValue};
    let raw = include_str!("guests/raw.wat");
    let engine = Engine::with_kind(kind).unwrap();
    let module = Module::from_wat(&engine, raw).unwrap();

    let mut host = HostBuilder::<i64>::new();
    host.interface("env")
        .func_raw("tick", &[CoreType::I64], &[CoreType::I64], |cx, args| {
            let Some(&CoreValue::I64(n)) = args.first() else {
                return Err(Trap::new("expected an i64"));
            };
            *cx.data_mut() += n;
            Ok(vec![CoreValue::I64(*cx.data())])
        })
        .unwrap();
    let mut i = engine.link(&module, &host).unwrap().instantiate(0).unwrap();
    assert_eq!(
        i.call_core("run", &[CoreValue::I64(5)]).unwrap(),
        [CoreValue::I64(5)]
    );
    assert_eq!(
        i.call_core("run", &[CoreValue::I64(7)]).unwrap(),
        [CoreValue::I64(12)]
    );

    // Declared with another signature: linking names both sides.
    let mut wrong = HostBuilder::<i64>::new();
    wrong
        .interface("env")
        .func_raw("tick", &[CoreType::I32], &[CoreType::I32], |_, args| {
            Ok(args.to_vec())
        })
        .unwrap();
    let err = engine
        .link(&module, &wrong)
        .err()
        .expect("a signature mismatch");
    assert!(matches!(err, Error::UnsupportedImport(_)), "{err}");
    assert!(err.to_string().contains("takes (i32) -> (i32)"), "{err}");

    // Returning values of the wrong type traps instead of confusing the engine.
    let mut liar = HostBuilder::<i64>::new();
    liar.interface("env")
        .func_raw("tick", &[CoreType::I64], &[CoreType::I64], |_, _| {
            Ok(vec![CoreValue::F32(1.0)])
        })
        .unwrap();
    let mut i = engine.link(&module, &liar).unwrap().instantiate(0).unwrap();
    let err = i.call_core("run", &[CoreValue::I64(1)]).unwrap_err();
    assert!(err.to_string().contains("declared to return"), "{err}");
}

per_engine!(raw_host_functions_take_core_values);

#[test]
fn a_deadline_stops_a_runaway_guest_on_wasmtime() {
    let deadline = std::time::Duration::from_millis(50);
    let mut i = instance(EngineConfig {
        kind: EngineKind::Wasmtime,
        deadline: Some(deadline),
        ..Default::default()
    });
    let started = std::time::Instant::now();
    let err = i.call::<_, i32>("spin", &()).unwrap_err();
    assert!(matches!(err, Error::DeadlineExceeded), "{err}");
    assert!(started.elapsed() >= deadline, "not before the deadline");
    // Each call gets the full budget again.
    assert_eq!(i.call::<_, i32>("ok", &()).unwrap(), 0);
}

#[test]
fn wasmi_refuses_a_deadline_and_points_at_fuel() {
    let err = Engine::new(EngineConfig {
        kind: EngineKind::Wasmi,
        deadline: Some(std::time::Duration::from_secs(1)),
        ..Default::default()
    })
    .unwrap_err();
    assert!(err.to_string().contains("fuel"), "{err}");
}

fn host_functions_can_read_guest_memory(kind: EngineKind) {
    let engine = Engine::with_kind(kind).unwrap();
    let module = Module::from_wat(&engine, QUICKSTART).unwrap();
    let mut host = HostBuilder::<Vec<u8>>::new();
    host.interface("example:host/log")
        .func("log", |cx, _msg: String| {
            // The quickstart guest keeps the error text of `fail` at 1200.
            let text = cx.memory().get(1200..1213).unwrap_or_default().to_vec();
            *cx.data_mut() = text;
        })
        .unwrap();
    host.interface("example:host/math")
        .func("add", |_, (a, b): (i32, i32)| a + b)
        .unwrap();
    let mut i = engine
        .link(&module, &host)
        .unwrap()
        .instantiate(Vec::new())
        .unwrap();
    assert_eq!(i.call::<_, i32>("example:guest/app.run", &()).unwrap(), 42);
    assert_eq!(i.data(), b"no such thing");
}

per_engine!(host_functions_can_read_guest_memory);

fn the_reference_07_profile_writes_results_to_a_fixed_checked_area(kind: EngineKind) {
    use packr::engine::GuestProfile;
    let profile = GuestProfile::Reference07 {
        scratch_offset: 4096,
        scratch_len: 1024,
    };
    let mut i = instance(EngineConfig {
        kind,
        profile,
        ..Default::default()
    });
    // Status 0, and the result sits in the fixed area, not an allocation.
    assert_eq!(i.call::<_, i32>("ok", &()).unwrap(), 0);
    let slots = i.read_memory(512, 8).unwrap();
    let ptr = u32::from_le_bytes(slots[0..4].try_into().unwrap());
    let len = u32::from_le_bytes(slots[4..8].try_into().unwrap());
    assert_eq!(ptr, 4096);
    let result: i32 = packr::abi::decode_as(&i.read_memory(ptr, len).unwrap()).unwrap();
    assert_eq!(result, 42);

    // A result larger than the area never spills past it: status -1.
    let err = i.call::<_, Vec<u8>>("big", &()).unwrap_err();
    assert!(matches!(err, Error::Guest { .. }), "{err}");
    let reason = &i.last_host_error().unwrap().reason;
    assert!(
        reason.contains("does not fit the 1024-byte scratch area"),
        "{reason}"
    );

    // An area outside guest memory is refused when the instance is made.
    let engine = Engine::new(EngineConfig {
        kind,
        profile: GuestProfile::Reference07 {
            scratch_offset: 65_000,
            scratch_len: 4096,
        },
        ..Default::default()
    })
    .unwrap();
    let module = Module::from_wat(&engine, HOSTILE).unwrap();
    let err = engine
        .link(&module, &host())
        .unwrap()
        .instantiate(State::default())
        .err()
        .expect("the area lies outside memory");
    assert!(matches!(err, Error::OutOfBounds { .. }), "{err}");
}

per_engine!(the_reference_07_profile_writes_results_to_a_fixed_checked_area);

fn a_fixed_base_guest_gets_its_memory_and_allocator_from_the_host(kind: EngineKind) {
    use packr::engine::GuestProfile;
    let fixed_base = include_str!("guests/fixed-base.wat");
    let engine = Engine::new(EngineConfig {
        kind,
        profile: GuestProfile::FixedBase { memory_pages: 128 },
        ..Default::default()
    })
    .unwrap();
    let module = Module::from_wat(&engine, fixed_base).unwrap();
    let mut i = engine
        .link(&module, &host())
        .unwrap()
        .instantiate(State::default())
        .unwrap();
    assert_eq!(i.call::<_, i32>("run", &()).unwrap(), 42);
    assert_eq!(i.data().adds, 1);
    // 100 kB results come from the host's bump allocator, growing memory
    // past the 128 pages (8 MiB) a few times over.
    for _ in 0..100 {
        let big: Vec<u8> = i.call("big", &()).unwrap();
        assert_eq!(big, vec![7u8; 100_000]);
    }
    let echoed: String = i.call("echo", "fixed base").unwrap();
    assert_eq!(echoed, "fixed base");

    // Without the profile the same guest cannot link: nobody supplies its
    // memory and allocator imports (the engine decides which it names).
    let plain = Engine::with_kind(kind).unwrap();
    let module = Module::from_wat(&plain, fixed_base).unwrap();
    let err = plain
        .link(&module, &host())
        .err()
        .expect("unsupplied imports");
    let message = err.to_string();
    assert!(
        message.contains("`env`.`memory`") || message.contains("`pack:alloc`"),
        "{message}"
    );
}

per_engine!(a_fixed_base_guest_gets_its_memory_and_allocator_from_the_host);
