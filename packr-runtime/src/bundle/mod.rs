//! Host bundles: host interfaces loaded at run time from a shared library
//! plus the WIT+ that describes them (docs/bundles.md).
//!
//! A bundle is a directory: `bundle.toml` (name, version, the interfaces
//! provided, the library per platform and its SHA-256), `wit/` (the WIT+
//! declaring those interfaces) and `lib/` (the library). The library is a
//! `cdylib` written with packr's own macros and exporting its functions
//! through [`export!`](crate::bundle_export) over the C ABI of [`abi`].
//!
//! Authoring needs no feature (a bundle crate depends on packr without
//! engines); loading ([`HostBundle`], [`BundleStates`], [`BundleSpec`])
//! needs the `bundles` feature.
//!
//! The host never decodes a bundle's values: the guest's CGRF input goes
//! to the library as it lies in guest memory, the library's CGRF output
//! goes back to the guest.

pub mod abi;
#[doc(hidden)]
pub mod export;

#[cfg(feature = "bundles")]
mod error;
#[cfg(feature = "bundles")]
mod link;
#[cfg(feature = "bundles")]
mod load;
#[cfg(feature = "bundles")]
pub mod manifest;
#[cfg(all(feature = "bundles", any(feature = "wasmtime", feature = "wasmi")))]
mod validate;

#[cfg(feature = "bundles")]
pub use error::{BundleError, BundleErrorKind};
#[cfg(feature = "bundles")]
pub use link::BundleStates;
#[cfg(feature = "bundles")]
pub use load::{BundleSpec, BundleTrust, HostBundle};
#[cfg(all(feature = "bundles", any(feature = "wasmtime", feature = "wasmi")))]
pub use validate::validate_imports;

/// Makes a crate a bundle: exports the `packr_bundle_v1` descriptor
/// symbol serving the host functions a type registers. The crate is built
/// as a `cdylib`; `wit` is the WIT+ file the functions implement, relative
/// to the crate root (its interface hashes are what the library reports).
///
/// The state type must be `Default + Send + 'static`: each instance served
/// gets its own value, created with `Default` and dropped with the
/// instance. A type with one `#[host_interface]` impl on itself needs only
/// its name; otherwise `register` says how its functions are added (a
/// `bindgen!` `add_to_linker`, several interfaces).
///
/// ```
/// use packr_runtime::bundle::abi::{ABI_VERSION, BundleV1};
///
/// /// One instance's clock: starts at 0, ticks on every call.
/// #[derive(Default)]
/// struct Clock { now: u64 }
///
/// packr_runtime::bundle_export!(Clock, wit = "../wit/theater.wit+", register = |host| {
///     host.interface("theater:simple/timer").func("now", |cx, (): ()| {
///         cx.data_mut().now += 1;
///         cx.data().now
///     })?;
///     Ok(())
/// });
///
/// // What a host reads through the `packr_bundle_v1` symbol.
/// let descriptor: &BundleV1 = unsafe { &*packr_bundle_v1() };
/// assert_eq!(descriptor.abi_version, ABI_VERSION);
/// assert_eq!(descriptor.interface_count, 1);
/// ```
///
/// With `packr`, the macro is `packr::bundle::export!`, usually over a
/// `#[host_interface]` type: `packr::bundle::export!(KvStore, wit = "wit/kv.wit+");`.
#[macro_export]
macro_rules! bundle_export {
    ($state:ty, wit = $wit:literal $(,)?) => {
        $crate::bundle_export!(
            $state,
            wit = $wit,
            register = |host| {
                <$state as $crate::interface::HostInterface<$state>>::add_to_linker(host, |s| s)
            }
        );
    };
    ($state:ty, wit = $wit:literal, register = $register:expr $(,)?) => {
        /// The bundle descriptor (packr bundle ABI version 1).
        #[unsafe(no_mangle)]
        pub extern "C" fn packr_bundle_v1() -> *const $crate::bundle::abi::BundleV1 {
            static EXPORTED: ::std::sync::OnceLock<$crate::bundle::export::Exported<$state>> =
                ::std::sync::OnceLock::new();
            $crate::bundle::export::descriptor::<$state>(
                &EXPORTED,
                ::core::include_str!(::core::concat!(
                    ::core::env!("CARGO_MANIFEST_DIR"),
                    "/",
                    $wit
                )),
                $register,
            )
        }
    };
}
