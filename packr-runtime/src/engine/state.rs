//! What every backend shares: the per-instance call state and the body of
//! a host call (read the input, run the function, write the result back).
//! A backend only supplies guest memory and, for large results, the guest's
//! allocator.

use super::limits::GuestLimits;
use super::{GuestErrors, HostCallError};
use crate::host::{
    AsyncCodecFn, CodecFn, CoreType, CoreValue, Ctx, HostError, HostFunction, RawFn,
};
use crate::intercept::{CallInfo, CallInterceptor, CallKind, Intercept, InterceptError};
use crate::resource::ResourceTable;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::task::{Context, Poll};

/// The embedder's callback for host-call failures.
pub(crate) type ErrorHandler = Box<dyn FnMut(&HostCallError) + Send>;

/// Per-instance state kept in the store next to the embedder's `T`.
pub(crate) struct CallState<T> {
    /// The objects the guest holds handles to. Declared before `data`, so
    /// they are dropped first (newest first, see `ResourceTable`'s drop)
    /// and the embedder's state last.
    pub(crate) table: ResourceTable,
    pub(crate) data: T,
    /// Host-owned area in guest memory for small results (0 bytes when the
    /// guest has no allocator).
    pub(crate) scratch: u32,
    pub(crate) scratch_len: u32,
    /// False for reference-0.7 guests: results never go through
    /// `__pack_alloc` (status 1), they must fit the scratch area.
    pub(crate) allocate_large: bool,
    /// Next free byte of the host's bump allocator (fixed-base guests
    /// only; `None` means the guest allocates for itself).
    pub(crate) heap: Option<u32>,
    /// Reusable output buffer: typed results encode here without allocating.
    pub(crate) out: Vec<u8>,
    pub(crate) interceptor: Option<Box<dyn CallInterceptor>>,
    pub(crate) guest_errors: GuestErrors,
    pub(crate) last_error: Option<HostCallError>,
    pub(crate) error_handler: Option<ErrorHandler>,
    /// The wire version spoken to the guest, once chosen (configuration,
    /// metadata, or the first buffer the guest sent).
    pub(crate) wire: Option<crate::abi::Wire>,
    /// Memory and table caps; each engine's resource limiter asks it.
    pub(crate) limits: GuestLimits,
    /// What went wrong on the host side during the current export call,
    /// so the call's error can name it whatever the guest did next.
    pub(crate) outcome: CallOutcome,
}

/// The host side's part in how the current export call ends. Reset when
/// an export call starts.
#[derive(Debug, Default)]
pub(crate) struct CallOutcome {
    /// When the call must be over (`EngineConfig::deadline`).
    pub(crate) deadline: Option<std::time::Instant>,
    /// The deadline expired while the host had control (a host call
    /// started after it, or an async host function was still waiting).
    pub(crate) deadline_hit: bool,
    /// The first host function that failed.
    pub(crate) failure: Option<HostCallError>,
    /// The first interceptor error raised inside a host call (a replay
    /// divergence), kept typed.
    pub(crate) intercept: Option<InterceptError>,
}

impl CallOutcome {
    /// A fresh outcome for a call that must end by `deadline`, written in
    /// place (the failure fields are large and usually empty already).
    #[inline]
    pub(crate) fn start(&mut self, deadline: Option<std::time::Instant>) {
        self.deadline = deadline;
        self.deadline_hit = false;
        self.failure = None;
        self.intercept = None;
    }

    /// True once the call's deadline has passed; remembers it.
    #[inline]
    pub(crate) fn past_deadline(&mut self) -> bool {
        if let Some(at) = self.deadline
            && std::time::Instant::now() >= at
        {
            self.deadline_hit = true;
        }
        self.deadline_hit
    }
}

impl<T> CallState<T> {
    pub(crate) fn new(
        data: T,
        guest_errors: GuestErrors,
        limits: GuestLimits,
        max_resources: u32,
    ) -> Self {
        CallState {
            table: ResourceTable::with_max_live(max_resources),
            data,
            scratch: 0,
            scratch_len: 0,
            allocate_large: true,
            heap: None,
            out: Vec::new(),
            interceptor: None,
            guest_errors,
            last_error: None,
            error_handler: None,
            limits,
            outcome: CallOutcome::default(),
            wire: None,
        }
    }
}

