//! Host bundles end to end: the kv example bundle is built, packed into a
//! bundle directory, verified, loaded and linked, on both engines; every
//! refusal the loader owes is provoked; a session served by the bundle is
//! recorded and replayed with no bundle loaded.

#[path = "common/bundle_dirs.rs"]
mod bundle_dirs;
mod common;

use bundle_dirs::{BundleDir, KV_WIT};
use packr::bundle::{
    BundleError, BundleErrorKind, BundleSpec, BundleStates, BundleTrust, HostBundle,
    validate_imports,
};
use packr::engine::{Engine, EngineKind, Error, Instance, Module, Problem};
use packr::host::HostBuilder;
use packr::record::{Recorder, Replayer};
use std::any::Any;

const KV_GUEST: &str = include_str!("guests/kv.wat");

fn kv_instance(kind: EngineKind, bundle: &HostBundle) -> Instance<BundleStates> {
    let engine = Engine::with_kind(kind).unwrap();
    let module = Module::from_wat(&engine, KV_GUEST).unwrap();
    validate_imports(&module, std::slice::from_ref(bundle)).unwrap();
    let mut host = HostBuilder::<BundleStates>::new();
    bundle.add_to_linker(&mut host, |s| s).unwrap();
    let states = BundleStates::for_bundles([bundle]).unwrap();
    assert_eq!(
        states.len(),
        1,
        "the state is created before the guest runs"
    );
    engine
        .link(&module, &host)
        .unwrap()
        .instantiate(states)
        .unwrap()
}

fn set(i: &mut Instance<BundleStates>, key: &str, value: &str) -> Result<(), Error> {
    i.call("example:kv/app.set", &(key.to_string(), value.to_string()))
}

fn get(i: &mut Instance<BundleStates>, key: &str) -> Result<Option<String>, Error> {
    i.call("example:kv/app.get", key)
}

fn count(i: &mut Instance<BundleStates>) -> Result<u32, Error> {
    i.call("example:kv/app.count", &())
}

fn a_guest_is_served_by_a_loaded_bundle(kind: EngineKind) {
    let dir = BundleDir::kv().make(&format!("served-{kind}"));
    let bundle = HostBundle::load(&dir).unwrap();
    assert_eq!((bundle.name(), bundle.version()), ("kv", "0.1.0"));
    assert_eq!(bundle.interfaces(), ["packr:kv/store"]);

    let mut a = kv_instance(kind, &bundle);
    set(&mut a, "lang", "rust").unwrap();
    set(&mut a, "engine", kind.name()).unwrap();
    assert_eq!(get(&mut a, "lang").unwrap().as_deref(), Some("rust"));
    assert_eq!(get(&mut a, "nothing").unwrap(), None);
    assert_eq!(count(&mut a).unwrap(), 2);
    let removed: bool = a.call("example:kv/app.remove", "lang").unwrap();
    let again: bool = a.call("example:kv/app.remove", "lang").unwrap();
    assert_eq!((removed, again), (true, false));
    assert_eq!(count(&mut a).unwrap(), 1);

    // Each instance has its own state.
    let mut b = kv_instance(kind, &bundle);
    assert_eq!(count(&mut b).unwrap(), 0);
    assert_eq!(get(&mut b, "engine").unwrap(), None);
    assert_eq!(count(&mut a).unwrap(), 1);
}

fn a_panicking_bundle_function_is_an_error_and_the_instance_lives_on(kind: EngineKind) {
    let dir = BundleDir::kv().make(&format!("panic-{kind}"));
    let bundle = HostBundle::load(&dir).unwrap();
    let mut i = kv_instance(kind, &bundle);
    set(&mut i, "kept", "yes").unwrap();
    let long = "k".repeat(300);
    let err = set(&mut i, &long, "v").unwrap_err().to_string();
    assert!(
        err.contains("bundle `kv` function `set` panicked")
            && err.contains("key of 300 bytes is longer than 256"),
        "{err}"
    );
    let cause = i.last_host_error().expect("the failure is recorded");
    assert_eq!(
        (cause.interface.as_str(), cause.function.as_str()),
        ("packr:kv/store", "set")
    );
    // The host is alive and the instance (and the bundle state) usable.
    assert_eq!(get(&mut i, "kept").unwrap().as_deref(), Some("yes"));
    assert_eq!(count(&mut i).unwrap(), 1);
}

