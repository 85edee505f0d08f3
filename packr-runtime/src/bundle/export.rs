//! The authoring side: what `packr::bundle::export!` expands to calls
//! these functions, which turn the host functions a type registers (with
//! `#[host_interface]` or a `bindgen!` `add_to_linker`) into a
//! [`BundleV1`] descriptor. The functions are the same codec-level
//! functions a `HostBuilder` holds when the type is linked directly: a
//! bundle adds a C boundary, not a second codec.

use super::abi::{self, BundleV1, FunctionV1, InterfaceV1, OutputV1, StrV1, status};
use crate::host::{CodecFn, Ctx, HostBody, HostBuilder, HostError, RegistrationError};
use crate::wit::Package;
use std::ffi::c_void;
use std::marker::PhantomData;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, OnceLock};

/// How a bundle registers its functions: `|host| Type::add_to_linker(host, |s| s)`.
pub type Register<S> = fn(&mut HostBuilder<S>) -> Result<(), RegistrationError>;

/// One instance's state inside the bundle: the user's type and the
/// buffer its results are encoded into (reused call after call).
struct BundleState<S> {
    data: S,
    out: Vec<u8>,
}

/// A built descriptor and everything its pointers point into. Built once
/// per loaded library and never changed afterwards.
#[doc(hidden)]
pub struct Exported<S> {
    descriptor: BundleV1,
    _error: String,
    _names: Vec<String>,
    _interfaces: Vec<InterfaceV1>,
    _functions: Vec<Vec<FunctionV1>>,
    // Boxed so each `Arc` keeps its address while the `Vec` grows: the
    // entries' `data` points at it.
    #[allow(clippy::vec_box)]
    _bodies: Vec<Box<Arc<CodecFn<S>>>>,
    _state: PhantomData<fn() -> S>,
}

// SAFETY: the raw pointers point into the heap buffers this value owns,
// which are only read after construction; the bodies are `Send + Sync`.
unsafe impl<S> Send for Exported<S> {}
// SAFETY: as above.
unsafe impl<S> Sync for Exported<S> {}

/// The descriptor behind a bundle's `packr_bundle_v1` symbol: built on the
/// first call from the functions `register` adds and the embedded WIT+
/// text `wit`, then returned again. Null if building it panicked.
#[doc(hidden)]
pub fn descriptor<S: Default + Send + 'static>(
    cell: &'static OnceLock<Exported<S>>,
    wit: &'static str,
    register: Register<S>,
) -> *const BundleV1 {
    catch_unwind(AssertUnwindSafe(|| {
        &cell.get_or_init(|| build(wit, register)).descriptor as *const BundleV1
    }))
    .unwrap_or(std::ptr::null())
}

fn build<S: Default + Send + 'static>(wit: &str, register: Register<S>) -> Exported<S> {
    let mut exported = Exported {
        descriptor: BundleV1 {
            abi_version: abi::ABI_VERSION,
            error: StrV1::EMPTY,
            interfaces: std::ptr::null(),
            interface_count: 0,
            create_state: create_state::<S>,
            drop_state: drop_state::<S>,
        },
        _error: String::new(),
        _names: Vec::new(),
        _interfaces: Vec::new(),
        _functions: Vec::new(),
        _bodies: Vec::new(),
        _state: PhantomData,
    };
    match collect(wit, register) {
        Err(error) => {
            exported._error = error;
            exported.descriptor.error = StrV1::new(&exported._error);
        }
        Ok(interfaces) => {
            // Every `String`, `Vec` and `Box` below keeps its heap buffer
            // when moved into `exported`, so the views stay valid.
            for (name, hash, functions) in interfaces {
                let mut entries = Vec::with_capacity(functions.len());
                for (fname, body) in functions {
                    let body = Box::new(body);
                    entries.push(FunctionV1 {
                        name: StrV1::new(&fname),
                        call: call::<S>,
                        data: &*body as *const Arc<CodecFn<S>> as *const c_void,
                    });
                    exported._names.push(fname);
                    exported._bodies.push(body);
                }
                exported._interfaces.push(InterfaceV1 {
                    name: StrV1::new(&name),
                    hash,
                    functions: entries.as_ptr(),
                    function_count: entries.len(),
                });
                exported._names.push(name);
                exported._functions.push(entries);
            }
            exported.descriptor.interfaces = exported._interfaces.as_ptr();
            exported.descriptor.interface_count = exported._interfaces.len();
        }
    }
    exported
}

