//! The `tracing` feature: every host call and export call is a span with
//! its interface, function, sizes and outcome; traps, fuel exhaustion and
//! replay divergence are events inside the span of the call they ended.
//! Checked with a small subscriber that keeps everything it is given.

mod common;

use packr::engine::{Engine, EngineConfig, EngineKind, Error, Instance, Module};
use packr::host::{Ctx, HostBuilder};
use packr::record::{Recorder, Replayer};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

const QUICKSTART: &str = include_str!("guests/quickstart.wat");
const HOSTILE: &str = include_str!("guests/hostile.wat");
const ASYNC: &str = include_str!("guests/async.wat");

/// A span as the subscriber saw it: its fields as recorded so far.
#[derive(Debug, Clone)]
struct SpanSeen {
    name: &'static str,
    target: String,
    level: Level,
    /// Index into `Seen::spans`.
    parent: Option<usize>,
    fields: BTreeMap<&'static str, String>,
}

#[derive(Debug, Clone)]
struct EventSeen {
    level: Level,
    target: String,
    /// The span the event happened in (index into `Seen::spans`).
    span: Option<usize>,
    fields: BTreeMap<&'static str, String>,
}

#[derive(Debug, Default)]
struct Seen {
    spans: Vec<SpanSeen>,
    events: Vec<EventSeen>,
    /// Entered spans, innermost last.
    stack: Vec<usize>,
}

/// A subscriber that records every span, field and event.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Seen>>);

struct Fields<'a>(&'a mut BTreeMap<&'static str, String>);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name(), value.to_string());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name(), format!("{value:?}"));
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut seen = self.0.lock().unwrap();
        let parent = match span.parent() {
            Some(id) => Some(id.into_u64() as usize - 1),
            None if span.is_contextual() => seen.stack.last().copied(),
            None => None,
        };
        let mut fields = BTreeMap::new();
        span.record(&mut Fields(&mut fields));
        seen.spans.push(SpanSeen {
            name: span.metadata().name(),
            target: span.metadata().target().to_string(),
            level: *span.metadata().level(),
            parent,
            fields,
        });
        Id::from_u64(seen.spans.len() as u64)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut seen = self.0.lock().unwrap();
        let fields = &mut seen.spans[span.into_u64() as usize - 1].fields;
        values.record(&mut Fields(fields));
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut seen = self.0.lock().unwrap();
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        let span = seen.stack.last().copied();
        seen.events.push(EventSeen {
            level: *event.metadata().level(),
            target: event.metadata().target().to_string(),
            span,
            fields,
        });
    }

    fn enter(&self, span: &Id) {
        self.0
            .lock()
            .unwrap()
            .stack
            .push(span.into_u64() as usize - 1);
    }

    fn exit(&self, span: &Id) {
        let mut seen = self.0.lock().unwrap();
        let index = span.into_u64() as usize - 1;
        if let Some(at) = seen.stack.iter().rposition(|&s| s == index) {
            seen.stack.remove(at);
        }
    }
}

/// Runs `f` with the capturing subscriber as this thread's default and
/// returns what it saw.
fn capture<R>(f: impl FnOnce() -> R) -> (R, Seen) {
    let capture = Capture::default();
    let result = tracing::subscriber::with_default(capture.clone(), f);
    let seen = std::mem::take(&mut *capture.0.lock().unwrap());
    (result, seen)
}

impl Seen {
    /// The spans named `name` whose `function` field is `function`.
    fn spans(&self, name: &str, function: &str) -> Vec<(usize, &SpanSeen)> {
        self.spans
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                s.name == name && s.fields.get("function").map(String::as_str) == Some(function)
            })
            .collect()
    }

    /// The one span named `name` for `function`.
    fn span(&self, name: &str, function: &str) -> (usize, &SpanSeen) {
        let found = self.spans(name, function);
        assert_eq!(
            found.len(),
            1,
            "one {name} span for {function}: {:#?}",
            self.spans
        );
        found[0]
    }

    /// The events whose message is `message`.
    fn events(&self, message: &str) -> Vec<&EventSeen> {
        self.events
            .iter()
            .filter(|e| e.fields.get("message").map(String::as_str) == Some(message))
            .collect()
    }
}

fn field<'a>(span: &'a SpanSeen, name: &str) -> Option<&'a str> {
    span.fields.get(name).map(String::as_str)
}

fn encoded_len<T: packr::abi::GraphEncode + ?Sized>(value: &T) -> String {
    packr::abi::encode(value).unwrap().len().to_string()
}

fn quickstart_host() -> HostBuilder<()> {
    let mut host = HostBuilder::<()>::new();
    host.interface("example:host/log")
        .func("log", |_, _msg: String| ())
        .unwrap();
    host.interface("example:host/math")
        .func("add", |_, (a, b): (i32, i32)| a + b)
        .unwrap();
    host
}

fn instance<T: Send + 'static>(
    config: EngineConfig,
    wat: &str,
    host: &HostBuilder<T>,
    data: T,
) -> Instance<T> {
    let engine = Engine::new(config).unwrap();
    let module = Module::from_wat(&engine, wat).unwrap();
    engine
        .link(&module, host)
        .unwrap()
        .instantiate(data)
        .unwrap()
}

