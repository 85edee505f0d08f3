//! Running guests: compile a module once, link it against a
//! [`HostBuilder`] once, instantiate it many times, call its exports.
//!
//! Two backends implement the same surface: wasmtime (a compiler, the
//! default) and wasmi (an interpreter, no JIT, fast start-up). The backend
//! is chosen at run time with [`EngineConfig::kind`]; host functions,
//! generated code and instances look the same on both. To choose at compile
//! time, enable only the `wasmtime` or only the `wasmi` feature: the other
//! backend is then not built at all and [`EngineKind`] has one variant.
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

mod config;
mod data_segments;
mod error;
#[cfg(any(feature = "wasmtime", feature = "wasmi"))]
mod exports;
mod instance;
mod limits;
mod state;
mod timer;
pub(crate) mod validate;
#[cfg(feature = "wasmi")]
mod wasmi;
#[cfg(feature = "wasmtime")]
mod wasmtime;

pub use crate::host::{CoreType, CoreValue};
pub use config::{EngineConfig, EngineKind, GuestErrors, GuestProfile};
pub use error::{Error, HostCallError};
pub use instance::Instance;
pub use limits::LimitHit;
pub use validate::{Problem, ValidationError, validate};

use crate::host::{HostBuilder, HostFunction};
use std::fmt;
use std::sync::Arc;

#[derive(Clone)]
enum EngineInner {
    #[cfg(feature = "wasmtime")]
    Wasmtime(wasmtime::EngineHandle),
    #[cfg(feature = "wasmi")]
    Wasmi(::wasmi::Engine),
}

/// A compilation environment, cheap to clone.
#[derive(Clone)]
pub struct Engine {
    inner: EngineInner,
    config: Arc<EngineConfig>,
    /// Instances alive, shared by every clone ([`EngineConfig::max_instances`]).
    live: limits::LiveInstances,
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field("config", &self.config)
            .finish()
    }
}

#[cfg(any(feature = "wasmtime", feature = "wasmi"))]
impl Default for Engine {
    /// The default configuration. Creating an engine with it cannot fail.
    fn default() -> Self {
        Engine::new(EngineConfig::default()).unwrap_or_else(|e| panic!("default engine: {e}"))
    }
}

impl Engine {
    /// An engine with `config`.
    pub fn new(config: EngineConfig) -> Result<Self, Error> {
        let inner = match config.kind {
            #[cfg(feature = "wasmtime")]
            EngineKind::Wasmtime => EngineInner::Wasmtime(wasmtime::engine(&config)?),
            #[cfg(feature = "wasmi")]
            EngineKind::Wasmi => EngineInner::Wasmi(wasmi::engine(&config)),
        };
        Ok(Engine {
            inner,
            config: Arc::new(config),
            live: limits::LiveInstances::default(),
        })
    }

    /// An engine of `kind` with otherwise default settings.
    ///
    /// ```
    /// use packr_runtime::engine::{Engine, EngineKind};
    /// for &kind in EngineKind::ALL {
    ///     assert_eq!(Engine::with_kind(kind)?.kind(), kind);
    /// }
    /// # Ok::<(), packr_runtime::engine::Error>(())
    /// ```
    #[cfg(any(feature = "wasmtime", feature = "wasmi"))]
    pub fn with_kind(kind: EngineKind) -> Result<Self, Error> {
        Engine::new(EngineConfig {
            kind,
            ..EngineConfig::default()
        })
    }

    /// The configuration.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// The backend.
    pub fn kind(&self) -> EngineKind {
        self.config.kind
    }

    /// Resolves every import of `module` against `host` once; the result
    /// instantiates without any further lookup.
    pub fn link<T: Send + 'static>(
        &self,
        module: &Module,
        host: &HostBuilder<T>,
    ) -> Result<Linked<T>, Error> {
        let (inner, has_async) = match (&self.inner, &module.inner) {
            #[cfg(feature = "wasmtime")]
            (EngineInner::Wasmtime(e), ModuleInner::Wasmtime(m)) => {
                let (linked, has_async) = wasmtime::link(e, m, host, self.config.profile)?;
                (LinkedInner::Wasmtime(linked), has_async)
            }
            #[cfg(feature = "wasmi")]
            (EngineInner::Wasmi(e), ModuleInner::Wasmi(m)) => {
                let (linked, has_async) = wasmi::link(e, m, host, self.config.profile)?;
                (LinkedInner::Wasmi(linked), has_async)
            }
            #[allow(unreachable_patterns)]
            _ => {
                return Err(Error::Engine(
                    "the module was compiled by another engine".into(),
                ));
            }
        };
        Ok(Linked {
            inner,
            engine: self.clone(),
            has_async,
            module_wire: module.wire(),
        })
    }
}

/// Finds the host function a guest import names.
fn resolve<'h, T>(
    host: &'h HostBuilder<T>,
    interface: &str,
    function: &str,
) -> Result<&'h HostFunction<T>, Error> {
    host.get(interface, function)
        .ok_or_else(|| Error::MissingImport {
            interface: interface.to_string(),
            function: function.to_string(),
        })
}

