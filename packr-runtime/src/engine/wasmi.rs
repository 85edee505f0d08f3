//! The wasmi backend.

use super::exports::ExportCache;
use super::instance::{Backend, Invoke};
use super::limits::GuestLimits;
use super::state::{self, CallState, Step};
use super::{
    CoreType, CoreValue, EngineConfig, Error, ExternKind, GuestProfile, ModuleExport, ModuleImport,
    Signature,
};
use crate::host::{AsyncCodecFn, CodecFn, HostBody, HostBuilder, HostFunction, HostFuture};
use crate::trace::{self, CallSpan};
use std::sync::Arc;
use wasmi::{Caller, Linker, Memory, Store, TypedFunc, TypedResumableCall};

/// Store state: the shared call state plus handles cached at instantiation.
pub(crate) struct State<T> {
    call: CallState<T>,
    memory: Option<Memory>,
    alloc: Option<TypedFunc<i32, i32>>,
    free: Option<TypedFunc<(i32, i32), ()>>,
    /// The async host call the guest is suspended in, if any.
    pending: Option<Pending<T>>,
}

/// An async host call waiting to run: the guest's resumable call is
/// suspended until its future completes.
struct Pending<T> {
    f: HostFunction<T>,
    body: Arc<AsyncCodecFn<T>>,
    input: Vec<u8>,
    out: (i32, i32),
    /// The host call's span, opened when the guest made the call.
    span: CallSpan,
}

/// The host error that suspends a resumable call so an async host function
/// can run; it never reaches the embedder.
#[derive(Debug)]
struct Suspend;

impl std::fmt::Display for Suspend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an async host function was called outside `call_async`")
    }
}

impl wasmi::errors::HostError for Suspend {}

pub(crate) fn engine(config: &EngineConfig) -> wasmi::Engine {
    let mut c = wasmi::Config::default();
    c.consume_fuel(config.meters_fuel());
    wasmi::Engine::new(&c)
}

impl wasmi::ResourceLimiter for GuestLimits {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> Result<bool, wasmi_core::LimiterError> {
        Ok(GuestLimits::memory_growing(self, desired))
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> Result<bool, wasmi_core::LimiterError> {
        Ok(GuestLimits::table_growing(self, desired))
    }

    // Counts per store (one instance each); wasmi's own defaults.
    fn instances(&self) -> usize {
        10_000
    }

    fn tables(&self) -> usize {
        10_000
    }

    fn memories(&self) -> usize {
        10_000
    }
}

pub(crate) fn module(engine: &wasmi::Engine, bytes: &[u8]) -> Result<wasmi::Module, Error> {
    wasmi::Module::new(engine, bytes).map_err(|e| Error::Compile(e.to_string()))
}

fn error(e: wasmi::Error) -> Error {
    let out_of_fuel = matches!(e.as_trap_code(), Some(wasmi::TrapCode::OutOfFuel))
        || matches!(e.kind(), wasmi::errors::ErrorKind::Fuel(_));
    if out_of_fuel {
        return Error::OutOfFuel;
    }
    Error::Trap {
        message: e.to_string(),
        backtrace: None,
    }
}

/// A module linked on wasmi: the linker holds the resolved host functions.
pub(crate) struct Linked<T: 'static> {
    linker: Linker<State<T>>,
    module: wasmi::Module,
    /// For a fixed-base guest: the memory to create per instance.
    memory: Option<wasmi::MemoryType>,
}

impl<T: 'static> Clone for Linked<T> {
    fn clone(&self) -> Self {
        Linked {
            linker: self.linker.clone(),
            module: self.module.clone(),
            memory: self.memory,
        }
    }
}

/// Allocates `len` bytes for a host result or an export's input: the
/// host's bump allocator for fixed-base guests, growing memory as needed,
/// the guest's `__pack_alloc` otherwise. `Ok(None)`: no allocator at all.
fn allocate<T: 'static>(
    mut ctx: impl wasmi::AsContextMut<Data = State<T>>,
    len: u32,
    align: u32,
) -> Result<Option<i32>, wasmi::Error> {
    let mut ctx = ctx.as_context_mut();
    let (memory, heap, alloc) = {
        let st = ctx.data();
        (st.memory, st.call.heap, st.alloc)
    };
    match (memory, heap, alloc) {
        (Some(memory), Some(next), _) => {
            let (ptr, end, pages) = state::bump_plan(next, memory.data(&ctx).len(), len, align)
                .map_err(wasmi::Error::new)?;
            if pages > 0 {
                memory
                    .grow(&mut ctx, pages)
                    .map_err(|e| wasmi::Error::new(format!("cannot grow memory: {e}")))?;
            }
            ctx.data_mut().call.heap = Some(end);
            Ok(Some(ptr as i32))
        }
        (_, _, Some(alloc)) => alloc.call(&mut ctx, len as i32).map(Some),
        _ => Ok(None),
    }
}

