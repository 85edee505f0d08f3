//! Run-time composition: guests whose imports are served by other guests'
//! exports (`packr::compose`), every scenario on both engines and the pair
//! on mixed engines. The guests are in tests/guests/compose/.

mod common;

use packr::abi::Wire;
use packr::compose::{BuildError, CompositionBuilder, Member, Problem, Server};
use packr::engine::{Engine, EngineConfig, EngineKind, GuestErrors, Module};
use packr::host::{Ctx, HostBuilder};
use packr::intercept::{CallInfo, CallInterceptor, CallKind, Intercept, InterceptError};
use packr::record::{CallLog, CallRecord, DivergenceKind, Recorder, ReplayDivergence};
use packr::wit::{PackTypes, Package};
use std::future::Future;

const ADDER: &str = include_str!("guests/compose/adder.wat");
const MATH: &str = include_str!("guests/compose/math.wat");
const MATH_V2: &str = include_str!("guests/compose/math-v2.wat");
const MOCK: &str = include_str!("guests/compose/mock-math.wat");
const INC: &str = include_str!("guests/compose/inc.wat");
const PIPELINE: &str = include_str!("guests/compose/pipeline.wat");
const ACTOR: &str = include_str!("guests/compose/actor.wat");
const CHECKED: &str = include_str!("guests/compose/checked.wat");
const FRONT: &str = include_str!("guests/compose/front.wat");
const SLOW_MATH: &str = include_str!("guests/compose/slow-math.wat");
const WORLD: &str = include_str!("../wit/compose.wit+");

const PROCESS: &str = "test:compose/adder.process";
const MATH_IFACE: &str = "test:compose/math";

fn engine(kind: EngineKind) -> Engine {
    Engine::with_kind(kind).unwrap()
}

/// A member with no host functions and `()` as its state.
fn plain(engine: &Engine, wat: &str) -> Member<()> {
    let module = Module::from_wat(engine, wat).unwrap();
    Member::new(engine, &module, HostBuilder::new(), ())
}

fn pair(consumer: &Engine, provider: &Engine, provider_wat: &str) -> CompositionBuilder {
    let mut builder = CompositionBuilder::new();
    builder
        .member("adder", plain(consumer, ADDER))
        .member("math", plain(provider, provider_wat));
    builder
}

fn problems(result: Result<impl Sized, BuildError>) -> Vec<Problem> {
    match result {
        Ok(_) => panic!("the composition was expected to be refused"),
        Err(e) => e.problems,
    }
}

/// A current-thread runtime: nothing here needs a thread pool.
fn run<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
        .block_on(future)
}

fn pair_process_is_double_plus_one_and_a_mock_provider_answers_instead(kind: EngineKind) {
    let e = engine(kind);
    let mut composition = pair(&e, &e, MATH).build().unwrap();
    assert_eq!(
        composition.call::<_, i32>("adder", PROCESS, &5).unwrap(),
        11
    );
    assert_eq!(
        composition.call::<_, i32>("adder", PROCESS, &-4).unwrap(),
        -7
    );
    // The provider's exports are reachable from the host too.
    let doubled: i32 = composition
        .call("math", "test:compose/math.double", &21)
        .unwrap();
    assert_eq!(doubled, 42);
    assert_eq!(
        composition.wiring().to_string(),
        "adder: test:compose/math.double ← math (hash checked)\n"
    );

    let mut mocked = pair(&e, &e, MOCK).build().unwrap();
    assert_eq!(mocked.call::<_, i32>("adder", PROCESS, &5).unwrap(), 101);
    let wiring = mocked.wiring();
    assert_eq!(
        wiring.wires[0].server,
        Server::Member {
            provider: "math".into(),
            hash_checked: false
        }
    );
    assert_eq!(
        wiring.notes,
        [
            "adder → math: test:compose/math wired by name, no hash check (`math` carries no __pack_types)"
        ]
    );
}

