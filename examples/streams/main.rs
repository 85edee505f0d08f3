//! Wetware's `streams` world on packr: the host hands the guest
//! `connection` resources as handles, backed by tokio channels, and the
//! guest pipes "hello" from one connection to another.
//!
//! The guest (tests/guests/streams.wat) opens two connections on one
//! channel, writes through the first, reads through the second and drops
//! both; the host's objects are gone afterwards.
//!
//! `cargo run --example streams [wasmtime|wasmi]`

mod host;

use host::{Streams, app, streams};
use packr::engine::{Engine, EngineKind, Module, validate};
use packr::host::HostBuilder;
use packr::wit::Package;
use std::sync::atomic::Ordering;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let kind = match std::env::args().nth(1).as_deref() {
        None | Some("wasmtime") => EngineKind::Wasmtime,
        Some("wasmi") => EngineKind::Wasmi,
        Some(other) => {
            eprintln!("usage: streams [wasmtime|wasmi] (not `{other}`)");
            std::process::exit(2);
        }
    };
    let package = Package::load(format!("{ROOT}/wit/streams.wit+"))?;
    let engine = Engine::with_kind(kind)?;
    let wat = std::fs::read_to_string(format!("{ROOT}/tests/guests/streams.wat"))?;
    let module = Module::from_wat(&engine, &wat)?;

    let mut host = HostBuilder::<Streams>::new();
    streams::add_to_linker(&mut host, |s| s)?;
    // Every import the guest makes, canonical resource names included, is
    // one the world declares and the host serves.
    validate(&module, &package, package.world(None)?, &host)?;
    println!("[{kind}] the guest fits the `streams` world");

    let runtime = tokio::runtime::Builder::new_current_thread().build()?;
    runtime.block_on(async {
        let mut instance = engine
            .link(&module, &host)?
            .instantiate_async(Streams::default())
            .await?;
        let read = app::Exports::new(&mut instance).call_run_async().await?;
        println!(
            "[{kind}] the guest read {:?}",
            String::from_utf8_lossy(&read)
        );
        println!(
            "[{kind}] connections dropped by the host: {}, live handles left: {}",
            instance.data().dropped.load(Ordering::SeqCst),
            instance.resources().len()
        );
        Ok(())
    })
}
