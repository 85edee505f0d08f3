//! `packr::bindgen!` end to end: generated types (recursive, boxed only
//! where needed), a generated `Host` trait implemented by hand, and typed
//! export calls, on both engines; and the Theater world with async imports.

mod common;

use packr::engine::{Engine, EngineKind, Module, validate};
use packr::host::HostBuilder;

packr::bindgen!("wit/tree.wit+");

use types::{Color, Node, Tree};

#[derive(Default)]
struct Mirror {
    calls: u32,
}

impl host::Host for Mirror {
    fn mirror(&mut self, t: Tree) -> Tree {
        self.calls += 1;
        flip(t)
    }

    fn depth(&mut self, n: Node, limit: u32) -> Result<u32, String> {
        self.calls += 1;
        let mut depth = 1;
        let mut at = &n;
        while let Some(child) = &at.child {
            depth += 1;
            at = child;
        }
        if depth > limit {
            Err(format!("deeper than {limit}"))
        } else {
            Ok(depth)
        }
    }
}

fn flip(t: Tree) -> Tree {
    match t {
        Tree::Leaf(n) => Tree::Leaf(n),
        Tree::Pair((a, b)) => Tree::Pair((Box::new(flip(*b)), Box::new(flip(*a)))),
        Tree::Many(items) => Tree::Many(items.into_iter().rev().map(flip).collect()),
    }
}

fn bindings_carry_recursive_types_through_host_and_guest(kind: EngineKind) {
    let pkg =
        packr::wit::Package::load(concat!(env!("CARGO_MANIFEST_DIR"), "/wit/tree.wit+")).unwrap();
    let engine = Engine::with_kind(kind).unwrap();
    let module = Module::from_wat(&engine, include_str!("guests/mirror.wat")).unwrap();
    let mut host = HostBuilder::<Mirror>::new();
    host::add_to_linker(&mut host, |s| s).unwrap();
    validate(&module, &pkg, pkg.world(None).unwrap(), &host).unwrap();
    let mut instance = engine
        .link(&module, &host)
        .unwrap()
        .instantiate(Mirror::default())
        .unwrap();

    let tree = Tree::Many(vec![
        Tree::Leaf(1),
        Tree::Pair((
            Box::new(Tree::Leaf(2)),
            Box::new(Tree::Many(vec![Tree::Leaf(3), Tree::Leaf(4)])),
        )),
    ]);
    let mut exports = MirrorExports::new(&mut instance);
    assert_eq!(exports.call_run(tree.clone()).unwrap(), flip(tree));

    let chain = Node {
        label: "a".into(),
        color: Color::Red,
        child: Some(Box::new(Node {
            label: "b".into(),
            color: Color::Green,
            child: None,
        })),
    };
    assert_eq!(exports.call_measure(chain.clone(), 5).unwrap(), Ok(2));
    assert_eq!(
        exports.call_measure(chain, 1).unwrap(),
        Err("deeper than 1".into())
    );
    assert_eq!(instance.data().calls, 3, "one host call per export call");
}

per_engine!(bindings_carry_recursive_types_through_host_and_guest);

/// The Theater world, with two async imports.
mod theater {
    packr::bindgen!({
        path: "wit/theater.wit+",
        world: "actor",
        async: ["runtime.shutdown", "store.store"],
    });

    #[derive(Default)]
    pub struct Host {
        pub lines: Vec<String>,
        pub stored: Vec<Vec<u8>>,
    }

    impl runtime::Host for Host {
        fn log(&mut self, msg: String) {
            self.lines.push(msg);
        }

        fn self_(&mut self) -> String {
            "actor-1".into()
        }

        async fn shutdown(&mut self, data: Option<Vec<u8>>) -> Result<(), String> {
            tokio::task::yield_now().await;
            data.map(|_| ()).ok_or_else(|| "no state".into())
        }
    }

    impl store::Host for Host {
        async fn store(&mut self, _store_id: String, content: Vec<u8>) -> Result<String, String> {
            tokio::task::yield_now().await;
            self.stored.push(content);
            Ok(format!("key-{}", self.stored.len()))
        }

        fn load(&mut self, _store_id: String, key: String) -> Result<Vec<u8>, String> {
            Err(format!("{key}: not found"))
        }
    }