fn the_guests_carry_the_hashes_of_the_world(kind: EngineKind) {
    let e = engine(kind);
    let pkg = Package::parse("compose.wit+", WORLD).unwrap();
    for (wat, world) in [(ADDER, "adder-member"), (MATH, "math-member")] {
        let module = Module::from_wat(&e, wat).unwrap();
        assert_eq!(
            PackTypes::decode(module.pack_types().unwrap()).unwrap(),
            PackTypes::for_world(&pkg, pkg.world(Some(world)).unwrap()),
            "{world}"
        );
    }
    let v2 = Module::from_wat(&e, MATH_V2).unwrap();
    let v2 = PackTypes::decode(v2.pack_types().unwrap()).unwrap();
    assert_eq!(v2.exports[0].name, MATH_IFACE);
    assert_eq!(
        Some(v2.exports[0].hash),
        pkg.interface_hash("test:compose/math-v2")
    );
}

fn a_provider_built_against_another_math_is_refused_with_both_hashes(kind: EngineKind) {
    let e = engine(kind);
    let pkg = Package::parse("compose.wit+", WORLD).unwrap();
    let ours = pkg.interface_hash(MATH_IFACE).unwrap();
    let theirs = pkg.interface_hash("test:compose/math-v2").unwrap();
    let found = problems(pair(&e, &e, MATH_V2).build());
    assert_eq!(
        found,
        [Problem::HashMismatch {
            consumer: "adder".into(),
            provider: "math".into(),
            interface: MATH_IFACE.into(),
            consumer_hash: ours,
            provider_hash: theirs,
        }]
    );
    let hex = |h: [u8; 32]| h.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let message = found[0].to_string();
    assert!(
        message.contains(&hex(ours)) && message.contains(&hex(theirs)),
        "{message}"
    );
    assert!(
        message.contains("`adder` imports test:compose/math"),
        "{message}"
    );
    assert!(
        message.contains("`math` exports test:compose/math"),
        "{message}"
    );
}

fn three_members_with_two_links_run_21_to_43(kind: EngineKind) {
    let e = engine(kind);
    let mut builder = CompositionBuilder::new();
    builder
        .member("pipeline", plain(&e, PIPELINE))
        .member("math", plain(&e, MATH))
        .member("inc", plain(&e, INC));
    let mut composition = builder.build().unwrap();
    let r: i32 = composition
        .call("pipeline", "test:compose/pipeline.run", &21)
        .unwrap();
    assert_eq!(r, 43);
    let served: Vec<_> = composition
        .wiring()
        .wires
        .iter()
        .map(|w| (w.function.as_str(), w.server.clone()))
        .collect();
    assert_eq!(
        served,
        [
            (
                "double",
                Server::Member {
                    provider: "math".into(),
                    hash_checked: false
                }
            ),
            (
                "inc",
                Server::Member {
                    provider: "inc".into(),
                    hash_checked: false
                }
            ),
        ]
    );
}

#[derive(Default)]
struct Runtime {
    lines: Vec<String>,
}

fn an_actor_logs_through_its_host_while_math_comes_from_a_member(kind: EngineKind) {
    let e = engine(kind);
    let mut host = HostBuilder::<Runtime>::new();
    host.interface("theater:simple/runtime")
        .func("log", |cx, msg: String| cx.data_mut().lines.push(msg))
        .unwrap();
    let actor = Module::from_wat(&e, ACTOR).unwrap();
    let mut builder = CompositionBuilder::new();
    builder
        .member("actor", Member::new(&e, &actor, host, Runtime::default()))
        .member("math", plain(&e, MATH));
    let mut composition = builder.build().unwrap();
    let r: i32 = composition
        .call("actor", "theater:simple/actor.handle", &8)
        .unwrap();
    assert_eq!(r, 16);
    assert_eq!(
        composition
            .instance::<Runtime>("actor")
            .unwrap()
            .data()
            .lines,
        ["doubling"]
    );
    assert!(
        composition.instance::<u32>("actor").is_err(),
        "the wrong state type is an error"
    );
    let wiring = composition.wiring().to_string();
    assert!(
        wiring.contains("actor: theater:simple/runtime.log ← host\n"),
        "{wiring}"
    );
    assert!(
        wiring.contains("actor: test:compose/math.double ← math (by name)\n"),
        "{wiring}"
    );
}

