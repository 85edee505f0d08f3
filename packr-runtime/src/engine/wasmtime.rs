//! The wasmtime backend.

use super::exports::ExportCache;
use super::instance::{Backend, Invoke};
use super::limits::GuestLimits;
use super::state::{self, CallState, Step};
use super::{
    CoreType, CoreValue, EngineConfig, Error, ExternKind, GuestProfile, ModuleExport, ModuleImport,
    Signature,
};
use crate::host::HostFuture;
use crate::host::{CodecFn, HostBody, HostBuilder, HostFunction};
use crate::trace::{self, CallSpan};
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use wasmtime::{Caller, Linker, Memory, Store, TypedFunc};

/// Store state: the shared call state plus handles cached at instantiation,
/// so nothing is looked up by name per call.
pub(crate) struct State<T> {
    call: CallState<T>,
    memory: Option<Memory>,
    view: MemoryView,
    alloc: Option<TypedFunc<i32, i32>>,
    free: Option<TypedFunc<(i32, i32), ()>>,
}

/// Where guest memory lives and how long it was when last looked up.
///
/// Looking a [`Memory`] up in its store is a chain of dependent loads that
/// cost 7 of the 39 ns of a small host call. Two facts make a cached view
/// sound: the engine is built with `memory_may_move(false)`, so a memory's
/// base address never changes, and wasm memories never shrink, so the
/// bytes under an old length stay valid for the life of the store. When a
/// call needs bytes past the cached length, the view is refreshed first.
#[derive(Clone, Copy)]
struct MemoryView {
    base: *mut u8,
    len: usize,
}

// SAFETY: a plain address and length; the bytes are only reached through
// `&mut` access to the store that owns them (see `guest_memory`).
unsafe impl Send for MemoryView {}

impl MemoryView {
    const EMPTY: MemoryView = MemoryView {
        base: std::ptr::null_mut(),
        len: 0,
    };
}

/// Guest memory and the store state for a host call that touches guest
/// bytes below `needed`: from the cached view when it covers them,
/// otherwise looked up (and the view refreshed).
#[inline(always)]
fn guest_memory<'a, T: Send + 'static>(
    caller: &'a mut Caller<'_, State<T>>,
    memory: Memory,
    needed: u64,
) -> (&'a mut [u8], &'a mut State<T>) {
    let view = caller.data().view;
    if needed <= view.len as u64 && !view.base.is_null() {
        // SAFETY: `view` was taken from this store's `memory` (it is set
        // only below; the store's memory is fixed before the guest first
        // runs and never replaced). Its base never moves (`memory_may_move(false)`
        // in `engine`) and its length only grows, so `base..base + len` is
        // live guest memory. `caller` is borrowed mutably for `'a`, so
        // nothing else (the guest or another host call) touches these bytes
        // meanwhile, and the store state returned alongside is a separate
        // allocation from the memory's.
        let mem = unsafe { std::slice::from_raw_parts_mut(view.base, view.len) };
        return (mem, caller.data_mut());
    }
    let (mem, st) = memory.data_and_store_mut(caller);
    st.view = MemoryView {
        base: mem.as_mut_ptr(),
        len: mem.len(),
    };
    (mem, st)
}

/// The highest guest address a host call `(in_ptr, in_len, out_ptr,
/// out_len)` touches on its fast path (input, result slots, scratch area).
#[inline(always)]
fn call_extent<T>(call: &CallState<T>, (a, b, c, d): (i32, i32, i32, i32)) -> u64 {
    // Guest pointers and lengths are unsigned 32-bit values in i32s.
    let end = |ptr: u32, len: u32| u64::from(ptr) + u64::from(len);
    end(a as u32, b as u32)
        .max(end(c as u32, 4))
        .max(end(d as u32, 4))
        .max(end(call.scratch, call.scratch_len))
}

/// A wasmtime engine and, with a deadline, the thread that advances its
/// epoch.
#[derive(Clone)]
pub(crate) struct EngineHandle {
    engine: wasmtime::Engine,
    /// Epoch ticks an export call may run; set before each call.
    deadline_ticks: Option<u64>,
    /// How often the epoch advances.
    tick: Duration,
    _ticker: Option<Arc<Ticker>>,
}

impl std::ops::Deref for EngineHandle {
    type Target = wasmtime::Engine;

    fn deref(&self) -> &wasmtime::Engine {
        &self.engine
    }
}

/// Stops the epoch thread when the last engine handle goes away.
struct Ticker(Arc<AtomicBool>);

