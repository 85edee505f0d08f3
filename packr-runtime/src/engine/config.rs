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
/// Fields are public, and every field also has a builder method of the
/// same name, so a configuration reads as one expression and new settings
/// can be added without breaking anyone:
///
/// ```
/// use packr_runtime::engine::{Engine, EngineConfig, EngineKind, GuestErrors};
/// let engine = Engine::new(
///     EngineConfig::default()
///         .kind(EngineKind::default())
///         .call_fuel(Some(1_000_000))
///         .max_memory_bytes(64 << 20)
///         .guest_errors(GuestErrors::Trap),
/// )?;
/// # Ok::<(), packr_runtime::engine::Error>(())
/// ```
///
/// The defaults protect the host from a guest that misbehaves: at most
/// [`DEFAULT_MAX_MEMORY_BYTES`](Self::DEFAULT_MAX_MEMORY_BYTES) of linear
/// memory and [`DEFAULT_MAX_TABLE_ELEMENTS`](Self::DEFAULT_MAX_TABLE_ELEMENTS)
/// table elements per instance, and at most
/// [`DEFAULT_MAX_INSTANCES`](Self::DEFAULT_MAX_INSTANCES) live instances per
/// engine. Fuel and deadlines are off by default (they cost time on every
/// call); README's "Running untrusted guests" says when to turn them on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineConfig {
    /// The backend.
    pub kind: EngineKind,
    /// Fuel each new instance starts with, a budget for the instance's
    /// whole life (`None`: no per-instance budget). Once spent, every later
    /// call fails with [`Error::OutOfFuel`] until
    /// [`Instance::set_fuel`](super::Instance::set_fuel) adds more. To bound
    /// each call instead, use [`call_fuel`](Self::call_fuel).
    pub fuel: Option<u64>,
    /// Fuel every export call starts with, refilled before each call
    /// (`None`: no per-call budget). With [`fuel`](Self::fuel) also set, a
    /// call gets the smaller of the two and what it burns comes off the
    /// instance's budget. This is the way to bound the work of each call.
    pub call_fuel: Option<u64>,
    /// What a host function does when the guest's input is bad.
    pub guest_errors: GuestErrors,
    /// Bytes of the per-instance scratch area, reserved once through the
    /// guest's `__pack_alloc`, where small host results are written
    /// (status 0); larger ones are allocated in the guest (status 1).
    pub scratch_size: u32,
    /// Wall-clock budget of every export call, from its start to its
    /// result, including the time spent awaiting async host functions
    /// (`None`: unlimited). When it expires the call returns
    /// [`Error::DeadlineExceeded`]: an async host function's future is
    /// dropped, and on wasmtime running guest code is interrupted (epoch
    /// interruption, one ticker thread per engine). wasmi cannot interrupt
    /// guest code: there the deadline is checked whenever the guest calls
    /// the host and while async host functions wait, and guest code between
    /// host calls must be bounded with [`call_fuel`](Self::call_fuel).
    pub deadline: Option<std::time::Duration>,
    /// The guest generation served; see [`GuestProfile`].
    pub profile: GuestProfile,
    /// Live resources (objects behind handles) an instance may hold; one
    /// more is an error for the guest
    /// ([`ResourceError::Full`](crate::resource::ResourceError::Full)).
    /// Default [`ResourceTable::DEFAULT_MAX_LIVE`](crate::resource::ResourceTable::DEFAULT_MAX_LIVE)
    /// (100,000), capped at 2^20.
    pub max_resources: u32,
    /// The wire version instances speak to their guest (`None`: chosen per
    /// instance). Without it, an instance speaks the version of the guest's
    /// `__pack_types` blob, else the version of the first buffer the guest
    /// sends, else version 2; see [`Instance::wire`](super::Instance::wire).
    /// Host functions always answer in the version of their input.
    pub wire: Option<crate::abi::Wire>,
    /// The most linear memory one instance may have, in bytes. A
    /// `memory.grow` past it returns -1 inside the guest (as wasm specifies
    /// for a failed grow), the host carries on, and
    /// [`Instance::limit_hit`](super::Instance::limit_hit) reports it. A
    /// module whose initial memory is already larger fails to instantiate.
    pub max_memory_bytes: u64,
    /// The most elements one table of an instance may have; `table.grow`
    /// past it returns -1 inside the guest.
    pub max_table_elements: u32,
    /// The most instances of this engine alive at once; instantiating one
    /// more fails with [`Error::TooManyInstances`] until one is dropped.
    pub max_instances: usize,
}

impl EngineConfig {
    /// Default [`max_memory_bytes`](Self::max_memory_bytes): 256 MiB, room
    /// for any ordinary guest while a handful of runaway ones cannot take
    /// a host down.
    pub const DEFAULT_MAX_MEMORY_BYTES: u64 = 256 << 20;
    /// Default [`max_table_elements`](Self::max_table_elements).
    pub const DEFAULT_MAX_TABLE_ELEMENTS: u32 = 100_000;
    /// Default [`max_instances`](Self::max_instances).
    pub const DEFAULT_MAX_INSTANCES: usize = 10_000;
}

macro_rules! builder {
    ($($(#[$doc:meta])* $field:ident: $ty:ty;)*) => {
        impl EngineConfig {
            $(
                $(#[$doc])*
                #[must_use]
                pub fn $field(mut self, $field: $ty) -> Self {
                    self.$field = $field;
                    self
                }
            )*
        }
    };
}

builder! {
    /// Sets [`kind`](Self::kind).
    kind: EngineKind;
    /// Sets [`fuel`](Self::fuel).
    fuel: Option<u64>;
    /// Sets [`call_fuel`](Self::call_fuel).
    call_fuel: Option<u64>;
    /// Sets [`guest_errors`](Self::guest_errors).
    guest_errors: GuestErrors;
    /// Sets [`scratch_size`](Self::scratch_size).
    scratch_size: u32;
    /// Sets [`deadline`](Self::deadline).
    deadline: Option<std::time::Duration>;
    /// Sets [`profile`](Self::profile).
    profile: GuestProfile;
    /// Sets [`max_memory_bytes`](Self::max_memory_bytes).
    max_memory_bytes: u64;
    /// Sets [`max_table_elements`](Self::max_table_elements).
    max_table_elements: u32;
    /// Sets [`max_instances`](Self::max_instances).
    max_instances: usize;
    /// Sets [`wire`](Self::wire).
    wire: Option<crate::abi::Wire>;
    /// Sets [`max_resources`](Self::max_resources).
    max_resources: u32;
}

impl EngineConfig {
    /// True when instances meter fuel (a per-instance or per-call budget).
    pub(crate) fn meters_fuel(&self) -> bool {
        self.fuel.is_some() || self.call_fuel.is_some()
    }
}

#[cfg(any(feature = "wasmtime", feature = "wasmi"))]
impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            kind: EngineKind::default(),
            fuel: None,
            call_fuel: None,
            guest_errors: GuestErrors::Status,
            scratch_size: 4096,
            deadline: None,
            profile: GuestProfile::Current,
            max_memory_bytes: Self::DEFAULT_MAX_MEMORY_BYTES,
            max_table_elements: Self::DEFAULT_MAX_TABLE_ELEMENTS,
            max_instances: Self::DEFAULT_MAX_INSTANCES,
            wire: None,
            max_resources: crate::resource::ResourceTable::DEFAULT_MAX_LIVE,
        }
    }
}