/// What the backend must do next for a host call.
pub(crate) enum Step {
    /// Return this status to the guest.
    Status(i32),
    /// Trap the guest with this message.
    Trap(String),
    /// Allocate this many bytes in the guest, then call [`finish_allocated`].
    Allocate(u32),
}

pub(crate) fn range(mem_len: usize, ptr: i32, len: u32) -> Option<std::ops::Range<usize>> {
    let start = ptr as u32 as usize;
    let end = start.checked_add(len as usize)?;
    (end <= mem_len).then_some(start..end)
}

#[cold]
fn record<T>(
    state: &mut CallState<T>,
    f: &HostFunction<T>,
    reason: String,
    cause: Option<HostError>,
    traps: bool,
) -> String {
    crate::trace::host_failure(f.interface(), f.name(), &reason, traps);
    let err = HostCallError {
        interface: f.interface().to_string(),
        function: f.name().to_string(),
        reason,
        cause,
    };
    if let Some(handler) = state.error_handler.as_mut() {
        handler(&err);
    }
    let message = err.to_string();
    if state.outcome.failure.is_none() {
        state.outcome.failure = Some(err.clone());
    }
    state.last_error = Some(err);
    message
}

/// A fault of the guest's making: status -1 or a trap, per the policy.
fn guest_fault<T>(state: &mut CallState<T>, f: &HostFunction<T>, reason: String) -> Step {
    guest_fault_caused(state, f, reason, None)
}

fn guest_fault_caused<T>(
    state: &mut CallState<T>,
    f: &HostFunction<T>,
    reason: String,
    cause: Option<HostError>,
) -> Step {
    let traps = state.guest_errors == GuestErrors::Trap;
    let message = record(state, f, reason, cause, traps);
    match state.guest_errors {
        GuestErrors::Status => Step::Status(-1),
        GuestErrors::Trap => Step::Trap(message),
    }
}

fn trap<T>(state: &mut CallState<T>, f: &HostFunction<T>, reason: String) -> Step {
    Step::Trap(record(state, f, reason, None, true))
}

/// An interceptor stopped a host call: the guest traps, and the error is
/// kept typed for the export call's result.
#[cold]
fn intercept_failed<T>(state: &mut CallState<T>, f: &HostFunction<T>, e: InterceptError) -> Step {
    let reason = format!("interceptor: {e}");
    if state.outcome.intercept.is_none() {
        state.outcome.intercept = Some(e);
    }
    trap(state, f, reason)
}

/// The trap of a host call made after the export call's deadline.
#[cold]
pub(crate) fn deadline_trap<T>(state: &mut CallState<T>, f: &HostFunction<T>) -> Step {
    state.outcome.deadline_hit = true;
    Step::Trap(format!(
        "host call {}.{}: the export call's deadline expired",
        f.interface(),
        f.name()
    ))
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a non-string panic payload".to_string())
}

/// The interceptor's view of a call to `f`.
fn info<T>(f: &HostFunction<T>) -> CallInfo<'_> {
    CallInfo {
        kind: CallKind::HostCall,
        interface: f.interface(),
        function: f.name(),
    }
}

/// The first phase of every host call: bounds-check the input and let the
/// interceptor look at it. `Ok((input, Some(bytes)))` means the
/// interceptor answered (a replay) and the function must not run.
#[inline(always)]
pub(crate) fn begin<T>(
    state: &mut CallState<T>,
    mem: &[u8],
    f: &HostFunction<T>,
    in_ptr: i32,
    in_len: i32,
) -> Result<(std::ops::Range<usize>, Option<Vec<u8>>), Step> {
    if state.outcome.deadline.is_some() && state.outcome.past_deadline() {
        return Err(deadline_trap(state, f));
    }
    let Some(input) = range(mem.len(), in_ptr, in_len as u32) else {
        return Err(guest_fault(
            state,
            f,
            format!(
                "input ({in_ptr:#x}, {} bytes) lies outside guest memory",
                in_len as u32
            ),
        ));
    };
    if let Some(i) = state.interceptor.as_mut() {
        match i.before(&info(f), &mem[input.clone()]) {
            Ok(Intercept::Proceed) => {}
            Ok(Intercept::Return(bytes)) => return Ok((input, Some(bytes))),
            Err(e) => return Err(intercept_failed(state, f, e)),
        }
    }
    Ok((input, None))
}

