//! Serving a bundle's functions from a `HostBuilder`: each is a
//! codec-level host function that hands the guest's CGRF bytes to the
//! library and takes its CGRF result back, so interceptors, record/replay
//! and limits apply as to any host function.

use super::abi::{FunctionV1, OutputV1, status};
use super::error::{BundleError, BundleErrorKind};
use super::load::{HostBundle, Loaded};
use crate::abi::{AbiError, AbiErrorKind};
use crate::host::{HostBuilder, HostError, RegistrationError};
use std::ffi::c_void;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

/// The per-instance states of the bundles serving one instance. It lives
/// in the store state `T` (reached through the projection given to
/// [`HostBundle::add_to_linker`]), so it is dropped with the instance, and
/// each bundle's state with it.
///
/// [`BundleStates::for_bundles`] creates every state up front (so a bundle
/// that cannot create one fails before the guest runs); a state missing
/// when a function is first called is created then.
///
/// ```
/// use packr_runtime::bundle::BundleStates;
/// let states = BundleStates::default();
/// assert!(states.is_empty());
/// ```
#[derive(Default)]
pub struct BundleStates {
    states: Vec<State>,
}

struct State {
    bundle: Arc<Loaded>,
    ptr: *mut c_void,
}

impl Drop for State {
    fn drop(&mut self) {
        // SAFETY: `ptr` came from this library's `create_state`; this is
        // its only drop, after its last call.
        unsafe { ((*self.bundle.descriptor).drop_state)(self.ptr) }
    }
}

// SAFETY: the bundle ABI requires states to be movable between threads;
// `&mut` access makes each one used by one thread at a time.
unsafe impl Send for BundleStates {}

impl std::fmt::Debug for BundleStates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.states.iter().map(|s| &s.bundle.name))
            .finish()
    }
}

impl BundleStates {
    /// No states yet: each is created on its bundle's first call.
    pub fn new() -> Self {
        Self::default()
    }

    /// A state for each of `bundles`, created now.
    pub fn for_bundles<'a>(
        bundles: impl IntoIterator<Item = &'a HostBundle>,
    ) -> Result<Self, BundleError> {
        let mut states = BundleStates::new();
        for b in bundles {
            states.state(&b.inner).map_err(|_| BundleError {
                bundle: b.inner.name.clone(),
                file: b.inner.dir.clone(),
                kind: BundleErrorKind::State,
            })?;
        }
        Ok(states)
    }

    /// How many bundles have a state here.
    pub fn len(&self) -> usize {
        self.states.len()
    }

    /// True when no bundle has a state here yet.
    pub fn is_empty(&self) -> bool {
        self.states.is_empty()
    }

    /// This instance's state of `bundle`, created if needed.
    #[inline]
    fn state(&mut self, bundle: &Arc<Loaded>) -> Result<*mut c_void, ()> {
        // A handful of bundles per instance: a scan beats hashing.
        if let Some(s) = self.states.iter().find(|s| s.bundle.id == bundle.id) {
            return Ok(s.ptr);
        }
        // SAFETY: the descriptor was verified when the bundle loaded.
        let ptr = unsafe { ((*bundle.descriptor).create_state)() };
        if ptr.is_null() {
            return Err(());
        }
        self.states.push(State {
            bundle: bundle.clone(),
            ptr,
        });
        Ok(ptr)
    }
}

/// An entry of a loaded library; valid while its `Loaded` is.
#[derive(Clone, Copy)]
struct Entry(*const FunctionV1);

// SAFETY: entries are immutable and callable from any thread (bundle ABI).
unsafe impl Send for Entry {}
// SAFETY: as above.
unsafe impl Sync for Entry {}

