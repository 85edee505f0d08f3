//! The quickstart host: registers two typed host functions, runs a guest
//! that calls them, and calls the guest's exports with typed values.
//!
//! `cargo run --example quickstart`

use packr::engine::{Engine, Module};
use packr::host::HostBuilder;

/// The store state: what the host functions read and mutate.
#[derive(Default)]
struct AppState {
    log: Vec<String>,
    additions: u32,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut host = HostBuilder::<AppState>::new();
    host.interface("example:host/log")
        .func("log", |cx, msg: String| {
            println!("  guest says: {msg:?}");
            cx.data_mut().log.push(msg);
        })?;
    host.interface("example:host/math")
        .func("add", |cx, (a, b): (i32, i32)| {
            cx.data_mut().additions += 1;
            a.wrapping_add(b)
        })?;

    let engine = Engine::default();
    let module = Module::from_wat(&engine, include_str!("../tests/guests/quickstart.wat"))?;
    let linked = engine.link(&module, &host)?;
    let mut guest = linked.instantiate(AppState::default())?;
    println!("packr quickstart: guest instantiated on wasmtime");

    let sum: i32 = guest.call("example:guest/app.run", &())?;
    println!("  example:guest/app.run() -> {sum}");

    let sent = ("packr".to_string(), vec![1u32, 2, 3], Some('✓'));
    let echoed: (String, Vec<u32>, Option<char>) = guest.call("example:guest/app.echo", &sent)?;
    println!("  example:guest/app.echo({sent:?}) -> {echoed:?}");

    match guest.call::<_, ()>("example:guest/app.fail", &()) {
        Err(e) => println!("  example:guest/app.fail() -> error: {e}"),
        Ok(()) => println!("  example:guest/app.fail() unexpectedly succeeded"),
    }

    let state = guest.data();
    println!(
        "host state: {} log line(s), {} addition(s)",
        state.log.len(),
        state.additions
    );
    assert_eq!((sum, &echoed), (42, &sent));
    Ok(())
}