/// A host function returned an error: the guest's fault for bad input, a
/// trap otherwise.
pub(crate) fn failed<T>(state: &mut CallState<T>, f: &HostFunction<T>, e: HostError) -> Step {
    match e {
        HostError::BadInput(ref bad) => {
            let reason = format!("bad input: {bad}");
            guest_fault_caused(state, f, reason, Some(e))
        }
        HostError::Resource(ref bad) => {
            let reason = bad.to_string();
            guest_fault_caused(state, f, reason, Some(e))
        }
        HostError::Failed(ref reason) => {
            let reason = reason.clone();
            guest_fault_caused(state, f, reason, Some(e))
        }
        e => {
            let reason = e.to_string();
            Step::Trap(record(state, f, reason, Some(e), true))
        }
    }
}

/// A host function panicked: the guest traps, the host carries on.
pub(crate) fn panicked<T>(
    state: &mut CallState<T>,
    f: &HostFunction<T>,
    payload: &(dyn std::any::Any + Send),
) -> Step {
    let message = panic_message(payload);
    trap(state, f, format!("host function panicked: {message}"))
}

/// The last phase: the interceptor sees input and output, then the output
/// goes to the scratch area (status 0) or asks for a guest allocation.
pub(crate) fn deliver<T>(
    state: &mut CallState<T>,
    mem: &mut [u8],
    f: &HostFunction<T>,
    input: &[u8],
    out: Vec<u8>,
    (out_ptr, out_len): (i32, i32),
) -> Step {
    state.out = out;
    if state.wire.is_none() {
        // The first buffer the guest sent decides, when nothing else did.
        state.wire = crate::abi::Wire::of(input);
    }
    if let Err(step) = intercept_after(state, f, input) {
        return step;
    }
    place_out(state, mem, f, out_ptr, out_len)
}

/// Shows the interceptor the call's input and the output in `state.out`.
#[inline(always)]
fn intercept_after<T>(
    state: &mut CallState<T>,
    f: &HostFunction<T>,
    input: &[u8],
) -> Result<(), Step> {
    match state
        .interceptor
        .as_mut()
        .map(|i| i.after(&info(f), input, &state.out))
    {
        Some(Err(e)) => Err(intercept_failed(state, f, e)),
        _ => Ok(()),
    }
}

/// Delivers the result waiting in `state.out`.
#[inline(always)]
fn place_out<T>(
    state: &mut CallState<T>,
    mem: &mut [u8],
    f: &HostFunction<T>,
    out_ptr: i32,
    out_len: i32,
) -> Step {
    let len = state.out.len() as u32;
    if len <= state.scratch_len {
        return match write_result(mem, state.scratch, &state.out, out_ptr, out_len) {
            Ok(()) => Step::Status(0),
            Err(what) => guest_fault(state, f, what),
        };
    }
    if !state.allocate_large {
        let room = state.scratch_len;
        return guest_fault(
            state,
            f,
            format!(
                "a result of {len} bytes does not fit the {room}-byte scratch area of a reference-0.7 guest"
            ),
        );
    }
    Step::Allocate(len)
}