/// Links every import of `module`; also says whether any of them is an
/// async host function.
pub(crate) fn link<T: Send + 'static>(
    engine: &wasmi::Engine,
    module: &wasmi::Module,
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
                ("env", "memory", wasmi::ExternType::Memory(ty)) => {
                    if ty.is_64() {
                        return Err(Error::UnsupportedImport(
                            "`env`.`memory` must be a 32-bit memory".into(),
                        ));
                    }
                    let pages = u64::from(memory_pages).max(ty.minimum());
                    let max = ty.maximum().map(|m| m as u32);
                    if max.is_some_and(|m| u64::from(m) < pages) {
                        return Err(Error::UnsupportedImport(format!(
                            "`env`.`memory` allows at most {} pages, fewer than the {pages} the host provides",
                            max.unwrap_or_default()
                        )));
                    }
                    memory = Some(wasmi::MemoryType::new(pages as u32, max));
                    continue;
                }
                ("pack:alloc", "alloc", wasmi::ExternType::Func(_)) => {
                    linker
                        .func_wrap(
                            "pack:alloc",
                            "alloc",
                            |mut caller: Caller<'_, State<T>>, size: i32, align: i32| {
                                allocate(&mut caller, size as u32, align as u32)?
                                    .ok_or_else(|| wasmi::Error::new("the instance has no memory"))
                            },
                        )
                        .map_err(|e| {
                            Error::UnsupportedImport(format!("`pack:alloc`.`alloc`: {e}"))
                        })?;
                    continue;
                }
                ("pack:alloc", "dealloc", wasmi::ExternType::Func(_)) => {
                    linker
                        .func_wrap("pack:alloc", "dealloc", |_: i32, _: i32, _: i32| {})
                        .map_err(|e| {
                            Error::UnsupportedImport(format!("`pack:alloc`.`dealloc`: {e}"))
                        })?;
                    continue;
                }
                _ => {}
            }
        }
        let wasmi::ExternType::Func(ty) = import.ty() else {
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
            .iter()
            .map(|&t| core_type(t))
            .eq(params.iter().map(|&t| Some(t)))
            && ty
                .results()
                .iter()
                .map(|&t| core_type(t))
                .eq(results.iter().map(|&t| Some(t)));
        if !matches {
            return Err(super::wrong_signature(
                interface,
                function,
                &format!("{ty:?}"),
                &params,
                &results,
            ));
        }
        has_async |= f.is_async();
        define(&mut linker, f.clone()).map_err(|e| Error::Engine(e.to_string()))?;
    }
    if matches!(profile, GuestProfile::FixedBase { .. }) && memory.is_none() {
        return Err(Error::UnsupportedImport(
            "a fixed-base guest must import `env`.`memory`".into(),
        ));
    }
    Ok((
        Linked {
            linker,
            module: module.clone(),
            memory,
        },
        has_async,
    ))
}

fn core_type(t: wasmi::ValType) -> Option<CoreType> {
    Some(match t {
        wasmi::ValType::I32 => CoreType::I32,
        wasmi::ValType::I64 => CoreType::I64,
        wasmi::ValType::F32 => CoreType::F32,
        wasmi::ValType::F64 => CoreType::F64,
        _ => return None,
    })
}

fn val_type(t: CoreType) -> wasmi::ValType {
    match t {
        CoreType::I32 => wasmi::ValType::I32,
        CoreType::I64 => wasmi::ValType::I64,
        CoreType::F32 => wasmi::ValType::F32,
        CoreType::F64 => wasmi::ValType::F64,
    }
}

fn to_val(v: CoreValue) -> wasmi::Val {
    match v {
        CoreValue::I32(v) => wasmi::Val::I32(v),
        CoreValue::I64(v) => wasmi::Val::I64(v),
        CoreValue::F32(v) => wasmi::Val::F32(wasmi::F32::from_bits(v.to_bits())),
        CoreValue::F64(v) => wasmi::Val::F64(wasmi::F64::from_bits(v.to_bits())),
    }
}