impl Drop for Ticker {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

pub(crate) fn engine(config: &EngineConfig) -> Result<EngineHandle, Error> {
    let mut c = wasmtime::Config::new();
    // Memories keep their address for their whole life (they reserve the
    // whole 32-bit space up front on 64-bit hosts, wasmtime's default), which
    // lets host calls keep a view of guest memory (`MemoryView`).
    c.memory_may_move(false);
    c.consume_fuel(config.meters_fuel());
    c.epoch_interruption(config.deadline.is_some());
    let engine = wasmtime::Engine::new(&c).map_err(|e| Error::Engine(format!("{e:#}")))?;
    let mut tick = Duration::from_millis(1);
    let (deadline_ticks, ticker) = match config.deadline {
        None => (None, None),
        Some(deadline) => {
            // Ten ticks per deadline (1 ms to 100 ms each): the deadline
            // holds to within a tenth without waking up needlessly often.
            tick = (deadline / 10).clamp(Duration::from_millis(1), Duration::from_millis(100));
            let ticks = ticks_for(deadline, tick);
            let stop = Arc::new(AtomicBool::new(false));
            let (flag, ticking) = (stop.clone(), engine.weak());
            std::thread::Builder::new()
                .name("packr-epoch".into())
                .spawn(move || {
                    while !flag.load(Ordering::Relaxed) {
                        std::thread::sleep(tick);
                        match ticking.upgrade() {
                            Some(engine) => engine.increment_epoch(),
                            None => break,
                        }
                    }
                })
                .map_err(|e| Error::Engine(format!("cannot start the epoch thread: {e}")))?;
            (Some(ticks), Some(Arc::new(Ticker(stop))))
        }
    };
    Ok(EngineHandle {
        engine,
        deadline_ticks,
        tick,
        _ticker: ticker,
    })
}

/// The epoch ticks that cover `span` and never end before it: the epoch
/// thread sleeps at least `tick` between increments, but the first
/// increment after arming comes at any phase, so `k` ticks guarantee only
/// `(k - 1) * tick` of run time. Rounding down here once stopped a guest
/// a tick early.
fn ticks_for(span: Duration, tick: Duration) -> u64 {
    let whole = span.as_nanos().div_ceil(tick.as_nanos().max(1));
    u64::try_from(whole).unwrap_or(u64::MAX - 1).max(1) + 1
}

pub(crate) fn module(engine: &wasmtime::Engine, bytes: &[u8]) -> Result<wasmtime::Module, Error> {
    wasmtime::Module::new(engine, bytes).map_err(|e| Error::Compile(format!("{e:#}")))
}

/// Converts an engine error into ours, keeping the wasm backtrace.
fn error(e: wasmtime::Error) -> Error {
    match e.downcast_ref::<wasmtime::Trap>() {
        Some(wasmtime::Trap::OutOfFuel) => return Error::OutOfFuel,
        Some(wasmtime::Trap::Interrupt) => return Error::DeadlineExceeded,
        _ => {}
    }
    let backtrace = e
        .downcast_ref::<wasmtime::WasmBacktrace>()
        .map(|b| b.to_string());
    let message = match e.downcast_ref::<wasmtime::Trap>() {
        Some(trap) => trap.to_string(),
        None => e.root_cause().to_string(),
    };
    Error::Trap { message, backtrace }
}

/// A module linked on wasmtime.
pub(crate) enum Linked<T: 'static> {
    /// Every import resolved once: instantiation does no lookup.
    Pre(wasmtime::InstancePre<State<T>>),
    /// A fixed-base guest imports a memory, which belongs to one store: it
    /// is created and defined per instance.
    FixedBase {
        linker: Linker<State<T>>,
        module: wasmtime::Module,
        memory: wasmtime::MemoryType,
    },
}

impl<T: 'static> Clone for Linked<T> {
    fn clone(&self) -> Self {
        match self {
            Linked::Pre(pre) => Linked::Pre(pre.clone()),
            Linked::FixedBase {
                linker,
                module,
                memory,
            } => Linked::FixedBase {
                linker: linker.clone(),
                module: module.clone(),
                memory: memory.clone(),
            },
        }
    }
}