/// Runs the synchronous host function `f` (`body`) for a guest call
/// `(in_ptr, in_len, out_ptr, out_len)`. The input is borrowed straight
/// from guest memory and the output encoded into a reused buffer: the
/// common path allocates nothing.
#[inline(always)]
pub(crate) fn host_call<T>(
    state: &mut CallState<T>,
    mem: &mut [u8],
    f: &HostFunction<T>,
    body: &CodecFn<T>,
    (in_ptr, in_len, out_ptr, out_len): (i32, i32, i32, i32),
) -> Step {
    let (input, replayed) = match begin(state, mem, f, in_ptr, in_len) {
        Ok(begun) => begun,
        Err(step) => return step,
    };
    // The output is encoded into `state.out` in place: moving the buffer
    // in and out of the call costs store-forwarding stalls on the hot path.
    match replayed {
        Some(out) => state.out = out,
        None => {
            state.out.clear();
            let memory = &*mem;
            let input = &memory[input.clone()];
            let (data, table, out) = (&mut state.data, &mut state.table, &mut state.out);
            // A panic must never unwind through wasm frames: it becomes a trap.
            let run = catch_unwind(AssertUnwindSafe(|| {
                body(&mut Ctx::with_table(data, memory, table), input, out)
            }));
            match run {
                Ok(Ok(())) => {}
                Ok(Err(e)) => return failed(state, f, e),
                Err(panic) => return panicked(state, f, &*panic),
            }
        }
    }
    if let Err(step) = intercept_after(state, f, &mem[input]) {
        return step;
    }
    place_out(state, mem, f, out_ptr, out_len)
}

/// Polls a host future, turning a panic in any poll into an `Err` with the
/// payload (the async counterpart of `catch_unwind`).
pub(crate) struct CatchUnwind<F>(pub(crate) F);

impl<F: Future + Unpin> Future for CatchUnwind<F> {
    type Output = Result<F::Output, Box<dyn std::any::Any + Send>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = &mut self.0;
        match catch_unwind(AssertUnwindSafe(|| Pin::new(inner).poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Err(panic) => Poll::Ready(Err(panic)),
        }
    }
}

/// How an async host function failed to produce output.
pub(crate) enum AsyncFailure {
    /// It returned an error.
    Host(HostError),
    /// It panicked in a poll.
    Panic(Box<dyn std::any::Any + Send>),
    /// The export call's deadline expired while it waited; its future was
    /// dropped.
    Deadline,
}

/// Runs an async host function's future to completion with the store
/// state borrowed across its awaits, or until the export call's
/// `deadline`.
pub(crate) async fn run_async<T>(
    data: &mut T,
    table: &mut ResourceTable,
    body: &AsyncCodecFn<T>,
    input: &[u8],
    deadline: Option<std::time::Instant>,
) -> Result<Vec<u8>, AsyncFailure> {
    let run = CatchUnwind(body(Ctx::with_table(data, &[], table), input));
    match super::timer::Deadline::new(run, deadline).await {
        Ok(Ok(Ok(out))) => Ok(out),
        Ok(Ok(Err(e))) => Err(AsyncFailure::Host(e)),
        Ok(Err(panic)) => Err(AsyncFailure::Panic(panic)),
        Err(super::timer::Expired) => Err(AsyncFailure::Deadline),
    }
}

/// The step for a failed [`run_async`].
pub(crate) fn async_failure<T>(
    state: &mut CallState<T>,
    f: &HostFunction<T>,
    failure: AsyncFailure,
) -> Step {
    match failure {
        AsyncFailure::Host(e) => failed(state, f, e),
        AsyncFailure::Panic(panic) => panicked(state, f, &*panic),
        AsyncFailure::Deadline => deadline_trap(state, f),
    }
}

/// Completes a host call whose result the guest allocated at `ptr`.
pub(crate) fn finish_allocated<T>(
    state: &mut CallState<T>,
    mem: &mut [u8],
    f: &HostFunction<T>,
    ptr: i32,
    out_ptr: i32,
    out_len: i32,
) -> Step {
    let out = std::mem::take(&mut state.out);
    let result = write_result(mem, ptr as u32, &out, out_ptr, out_len);
    state.out = out;
    match result {
        Ok(()) => Step::Status(1),
        Err(what) => guest_fault(state, f, what),
    }
}

/// The message when a large result meets a guest without an allocator.
pub(crate) fn no_allocator<T>(state: &mut CallState<T>, f: &HostFunction<T>) -> Step {
    trap(
        state,
        f,
        "the guest exports no `__pack_alloc` for a large result".into(),
    )
}

/// The message when the guest has no memory at all.
pub(crate) fn no_memory<T>(state: &mut CallState<T>, f: &HostFunction<T>) -> Step {
    trap(state, f, "the guest exports no `memory`".into())
}