impl HostBundle {
    /// Registers every function of the bundle on `host`, as codec-level
    /// host functions reaching this instance's [`BundleStates`] through
    /// `get` (`|s| s` when the store state is the `BundleStates`). On a
    /// name already registered nothing is added.
    ///
    /// ```no_run
    /// use packr_runtime::bundle::{BundleStates, HostBundle};
    /// use packr_runtime::host::HostBuilder;
    /// struct Store { bundles: BundleStates, calls: u32 }
    /// let kv = HostBundle::load("bundles/kv")?;
    /// let mut host = HostBuilder::<Store>::new();
    /// kv.add_to_linker(&mut host, |s| &mut s.bundles)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_to_linker<T: 'static>(
        &self,
        host: &mut HostBuilder<T>,
        get: fn(&mut T) -> &mut BundleStates,
    ) -> Result<(), RegistrationError> {
        let loaded = &self.inner;
        for i in &loaded.interfaces {
            if let Some(f) = i
                .functions
                .iter()
                .find(|f| host.get(&i.name, &f.name).is_some())
            {
                return Err(RegistrationError::Duplicate {
                    interface: i.name.clone(),
                    function: f.name.clone(),
                });
            }
        }
        for i in &loaded.interfaces {
            let mut iface = host.interface(&i.name);
            for f in &i.functions {
                let bundle = loaded.clone();
                let entry = Entry(f.entry);
                iface.func_codec(&f.name, move |cx, input, out| {
                    let state = get(cx.data_mut()).state(&bundle).map_err(|()| {
                        HostError::Trap(format!(
                            "bundle `{}` could not create an instance's state",
                            bundle.name
                        ))
                    })?;
                    call(&bundle, entry, state, input, out)
                })?;
            }
        }
        Ok(())
    }
}

/// One call through the C boundary.
#[inline]
fn call(
    bundle: &Loaded,
    entry: Entry,
    state: *mut c_void,
    input: &[u8],
    out: &mut Vec<u8>,
) -> Result<(), HostError> {
    let start = out.len();
    let mut output = OutputV1 {
        ctx: out as *mut Vec<u8> as *mut c_void,
        write: append,
    };
    // SAFETY: `entry` belongs to `bundle`'s library, which `bundle` keeps
    // loaded; `state` is this instance's state of it; the input and the
    // output outlive the call.
    let code =
        unsafe { ((*entry.0).call)(entry.0, state, input.as_ptr(), input.len(), &mut output) };
    if code == status::OK {
        return Ok(());
    }
    let message = String::from_utf8_lossy(&out[start..]).into_owned();
    out.truncate(start);
    // SAFETY: as above.
    let function = unsafe { String::from_utf8_lossy((*entry.0).name.bytes()) };
    let what = format!("bundle `{}` function `{function}`", bundle.name);
    Err(match code {
        status::BAD_INPUT => HostError::BadInput(AbiError::new(AbiErrorKind::Invalid(format!(
            "{what}: {message}"
        )))),
        status::PANIC => HostError::Trap(format!("{what} panicked: {message}")),
        status::ERROR => HostError::Trap(format!("{what} failed: {message}")),
        other => HostError::Trap(format!("{what} returned unknown status {other}: {message}")),
    })
}

/// The host's side of [`OutputV1::write`]: appends to the `Vec<u8>` at `ctx`.
unsafe extern "C" fn append(ctx: *mut c_void, bytes: *const u8, len: usize) -> i32 {
    if ctx.is_null() || (bytes.is_null() && len > 0) {
        return 1;
    }
    // SAFETY: `ctx` is the `Vec<u8>` `call` passed, `bytes` the bundle's
    // `len` bytes.
    let (out, bytes) = unsafe {
        (
            &mut *(ctx as *mut Vec<u8>),
            super::abi::StrV1 { ptr: bytes, len }.bytes(),
        )
    };
    // Growing the buffer may panic on overflow; it must not unwind into C.
    match catch_unwind(AssertUnwindSafe(|| out.extend_from_slice(bytes))) {
        Ok(()) => 0,
        Err(_) => 1,
    }
}
