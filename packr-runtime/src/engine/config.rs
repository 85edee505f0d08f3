//! Engine settings: which backend runs the guests, how host functions
//! answer bad guest input, which guest generation is served, and the
//! budgets every instance gets.

use super::Error;
use std::fmt;
use std::str::FromStr;

/// Which engine runs the guests.
///
/// ```
/// use packr_runtime::engine::EngineKind;
/// let kind: EngineKind = "wasmi".parse()?;
/// assert_eq!(kind.to_string(), "wasmi");
/// # Ok::<(), packr_runtime::engine::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EngineKind {
    /// wasmtime: compiles guests to native code (Cranelift). Guest
    /// memories never move (`memory_may_move(false)`): each reserves its
    /// whole 32-bit range of address space up front on 64-bit hosts
    /// (wasmtime's default), which lets host calls keep a view of it.
    #[cfg(feature = "wasmtime")]
    Wasmtime,
    /// wasmi: interprets guests; no code generation, quick to start.
    #[cfg(feature = "wasmi")]
    Wasmi,
}

impl EngineKind {
    /// Every engine compiled into this build, default first.
    pub const ALL: &'static [EngineKind] = &[
        #[cfg(feature = "wasmtime")]
        EngineKind::Wasmtime,
        #[cfg(feature = "wasmi")]
        EngineKind::Wasmi,
    ];

    /// The engine's lowercase name, as [`FromStr`] accepts it.
    pub fn name(self) -> &'static str {
        match self {
            #[cfg(feature = "wasmtime")]
            EngineKind::Wasmtime => "wasmtime",
            #[cfg(feature = "wasmi")]
            EngineKind::Wasmi => "wasmi",
        }
    }
}

#[cfg(any(feature = "wasmtime", feature = "wasmi"))]
impl Default for EngineKind {
    /// wasmtime when it is compiled in, wasmi otherwise.
    fn default() -> Self {
        EngineKind::ALL[0]
    }
}

impl fmt::Display for EngineKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for EngineKind {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        EngineKind::ALL
            .iter()
            .copied()
            .find(|k| k.name() == s)
            .ok_or_else(|| {
                let known: Vec<_> = EngineKind::ALL.iter().map(|k| k.name()).collect();
                Error::Engine(format!(
                    "unknown engine `{s}` (this build has: {})",
                    known.join(", ")
                ))
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

/// Which generation of guest the host serves (docs/abi.md §5): how host
/// function results reach the guest.
///
/// ```
/// use packr_runtime::engine::{EngineConfig, GuestProfile};
/// // A reference-0.7 guest that keeps 8 KiB at 16392 free for results.
/// let config = EngineConfig {
///     profile: GuestProfile::Reference07 { scratch_offset: 16392, scratch_len: 8192 },
///     ..Default::default()
/// };
/// # let _ = config;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GuestProfile {
    /// Current guests (reference 0.8 and later): small results go to a
    /// scratch area reserved once through the guest's `__pack_alloc`
    /// (status 0), larger ones are allocated with `__pack_alloc` (status 1).
    #[default]
    Current,
    /// Reference 0.7 guests, which treat any non-zero status as failure:
    /// every result is written to the fixed area
    /// `[scratch_offset, scratch_offset + scratch_len)` with status 0. The
    /// area is checked against guest memory when the instance is created
    /// and on every write; a result that does not fit is the guest's fault
    /// (status -1 or a trap, per [`GuestErrors`]), never an overflow into
    /// whatever lies beyond.
    Reference07 {
        /// Start of the area in guest memory.
        scratch_offset: u32,
        /// Its size in bytes.
        scratch_len: u32,
    },
    /// "Fixed-base" guests import their memory (`env.memory`) and their
    /// allocator (`pack:alloc.alloc(size, align) -> ptr`,
    /// `pack:alloc.dealloc(ptr, size, align)`) and export `__heap_base`.
    /// The host creates the memory (at least `memory_pages` and at least
    /// what the guest asks for) and answers both allocator calls itself with
    /// a bump allocator starting at `__heap_base` that grows the memory as
    /// needed; `dealloc` is a no-op.
    FixedBase {
        /// Minimum pages of the host-created memory (docs/abi.md §5.3 asks
        /// for 128).
        memory_pages: u32,
    },
}

/// Engine settings.
///
/// ```
/// use packr_runtime::engine::{Engine, EngineConfig, EngineKind, GuestErrors};
/// let engine = Engine::new(EngineConfig {
///     kind: EngineKind::default(),
///     fuel: Some(1_000_000),
///     guest_errors: GuestErrors::Trap,
///     ..Default::default()
/// })?;
/// # Ok::<(), packr_runtime::engine::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineConfig {
    /// The backend.
    pub kind: EngineKind,
    /// Fuel each new instance starts with (`None`: no metering).
    pub fuel: Option<u64>,
    /// What a host function does when the guest's input is bad.
    pub guest_errors: GuestErrors,
    /// Bytes of the per-instance scratch area, reserved once through the
    /// guest's `__pack_alloc`, where small host results are written
    /// (status 0); larger ones are allocated in the guest (status 1).
    pub scratch_size: u32,
    /// Wall-clock budget of every export call (`None`: unlimited). A guest
    /// still running when it expires traps with [`Error::DeadlineExceeded`].
    /// wasmtime only (epoch interruption, one ticker thread per engine);
    /// on wasmi, bound guests with [`fuel`](Self::fuel).
    pub deadline: Option<std::time::Duration>,
    /// The guest generation served; see [`GuestProfile`].
    pub profile: GuestProfile,
}

#[cfg(any(feature = "wasmtime", feature = "wasmi"))]
impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            kind: EngineKind::default(),
            fuel: None,
            guest_errors: GuestErrors::Status,
            scratch_size: 4096,
            deadline: None,
            profile: GuestProfile::Current,
        }
    }
}
