//! The bundle C ABI, version 1: the `#[repr(C)]` types a bundle library
//! and a host exchange (docs/bundles.md is the normative description).
//!
//! A bundle library exports one symbol, [`SYMBOL`], an `extern "C"`
//! function taking nothing and returning a pointer to a [`BundleV1`]
//! descriptor that stays valid for as long as the library is loaded. Every
//! pointer in the descriptor points into memory the library owns; the host
//! only reads it.
//!
//! ```
//! use packr_runtime::bundle::abi::{ABI_VERSION, SYMBOL, status};
//! assert_eq!(SYMBOL, "packr_bundle_v1");
//! assert_eq!(ABI_VERSION, 1);
//! assert_ne!(status::OK, status::PANIC);
//! ```

use std::ffi::c_void;

/// The name of the descriptor function every bundle library exports.
pub const SYMBOL: &str = "packr_bundle_v1";

/// The ABI version this crate writes and reads.
pub const ABI_VERSION: u32 = 1;

/// The status a [`FunctionV1::call`] returns.
pub mod status {
    /// The output buffer holds the function's CGRF result.
    pub const OK: i32 = 0;
    /// The input was not valid CGRF of the parameter types (the guest's
    /// fault); the output buffer holds a UTF-8 message.
    pub const BAD_INPUT: i32 = 1;
    /// The function failed (it asked to trap the guest, or its result
    /// could not be encoded); the output buffer holds a UTF-8 message.
    pub const ERROR: i32 = 2;
    /// The function panicked; the panic stopped at the C boundary and the
    /// output buffer holds its message. The state stays usable.
    pub const PANIC: i32 = 3;
    /// The state pointer was null (the host never passes one; a bundle
    /// reports it rather than dereferencing it).
    pub const NO_STATE: i32 = 4;
}

/// A borrowed UTF-8 string: `len` bytes at `ptr` (`ptr` may dangle when
/// `len` is 0).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct StrV1 {
    /// The first byte.
    pub ptr: *const u8,
    /// How many bytes.
    pub len: usize,
}

impl StrV1 {
    /// A view of `s`; it must outlive every use of the view.
    pub const fn new(s: &str) -> StrV1 {
        StrV1 {
            ptr: s.as_ptr(),
            len: s.len(),
        }
    }

    /// The empty string.
    pub const EMPTY: StrV1 = StrV1::new("");

    /// The bytes viewed.
    ///
    /// # Safety
    /// `ptr` must point at `len` readable bytes that live for `'a`.
    pub unsafe fn bytes<'a>(self) -> &'a [u8] {
        if self.len == 0 {
            return &[];
        }
        // SAFETY: the caller vouches for `ptr..ptr + len`.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }
}

/// Where a function writes its output: the host's buffer and the host's
/// function that appends to it.
#[repr(C)]
pub struct OutputV1 {
    /// The host's buffer, opaque to the bundle.
    pub ctx: *mut c_void,
    /// Appends `len` bytes at `bytes` to the buffer; returns 0, or non-zero
    /// when the host could not take them (the bundle then returns
    /// [`status::ERROR`]). May be called several times; the host's buffer
    /// is empty when the call starts.
    pub write: unsafe extern "C" fn(ctx: *mut c_void, bytes: *const u8, len: usize) -> i32,
}

/// The entry of one function.
///
/// `function` is the [`FunctionV1`] the entry was read from (so one entry
/// can serve many functions), `state` a pointer [`BundleV1::create_state`]
/// returned, `input`/`input_len` the CGRF input bytes. The result (status
/// [`status::OK`]) or a message (any other status) goes to `output`.
pub type CallV1 = unsafe extern "C" fn(
    function: *const FunctionV1,
    state: *mut c_void,
    input: *const u8,
    input_len: usize,
    output: *mut OutputV1,
) -> i32;

/// One function of an interface.
#[repr(C)]
pub struct FunctionV1 {
    /// The function's WIT name.
    pub name: StrV1,
    /// Its entry.
    pub call: CallV1,
    /// Data for the entry, opaque to the host.
    pub data: *const c_void,
}

/// One interface a bundle provides.
#[repr(C)]
pub struct InterfaceV1 {
    /// Its qualified name (`ns:pkg/iface`).
    pub name: StrV1,
    /// Its structural hash (docs/abi.md), computed from the WIT+ the
    /// library was built against.
    pub hash: [u8; 32],
    /// `function_count` functions at `functions`.
    pub functions: *const FunctionV1,
    /// How many functions.
    pub function_count: usize,
}

/// What [`SYMBOL`] returns.
#[repr(C)]
pub struct BundleV1 {
    /// [`ABI_VERSION`] for this layout. A host reads nothing else from a
    /// descriptor whose version it does not know.
    pub abi_version: u32,
    /// Empty, or why the library could not build its descriptor (then the
    /// host reads nothing further).
    pub error: StrV1,
    /// `interface_count` interfaces at `interfaces`.
    pub interfaces: *const InterfaceV1,
    /// How many interfaces.
    pub interface_count: usize,
    /// Creates one instance's state; null when it cannot.
    pub create_state: unsafe extern "C" fn() -> *mut c_void,
    /// Drops a state `create_state` returned (once, after its last call).
    pub drop_state: unsafe extern "C" fn(state: *mut c_void),
}

/// The type of [`SYMBOL`].
pub type DescriptorFnV1 = unsafe extern "C" fn() -> *const BundleV1;