/// Links every import of `module`; also says whether any of them is an
/// async host function.
pub(crate) fn link<T: Send + 'static>(
    engine: &wasmtime::Engine,
    module: &wasmtime::Module,
    host: &HostBuilder<T>,
    profile: GuestProfile,
) -> Result<(Linked<T>, bool), Error> {
    let mut linker = Linker::<State<T>>::new(engine);
    let mut has_async = false;
    let mut memory = None;
    for import in module.imports() {
        let (interface, function) = (import.module(), import.name());
        if let GuestProfile::FixedBase { memory_pages } = profile {
            match (interface, function, import.ty()) {
                ("env", "memory", wasmtime::ExternType::Memory(ty)) => {
                    if ty.is_64() || ty.is_shared() {
                        return Err(Error::UnsupportedImport(
                            "`env`.`memory` must be a 32-bit unshared memory".into(),
                        ));
                    }
                    let pages = (memory_pages as u64).max(ty.minimum());
                    let max = ty.maximum().map(|m| m as u32);
                    if max.is_some_and(|m| u64::from(m) < pages) {
                        return Err(Error::UnsupportedImport(format!(
                            "`env`.`memory` allows at most {} pages, fewer than the {pages} the host provides",
                            max.unwrap_or_default()
                        )));
                    }
                    memory = Some(wasmtime::MemoryType::new(pages as u32, max));
                    continue;
                }
                ("pack:alloc", "alloc", wasmtime::ExternType::Func(_)) => {
                    linker
                        .func_wrap(
                            "pack:alloc",
                            "alloc",
                            |mut caller: Caller<'_, State<T>>, size: i32, align: i32| {
                                bump(&mut caller, size as u32, align as u32)
                            },
                        )
                        .map_err(|e| {
                            Error::UnsupportedImport(format!("`pack:alloc`.`alloc`: {e:#}"))
                        })?;
                    continue;
                }
                ("pack:alloc", "dealloc", wasmtime::ExternType::Func(_)) => {
                    linker
                        .func_wrap("pack:alloc", "dealloc", |_: i32, _: i32, _: i32| {})
                        .map_err(|e| {
                            Error::UnsupportedImport(format!("`pack:alloc`.`dealloc`: {e:#}"))
                        })?;
                    continue;
                }
                _ => {}
            }
        }
        let wasmtime::ExternType::Func(ty) = import.ty() else {
            return Err(Error::UnsupportedImport(format!(
                "`{interface}`.`{function}` is not a function"
            )));
        };
        let f = super::resolve(host, interface, function)?;
        let (params, results) = match f.body() {
            HostBody::Raw {
                params, results, ..
            } => (params.to_vec(), results.to_vec()),
            _ => (vec![CoreType::I32; 4], vec![CoreType::I32]),
        };
        let matches = ty
            .params()
            .map(core_type)
            .eq(params.iter().map(|&t| Some(t)))
            && ty
                .results()
                .map(core_type)
                .eq(results.iter().map(|&t| Some(t)));
        if !matches {
            return Err(super::wrong_signature(
                interface,
                function,
                &ty.to_string(),
                &params,
                &results,
            ));
        }
        has_async |= f.is_async();
        define(&mut linker, engine, f.clone()).map_err(|e| Error::Engine(format!("{e:#}")))?;
    }
    if let GuestProfile::FixedBase { .. } = profile {
        let memory = memory.ok_or_else(|| {
            Error::UnsupportedImport("a fixed-base guest must import `env`.`memory`".into())
        })?;
        return Ok((
            Linked::FixedBase {
                linker,
                module: module.clone(),
                memory,
            },
            has_async,
        ));
    }
    let pre = linker
        .instantiate_pre(module)
        .map_err(|e| Error::Engine(format!("{e:#}")))?;
    Ok((Linked::Pre(pre), has_async))
}

/// The host's bump allocator for fixed-base guests, growing their memory
/// as needed.
fn bump<T: 'static>(
    mut store: impl wasmtime::AsContextMut<Data = State<T>>,
    size: u32,
    align: u32,
) -> wasmtime::Result<i32> {
    let mut store = store.as_context_mut();
    let (Some(memory), Some(next)) = (store.data().memory, store.data().call.heap) else {
        return Err(wasmtime::Error::msg(
            "pack:alloc called before the instance's heap was set up",
        ));
    };
    let (ptr, end, pages) = state::bump_plan(next, memory.data_size(&store), size, align)
        .map_err(wasmtime::Error::msg)?;
    if pages > 0 {
        memory.grow(&mut store, pages)?;
    }
    store.data_mut().call.heap = Some(end);
    Ok(ptr as i32)
}

