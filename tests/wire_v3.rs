//! A guest of the reference 0.22+ generation, end to end on both engines:
//! it speaks wire version 3, imports a bare interface (`tally`) whose
//! function takes a `map<string, u32>`, and exports one returning a
//! `set<string>`, all through `packr::bindgen!`.

mod common;

use packr::abi::Wire;
use packr::engine::{Engine, EngineConfig, EngineKind, Module, validate};
use packr::host::HostBuilder;
use std::collections::{BTreeMap, BTreeSet};

packr::bindgen!("wit/v3");

#[derive(Default)]
struct Tally {
    seen: Vec<BTreeMap<String, u32>>,
}

impl tally::Host for Tally {
    fn count(&mut self, words: BTreeMap<String, u32>) -> u32 {
        let sum = words.values().sum();
        self.seen.push(words);
        sum
    }
}

fn setup(kind: EngineKind, wire: Option<Wire>) -> packr::engine::Instance<Tally> {
    let pkg = packr::wit::Package::load(concat!(env!("CARGO_MANIFEST_DIR"), "/wit/v3")).unwrap();
    let engine = Engine::new(EngineConfig {
        kind,
        wire,
        ..EngineConfig::default()
    })
    .unwrap();
    let module = Module::from_wat(&engine, include_str!("guests/v3.wat")).unwrap();
    let mut host = HostBuilder::<Tally>::new();
    tally::add_to_linker(&mut host, |s| s).unwrap();
    validate(&module, &pkg, pkg.world(None).unwrap(), &host).unwrap();
    engine
        .link(&module, &host)
        .unwrap()
        .instantiate(Tally::default())
        .unwrap()
}

fn a_version_3_guest_exchanges_maps_and_sets(kind: EngineKind) {
    let mut instance = setup(kind, None);
    // Nothing names a version yet: the host writes version 2 until the
    // guest has said something.
    assert_eq!(instance.wire(), Wire::V2);
    // The guest traps unless `count` answers in version 3 with the sum.
    let tags = tags::Exports::new(&mut instance).call_tags().unwrap();
    assert_eq!(tags, BTreeSet::from(["x".to_string(), "y".to_string()]));
    assert_eq!(
        instance.data().seen,
        [BTreeMap::from([("a".to_string(), 1), ("b".to_string(), 2)])]
    );
    // The first buffer the guest sent was version 3: the instance speaks it.
    assert_eq!(instance.wire(), Wire::V3);
}

fn the_configured_version_is_spoken_from_the_start(kind: EngineKind) {
    let mut instance = setup(kind, Some(Wire::V3));
    assert_eq!(instance.wire(), Wire::V3);
    let tags = tags::Exports::new(&mut instance).call_tags().unwrap();
    assert_eq!(tags.len(), 2);
}

per_engine!(
    a_version_3_guest_exchanges_maps_and_sets,
    the_configured_version_is_spoken_from_the_start
);

#[test]
fn the_bare_interface_is_imported_by_its_bare_name() {
    let pkg = packr::wit::Package::load(concat!(env!("CARGO_MANIFEST_DIR"), "/wit/v3")).unwrap();
    assert_eq!(pkg.interface("tally").unwrap().qualified, "tally");
    assert_eq!(pkg.interface("tags").unwrap().qualified, "example:v3/tags");
}

/// A session recorded with this guest replays against it, and a log holds
/// the version it was recorded in; replaying it against a guest that
/// speaks the other version is refused, naming both versions.
fn a_log_keeps_its_version_and_refuses_the_other(kind: EngineKind) {
    use packr::intercept::{CallInfo, CallInterceptor, CallKind};
    use packr::record::{Recorder, Replayer};
    let mut instance = setup(kind, None);
    instance.set_interceptor(Box::new(Recorder::new()));
    tags::Exports::new(&mut instance).call_tags().unwrap();
    let log = instance
        .take_interceptor()
        .and_then(|i| (i as Box<dyn std::any::Any>).downcast::<Recorder>().ok())
        .unwrap()
        .seal();
    assert_eq!(
        log.wire(),
        Some(Wire::V3),
        "the guest's first buffer was v3"
    );
    let host_call = log
        .entries()
        .find(|c| c.kind == CallKind::HostCall)
        .unwrap();
    assert_eq!(
        Wire::of(host_call.input),
        Some(Wire::V3),
        "bytes kept as they crossed"
    );

    // The same guest replays.
    let mut again = setup(kind, None);
    again.set_interceptor(Box::new(Replayer::new(log.clone())));
    let tags = tags::Exports::new(&mut again).call_tags().unwrap();
    assert_eq!(tags.len(), 2);

    // A guest of the other generation sends the same map in version 2 (as
    // its list form).
    let mut replay = Replayer::new(log.clone());
    let export = log.get(0).unwrap();
    replay.before(&export.call_info(), export.input).unwrap();
    let count = CallInfo {
        kind: CallKind::HostCall,
        interface: "tally",
        function: "count",
    };
    let words = BTreeMap::from([("a".to_string(), 1u32), ("b".to_string(), 2)]);
    let v2 = packr::abi::encode_with(&words, Wire::V2).unwrap();
    let err = replay.before(&count, &v2).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("recorded in wire version 3") && message.contains("speaks wire version 2"),
        "{message}"
    );
}

per_engine!(a_log_keeps_its_version_and_refuses_the_other);

/// `with: { "map" => HashMap }` makes every WIT+ map a `HashMap`.
mod hashed {
    packr::bindgen!({ path: "wit/v3", with: { "map" => std::collections::HashMap } });

    pub struct Sum(pub u32);

    impl tally::Host for Sum {
        fn count(&mut self, words: std::collections::HashMap<String, u32>) -> u32 {
            self.0 = words.values().sum();
            self.0
        }
    }
}

fn the_map_collection_can_be_chosen_with_with(kind: EngineKind) {
    let engine = Engine::with_kind(kind).unwrap();
    let module = Module::from_wat(&engine, include_str!("guests/v3.wat")).unwrap();
    let mut host = HostBuilder::<hashed::Sum>::new();
    hashed::tally::add_to_linker(&mut host, |s| s).unwrap();
    let mut instance = engine
        .link(&module, &host)
        .unwrap()
        .instantiate(hashed::Sum(0))
        .unwrap();
    let tags = hashed::tags::Exports::new(&mut instance)
        .call_tags()
        .unwrap();
    assert_eq!((tags.len(), instance.data().0), (2, 3));
}

per_engine!(the_map_collection_can_be_chosen_with_with);
