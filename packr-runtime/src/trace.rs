//! `tracing` spans and events for calls across the guest boundary (feature
//! `tracing`).
//!
//! With the feature, every Graph ABI host call and every guest export call
//! runs inside a span, and failures worth a look are events. Everything has
//! the target [`TARGET`] (`packr`), so `RUST_LOG=packr=debug` (with
//! `tracing-subscriber`'s `EnvFilter`) selects it:
//!
//! | name | level | fields |
//! |------|-------|--------|
//! | span `host_call` | DEBUG | `interface`, `function`, `input_len`, `output_len`, `outcome` |
//! | span `export_call` | DEBUG | `interface`, `function`, `input_len`, `output_len`, `outcome` |
//! | event: a host call trapped the guest | WARN | `interface`, `function`, `reason`, `trap = true` |
//! | event: a host call returned status -1 (the guest's fault) | DEBUG | `interface`, `function`, `reason`, `trap = false` |
//! | event: an export call trapped | WARN | `export`, `reason` |
//! | event: an export call ran out of fuel | WARN | `export`, `fuel_exhausted = true` |
//! | event: an export call exceeded its deadline | WARN | `export`, `deadline_exceeded = true` |
//! | event: a replay diverged | WARN | `position`, `divergence`, `call`, `reason` |
//!
//! `interface` is empty for functions declared directly in a world;
//! `input_len` and `output_len` are the CGRF byte lengths that crossed guest
//! memory; `outcome` is one of `ok`, `guest-fault` (a host call answered
//! with status -1), `guest-error` (an export returned a non-zero status),
//! `trap`, `out-of-fuel`, `deadline-exceeded`, `error` (anything else, e.g.
//! an interceptor stopped the call). `output_len` stays empty unless the
//! call succeeded.
//!
//! Without the feature none of this is compiled: the call paths hold a
//! zero-sized value whose methods are empty. With the feature and no
//! subscriber wanting DEBUG, each call costs one relaxed atomic load.
//!
//! The hooks below are crate-private; the engine and the replayer call
//! them at the points where a call starts and ends and where a failure is
//! detected, so one mechanism serves both engines and sync and async calls.

// The engine-free build (what the proc-macros depend on) runs no calls:
// only the replayer's hook is used there.
#![cfg_attr(not(any(feature = "wasmtime", feature = "wasmi")), allow(dead_code))]

use std::future::Future;

/// The `target` of every span and event packr emits.
#[cfg(feature = "tracing")]
pub const TARGET: &str = "packr";

/// How a call ended, as the span's `outcome` field says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(feature = "tracing"), allow(dead_code))] // read only by the spans
pub(crate) enum Outcome {
    Ok,
    GuestFault,
    GuestError,
    Trap,
    OutOfFuel,
    DeadlineExceeded,
    Error,
}

impl Outcome {
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::GuestFault => "guest-fault",
            Outcome::GuestError => "guest-error",
            Outcome::Trap => "trap",
            Outcome::OutOfFuel => "out-of-fuel",
            Outcome::DeadlineExceeded => "deadline-exceeded",
            Outcome::Error => "error",
        }
    }
}

/// The span of one host call or export call: a `tracing::Span` with the
/// feature, nothing at all without it.
///
/// With the feature, `None` when no subscriber can want packr's DEBUG spans
/// (none installed, or a max level below DEBUG): then the call runs without
/// any span machinery. A disabled `tracing::Span` is cheap, but entering,
/// leaving and dropping one around the host-call closure still cost
/// hostcall-add 15 to 40 % (it kept the closure's body from being inlined
/// into the engine's trampoline); one relaxed load decides instead.
#[derive(Clone)]
pub(crate) struct CallSpan {
    #[cfg(feature = "tracing")]
    span: Option<tracing::Span>,
}

/// True when a subscriber may want DEBUG spans: the compile-time max level
/// and the global max level (one relaxed atomic load, `OFF` until a
/// subscriber is installed).
/// Without the feature, never: the traced paths compile away.
#[inline(always)]
pub(crate) fn spans_wanted() -> bool {
    #[cfg(feature = "tracing")]
    {
        use tracing::level_filters::{LevelFilter, STATIC_MAX_LEVEL};
        STATIC_MAX_LEVEL >= LevelFilter::DEBUG && LevelFilter::current() >= LevelFilter::DEBUG
    }
    #[cfg(not(feature = "tracing"))]
    false
}

#[cfg(feature = "tracing")]
impl CallSpan {
    /// Opens the span of a guest's call to `interface.function` with
    /// `input_len` bytes of input (the guest's i32, as the host reads it).
    #[inline(always)]
    pub(crate) fn host(interface: &str, function: &str, input_len: i32) -> Self {
        if !spans_wanted() {
            return CallSpan { span: None };
        }
        let span = tracing::debug_span!(
            target: "packr",
            "host_call",
            interface,
            function,
            input_len = input_len as u32,
            output_len = tracing::field::Empty,
            outcome = tracing::field::Empty,
        );
        CallSpan { span: Some(span) }
    }

