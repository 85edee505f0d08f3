//! Resources end to end, on both engines: a `counter` the host owns and
//! the guest holds by handle (`wit/counters.wit+`, `guests/counters.wat`),
//! through the code `bindgen!` generates. Every ownership rule is checked
//! against a guest that sends what it likes, as is the live-handle limit,
//! what happens to live objects when the instance goes, and record/replay
//! across engines.

mod common;

use packr::engine::{
    Engine, EngineConfig, EngineKind, Error, GuestErrors, Instance, Module, validate,
};
use packr::host::HostBuilder;
use packr::record::{Recorder, Replayer};
use packr::resource::{Resource, ResourceError, ResourceTable};
use std::any::Any;
use std::sync::{Arc, Mutex};

/// What the host stores behind a `counter` handle; records its last value
/// when dropped, so the tests see which objects went and in what order.
pub struct Counter {
    value: u32,
    dropped: Arc<Mutex<Vec<u32>>>,
}

impl Drop for Counter {
    fn drop(&mut self) {
        self.dropped.lock().unwrap().push(self.value);
    }
}

packr::bindgen!({
    path: "wit/counters.wit+",
    with: { "test:counters/counters.counter" => crate::Counter },
});

#[derive(Default)]
struct CounterHost {
    dropped: Arc<Mutex<Vec<u32>>>,
    /// Counters the guest moved to the host with `consume`, kept alive.
    kept: Vec<Resource<Counter>>,
    /// How often the guest's `[resource-drop]` reached the host.
    destructors: u32,
}

impl counters::HostCounter for CounterHost {
    fn new(
        &mut self,
        table: &mut ResourceTable,
        start: u32,
    ) -> Result<Resource<Counter>, ResourceError> {
        table.push(Counter {
            value: start,
            dropped: self.dropped.clone(),
        })
    }

    fn get(
        &mut self,
        table: &mut ResourceTable,
        self_: &Resource<Counter>,
    ) -> Result<u32, ResourceError> {
        Ok(table.get(self_)?.value)
    }

    fn add(
        &mut self,
        table: &mut ResourceTable,
        self_: &Resource<Counter>,
        n: u32,
    ) -> Result<(), ResourceError> {
        table.get_mut(self_)?.value += n;
        Ok(())
    }

    fn consume(
        &mut self,
        table: &mut ResourceTable,
        c: Resource<Counter>,
    ) -> Result<u32, ResourceError> {
        let value = table.get(&c)?.value;
        self.kept.push(c);
        Ok(value)
    }

    fn drop(
        &mut self,
        table: &mut ResourceTable,
        rep: Resource<Counter>,
    ) -> Result<(), ResourceError> {
        self.destructors += 1;
        table.delete(rep).map(|_| ())
    }
}

impl counters::Host for CounterHost {
    fn total(
        &mut self,
        table: &mut ResourceTable,
        a: &Resource<Counter>,
        b: &Resource<Counter>,
    ) -> Result<u32, ResourceError> {
        Ok(table.get(a)?.value + table.get(b)?.value)
    }
}

const GUEST: &str = include_str!("guests/counters.wat");

fn host() -> HostBuilder<CounterHost> {
    let mut host = HostBuilder::new();
    counters::add_to_linker(&mut host, |s| s).unwrap();
    host
}

fn instance_with(config: EngineConfig) -> Instance<CounterHost> {
    let engine = Engine::new(config).unwrap();
    let module = Module::from_wat(&engine, GUEST).unwrap();
    let host = host();
    let pkg = packr::wit::Package::load(concat!(env!("CARGO_MANIFEST_DIR"), "/wit/counters.wit+"))
        .unwrap();
    validate(&module, &pkg, pkg.world(None).unwrap(), &host).unwrap();
    engine
        .link(&module, &host)
        .unwrap()
        .instantiate(CounterHost::default())
        .unwrap()
}

fn instance(kind: EngineKind) -> Instance<CounterHost> {
    instance_with(EngineConfig {
        kind,
        ..EngineConfig::default()
    })
}

fn app(i: &mut Instance<CounterHost>) -> app::Exports<'_, CounterHost> {
    app::Exports::new(i)
}

/// The export fails, and the host's reason names the function, the handle
/// and the rule.
fn refused(
    i: &mut Instance<CounterHost>,
    result: Result<u32, Error>,
    function: &str,
    handle: u32,
    rule: &str,
) {
    let err = result.expect_err("the host refuses the handle");
    // The export call's error keeps the host function that refused it; the
    // guest then failed with its own error status.
    assert!(
        matches!(&err, Error::HostCall { failure, then }
            if failure.function == function && matches!(**then, Error::Guest { .. })),
        "{err}"
    );
    let reason = i
        .last_host_error()
        .expect("the host reported why")
        .to_string();
    assert!(
        reason.contains(&format!("test:counters/counters.{function}")),
        "{reason}"
    );
    assert!(reason.contains(&format!("{handle:#x}")), "{reason}");
    assert!(reason.contains(rule), "{reason}");
}