/// The error for an import whose core signature differs from the host
/// function's (the Graph ABI's, or a raw function's declared one).
fn wrong_signature(
    interface: &str,
    function: &str,
    found: &str,
    params: &[CoreType],
    results: &[CoreType],
) -> Error {
    let list = |ts: &[CoreType]| {
        ts.iter()
            .map(|t| format!("{t:?}").to_lowercase())
            .collect::<Vec<_>>()
            .join(", ")
    };
    Error::UnsupportedImport(format!(
        "`{interface}`.`{function}` has signature {found}, but the host function takes ({}) -> ({})",
        list(params),
        list(results)
    ))
}

#[derive(Clone)]
enum ModuleInner {
    #[cfg(feature = "wasmtime")]
    Wasmtime(::wasmtime::Module),
    #[cfg(feature = "wasmi")]
    Wasmi(::wasmi::Module),
}

/// A compiled guest module, bound to the engine that compiled it.
#[derive(Clone)]
pub struct Module {
    inner: ModuleInner,
    /// The blob `__pack_types` returns, located statically.
    pack_types: data_segments::PackTypesBlob,
}

impl fmt::Debug for Module {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Module")
    }
}

impl Module {
    /// Compiles (wasmtime) or validates and translates (wasmi) a binary
    /// module.
    pub fn new(engine: &Engine, bytes: &[u8]) -> Result<Self, Error> {
        let inner = match &engine.inner {
            #[cfg(feature = "wasmtime")]
            EngineInner::Wasmtime(e) => ModuleInner::Wasmtime(wasmtime::module(e, bytes)?),
            #[cfg(feature = "wasmi")]
            EngineInner::Wasmi(e) => ModuleInner::Wasmi(wasmi::module(e, bytes)?),
        };
        let pack_types = data_segments::find_pack_types(bytes);
        Ok(Module { inner, pack_types })
    }

    /// The `__pack_types` metadata the guest carries: the CGRF blob its
    /// `__pack_types` export returns, read from its data segments without
    /// instantiating it (`None` without the export, or when the blob
    /// cannot be located: [`validate`] then says why). Decode it with
    /// [`PackTypes::decode`](crate::wit::PackTypes::decode);
    /// [`validate`] compares it with the world.
    ///
    /// ```
    /// use packr_runtime::engine::{Engine, Module};
    /// let engine = Engine::default();
    /// let module = Module::from_wat(&engine, "(module)")?;
    /// assert!(module.pack_types().is_none());
    /// # Ok::<(), packr_runtime::engine::Error>(())
    /// ```
    pub fn pack_types(&self) -> Option<&[u8]> {
        match &self.pack_types {
            data_segments::PackTypesBlob::Found(blob) => Some(blob),
            _ => None,
        }
    }

    /// Why the blob of an exported `__pack_types` cannot be located, if so.
    pub(crate) fn pack_types_error(&self) -> Option<&str> {
        match &self.pack_types {
            data_segments::PackTypesBlob::Invalid(why) => Some(why),
            _ => None,
        }
    }

    /// The wire version of the guest's `__pack_types` blob, if it has one.
    ///
    /// ```
    /// use packr_runtime::engine::{Engine, Module};
    /// let module = Module::from_wat(&Engine::default(), "(module)")?;
    /// assert_eq!(module.wire(), None);
    /// # Ok::<(), packr_runtime::engine::Error>(())
    /// ```
    pub fn wire(&self) -> Option<crate::abi::Wire> {
        crate::abi::Wire::of(self.pack_types()?)
    }

    /// Compiles a module from WAT text.
    pub fn from_wat(engine: &Engine, text: &str) -> Result<Self, Error> {
        let bytes = wat::parse_str(text).map_err(|e| Error::Compile(e.to_string()))?;
        Module::new(engine, &bytes)
    }

    /// What the module imports and exports, the same on every engine.
    ///
    /// ```
    /// use packr_runtime::engine::{Engine, ExternKind, Module};
    /// let engine = Engine::default();
    /// let module = Module::from_wat(&engine, r#"(module
    ///     (import "example:host/log" "log" (func (param i32 i32 i32 i32) (result i32)))
    ///     (memory (export "memory") 1))"#)?;
    /// let (imports, exports) = module.describe();
    /// assert_eq!((imports[0].module.as_str(), imports[0].name.as_str()), ("example:host/log", "log"));
    /// assert_eq!(exports[0].kind, ExternKind::Memory);
    /// # Ok::<(), packr_runtime::engine::Error>(())
    /// ```
    pub fn describe(&self) -> (Vec<ModuleImport>, Vec<ModuleExport>) {
        match &self.inner {
            #[cfg(feature = "wasmtime")]
            ModuleInner::Wasmtime(m) => wasmtime::describe(m),
            #[cfg(feature = "wasmi")]
            ModuleInner::Wasmi(m) => wasmi::describe(m),
        }
    }
}

/// A core-wasm function signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// Parameter types.
    pub params: Vec<CoreType>,
    /// Result types.
    pub results: Vec<CoreType>,
}