    impl timer::Host for Host {
        fn now(&mut self) -> u64 {
            0
        }
    }
}

#[test]
fn the_theater_world_generates_types_traits_and_export_calls() {
    let mut host = HostBuilder::<theater::Host>::new();
    theater::runtime::add_to_linker(&mut host, |s| s).unwrap();
    theater::store::add_to_linker(&mut host, |s| s).unwrap();
    theater::timer::add_to_linker(&mut host, |s| s).unwrap();
    assert_eq!(host.functions().len(), 6);
    assert!(
        host.get("theater:simple/store", "store")
            .unwrap()
            .is_async()
    );
    assert!(!host.get("theater:simple/store", "load").unwrap().is_async());

    // The generated message type round-trips with its WIT names.
    let msg = theater::types::Message::Batch(vec![
        theater::types::Message::Text("hi".into()),
        theater::types::Message::Number(7),
    ]);
    let bytes = packr::abi::encode(&msg).unwrap();
    assert_eq!(
        packr::abi::decode(&bytes).unwrap().to_string(),
        r#"batch([text("hi"), number(7)])"#
    );
    assert_eq!(
        packr::abi::decode_as::<theater::types::Message>(&bytes).unwrap(),
        msg
    );
}

/// The actor's exports get a typed handle (compiled, not run: the Theater
/// actor guest is the actor-host example's job).
#[allow(dead_code)]
async fn theater_exports_are_typed(instance: &mut packr::engine::Instance<theater::Host>) {
    let mut actor = theater::actor::Exports::new(instance);
    let state: Result<Vec<u8>, String> = actor.call_init_async(None).await.unwrap();
    let msg = theater::types::Message::Text("ping".into());
    let _: Result<(Vec<u8>, theater::types::Reply), String> = actor
        .call_handle_async(state.unwrap_or_default(), msg)
        .await
        .unwrap();
}

/// World test:files: flags, `with`, `derives`, a trappable and an async
/// import.
mod files {
    use packr::GraphValue;
    use packr::host::Trap;

    /// The embedder's own point type, used instead of a generated one.
    #[derive(GraphValue, Debug, Clone, Copy, PartialEq)]
    #[graph(rename = "point")]
    pub struct Point {
        pub x: i32,
        pub y: i32,
    }

    packr::bindgen!({
        path: "wit/files.wit+",
        world: "files",
        async: ["fs.walk"],
        trappable: ["fs.chmod"],
        derives: [Eq, Hash],
        with: { "test:files/types.point" => crate::files::Point },
    });

    pub use fs::Entry;
    pub use types::Mode;

    #[derive(Default)]
    pub struct Disk {
        pub moved: Vec<(String, Point)>,
    }

    pub fn entry(name: &str, mode: Mode, children: Vec<Entry>) -> Entry {
        Entry {
            name: name.into(),
            mode,
            children,
        }
    }

    impl fs::Host for Disk {
        fn stat(&mut self, path: String) -> Result<Entry, String> {
            match path.as_str() {
                "/bin" => Ok(entry("bin", Mode::READ | Mode::EXEC, vec![])),
                _ => Err(format!("{path}: no such file")),
            }
        }

        fn chmod(&mut self, path: String, mode: Mode) -> Result<Mode, Trap> {
            if path == "/" {
                return Err(Trap::new("the root is read-only"));
            }
            Ok(mode | Mode::READ)
        }

        fn place(&mut self, path: String, at: Point) -> Point {
            self.moved.push((path, at));
            Point {
                x: at.x + 1,
                y: at.y,
            }
        }

        async fn walk(&mut self, root: String) -> Vec<Entry> {
            tokio::task::yield_now().await;
            vec![entry(
                &root,
                Mode::all(),
                vec![entry("a", Mode::empty(), vec![])],
            )]
        }
    }
}