fn engine(kind: EngineKind) -> EngineConfig {
    EngineConfig {
        kind,
        ..Default::default()
    }
}

fn every_host_call_and_export_call_is_a_span_with_sizes_and_outcome(kind: EngineKind) {
    let mut i = instance(engine(kind), QUICKSTART, &quickstart_host(), ());
    let (sum, seen) = capture(|| i.call::<_, i32>("example:guest/app.run", &()));
    assert_eq!(sum.unwrap(), 42);

    let (export_at, export) = seen.span("export_call", "run");
    assert_eq!(
        (export.target.as_str(), export.level),
        (packr::trace::TARGET, Level::DEBUG)
    );
    assert_eq!(field(export, "interface"), Some("example:guest/app"));
    assert_eq!(field(export, "input_len"), Some(&*encoded_len(&())));
    assert_eq!(field(export, "output_len"), Some(&*encoded_len(&42i32)));
    assert_eq!(field(export, "outcome"), Some("ok"));
    assert_eq!(export.parent, None);

    let (_, log) = seen.span("host_call", "log");
    assert_eq!(field(log, "interface"), Some("example:host/log"));
    assert_eq!(
        field(log, "input_len"),
        Some("48"),
        "the guest's argument bytes"
    );
    assert_eq!(field(log, "output_len"), Some(&*encoded_len(&())));
    assert_eq!(field(log, "outcome"), Some("ok"));
    assert_eq!(
        log.parent,
        Some(export_at),
        "host calls nest in the export call"
    );

    let (_, add) = seen.span("host_call", "add");
    assert_eq!(field(add, "interface"), Some("example:host/math"));
    assert_eq!(field(add, "input_len"), Some("60"));
    assert_eq!(field(add, "output_len"), Some(&*encoded_len(&42i32)));
    assert_eq!(add.parent, Some(export_at));
    assert_eq!(seen.spans.len(), 3, "{:#?}", seen.spans);
    assert!(
        seen.events.is_empty(),
        "a clean call raises no event: {:#?}",
        seen.events
    );

    // A guest's error status is the export's outcome, not an event.
    let (failed, seen) = capture(|| i.call::<_, i32>("example:guest/app.fail", &()));
    assert!(matches!(failed, Err(Error::Guest { .. })), "{failed:?}");
    let (_, fail) = seen.span("export_call", "fail");
    assert_eq!(field(fail, "outcome"), Some("guest-error"));
    assert_eq!(field(fail, "output_len"), None, "no output on failure");
}

fn hostile_host() -> HostBuilder<()> {
    let mut host = HostBuilder::<()>::new();
    host.interface("example:host/math")
        .func("add", |_, (a, b): (i32, i32)| a.wrapping_add(b))
        .unwrap()
        .func("big", |_, (): ()| vec![7u8; 100_000])
        .unwrap()
        .func("boom", |_, (): ()| -> i32 {
            panic!("the host function broke")
        })
        .unwrap();
    host
}

fn a_host_function_trap_is_an_event_in_its_span(kind: EngineKind) {
    let mut i = instance(engine(kind), HOSTILE, &hostile_host(), ());
    let (result, seen) = capture(|| i.call::<_, i32>("boom", &()));
    // The host function's failure is kept, and the guest then trapped.
    assert!(
        matches!(&result, Err(Error::HostCall { failure, then })
            if failure.function == "boom" && matches!(**then, Error::Trap { .. })),
        "{result:?}"
    );

    let (boom_at, boom) = seen.span("host_call", "boom");
    assert_eq!(field(boom, "outcome"), Some("trap"));
    assert_eq!(field(boom, "output_len"), None);
    let trapped = seen.events("host call trapped the guest");
    assert_eq!(trapped.len(), 1, "{:#?}", seen.events);
    let e = trapped[0];
    assert_eq!((e.level, e.span), (Level::WARN, Some(boom_at)));
    assert_eq!(e.target, packr::trace::TARGET);
    assert_eq!(
        e.fields.get("interface").map(String::as_str),
        Some("example:host/math")
    );
    assert!(
        e.fields["reason"].contains("the host function broke"),
        "{e:?}"
    );

    let (export_at, export) = seen.span("export_call", "boom");
    assert_eq!(field(export, "outcome"), Some("trap"));
    let guest = seen.events("guest trapped");
    assert_eq!(guest.len(), 1, "{:#?}", seen.events);
    assert_eq!(
        (guest[0].level, guest[0].span),
        (Level::WARN, Some(export_at))
    );
    assert_eq!(
        guest[0].fields.get("export").map(String::as_str),
        Some("boom")
    );
}