/// Where a large host result goes: the host's bump allocator for
/// fixed-base guests, the guest's `__pack_alloc` otherwise.
fn allocator<T>(st: &State<T>) -> Option<Allocator> {
    if st.call.heap.is_some() {
        Some(Allocator::Bump)
    } else {
        st.alloc.clone().map(Allocator::Guest)
    }
}

enum Allocator {
    Bump,
    Guest(TypedFunc<i32, i32>),
}

fn core_type(t: wasmtime::ValType) -> Option<CoreType> {
    Some(match t {
        wasmtime::ValType::I32 => CoreType::I32,
        wasmtime::ValType::I64 => CoreType::I64,
        wasmtime::ValType::F32 => CoreType::F32,
        wasmtime::ValType::F64 => CoreType::F64,
        _ => return None,
    })
}

fn val_type(t: CoreType) -> wasmtime::ValType {
    match t {
        CoreType::I32 => wasmtime::ValType::I32,
        CoreType::I64 => wasmtime::ValType::I64,
        CoreType::F32 => wasmtime::ValType::F32,
        CoreType::F64 => wasmtime::ValType::F64,
    }
}

fn to_val(v: CoreValue) -> wasmtime::Val {
    match v {
        CoreValue::I32(v) => wasmtime::Val::I32(v),
        CoreValue::I64(v) => wasmtime::Val::I64(v),
        CoreValue::F32(v) => wasmtime::Val::F32(v.to_bits()),
        CoreValue::F64(v) => wasmtime::Val::F64(v.to_bits()),
    }
}

fn from_val(v: &wasmtime::Val) -> Option<CoreValue> {
    Some(match v {
        wasmtime::Val::I32(v) => CoreValue::I32(*v),
        wasmtime::Val::I64(v) => CoreValue::I64(*v),
        wasmtime::Val::F32(v) => CoreValue::F32(f32::from_bits(*v)),
        wasmtime::Val::F64(v) => CoreValue::F64(f64::from_bits(*v)),
        _ => return None,
    })
}

type AbiFuture<'a> = Box<dyn Future<Output = wasmtime::Result<i32>> + Send + 'a>;

/// One sync Graph ABI host call: read the input, run the function, write
/// the result (allocating in the guest when it does not fit the scratch
/// area). Inlined into the engine's trampoline.
#[inline(always)]
fn host_call<T: Send + 'static>(
    caller: &mut Caller<'_, State<T>>,
    f: &HostFunction<T>,
    body: &CodecFn<T>,
    (a, b, c, d): (i32, i32, i32, i32),
) -> wasmtime::Result<i32> {
    let Some(memory) = caller.data().memory else {
        return finish(state::no_memory(&mut caller.data_mut().call, f));
    };
    let extent = call_extent(&caller.data().call, (a, b, c, d));
    let (mem, st) = guest_memory(caller, memory, extent);
    match state::host_call(&mut st.call, mem, f, body, (a, b, c, d)) {
        Step::Allocate(len) => {
            let ptr = match allocator(st) {
                None => return finish(state::no_allocator(&mut st.call, f)),
                Some(Allocator::Bump) => bump(&mut *caller, len, 8)?,
                Some(Allocator::Guest(alloc)) => alloc.call(&mut *caller, len as i32)?,
            };
            let (mem, st) = memory.data_and_store_mut(caller);
            finish(state::finish_allocated(&mut st.call, mem, f, ptr, c, d))
        }
        step => finish(step),
    }
}

/// [`host_call`] inside its `tracing` span, for when a subscriber wants
/// it. Kept out of line so the untraced trampoline stays small.
#[inline(never)]
fn traced_host_call<T: Send + 'static>(
    caller: &mut Caller<'_, State<T>>,
    f: &HostFunction<T>,
    body: &CodecFn<T>,
    args: (i32, i32, i32, i32),
) -> wasmtime::Result<i32> {
    let span = CallSpan::host(f.interface(), f.name(), args.1);
    let status = span.in_scope(|| host_call(caller, f, body, args));
    span.finish_host(&status, caller.data().call.out.len());
    status
}