fn results_and_options_cross_a_link(kind: EngineKind) {
    let e = engine(kind);
    let mut builder = CompositionBuilder::new();
    builder
        .member("front", plain(&e, FRONT))
        .member("checked", plain(&e, CHECKED));
    let mut c = builder.build().unwrap();
    let checked = "test:compose/front.checked";
    assert_eq!(
        c.call::<_, Result<i32, String>>("front", checked, &-1)
            .unwrap(),
        Err("negative".to_string())
    );
    assert_eq!(
        c.call::<_, Result<i32, String>>("front", checked, &5)
            .unwrap(),
        Ok(5)
    );
    let find = "test:compose/front.find";
    assert_eq!(c.call::<_, Option<i32>>("front", find, &0).unwrap(), None);
    assert_eq!(
        c.call::<_, Option<i32>>("front", find, &4).unwrap(),
        Some(40)
    );
    let value = c.call_value("front", find, &packr::Value::S32(3)).unwrap();
    assert_eq!(value.to_string(), "some(30)");
}

/// `slow-math`'s host: `wait(n)` yields to the runtime, then answers n.
fn slow_math(e: &Engine) -> Member<u32> {
    let mut host = HostBuilder::<u32>::new();
    host.interface("test:compose/clock")
        .func_async("wait", |mut cx: Ctx<'_, u32>, n: i32| {
            Box::pin(async move {
                tokio::task::yield_now().await;
                *cx.data_mut() += 1;
                n
            })
        })
        .unwrap();
    let module = Module::from_wat(e, SLOW_MATH).unwrap();
    Member::new(e, &module, host, 0)
}

fn an_async_provider_suspends_the_whole_chain_on_a_current_thread_runtime(kind: EngineKind) {
    let e = engine(kind);
    let build = || {
        let mut builder = CompositionBuilder::new();
        builder
            .member("adder", plain(&e, ADDER))
            .member("math", slow_math(&e));
        builder
    };
    assert_eq!(build().resolve().unwrap().async_members, ["adder", "math"]);
    // The sync build refuses both, naming the path to the async function.
    let refused: Vec<String> = problems(build().build())
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        refused,
        [
            "`adder` needs async (adder → math.test:compose/math.double; `math` imports the async host function test:compose/clock.wait): use `build_async`",
            "`math` needs async (`math` imports the async host function test:compose/clock.wait): use `build_async`",
        ]
    );

    run(async {
        let mut c = build().build_async().await.unwrap();
        let r: i32 = c.call_async("adder", PROCESS, &5).await.unwrap();
        assert_eq!(r, 11);
        let r: i32 = c.call_async("adder", PROCESS, &20).await.unwrap();
        assert_eq!(r, 41);
        assert_eq!(
            *c.instance::<u32>("math").unwrap().data(),
            2,
            "wait ran once per call"
        );
        // A sync call cannot run a member that needs async.
        let err = c.call::<_, i32>("adder", PROCESS, &5).unwrap_err();
        assert!(
            matches!(*err.source, packr::engine::Error::NeedsAsync(_)),
            "{err}"
        );
    });
}

