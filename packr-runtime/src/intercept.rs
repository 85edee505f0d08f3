//! Call interceptors: a hook that sees every typed host call and every
//! guest export call, on every engine, sync and async alike.
//!
//! Recording ([`Recorder`](crate::record::Recorder)) and deterministic
//! replay ([`Replayer`](crate::record::Replayer)) are interceptors; an
//! embedder can write others (metrics, tracing, fault injection).

use std::fmt;

/// Which side of the boundary a call crosses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallKind {
    /// The guest called a host function (a guest import).
    HostCall,
    /// The host called a guest export.
    GuestExport,
}

impl fmt::Display for CallKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CallKind::HostCall => "host call",
            CallKind::GuestExport => "guest export",
        })
    }
}

/// What an interceptor learns about a call.
///
/// ```
/// use packr_runtime::intercept::{CallInfo, CallKind};
/// let call = CallInfo { kind: CallKind::HostCall, interface: "bench:host/math", function: "add" };
/// assert_eq!(call.to_string(), "host call bench:host/math.add");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallInfo<'a> {
    /// Host call or guest export.
    pub kind: CallKind,
    /// The interface path (`theater:simple/runtime`); empty for functions
    /// declared directly in a world.
    pub interface: &'a str,
    /// The function's WIT name (`get-chain`).
    pub function: &'a str,
}

impl fmt::Display for CallInfo<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.interface.is_empty() {
            write!(f, "{} {}", self.kind, self.function)
        } else {
            write!(f, "{} {}.{}", self.kind, self.interface, self.function)
        }
    }
}

/// What to do with a call after [`CallInterceptor::before`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intercept {
    /// Run the call normally.
    Proceed,
    /// Do not run the host function: use these CGRF bytes as its output.
    /// Only honoured for [`CallKind::HostCall`].
    Return(Vec<u8>),
}

/// An error an interceptor raises to stop a call (for example a replay
/// divergence). The call fails; for host calls the guest traps.
#[derive(Debug)]
pub struct InterceptError(Box<dyn std::error::Error + Send + Sync>);

impl InterceptError {
    /// Wraps any error.
    pub fn new(err: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        InterceptError(err.into())
    }

    /// The underlying error, for downcasting (e.g. to
    /// [`ReplayDivergence`](crate::record::ReplayDivergence)).
    pub fn inner(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.0
    }
}

impl fmt::Display for InterceptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for InterceptError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}

/// Sees every typed host call and guest export call of an instance.
///
/// `input` and `output` are the CGRF bytes that crossed (or would have
/// crossed) guest memory: the packed arguments and the packed result.
///
/// ```
/// use packr_runtime::intercept::{CallInfo, CallInterceptor, Intercept, InterceptError};
/// #[derive(Default)]
/// struct Count(usize);
/// impl CallInterceptor for Count {
///     fn after(&mut self, _: &CallInfo<'_>, _: &[u8], _: &[u8]) -> Result<(), InterceptError> {
///         self.0 += 1;
///         Ok(())
///     }
/// }
/// ```
///
/// The trait has `Any` as a supertrait, so an instance gives an installed
/// interceptor back as its concrete type (`Instance::take_interceptor_as`,
/// `Instance::interceptor_as`), to read what it collected.
pub trait CallInterceptor: std::any::Any + Send {
    /// Called before the call runs; may short-circuit a host call with
    /// recorded output bytes.
    fn before(&mut self, call: &CallInfo<'_>, input: &[u8]) -> Result<Intercept, InterceptError> {
        let _ = (call, input);
        Ok(Intercept::Proceed)
    }

    /// Called after the call succeeded (or was short-circuited), with its
    /// input and output bytes.
    fn after(
        &mut self,
        call: &CallInfo<'_>,
        input: &[u8],
        output: &[u8],
    ) -> Result<(), InterceptError> {
        let _ = (call, input, output);
        Ok(())
    }
}