fn define<T: Send + 'static>(
    linker: &mut Linker<State<T>>,
    engine: &wasmtime::Engine,
    f: HostFunction<T>,
) -> wasmtime::Result<()> {
    let (interface, name) = (f.interface().to_string(), f.name().to_string());
    match f.body().clone() {
        HostBody::Sync(body) => {
            linker.func_wrap(
                &interface,
                &name,
                move |mut caller: Caller<'_, State<T>>, a: i32, b: i32, c: i32, d: i32| {
                    if trace::spans_wanted() {
                        return traced_host_call(&mut caller, &f, &*body, (a, b, c, d));
                    }
                    host_call(&mut caller, &f, &*body, (a, b, c, d))
                },
            )?;
        }
        HostBody::Async(body) => {
            linker.func_wrap_async(
                &interface,
                &name,
                move |mut caller: Caller<'_, State<T>>,
                      (a, b, c, d): (i32, i32, i32, i32)|
                      -> AbiFuture<'_> {
                    let (f, body) = (f.clone(), body.clone());
                    Box::new(async move {
                        let span = CallSpan::host(f.interface(), f.name(), b);
                        let status = span
                            .instrument(async {
                                let Some(memory) = caller.data().memory else {
                                    return finish(state::no_memory(
                                        &mut caller.data_mut().call,
                                        &f,
                                    ));
                                };
                                let (mem, st) = memory.data_and_store_mut(&mut caller);
                                let (input, replayed) =
                                    match state::begin(&mut st.call, mem, &f, a, b) {
                                        Ok(begun) => begun,
                                        Err(step) => return finish(step),
                                    };
                                // Owned: guest memory is not borrowed across the await.
                                let input = mem[input].to_vec();
                                let out = match replayed {
                                    Some(out) => out,
                                    None => {
                                        match state::run_async(
                                            &mut st.call.data,
                                            &mut st.call.table,
                                            &*body,
                                            &input,
                                            st.call.outcome.deadline,
                                        )
                                        .await
                                        {
                                            Ok(out) => out,
                                            Err(failure) => {
                                                let st = caller.data_mut();
                                                return finish(state::async_failure(
                                                    &mut st.call,
                                                    &f,
                                                    failure,
                                                ));
                                            }
                                        }
                                    }
                                };
                                let (mem, st) = memory.data_and_store_mut(&mut caller);
                                match state::deliver(&mut st.call, mem, &f, &input, out, (c, d)) {
                                    Step::Allocate(len) => {
                                        let ptr = match allocator(st) {
                                            None => {
                                                return finish(state::no_allocator(
                                                    &mut st.call,
                                                    &f,
                                                ));
                                            }
                                            Some(Allocator::Bump) => bump(&mut caller, len, 8)?,
                                            Some(Allocator::Guest(alloc)) => {
                                                alloc.call_async(&mut caller, len as i32).await?
                                            }
                                        };
                                        let (mem, st) = memory.data_and_store_mut(&mut caller);
                                        finish(state::finish_allocated(
                                            &mut st.call,
                                            mem,
                                            &f,
                                            ptr,
                                            c,
                                            d,
                                        ))
                                    }
                                    step => finish(step),
                                }
                            })
                            .await;
                        span.finish_host(&status, caller.data().call.out.len());
                        status
                    })
                },
            )?;
        }
        HostBody::Raw {
            params,
            results,
            call,
        } => {
            let ty = wasmtime::FuncType::new(
                engine,
                params.iter().map(|&t| val_type(t)),
                results.iter().map(|&t| val_type(t)),
            );
            linker.func_new(&interface, &name, ty, move |mut caller, args, out| {
                let args: Vec<CoreValue> = args.iter().filter_map(from_val).collect();
                let (memory, st) = match caller.data().memory {
                    Some(m) => {
                        let (mem, st) = m.data_and_store_mut(&mut caller);
                        (&*mem, st)
                    }
                    None => (&[][..], caller.data_mut()),
                };
                match state::raw_call(&mut st.call, memory, &f, &*call, &args, &results) {
                    Ok(values) => {
                        for (slot, v) in out.iter_mut().zip(values) {
                            *slot = to_val(v);
                        }
                        Ok(())
                    }
                    Err(message) => Err(wasmtime::Error::msg(message)),
                }
            })?;
        }
    }
    Ok(())
}

#[inline(always)]
fn finish(step: Step) -> wasmtime::Result<i32> {
    match step {
        Step::Status(s) => Ok(s),
        step => Err(failure(step)),
    }
}

#[cold]
fn failure(step: Step) -> wasmtime::Error {
    match step {
        Step::Trap(m) => wasmtime::Error::msg(m),
        _ => wasmtime::Error::msg("internal: allocation step not taken"),
    }
}

/// A Graph ABI export: `(in_ptr, in_len, out_ptr_slot, out_len_slot) -> status`.
type AbiExport = TypedFunc<(i32, i32, i32, i32), i32>;