fn bad_input_from_the_guest_is_the_guests_fault(kind: EngineKind) {
    let dir = BundleDir::kv().make(&format!("bad-input-{kind}"));
    let bundle = HostBundle::load(&dir).unwrap();
    let mut i = kv_instance(kind, &bundle);
    // `set` takes two strings; a number is not CGRF of its parameters. The
    // host answers status -1, on which the guest traps.
    let err = i.call::<_, ()>("example:kv/app.set", &7u32).unwrap_err();
    let cause = i.last_host_error().expect("recorded").reason.clone();
    assert!(cause.contains("bad input"), "{cause} / {err}");
    assert_eq!(count(&mut i).unwrap(), 0);
}

fn a_bundle_session_replays_without_the_bundle(kind: EngineKind) {
    let dir = BundleDir::kv().make(&format!("replay-{kind}"));
    let bundle = HostBundle::load(&dir).unwrap();
    let mut live = kv_instance(kind, &bundle);
    live.set_interceptor(Box::new(Recorder::new()));
    set(&mut live, "a", "1").unwrap();
    let recorded = (get(&mut live, "a").unwrap(), count(&mut live).unwrap());
    let recorder: Box<dyn Any + Send> = live.take_interceptor().unwrap();
    let log = recorder.downcast::<Recorder>().unwrap().finish();
    assert_eq!(log.len(), 6, "3 export calls, 3 bundle calls");
    drop(live);
    drop(bundle);

    // Only the manifest and the WIT+ are read: the library is not loaded.
    std::fs::remove_dir_all(dir.join("lib")).unwrap();
    let spec = BundleSpec::read(&dir).unwrap();
    let engine = Engine::with_kind(kind).unwrap();
    let module = Module::from_wat(&engine, KV_GUEST).unwrap();
    let mut host = HostBuilder::<BundleStates>::new();
    spec.add_stubs_to_linker(&mut host).unwrap();
    let linked = engine.link(&module, &host).unwrap();

    let mut replay = linked.instantiate(BundleStates::new()).unwrap();
    replay.set_interceptor(Box::new(Replayer::new(log)));
    set(&mut replay, "a", "1").unwrap();
    assert_eq!(
        (get(&mut replay, "a").unwrap(), count(&mut replay).unwrap()),
        recorded
    );
    let replayer: Box<dyn Any + Send> = replay.take_interceptor().unwrap();
    assert!(replayer.downcast::<Replayer>().unwrap().is_finished());

    // Without a recording, the stubs say why they cannot answer.
    let mut unserved = linked.instantiate(BundleStates::new()).unwrap();
    let err = count(&mut unserved).unwrap_err().to_string();
    assert!(err.contains("bundle `kv` is not loaded"), "{err}");
}