/// A guest that exports `test:compose/math.double` and imports
/// `test:compose/adder.process`: with `adder` it closes a cycle.
const LOOPING_MATH: &str = r#"(module
  (import "test:compose/adder" "process" (func (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "__pack_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "test:compose/math.double") (param i32 i32 i32 i32) (result i32) (i32.const 1)))"#;

fn cycles_ambiguity_and_unserved_imports_are_reported_at_once(kind: EngineKind) {
    let e = engine(kind);
    // adder needs math, math needs adder.
    let mut builder = CompositionBuilder::new();
    builder
        .member("adder", plain(&e, ADDER))
        .member("math", plain(&e, LOOPING_MATH));
    let found = problems(builder.build());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0].to_string(),
        "the wiring has a cycle: adder → math.test:compose/math.double → adder.test:compose/adder.process"
    );

    // Two providers of math and no link or hint; a pipeline whose inc
    // nobody serves: both reported by one build.
    let mut builder = CompositionBuilder::new();
    builder
        .member("adder", plain(&e, ADDER))
        .member("math", plain(&e, MATH))
        .member("mock", plain(&e, MOCK))
        .member("pipeline", plain(&e, PIPELINE))
        .link("pipeline", MATH_IFACE, "math");
    let found = problems(builder.build());
    assert_eq!(
        found,
        [
            Problem::Ambiguous {
                member: "adder".into(),
                interface: MATH_IFACE.into(),
                providers: vec!["math".into(), "mock".into()],
            },
            Problem::Unserved {
                member: "pipeline".into(),
                interface: "test:compose/inc".into(),
                function: "inc".into(),
            },
        ]
    );
    assert!(
        found[0].to_string().contains("`math`, `mock` all expose"),
        "{}",
        found[0]
    );

    // A hint settles the ambiguity.
    let mut builder = CompositionBuilder::new();
    builder
        .member("adder", plain(&e, ADDER))
        .member("math", plain(&e, MATH))
        .member("mock", plain(&e, MOCK))
        .hint(MATH_IFACE, "mock");
    let mut c = builder.build().unwrap();
    assert_eq!(c.call::<_, i32>("adder", PROCESS, &5).unwrap(), 101);

    // Alone, adder's import is unserved.
    let mut builder = CompositionBuilder::new();
    builder.member("adder", plain(&e, ADDER));
    assert_eq!(
        problems(builder.build())[0].to_string(),
        "`adder` imports test:compose/math.double, but neither its host functions nor any other member's exposed exports serve it"
    );
}

fn export_filters_keep_interfaces_from_other_members(kind: EngineKind) {
    let e = engine(kind);
    let mut builder = CompositionBuilder::new();
    builder
        .member("adder", plain(&e, ADDER))
        .member("math", plain(&e, MATH).hiding([MATH_IFACE]));
    assert!(
        matches!(&problems(builder.build())[..], [Problem::Unserved { member, .. }] if member == "adder")
    );

    let mut builder = CompositionBuilder::new();
    builder
        .member("adder", plain(&e, ADDER))
        .member("math", plain(&e, MATH).exposing(["test:compose/other"]))
        .link("adder", MATH_IFACE, "math");
    assert_eq!(
        problems(builder.build()),
        [Problem::NotExposed {
            consumer: "adder".into(),
            provider: "math".into(),
            interface: MATH_IFACE.into()
        }]
    );

    let mut builder = CompositionBuilder::new();
    builder
        .member("adder", plain(&e, ADDER))
        .member("math", plain(&e, MATH).exposing([MATH_IFACE]))
        .link("adder", MATH_IFACE, "math");
    let mut c = builder.build().unwrap();
    assert_eq!(c.call::<_, i32>("adder", PROCESS, &1).unwrap(), 3);
}

fn a_link_to_a_missing_function_or_another_signature_is_refused(kind: EngineKind) {
    let e = engine(kind);
    // Exports math, but `double` is missing / has a core signature of its own.
    let missing = r#"(module (memory (export "memory") 1)
      (func (export "test:compose/math.triple") (param i32 i32 i32 i32) (result i32) (i32.const 1)))"#;
    let other = r#"(module (memory (export "memory") 1)
      (func (export "test:compose/math.double") (param i32) (result i32) (local.get 0)))"#;
    let found = problems(pair(&e, &e, missing).build());
    assert_eq!(
        found[0].to_string(),
        "adder → math.test:compose/math.double: `math` serves test:compose/math but exports no `test:compose/math.double`"
    );
    let found = problems(pair(&e, &e, other).build());
    assert_eq!(
        found[0].to_string(),
        "adder → math.test:compose/math.double: the import has signature (i32, i32, i32, i32) -> (i32) and the export (i32) -> (i32); both must be the Graph ABI's (i32, i32, i32, i32) -> (i32)"
    );
}

