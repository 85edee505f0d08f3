//! # packr
//!
//! Generate the host side of WebAssembly embeddings: typed host functions,
//! typed calls into guests, and deterministic record/replay, over the Graph
//! ABI (a self-describing graph encoding that crosses guest memory).
//!
//! This facade is the crate users depend on; it re-exports the runtime
//! ([`packr_runtime`]) and the macros.
//!
//! ```
//! use packr::GraphValue;
//!
//! #[derive(GraphValue, Debug, PartialEq)]
//! struct Point { x: i32, y: i32 }
//!
//! let bytes = packr::abi::encode(&Point { x: 1, y: -2 }).unwrap();
//! let back: Point = packr::abi::decode_as(&bytes).unwrap();
//! assert_eq!(back, Point { x: 1, y: -2 });
//! ```

pub use packr_runtime::abi;
pub use packr_runtime::abi::{GraphValue, Value};
pub use packr_runtime::host;
pub use packr_runtime::host::{Ctx, Trap};
pub use packr_runtime::intercept;
pub use packr_runtime::interface;
pub use packr_runtime::interface::HostInterface;
pub use packr_runtime::record;
pub use packr_runtime::resource;
/// `tracing` spans and events for every call across the guest boundary
/// (feature `tracing`).
pub use packr_runtime::trace;
pub use packr_runtime::wit;

/// Registers every method of an impl block as a host function of one
/// interface, by implementing [`HostInterface`] for the handler type. See
/// [`packr_macros::host_interface`] for every rule.
///
/// Generated, next to the impl block (which stays as written):
/// `impl HostInterface<S> for Type` with
/// [`INTERFACE`](HostInterface::INTERFACE) (the interface path),
/// [`add_to_linker`](HostInterface::add_to_linker) (registers every method
/// on a `HostBuilder<S>`, the handler reached through `get`) and
/// [`functions`](HostInterface::functions) (each function's WIT name,
/// parameters, result and asyncness).
///
/// ```
/// use packr::host::HostBuilder;
/// use packr::HostInterface;
///
/// #[derive(Default)]
/// struct Runtime { lines: Vec<String> }
///
/// #[packr::host_interface("theater:simple/runtime")]
/// impl Runtime {
///     fn log(&mut self, msg: String) { self.lines.push(msg) }
///     #[host(name = "self")]
///     fn actor_id(&self) -> String { "actor-1".into() }
///     fn shutdown(&mut self, data: Option<Vec<u8>>) -> Result<(), String> {
///         if data.is_some() { Ok(()) } else { Err("no final state".into()) }
///     }
///     async fn fetch(&mut self, url: String) -> Result<Vec<u8>, String> {
///         Err(format!("offline: {url}"))
///     }
/// }
///
/// #[derive(Default)]
/// struct ActorStore { runtime: Runtime }
///
/// let mut host = HostBuilder::<ActorStore>::new();
/// Runtime::add_to_linker(&mut host, |store| &mut store.runtime)?;
/// let described: Vec<String> = <Runtime as HostInterface<ActorStore>>::functions()
///     .iter().map(ToString::to_string).collect();
/// assert_eq!(described[1], "self: func() -> string");
/// assert_eq!(described[3], "fetch: async func(url: string) -> result<list<u8>, string>");
/// # Ok::<(), packr::host::RegistrationError>(())
/// ```
pub use packr_macros::host_interface;

/// Rust bindings from a WIT+ world; see [`packr_macros::bindgen`] for
/// every option and the WIT → Rust type mapping.
///
/// Generated at the call site, for world `w`:
///
/// * `mod iface` per interface of the package, holding its types (records
///   as structs, variants and enums as enums, flags as bit sets, aliases and
///   `use`d types as `type` aliases), all `GraphValue`;
/// * per imported interface `iface::Host` (one method per function) and
///   `iface::add_to_linker(&mut HostBuilder<T>, get)`;
/// * per exported interface `iface::Exports<'_, T>`: `Exports::new(&mut
///   instance)`, then `call_f(...)` and `call_f_async(...)` per function;
/// * for functions the world exports directly, `WExports<'_, T>` (world
///   `mirror` → `MirrorExports`) with the same methods.
///
/// ```
/// packr::bindgen!("wit/tree.wit+");   // world `mirror`: imports `host`, exports `run`, `measure`
///
/// struct Mirror;
///
/// impl host::Host for Mirror {
///     fn mirror(&mut self, t: types::Tree) -> types::Tree { t }
///     fn depth(&mut self, _n: types::Node, _limit: u32) -> Result<u32, String> { Ok(1) }
/// }
///
/// fn main() -> Result<(), Box<dyn std::error::Error>> {
///     let mut builder = packr::host::HostBuilder::<Mirror>::new();
///     host::add_to_linker(&mut builder, |s| s)?;
///     let engine = packr::engine::Engine::default();
///     let module = packr::engine::Module::from_wat(&engine, include_str!("../tests/guests/mirror.wat"))?;
///     let mut instance = engine.link(&module, &builder)?.instantiate(Mirror)?;
///     let node = types::Node { label: "a".into(), color: types::Color::Red, child: None };
///     assert_eq!(MirrorExports::new(&mut instance).call_measure(node, 10)?, Ok(1));
///     Ok(())
/// }
/// ```
pub use packr_macros::bindgen;