fn from_val(v: &wasmi::Val) -> Option<CoreValue> {
    Some(match v {
        wasmi::Val::I32(v) => CoreValue::I32(*v),
        wasmi::Val::I64(v) => CoreValue::I64(*v),
        wasmi::Val::F32(v) => CoreValue::F32(f32::from_bits(v.to_bits())),
        wasmi::Val::F64(v) => CoreValue::F64(f64::from_bits(v.to_bits())),
        _ => return None,
    })
}

/// One sync Graph ABI host call: read the input, run the function, write
/// the result (allocating in the guest when it does not fit the scratch
/// area). Inlined into the engine's trampoline.
#[inline(always)]
fn host_call<T: Send + 'static>(
    caller: &mut Caller<'_, State<T>>,
    f: &HostFunction<T>,
    body: &CodecFn<T>,
    (a, b, c, d): (i32, i32, i32, i32),
) -> Result<i32, wasmi::Error> {
    let Some(memory) = caller.data().memory else {
        return finish(state::no_memory(&mut caller.data_mut().call, f));
    };
    let (mem, st) = memory.data_and_store_mut(&mut *caller);
    match state::host_call(&mut st.call, mem, f, body, (a, b, c, d)) {
        Step::Allocate(len) => {
            let Some(ptr) = allocate(&mut *caller, len, 8)? else {
                let st = caller.data_mut();
                return finish(state::no_allocator(&mut st.call, f));
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
) -> Result<i32, wasmi::Error> {
    let span = CallSpan::host(f.interface(), f.name(), args.1);
    let status = span.in_scope(|| host_call(caller, f, body, args));
    span.finish_host(&status, caller.data().call.out.len());
    status
}

fn define<T: Send + 'static>(
    linker: &mut Linker<State<T>>,
    f: HostFunction<T>,
) -> Result<(), wasmi::errors::LinkerError> {
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
            // The guest's call is resumable: this function reads the input,
            // parks the work in the store and suspends the guest; the
            // `call_async` driver runs the future and resumes the guest
            // with the status.
            linker.func_wrap(
                &interface,
                &name,
                move |mut caller: Caller<'_, State<T>>, a: i32, b: i32, c: i32, d: i32| {
                    let span = CallSpan::host(f.interface(), f.name(), b);
                    let status = span.in_scope(|| {
                        let Some(memory) = caller.data().memory else {
                            return finish(state::no_memory(&mut caller.data_mut().call, &f));
                        };
                        let (mem, st) = memory.data_and_store_mut(&mut caller);
                        let (input, replayed) = match state::begin(&mut st.call, mem, &f, a, b) {
                            Ok(begun) => begun,
                            Err(step) => return finish(step),
                        };
                        match replayed {
                            Some(out) => {
                                let input = mem[input].to_vec();
                                match state::deliver(&mut st.call, mem, &f, &input, out, (c, d)) {
                                    Step::Allocate(len) => {
                                        let Some(ptr) = allocate(&mut caller, len, 8)? else {
                                            let st = caller.data_mut();
                                            return finish(state::no_allocator(&mut st.call, &f));
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
                            }
                            None => {
                                st.pending = Some(Pending {
                                    f: f.clone(),
                                    body: body.clone(),
                                    input: mem[input].to_vec(),
                                    out: (c, d),
                                    span: span.clone(),
                                });
                                Err(wasmi::Error::host(Suspend))
                            }
                        }
                    });
                    // A parked call ends in `run_pending`, which finishes its span.
                    if caller.data().pending.is_none() {
                        span.finish_host(&status, caller.data().call.out.len());
                    }
                    status
                },
            )?;
        }
        HostBody::Raw {
            params,
            results,
            call,
        } => {
            let ty = wasmi::FuncType::new(
                params.iter().map(|&t| val_type(t)).collect::<Vec<_>>(),
                results.iter().map(|&t| val_type(t)).collect::<Vec<_>>(),
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
                    Err(message) => Err(wasmi::Error::new(message)),
                }
            })?;
        }
    }
    Ok(())
}

