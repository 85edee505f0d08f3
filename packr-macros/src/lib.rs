//! `#[packr::host_interface]`: a Rust impl block becomes a registered host
//! interface. Use it through the `packr` facade; see
//! [`macro@host_interface`].
//!
//! Laid out like packr-derive: `args` parses the attribute, `method`
//! checks each method and builds its model (every misuse reported on the
//! user's token), `expand` writes the code. Errors are collected and
//! emitted together next to the user's impl, unchanged, so one mistake
//! does not cascade.

mod args;
mod bindgen;
mod expand;
mod method;
mod paths;
mod wit_check;

use proc_macro::TokenStream;

/// Registers every method of an impl block as a host function of one
/// interface, by implementing `packr::HostInterface` for the type.
///
/// ```
/// use packr::host::HostBuilder;
/// use packr::HostInterface; // brings `add_to_linker` into scope
///
/// #[derive(Default)]
/// struct RuntimeHost { lines: Vec<String>, id: String }
///
/// #[packr::host_interface("theater:simple/runtime")]
/// impl RuntimeHost {
///     fn log(&mut self, msg: String) { self.lines.push(msg) }
///     #[host(name = "self")]
///     fn actor_id(&self) -> String { self.id.clone() }
///     async fn fetch(&mut self, url: String) -> Result<Vec<u8>, String> {
///         Err(format!("offline: {url}"))
///     }
/// }
///
/// #[derive(Default)]
/// struct Store { runtime: RuntimeHost }
///
/// let mut host = HostBuilder::<Store>::new();
/// RuntimeHost::add_to_linker(&mut host, |store| &mut store.runtime)?;
/// # Ok::<(), packr::host::RegistrationError>(())
/// ```
///
/// * WIT names are the method names in kebab-case; `#[host(name = "...")]`
///   overrides, `#[host(skip)]` leaves a method out.
/// * Receivers are `&self` or `&mut self`: the handler lives in the store
///   state and is reached through the projection given to `add_to_linker`.
/// * Parameters are any `GraphValue` type (packed per the ABI: none → `()`,
///   one → itself, several → a tuple); sync methods may also take `&str`
///   and `&[u8]`, borrowed from guest memory without a copy.
/// * Results: `()`, any `GraphValue` `T`, `Result<T, E>` (a WIT `result`),
///   or `Result<T, packr::Trap>` to trap the guest on purpose.
/// * `async fn` keeps `&mut self` across its awaits.
/// * A function that needs the whole store takes no receiver and a first
///   parameter `cx: &mut packr::Ctx<'_, Store>` (sync) or
///   `cx: packr::Ctx<'_, Store>` (async); the impl then registers on
///   `HostBuilder<Store>` only.
/// * `#[host_interface("ns:pkg/iface", wit = "wit/file.wit+")]` checks the
///   impl against the interface's declaration in that WIT+ file (relative
///   to the crate root) at compile time: an undeclared function, a
///   parameter or result of another type, a missing function are errors
///   on the offending method, parameter or result. A user type standing
///   for a WIT named type must have its structure too (record fields and
///   their types, variant and enum cases, their order and payloads): the
///   compiler checks its `#[derive(GraphValue)]` against the declaration
///   and reports what differs on the type in the signature.
#[proc_macro_attribute]
pub fn host_interface(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::host_interface(attr.into(), item.into()).into()
}

/// Generates Rust bindings from a WIT+ world: a type per WIT type (deriving
/// `GraphValue`, WIT names on the wire), per imported interface a `Host`
/// trait and its `add_to_linker(builder, get)`, and per exported interface
/// an `Exports` handle with typed `call_*` methods.
///
/// ```
/// // The path is relative to the root of the crate that invokes the macro
/// // (here packr-macros; from your crate it is typically "wit/....wit+").
/// packr::bindgen!("../wit/tree.wit+");
///
/// use types::{Node, Tree};
///
/// /// The handler for the imported interface `test:tree/host`.
/// struct Mirror;
///
/// impl host::Host for Mirror {
///     fn mirror(&mut self, t: Tree) -> Tree {
///         t
///     }
///     fn depth(&mut self, _n: Node, _limit: u32) -> Result<u32, String> {
///         Ok(1)
///     }
/// }
///
/// fn main() -> Result<(), packr::host::RegistrationError> {
///     let mut builder = packr::host::HostBuilder::<Mirror>::new();
///     host::add_to_linker(&mut builder, |store| store)?;
///     Ok(())
/// }
/// ```
///
/// The long form takes options: `packr::bindgen!({ path: "wit/theater.wit+",
/// world: "actor", async: ["runtime.shutdown"] })`, where `world` picks
/// one of several worlds, `async` and `trappable` list imported functions
/// (`"iface.func"`) that become `async fn` or return `Result<_, Trap>`,
/// `derives` adds derives to every generated type, and `with` maps a WIT
/// type to an existing Rust type.
///
/// Paths are relative to the crate root; editing the file rebuilds. WIT+
/// mistakes are compile errors with the file position.
#[proc_macro]
pub fn bindgen(input: TokenStream) -> TokenStream {
    bindgen::bindgen(input.into()).into()
}
