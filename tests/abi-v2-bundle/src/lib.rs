//! A test fixture for `tests/bundles.rs`: a library exporting the bundle
//! descriptor symbol whose descriptor claims ABI version 2, as a bundle
//! built by a future packr would. A version-1 host must refuse it after
//! reading the version field alone.

/// Every version's descriptor starts with its version.
#[repr(C)]
pub struct FutureDescriptor {
    abi_version: u32,
    /// Fields a version-1 host must not read.
    unknown: [u64; 4],
}

static DESCRIPTOR: FutureDescriptor = FutureDescriptor {
    abi_version: 2,
    unknown: [u64::MAX; 4],
};

/// The descriptor symbol of packr's bundle ABI.
#[unsafe(no_mangle)]
pub extern "C" fn packr_bundle_v1() -> *const FutureDescriptor {
    &DESCRIPTOR
}
