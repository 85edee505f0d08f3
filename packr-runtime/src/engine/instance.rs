//! A running guest: its store, cached exports, and export calls.

use super::hostcall::State;
use super::{CoreValue, Error, HostCallError, Linked};
use crate::abi::{self, GraphEncode, GraphValue, Value};
use crate::intercept::{CallInfo, CallInterceptor, CallKind};
use std::collections::HashMap;
use wasmtime::{Store, TypedFunc};

type AbiExport = TypedFunc<(i32, i32, i32, i32), i32>;

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
pub struct Instance<T: 'static> {
    store: Store<State<T>>,
    instance: wasmtime::Instance,
    exports: HashMap<String, AbiExport>,
    /// Two i32 slots in guest memory for an export's output pointer and
    /// length, reserved once through `__pack_alloc`.
    slots: Option<u32>,
}

/// Converts an engine error into ours, keeping the wasm backtrace.
pub(crate) fn from_wasmtime(e: wasmtime::Error) -> Error {
    if let Some(wasmtime::Trap::OutOfFuel) = e.downcast_ref::<wasmtime::Trap>() {
        return Error::OutOfFuel;
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

impl<T: Send + 'static> Instance<T> {
    pub(crate) fn new(linked: &Linked<T>, data: T) -> Result<Self, Error> {
        let config = linked.engine.config();
        let state = State {
            data,
            memory: None,
            alloc: None,
            free: None,
            scratch: 0,
            scratch_len: 0,
            out: Vec::new(),
            interceptor: None,
            guest_errors: config.guest_errors,
            last_error: None,
            error_handler: None,
        };
        let mut store = Store::new(&linked.engine.inner, state);
        if let Some(fuel) = config.fuel {
            store
                .set_fuel(fuel)
                .map_err(|e| Error::Engine(format!("{e:#}")))?;
        }
        let instance = linked.pre.instantiate(&mut store).map_err(from_wasmtime)?;
        let memory = instance.get_memory(&mut store, "memory");
        let alloc = instance
            .get_typed_func::<i32, i32>(&mut store, "__pack_alloc")
            .ok();
        let free = instance
            .get_typed_func::<(i32, i32), ()>(&mut store, "__pack_free")
            .ok();
        let mut slots = None;
        let state = store.data_mut();
        state.memory = memory;
        state.alloc = alloc.clone();
        state.free = free;
        if let Some(alloc) = alloc {
            // The scratch area and the slots are the host's own memory in
            // the guest, obtained from the guest's allocator: never its stack.
            let scratch_len = config.scratch_size;
            let scratch = alloc
                .call(&mut store, scratch_len as i32)
                .map_err(from_wasmtime)?;
            let s = alloc.call(&mut store, 8).map_err(from_wasmtime)?;
            let mem_len = memory.map_or(0, |m| m.data_size(&store));
            let fits = |p: i32, len: u32| {
                (p as u32 as usize)
                    .checked_add(len as usize)
                    .is_some_and(|e| e <= mem_len)
            };
            if !fits(scratch, scratch_len) || !fits(s, 8) {
                return Err(Error::OutOfBounds {
                    what: "memory returned by `__pack_alloc`",
                });
            }
            let state = store.data_mut();
            state.scratch = scratch as u32;
            state.scratch_len = scratch_len;
            slots = Some(s as u32);
        }
        Ok(Instance {
            store,
            instance,
            exports: HashMap::new(),
            slots,
        })
    }

    /// The store state.
    pub fn data(&self) -> &T {
        &self.store.data().data
    }

    /// The store state, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.store.data_mut().data
    }

    /// Consumes the instance and returns its store state.
    pub fn into_data(self) -> T {
        self.store.into_data().data
    }

    /// Sets the remaining fuel (the engine must have been created with
    /// [`EngineConfig::fuel`](super::EngineConfig::fuel)).
    pub fn set_fuel(&mut self, fuel: u64) -> Result<(), Error> {
        self.store
            .set_fuel(fuel)
            .map_err(|e| Error::Engine(format!("{e:#}")))
    }

    /// The remaining fuel.
    pub fn fuel(&self) -> Result<u64, Error> {
        self.store
            .get_fuel()
            .map_err(|e| Error::Engine(format!("{e:#}")))
    }

    /// Installs an interceptor that sees every host call and export call.
    pub fn set_interceptor(&mut self, interceptor: Box<dyn CallInterceptor>) {
        self.store.data_mut().interceptor = Some(interceptor);
    }

    /// Removes the interceptor and gives it back (downcast it through
    /// `Box<dyn Any>` to read what it collected).
    pub fn take_interceptor(&mut self) -> Option<Box<dyn CallInterceptor>> {
        self.store.data_mut().interceptor.take()
    }

    /// Calls `handler` with every host-call failure of the guest's making
    /// (bad pointer, bad bytes, wrong type) and every host function trap.
    pub fn on_host_error(&mut self, handler: impl FnMut(&HostCallError) + Send + 'static) {
        self.store.data_mut().error_handler = Some(Box::new(handler));
    }

    /// The most recent host-call failure, if any.
    pub fn last_host_error(&self) -> Option<&HostCallError> {
        self.store.data().last_error.as_ref()
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
        let f = self
            .instance
            .get_func(&mut self.store, export)
            .ok_or_else(|| Error::MissingExport(export.to_string()))?;
        let params: Vec<wasmtime::Val> = args.iter().map(|a| a.to_wasmtime()).collect();
        let mut results = vec![wasmtime::Val::I32(0); f.ty(&self.store).results().len()];
        f.call(&mut self.store, &params, &mut results)
            .map_err(from_wasmtime)?;
        results
            .iter()
            .map(|v| {
                CoreValue::from_wasmtime(v)
                    .ok_or_else(|| Error::Engine(format!("unsupported result {v:?}")))
            })
            .collect()
    }

    /// Calls a Graph ABI export with typed arguments (packed per the
    /// calling convention: `()`, a single value, or a tuple) and decodes its
    /// typed result.
    pub fn call<P, R>(&mut self, export: &str, args: &P) -> Result<R, Error>
    where
        P: GraphEncode + ?Sized,
        R: GraphValue,
    {
        let input = abi::encode(args)?;
        let output = self.call_raw(export, &input)?;
        Ok(abi::decode_as::<R>(&output)?)
    }

    /// Calls a Graph ABI export with a dynamic argument value.
    pub fn call_value(&mut self, export: &str, args: &Value) -> Result<Value, Error> {
        let input = abi::encode(args)?;
        let output = self.call_raw(export, &input)?;
        Ok(abi::decode(&output)?)
    }

    fn export(&mut self, name: &str) -> Result<AbiExport, Error> {
        if let Some(f) = self.exports.get(name) {
            return Ok(f.clone());
        }
        let f = self
            .instance
            .get_typed_func::<(i32, i32, i32, i32), i32>(&mut self.store, name)
            .map_err(|_| Error::MissingExport(name.to_string()))?;
        self.exports.insert(name.to_string(), f.clone());
        Ok(f)
    }

    /// Calls a Graph ABI export with CGRF `input` and returns its CGRF output.
    pub fn call_raw(&mut self, export: &str, input: &[u8]) -> Result<Vec<u8>, Error> {
        let f = self.export(export)?;
        let (interface, function) = export.rsplit_once('.').unwrap_or(("", export));
        let info = CallInfo {
            kind: CallKind::GuestExport,
            interface,
            function,
        };
        if let Some(i) = self.store.data_mut().interceptor.as_mut() {
            i.before(&info, input)?;
        }
        let state = self.store.data();
        let (Some(memory), Some(alloc), Some(slots)) =
            (state.memory, state.alloc.clone(), self.slots)
        else {
            return Err(Error::MissingExport("memory and __pack_alloc".into()));
        };
        let free = state.free.clone();
        let len = i32::try_from(input.len()).map_err(|_| Error::OutOfBounds { what: "input" })?;
        let in_ptr = alloc.call(&mut self.store, len).map_err(from_wasmtime)?;
        memory
            .write(&mut self.store, in_ptr as u32 as usize, input)
            .map_err(|_| Error::OutOfBounds {
                what: "input buffer from `__pack_alloc`",
            })?;
        let status = f
            .call(
                &mut self.store,
                (in_ptr, len, slots as i32, slots as i32 + 4),
            )
            .map_err(from_wasmtime)?;
        if let Some(free) = &free {
            free.call(&mut self.store, (in_ptr, len))
                .map_err(from_wasmtime)?;
        }
        let mut slot_bytes = [0u8; 8];
        memory
            .read(&self.store, slots as usize, &mut slot_bytes)
            .map_err(|_| Error::OutOfBounds {
                what: "output slots",
            })?;
        let out_ptr =
            u32::from_le_bytes([slot_bytes[0], slot_bytes[1], slot_bytes[2], slot_bytes[3]]);
        let out_len =
            u32::from_le_bytes([slot_bytes[4], slot_bytes[5], slot_bytes[6], slot_bytes[7]]);
        let mem = memory.data(&self.store);
        let output = (out_ptr as usize)
            .checked_add(out_len as usize)
            .and_then(|end| mem.get(out_ptr as usize..end))
            .ok_or(Error::OutOfBounds {
                what: "the export's output (pointer, length)",
            })?
            .to_vec();
        if let Some(free) = &free {
            free.call(&mut self.store, (out_ptr as i32, out_len as i32))
                .map_err(from_wasmtime)?;
        }
        if status != 0 {
            return Err(Error::Guest {
                export: export.to_string(),
                message: String::from_utf8_lossy(&output).into_owned(),
            });
        }
        if let Some(i) = self.store.data_mut().interceptor.as_mut() {
            i.after(&info, input, &output)?;
        }
        Ok(output)
    }
}
