//! A running guest, whatever the engine: the store state, export calls
//! over the Graph ABI, fuel and interceptors.

use super::limits::{LimitHit, LiveGuard};
use super::state::{CallOutcome, CallState};
use super::{CoreValue, EngineConfig, Error, GuestProfile, HostCallError};
use crate::abi::{self, GraphEncode, GraphValue, Value, Wire};
use crate::host::HostFuture;
use crate::intercept::{CallInfo, CallInterceptor, CallKind};
use crate::resource::ResourceTable;
use crate::trace::{self, CallSpan, Outcome};
use std::time::{Duration, Instant};

/// What an engine backend provides for one instance. Everything above it
/// (export calls, scratch areas, interceptors) is written once.
pub(crate) trait Backend<T>: Send {
    fn state(&self) -> &CallState<T>;
    fn state_mut(&mut self) -> &mut CallState<T>;
    fn into_data(self: Box<Self>) -> T;
    /// True when the guest exports `memory` and `__pack_alloc`.
    fn has_allocator(&self) -> bool;
    fn alloc(&mut self, len: i32) -> Result<i32, Error>;
    /// Frees through `__pack_free` when the guest exports it.
    fn free(&mut self, ptr: i32, len: i32) -> Result<(), Error>;
    fn memory_size(&self) -> usize;
    fn write(&mut self, at: u32, bytes: &[u8]) -> Result<(), Error>;
    fn read(&self, at: u32, len: u32) -> Result<Vec<u8>, Error>;
    /// The whole guest memory as it is now (empty without one): reads
    /// that must not allocate (a composed call's output) borrow from it.
    fn memory(&self) -> &[u8];
    fn call_abi(&mut self, export: &str, args: (i32, i32, i32, i32)) -> Result<i32, Error>;
    fn call_core(&mut self, export: &str, args: &[CoreValue]) -> Result<Vec<CoreValue>, Error>;
    fn set_fuel(&mut self, fuel: u64) -> Result<(), Error>;
    fn fuel(&self) -> Result<u64, Error>;
    /// Runs a guest function from inside an async call, where the guest
    /// may suspend in an async host function.
    fn invoke_async<'a>(&'a mut self, call: Invoke<'a>) -> HostFuture<'a, Result<i32, Error>>;
}

/// The guest functions an export call runs, for [`Backend::invoke_async`].
pub(crate) enum Invoke<'a> {
    /// `__pack_alloc(len) -> ptr`.
    Alloc(i32),
    /// `__pack_free(ptr, len)` (a no-op without the export); returns 0.
    Free(i32, i32),
    /// A Graph ABI export `(in_ptr, in_len, out_ptr_slot, out_len_slot) -> status`.
    Abi(&'a str, (i32, i32, i32, i32)),
}

/// One instance of a guest with store state `T`.
///
/// ```
/// use packr_runtime::engine::{Engine, Module};
/// use packr_runtime::host::HostBuilder;
/// let engine = Engine::default();
/// let module = Module::from_wat(&engine, "(module (memory (export \"memory\") 1))")?;
/// let mut instance = engine.link(&module, &HostBuilder::new())?.instantiate(5u32)?;
/// *instance.data_mut() += 1;
/// assert_eq!(*instance.data(), 6);
/// # Ok::<(), packr_runtime::engine::Error>(())
/// ```
pub struct Instance<T> {
    backend: Box<dyn Backend<T>>,
    /// Two i32 slots in guest memory for an export's output pointer and
    /// length, reserved once through `__pack_alloc`.
    slots: Option<u32>,
    /// The guest imports an async host function: only `call_async` and
    /// friends may run it.
    has_async: bool,
    budget: Budget,
    /// The export an async call is running; still set when its future was
    /// dropped before it finished (the call was cancelled).
    in_flight: Option<String>,
    /// The export whose cancelled call poisoned the instance.
    poisoned: Option<String>,
    /// Frees the instance's place among the engine's live instances.
    _live: LiveGuard,
    /// Where [`call_raw_into`](Self::call_raw_into) writes its input:
    /// reserved through `__pack_alloc` on first use, reused, regrown for a
    /// larger input (pointer, capacity).
    input_area: Option<(u32, u32)>,
}

/// What every export call gets.
#[derive(Debug, Clone, Copy)]
struct Budget {
    /// Fuel refilled before each call.
    call_fuel: Option<u64>,
    /// The instance has a lifetime fuel budget too.
    instance_fuel: bool,
    deadline: Option<Duration>,
}

/// Fuel bookkeeping of one export call with a per-call budget.
#[derive(Debug, Clone, Copy)]
struct Refill {
    /// The instance's budget before the call, when it has one.
    instance_left: Option<u64>,
    /// The fuel the call started with.
    given: u64,
}

