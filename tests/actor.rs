//! The actor of examples/actor-host, driven through the bindings
//! `bindgen!` generates for world `actor` of wit/theater.wit+, on both
//! engines: every message shape, resuming, the state check, the shutdown
//! hand-over, and `__pack_types` checked by `validate`.

mod common;

use packr::engine::{Engine, EngineKind, Instance, Module, Problem, validate};
use packr::host::HostBuilder;
use packr::wit::{PackTypes, Package};

packr::bindgen!({
    path: "wit/theater.wit+",
    world: "actor",
    async: ["runtime.shutdown", "store.store"],
});

use types::{Message, Reply};

const ACTOR: &str = include_str!("../examples/actor-host/actor.wat");
const WORLD: &str = include_str!("../wit/theater.wit+");

/// Remembers every call, answers with fixed values.
#[derive(Default)]
struct Witness {
    logged: Vec<String>,
    stored: Vec<(String, Vec<u8>)>,
    shutdown: Option<Option<Vec<u8>>>,
    clock: u64,
}

impl runtime::Host for Witness {
    fn log(&mut self, msg: String) {
        self.logged.push(msg);
    }

    fn self_(&mut self) -> String {
        "witness-7".into()
    }

    async fn shutdown(&mut self, data: Option<Vec<u8>>) -> Result<(), String> {
        tokio::task::yield_now().await;
        self.shutdown = Some(data);
        Ok(())
    }
}

impl store::Host for Witness {
    async fn store(&mut self, store_id: String, content: Vec<u8>) -> Result<String, String> {
        tokio::task::yield_now().await;
        self.stored.push((store_id, content));
        Ok(format!("key-{}", self.stored.len()))
    }

    fn load(&mut self, _store_id: String, key: String) -> Result<Vec<u8>, String> {
        Err(format!("{key}: not here"))
    }
}

impl timer::Host for Witness {
    fn now(&mut self) -> u64 {
        self.clock += 1000;
        self.clock
    }
}

fn world() -> Package {
    Package::parse("theater.wit+", WORLD).unwrap()
}

fn host() -> HostBuilder<Witness> {
    let mut host = HostBuilder::new();
    runtime::add_to_linker(&mut host, |s| s).unwrap();
    store::add_to_linker(&mut host, |s| s).unwrap();
    timer::add_to_linker(&mut host, |s| s).unwrap();
    host
}

fn actor(kind: EngineKind) -> Instance<Witness> {
    let engine = Engine::with_kind(kind).unwrap();
    let module = Module::from_wat(&engine, ACTOR).unwrap();
    let pkg = world();
    let host = host();
    validate(&module, &pkg, pkg.world(Some("actor")).unwrap(), &host).unwrap();
    let linked = engine.link(&module, &host).unwrap();
    block_on(linked.instantiate_async(Witness::default())).unwrap()
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(f)
}

/// (messages handled, sum of numbers, last clock reading)
fn state_of(state: &[u8]) -> (u64, i64, u64) {
    assert_eq!(state.len(), 24);
    let word = |i: usize| <[u8; 8]>::try_from(&state[i * 8..i * 8 + 8]).unwrap();
    (
        u64::from_le_bytes(word(0)),
        i64::from_le_bytes(word(1)),
        u64::from_le_bytes(word(2)),
    )
}

