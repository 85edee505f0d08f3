//! `#[packr::host_interface]` end to end: a Theater-like host written as
//! plain Rust impls, called by a WAT guest on both engines, recorded and
//! replayed.

mod common;

use packr::engine::{Engine, EngineKind, Instance, Module};
use packr::host::HostBuilder;
use packr::record::{Recorder, Replayer};
use packr::{Ctx, GraphValue, HostInterface, Value};
use std::collections::HashMap;
use std::future::Future;

/// `theater:simple/timer`: sync, no state.
struct Timer;

#[packr::host_interface("theater:simple/timer")]
impl Timer {
    fn now(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64)
    }
}

/// `theater:simple/runtime`, as a trait the handler implements.
trait Runtime {
    fn log(&mut self, msg: String);
    fn actor_id(&self) -> String;
    fn shutdown(
        &mut self,
        data: Option<Vec<u8>>,
    ) -> impl Future<Output = Result<(), String>> + Send;
}

struct RuntimeHost {
    id: String,
    lines: Vec<String>,
    final_state: Option<Option<Vec<u8>>>,
}

#[packr::host_interface("theater:simple/runtime")]
impl Runtime for RuntimeHost {
    fn log(&mut self, msg: String) {
        let line = format!("[{}] {msg}", self.id);
        self.lines.push(line);
    }

    #[host(name = "self")]
    fn actor_id(&self) -> String {
        self.id.clone()
    }

    async fn shutdown(&mut self, data: Option<Vec<u8>>) -> Result<(), String> {
        tokio::task::yield_now().await;
        if self.final_state.is_some() {
            return Err("already shutting down".into());
        }
        self.final_state = Some(data);
        Ok(())
    }
}

/// `wisp:assembler/runtime`: the same interface name in another package.
struct Assembler;

#[packr::host_interface("wisp:assembler/runtime")]
impl Assembler {
    /// Borrows the WAT text straight from guest memory.
    fn wat_to_wasm(&self, wat: &str) -> Result<Vec<u8>, String> {
        wat::parse_str(wat).map_err(|e| e.to_string())
    }
}

/// `theater:simple/store`: async, mutating its state across an await.
#[derive(Default)]
struct ContentStore {
    writes: u32,
    items: HashMap<String, Vec<u8>>,
}

#[packr::host_interface("theater:simple/store")]
impl ContentStore {
    async fn store(&mut self, store_id: String, content: Vec<u8>) -> Result<String, String> {
        self.writes += 1;
        let key = format!("{store_id}-{}", self.writes);
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        if self.items.insert(key.clone(), content).is_some() {
            return Err(format!("{key} exists"));
        }
        Ok(key)
    }
}

#[derive(GraphValue, Debug, Clone, PartialEq)]
#[graph(rename = "container-spec", rename_all = "kebab-case")]
struct ContainerSpec {
    image: String,
    name: String,
    env: Vec<(String, String)>,
    mounts: Vec<MountSpec>,
    cmd: Vec<String>,
    tty: bool,
}

#[derive(GraphValue, Debug, Clone, PartialEq)]
#[graph(rename = "mount-spec", rename_all = "kebab-case")]
struct MountSpec {
    source: String,
    target: String,
    read_only: bool,
}

/// `theater:simple/podman`: a record parameter.
#[derive(Default)]
struct Podman {
    started: Vec<ContainerSpec>,
}

#[packr::host_interface("theater:simple/podman")]
impl Podman {
    fn run(&mut self, spec: ContainerSpec) -> Result<String, String> {
        if spec.image.is_empty() {
            return Err("no image".into());
        }
        self.started.push(spec);
        Ok(format!("container-{}", self.started.len()))
    }
}

/// `theater:simple/supervisor`: `option<value>`, where `none` and
/// `some(none)` must stay apart; plus a whole-store function.
#[derive(Default)]
struct Supervisor {
    spawned: Vec<(String, Option<Value>)>,
}

#[packr::host_interface("theater:simple/supervisor")]
impl Supervisor {
    fn spawn(&mut self, manifest: String, init_state: Option<Value>) -> Result<String, String> {
        self.spawned.push((manifest, init_state));
        Ok(format!("child-{}", self.spawned.len()))
    }

    /// Reaches across the whole store through the context.
    fn census(cx: &mut Ctx<'_, ActorStore>) -> (u32, u32) {
        let store = cx.data();
        (store.supervisor.spawned.len() as u32, store.store.writes)
    }
}

struct ActorStore {
    timer: Timer,
    runtime: RuntimeHost,
    wisp: Assembler,
    store: ContentStore,
    podman: Podman,
    supervisor: Supervisor,
}

impl ActorStore {
    fn new(id: &str) -> Self {
        ActorStore {
            timer: Timer,
            runtime: RuntimeHost {
                id: id.into(),
                lines: Vec::new(),
                final_state: None,
            },
            wisp: Assembler,
            store: ContentStore::default(),
            podman: Podman::default(),
            supervisor: Supervisor::default(),
        }
    }
}