pub(crate) struct Instance<T: 'static> {
    store: Store<State<T>>,
    instance: wasmtime::Instance,
    exports: ExportCache<AbiExport>,
    /// `__pack_free`, kept outside the store so a call borrows it instead
    /// of cloning it: cloning a `TypedFunc` clones its registered type,
    /// which cost most of a cross-member call.
    free: Option<TypedFunc<(i32, i32), ()>>,
    deadline_ticks: Option<u64>,
    tick: Duration,
    /// Keeps the epoch thread running while the instance lives.
    _ticker: Option<Arc<Ticker>>,
}

fn store<T: Send + 'static>(
    engine: &EngineHandle,
    config: &EngineConfig,
    data: T,
) -> Result<Store<State<T>>, Error> {
    let state = State {
        call: CallState::new(
            data,
            config.guest_errors,
            GuestLimits::new(config),
            config.max_resources,
        ),
        memory: None,
        alloc: None,
        free: None,
        view: MemoryView::EMPTY,
    };
    let mut store = Store::new(engine, state);
    store.limiter(|s| &mut s.call.limits);
    if let Some(ticks) = engine.deadline_ticks {
        // Also bounds the start function and the instance's allocations.
        store.set_epoch_deadline(ticks);
    }
    // The start function and the instance's allocations run on the
    // instance's budget, or on one call's.
    if let Some(fuel) = config.fuel.or(config.call_fuel) {
        store
            .set_fuel(fuel)
            .map_err(|e| Error::Engine(format!("{e:#}")))?;
    }
    Ok(store)
}

impl wasmtime::ResourceLimiter for GuestLimits {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(GuestLimits::memory_growing(self, desired))
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(GuestLimits::table_growing(self, desired))
    }
}

/// Caches the handles every call needs, so nothing is looked up by name
/// per call.
fn ready<T: Send + 'static>(
    mut store: Store<State<T>>,
    instance: wasmtime::Instance,
    engine: &EngineHandle,
    imported: Option<Memory>,
) -> Result<Instance<T>, Error> {
    let memory = imported.or_else(|| instance.get_memory(&mut store, "memory"));
    if imported.is_some() {
        let base = instance
            .get_global(&mut store, "__heap_base")
            .and_then(|g| g.get(&mut store).i32())
            .ok_or_else(|| Error::MissingExport("__heap_base (an i32 global)".into()))?;
        store.data_mut().call.heap = Some(base as u32);
    }
    let alloc = instance
        .get_typed_func::<i32, i32>(&mut store, "__pack_alloc")
        .ok();
    let free = instance
        .get_typed_func::<(i32, i32), ()>(&mut store, "__pack_free")
        .ok();
    let state = store.data_mut();
    state.memory = memory;
    state.alloc = alloc;
    state.free = free.clone();
    Ok(Instance {
        store,
        instance,
        exports: ExportCache::default(),
        free,
        deadline_ticks: engine.deadline_ticks,
        tick: engine.tick,
        _ticker: engine._ticker.clone(),
    })
}

/// For a fixed-base guest: creates its memory in `store` and a linker
/// that supplies it.
fn with_memory<T: Send + 'static>(
    store: &mut Store<State<T>>,
    linker: &Linker<State<T>>,
    ty: &wasmtime::MemoryType,
) -> Result<(Linker<State<T>>, Memory), Error> {
    let memory =
        Memory::new(&mut *store, ty.clone()).map_err(|e| Error::Engine(format!("{e:#}")))?;
    store.data_mut().memory = Some(memory);
    let mut linker = linker.clone();
    linker
        .define(&*store, "env", "memory", memory)
        .map_err(|e| Error::Engine(format!("{e:#}")))?;
    Ok((linker, memory))
}

pub(crate) fn instantiate<T: Send + 'static>(
    linked: &Linked<T>,
    engine: &EngineHandle,
    config: &EngineConfig,
    data: T,
) -> Result<Instance<T>, Error> {
    let mut store = store(engine, config, data)?;
    match linked {
        Linked::Pre(pre) => {
            let instance = pre.instantiate(&mut store).map_err(error)?;
            ready(store, instance, engine, None)
        }
        Linked::FixedBase {
            linker,
            module,
            memory,
        } => {
            let (linker, memory) = with_memory(&mut store, linker, memory)?;
            let instance = linker.instantiate(&mut store, module).map_err(error)?;
            ready(store, instance, engine, Some(memory))
        }
    }
}

