//! A member of a composition: a guest module with its own engine, host
//! functions and store state, and the type-erased views the composition
//! keeps of it (before and after instantiation).

use super::call::{self, LinkTarget};
use crate::abi::Wire;
use crate::engine::{Engine, Error, Instance, Module};
use crate::host::{HostBuilder, HostFuture, RegistrationError};
use crate::intercept::CallInterceptor;
use std::any::Any;
use std::sync::Arc;

/// Which of a member's exported interfaces other members may be wired to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) enum Filter {
    /// Every exported interface.
    #[default]
    All,
    /// Only these.
    Exposing(Vec<String>),
    /// Every one but these.
    Hiding(Vec<String>),
}

impl Filter {
    pub(crate) fn allows(&self, interface: &str) -> bool {
        match self {
            Filter::All => true,
            Filter::Exposing(names) => names.iter().any(|n| n == interface),
            Filter::Hiding(names) => !names.iter().any(|n| n == interface),
        }
    }
}

/// One guest of a composition, before it runs: its module (compiled by
/// `engine`), the host functions that serve the imports no other member
/// serves, and its store state. Members of one composition may run on
/// different engines; each gets its own instance and memory.
///
/// ```
/// use packr_runtime::compose::Member;
/// use packr_runtime::engine::{Engine, Module};
/// use packr_runtime::host::HostBuilder;
/// let engine = Engine::default();
/// let module = Module::from_wat(&engine, "(module (memory (export \"memory\") 1))")?;
/// let member = Member::new(&engine, &module, HostBuilder::<u32>::new(), 0)
///     .hiding(["test:compose/admin"]);      // never wired to other members
/// # let _ = member;
/// # Ok::<(), packr_runtime::engine::Error>(())
/// ```
pub struct Member<T: 'static> {
    pub(crate) engine: Engine,
    pub(crate) module: Module,
    pub(crate) host: HostBuilder<T>,
    pub(crate) state: T,
    pub(crate) filter: Filter,
}

impl<T: Send + 'static> Member<T> {
    /// A member running `module` on `engine` (the engine that compiled
    /// it), with `host` serving its residual imports and `state` as its
    /// store state.
    pub fn new(engine: &Engine, module: &Module, host: HostBuilder<T>, state: T) -> Self {
        Member {
            engine: engine.clone(),
            module: module.clone(),
            host,
            state,
            filter: Filter::All,
        }
    }

    /// Other members may be wired to these exported interfaces only.
    pub fn exposing<I, S>(mut self, interfaces: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.filter = Filter::Exposing(interfaces.into_iter().map(Into::into).collect());
        self
    }

    /// Other members may be wired to every exported interface but these.
    pub fn hiding<I, S>(mut self, interfaces: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.filter = Filter::Hiding(interfaces.into_iter().map(Into::into).collect());
        self
    }
}

/// A member before instantiation, whatever its state type.
pub(crate) trait Pending: Send {
    fn module(&self) -> &Module;
    fn filter(&self) -> &Filter;
    /// `Some(is_async)` when the member's own host functions serve the
    /// import.
    fn host_function(&self, interface: &str, function: &str) -> Option<bool>;
    /// Serves `interface.function` with a call into another member.
    fn add_link(
        &mut self,
        target: Arc<LinkTarget>,
        is_async: bool,
    ) -> Result<(), RegistrationError>;
    fn instantiate(self: Box<Self>) -> Result<Box<dyn Slot>, Error>;
    fn instantiate_async(self: Box<Self>) -> HostFuture<'static, Result<Box<dyn Slot>, Error>>;
}

impl<T: Send + 'static> Pending for Member<T> {
    fn module(&self) -> &Module {
        &self.module
    }

    fn filter(&self) -> &Filter {
        &self.filter
    }

    fn host_function(&self, interface: &str, function: &str) -> Option<bool> {
        self.host.get(interface, function).map(|f| f.is_async())
    }

    fn add_link(
        &mut self,
        target: Arc<LinkTarget>,
        is_async: bool,
    ) -> Result<(), RegistrationError> {
        call::register(&mut self.host, target, is_async)
    }

    fn instantiate(self: Box<Self>) -> Result<Box<dyn Slot>, Error> {
        let linked = self.engine.link(&self.module, &self.host)?;
        Ok(Box::new(linked.instantiate(self.state)?))
    }

    fn instantiate_async(self: Box<Self>) -> HostFuture<'static, Result<Box<dyn Slot>, Error>> {
        Box::pin(async move {
            let linked = self.engine.link(&self.module, &self.host)?;
            let instance = linked.instantiate_async(self.state).await?;
            Ok(Box::new(instance) as Box<dyn Slot>)
        })
    }
}

/// A running member, whatever its state type: what cross-member calls and
/// calls into the composition need of its [`Instance`].
pub(crate) trait Slot: Send {
    fn call_into(&mut self, export: &str, input: &[u8], out: &mut Vec<u8>) -> Result<(), Error>;
    fn call_into_async<'a>(
        &'a mut self,
        export: &'a str,
        input: &'a [u8],
        out: &'a mut Vec<u8>,
    ) -> HostFuture<'a, Result<(), Error>>;
    fn memory_size(&self) -> usize;
    /// The wire version the member has fixed (configuration, metadata or
    /// a buffer it sent), `None` while it has said nothing.
    fn wire(&self) -> Option<Wire>;
    fn set_interceptor(&mut self, interceptor: Box<dyn CallInterceptor>);
    fn take_interceptor(&mut self) -> Option<Box<dyn CallInterceptor>>;
    fn as_any(&self) -> &dyn Any;
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

impl<T: Send + 'static> Slot for Instance<T> {
    #[inline]
    fn call_into(&mut self, export: &str, input: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        self.call_raw_into(export, input, out)
    }

    fn call_into_async<'a>(
        &'a mut self,
        export: &'a str,
        input: &'a [u8],
        out: &'a mut Vec<u8>,
    ) -> HostFuture<'a, Result<(), Error>> {
        Box::pin(self.call_raw_into_async(export, input, out))
    }

    fn memory_size(&self) -> usize {
        Instance::memory_size(self)
    }

    fn wire(&self) -> Option<Wire> {
        self.known_wire()
    }

    fn set_interceptor(&mut self, interceptor: Box<dyn CallInterceptor>) {
        Instance::set_interceptor(self, interceptor)
    }

    fn take_interceptor(&mut self) -> Option<Box<dyn CallInterceptor>> {
        Instance::take_interceptor(self)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}