type Collected<S> = Vec<(String, [u8; 32], Vec<(String, Arc<CodecFn<S>>)>)>;

/// The registered functions grouped by interface, each interface with its
/// hash from `wit`; or why they cannot be served through the C ABI.
fn collect<S>(wit: &str, register: Register<S>) -> Result<Collected<S>, String> {
    let mut host = HostBuilder::<S>::new();
    register(&mut host).map_err(|e| e.to_string())?;
    let package = Package::parse("the bundle's embedded WIT+", wit)
        .map_err(|e| format!("the WIT+ the bundle was built with does not parse: {e}"))?;
    let mut interfaces: Collected<S> = Vec::new();
    for f in host.functions() {
        let body = match f.body() {
            HostBody::Sync(body) => body.clone(),
            HostBody::Async(_) => {
                return Err(format!(
                    "{}.{} is async; bundle functions are synchronous in ABI v1",
                    f.interface(),
                    f.name()
                ));
            }
            HostBody::Raw { .. } => {
                return Err(format!(
                    "{}.{} is a raw core-wasm function; bundles serve Graph ABI functions only",
                    f.interface(),
                    f.name()
                ));
            }
        };
        let at = match interfaces.iter().position(|(n, ..)| n == f.interface()) {
            Some(at) => at,
            None => {
                let hash = package.interface_hash(f.interface()).ok_or_else(|| {
                    format!(
                        "the WIT+ the bundle was built with declares no interface `{}`",
                        f.interface()
                    )
                })?;
                interfaces.push((f.interface().to_string(), hash, Vec::new()));
                interfaces.len() - 1
            }
        };
        interfaces[at].2.push((f.name().to_string(), body));
    }
    Ok(interfaces)
}

unsafe extern "C" fn create_state<S: Default>() -> *mut c_void {
    catch_unwind(|| {
        Box::into_raw(Box::new(BundleState {
            data: S::default(),
            out: Vec::new(),
        })) as *mut c_void
    })
    .unwrap_or(std::ptr::null_mut())
}

unsafe extern "C" fn drop_state<S>(state: *mut c_void) {
    if state.is_null() {
        return;
    }
    // SAFETY: the host passes back a pointer `create_state::<S>` returned,
    // once. A panicking `Drop` stops here.
    let _ = catch_unwind(AssertUnwindSafe(|| unsafe {
        drop(Box::from_raw(state as *mut BundleState<S>))
    }));
}

/// The entry of every function: runs the codec-level function the
/// descriptor's `data` points at on the state, with panics stopped here.
unsafe extern "C" fn call<S>(
    function: *const FunctionV1,
    state: *mut c_void,
    input: *const u8,
    input_len: usize,
    output: *mut OutputV1,
) -> i32 {
    if state.is_null() || function.is_null() || output.is_null() {
        return status::NO_STATE;
    }
    // SAFETY: `function` is one of this descriptor's entries, whose `data`
    // is the `Arc` boxed next to it; `state` came from `create_state::<S>`
    // and the host uses it from one thread at a time; the input is the
    // host's `input_len` bytes.
    let (body, st, input) = unsafe {
        let body = &*((*function).data as *const Arc<CodecFn<S>>);
        let st = &mut *(state as *mut BundleState<S>);
        let input = StrV1 {
            ptr: input,
            len: input_len,
        }
        .bytes();
        (body, st, input)
    };
    let run = catch_unwind(AssertUnwindSafe(|| {
        st.out.clear();
        body(&mut Ctx::new(&mut st.data), input, &mut st.out)
    }));
    let (code, message) = match run {
        Ok(Ok(())) => (status::OK, None),
        Ok(Err(HostError::BadInput(e))) => (status::BAD_INPUT, Some(e.to_string())),
        Ok(Err(e)) => (status::ERROR, Some(e.to_string())),
        Err(panic) => (status::PANIC, Some(panic_message(&*panic))),
    };
    let bytes = message.as_deref().map_or(&st.out[..], str::as_bytes);
    // SAFETY: the host's output, valid for this call.
    let written = unsafe { ((*output).write)((*output).ctx, bytes.as_ptr(), bytes.len()) };
    if written != 0 && code == status::OK {
        return status::ERROR;
    }
    code
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a non-string panic payload".to_string())
}
