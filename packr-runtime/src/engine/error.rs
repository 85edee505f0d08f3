//! Errors of loading, linking, instantiating and calling guests.

use crate::abi::AbiError;
use crate::host::HostError;
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
    /// The guest ran out of fuel: the call's
    /// ([`EngineConfig::call_fuel`](super::EngineConfig::call_fuel)) or the
    /// instance's ([`EngineConfig::fuel`](super::EngineConfig::fuel)).
    OutOfFuel,
    /// The export call was still running (in guest code or awaiting an
    /// async host function) when its deadline expired.
    DeadlineExceeded,
    /// A host function failed while the export ran (bad input from the
    /// guest, a trap it asked for, a panic): the guest got status -1 or
    /// trapped, and `then` is how the call ended after that.
    HostCall {
        /// The host function and what went wrong in it.
        failure: Box<HostCallError>,
        /// How the export call ended afterwards (usually a trap).
        then: Box<Error>,
    },
    /// The export's output did not decode as the result type.
    BadOutput {
        /// The export called.
        export: String,
        /// Why the bytes did not decode.
        error: AbiError,
    },
    /// An earlier async call on this instance was cancelled (its future
    /// was dropped before it finished), which may have left the guest
    /// halfway through an export; the instance refuses every later call.
    /// Drop it and create a new one.
    Poisoned {
        /// The export whose call was cancelled.
        export: String,
    },
    /// The engine already has [`EngineConfig::max_instances`](super::EngineConfig::max_instances)
    /// live instances.
    TooManyInstances {
        /// The limit.
        max: usize,
    },
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
            Error::DeadlineExceeded => f.write_str("the call exceeded its deadline"),
            Error::HostCall { failure, then } => {
                let failure = failure.to_string();
                match &**then {
                    // The guest trapped with the failure itself (`GuestErrors::Trap`).
                    Error::Trap { message, .. } if message.contains(&failure) => {
                        f.write_str(&failure)
                    }
                    then => write!(f, "{failure}; then {then}"),
                }
            }
            Error::BadOutput { export, error } => {
                write!(
                    f,
                    "the output of guest export `{export}` does not decode: {error}"
                )
            }
            Error::Poisoned { export } => write!(
                f,
                "the instance is poisoned: the async call of `{export}` was cancelled before it finished, so the guest may be in an inconsistent state; create a new instance"
            ),
            Error::TooManyInstances { max } => write!(
                f,
                "the engine already has {max} live instances (`EngineConfig::max_instances`)"
            ),
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
            Error::BadOutput { error, .. } => Some(error),
            Error::Intercept(e) => Some(e),
            Error::HostCall { failure, .. } => Some(&**failure),
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
/// report it, and as [`Error::HostCall`] carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HostCallError {
    /// The interface path.
    pub interface: String,
    /// The function name.
    pub function: String,
    /// What went wrong.
    pub reason: String,
    /// The host function's own error, when it returned one (`None` for a
    /// bad pointer, a panic or a result that could not be delivered).
    pub cause: Option<HostError>,
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

impl std::error::Error for HostCallError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause.as_ref().map(|e| e as _)
    }
}