fn handles_flow_through_constructor_methods_and_drop(kind: EngineKind) {
    let mut i = instance(kind);
    let h = app(&mut i).call_new(5).unwrap();
    assert_ne!(h, 0);
    assert_eq!(app(&mut i).call_get(h).unwrap(), 5);
    app(&mut i).call_bump(h).unwrap();
    assert_eq!(app(&mut i).call_get(h).unwrap(), 6);
    assert_eq!(
        app(&mut i).call_twice(h).unwrap(),
        12,
        "one handle borrowed twice in a call"
    );
    assert_eq!(i.resources().len(), 1);
    app(&mut i).call_drop(h).unwrap();
    assert_eq!(i.data().destructors, 1, "the host's drop ran");
    assert_eq!(
        *i.data().dropped.lock().unwrap(),
        [6],
        "and deleted the object"
    );
    assert!(i.resources().is_empty());
}

fn every_ownership_rule_is_an_error_for_the_guest(kind: EngineKind) {
    let mut i = instance(kind);
    // A handle never issued.
    let r = app(&mut i).call_get(0x0012_3456);
    refused(
        &mut i,
        r,
        "[method]counter.get",
        0x0012_3456,
        "never issued",
    );
    // A handle of another resource type.
    let other = i
        .resources_mut()
        .push(String::from("not a counter"))
        .unwrap();
    let other = i.resources_mut().to_guest(other).unwrap();
    let r = app(&mut i).call_bump(other);
    refused(
        &mut i,
        r,
        "[method]counter.add",
        other,
        "is a `alloc::string::String`, not a `resources::Counter`",
    );
    // Use after drop, then a double drop.
    let h = app(&mut i).call_new(1).unwrap();
    app(&mut i).call_drop(h).unwrap();
    let r = app(&mut i).call_get(h);
    refused(
        &mut i,
        r,
        "[method]counter.get",
        h,
        "used after it was dropped",
    );
    let r = app(&mut i).call_drop(h);
    refused(&mut i, r, "[resource-drop]counter", h, "dropped twice");
    // An own handle used after it was moved to the host.
    let h = app(&mut i).call_new(9).unwrap();
    assert_eq!(app(&mut i).call_consume(h).unwrap(), 9);
    let r = app(&mut i).call_twice(h);
    refused(&mut i, r, "total", h, "moved to the host");
    let r = app(&mut i).call_consume(h);
    refused(&mut i, r, "[static]counter.consume", h, "moved to the host");
    assert_eq!(
        i.data().kept.len(),
        1,
        "the host still holds what it was given"
    );
    // A borrow kept past the call that lent it, and a borrow passed where
    // own is required.
    let mine = i
        .resources_mut()
        .push(Counter {
            value: 40,
            dropped: Arc::default(),
        })
        .unwrap();
    let lent = i.resources_mut().lend(&mine).unwrap();
    assert_eq!(
        app(&mut i).call_get(lent).unwrap(),
        40,
        "valid during the call"
    );
    let r = app(&mut i).call_get(lent);
    refused(
        &mut i,
        r,
        "[method]counter.get",
        lent,
        "borrowed for a call that has returned",
    );
    let lent = i.resources_mut().lend(&mine).unwrap();
    let r = app(&mut i).call_consume(lent);
    refused(
        &mut i,
        r,
        "[static]counter.consume",
        lent,
        "is a borrow, but an own handle is required",
    );
    // None of it cost the host an object or a panic.
    assert_eq!(i.resources_mut().get(&mine).unwrap().value, 40);
}

fn a_broken_rule_traps_when_configured_to(kind: EngineKind) {
    let mut i = instance_with(EngineConfig {
        kind,
        guest_errors: GuestErrors::Trap,
        ..EngineConfig::default()
    });
    let err = app(&mut i).call_get(77).unwrap_err();
    assert!(
        matches!(&err, Error::HostCall { then, .. } if matches!(**then, Error::Trap { .. })),
        "{err}"
    );
    assert!(
        err.to_string().contains("handle 0x4d was never issued"),
        "{err}"
    );
}

