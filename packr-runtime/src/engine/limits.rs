//! Caps on what one guest may take from the host: linear memory and table
//! elements per instance (enforced by each engine's resource limiter, see
//! the backends), and live instances per engine.

use super::{EngineConfig, Error};
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A cap an instance ran into: the guest asked for more than its
/// [`EngineConfig`] allows and the request failed inside the guest
/// (`memory.grow` or `table.grow` returned -1). The first one is kept.
///
/// ```
/// use packr_runtime::engine::LimitHit;
/// let hit = LimitHit::Memory { requested: 128 << 20, cap: 64 << 20 };
/// assert_eq!(hit.to_string(), "the guest asked for 134217728 bytes of memory, past its cap of 67108864");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LimitHit {
    /// Linear memory ([`EngineConfig::max_memory_bytes`]).
    Memory {
        /// The size in bytes the guest asked to grow to.
        requested: u64,
        /// The cap.
        cap: u64,
    },
    /// Table elements ([`EngineConfig::max_table_elements`]).
    Table {
        /// The number of elements the guest asked to grow to.
        requested: u64,
        /// The cap.
        cap: u64,
    },
}

impl fmt::Display for LimitHit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LimitHit::Memory { requested, cap } => write!(
                f,
                "the guest asked for {requested} bytes of memory, past its cap of {cap}"
            ),
            LimitHit::Table { requested, cap } => write!(
                f,
                "the guest asked for a table of {requested} elements, past its cap of {cap}"
            ),
        }
    }
}

/// The per-instance caps, kept in the store; both engines' limiters
/// delegate to it.
#[derive(Debug)]
pub(crate) struct GuestLimits {
    max_memory: u64,
    max_table: u64,
    pub(crate) hit: Option<LimitHit>,
}

impl GuestLimits {
    pub(crate) fn new(config: &EngineConfig) -> Self {
        GuestLimits {
            max_memory: config.max_memory_bytes,
            max_table: u64::from(config.max_table_elements),
            hit: None,
        }
    }

    /// May a memory grow to `desired` bytes?
    pub(crate) fn memory_growing(&mut self, desired: usize) -> bool {
        let requested = desired as u64;
        if requested <= self.max_memory {
            return true;
        }
        self.hit.get_or_insert(LimitHit::Memory {
            requested,
            cap: self.max_memory,
        });
        false
    }

    /// May a table grow to `desired` elements?
    pub(crate) fn table_growing(&mut self, desired: usize) -> bool {
        let requested = desired as u64;
        if requested <= self.max_table {
            return true;
        }
        self.hit.get_or_insert(LimitHit::Table {
            requested,
            cap: self.max_table,
        });
        false
    }
}

/// The count of an engine's live instances.
#[derive(Debug, Clone, Default)]
pub(crate) struct LiveInstances(Arc<AtomicUsize>);

impl LiveInstances {
    /// Counts one more instance, or refuses when `max` are alive.
    pub(crate) fn enter(&self, max: usize) -> Result<LiveGuard, Error> {
        self.0
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < max).then_some(n + 1)
            })
            .map_err(|_| Error::TooManyInstances { max })?;
        Ok(LiveGuard(self.0.clone()))
    }
}

/// Held by an instance; its drop frees the instance's place.
#[derive(Debug)]
pub(crate) struct LiveGuard(Arc<AtomicUsize>);

impl Drop for LiveGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}