fn the_actor_handles_every_shape_of_the_recursive_message(kind: EngineKind) {
    let mut instance = actor(kind);
    block_on(async {
        let mut actor = actor::Exports::new(&mut instance);
        let state = actor.call_init_async(None).await.unwrap().unwrap();
        assert_eq!(state_of(&state), (0, 0, 0));

        let (state, reply) = actor
            .call_handle_async(state, Message::Text("hello".into()))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            reply,
            Reply {
                body: Some(Message::Number(1)),
                stop: false
            }
        );
        assert_eq!(state_of(&state), (1, 0, 1000));

        let batch = Message::Batch(vec![
            Message::Number(40),
            Message::Bytes(vec![0, 1, 2, 255]),
            Message::Batch(vec![Message::Number(2), Message::Text("deep".into())]),
            Message::Batch(vec![]),
        ]);
        let (state, reply) = actor
            .call_handle_async(state, batch)
            .await
            .unwrap()
            .unwrap();
        // The batch, its four children and the nested batch's two.
        assert_eq!(state_of(&state), (8, 42, 2000));
        assert_eq!(reply.body, Some(Message::Number(8)));
        assert!(!reply.stop);

        let (state, reply) = actor
            .call_handle_async(state, Message::Text("stop".into()))
            .await
            .unwrap()
            .unwrap();
        assert!(reply.stop);
        assert_eq!(state_of(&state), (9, 42, 3000));
        state
    });
    let host = instance.data();
    assert_eq!(
        host.logged,
        ["started as witness-7", "hello", "deep", "stop"],
        "init logs the id from runtime.self; texts are logged in order"
    );
    assert_eq!(
        host.stored,
        [("actor-blobs".to_string(), vec![0, 1, 2, 255])]
    );
    let handed = host.shutdown.clone().expect("stop calls runtime.shutdown");
    assert_eq!(handed.map(|s| state_of(&s)), Some((9, 42, 3000)));
}

fn the_actor_resumes_from_its_state_and_rejects_a_malformed_one(kind: EngineKind) {
    let mut instance = actor(kind);
    let mut state = vec![0u8; 24];
    state[..8].copy_from_slice(&5u64.to_le_bytes());
    state[8..16].copy_from_slice(&(-3i64).to_le_bytes());
    block_on(async {
        let mut actor = actor::Exports::new(&mut instance);
        let resumed = actor.call_init_async(Some(state.clone())).await.unwrap();
        assert_eq!(resumed, Ok(state.clone()));
        let (next, reply) = actor
            .call_handle_async(state, Message::Number(3))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(state_of(&next), (6, 0, 1000));
        assert_eq!(reply.body, Some(Message::Number(6)));

        assert_eq!(
            actor.call_init_async(Some(vec![1, 2, 3])).await.unwrap(),
            Err("state must be 24 bytes".into())
        );
        assert_eq!(
            actor
                .call_handle_async(vec![9; 4], Message::Number(1))
                .await
                .unwrap(),
            Err("state must be 24 bytes".into())
        );
        // Input the actor cannot even index fails the export (status 1)
        // with its message.
        let huge = Message::Batch((0..2000).map(Message::Number).collect());
        let err = actor
            .call_handle_async(vec![0; 24], huge)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, packr::engine::Error::Guest { message, .. } if message == "too many nodes"),
            "{err}"
        );
    });
    assert_eq!(instance.data().logged, ["resumed as witness-7"]);
}

fn validate_names_the_interface_the_guest_was_built_against_another_version_of(kind: EngineKind) {
    let engine = Engine::with_kind(kind).unwrap();
    let module = Module::from_wat(&engine, ACTOR).unwrap();
    let pkg = world();
    let blob = module.pack_types().expect("the actor carries __pack_types");
    assert_eq!(
        PackTypes::decode(blob).unwrap(),
        PackTypes::for_world(&pkg, pkg.world(Some("actor")).unwrap()),
        "the hashes in actor.wat are those of wit/theater.wit+"
    );

    // The same world with a changed clock: timer.now now returns u32.
    let changed = WORLD.replace("now: func() -> u64;", "now: func() -> u32;");
    assert_ne!(changed, WORLD);
    let pkg = Package::parse("theater.wit+", &changed).unwrap();
    let err = validate(&module, &pkg, pkg.world(Some("actor")).unwrap(), &host()).unwrap_err();
    assert_eq!(err.problems.len(), 1, "{err}");
    assert!(
        matches!(&err.problems[0], Problem::InterfaceHash { interface, side: "imports", .. }
            if interface == "theater:simple/timer"),
        "{err}"
    );
    assert!(err.to_string().contains("theater:simple/timer"), "{err}");
}

per_engine!(
    the_actor_handles_every_shape_of_the_recursive_message,
    the_actor_resumes_from_its_state_and_rejects_a_malformed_one,
    validate_names_the_interface_the_guest_was_built_against_another_version_of,
);
