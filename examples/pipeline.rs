//! Composes guests at run time and prints the wiring it resolved.
//!
//! Three members, on two engines: `pipeline` (run(n) = inc(double(n))) on
//! wasmtime, `math` (double) on wasmi and `inc` on wasmtime; `pipeline`'s
//! imports are served by the other two. Then an `actor` whose log goes to
//! the host while its math comes from a member, a provider built against
//! another version of `math` (refused at build), and the pair recorded and
//! its consumer replayed alone.
//!
//! `cargo run --example pipeline`

use packr::compose::{CompositionBuilder, Member};
use packr::engine::{Engine, EngineKind, Module};
use packr::host::HostBuilder;

const GUESTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/guests/compose");

fn member(engine: &Engine, file: &str) -> Result<Member<()>, Box<dyn std::error::Error>> {
    let wat = std::fs::read_to_string(format!("{GUESTS}/{file}"))?;
    let module = Module::from_wat(engine, &wat)?;
    Ok(Member::new(engine, &module, HostBuilder::new(), ()))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let wasmtime = Engine::with_kind(EngineKind::Wasmtime)?;
    let wasmi = Engine::with_kind(EngineKind::Wasmi)?;

    println!("== pipeline: run(n) = inc(double(n)), three members on two engines");
    let mut builder = CompositionBuilder::new();
    builder
        .member("pipeline", member(&wasmtime, "pipeline.wat")?)
        .member("math", member(&wasmi, "math.wat")?)
        .member("inc", member(&wasmtime, "inc.wat")?);
    let mut pipeline = builder.build()?;
    print!("{}", pipeline.wiring());
    for n in [0, 21, -5] {
        let r: i32 = pipeline.call("pipeline", "test:compose/pipeline.run", &n)?;
        println!("run({n}) = {r}");
    }
    let err = pipeline
        .call::<_, i32>("pipeline", "test:compose/pipeline.run", &7)
        .unwrap_err();
    println!("run(7) fails: {err}");

    println!("\n== actor: log from the host, double from a member");
    let mut host = HostBuilder::<Vec<String>>::new();
    host.interface("theater:simple/runtime")
        .func("log", |cx, msg: String| cx.data_mut().push(msg))?;
    let actor = Module::from_wat(
        &wasmtime,
        &std::fs::read_to_string(format!("{GUESTS}/actor.wat"))?,
    )?;
    let mut builder = CompositionBuilder::new();
    builder
        .member("actor", Member::new(&wasmtime, &actor, host, Vec::new()))
        .member("math", member(&wasmtime, "math.wat")?);
    let mut actors = builder.build()?;
    print!("{}", actors.wiring());
    let r: i32 = actors.call("actor", "theater:simple/actor.handle", &8)?;
    let lines = actors.instance::<Vec<String>>("actor")?.data().clone();
    println!("handle(8) = {r}, host log: {lines:?}");

    println!("\n== adder with a provider built against another `math`");
    let mut builder = CompositionBuilder::new();
    builder
        .member("adder", member(&wasmtime, "adder.wat")?)
        .member("math", member(&wasmi, "math-v2.wat")?);
    match builder.build() {
        Ok(_) => return Err("a mismatched provider was accepted".into()),
        Err(e) => println!("{e}"),
    }

    println!("\n== adder + math recorded, adder replayed alone");
    let mut builder = CompositionBuilder::new();
    builder
        .member("adder", member(&wasmtime, "adder.wat")?)
        .member("math", member(&wasmi, "math.wat")?);
    let mut pair = builder.build()?;
    print!("{}", pair.wiring());
    pair.record();
    let live: i32 = pair.call("adder", "test:compose/adder.process", &5)?;
    let log = pair
        .finish_recording()
        .take("adder")
        .ok_or("adder was not recorded")?;
    let mut alone = member(&wasmi, "adder.wat")?.replay(log)?;
    let replayed: i32 = alone.call("test:compose/adder.process", &5)?;
    println!("process(5) = {live} live, {replayed} replayed without math");
    Ok(())
}