fn the_live_handle_limit_stops_a_guest_that_creates_handles_in_a_loop(kind: EngineKind) {
    let mut i = instance_with(EngineConfig {
        kind,
        max_resources: 3,
        ..EngineConfig::default()
    });
    assert!(app(&mut i).call_leak(1_000_000).is_err());
    let reason = i.last_host_error().unwrap().to_string();
    assert!(reason.contains("[constructor]counter"), "{reason}");
    assert!(
        reason.contains("already holds 3 live resources"),
        "{reason}"
    );
    assert_eq!(i.resources().len(), 3);
    // Dropping one makes room for one.
    app(&mut i).call_drop(1 << 20).unwrap();
    assert!(app(&mut i).call_new(0).is_ok());
    assert!(app(&mut i).call_new(0).is_err());
    assert_eq!(
        EngineConfig::default().max_resources,
        ResourceTable::DEFAULT_MAX_LIVE
    );
}

fn dropping_the_instance_drops_its_resources_newest_first(kind: EngineKind) {
    let mut i = instance(kind);
    for start in [1, 2, 3] {
        app(&mut i).call_new(start).unwrap();
    }
    let h = app(&mut i).call_new(4).unwrap();
    app(&mut i).call_consume(h).unwrap(); // moved to the host, still live
    let dropped = i.data().dropped.clone();
    assert!(dropped.lock().unwrap().is_empty());
    let state = i.into_data();
    assert_eq!(
        *dropped.lock().unwrap(),
        [4, 3, 2, 1],
        "every object, newest first, before the state"
    );
    drop(state);
}

/// A session: handles are numbers the guest learns from the host, so a
/// replay must hand out the same ones.
fn session(i: &mut Instance<CounterHost>) -> Vec<u32> {
    let a = app(i).call_new(7).unwrap();
    let b = app(i).call_new(1).unwrap();
    app(i).call_bump(a).unwrap();
    let got = app(i).call_get(a).unwrap();
    app(i).call_drop(b).unwrap();
    let c = app(i).call_new(2).unwrap();
    vec![a, b, got, c]
}

fn record_on(record: EngineKind, replay: EngineKind) {
    let mut live = instance(record);
    live.set_interceptor(Box::new(Recorder::new()));
    let recorded = session(&mut live);
    assert_ne!(
        recorded[1], recorded[3],
        "a reused slot gets a new generation"
    );
    let recorder: Box<dyn Any + Send> = live.take_interceptor().unwrap();
    let log = recorder.downcast::<Recorder>().unwrap().finish();

    let mut again = instance(replay);
    again.set_interceptor(Box::new(Replayer::new(log)));
    assert_eq!(session(&mut again), recorded);
    assert!(
        again.resources().is_empty(),
        "the replay ran no host function"
    );
    let replayer: Box<dyn Any + Send> = again.take_interceptor().unwrap();
    assert!(replayer.downcast::<Replayer>().unwrap().is_finished());
}

#[test]
fn a_session_recorded_on_wasmtime_replays_on_wasmi_with_the_same_handles() {
    record_on(EngineKind::Wasmtime, EngineKind::Wasmi);
}

#[test]
fn a_session_recorded_on_wasmi_replays_on_wasmtime_with_the_same_handles() {
    record_on(EngineKind::Wasmi, EngineKind::Wasmtime);
}

per_engine!(
    handles_flow_through_constructor_methods_and_drop,
    every_ownership_rule_is_an_error_for_the_guest,
    a_broken_rule_traps_when_configured_to,
    the_live_handle_limit_stops_a_guest_that_creates_handles_in_a_loop,
    dropping_the_instance_drops_its_resources_newest_first,
);

/// The same interface written by hand with `#[host_interface]`, checked
/// against the WIT+ declaration: handles in and out get the same checks.
mod by_hand {
    use super::Counter;
    use packr::HostInterface;
    use packr::engine::{Engine, EngineKind, Error, Module};
    use packr::host::{Ctx, HostBuilder, Trap};
    use packr::resource::Resource;
    use std::sync::{Arc, Mutex};

    #[derive(Default)]
    pub struct HandCounters {
        dropped: Arc<Mutex<Vec<u32>>>,
    }

    #[packr::host_interface("test:counters/counters", wit = "wit/counters.wit+")]
    impl HandCounters {
        #[host(name = "[constructor]counter")]
        fn create(cx: &mut Ctx<'_, HandCounters>, start: u32) -> Result<Resource<Counter>, Trap> {
            let dropped = cx.data().dropped.clone();
            Ok(cx.table().push(Counter {
                value: start,
                dropped,
            })?)
        }

        #[host(name = "[method]counter.get")]
        fn get(cx: &mut Ctx<'_, HandCounters>, self_: &Resource<Counter>) -> Result<u32, Trap> {
            Ok(cx.table().get(self_)?.value)
        }