fn bindgen_options_flags_with_derives_trappable_and_async(kind: EngineKind) {
    use files::{Disk, Mode, Point, entry, fs};
    let engine = Engine::with_kind(kind).unwrap();
    let module = Module::from_wat(&engine, include_str!("guests/files.wat")).unwrap();
    let mut host = HostBuilder::<Disk>::new();
    fs::add_to_linker(&mut host, |s| s).unwrap();
    assert!(host.get("test:files/fs", "walk").unwrap().is_async());
    let pkg =
        packr::wit::Package::load(concat!(env!("CARGO_MANIFEST_DIR"), "/wit/files.wit+")).unwrap();
    validate(&module, &pkg, pkg.world(Some("files")).unwrap(), &host).unwrap();
    let linked = engine.link(&module, &host).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let mut instance = rt
        .block_on(linked.instantiate_async(Disk::default()))
        .unwrap();

    rt.block_on(async {
        let mut guest = files::FilesExports::new(&mut instance);
        let bin = guest.call_stat_async("/bin".into()).await.unwrap();
        assert_eq!(bin, Ok(entry("bin", Mode::READ | Mode::EXEC, vec![])));
        assert_eq!(
            guest.call_stat_async("/nope".into()).await.unwrap(),
            Err("/nope: no such file".into())
        );

        // Flags cross as one mask; the host's answer adds READ.
        let mode = guest
            .call_chmod_async("/bin/sh".into(), Mode::WRITE | Mode::EXEC)
            .await
            .unwrap();
        assert_eq!(mode, Mode::all());
        assert_eq!(format!("{mode:?}"), "mode{read, write, exec}");
        // A trappable import's Err traps the guest with the host's message.
        let err = guest
            .call_chmod_async("/".into(), Mode::WRITE)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("the root is read-only"), "{err}");

        // `with`: the embedder's Point crosses both ways.
        let moved = guest
            .call_place_async("/etc".into(), Point { x: 1, y: 2 })
            .await
            .unwrap();
        assert_eq!(moved, Point { x: 2, y: 2 });

        let tree = guest.call_walk_async("/tmp".into()).await.unwrap();
        assert_eq!(
            tree,
            vec![entry(
                "/tmp",
                Mode::all(),
                vec![entry("a", Mode::empty(), vec![])]
            )]
        );
        // `derives: [Eq, Hash]` reached the generated record.
        let set: std::collections::HashSet<fs::Entry> = tree.into_iter().collect();
        assert_eq!(set.len(), 1);
    });
    assert_eq!(
        instance.data().moved,
        [("/etc".to_string(), Point { x: 1, y: 2 })]
    );
}

per_engine!(bindgen_options_flags_with_derives_trappable_and_async);

#[test]
fn a_flags_mask_with_undeclared_bits_is_rejected_not_truncated() {
    use files::Mode;
    let bytes = packr::abi::encode(&packr::Value::Flags(0b1001)).unwrap();
    let err = packr::abi::decode_as::<Mode>(&bytes).unwrap_err();
    assert!(err.to_string().contains("outside the declared"), "{err}");
    let ok = packr::abi::encode(&packr::Value::Flags(0b101)).unwrap();
    assert_eq!(
        packr::abi::decode_as::<Mode>(&ok).unwrap(),
        Mode::READ | Mode::EXEC
    );
    // list<flags> travels as one packed array node.
    let list = vec![Mode::READ, Mode::empty(), Mode::all()];
    let bytes = packr::abi::encode(&list).unwrap();
    assert_eq!(
        packr::abi::decode(&bytes).unwrap().to_string(),
        "[flags(0b1), flags(0b0), flags(0b111)]"
    );
    assert_eq!(packr::abi::decode_as::<Vec<Mode>>(&bytes).unwrap(), list);
    // Flags in an argument tuple: the same bytes as the dynamic value, and
    // undeclared bits still rejected there.
    let pair = packr::abi::encode(&(Mode::WRITE, 7u32)).unwrap();
    let dynamic = packr::Value::Tuple(vec![packr::Value::Flags(0b10), packr::Value::U32(7)]);
    assert_eq!(pair, packr::abi::encode(&dynamic).unwrap());
    assert_eq!(
        packr::abi::decode_as::<(Mode, u32)>(&pair).unwrap(),
        (Mode::WRITE, 7)
    );
    let bad = packr::Value::Tuple(vec![packr::Value::Flags(0b1000), packr::Value::U32(7)]);
    let bad = packr::abi::encode(&bad).unwrap();
    let err = packr::abi::decode_as::<(Mode, u32)>(&bad).unwrap_err();
    assert!(err.to_string().contains("outside the declared"), "{err}");
    assert_eq!(Mode::from_bits(8), None);
    assert!(Mode::all().contains(Mode::WRITE) && !Mode::READ.contains(Mode::all()));
}