fn host() -> HostBuilder<ActorStore> {
    let mut host = HostBuilder::<ActorStore>::new();
    Timer::add_to_linker(&mut host, |s| &mut s.timer).unwrap();
    RuntimeHost::add_to_linker(&mut host, |s| &mut s.runtime).unwrap();
    Assembler::add_to_linker(&mut host, |s| &mut s.wisp).unwrap();
    ContentStore::add_to_linker(&mut host, |s| &mut s.store).unwrap();
    Podman::add_to_linker(&mut host, |s| &mut s.podman).unwrap();
    Supervisor::add_to_linker(&mut host, |s| &mut s.supervisor).unwrap();
    host
}

fn run<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
        .block_on(future)
}

fn instance(kind: EngineKind, id: &str) -> Instance<ActorStore> {
    let engine = Engine::with_kind(kind).unwrap();
    let module = Module::from_wat(&engine, include_str!("guests/theater.wat")).unwrap();
    run(engine
        .link(&module, &host())
        .unwrap()
        .instantiate_async(ActorStore::new(id)))
    .unwrap()
}

fn spec() -> ContainerSpec {
    ContainerSpec {
        image: "alpine:3".into(),
        name: "worker".into(),
        env: vec![("MODE".into(), "fast".into())],
        mounts: vec![MountSpec {
            source: "/data".into(),
            target: "/mnt".into(),
            read_only: true,
        }],
        cmd: vec!["sh".into(), "-c".into(), "true".into()],
        tty: false,
    }
}

/// What the guest sees in one session.
#[derive(Debug, PartialEq)]
struct Session {
    now: u64,
    me: String,
    shutdown: Result<(), String>,
    shutdown_again: Result<(), String>,
    wasm: Result<Vec<u8>, String>,
    bad_wat: Result<Vec<u8>, String>,
    keys: (Result<String, String>, Result<String, String>),
    container: Result<String, String>,
    children: (Result<String, String>, Result<String, String>),
}

async fn session(i: &mut Instance<ActorStore>) -> Session {
    let none: Option<Value> = None;
    let some_none: Option<Value> = Some(Value::Option {
        inner_type: packr::abi::ValueType::String,
        value: None,
    });
    Session {
        now: i.call_async("theater:simple/timer.now", &()).await.unwrap(),
        me: i
            .call_async("theater:simple/runtime.self", &())
            .await
            .unwrap(),
        shutdown: {
            let () = i
                .call_async("theater:simple/runtime.log", "hello")
                .await
                .unwrap();
            i.call_async("theater:simple/runtime.shutdown", &Some(vec![1u8, 2, 3]))
                .await
                .unwrap()
        },
        shutdown_again: i
            .call_async("theater:simple/runtime.shutdown", &None::<Vec<u8>>)
            .await
            .unwrap(),
        wasm: i
            .call_async("wisp:assembler/runtime.wat-to-wasm", "(module)")
            .await
            .unwrap(),
        bad_wat: i
            .call_async("wisp:assembler/runtime.wat-to-wasm", "(modul")
            .await
            .unwrap(),
        keys: (
            i.call_async("theater:simple/store.store", &("s".to_string(), vec![7u8]))
                .await
                .unwrap(),
            i.call_async("theater:simple/store.store", &("s".to_string(), vec![8u8]))
                .await
                .unwrap(),
        ),
        container: i
            .call_async("theater:simple/podman.run", &spec())
            .await
            .unwrap(),
        children: (
            i.call_async(
                "theater:simple/supervisor.spawn",
                &("a.toml".to_string(), none),
            )
            .await
            .unwrap(),
            i.call_async(
                "theater:simple/supervisor.spawn",
                &("b.toml".to_string(), some_none),
            )
            .await
            .unwrap(),
        ),
    }
}