/// Copies `out` to `at` and writes its pointer and length into the guest's
/// two result slots, all bounds-checked.
#[inline(always)]
fn write_result(
    mem: &mut [u8],
    at: u32,
    out: &[u8],
    out_ptr: i32,
    out_len: i32,
) -> Result<(), String> {
    let (Some(dest), Some(ptr_slot), Some(len_slot)) = (
        range(mem.len(), at as i32, out.len() as u32),
        range(mem.len(), out_ptr, 4),
        range(mem.len(), out_len, 4),
    ) else {
        return Err(write_result_error(
            mem.len(),
            at,
            out.len(),
            out_ptr,
            out_len,
        ));
    };
    copy_small(&mut mem[dest], out);
    mem[ptr_slot].copy_from_slice(&at.to_le_bytes());
    mem[len_slot].copy_from_slice(&(out.len() as u32).to_le_bytes());
    Ok(())
}

#[cold]
fn write_result_error(mem_len: usize, at: u32, len: usize, out_ptr: i32, out_len: i32) -> String {
    if range(mem_len, at as i32, len as u32).is_none() {
        format!("result area ({at:#x}, {len} bytes) lies outside guest memory")
    } else if range(mem_len, out_ptr, 4).is_none() {
        format!("result pointer slot {out_ptr:#x} lies outside guest memory")
    } else {
        format!("result length slot {out_len:#x} lies outside guest memory")
    }
}

/// `dest.copy_from_slice(src)`, without a call into `memcpy` for the small
/// results most host functions return (a call and its size dispatch cost
/// more than the copy).
#[inline(always)]
fn copy_small(dest: &mut [u8], src: &[u8]) {
    let n = src.len();
    if (16..=32).contains(&n) && dest.len() == n {
        // Two overlapping 16-byte moves cover every length in 16..=32.
        let (head, tail): ([u8; 16], [u8; 16]) = (
            src[..16].try_into().unwrap_or_default(),
            src[n - 16..].try_into().unwrap_or_default(),
        );
        dest[n - 16..].copy_from_slice(&tail);
        dest[..16].copy_from_slice(&head);
    } else {
        dest.copy_from_slice(src);
    }
}

/// Runs an engine-level function; `Err` is the trap message. Its results
/// are checked against the declared types, so a host bug traps the guest
/// instead of handing the engine values of the wrong type.
pub(crate) fn raw_call<T>(
    state: &mut CallState<T>,
    memory: &[u8],
    f: &HostFunction<T>,
    body: &RawFn<T>,
    args: &[CoreValue],
    results: &[CoreType],
) -> Result<Vec<CoreValue>, String> {
    let run = catch_unwind(AssertUnwindSafe(|| {
        body(
            &mut Ctx::with_table(&mut state.data, memory, &mut state.table),
            args,
        )
    }));
    let step = match run {
        Ok(Ok(values)) => {
            if values.iter().map(CoreValue::ty).eq(results.iter().copied()) {
                return Ok(values);
            }
            trap(
                state,
                f,
                format!("returned {values:?}, but the function is declared to return {results:?}"),
            )
        }
        Ok(Err(t)) => trap(
            state,
            f,
            format!("trap requested by the host function: {t}"),
        ),
        Err(panic) => panicked(state, f, &*panic),
    };
    match step {
        Step::Trap(message) => Err(message),
        _ => Err(format!("host call {}.{} failed", f.interface(), f.name())),
    }
}

/// Plans a bump allocation of `size` bytes aligned to `align` from `next`
/// in a memory of `mem_len` bytes: the pointer, the new `next`, and how
/// many pages the memory must grow first.
pub(crate) fn bump_plan(
    next: u32,
    mem_len: usize,
    size: u32,
    align: u32,
) -> Result<(u32, u32, u64), String> {
    let align = align.max(1);
    if !align.is_power_of_two() {
        return Err(format!(
            "allocation alignment {align} is not a power of two"
        ));
    }
    let overflow = || format!("an allocation of {size} bytes exceeds the 4 GiB address space");
    let ptr = next.checked_add(align - 1).ok_or_else(overflow)? & !(align - 1);
    let end = ptr.checked_add(size).ok_or_else(overflow)?;
    let pages = (end as usize).saturating_sub(mem_len).div_ceil(65536) as u64;
    Ok((ptr, end, pages))
}