    /// Opens the span of a call to the guest export `export`
    /// (`iface-path.func` or a bare world function name).
    #[inline(always)]
    pub(crate) fn export(export: &str, input_len: usize) -> Self {
        if !spans_wanted() {
            return CallSpan { span: None };
        }
        let span = tracing::debug_span!(
            target: "packr",
            "export_call",
            interface = export.rsplit_once('.').map_or("", |(i, _)| i),
            function = export.rsplit_once('.').map_or(export, |(_, f)| f),
            input_len,
            output_len = tracing::field::Empty,
            outcome = tracing::field::Empty,
        );
        CallSpan { span: Some(span) }
    }

    /// Runs `body` with the span entered.
    #[inline(always)]
    pub(crate) fn in_scope<R>(&self, body: impl FnOnce() -> R) -> R {
        match &self.span {
            None => body(),
            Some(span) => span.in_scope(body),
        }
    }

    /// `fut`, entering the span each time it is polled (an entered guard
    /// must not live across an await).
    #[inline(always)]
    pub(crate) fn instrument<F: Future>(&self, fut: F) -> impl Future<Output = F::Output> {
        let span = self.span.clone().unwrap_or_else(tracing::Span::none);
        tracing::Instrument::instrument(fut, span)
    }

    /// Records how the call ended (and its output length when it succeeded).
    #[inline(always)]
    pub(crate) fn finish(&self, outcome: Outcome, output_len: usize) {
        let Some(span) = self.span.as_ref().filter(|s| !s.is_disabled()) else {
            return;
        };
        span.record("outcome", outcome.as_str());
        if outcome == Outcome::Ok {
            span.record("output_len", output_len);
        }
    }

    /// [`finish`](Self::finish) for a host call, from the status the
    /// guest gets (0 or 1 success, -1 its fault) or the trap.
    #[inline(always)]
    pub(crate) fn finish_host<E>(&self, status: &Result<i32, E>, output_len: usize) {
        let outcome = match status {
            Ok(s) if *s >= 0 => Outcome::Ok,
            Ok(_) => Outcome::GuestFault,
            Err(_) => Outcome::Trap,
        };
        self.finish(outcome, output_len);
    }
}

#[cfg(not(feature = "tracing"))]
impl CallSpan {
    #[inline(always)]
    pub(crate) fn host(_: &str, _: &str, _: i32) -> Self {
        CallSpan {}
    }

    #[inline(always)]
    pub(crate) fn export(_: &str, _: usize) -> Self {
        CallSpan {}
    }

    #[inline(always)]
    pub(crate) fn in_scope<R>(&self, body: impl FnOnce() -> R) -> R {
        body()
    }

    #[inline(always)]
    pub(crate) fn instrument<F: Future>(&self, fut: F) -> impl Future<Output = F::Output> {
        fut
    }

    #[inline(always)]
    pub(crate) fn finish(&self, _: Outcome, _: usize) {}

    #[inline(always)]
    pub(crate) fn finish_host<E>(&self, _: &Result<i32, E>, _: usize) {}
}

/// A host call failed: a WARN event when the guest traps, a DEBUG event
/// when it gets status -1 (bad input of its making).
#[inline(always)]
pub(crate) fn host_failure(interface: &str, function: &str, reason: &str, trap: bool) {
    #[cfg(feature = "tracing")]
    if trap {
        tracing::warn!(target: "packr", interface, function, reason, trap, "host call trapped the guest");
    } else {
        tracing::debug!(target: "packr", interface, function, reason, trap, "host call failed with status -1");
    }
    #[cfg(not(feature = "tracing"))]
    let _ = (interface, function, reason, trap);
}

/// An export call ended in a trap, fuel exhaustion or its deadline.
#[inline(always)]
pub(crate) fn export_failure(export: &str, outcome: Outcome, reason: &dyn std::fmt::Display) {
    #[cfg(feature = "tracing")]
    match outcome {
        Outcome::Trap => {
            tracing::warn!(target: "packr", export, reason = %reason, "guest trapped");
        }
        Outcome::OutOfFuel => {
            tracing::warn!(target: "packr", export, fuel_exhausted = true, "guest ran out of fuel");
        }
        Outcome::DeadlineExceeded => {
            tracing::warn!(target: "packr", export, deadline_exceeded = true, "guest exceeded its deadline");
        }
        _ => {}
    }
    #[cfg(not(feature = "tracing"))]
    let _ = (export, outcome, reason);
}

/// A replay diverged from its log.
#[inline(always)]
pub(crate) fn replay_divergence(d: &crate::record::ReplayDivergence) {
    #[cfg(feature = "tracing")]
    tracing::warn!(
        target: "packr",
        position = d.position,
        divergence = ?d.kind,
        call = %d.actual.call_info(),
        reason = %d,
        "replay diverged",
    );
    #[cfg(not(feature = "tracing"))]
    let _ = d;
}