pub(crate) async fn instantiate_async<T: Send + 'static>(
    linked: &Linked<T>,
    engine: &EngineHandle,
    config: &EngineConfig,
    data: T,
) -> Result<Instance<T>, Error> {
    let mut store = store(engine, config, data)?;
    match linked {
        Linked::Pre(pre) => {
            let instance = pre.instantiate_async(&mut store).await.map_err(error)?;
            ready(store, instance, engine, None)
        }
        Linked::FixedBase {
            linker,
            module,
            memory,
        } => {
            let (linker, memory) = with_memory(&mut store, linker, memory)?;
            let instance = linker
                .instantiate_async(&mut store, module)
                .await
                .map_err(error)?;
            ready(store, instance, engine, Some(memory))
        }
    }
}

impl<T: Send + 'static> Instance<T> {
    /// Gives the next guest call what is left of the export call's
    /// deadline (the engine's full deadline outside export calls).
    fn arm(&mut self) {
        let Some(full) = self.deadline_ticks else {
            return;
        };
        let ticks = match self.store.data().call.outcome.deadline {
            Some(at) => {
                let left = at.saturating_duration_since(std::time::Instant::now());
                ticks_for(left, self.tick).min(full)
            }
            None => full,
        };
        self.store.set_epoch_deadline(ticks);
    }

    /// The typed handle of a Graph ABI export, looked up once.
    fn abi_export(&mut self, export: &str) -> Result<AbiExport, Error> {
        if let Some(f) = self.exports.get(export) {
            return Ok(f.clone());
        }
        let f = self
            .instance
            .get_typed_func::<(i32, i32, i32, i32), i32>(&mut self.store, export)
            .map_err(|_| Error::MissingExport(export.to_string()))?;
        self.exports.insert(export.to_string(), f.clone());
        Ok(f)
    }
}

impl<T: Send + 'static> Backend<T> for Instance<T> {
    fn state(&self) -> &CallState<T> {
        &self.store.data().call
    }

    fn state_mut(&mut self) -> &mut CallState<T> {
        &mut self.store.data_mut().call
    }

    fn into_data(self: Box<Self>) -> T {
        self.store.into_data().call.data
    }

    fn has_allocator(&self) -> bool {
        let s = self.store.data();
        s.memory.is_some() && (s.alloc.is_some() || s.call.heap.is_some())
    }

    fn alloc(&mut self, len: i32) -> Result<i32, Error> {
        if self.store.data().call.heap.is_some() {
            return bump(&mut self.store, len as u32, 8).map_err(error);
        }
        let alloc = self
            .store
            .data()
            .alloc
            .clone()
            .ok_or_else(|| Error::MissingExport("__pack_alloc".into()))?;
        self.arm();
        alloc.call(&mut self.store, len).map_err(error)
    }

    fn free(&mut self, ptr: i32, len: i32) -> Result<(), Error> {
        if self.store.data().call.heap.is_some() {
            return Ok(());
        }
        match &self.free {
            Some(free) => {
                if let Some(ticks) = self.deadline_ticks {
                    self.store.set_epoch_deadline(ticks);
                }
                free.call(&mut self.store, (ptr, len)).map_err(error)
            }
            None => Ok(()),
        }
    }

    fn memory_size(&self) -> usize {
        self.store
            .data()
            .memory
            .map_or(0, |m| m.data_size(&self.store))
    }

    fn write(&mut self, at: u32, bytes: &[u8]) -> Result<(), Error> {
        let memory = self
            .store
            .data()
            .memory
            .ok_or_else(|| Error::MissingExport("memory".into()))?;
        memory
            .write(&mut self.store, at as usize, bytes)
            .map_err(|_| Error::OutOfBounds {
                what: "a buffer in guest memory",
            })
    }

    fn memory(&self) -> &[u8] {
        match self.store.data().memory {
            Some(memory) => memory.data(&self.store),
            None => &[],
        }
    }

    fn read(&self, at: u32, len: u32) -> Result<Vec<u8>, Error> {
        let memory = self
            .store
            .data()
            .memory
            .ok_or_else(|| Error::MissingExport("memory".into()))?;
        let mem = memory.data(&self.store);
        state::range(mem.len(), at as i32, len)
            .map(|r| mem[r].to_vec())
            .ok_or(Error::OutOfBounds {
                what: "a buffer in guest memory",
            })
    }

    fn call_abi(&mut self, export: &str, args: (i32, i32, i32, i32)) -> Result<i32, Error> {
        // Borrowed, not cloned, once looked up (see `Instance::free`).
        if let Some(f) = self.exports.get(export) {
            if let Some(ticks) = self.deadline_ticks {
                self.store.set_epoch_deadline(ticks);
            }
            return f.call(&mut self.store, args).map_err(error);
        }
        let f = self.abi_export(export)?;
        self.arm();
        f.call(&mut self.store, args).map_err(error)
    }

    fn invoke_async<'a>(&'a mut self, call: Invoke<'a>) -> HostFuture<'a, Result<i32, Error>> {
        Box::pin(async move {
            self.arm();
            match call {
                Invoke::Alloc(len) if self.store.data().call.heap.is_some() => {
                    bump(&mut self.store, len as u32, 8).map_err(error)
                }
                Invoke::Free(..) if self.store.data().call.heap.is_some() => Ok(0),
                Invoke::Alloc(len) => {
                    let alloc = self
                        .store
                        .data()
                        .alloc
                        .clone()
                        .ok_or_else(|| Error::MissingExport("__pack_alloc".into()))?;
                    alloc.call_async(&mut self.store, len).await.map_err(error)
                }
                Invoke::Free(ptr, len) => match self.store.data().free.clone() {
                    Some(free) => {
                        free.call_async(&mut self.store, (ptr, len))
                            .await
                            .map_err(error)?;
                        Ok(0)
                    }
                    None => Ok(0),
                },
                Invoke::Abi(export, args) => {
                    let f = self.abi_export(export)?;
                    f.call_async(&mut self.store, args).await.map_err(error)
                }
            }
        })
    }

    fn call_core(&mut self, export: &str, args: &[CoreValue]) -> Result<Vec<CoreValue>, Error> {
        let f = self
            .instance
            .get_func(&mut self.store, export)
            .ok_or_else(|| Error::MissingExport(export.to_string()))?;
        let params: Vec<wasmtime::Val> = args.iter().map(|&a| to_val(a)).collect();
        let mut results = vec![wasmtime::Val::I32(0); f.ty(&self.store).results().len()];
        self.arm();
        f.call(&mut self.store, &params, &mut results)
            .map_err(error)?;
        results
            .iter()
            .map(|v| from_val(v).ok_or_else(|| Error::Engine(format!("unsupported result {v:?}"))))
            .collect()
    }

    fn set_fuel(&mut self, fuel: u64) -> Result<(), Error> {
        self.store
            .set_fuel(fuel)
            .map_err(|e| Error::Engine(format!("{e:#}")))
    }

    fn fuel(&self) -> Result<u64, Error> {
        self.store
            .get_fuel()
            .map_err(|e| Error::Engine(format!("{e:#}")))
    }
}