fn finish(step: Step) -> Result<i32, wasmi::Error> {
    match step {
        Step::Status(s) => Ok(s),
        Step::Trap(m) => Err(wasmi::Error::new(m)),
        Step::Allocate(_) => Err(wasmi::Error::new("internal: allocation step not taken")),
    }
}

/// Runs the parked async host call with the store state borrowed across
/// its awaits and returns the status to resume the guest with.
async fn run_pending<T: Send + 'static>(
    store: &mut Store<State<T>>,
    p: Pending<T>,
) -> Result<i32, Error> {
    let span = p.span.clone();
    let status = span.instrument(complete_pending(store, p)).await;
    span.finish_host(&status, store.data().call.out.len());
    status
}

/// The body of [`run_pending`], inside the host call's span.
async fn complete_pending<T: Send + 'static>(
    store: &mut Store<State<T>>,
    p: Pending<T>,
) -> Result<i32, Error> {
    let call = &mut store.data_mut().call;
    let deadline = call.outcome.deadline;
    let run = state::run_async(
        &mut call.data,
        &mut call.table,
        &*p.body,
        &p.input,
        deadline,
    )
    .await;
    let memory = store
        .data()
        .memory
        .ok_or_else(|| Error::MissingExport("memory".into()))?;
    let (mem, st) = memory.data_and_store_mut(&mut *store);
    let step = match run {
        Ok(out) => state::deliver(&mut st.call, mem, &p.f, &p.input, out, p.out),
        Err(failure) => state::async_failure(&mut st.call, &p.f, failure),
    };
    let step = match step {
        Step::Allocate(len) => match allocate(&mut *store, len, 8).map_err(error)? {
            None => state::no_allocator(&mut store.data_mut().call, &p.f),
            Some(ptr) => {
                let (mem, st) = memory.data_and_store_mut(&mut *store);
                state::finish_allocated(&mut st.call, mem, &p.f, ptr, p.out.0, p.out.1)
            }
        },
        step => step,
    };
    match step {
        Step::Status(status) => Ok(status),
        Step::Trap(message) => Err(Error::Trap {
            message,
            backtrace: None,
        }),
        Step::Allocate(_) => Err(Error::Engine("internal: allocation step not taken".into())),
    }
}

/// A Graph ABI export: `(in_ptr, in_len, out_ptr_slot, out_len_slot) -> status`.
type AbiExport = TypedFunc<(i32, i32, i32, i32), i32>;

pub(crate) struct Instance<T: 'static> {
    store: Store<State<T>>,
    instance: wasmi::Instance,
    exports: ExportCache<AbiExport>,
}

pub(crate) fn instantiate<T: Send + 'static>(
    linked: &Linked<T>,
    engine: &wasmi::Engine,
    config: &EngineConfig,
    data: T,
) -> Result<Instance<T>, Error> {
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
        pending: None,
    };
    let mut store = Store::new(engine, state);
    store.limiter(|s| &mut s.call.limits);
    // The start function and the instance's allocations run on the
    // instance's budget, or on one call's.
    if let Some(fuel) = config.fuel.or(config.call_fuel) {
        store
            .set_fuel(fuel)
            .map_err(|e| Error::Engine(e.to_string()))?;
    }
    let (instance, memory) = match linked.memory {
        None => {
            let instance = linked
                .linker
                .instantiate_and_start(&mut store, &linked.module)
                .map_err(error)?;
            (instance, instance.get_memory(&store, "memory"))
        }
        Some(ty) => {
            // A fixed-base guest's memory belongs to this store: define it
            // on a copy of the linker.
            let memory = Memory::new(&mut store, ty).map_err(|e| Error::Engine(e.to_string()))?;
            store.data_mut().memory = Some(memory);
            let mut linker = linked.linker.clone();
            linker
                .define("env", "memory", memory)
                .map_err(|e| Error::Engine(e.to_string()))?;
            let instance = linker
                .instantiate_and_start(&mut store, &linked.module)
                .map_err(error)?;
            let base = instance
                .get_global(&store, "__heap_base")
                .and_then(|g| g.get(&store).i32())
                .ok_or_else(|| Error::MissingExport("__heap_base (an i32 global)".into()))?;
            store.data_mut().call.heap = Some(base as u32);
            (instance, Some(memory))
        }
    };
    let alloc = instance
        .get_typed_func::<i32, i32>(&store, "__pack_alloc")
        .ok();
    let free = instance
        .get_typed_func::<(i32, i32), ()>(&store, "__pack_free")
        .ok();
    let state = store.data_mut();
    state.memory = memory;
    state.alloc = alloc;
    state.free = free;
    Ok(Instance {
        store,
        instance,
        exports: ExportCache::default(),
    })
}

