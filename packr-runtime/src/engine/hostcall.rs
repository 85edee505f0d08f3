//! The one linker closure every host function shares: read the input out
//! of guest memory, run the codec-level body, write the result back.

use super::{GuestErrors, HostCallError};
use crate::host::{Ctx, HostError, HostFunction};
use crate::intercept::{CallInfo, CallInterceptor, CallKind, Intercept};
use std::panic::{AssertUnwindSafe, catch_unwind};
use wasmtime::{Caller, Linker, Memory, TypedFunc};

/// The embedder's callback for host-call failures.
pub(crate) type ErrorHandler = Box<dyn FnMut(&HostCallError) + Send>;

/// Per-instance state kept in the store next to the embedder's `T`.
pub(crate) struct State<T> {
    pub(crate) data: T,
    /// Cached at instantiation: never looked up by name per call.
    pub(crate) memory: Option<Memory>,
    pub(crate) alloc: Option<TypedFunc<i32, i32>>,
    pub(crate) free: Option<TypedFunc<(i32, i32), ()>>,
    /// Host-owned area in guest memory for small results.
    pub(crate) scratch: u32,
    pub(crate) scratch_len: u32,
    /// Reusable output buffer: typed results encode here without allocating.
    pub(crate) out: Vec<u8>,
    pub(crate) interceptor: Option<Box<dyn CallInterceptor>>,
    pub(crate) guest_errors: GuestErrors,
    pub(crate) last_error: Option<HostCallError>,
    pub(crate) error_handler: Option<ErrorHandler>,
}

/// Registers `f` in `linker` under its interface and name.
pub(crate) fn define<T: Send + 'static>(
    linker: &mut Linker<State<T>>,
    f: HostFunction<T>,
) -> wasmtime::Result<()> {
    let (interface, name) = (f.interface().to_string(), f.name().to_string());
    linker.func_wrap(
        &interface,
        &name,
        move |mut caller: Caller<'_, State<T>>,
              in_ptr: i32,
              in_len: i32,
              out_ptr: i32,
              out_len: i32| {
            host_call(&mut caller, &f, in_ptr, in_len, out_ptr, out_len)
        },
    )?;
    Ok(())
}

fn range(mem_len: usize, ptr: i32, len: u32) -> Option<std::ops::Range<usize>> {
    let start = ptr as u32 as usize;
    let end = start.checked_add(len as usize)?;
    (end <= mem_len).then_some(start..end)
}

/// Reports a fault of the guest's making and answers per the policy.
fn guest_fault<T>(
    state: &mut State<T>,
    f: &HostFunction<T>,
    reason: String,
) -> wasmtime::Result<i32> {
    let err = HostCallError {
        interface: f.interface().to_string(),
        function: f.name().to_string(),
        reason,
    };
    if let Some(handler) = state.error_handler.as_mut() {
        handler(&err);
    }
    let policy = state.guest_errors;
    let message = err.to_string();
    state.last_error = Some(err);
    match policy {
        GuestErrors::Status => Ok(-1),
        GuestErrors::Trap => Err(wasmtime::Error::msg(message)),
    }
}

fn trap<T>(state: &mut State<T>, f: &HostFunction<T>, reason: String) -> wasmtime::Error {
    let err = HostCallError {
        interface: f.interface().to_string(),
        function: f.name().to_string(),
        reason,
    };
    let message = err.to_string();
    state.last_error = Some(err);
    wasmtime::Error::msg(message)
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a non-string panic payload".to_string())
}

fn host_call<T: 'static>(
    caller: &mut Caller<'_, State<T>>,
    f: &HostFunction<T>,
    in_ptr: i32,
    in_len: i32,
    out_ptr: i32,
    out_len: i32,
) -> wasmtime::Result<i32> {
    let Some(memory) = caller.data().memory else {
        let state = caller.data_mut();
        return Err(trap(state, f, "the guest exports no `memory`".into()));
    };
    let (mem, state) = memory.data_and_store_mut(&mut *caller);
    let Some(input_range) = range(mem.len(), in_ptr, in_len as u32) else {
        return guest_fault(
            state,
            f,
            format!("input ({in_ptr:#x}, {in_len} bytes) lies outside guest memory"),
        );
    };
    let input = &mem[input_range];
    let info = CallInfo {
        kind: CallKind::HostCall,
        interface: f.interface(),
        function: f.name(),
    };
    let mut out = std::mem::take(&mut state.out);
    let mut replayed = false;
    if let Some(i) = state.interceptor.as_mut() {
        match i.before(&info, input) {
            Ok(Intercept::Proceed) => {}
            Ok(Intercept::Return(bytes)) => {
                out = bytes;
                replayed = true;
            }
            Err(e) => return Err(trap(state, f, format!("interceptor: {e}"))),
        }
    }
    if !replayed {
        let body = f.call();
        let run = catch_unwind(AssertUnwindSafe(|| {
            body(&mut Ctx::new(&mut state.data), input, &mut out)
        }));
        match run {
            Ok(Ok(())) => {}
            Ok(Err(HostError::BadInput(e))) => {
                state.out = out;
                return guest_fault(state, f, format!("bad input: {e}"));
            }
            Ok(Err(e)) => return Err(trap(state, f, e.to_string())),
            Err(panic) => {
                let message = panic_message(&*panic);
                return Err(trap(state, f, format!("host function panicked: {message}")));
            }
        }
    }
    if let Some(Err(e)) = state
        .interceptor
        .as_mut()
        .map(|i| i.after(&info, input, &out))
    {
        return Err(trap(state, f, format!("interceptor: {e}")));
    }
    let len = out.len() as u32;
    if len <= state.scratch_len {
        let at = state.scratch;
        let result = write_result(mem, at, &out, out_ptr, out_len);
        state.out = out;
        return match result {
            Ok(()) => Ok(0),
            Err(what) => guest_fault(state, f, what),
        };
    }
    // Too large for the scratch area: allocate in the guest (status 1).
    let Some(alloc) = state.alloc.clone() else {
        return Err(trap(
            state,
            f,
            "the guest exports no `__pack_alloc` for a large result".into(),
        ));
    };
    state.out = out;
    let ptr = alloc.call(&mut *caller, len as i32)?;
    let (mem, state) = memory.data_and_store_mut(&mut *caller);
    let out = std::mem::take(&mut state.out);
    let result = write_result(mem, ptr as u32, &out, out_ptr, out_len);
    state.out = out;
    match result {
        Ok(()) => Ok(1),
        Err(what) => guest_fault(state, f, what),
    }
}

/// Copies `out` to `at` and writes its pointer and length into the guest's
/// two result slots, all bounds-checked.
fn write_result(
    mem: &mut [u8],
    at: u32,
    out: &[u8],
    out_ptr: i32,
    out_len: i32,
) -> Result<(), String> {
    let dest = range(mem.len(), at as i32, out.len() as u32).ok_or_else(|| {
        format!(
            "result area ({at:#x}, {} bytes) lies outside guest memory",
            out.len()
        )
    })?;
    let ptr_slot = range(mem.len(), out_ptr, 4)
        .ok_or_else(|| format!("result pointer slot {out_ptr:#x} lies outside guest memory"))?;
    let len_slot = range(mem.len(), out_len, 4)
        .ok_or_else(|| format!("result length slot {out_len:#x} lies outside guest memory"))?;
    mem[dest].copy_from_slice(out);
    mem[ptr_slot].copy_from_slice(&at.to_le_bytes());
    mem[len_slot].copy_from_slice(&(out.len() as u32).to_le_bytes());
    Ok(())
}
