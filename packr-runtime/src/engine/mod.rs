//! Running guests: compile a module once, link it against a
//! [`HostBuilder`] once, instantiate it many times, call its exports.
//!
//! This session's backend is wasmtime; the API is the engine-independent
//! surface generated code and hosts program against.
//!
//! ```
//! use packr_runtime::engine::{CoreValue, Engine, Module};
//! use packr_runtime::host::HostBuilder;
//!
//! let engine = Engine::default();
//! let module = Module::from_wat(&engine, r#"(module
//!     (memory (export "memory") 1)
//!     (func (export "answer") (result i32) (i32.const 42)))"#)?;
//! let linked = engine.link(&module, &HostBuilder::<()>::new())?;
//! let mut instance = linked.instantiate(())?;
//! assert_eq!(instance.call_core("answer", &[])?, [CoreValue::I32(42)]);
//! # Ok::<(), packr_runtime::engine::Error>(())
//! ```

mod error;
mod hostcall;
mod instance;

pub use error::{Error, HostCallError};
pub use instance::Instance;

use crate::host::HostBuilder;
use hostcall::State;
use std::sync::Arc;

/// A core-wasm number, for calls outside the Graph ABI
/// ([`Instance::call_core`]).
#[derive(Debug, Clone, Copy, PartialEq)]
#[allow(missing_docs)]
pub enum CoreValue {
    I32(i32),
    I64(i64),
    F32(f32),
    F64(f64),
}

impl CoreValue {
    fn to_wasmtime(self) -> wasmtime::Val {
        match self {
            CoreValue::I32(v) => wasmtime::Val::I32(v),
            CoreValue::I64(v) => wasmtime::Val::I64(v),
            CoreValue::F32(v) => wasmtime::Val::F32(v.to_bits()),
            CoreValue::F64(v) => wasmtime::Val::F64(v.to_bits()),
        }
    }

    fn from_wasmtime(v: &wasmtime::Val) -> Option<Self> {
        Some(match v {
            wasmtime::Val::I32(v) => CoreValue::I32(*v),
            wasmtime::Val::I64(v) => CoreValue::I64(*v),
            wasmtime::Val::F32(v) => CoreValue::F32(f32::from_bits(*v)),
            wasmtime::Val::F64(v) => CoreValue::F64(f64::from_bits(*v)),
            _ => return None,
        })
    }
}

/// How an instance answers a guest that sends a bad pointer, bad bytes or
/// the wrong type to a host function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GuestErrors {
    /// Return status -1 to the guest (its generated code traps or handles
    /// it) after reporting the error to the error handler.
    #[default]
    Status,
    /// Trap the guest.
    Trap,
}

/// Engine settings.
///
/// ```
/// use packr_runtime::engine::{Engine, EngineConfig, GuestErrors};
/// let engine = Engine::new(EngineConfig { fuel: Some(1_000_000), guest_errors: GuestErrors::Trap, ..Default::default() })?;
/// # Ok::<(), packr_runtime::engine::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineConfig {
    /// Fuel each new instance starts with (`None`: no metering).
    pub fuel: Option<u64>,
    /// What a host function does when the guest's input is bad.
    pub guest_errors: GuestErrors,
    /// Bytes of the per-instance scratch area, reserved once through the
    /// guest's `__pack_alloc`, where small host results are written
    /// (status 0); larger ones are allocated in the guest (status 1).
    pub scratch_size: u32,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            fuel: None,
            guest_errors: GuestErrors::Status,
            scratch_size: 4096,
        }
    }
}

/// A compilation environment, cheap to clone.
#[derive(Clone)]
pub struct Engine {
    inner: wasmtime::Engine,
    config: Arc<EngineConfig>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("config", &self.config)
            .finish()
    }
}

impl Default for Engine {
    /// The default configuration. Creating an engine with it cannot fail.
    fn default() -> Self {
        Engine::new(EngineConfig::default()).unwrap_or_else(|e| panic!("default engine: {e}"))
    }
}

impl Engine {
    /// An engine with `config`.
    pub fn new(config: EngineConfig) -> Result<Self, Error> {
        let mut c = wasmtime::Config::new();
        c.consume_fuel(config.fuel.is_some());
        let inner = wasmtime::Engine::new(&c).map_err(|e| Error::Engine(format!("{e:#}")))?;
        Ok(Engine {
            inner,
            config: Arc::new(config),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// Resolves every import of `module` against `host` once; the result
    /// instantiates without any further lookup.
    pub fn link<T: Send + 'static>(
        &self,
        module: &Module,
        host: &HostBuilder<T>,
    ) -> Result<Linked<T>, Error> {
        let mut linker = wasmtime::Linker::<State<T>>::new(&self.inner);
        for import in module.inner.imports() {
            let (interface, function) = (import.module(), import.name());
            let wasmtime::ExternType::Func(ty) = import.ty() else {
                return Err(Error::UnsupportedImport(format!(
                    "`{interface}`.`{function}` is not a function"
                )));
            };
            let f = host
                .get(interface, function)
                .ok_or_else(|| Error::MissingImport {
                    interface: interface.to_string(),
                    function: function.to_string(),
                })?;
            let abi_sig = ty.params().len() == 4
                && ty.params().all(|p| matches!(p, wasmtime::ValType::I32))
                && ty.results().len() == 1
                && ty.results().all(|r| matches!(r, wasmtime::ValType::I32));
            if !abi_sig {
                return Err(Error::UnsupportedImport(format!(
                    "`{interface}`.`{function}` has signature {ty}, expected the Graph ABI's (i32, i32, i32, i32) -> i32"
                )));
            }
            hostcall::define(&mut linker, f.clone())
                .map_err(|e| Error::Engine(format!("{e:#}")))?;
        }
        let pre = linker
            .instantiate_pre(&module.inner)
            .map_err(|e| Error::Engine(format!("{e:#}")))?;
        Ok(Linked {
            pre,
            engine: self.clone(),
        })
    }
}

/// A compiled guest module.
#[derive(Clone)]
pub struct Module {
    inner: wasmtime::Module,
}

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Module")
    }
}

impl Module {
    /// Compiles a binary module.
    pub fn new(engine: &Engine, bytes: &[u8]) -> Result<Self, Error> {
        let inner = wasmtime::Module::new(&engine.inner, bytes)
            .map_err(|e| Error::Compile(format!("{e:#}")))?;
        Ok(Module { inner })
    }

    /// Compiles a module from WAT text.
    pub fn from_wat(engine: &Engine, text: &str) -> Result<Self, Error> {
        let bytes = wat::parse_str(text).map_err(|e| Error::Compile(e.to_string()))?;
        Module::new(engine, &bytes)
    }
}

/// A module linked against host functions, ready to instantiate many times.
pub struct Linked<T: 'static> {
    pre: wasmtime::InstancePre<State<T>>,
    engine: Engine,
}

impl<T: 'static> Clone for Linked<T> {
    fn clone(&self) -> Self {
        Linked {
            pre: self.pre.clone(),
            engine: self.engine.clone(),
        }
    }
}

impl<T: Send + 'static> Linked<T> {
    /// A new instance whose store state is `data`.
    pub fn instantiate(&self, data: T) -> Result<Instance<T>, Error> {
        Instance::new(self, data)
    }
}