fn validation_checks_imports_against_the_bundle(kind: EngineKind) {
    let dir = BundleDir::kv().make(&format!("validate-{kind}"));
    let bundle = HostBundle::load(&dir).unwrap();
    let engine = Engine::with_kind(kind).unwrap();

    let other_hash = packr::wit::PackTypes {
        imports: vec![packr::wit::InterfaceHash {
            name: "packr:kv/store".into(),
            hash: [7; 32],
        }],
        exports: vec![],
        functions: vec![],
    };
    let blob: String = other_hash
        .encode()
        .iter()
        .map(|b| format!("\\{b:02x}"))
        .collect();
    let guest = format!(
        r#"(module
        (import "packr:kv/store" "get" (func (param i32 i32 i32 i32) (result i32)))
        (import "packr:kv/store" "clear" (func (param i32 i32 i32 i32) (result i32)))
        (import "packr:kv/store" "count" (func (param i32) (result i32)))
        (memory (export "memory") 1)
        (data (i32.const 1024) "{blob}")
        (func (export "__pack_types") (param i32 i32) (result i32) (i32.const 0)))"#
    );
    let module = Module::from_wat(&engine, &guest).unwrap();
    let err = validate_imports(&module, &[bundle]).unwrap_err();
    assert_eq!(err.problems.len(), 3, "{err}");
    assert!(matches!(&err.problems[0], Problem::UnknownFunction { name, .. } if name == "clear"));
    assert!(
        matches!(&err.problems[1], Problem::WrongSignature { item, .. } if item == "packr:kv/store.count")
    );
    assert!(
        matches!(&err.problems[2], Problem::InterfaceHash { interface, .. } if interface == "packr:kv/store")
    );
}

per_engine!(
    a_guest_is_served_by_a_loaded_bundle,
    a_panicking_bundle_function_is_an_error_and_the_instance_lives_on,
    bad_input_from_the_guest_is_the_guests_fault,
    a_bundle_session_replays_without_the_bundle,
    validation_checks_imports_against_the_bundle,
);

fn refusal(dir: &std::path::Path, trust: &BundleTrust) -> BundleError {
    let err = HostBundle::load_with(dir, trust).unwrap_err();
    assert_eq!(err.bundle, "kv", "{err}");
    err
}

#[test]
fn a_library_whose_bytes_differ_from_the_manifest_is_refused() {
    let dir = BundleDir {
        tamper: true,
        ..BundleDir::kv()
    }
    .make("tampered");
    let err = refusal(&dir, &BundleTrust::Manifest);
    assert!(
        matches!(err.kind, BundleErrorKind::LibraryHash { .. }),
        "{err}"
    );
    assert!(
        err.file.ends_with(bundle_dirs::library_file("kv-bundle")),
        "{err}"
    );
    assert!(err.to_string().contains("but the manifest says"), "{err}");
}

#[test]
fn a_library_not_on_the_trust_list_is_refused_and_a_pinned_one_loads() {
    let dir = BundleDir::kv().make("trust");
    let err = refusal(&dir, &BundleTrust::pinned(["00".repeat(32)]));
    assert!(
        matches!(err.kind, BundleErrorKind::NotTrusted { .. }),
        "{err}"
    );
    let bytes =
        std::fs::read(dir.join("lib").join(bundle_dirs::library_file("kv-bundle"))).unwrap();
    let pinned = BundleTrust::pinned([bundle_dirs::sha256_hex(&bytes).to_uppercase()]);
    let bundle = HostBundle::load_with(&dir, &pinned).unwrap();
    assert_eq!(bundle.library_sha256().to_vec(), sha2_digest(&bytes));
}

fn sha2_digest(bytes: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).to_vec()
}

#[test]
fn a_manifest_path_escaping_the_bundle_is_refused() {
    for (tag, file) in [("dotdot", "../lib/x.so"), ("absolute", "/usr/lib/x.so")] {
        let dir = BundleDir {
            file: Some(file.into()),
            ..BundleDir::kv()
        }
        .make(tag);
        let err = refusal(&dir, &BundleTrust::Manifest);
        assert_eq!(
            err.kind,
            BundleErrorKind::PathEscapes { path: file.into() },
            "{err}"
        );
        assert!(err.file.ends_with("bundle.toml"));
    }
    // A symbolic link inside the bundle that leads out of it.
    #[cfg(unix)]
    {
        let dir = BundleDir {
            file: Some("lib/link.so".into()),
            ..BundleDir::kv()
        }
        .make("symlink");
        let outside = bundle_dirs::built_libraries().join(bundle_dirs::library_file("kv-bundle"));
        std::os::unix::fs::symlink(outside, dir.join("lib/link.so")).unwrap();
        let err = refusal(&dir, &BundleTrust::Manifest);
        assert!(
            matches!(err.kind, BundleErrorKind::PathEscapes { .. }),
            "{err}"
        );
    }
}