fn a_theater_host_runs_recorded_and_replays(kind: EngineKind) {
    let mut live = instance(kind, "actor-1");
    live.set_interceptor(Box::new(Recorder::new()));
    let recorded = run(session(&mut live));

    assert_eq!(recorded.me, "actor-1");
    assert_eq!(recorded.shutdown, Ok(()));
    assert_eq!(recorded.shutdown_again, Err("already shutting down".into()));
    assert_eq!(recorded.wasm.as_deref().map(|w| &w[..4]), Ok(&b"\0asm"[..]));
    assert!(recorded.bad_wat.is_err());
    assert_eq!(
        recorded.keys,
        (Ok("s-1".into()), Ok("s-2".into())),
        "state kept across awaits"
    );
    assert_eq!(recorded.container, Ok("container-1".into()));
    assert_eq!(
        recorded.children,
        (Ok("child-1".into()), Ok("child-2".into()))
    );

    let state = live.data();
    assert_eq!(state.runtime.lines, ["[actor-1] hello"]);
    assert_eq!(state.runtime.final_state, Some(Some(vec![1, 2, 3])));
    assert_eq!(state.store.items.len(), 2);
    assert_eq!(state.podman.started, [spec()]);
    let (none, some_none) = (
        &state.supervisor.spawned[0].1,
        &state.supervisor.spawned[1].1,
    );
    assert_eq!(*none, None);
    assert!(
        matches!(some_none, Some(Value::Option { value: None, .. })),
        "some(none) stays distinct: {some_none:?}"
    );

    let log = live.take_interceptor_as::<Recorder>().unwrap().finish();
    assert_eq!(log.len(), 24, "12 export calls, each with its host call");

    // Replay on a host whose handlers would answer differently.
    let mut replay = instance(kind, "someone-else");
    replay.set_interceptor(Box::new(Replayer::new(log)));
    let replayed = run(session(&mut replay));
    assert_eq!(replayed, recorded);
    let state = replay.data();
    assert!(
        state.runtime.lines.is_empty()
            && state.store.items.is_empty()
            && state.podman.started.is_empty()
    );
}

per_engine!(a_theater_host_runs_recorded_and_replays);

#[test]
fn a_host_interface_describes_itself() {
    assert_eq!(
        <RuntimeHost as HostInterface<ActorStore>>::INTERFACE,
        "theater:simple/runtime"
    );
    let described: Vec<String> = <RuntimeHost as HostInterface<ActorStore>>::functions()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        described,
        [
            "log: func(msg: string)",
            "self: func() -> string",
            "shutdown: async func(data: option<list<u8>>) -> result<_, string>",
        ]
    );
    let supervisor: Vec<String> = <Supervisor as HostInterface<ActorStore>>::functions()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        supervisor,
        [
            "spawn: func(manifest: string, init-state: option<value>) -> result<string, string>",
            "census: func() -> tuple<u32, u32>",
        ]
    );
    let wisp = <Assembler as HostInterface<ActorStore>>::functions();
    assert_eq!(
        wisp[0].to_string(),
        "wat-to-wasm: func(wat: string) -> result<list<u8>, string>"
    );
}

#[test]
fn registering_an_interface_twice_is_an_error_naming_the_function() {
    let mut host = HostBuilder::<ActorStore>::new();
    Timer::add_to_linker(&mut host, |s| &mut s.timer).unwrap();
    let err = Timer::add_to_linker(&mut host, |s| &mut s.timer).unwrap_err();
    assert!(
        err.to_string().contains("theater:simple/timer.now"),
        "{err}"
    );
}

/// Hand-written impls checked against wit/theater.wit+ at compile time
/// (`wit = ...`): they compile because every method matches its
/// declaration (the mismatches are compile-fail cases in ui-tests).
mod checked {
    #[derive(Default)]
    pub struct Clock {
        pub ticks: u64,
    }

    #[packr::host_interface("theater:simple/timer", wit = "wit/theater.wit+")]
    impl Clock {
        fn now(&mut self) -> u64 {
            self.ticks += 1;
            self.ticks
        }
    }

    #[derive(Default)]
    pub struct Blobs {
        pub blobs: Vec<Vec<u8>>,
    }

    #[packr::host_interface("theater:simple/store", wit = "wit/theater.wit+")]
    impl Blobs {
        async fn store(&mut self, _store_id: String, content: Vec<u8>) -> Result<String, String> {
            self.blobs.push(content);
            Ok(format!("{}", self.blobs.len() - 1))
        }

        /// Borrowed parameters match `string` too.
        fn load(&mut self, _store_id: &str, key: &str) -> Result<Vec<u8>, String> {
            key.parse::<usize>()
                .ok()
                .and_then(|i| self.blobs.get(i).cloned())
                .ok_or_else(|| format!("no blob {key}"))
        }
    }
}

#[test]
fn a_checked_impl_describes_exactly_the_declared_functions() {
    let pkg = packr::wit::Package::load(concat!(env!("CARGO_MANIFEST_DIR"), "/wit/theater.wit+"))
        .unwrap();
    let declared = |iface: &str| -> Vec<String> {
        pkg.interface(iface)
            .unwrap()
            .functions
            .iter()
            .map(ToString::to_string)
            .collect()
    };
    let described = |fs: Vec<packr::interface::FunctionDesc>| -> Vec<String> {
        // The declaration as WIT writes it: no `async`.
        fs.iter()
            .map(|f| f.to_string().replace("async func", "func"))
            .collect()
    };
    assert_eq!(
        described(<checked::Clock as HostInterface<()>>::functions()),
        declared("timer")
    );
    assert_eq!(
        described(<checked::Blobs as HostInterface<()>>::functions()),
        declared("store")
    );
}