/// A guest that calls `adder.process` with its own input: adder sits in
/// the middle of a chain.
const TOP: &str = r#"(module
  (import "test:compose/adder" "process" (func $process (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 4096))
  (func $alloc (export "__pack_alloc") (param $n i32) (result i32)
    (global.get $heap) (global.set $heap (i32.add (global.get $heap) (i32.and (i32.add (local.get $n) (i32.const 7)) (i32.const -8)))))
  (func (export "test:compose/top.run") (param $in i32) (param $len i32) (param $op i32) (param $ol i32) (result i32)
    (if (i32.lt_s (call $process (local.get $in) (local.get $len) (i32.const 512) (i32.const 516)) (i32.const 0))
      (then unreachable))
    (i32.store (local.get $op) (i32.load (i32.const 512)))
    (i32.store (local.get $ol) (i32.load (i32.const 516)))
    (i32.const 0)))"#;

/// Answers `double` with an output pointer far outside its memory.
const HOSTILE_MATH: &str = r#"(module (memory (export "memory") 1)
  (func (export "__pack_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "test:compose/math.double") (param i32 i32) (param $op i32) (param $ol i32) (result i32)
    (i32.store (local.get $op) (i32.const 0x7ffffff0))
    (i32.store (local.get $ol) (i32.const 64))
    (i32.const 0)))"#;

fn a_failing_provider_fails_the_import_and_the_error_names_the_chain(kind: EngineKind) {
    let e = engine(kind);
    let mut c = pair(&e, &e, MATH).build().unwrap();
    // An error status from the provider.
    let err = c.call::<_, i32>("adder", PROCESS, &7).unwrap_err();
    assert_eq!(
        err.to_string(),
        "adder → math.test:compose/math.double: guest export `test:compose/math.double` failed: seven is unlucky"
    );
    // A trap in the provider.
    let err = c.call::<_, i32>("adder", PROCESS, &13).unwrap_err();
    let chain = err.chain.as_ref().expect("the failure started in math");
    assert_eq!(chain.hops.len(), 1);
    assert!(chain.cause.starts_with("guest trapped"), "{err}");
    // Both members still work afterwards.
    assert_eq!(c.call::<_, i32>("adder", PROCESS, &5).unwrap(), 11);

    // Two hops: top → adder → math.
    let mut builder = CompositionBuilder::new();
    builder
        .member("top", plain(&e, TOP))
        .member("adder", plain(&e, ADDER))
        .member("math", plain(&e, MATH));
    let mut c = builder.build().unwrap();
    assert_eq!(
        c.call::<_, i32>("top", "test:compose/top.run", &5).unwrap(),
        11
    );
    let err = c
        .call::<_, i32>("top", "test:compose/top.run", &7)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "top → adder.test:compose/adder.process → math.test:compose/math.double: guest export `test:compose/math.double` failed: seven is unlucky"
    );

    // An output pointer outside the provider's memory is the provider's
    // fault, reported, not a crash.
    let mut c = pair(&e, &e, HOSTILE_MATH).build().unwrap();
    let err = c.call::<_, i32>("adder", PROCESS, &5).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("adder → math.test:compose/math.double: "),
        "{err}"
    );
    assert!(err.to_string().contains("outside guest memory"), "{err}");
}

fn a_consumer_configured_to_trap_traps_on_a_provider_failure(kind: EngineKind) {
    let trapping = Engine::new(EngineConfig {
        kind,
        guest_errors: GuestErrors::Trap,
        ..Default::default()
    })
    .unwrap();
    let e = engine(kind);
    let mut c = pair(&trapping, &e, MATH).build().unwrap();
    let err = c.call::<_, i32>("adder", PROCESS, &7).unwrap_err();
    // The trap is the import's, not the guest's `unreachable`.
    let trap = err.source.to_string();
    assert!(
        trap.contains("host call test:compose/math.double failed"),
        "{trap}"
    );
    assert!(err.to_string().contains("seven is unlucky"), "{err}");
}

fn twenty_thousand_calls_do_not_grow_either_member(kind: EngineKind) {
    let e = engine(kind);
    let mut c = pair(&e, &e, MATH).build().unwrap();
    // From 100 up: math fails 7 and 13 on purpose.
    for n in 100..300 {
        assert_eq!(c.call::<_, i32>("adder", PROCESS, &n).unwrap(), 2 * n + 1);
    }
    let before = (
        c.memory_size("adder").unwrap(),
        c.memory_size("math").unwrap(),
    );
    for n in 100..20_100 {
        let r: i32 = c.call("adder", PROCESS, &n).unwrap();
        assert_eq!(r, 2 * n + 1);
    }
    let after = (
        c.memory_size("adder").unwrap(),
        c.memory_size("math").unwrap(),
    );
    assert!(
        after.0 <= before.0 + 65536,
        "adder grew from {} to {}",
        before.0,
        after.0
    );
    assert!(
        after.1 <= before.1 + 65536,
        "math grew from {} to {}",
        before.1,
        after.1
    );
}

