//! The quickstart host: registers a typed sync host function and a typed
//! async one, runs a guest that calls them, and calls the guest's exports
//! with typed values.
//!
//! `cargo run --example quickstart` (add `-- wasmi` for the interpreter)

use packr::engine::{Engine, EngineKind, Module};
use packr::host::{Ctx, HostBuilder};
use std::time::Duration;

/// The store state: what the host functions read and mutate.
#[derive(Default)]
struct AppState {
    log: Vec<String>,
    additions: u32,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let kind: EngineKind = match std::env::args().nth(1) {
        Some(name) => name.parse()?,
        None => EngineKind::default(),
    };
    // A current-thread runtime is all async host functions need.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    runtime.block_on(run(kind))
}

async fn run(kind: EngineKind) -> Result<(), Box<dyn std::error::Error>> {
    let mut host = HostBuilder::<AppState>::new();
    // Async: the future holds `&mut AppState` across its await.
    host.interface("example:host/log").func_async(
        "log",
        |mut cx: Ctx<'_, AppState>, msg: String| {
            Box::pin(async move {
                tokio::time::sleep(Duration::from_millis(1)).await;
                println!("  guest says: {msg:?}");
                cx.data_mut().log.push(msg);
            })
        },
    )?;
    // Sync: runs inline, no runtime involved.
    host.interface("example:host/math")
        .func("add", |cx, (a, b): (i32, i32)| {
            cx.data_mut().additions += 1;
            a.wrapping_add(b)
        })?;

    let engine = Engine::with_kind(kind)?;
    let module = Module::from_wat(&engine, include_str!("../tests/guests/quickstart.wat"))?;
    let linked = engine.link(&module, &host)?;
    let mut guest = linked.instantiate_async(AppState::default()).await?;
    println!("packr quickstart: guest instantiated on {kind}");

    let sum: i32 = guest.call_async("example:guest/app.run", &()).await?;
    println!("  example:guest/app.run() -> {sum}");

    let sent = ("packr".to_string(), vec![1u32, 2, 3], Some('✓'));
    let echoed: (String, Vec<u32>, Option<char>) =
        guest.call_async("example:guest/app.echo", &sent).await?;
    println!("  example:guest/app.echo({sent:?}) -> {echoed:?}");

    match guest
        .call_async::<_, ()>("example:guest/app.fail", &())
        .await
    {
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