impl<T: Send + 'static> Instance<T> {
    /// Reserves the scratch area and the result slots through the guest's
    /// own allocator (never its stack).
    pub(crate) fn new(
        mut backend: Box<dyn Backend<T>>,
        config: &EngineConfig,
        has_async: bool,
        live: LiveGuard,
    ) -> Result<Self, Error> {
        let mut reserved = None;
        if backend.has_allocator() {
            let scratch = match config.profile {
                GuestProfile::Current | GuestProfile::FixedBase { .. } => {
                    backend.alloc(config.scratch_size as i32)?
                }
                GuestProfile::Reference07 { .. } => 0,
            };
            reserved = Some((scratch, backend.alloc(8)?));
        }
        Self::assemble(backend, config, has_async, reserved, live)
    }

    /// [`new`](Self::new) with the allocator run on the async path.
    pub(crate) async fn new_async(
        mut backend: Box<dyn Backend<T>>,
        config: &EngineConfig,
        has_async: bool,
        live: LiveGuard,
    ) -> Result<Self, Error> {
        let mut reserved = None;
        if backend.has_allocator() {
            let scratch = match config.profile {
                GuestProfile::Current | GuestProfile::FixedBase { .. } => {
                    backend
                        .invoke_async(Invoke::Alloc(config.scratch_size as i32))
                        .await?
                }
                GuestProfile::Reference07 { .. } => 0,
            };
            reserved = Some((scratch, backend.invoke_async(Invoke::Alloc(8)).await?));
        }
        Self::assemble(backend, config, has_async, reserved, live)
    }

    fn assemble(
        mut backend: Box<dyn Backend<T>>,
        config: &EngineConfig,
        has_async: bool,
        reserved: Option<(i32, i32)>,
        live: LiveGuard,
    ) -> Result<Self, Error> {
        let mem_len = backend.memory_size();
        let fits = |p: u32, len: u32| {
            (p as usize)
                .checked_add(len as usize)
                .is_some_and(|e| e <= mem_len)
        };
        let mut slots = None;
        if let Some((scratch, s)) = reserved {
            if !fits(s as u32, 8) {
                return Err(Error::OutOfBounds {
                    what: "memory returned by `__pack_alloc`",
                });
            }
            slots = Some(s as u32);
            if !matches!(config.profile, GuestProfile::Reference07 { .. }) {
                if !fits(scratch as u32, config.scratch_size) {
                    return Err(Error::OutOfBounds {
                        what: "memory returned by `__pack_alloc`",
                    });
                }
                let state = backend.state_mut();
                state.scratch = scratch as u32;
                state.scratch_len = config.scratch_size;
            }
        }
        if let GuestProfile::Reference07 {
            scratch_offset,
            scratch_len,
        } = config.profile
        {
            if !fits(scratch_offset, scratch_len) {
                return Err(Error::OutOfBounds {
                    what: "the reference-0.7 scratch area",
                });
            }
            let state = backend.state_mut();
            state.scratch = scratch_offset;
            state.scratch_len = scratch_len;
            state.allocate_large = false;
        }
        Ok(Instance {
            backend,
            slots,
            has_async,
            budget: Budget {
                call_fuel: config.call_fuel,
                instance_fuel: config.fuel.is_some(),
                deadline: config.deadline,
            },
            in_flight: None,
            poisoned: None,
            _live: live,
            input_area: None,
        })
    }

    /// Fixes the wire version when configuration or metadata names one.
    pub(crate) fn choose_wire(&mut self, wire: Option<Wire>) {
        if wire.is_some() {
            self.backend.state_mut().wire = wire;
        }
    }

    /// The wire version this instance speaks to its guest: the one
    /// [`EngineConfig::wire`](super::EngineConfig::wire) names, else the
    /// version of the guest's `__pack_types` blob, else the version of the
    /// first buffer the guest sent (a host-call input or an export's
    /// output), else version 2 (what the host writes until the guest has
    /// said anything). Export calls encode their input in it; host
    /// functions answer each call in the version of its input.
    ///
    /// ```
    /// use packr_runtime::abi::Wire;
    /// use packr_runtime::engine::{Engine, EngineConfig, Module};
    /// use packr_runtime::host::HostBuilder;
    /// let engine = Engine::new(EngineConfig { wire: Some(Wire::V3), ..EngineConfig::default() })?;
    /// let module = Module::from_wat(&engine, "(module)")?;
    /// let instance = engine.link(&module, &HostBuilder::<()>::new())?.instantiate(())?;
    /// assert_eq!(instance.wire(), Wire::V3);
    /// # Ok::<(), packr_runtime::engine::Error>(())
    /// ```
    pub fn wire(&self) -> Wire {
        self.backend.state().wire.unwrap_or(Wire::V2)
    }

    /// The wire version once fixed by configuration, metadata or a buffer
    /// the guest sent; `None` while [`wire`](Self::wire) is only the default.
    pub(crate) fn known_wire(&self) -> Option<Wire> {
        self.backend.state().wire
    }

    /// The store state.
    pub fn data(&self) -> &T {
        &self.backend.state().data
    }

    /// The store state, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.backend.state_mut().data
    }

    /// The instance's resource table: the objects its guest holds handles
    /// to, reachable from host functions through
    /// [`Ctx::table`](crate::host::Ctx::table).
    pub fn resources(&self) -> &ResourceTable {
        &self.backend.state().table
    }

    /// The instance's resource table, mutably (to push an object and
    /// [`lend`](ResourceTable::lend) it to an export call).
    pub fn resources_mut(&mut self) -> &mut ResourceTable {
        &mut self.backend.state_mut().table
    }

    /// Consumes the instance and returns its store state; its live
    /// resources are dropped first.
    pub fn into_data(self) -> T {
        self.backend.into_data()
    }

    /// Copies `len` bytes of guest memory starting at `at`; an error, not a
    /// panic, when the range lies outside memory.
    ///
    /// ```
    /// use packr_runtime::engine::{Engine, Module};
    /// use packr_runtime::host::HostBuilder;
    /// let engine = Engine::default();
    /// let module = Module::from_wat(&engine, r#"(module (memory (export "memory") 1) (data (i32.const 8) "hi"))"#)?;
    /// let mut i = engine.link(&module, &HostBuilder::<()>::new())?.instantiate(())?;
    /// assert_eq!(i.read_memory(8, 2)?, b"hi");
    /// i.write_memory(8, b"yo")?;
    /// assert_eq!(i.read_memory(8, 2)?, b"yo");
    /// assert!(i.read_memory(65535, 2).is_err());
    /// # Ok::<(), packr_runtime::engine::Error>(())
    /// ```
    pub fn read_memory(&self, at: u32, len: u32) -> Result<Vec<u8>, Error> {
        self.backend.read(at, len)
    }

    /// Writes `bytes` into guest memory at `at`; an error when the range
    /// lies outside memory.
    pub fn write_memory(&mut self, at: u32, bytes: &[u8]) -> Result<(), Error> {
        self.backend.write(at, bytes)
    }

    /// The guest's linear memory in bytes (0 without one): how a host
    /// watches a long-running guest for leaks.
    ///
    /// ```
    /// use packr_runtime::engine::{Engine, Module};
    /// use packr_runtime::host::HostBuilder;
    /// let engine = Engine::default();
    /// let module = Module::from_wat(&engine, "(module (memory (export \"memory\") 2))")?;
    /// let i = engine.link(&module, &HostBuilder::<()>::new())?.instantiate(())?;
    /// assert_eq!(i.memory_size(), 2 * 65536);
    /// # Ok::<(), packr_runtime::engine::Error>(())
    /// ```
    pub fn memory_size(&self) -> usize {
        self.backend.memory_size()
    }

    /// Sets the instance's remaining fuel budget (the engine must have been
    /// created with [`EngineConfig::fuel`](super::EngineConfig::fuel) or
    /// [`EngineConfig::call_fuel`](super::EngineConfig::call_fuel); with only
    /// a per-call budget, the next export call refills it anyway).
    pub fn set_fuel(&mut self, fuel: u64) -> Result<(), Error> {
        self.backend.set_fuel(fuel)
    }

    /// The remaining fuel: between calls, the instance's budget (with only
    /// a per-call budget, what the last call left).
    ///
    /// ```
    /// use packr_runtime::engine::{Engine, EngineConfig, Error, Module};
    /// use packr_runtime::host::HostBuilder;
    /// // Every call gets 10 000 units, whatever earlier calls burnt.
    /// let engine = Engine::new(EngineConfig::default().call_fuel(Some(10_000)))?;
    /// let module = Module::from_wat(&engine, r#"(module
    ///     (func (export "spin") (loop (br 0)))
    ///     (func (export "quick") (result i32) (i32.const 7)))"#)?;
    /// let mut i = engine.link(&module, &HostBuilder::<()>::new())?.instantiate(())?;
    /// assert!(matches!(i.call_core("spin", &[]), Err(Error::OutOfFuel)));
    /// assert_eq!(i.call_core("quick", &[])?.len(), 1);
    /// # Ok::<(), packr_runtime::engine::Error>(())
    /// ```
    pub fn fuel(&self) -> Result<u64, Error> {
        self.backend.fuel()
    }

    /// The first memory or table cap the guest ran into, if any: its
    /// `memory.grow` or `table.grow` returned -1 because of
    /// [`EngineConfig::max_memory_bytes`](super::EngineConfig::max_memory_bytes)
    /// or [`EngineConfig::max_table_elements`](super::EngineConfig::max_table_elements).
    ///
    /// ```
    /// use packr_runtime::engine::{CoreValue, Engine, EngineConfig, LimitHit, Module};
    /// use packr_runtime::host::HostBuilder;
    /// let engine = Engine::new(EngineConfig::default().max_memory_bytes(2 << 16))?;
    /// let module = Module::from_wat(&engine, r#"(module (memory 1)
    ///     (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#)?;
    /// let mut i = engine.link(&module, &HostBuilder::<()>::new())?.instantiate(())?;
    /// assert_eq!(i.call_core("grow", &[CoreValue::I32(1)])?, [CoreValue::I32(1)]);
    /// assert_eq!(i.limit_hit(), None);
    /// assert_eq!(i.call_core("grow", &[CoreValue::I32(1)])?, [CoreValue::I32(-1)]);
    /// assert_eq!(i.limit_hit(), Some(LimitHit::Memory { requested: 3 << 16, cap: 2 << 16 }));
    /// # Ok::<(), packr_runtime::engine::Error>(())
    /// ```
    pub fn limit_hit(&self) -> Option<LimitHit> {
        self.backend.state().limits.hit
    }

    /// The export whose cancelled async call poisoned the instance, if
    /// one did (see [`call_async`](Self::call_async)); every call then
    /// returns [`Error::Poisoned`].
    pub fn poisoned(&self) -> Option<&str> {
        self.poisoned.as_deref().or(self.in_flight.as_deref())
    }

    /// Installs an interceptor that sees every host call and export call.
    pub fn set_interceptor(&mut self, interceptor: Box<dyn CallInterceptor>) {
        self.backend.state_mut().interceptor = Some(interceptor);
    }

    /// Removes the interceptor and gives it back, whatever its type (see
    /// [`take_interceptor_as`](Self::take_interceptor_as) for a concrete one).
    /// When an async call was cancelled, the interceptor hears of it
    /// ([`CallInterceptor::cancelled`]) before it is returned.
    pub fn take_interceptor(&mut self) -> Option<Box<dyn CallInterceptor>> {
        self.settle_cancelled();
        self.backend.state_mut().interceptor.take()
    }

    /// Removes the interceptor and gives it back as the concrete type `C`
    /// (to read what a [`Recorder`](crate::record::Recorder) collected).
    /// `None` when no interceptor is installed or it is not a `C`; an
    /// interceptor of another type stays installed.
    ///
    /// ```
    /// use packr_runtime::engine::{Engine, Module};
    /// use packr_runtime::host::HostBuilder;
    /// use packr_runtime::record::{Recorder, Replayer};
    /// let engine = Engine::default();
    /// let module = Module::from_wat(&engine, "(module (memory (export \"memory\") 1))")?;
    /// let mut instance = engine.link(&module, &HostBuilder::<()>::new())?.instantiate(())?;
    /// instance.set_interceptor(Box::new(Recorder::new()));
    /// assert!(instance.take_interceptor_as::<Replayer>().is_none(), "not a replayer");
    /// let log = instance.take_interceptor_as::<Recorder>().expect("the recorder").finish();
    /// assert!(log.is_empty());
    /// assert!(instance.take_interceptor().is_none(), "taken");
    /// # Ok::<(), packr_runtime::engine::Error>(())
    /// ```
    pub fn take_interceptor_as<C: CallInterceptor>(&mut self) -> Option<C> {
        self.interceptor_as::<C>()?;
        let taken: Box<dyn std::any::Any + Send> = self.take_interceptor()?;
        taken.downcast::<C>().ok().map(|c| *c)
    }

    /// The interceptor, borrowed as the concrete type `C`; `None` when none
    /// is installed or it is not a `C`. A shared borrow cannot tell the
    /// interceptor about an async call cancelled since (its future
    /// dropped); [`interceptor_as_mut`](Self::interceptor_as_mut),
    /// [`take_interceptor`](Self::take_interceptor) and every call do.
    ///
    /// ```
    /// use packr_runtime::engine::{Engine, Module};
    /// use packr_runtime::host::HostBuilder;
    /// use packr_runtime::record::Recorder;
    /// let engine = Engine::default();
    /// let module = Module::from_wat(&engine, "(module (memory (export \"memory\") 1))")?;
    /// let mut instance = engine.link(&module, &HostBuilder::<()>::new())?.instantiate(())?;
    /// assert!(instance.interceptor_as::<Recorder>().is_none());
    /// instance.set_interceptor(Box::new(Recorder::new()));
    /// assert_eq!(instance.interceptor_as::<Recorder>().map(Recorder::len), Some(0));
    /// # Ok::<(), packr_runtime::engine::Error>(())
    /// ```
    pub fn interceptor_as<C: CallInterceptor>(&self) -> Option<&C> {
        let interceptor: &dyn std::any::Any = self.backend.state().interceptor.as_deref()?;
        interceptor.downcast_ref::<C>()
    }

    /// The interceptor, mutably borrowed as the concrete type `C`.
    ///
    /// ```
    /// use packr_runtime::engine::{Engine, Module};
    /// use packr_runtime::host::HostBuilder;
    /// use packr_runtime::record::Recorder;
    /// let engine = Engine::default();
    /// let module = Module::from_wat(&engine, "(module (memory (export \"memory\") 1))")?;
    /// let mut instance = engine.link(&module, &HostBuilder::<()>::new())?.instantiate(())?;
    /// instance.set_interceptor(Box::new(Recorder::new()));
    /// instance.interceptor_as_mut::<Recorder>().expect("a recorder").clear();
    /// # Ok::<(), packr_runtime::engine::Error>(())
    /// ```
    pub fn interceptor_as_mut<C: CallInterceptor>(&mut self) -> Option<&mut C> {
        // A call whose future was dropped is reported to the interceptor
        // first, so what it holds includes that cancellation.
        self.settle_cancelled();
        let interceptor: &mut dyn std::any::Any =
            self.backend.state_mut().interceptor.as_deref_mut()?;
        interceptor.downcast_mut::<C>()
    }

    /// Calls `handler` with every host-call failure of the guest's making
    /// (bad pointer, bad bytes, wrong type) and every host function trap.
    pub fn on_host_error(&mut self, handler: impl FnMut(&HostCallError) + Send + 'static) {
        self.backend.state_mut().error_handler = Some(Box::new(handler));
    }

    /// The most recent host-call failure, if any.
    pub fn last_host_error(&self) -> Option<&HostCallError> {
        self.backend.state().last_error.as_ref()
    }

    /// Calls a core-wasm export directly, outside the Graph ABI (a
    /// benchmark loop, a legacy entry point).
    ///
    /// ```
    /// use packr_runtime::engine::{CoreValue, Engine, Module};
    /// use packr_runtime::host::HostBuilder;
    /// let engine = Engine::default();
    /// let module = Module::from_wat(&engine, r#"(module
    ///     (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))"#)?;
    /// let mut i = engine.link(&module, &HostBuilder::<()>::new())?.instantiate(())?;
    /// assert_eq!(i.call_core("add", &[CoreValue::I32(20), CoreValue::I32(22)])?, [CoreValue::I32(42)]);
    /// # Ok::<(), packr_runtime::engine::Error>(())
    /// ```
    pub fn call_core(&mut self, export: &str, args: &[CoreValue]) -> Result<Vec<CoreValue>, Error> {
        self.refuse_sync(export)?;
        let refill = self.start_call()?;
        let result = self.backend.call_core(export, args);
        self.end_call(refill, result)
    }

    /// Calls a Graph ABI export with typed arguments (packed per the
    /// calling convention: `()`, a single value, or a tuple) and decodes its
    /// typed result.
    pub fn call<P, R>(&mut self, export: &str, args: &P) -> Result<R, Error>
    where
        P: GraphEncode + ?Sized,
        R: GraphValue,
    {
        let input = abi::encode_with(args, self.wire())?;
        let output = self.call_raw(export, &input)?;
        abi::decode_as::<R>(&output).map_err(|e| bad_output(export, e))
    }

    /// Calls a Graph ABI export with a dynamic argument value.
    pub fn call_value(&mut self, export: &str, args: &Value) -> Result<Value, Error> {
        let input = abi::encode_with(args, self.wire())?;
        let output = self.call_raw(export, &input)?;
        abi::decode(&output).map_err(|e| bad_output(export, e))
    }

    /// Calls a Graph ABI export with CGRF `input` and returns its CGRF
    /// output: the input is allocated with the guest's `__pack_alloc`, the
    /// output read from the result slots and both freed with `__pack_free`.
    pub fn call_raw(&mut self, export: &str, input: &[u8]) -> Result<Vec<u8>, Error> {
        self.refuse_sync(export)?;
        let span = CallSpan::export(export, input.len());
        let result = span.in_scope(|| self.run_export(export, input));
        // Handles lent for this call end with it, however it ended.
        self.backend.state_mut().table.end_lends();
        finish_export(&span, export, &result);
        result
    }

    /// The body of [`call_raw`](Self::call_raw), inside its span: the
    /// per-call budgets around the call itself.
    fn run_export(&mut self, export: &str, input: &[u8]) -> Result<Vec<u8>, Error> {
        let refill = self.start_call()?;
        let result = self.run_raw(export, input);
        self.end_call(refill, result)
    }

    fn run_raw(&mut self, export: &str, input: &[u8]) -> Result<Vec<u8>, Error> {
        let (info, slots) = self.before_export(export, input)?;
        let len = input_len(input)?;
        let in_ptr = self.backend.alloc(len)?;
        self.backend.write(in_ptr as u32, input)?;
        let status = self
            .backend
            .call_abi(export, (in_ptr, len, slots as i32, slots as i32 + 4))?;
        self.backend.free(in_ptr, len)?;
        let (out_ptr, out_len, output) = self.read_output(slots)?;
        self.backend.free(out_ptr, out_len)?;
        self.after_export(export, &info, input, status, output)
    }

    /// [`call`](Self::call) for guests that import async host functions:
    /// while a host future waits, the guest is suspended and no thread is
    /// blocked. Works on any executor; a current-thread runtime is enough.
    ///
    /// # Cancellation
    ///
    /// Dropping the returned future before it finishes (a
    /// `tokio::time::timeout` around it, a `select!` that picks another
    /// branch) stops the guest wherever it was, possibly halfway through
    /// the export with its allocator or shadow stack in an inconsistent
    /// state. The instance is then *poisoned*: every later call returns
    /// [`Error::Poisoned`] naming the cancelled export, and the embedder
    /// should drop it. An interceptor (a recorder) is told with
    /// [`CallInterceptor::cancelled`]. To bound a call without poisoning
    /// the instance, use [`EngineConfig::deadline`](super::EngineConfig::deadline):
    /// it ends the call with [`Error::DeadlineExceeded`] at a point where
    /// the guest is unwound cleanly.
    ///
    /// ```
    /// use packr_runtime::engine::{Engine, Module};
    /// use packr_runtime::host::{Ctx, HostBuilder};
    /// let mut host = HostBuilder::<u32>::new();
    /// host.interface("example:host/counter").func_async("bump", |mut cx: Ctx<'_, u32>, by: u32| {
    ///     Box::pin(async move { *cx.data_mut() += by; *cx.data() })
    /// })?;
    /// # host.interface("example:host/counter").func("panic", |_, x: u32| x)?.func("big", |_, n: u32| n)?;
    /// # host.interface("example:host/math").func("add", |_, (a, b): (i32, i32)| a + b)?;
    /// # let wat = include_str!("../../../tests/guests/async.wat");
    /// let engine = Engine::default();
    /// let module = Module::from_wat(&engine, wat)?;
    /// let linked = engine.link(&module, &host)?;
    /// let mut instance = block_on(linked.instantiate_async(0))?;
    /// let total: u32 = block_on(instance.call_async("bump-twice", &5u32))?;
    /// assert_eq!((total, *instance.data()), (10, 10));
    /// # fn block_on<F: std::future::Future>(f: F) -> F::Output {
    /// #     let mut f = std::pin::pin!(f);
    /// #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    /// #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v } }
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn call_async<P, R>(&mut self, export: &str, args: &P) -> Result<R, Error>
    where
        P: GraphEncode + ?Sized,
        R: GraphValue,
    {
        let input = abi::encode_with(args, self.wire())?;
        let output = self.call_raw_async(export, &input).await?;
        abi::decode_as::<R>(&output).map_err(|e| bad_output(export, e))
    }

    /// [`call_value`](Self::call_value) for guests that import async host
    /// functions.
    pub async fn call_value_async(&mut self, export: &str, args: &Value) -> Result<Value, Error> {
        let input = abi::encode_with(args, self.wire())?;
        let output = self.call_raw_async(export, &input).await?;
        abi::decode(&output).map_err(|e| bad_output(export, e))
    }

    /// [`call_raw`](Self::call_raw) for guests that import async host
    /// functions.
    pub async fn call_raw_async(&mut self, export: &str, input: &[u8]) -> Result<Vec<u8>, Error> {
        let span = CallSpan::export(export, input.len());
        let result = span.instrument(self.run_export_async(export, input)).await;
        self.backend.state_mut().table.end_lends();
        finish_export(&span, export, &result);
        result
    }

    /// The body of [`call_raw_async`](Self::call_raw_async), inside its span.
    async fn run_export_async(&mut self, export: &str, input: &[u8]) -> Result<Vec<u8>, Error> {
        let refill = self.start_call()?;
        // Cleared when the call finishes; still set if this future is
        // dropped first.
        self.in_flight = Some(export.to_string());
        let result = self.run_raw_async(export, input).await;
        self.in_flight = None;
        self.end_call(refill, result)
    }

    async fn run_raw_async(&mut self, export: &str, input: &[u8]) -> Result<Vec<u8>, Error> {
        let (info, slots) = self.before_export(export, input)?;
        let len = input_len(input)?;
        let in_ptr = self.backend.invoke_async(Invoke::Alloc(len)).await?;
        self.backend.write(in_ptr as u32, input)?;
        let args = (in_ptr, len, slots as i32, slots as i32 + 4);
        let status = self.backend.invoke_async(Invoke::Abi(export, args)).await?;
        self.backend.invoke_async(Invoke::Free(in_ptr, len)).await?;
        let (out_ptr, out_len, output) = self.read_output(slots)?;
        self.backend
            .invoke_async(Invoke::Free(out_ptr, out_len))
            .await?;
        self.after_export(export, &info, input, status, output)
    }

    /// Calls a Graph ABI export with CGRF `input` and appends its CGRF
    /// output to `out`, bytes in and bytes out: the entry a composed call
    /// ([`crate::compose`]) takes from one guest into another, with no
    /// decode or encode and, once `out` has room, no host allocation.
    ///
    /// The input goes to an area of guest memory reserved once through
    /// `__pack_alloc` and reused by every such call (regrown, the old one
    /// freed, when an input is larger); the export's output is freed with
    /// `__pack_free` once copied, after an error status too. A non-zero
    /// status is [`Error::Guest`] and leaves `out` as it was.
    ///
    /// ```
    /// use packr_runtime::engine::{Engine, Module};
    /// use packr_runtime::host::HostBuilder;
    /// # let mut host = HostBuilder::<()>::new();
    /// # host.interface("example:host/log").func("log", |_, _: String| ())?;
    /// # host.interface("example:host/math").func("add", |_, (a, b): (i32, i32)| a + b)?;
    /// let engine = Engine::default();
    /// let module = Module::from_wat(&engine, include_str!("../../../tests/guests/quickstart.wat"))?;
    /// let mut guest = engine.link(&module, &host)?.instantiate(())?;
    /// let input = packr_runtime::abi::encode(&7u32)?;
    /// let mut out = Vec::new();
    /// guest.call_raw_into("example:guest/app.echo", &input, &mut out)?;
    /// assert_eq!(out, input);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn call_raw_into(
        &mut self,
        export: &str,
        input: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        self.refuse_sync(export)?;
        // The same per-call budgets, deadline and poisoning as `call_raw`.
        let refill = self.start_call()?;
        let result = self.run_raw_into(export, input, out);
        self.end_call(refill, result)
    }

    fn run_raw_into(&mut self, export: &str, input: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        let slots = self.export_slots(export, input)?;
        let len = input_len(input)?;
        let in_ptr = match self.input_area {
            Some((ptr, cap)) if len as u32 <= cap => ptr,
            area => {
                if let Some((ptr, cap)) = area {
                    self.input_area = None;
                    self.backend.free(ptr as i32, cap as i32)?;
                }
                let cap = area_capacity(len)?;
                let ptr = self.backend.alloc(cap as i32)? as u32;
                self.input_area = Some((ptr, cap));
                ptr
            }
        };
        self.backend.write(in_ptr, input)?;
        let args = (in_ptr as i32, len, slots as i32, slots as i32 + 4);
        let status = self.backend.call_abi(export, args)?;
        let start = out.len();
        let (out_ptr, out_len) = self.output_into(slots, out)?;
        self.backend.free(out_ptr, out_len)?;
        self.after_export_into(export, input, status, out, start)
    }

    /// [`call_raw_into`](Self::call_raw_into) for guests that import async
    /// host functions (any guest may use it).
    pub async fn call_raw_into_async(
        &mut self,
        export: &str,
        input: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        let refill = self.start_call()?;
        // Cleared when the call finishes; still set if this future is
        // dropped first (the instance is then poisoned).
        self.in_flight = Some(export.to_string());
        let result = self.run_raw_into_async(export, input, out).await;
        self.in_flight = None;
        self.end_call(refill, result)
    }

    async fn run_raw_into_async(
        &mut self,
        export: &str,
        input: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        let slots = self.export_slots(export, input)?;
        let len = input_len(input)?;
        let in_ptr = match self.input_area {
            Some((ptr, cap)) if len as u32 <= cap => ptr,
            area => {
                if let Some((ptr, cap)) = area {
                    self.input_area = None;
                    let free = Invoke::Free(ptr as i32, cap as i32);
                    self.backend.invoke_async(free).await?;
                }
                let cap = area_capacity(len)?;
                let alloc = Invoke::Alloc(cap as i32);
                let ptr = self.backend.invoke_async(alloc).await? as u32;
                self.input_area = Some((ptr, cap));
                ptr
            }
        };
        self.backend.write(in_ptr, input)?;
        let args = (in_ptr as i32, len, slots as i32, slots as i32 + 4);
        let status = self.backend.invoke_async(Invoke::Abi(export, args)).await?;
        let start = out.len();
        let (out_ptr, out_len) = self.output_into(slots, out)?;
        self.backend
            .invoke_async(Invoke::Free(out_ptr, out_len))
            .await?;
        self.after_export_into(export, input, status, out, start)
    }

    /// Appends the export's output (pointer and length read from the result
    /// slots) to `out`, straight from guest memory.
    fn output_into(&self, slots: u32, out: &mut Vec<u8>) -> Result<(i32, i32), Error> {
        let memory = self.backend.memory();
        let word = |at: u32| {
            let at = at as usize;
            memory
                .get(at..at + 4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        };
        let (Some(out_ptr), Some(out_len)) = (word(slots), word(slots + 4)) else {
            return Err(Error::OutOfBounds {
                what: "the export's result slots",
            });
        };
        let bytes = super::state::range(memory.len(), out_ptr as i32, out_len).ok_or(
            Error::OutOfBounds {
                what: "the export's output (pointer, length)",
            },
        )?;
        out.extend_from_slice(&memory[bytes]);
        Ok((out_ptr as i32, out_len as i32))
    }

    /// [`before_export`](Self::before_export) for the byte-level calls:
    /// the interceptor's view of the call is only made when there is an
    /// interceptor (a cross-member call is a hot path).
    fn export_slots(&mut self, export: &str, input: &[u8]) -> Result<u32, Error> {
        if self.backend.state().interceptor.is_some() {
            return self.before_export(export, input).map(|(_, slots)| slots);
        }
        self.slots
            .ok_or_else(|| Error::MissingExport("memory and __pack_alloc".into()))
    }

    fn after_export_into(
        &mut self,
        export: &str,
        input: &[u8],
        status: i32,
        out: &mut Vec<u8>,
        start: usize,
    ) -> Result<(), Error> {
        if status != 0 {
            let message = String::from_utf8_lossy(&out[start..]).into_owned();
            out.truncate(start);
            return Err(Error::Guest {
                export: export.to_string(),
                message,
            });
        }
        if let Some(i) = self.backend.state_mut().interceptor.as_mut() {
            let (interface, function) = export.rsplit_once('.').unwrap_or(("", export));
            let info = CallInfo {
                kind: CallKind::GuestExport,
                interface,
                function,
            };
            i.after(&info, input, &out[start..])?;
        }
        Ok(())
    }

    /// True when the guest imports an async host function, so its exports
    /// must be called with the `*_async` methods.
    pub fn needs_async(&self) -> bool {
        self.has_async
    }

    /// Turns a cancelled async call (one whose future was dropped) into
    /// poison, telling the interceptor once.
    fn settle_cancelled(&mut self) {
        let Some(export) = self.in_flight.take() else {
            return;
        };
        let (interface, function) = export.rsplit_once('.').unwrap_or(("", &export));
        let info = CallInfo {
            kind: CallKind::GuestExport,
            interface,
            function,
        };
        if let Some(i) = self.backend.state_mut().interceptor.as_mut() {
            i.cancelled(&info);
        }
        self.poisoned = Some(export);
    }

    /// Readies the instance for an export call: refuses a poisoned one,
    /// starts the deadline and refills the per-call fuel.
    fn start_call(&mut self) -> Result<Option<Refill>, Error> {
        self.settle_cancelled();
        if let Some(export) = &self.poisoned {
            return Err(Error::Poisoned {
                export: export.clone(),
            });
        }
        let deadline = self.budget.deadline.map(|d| Instant::now() + d);
        self.backend.state_mut().outcome.start(deadline);
        let Some(call_fuel) = self.budget.call_fuel else {
            return Ok(None);
        };
        let instance_left = if self.budget.instance_fuel {
            Some(self.backend.fuel()?)
        } else {
            None
        };
        let given = instance_left.map_or(call_fuel, |left| left.min(call_fuel));
        self.backend.set_fuel(given)?;
        Ok(Some(Refill {
            instance_left,
            given,
        }))
    }

    /// Settles the fuel of a call and gives its error the host-side cause.
    fn end_call<R>(
        &mut self,
        refill: Option<Refill>,
        result: Result<R, Error>,
    ) -> Result<R, Error> {
        if let Some(Refill {
            instance_left: Some(left),
            given,
        }) = refill
        {
            let burnt = given.saturating_sub(self.backend.fuel().unwrap_or(0));
            self.backend.set_fuel(left.saturating_sub(burnt))?;
        }
        let outcome = &mut self.backend.state_mut().outcome;
        // Outside export calls nothing has a deadline.
        outcome.deadline = None;
        // Only a failed call reads what happened during it: moving the
        // whole outcome out on every call cost a cross-member call two
        // copies of it.
        result.map_err(|e| explain(e, std::mem::take(outcome)))
    }

    fn refuse_sync(&self, export: &str) -> Result<(), Error> {
        if self.has_async {
            return Err(Error::NeedsAsync(export.to_string()));
        }
        Ok(())
    }

    fn before_export<'e>(
        &mut self,
        export: &'e str,
        input: &[u8],
    ) -> Result<(CallInfo<'e>, u32), Error> {
        let (interface, function) = export.rsplit_once('.').unwrap_or(("", export));
        let info = CallInfo {
            kind: CallKind::GuestExport,
            interface,
            function,
        };
        if let Some(i) = self.backend.state_mut().interceptor.as_mut() {
            i.before(&info, input)?;
        }
        let Some(slots) = self.slots else {
            return Err(Error::MissingExport("memory and __pack_alloc".into()));
        };
        Ok((info, slots))
    }

    /// Reads the export's output (pointer, length) from the result slots and
    /// copies the output out of guest memory.
    fn read_output(&self, slots: u32) -> Result<(i32, i32, Vec<u8>), Error> {
        let slot_bytes = self.backend.read(slots, 8)?;
        let word = |i: usize| {
            u32::from_le_bytes([
                slot_bytes[i],
                slot_bytes[i + 1],
                slot_bytes[i + 2],
                slot_bytes[i + 3],
            ])
        };
        let (out_ptr, out_len) = (word(0), word(4));
        let output = self
            .backend
            .read(out_ptr, out_len)
            .map_err(|_| Error::OutOfBounds {
                what: "the export's output (pointer, length)",
            })?;
        Ok((out_ptr as i32, out_len as i32, output))
    }

    fn after_export(
        &mut self,
        export: &str,
        info: &CallInfo<'_>,
        input: &[u8],
        status: i32,
        output: Vec<u8>,
    ) -> Result<Vec<u8>, Error> {
        if status != 0 {
            return Err(Error::Guest {
                export: export.to_string(),
                message: String::from_utf8_lossy(&output).into_owned(),
            });
        }
        let state = self.backend.state_mut();
        if state.wire.is_none() {
            state.wire = Wire::of(&output);
        }
        if let Some(i) = state.interceptor.as_mut() {
            i.after(info, input, &output)?;
        }
        Ok(output)
    }
}

