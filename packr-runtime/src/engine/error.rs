//! Errors of loading, linking, instantiating and calling guests.

use crate::abi::AbiError;
use crate::intercept::InterceptError;
use std::fmt;

/// Why an engine operation failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The module's bytes or WAT text did not compile.
    Compile(String),
    /// The guest imports a function nobody registered.
    MissingImport {
        /// The import module: the interface path.
        interface: String,
        /// The import field: the function name.
        function: String,
    },
    /// The guest imports something packr cannot supply (a table, a global,
    /// a function of another signature).
    UnsupportedImport(String),
    /// The guest lacks an export the call needs.
    MissingExport(String),
    /// The guest trapped (including fuel exhaustion and host-requested
    /// traps); carries the engine's message and wasm backtrace.
    Trap {
        /// The engine's message.
        message: String,
        /// The wasm backtrace, when the engine captured one.
        backtrace: Option<String>,
    },
    /// The guest ran out of fuel.
    OutOfFuel,
    /// The guest was still running when the call's deadline expired.
    DeadlineExceeded,
    /// A guest export returned a non-zero status; the text is its message.
    Guest {
        /// The export called.
        export: String,
        /// The guest's UTF-8 error message.
        message: String,
    },
    /// A pointer or length from the guest lies outside its memory.
    OutOfBounds {
        /// What was being read or written.
        what: &'static str,
    },
    /// Bytes could not be encoded or decoded.
    Abi(AbiError),
    /// An interceptor stopped the call.
    Intercept(InterceptError),
    /// A synchronous method (named here) was used on a guest that imports
    /// async host functions; use its `*_async` counterpart
    /// (`instantiate_async`, `call_async`).
    NeedsAsync(String),
    /// Any other engine error.
    Engine(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Compile(m) => write!(f, "module does not compile: {m}"),
            Error::MissingImport {
                interface,
                function,
            } => write!(
                f,
                "the guest imports `{function}` from interface `{interface}`, but no host function is registered for it"
            ),
            Error::UnsupportedImport(m) => write!(f, "unsupported import: {m}"),
            Error::MissingExport(name) => write!(f, "the guest does not export `{name}`"),
            Error::Trap { message, .. } => write!(f, "guest trapped: {message}"),
            Error::OutOfFuel => f.write_str("guest ran out of fuel"),
            Error::DeadlineExceeded => f.write_str("guest exceeded its deadline"),
            Error::Guest { export, message } => {
                write!(f, "guest export `{export}` failed: {message}")
            }
            Error::OutOfBounds { what } => write!(f, "{what} lies outside guest memory"),
            Error::Abi(e) => write!(f, "{e}"),
            Error::Intercept(e) => write!(f, "interceptor: {e}"),
            Error::NeedsAsync(what) => write!(
                f,
                "`{what}` ran synchronously, but the guest imports async host functions: use `instantiate_async` and `call_async`"
            ),
            Error::Engine(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Abi(e) => Some(e),
            Error::Intercept(e) => Some(e),
            _ => None,
        }
    }
}

impl From<AbiError> for Error {
    fn from(e: AbiError) -> Self {
        Error::Abi(e)
    }
}

impl From<InterceptError> for Error {
    fn from(e: InterceptError) -> Self {
        Error::Intercept(e)
    }
}

/// A host call that failed because of the guest (bad pointer, bad bytes)
/// or the host function (it trapped or panicked), as the error handler
/// and [`Instance::last_host_error`](super::Instance::last_host_error)
/// report it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostCallError {
    /// The interface path.
    pub interface: String,
    /// The function name.
    pub function: String,
    /// What went wrong.
    pub reason: String,
}

impl fmt::Display for HostCallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "host call {}.{} failed: {}",
            self.interface, self.function, self.reason
        )
    }
}

impl std::error::Error for HostCallError {}