impl Signature {
    /// The Graph ABI's `(in_ptr, in_len, out_ptr_ptr, out_len_ptr) -> status`.
    pub fn abi() -> Self {
        Signature {
            params: vec![CoreType::I32; 4],
            results: vec![CoreType::I32],
        }
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |ts: &[CoreType]| {
            ts.iter()
                .map(|t| format!("{t:?}").to_lowercase())
                .collect::<Vec<_>>()
                .join(", ")
        };
        write!(f, "({}) -> ({})", list(&self.params), list(&self.results))
    }
}

/// What kind of thing a module imports or exports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExternKind {
    /// A function of numeric types.
    Func(Signature),
    /// A linear memory.
    Memory,
    /// A global.
    Global,
    /// A table, a tag, or a function over reference or vector types.
    Other,
}

/// One import of a module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleImport {
    /// The import module (for Graph ABI functions, the interface path).
    pub module: String,
    /// The field (the function name).
    pub name: String,
    /// What is imported.
    pub kind: ExternKind,
}

/// One export of a module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleExport {
    /// The export name.
    pub name: String,
    /// What is exported.
    pub kind: ExternKind,
}

enum LinkedInner<T: 'static> {
    #[cfg(feature = "wasmtime")]
    Wasmtime(wasmtime::Linked<T>),
    #[cfg(feature = "wasmi")]
    Wasmi(wasmi::Linked<T>),
}

/// A module linked against host functions, ready to instantiate many times.
pub struct Linked<T: 'static> {
    inner: LinkedInner<T>,
    engine: Engine,
    has_async: bool,
    /// The version of the module's `__pack_types` blob.
    module_wire: Option<crate::abi::Wire>,
}

impl<T: 'static> Clone for Linked<T> {
    fn clone(&self) -> Self {
        let inner = match &self.inner {
            #[cfg(feature = "wasmtime")]
            LinkedInner::Wasmtime(pre) => LinkedInner::Wasmtime(pre.clone()),
            #[cfg(feature = "wasmi")]
            LinkedInner::Wasmi(linked) => LinkedInner::Wasmi(linked.clone()),
        };
        Linked {
            inner,
            engine: self.engine.clone(),
            has_async: self.has_async,
            module_wire: self.module_wire,
        }
    }
}

impl<T: Send + 'static> Linked<T> {
    /// A new instance whose store state is `data`.
    ///
    /// A guest that imports async host functions must be instantiated with
    /// [`instantiate_async`](Self::instantiate_async) instead.
    pub fn instantiate(&self, data: T) -> Result<Instance<T>, Error> {
        if self.has_async {
            return Err(Error::NeedsAsync("instantiate".into()));
        }
        let config = &*self.engine.config;
        let live = self.engine.live.enter(config.max_instances)?;
        let backend: Box<dyn instance::Backend<T>> = match (&self.inner, &self.engine.inner) {
            #[cfg(feature = "wasmtime")]
            (LinkedInner::Wasmtime(pre), EngineInner::Wasmtime(e)) => {
                Box::new(wasmtime::instantiate(pre, e, config, data)?)
            }
            #[cfg(feature = "wasmi")]
            (LinkedInner::Wasmi(linked), EngineInner::Wasmi(e)) => {
                Box::new(wasmi::instantiate(linked, e, config, data)?)
            }
            #[allow(unreachable_patterns)]
            _ => unreachable!("a Linked pairs a module with the engine that linked it"),
        };
        let mut instance = Instance::new(backend, config, self.has_async, live)?;
        instance.choose_wire(config.wire.or(self.module_wire));
        Ok(instance)
    }

    /// A new instance whose store state is `data`, for guests that import
    /// async host functions (any guest may use it). The guest's start
    /// function and allocator run on the async path.
    pub async fn instantiate_async(&self, data: T) -> Result<Instance<T>, Error> {
        let config = &*self.engine.config;
        let live = self.engine.live.enter(config.max_instances)?;
        let backend: Box<dyn instance::Backend<T>> = match (&self.inner, &self.engine.inner) {
            #[cfg(feature = "wasmtime")]
            (LinkedInner::Wasmtime(pre), EngineInner::Wasmtime(e)) => {
                Box::new(wasmtime::instantiate_async(pre, e, config, data).await?)
            }
            #[cfg(feature = "wasmi")]
            (LinkedInner::Wasmi(linked), EngineInner::Wasmi(e)) => {
                Box::new(wasmi::instantiate(linked, e, config, data)?)
            }
            #[allow(unreachable_patterns)]
            _ => unreachable!("a Linked pairs a module with the engine that linked it"),
        };
        let mut instance = Instance::new_async(backend, config, self.has_async, live).await?;
        instance.choose_wire(config.wire.or(self.module_wire));
        Ok(instance)
    }

    /// True when the guest imports async host functions: instantiate it
    /// with [`instantiate_async`](Self::instantiate_async) and call it with
    /// [`Instance::call_async`].
    pub fn needs_async(&self) -> bool {
        self.has_async
    }

    /// The engine this module was linked on.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }
}
