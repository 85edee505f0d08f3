//! Record a real guest session, save it, load it, and replay it on a fresh
//! instance whose host functions must not run: the guest sees the same
//! answers and returns the same results.

mod common;

use packr::engine::{Engine, EngineKind, Error, Module};
use packr::host::HostBuilder;
use packr::record::{CallLog, Recorder, ReplayDivergence, Replayer};

const QUICKSTART: &str = include_str!("guests/quickstart.wat");

#[derive(Default)]
struct State {
    log: Vec<String>,
}

/// Host functions whose answers depend on a seed, so a replay that ran them
/// would be noticed.
fn host(seed: i32) -> HostBuilder<State> {
    let mut host = HostBuilder::<State>::new();
    host.interface("example:host/log")
        .func("log", |cx, msg: String| cx.data_mut().log.push(msg))
        .unwrap();
    host.interface("example:host/math")
        .func("add", move |_, (a, b): (i32, i32)| a + b + seed)
        .unwrap();
    host
}

fn session(instance: &mut packr::engine::Instance<State>) -> Result<(i32, String, i32), Error> {
    let a: i32 = instance.call("example:guest/app.run", &())?;
    let echoed: String = instance.call("example:guest/app.echo", "hello")?;
    let b: i32 = instance.call("example:guest/app.run", &())?;
    Ok((a, echoed, b))
}

fn a_recorded_session_replays_without_running_host_functions(kind: EngineKind) {
    record_then_replay(kind, kind);
}

#[test]
fn a_session_recorded_on_wasmtime_replays_on_wasmi() {
    record_then_replay(EngineKind::Wasmtime, EngineKind::Wasmi);
}

#[test]
fn a_session_recorded_on_wasmi_replays_on_wasmtime() {
    record_then_replay(EngineKind::Wasmi, EngineKind::Wasmtime);
}

/// Records a session on `record`, saves and reloads the log, and replays it
/// on `replay` with host functions that would answer differently.
fn record_then_replay(record: EngineKind, replay: EngineKind) {
    let engine = Engine::with_kind(record).unwrap();
    let module = Module::from_wat(&engine, QUICKSTART).unwrap();

    let mut live = engine
        .link(&module, &host(1000))
        .unwrap()
        .instantiate(State::default())
        .unwrap();
    live.set_interceptor(Box::new(Recorder::new()));
    let recorded = session(&mut live).unwrap();
    assert_eq!(recorded, (1042, "hello".to_string(), 1042));
    let log = live.take_interceptor_as::<Recorder>().unwrap().finish();
    assert_eq!(log.len(), 7, "3 export calls and 4 host calls");

    let path = std::env::temp_dir().join(format!(
        "packr-replay-{}-{record}-{replay}.log",
        std::process::id()
    ));
    log.save(&path).unwrap();
    let loaded = CallLog::load(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(loaded.head_hash(), log.head_hash());

    // Different host answers (seed 0): the replay must not consult them.
    let engine = Engine::with_kind(replay).unwrap();
    let module = Module::from_wat(&engine, QUICKSTART).unwrap();
    let mut replay = engine
        .link(&module, &host(0))
        .unwrap()
        .instantiate(State::default())
        .unwrap();
    replay.set_interceptor(Box::new(Replayer::new(loaded)));
    assert_eq!(session(&mut replay).unwrap(), recorded);
    assert!(
        replay.data().log.is_empty(),
        "the log host function did not run"
    );
    assert!(
        replay
            .take_interceptor_as::<Replayer>()
            .unwrap()
            .is_finished()
    );
}

fn a_guest_that_strays_from_the_log_is_a_divergence(kind: EngineKind) {
    let engine = Engine::with_kind(kind).unwrap();
    let module = Module::from_wat(&engine, QUICKSTART).unwrap();
    let mut live = engine
        .link(&module, &host(0))
        .unwrap()
        .instantiate(State::default())
        .unwrap();
    live.set_interceptor(Box::new(Recorder::new()));
    let _: String = live.call("example:guest/app.echo", "one").unwrap();
    let log = live.take_interceptor_as::<Recorder>().unwrap().finish();

    let mut replay = engine
        .link(&module, &host(0))
        .unwrap()
        .instantiate(State::default())
        .unwrap();
    replay.set_interceptor(Box::new(Replayer::new(log)));
    let err = replay
        .call::<_, String>("example:guest/app.echo", "two")
        .unwrap_err();
    let Error::Intercept(e) = &err else {
        panic!("expected a divergence, got {err}")
    };
    let d = e.inner().downcast_ref::<ReplayDivergence>().unwrap();
    assert_eq!(d.position, 0);
    assert!(err.to_string().contains("example:guest/app.echo"), "{err}");
}

per_engine!(
    a_recorded_session_replays_without_running_host_functions,
    a_guest_that_strays_from_the_log_is_a_divergence,
);