fn a_guest_fault_answered_with_status_is_a_debug_event(kind: EngineKind) {
    let mut i = instance(engine(kind), HOSTILE, &hostile_host(), ());
    // The guest hands the host an input outside its memory; it gets -1.
    let (status, seen) = capture(|| i.call::<_, i32>("input-out-of-bounds", &()));
    assert_eq!(status.unwrap(), -1);
    let (add_at, add) = seen.span("host_call", "add");
    assert_eq!(field(add, "outcome"), Some("guest-fault"));
    let failed = seen.events("host call failed with status -1");
    assert_eq!(failed.len(), 1, "{:#?}", seen.events);
    assert_eq!(
        (failed[0].level, failed[0].span),
        (Level::DEBUG, Some(add_at))
    );
    assert!(
        failed[0].fields["reason"].contains("outside guest memory"),
        "{:?}",
        failed[0]
    );
    assert_eq!(
        field(seen.span("export_call", "input-out-of-bounds").1, "outcome"),
        Some("ok")
    );
}

fn fuel_exhaustion_is_an_event(kind: EngineKind) {
    let config = EngineConfig {
        fuel: Some(10_000),
        ..engine(kind)
    };
    let mut i = instance(config, HOSTILE, &hostile_host(), ());
    let (result, seen) = capture(|| i.call::<_, i32>("spin", &()));
    assert!(matches!(result, Err(Error::OutOfFuel)), "{result:?}");
    let (spin_at, spin) = seen.span("export_call", "spin");
    assert_eq!(field(spin, "outcome"), Some("out-of-fuel"));
    let events = seen.events("guest ran out of fuel");
    assert_eq!(events.len(), 1, "{:#?}", seen.events);
    assert_eq!(
        (events[0].level, events[0].span),
        (Level::WARN, Some(spin_at))
    );
    assert_eq!(
        events[0].fields.get("fuel_exhausted").map(String::as_str),
        Some("true")
    );
}

fn a_replay_divergence_is_an_event(kind: EngineKind) {
    let mut live = instance(engine(kind), QUICKSTART, &quickstart_host(), ());
    live.set_interceptor(Box::new(Recorder::new()));
    let _: String = live.call("example:guest/app.echo", "one").unwrap();
    let log = live.take_interceptor_as::<Recorder>().unwrap().finish();

    let mut replay = instance(engine(kind), QUICKSTART, &quickstart_host(), ());
    replay.set_interceptor(Box::new(Replayer::new(log)));
    let (result, seen) = capture(|| replay.call::<_, String>("example:guest/app.echo", "two"));
    assert!(matches!(result, Err(Error::Intercept(_))), "{result:?}");
    let (echo_at, echo) = seen.span("export_call", "echo");
    assert_eq!(field(echo, "outcome"), Some("error"));
    let diverged = seen.events("replay diverged");
    assert_eq!(diverged.len(), 1, "{:#?}", seen.events);
    let d = diverged[0];
    assert_eq!((d.level, d.span), (Level::WARN, Some(echo_at)));
    assert_eq!(d.fields.get("position").map(String::as_str), Some("0"));
    assert_eq!(
        d.fields.get("divergence").map(String::as_str),
        Some("Input")
    );
    assert_eq!(
        d.fields.get("call").map(String::as_str),
        Some("guest export example:guest/app.echo")
    );
}

fn async_host_calls_are_spans_inside_the_async_export_call(kind: EngineKind) {
    let mut host = HostBuilder::<u32>::new();
    host.interface("example:host/counter")
        .func_async("bump", |mut cx: Ctx<'_, u32>, by: u32| {
            Box::pin(async move {
                tokio::task::yield_now().await;
                *cx.data_mut() += by;
                *cx.data()
            })
        })
        .unwrap()
        .func("panic", |_, x: u32| x)
        .unwrap()
        .func("big", |_, n: u32| n)
        .unwrap();
    host.interface("example:host/math")
        .func("add", |_, (a, b): (i32, i32)| a + b)
        .unwrap();
    let engine = Engine::new(engine(kind)).unwrap();
    let module = Module::from_wat(&engine, ASYNC).unwrap();
    let linked = engine.link(&module, &host).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let mut i = runtime.block_on(linked.instantiate_async(0)).unwrap();
    let (total, seen) = capture(|| runtime.block_on(i.call_async::<_, u32>("bump-twice", &5u32)));
    assert_eq!(total.unwrap(), 10);

    let (export_at, export) = seen.span("export_call", "bump-twice");
    assert_eq!(field(export, "outcome"), Some("ok"));
    let bumps = seen.spans("host_call", "bump");
    assert_eq!(bumps.len(), 2, "{:#?}", seen.spans);
    for (_, bump) in bumps {
        assert_eq!(field(bump, "interface"), Some("example:host/counter"));
        assert_eq!(field(bump, "input_len"), Some(&*encoded_len(&5u32)));
        assert_eq!(field(bump, "output_len"), Some(&*encoded_len(&5u32)));
        assert_eq!(field(bump, "outcome"), Some("ok"));
        assert_eq!(bump.parent, Some(export_at));
    }
}

per_engine!(
    every_host_call_and_export_call_is_a_span_with_sizes_and_outcome,
    a_host_function_trap_is_an_event_in_its_span,
    a_guest_fault_answered_with_status_is_a_debug_event,
    fuel_exhaustion_is_an_event,
    a_replay_divergence_is_an_event,
    async_host_calls_are_spans_inside_the_async_export_call,
);