/// The module's imports and exports, engine-neutral.
pub(crate) fn describe(module: &wasmtime::Module) -> (Vec<ModuleImport>, Vec<ModuleExport>) {
    let kind = |ty: wasmtime::ExternType| match ty {
        wasmtime::ExternType::Func(f) => {
            let params: Option<Vec<CoreType>> = f.params().map(core_type).collect();
            let results: Option<Vec<CoreType>> = f.results().map(core_type).collect();
            match (params, results) {
                (Some(params), Some(results)) => ExternKind::Func(Signature { params, results }),
                _ => ExternKind::Other,
            }
        }
        wasmtime::ExternType::Memory(_) => ExternKind::Memory,
        wasmtime::ExternType::Global(_) => ExternKind::Global,
        _ => ExternKind::Other,
    };
    let imports = module
        .imports()
        .map(|i| ModuleImport {
            module: i.module().to_string(),
            name: i.name().to_string(),
            kind: kind(i.ty()),
        })
        .collect();
    let exports = module
        .exports()
        .map(|e| ModuleExport {
            name: e.name().to_string(),
            kind: kind(e.ty()),
        })
        .collect();
    (imports, exports)
}

#[cfg(test)]
mod tests {
    use super::ticks_for;
    use std::time::Duration;

    #[test]
    fn epoch_ticks_never_end_before_the_span() {
        let tick = Duration::from_millis(5);
        for micros in [0u64, 1, 4_999, 5_000, 5_001, 49_990, 50_000, 1_000_003] {
            let span = Duration::from_micros(micros);
            let k = ticks_for(span, tick);
            // The first increment may come at once; the other k - 1 are a
            // tick apart at least.
            assert!(tick * (k as u32 - 1) >= span, "{span:?} -> {k} ticks");
            // And not more than one tick of slack beyond that.
            assert!(
                tick * (k as u32 - 2) < span.max(Duration::from_nanos(1)),
                "{span:?} -> {k}"
            );
        }
    }
}