#[test]
fn a_library_built_against_another_version_of_its_interface_is_refused() {
    // Same functions, one result type changed: only the hash tells.
    let wit = KV_WIT.replace("count: func() -> u32;", "count: func() -> u64;");
    assert_ne!(wit, KV_WIT);
    let dir = BundleDir {
        wit,
        ..BundleDir::kv()
    }
    .make("other-version");
    let err = refusal(&dir, &BundleTrust::Manifest);
    assert!(
        matches!(&err.kind, BundleErrorKind::InterfaceHash { interface, .. } if interface == "packr:kv/store"),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("built against another version of `packr:kv/store`")
    );
}

#[test]
fn a_wit_function_the_library_lacks_is_refused() {
    let wit = KV_WIT.replace(
        "count: func() -> u32;",
        "count: func() -> u32;\n    clear: func();",
    );
    let dir = BundleDir {
        wit,
        ..BundleDir::kv()
    }
    .make("lacks");
    let err = refusal(&dir, &BundleTrust::Manifest);
    assert_eq!(
        err.kind,
        BundleErrorKind::MissingFunction {
            interface: "packr:kv/store".into(),
            function: "clear".into()
        },
        "{err}"
    );
}

#[test]
fn a_library_entry_the_wit_does_not_declare_is_refused() {
    let wit = KV_WIT.replace("count: func() -> u32;", "");
    let dir = BundleDir {
        wit,
        ..BundleDir::kv()
    }
    .make("undeclared");
    let err = refusal(&dir, &BundleTrust::Manifest);
    assert_eq!(
        err.kind,
        BundleErrorKind::UndeclaredFunction {
            interface: "packr:kv/store".into(),
            function: "count".into()
        },
        "{err}"
    );
}

#[test]
fn a_library_of_another_abi_version_is_refused() {
    let dir = BundleDir {
        crate_name: "abi-v2-bundle",
        ..BundleDir::kv()
    }
    .make("abi-v2");
    let err = refusal(&dir, &BundleTrust::Manifest);
    assert_eq!(
        err.kind,
        BundleErrorKind::AbiVersion {
            found: 2,
            expected: 1
        },
        "{err}"
    );
}

#[test]
fn a_malformed_manifest_or_wit_is_refused_before_the_library_is_read() {
    let dir = BundleDir::kv().make("manifest");
    std::fs::write(dir.join("bundle.toml"), "name = \"kv\"\nversion = 1\n").unwrap();
    let err = HostBundle::load(&dir).unwrap_err();
    assert!(matches!(err.kind, BundleErrorKind::Manifest(_)), "{err}");

    let dir = BundleDir {
        wit: "package packr:kv; interface other {}".into(),
        ..BundleDir::kv()
    }
    .make("wit-lacks-interface");
    let err = refusal(&dir, &BundleTrust::Manifest);
    assert!(
        matches!(&err.kind, BundleErrorKind::Wit(m) if m.contains("declares no interface `packr:kv/store`")),
        "{err}"
    );
}

#[test]
fn a_bundle_registered_twice_adds_nothing_the_second_time() {
    let dir = BundleDir::kv().make("twice");
    let bundle = HostBundle::load(&dir).unwrap();
    let mut host = HostBuilder::<BundleStates>::new();
    bundle.add_to_linker(&mut host, |s| s).unwrap();
    assert_eq!(host.functions().len(), 4);
    assert!(bundle.add_to_linker(&mut host, |s| s).is_err());
    assert_eq!(host.functions().len(), 4);
}