/// The size of a reused input area for an input of `len` bytes: a power
/// of two, at least 256, so a few growths cover any run of inputs.
fn area_capacity(len: i32) -> Result<u32, Error> {
    (len.max(256) as u32)
        .checked_next_power_of_two()
        .filter(|&cap| cap <= i32::MAX as u32)
        .ok_or(Error::OutOfBounds { what: "input" })
}

/// Records how an export call ended on its span, with an event (inside
/// the span) for a trap, fuel exhaustion or an expired deadline.
#[inline(always)]
fn finish_export(span: &CallSpan, export: &str, result: &Result<Vec<u8>, Error>) {
    let (outcome, output_len) = match result {
        Ok(output) => (Outcome::Ok, output.len()),
        Err(e) => (outcome_of(e), 0),
    };
    if let Err(e) = result {
        span.in_scope(|| trace::export_failure(export, outcome, e));
    }
    span.finish(outcome, output_len);
}

/// How a failed export call ended, for its span: a host function's failure
/// is classed by what the guest then did (trapped, returned an error).
fn outcome_of(e: &Error) -> Outcome {
    match e {
        Error::HostCall { then, .. } => outcome_of(then),
        Error::Trap { .. } => Outcome::Trap,
        Error::OutOfFuel => Outcome::OutOfFuel,
        Error::DeadlineExceeded => Outcome::DeadlineExceeded,
        Error::Guest { .. } => Outcome::GuestError,
        _ => Outcome::Error,
    }
}

/// The error of an export call, given what happened on the host side: a
/// deadline that expired while the host had control, an interceptor's error
/// (a replay divergence) or a failed host function comes first, whatever
/// the guest did after it.
fn explain(e: Error, outcome: CallOutcome) -> Error {
    if outcome.deadline_hit {
        return Error::DeadlineExceeded;
    }
    if let Some(i) = outcome.intercept {
        return Error::Intercept(i);
    }
    match outcome.failure {
        Some(failure) => Error::HostCall {
            failure: Box::new(failure),
            then: Box::new(e),
        },
        None => e,
    }
}

fn bad_output(export: &str, error: abi::AbiError) -> Error {
    Error::BadOutput {
        export: export.to_string(),
        error,
    }
}

fn input_len(input: &[u8]) -> Result<i32, Error> {
    i32::try_from(input.len()).map_err(|_| Error::OutOfBounds { what: "input" })
}