impl<T: Send + 'static> Instance<T> {
    /// The typed handle of a Graph ABI export, looked up once.
    fn abi_export(&mut self, export: &str) -> Result<AbiExport, Error> {
        if let Some(f) = self.exports.get(export) {
            return Ok(*f);
        }
        let f = self
            .instance
            .get_typed_func::<(i32, i32, i32, i32), i32>(&self.store, export)
            .map_err(|_| Error::MissingExport(export.to_string()))?;
        self.exports.insert(export.to_string(), f);
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
        allocate(&mut self.store, len as u32, 8)
            .map_err(error)?
            .ok_or_else(|| Error::MissingExport("__pack_alloc".into()))
    }

    fn free(&mut self, ptr: i32, len: i32) -> Result<(), Error> {
        if self.store.data().call.heap.is_some() {
            return Ok(());
        }
        match self.store.data().free {
            Some(free) => free.call(&mut self.store, (ptr, len)).map_err(error),
            None => Ok(()),
        }
    }

    fn memory_size(&self) -> usize {
        self.store
            .data()
            .memory
            .map_or(0, |m| m.data(&self.store).len())
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
        let f = self.abi_export(export)?;
        let result = f.call(&mut self.store, args).map_err(error);
        self.store.data_mut().pending = None;
        result
    }

    fn invoke_async<'a>(&'a mut self, call: Invoke<'a>) -> HostFuture<'a, Result<i32, Error>> {
        Box::pin(async move {
            match call {
                Invoke::Alloc(len) => self.alloc(len),
                Invoke::Free(ptr, len) => self.free(ptr, len).map(|()| 0),
                Invoke::Abi(export, args) => {
                    let f = self.abi_export(export)?;
                    let mut call = f.call_resumable(&mut self.store, args).map_err(error)?;
                    loop {
                        match call {
                            TypedResumableCall::Finished(status) => return Ok(status),
                            TypedResumableCall::OutOfFuel(_) => return Err(Error::OutOfFuel),
                            TypedResumableCall::HostTrap(suspended) => {
                                let Some(pending) = self.store.data_mut().pending.take() else {
                                    // A real trap of a sync host function.
                                    return Err(Error::Trap {
                                        message: suspended.host_error().to_string(),
                                        backtrace: None,
                                    });
                                };
                                let status = run_pending(&mut self.store, pending).await?;
                                call = suspended
                                    .resume(&mut self.store, &[wasmi::Val::I32(status)])
                                    .map_err(error)?;
                            }
                        }
                    }
                }
            }
        })
    }

    fn call_core(&mut self, export: &str, args: &[CoreValue]) -> Result<Vec<CoreValue>, Error> {
        let f = self
            .instance
            .get_func(&self.store, export)
            .ok_or_else(|| Error::MissingExport(export.to_string()))?;
        let params: Vec<wasmi::Val> = args.iter().map(|&a| to_val(a)).collect();
        let mut results = vec![wasmi::Val::I32(0); f.ty(&self.store).results().len()];
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
            .map_err(|e| Error::Engine(e.to_string()))
    }

    fn fuel(&self) -> Result<u64, Error> {
        self.store
            .get_fuel()
            .map_err(|e| Error::Engine(e.to_string()))
    }
}

/// The module's imports and exports, engine-neutral.
pub(crate) fn describe(module: &wasmi::Module) -> (Vec<ModuleImport>, Vec<ModuleExport>) {
    let kind = |ty: &wasmi::ExternType| match ty {
        wasmi::ExternType::Func(f) => {
            let params: Option<Vec<CoreType>> = f.params().iter().map(|&t| core_type(t)).collect();
            let results: Option<Vec<CoreType>> =
                f.results().iter().map(|&t| core_type(t)).collect();
            match (params, results) {
                (Some(params), Some(results)) => ExternKind::Func(Signature { params, results }),
                _ => ExternKind::Other,
            }
        }
        wasmi::ExternType::Memory(_) => ExternKind::Memory,
        wasmi::ExternType::Global(_) => ExternKind::Global,
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
