//! A host call served by a bundle against the same function registered
//! directly: the hostcall-add workload, the same `#[host_interface]` impl
//! both ways (benches/add-bundle), in one criterion run.
//!
//! `cargo bench -p add-bundle` (wasmi; add `--features wasmtime` for both
//! engines); criterion's time per element is the time per host call. The
//! bench builds the bundle library (this crate, release mode) first.

#[path = "../../common/mod.rs"]
mod common;

use common::{CALLS, add_guest, run};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use packr::bundle::{BundleStates, HostBundle};
use packr::engine::{Engine, EngineKind, Module};
use packr::host::HostBuilder;
use sha2::{Digest, Sha256};
use std::path::Path;

fn guest(engine: &Engine) -> Module {
    Module::from_wat(engine, &add_guest()).unwrap()
}

/// The same `add` as the bundle's, registered directly.
#[derive(Default)]
struct Math;

#[packr::host_interface("bench:host/math")]
impl Math {
    fn add(&self, a: i32, b: i32) -> i32 {
        a.wrapping_add(b)
    }
}

/// Builds benches/add-bundle (release) and packs it into a bundle directory.
fn bundle_dir() -> std::path::PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let target = tmp.parent().unwrap();
    let status = std::process::Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--release", "-p", "add-bundle"])
        .env("CARGO_TARGET_DIR", target)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .unwrap();
    assert!(status.success());
    let file = format!(
        "{}add_bundle{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    );
    let bytes = std::fs::read(target.join("release").join(&file)).unwrap();
    let sha: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let dir = tmp.join("bench-add-bundle");
    std::fs::create_dir_all(dir.join("lib")).unwrap();
    std::fs::create_dir_all(dir.join("wit")).unwrap();
    std::fs::write(dir.join("lib").join(&file), &bytes).unwrap();
    std::fs::write(dir.join("wit/math.wit+"), include_str!("../wit/math.wit+")).unwrap();
    std::fs::write(
        dir.join("bundle.toml"),
        format!(
            "name = \"add\"\nversion = \"0.1.0\"\ninterfaces = [\"bench:host/math\"]\n\
             [library.{}]\nfile = \"lib/{file}\"\nsha256 = \"{sha}\"\n",
            std::env::consts::OS
        ),
    )
    .unwrap();
    dir
}

fn bundle_vs_direct(c: &mut Criterion) {
    use packr::HostInterface;
    let bundle = HostBundle::load(bundle_dir()).unwrap();
    let mut g = c.benchmark_group("bundle-add");
    g.throughput(Throughput::Elements(CALLS as u64));
    for &kind in EngineKind::ALL {
        let engine = Engine::with_kind(kind).unwrap();
        let module = guest(&engine);

        let mut host = HostBuilder::<Math>::new();
        Math::add_to_linker(&mut host, |s| s).unwrap();
        let mut direct = engine
            .link(&module, &host)
            .unwrap()
            .instantiate(Math)
            .unwrap();
        assert_eq!(run(&mut direct, 1000), 42_000);
        g.bench_function(format!("{kind}/direct"), |b| {
            b.iter(|| run(&mut direct, CALLS))
        });

        let mut host = HostBuilder::<BundleStates>::new();
        bundle.add_to_linker(&mut host, |s| s).unwrap();
        let states = BundleStates::for_bundles([&bundle]).unwrap();
        let mut served = engine
            .link(&module, &host)
            .unwrap()
            .instantiate(states)
            .unwrap();
        assert_eq!(run(&mut served, 1000), 42_000);
        g.bench_function(format!("{kind}/bundle"), |b| {
            b.iter(|| run(&mut served, CALLS))
        });
    }
    g.finish();
}

criterion_group!(benches, bundle_vs_direct);
criterion_main!(benches);