#[cfg(any(feature = "wasmtime", feature = "wasmi"))]
pub use packr_runtime::engine;

/// Host bundles: host interfaces loaded at run time from a shared library
/// plus its WIT+ (docs/bundles.md). Authoring ([`export!`](bundle::export))
/// needs no feature; loading ([`HostBundle`](bundle::HostBundle)) needs the
/// `bundles` feature.
pub mod bundle {
    pub use packr_runtime::bundle::*;
    /// Makes a crate a bundle; see [`packr_runtime::bundle_export`].
    ///
    /// ```
    /// #[derive(Default)]
    /// struct Greeter { greeted: u32 }
    ///
    /// #[packr::host_interface("theater:simple/runtime")]
    /// impl Greeter {
    ///     fn log(&mut self, _msg: String) { self.greeted += 1 }
    ///     #[host(name = "self")]
    ///     fn actor_id(&self) -> String { format!("greeter-{}", self.greeted) }
    ///     fn shutdown(&mut self, _data: Option<Vec<u8>>) -> Result<(), String> { Ok(()) }
    /// }
    ///
    /// // In a `cdylib` crate: exports the `packr_bundle_v1` symbol.
    /// packr::bundle::export!(Greeter, wit = "wit/theater.wit+");
    /// # let descriptor = unsafe { &*packr_bundle_v1() };
    /// # assert_eq!(descriptor.abi_version, packr::bundle::abi::ABI_VERSION);
    /// # assert!(descriptor.error.len == 0);
    /// ```
    pub use packr_runtime::bundle_export as export;
}

#[cfg(any(feature = "wasmtime", feature = "wasmi"))]
pub use packr_runtime::compose;

/// Derives [`GraphValue`](trait@GraphValue): named structs become records,
/// tuple structs tuples, unit structs the empty tuple, enums variants
/// (struct variants carry one record named like the case). Records decode
/// by field name, variants by tag. Attributes go in `#[graph(...)]`:
/// `rename`, `rename_all`, `crate` on the type; `rename`, `tag`,
/// `rename_all` on a variant; `rename`, `default` on a field.
///
/// ```
/// use packr::GraphValue;
///
/// #[derive(GraphValue, Debug, PartialEq)]
/// #[graph(rename = "point")]
/// struct Point { x: i32, y: i32 }
///
/// #[derive(GraphValue, Debug, PartialEq)]
/// #[graph(rename = "shape", rename_all = "kebab-case")]
/// enum Shape {
///     Circle(f64),
///     BoundingBox { min: Point, max: Point },
///     #[graph(tag = 10)]
///     Empty,
/// }
///
/// let shape = Shape::BoundingBox { min: Point { x: 0, y: 0 }, max: Point { x: 2, y: 1 } };
/// let bytes = packr::abi::encode(&shape)?;
/// assert_eq!(packr::abi::decode_as::<Shape>(&bytes)?, shape);
/// assert_eq!(
///     packr::abi::decode(&bytes)?.to_string(),
///     "bounding-box(bounding-box { min: point { x: 0, y: 0 }, max: point { x: 2, y: 1 } })",
/// );
///
/// #[derive(GraphValue, Debug, PartialEq)]
/// struct Config {
///     name: String,
///     #[graph(default)]
///     retries: u32,
/// }
/// // Records decode by field name; a `default` field may be missing.
/// let old = packr::Value::Record {
///     type_name: "Config".into(),
///     fields: vec![("name".into(), "c".into())],
/// };
/// let config: Config = packr::abi::decode_as(&packr::abi::encode(&old)?)?;
/// assert_eq!(config, Config { name: "c".into(), retries: 0 });
/// # Ok::<(), packr::abi::AbiError>(())
/// ```
pub use packr_derive::GraphValue;

/// The README's Rust examples, compiled (and run) as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// The Rust examples of docs/guests.md, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../docs/guests.md")]
pub struct GuestsDoctests;