        #[host(name = "[method]counter.add")]
        fn add(
            cx: &mut Ctx<'_, HandCounters>,
            self_: &Resource<Counter>,
            n: u32,
        ) -> Result<(), Trap> {
            cx.table().get_mut(self_)?.value += n;
            Ok(())
        }

        #[host(name = "[static]counter.consume")]
        fn consume(cx: &mut Ctx<'_, HandCounters>, c: Resource<Counter>) -> Result<u32, Trap> {
            Ok(cx.table().delete(c)?.value)
        }

        #[host(name = "[resource-drop]counter")]
        fn drop_counter(cx: &mut Ctx<'_, HandCounters>, c: Resource<Counter>) -> Result<(), Trap> {
            cx.table().delete(c)?;
            Ok(())
        }

        fn total(
            cx: &mut Ctx<'_, HandCounters>,
            a: &Resource<Counter>,
            b: &Resource<Counter>,
        ) -> Result<u32, Trap> {
            Ok(cx.table().get(a)?.value + cx.table().get(b)?.value)
        }
    }

    fn call(
        i: &mut packr::engine::Instance<HandCounters>,
        f: &str,
        arg: u32,
    ) -> Result<u32, Error> {
        i.call(&format!("test:counters/app.{f}"), &arg)
    }

    fn handles_and_rules_work_for_a_hand_written_impl(kind: EngineKind) {
        let engine = Engine::with_kind(kind).unwrap();
        let module = Module::from_wat(&engine, super::GUEST).unwrap();
        let mut host = HostBuilder::<HandCounters>::new();
        HandCounters::add_to_linker(&mut host, |s| s).unwrap();
        let described: Vec<String> = <HandCounters as HostInterface<HandCounters>>::functions()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            described[0],
            "[constructor]counter: func(start: u32) -> own<counter>"
        );
        assert_eq!(
            described[1],
            "[method]counter.get: func(self: borrow<counter>) -> u32"
        );
        let mut i = engine
            .link(&module, &host)
            .unwrap()
            .instantiate(HandCounters::default())
            .unwrap();
        let h = call(&mut i, "new", 3).unwrap();
        call(&mut i, "bump", h).unwrap();
        assert_eq!(call(&mut i, "twice", h).unwrap(), 8);
        assert_eq!(call(&mut i, "consume", h).unwrap(), 4);
        assert!(call(&mut i, "get", h).is_err());
        let reason = i.last_host_error().unwrap().to_string();
        assert!(
            reason.contains("[method]counter.get") && reason.contains("dropped"),
            "{reason}"
        );
        let h = call(&mut i, "new", 5).unwrap();
        call(&mut i, "drop", h).unwrap();
        assert!(call(&mut i, "drop", h).is_err());
        assert!(
            i.last_host_error()
                .unwrap()
                .to_string()
                .contains("dropped twice")
        );
        assert_eq!(*i.data().dropped.lock().unwrap(), [4, 5]);
        assert!(i.resources().is_empty());
    }

    crate::per_engine!(handles_and_rules_work_for_a_hand_written_impl);
}

/// Resources in a world: an interface written inline in the world
/// declares one, and `bindgen!` generates its host trait and canonical
/// imports as for a named interface.
mod in_a_world {
    use packr::host::HostBuilder;
    use packr::resource::{Resource, ResourceError, ResourceTable};

    pub struct Blob(u32);

    packr::bindgen!({
        path: "wit/world-resources.wit+",
        with: { "test:inline/store.blob" => crate::in_a_world::Blob },
    });

    struct Store;

    impl store::HostBlob for Store {
        fn new(
            &mut self,
            table: &mut ResourceTable,
            size: u32,
        ) -> Result<Resource<Blob>, ResourceError> {
            table.push(Blob(size))
        }
        fn len(
            &mut self,
            table: &mut ResourceTable,
            self_: &Resource<Blob>,
        ) -> Result<u32, ResourceError> {
            Ok(table.get(self_)?.0)
        }
    }

    impl store::Host for Store {
        fn total(
            &mut self,
            table: &mut ResourceTable,
            a: &Resource<Blob>,
            b: &Resource<Blob>,
        ) -> Result<u32, ResourceError> {
            Ok(table.get(a)?.0 + table.get(b)?.0)
        }
    }

    #[test]
    fn an_inline_world_interface_declares_a_resource() {
        let mut host = HostBuilder::<Store>::new();
        store::add_to_linker(&mut host, |s| s).unwrap();
        for name in [
            "[constructor]blob",
            "[method]blob.len",
            "[resource-drop]blob",
            "total",
        ] {
            assert!(
                host.get("test:inline/store", name).is_some(),
                "{name} is registered"
            );
        }
    }
}