fn a_recorded_pair_replays_the_consumer_alone_and_spots_an_altered_answer(kind: EngineKind) {
    let e = engine(kind);
    let mut c = pair(&e, &e, MATH).build().unwrap();
    c.record();
    assert_eq!(c.call::<_, i32>("adder", PROCESS, &5).unwrap(), 11);
    assert_eq!(c.call::<_, i32>("adder", PROCESS, &20).unwrap(), 41);
    let mut logs = c.finish_recording();
    let adder_log = logs.take("adder").unwrap();
    let math_log = logs.take("math").unwrap();
    // Both ends saw the cross-member call.
    let kinds = |log: &CallLog| {
        log.entries()
            .map(|r| (r.kind, r.function.to_string()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        kinds(&adder_log),
        [
            (CallKind::GuestExport, "process".to_string()),
            (CallKind::HostCall, "double".to_string()),
            (CallKind::GuestExport, "process".to_string()),
            (CallKind::HostCall, "double".to_string()),
        ]
    );
    assert_eq!(
        kinds(&math_log),
        [
            (CallKind::GuestExport, "double".to_string()),
            (CallKind::GuestExport, "double".to_string())
        ]
    );

    // The consumer alone: no math instance exists, its answers come from the log.
    let mut alone = plain(&e, ADDER).replay(adder_log.clone()).unwrap();
    assert_eq!(alone.call::<_, i32>(PROCESS, &5).unwrap(), 11);
    assert_eq!(alone.call::<_, i32>(PROCESS, &20).unwrap(), 41);

    // The log's answer of `double` altered: process's result no longer
    // matches the recording.
    let altered_output = packr::abi::encode(&99i32).unwrap();
    let records: Vec<CallRecord<'_>> = adder_log
        .entries()
        .enumerate()
        .map(|(i, mut r)| {
            if i == 1 {
                r.output = &altered_output;
            }
            r
        })
        .collect();
    let altered = CallLog::from_records(records);
    let mut alone = plain(&e, ADDER).replay(altered).unwrap();
    let err = alone.call::<_, i32>(PROCESS, &5).unwrap_err();
    let packr::engine::Error::Intercept(e2) = &err else {
        panic!("{err}")
    };
    let d: &ReplayDivergence = e2.inner().downcast_ref().unwrap();
    assert_eq!((d.position, d.kind), (0, DivergenceKind::Output), "{d}");

    // An altered provider (the mock) replayed alone against math's log.
    let mut mock = plain(&e, MOCK).replay(math_log).unwrap();
    let err = mock
        .call::<_, i32>("test:compose/math.double", &5)
        .unwrap_err();
    let packr::engine::Error::Intercept(e2) = &err else {
        panic!("{err}")
    };
    let d: &ReplayDivergence = e2.inner().downcast_ref().unwrap();
    assert_eq!(d.kind, DivergenceKind::Output, "{d}");
}

/// The wire version of every export input a member receives.
#[derive(Default)]
struct InputVersions(Vec<Option<Wire>>);

impl CallInterceptor for InputVersions {
    fn before(&mut self, _: &CallInfo<'_>, input: &[u8]) -> Result<Intercept, InterceptError> {
        self.0.push(Wire::of(input));
        Ok(Intercept::Proceed)
    }
}

/// A provider that speaks wire version 3 serving a version-2 consumer: the
/// argument is re-encoded for the provider on the link, and the answer
/// reaches the consumer in its own version.
fn a_link_between_wire_versions_translates_the_bytes(kind: EngineKind) {
    let v2 = engine(kind);
    let v3 = Engine::new(EngineConfig {
        kind,
        wire: Some(Wire::V3),
        ..EngineConfig::default()
    })
    .unwrap();
    let mut c = pair(&v2, &v3, MATH).build().unwrap();
    c.instance::<()>("math")
        .unwrap()
        .set_interceptor(Box::new(InputVersions::default()));
    c.instance::<()>("adder")
        .unwrap()
        .set_interceptor(Box::new(Recorder::new()));
    assert_eq!(c.call::<_, i32>("adder", PROCESS, &5).unwrap(), 11);

    let math = c.instance::<()>("math").unwrap();
    assert_eq!(math.wire(), Wire::V3);
    let seen = &math.interceptor_as::<InputVersions>().unwrap().0;
    assert_eq!(seen, &[Some(Wire::V3)], "the provider read version 3");
    drop(math);
    let mut adder = c.instance::<()>("adder").unwrap();
    let log = adder.take_interceptor_as::<Recorder>().unwrap().finish();
    let double = log
        .entries()
        .find(|r| r.kind == CallKind::HostCall)
        .expect("the cross-member call is recorded");
    assert_eq!(Wire::of(double.input), Some(Wire::V2));
    assert_eq!(
        Wire::of(double.output),
        Some(Wire::V2),
        "answered in the consumer's version"
    );
}

per_engine!(
    a_link_between_wire_versions_translates_the_bytes,
    pair_process_is_double_plus_one_and_a_mock_provider_answers_instead,
    the_guests_carry_the_hashes_of_the_world,
    a_provider_built_against_another_math_is_refused_with_both_hashes,
    three_members_with_two_links_run_21_to_43,
    an_actor_logs_through_its_host_while_math_comes_from_a_member,
    results_and_options_cross_a_link,
    an_async_provider_suspends_the_whole_chain_on_a_current_thread_runtime,
    cycles_ambiguity_and_unserved_imports_are_reported_at_once,
    export_filters_keep_interfaces_from_other_members,
    a_link_to_a_missing_function_or_another_signature_is_refused,
    a_failing_provider_fails_the_import_and_the_error_names_the_chain,
    a_consumer_configured_to_trap_traps_on_a_provider_failure,
    twenty_thousand_calls_do_not_grow_either_member,
    a_recorded_pair_replays_the_consumer_alone_and_spots_an_altered_answer,
);

/// Members on different engines: wasmtime serving wasmi and back, sync and
/// async, and a three-member graph alternating engines.
#[test]
fn members_on_mixed_engines() {
    let (wt, wi) = (engine(EngineKind::Wasmtime), engine(EngineKind::Wasmi));
    for (consumer, provider) in [(&wt, &wi), (&wi, &wt)] {
        let mut c = pair(consumer, provider, MATH).build().unwrap();
        assert_eq!(c.call::<_, i32>("adder", PROCESS, &5).unwrap(), 11);
        let err = c.call::<_, i32>("adder", PROCESS, &7).unwrap_err();
        assert!(err.to_string().ends_with("seven is unlucky"), "{err}");

        let mut builder = CompositionBuilder::new();
        builder
            .member("adder", plain(consumer, ADDER))
            .member("math", slow_math(provider));
        run(async {
            let mut c = builder.build_async().await.unwrap();
            assert_eq!(
                c.call_async::<_, i32>("adder", PROCESS, &5).await.unwrap(),
                11
            );
        });
    }
    let mut builder = CompositionBuilder::new();
    builder
        .member("pipeline", plain(&wi, PIPELINE))
        .member("math", plain(&wt, MATH))
        .member("inc", plain(&wi, INC));
    let mut c = builder.build().unwrap();
    assert_eq!(
        c.call::<_, i32>("pipeline", "test:compose/pipeline.run", &21)
            .unwrap(),
        43
    );

    // Recorded on wasmtime, the consumer replays alone on wasmi.
    let mut c = pair(&wt, &wt, MATH).build().unwrap();
    c.record();
    assert_eq!(c.call::<_, i32>("adder", PROCESS, &3).unwrap(), 7);
    let log = c.finish_recording().take("adder").unwrap();
    let mut alone = plain(&wi, ADDER).replay(log).unwrap();
    assert_eq!(alone.call::<_, i32>(PROCESS, &3).unwrap(), 7);
}
