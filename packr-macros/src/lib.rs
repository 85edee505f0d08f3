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
/// # What it generates
///
/// The impl block itself is kept as written (minus the `#[host(...)]`
/// attributes), so its methods stay callable from Rust. Next to it, and
/// nothing else (no new names in your module):
///
/// | item | what |
/// |---|---|
/// | `impl packr::HostInterface<S> for Type` | for every store type `S`, or for the one store named by a `cx: &mut Ctx<'_, Store>` parameter |
/// | `<Type as HostInterface<S>>::INTERFACE` | the interface path given to the attribute, the import module of every function |
/// | `Type::add_to_linker(&mut HostBuilder<S>, get: fn(&mut S) -> &mut Type)` | registers every method under its WIT name (sync ones with `func` or `func_trappable`, or `func_codec` when they borrow `&str`/`&[u8]` from guest memory; `async fn`s with `func_async`); `Err(RegistrationError)` if a name is already registered |
/// | `<Type as HostInterface<S>>::functions()` | one `FunctionDesc` per method: WIT name, parameter names and WIT types, result type, whether it is async; `Display` reads like WIT |
///
/// ```
/// use packr::HostInterface;
/// use packr::host::HostBuilder;
///
/// struct Clock { now: u64 }
///
/// #[packr::host_interface("theater:simple/timer")]
/// impl Clock {
///     fn now(&self) -> u64 { self.now }
///     #[host(skip)]
///     fn set(&mut self, now: u64) { self.now = now } // plain Rust, not registered
/// }
///
/// assert_eq!(<Clock as HostInterface<Clock>>::INTERFACE, "theater:simple/timer");
/// let described: Vec<String> = <Clock as HostInterface<Clock>>::functions()
///     .iter().map(ToString::to_string).collect();
/// assert_eq!(described, ["now: func() -> u64"]);
///
/// let mut host = HostBuilder::<Clock>::new();
/// Clock::add_to_linker(&mut host, |clock| clock)?;   // the handler is the store
/// assert_eq!(host.functions().len(), 1);
/// let mut clock = Clock { now: 0 };
/// clock.set(7);                                      // the impl is still there
/// assert_eq!(clock.now(), 7);
/// # Ok::<(), packr::host::RegistrationError>(())
/// ```
///
/// # Rules
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
/// * `crate = "path"` names the facade when it is not `::packr` (a
///   re-export).
#[proc_macro_attribute]
pub fn host_interface(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::host_interface(attr.into(), item.into()).into()
}

/// Generates Rust bindings from a WIT+ world: the types, a `Host` trait
/// and `add_to_linker` per imported interface, and typed calls into the
/// guest per export.
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
/// fn main() -> Result<(), Box<dyn std::error::Error>> {
///     let mut builder = packr::host::HostBuilder::<Mirror>::new();
///     host::add_to_linker(&mut builder, |store| store)?;
///
///     // `run` is exported by the world itself: `MirrorExports`.
///     let engine = packr::engine::Engine::default();
///     let guest = include_str!("../../tests/guests/mirror.wat");
///     let module = packr::engine::Module::from_wat(&engine, guest)?;
///     let mut instance = engine.link(&module, &builder)?.instantiate(Mirror)?;
///     let tree = Tree::Many(vec![Tree::Leaf(1), Tree::Leaf(2)]);
///     assert_eq!(MirrorExports::new(&mut instance).call_run(tree.clone())?, tree);
///     Ok(())
/// }
/// ```
///
/// # What it generates
///
/// For a world `w` of the package in the file, at the call site:
///
/// | item | when | what |
/// |---|---|---|
/// | `mod iface` | every interface of the package | named after the interface in snake_case (`types`, `host`, `runtime`); holds the items below |
/// | `iface::Name` (struct, enum) | every `record`, `variant`, `enum`, `flags` of the interface | see the type table below; deriving `GraphValue, Debug, Clone, PartialEq` plus `derives`, with WIT names on the wire and doc comments from the WIT+ file |
/// | `iface::Name` (type alias) | every `type` alias, every type the interface `use`s, every `with` type | `pub type Name = ...` |
/// | `iface::Host` | the world imports the interface | a trait with one method per function, `fn name(&mut self, params...) -> R`; functions listed in `async` return `impl Future<Output = R> + Send`, those in `trappable` return `Result<R, packr::Trap>` |
/// | `iface::add_to_linker(builder, get)` | the world imports the interface | registers a `U: Host` on `&mut HostBuilder<T>`, reached through `get: fn(&mut T) -> &mut U` (`\|s\| s` when the handler is the store); `Result<(), RegistrationError>` |
/// | `iface::Exports<'i, T>` | the world exports the interface | `Exports::new(&mut Instance<T>)`; per function `call_name(args...) -> Result<R, engine::Error>` and `async fn call_name_async(args...)` for guests that import async host functions |
/// | `WExports<'i, T>` | the world exports functions directly | the same methods at the top level, named after the world in UpperCamelCase (world `mirror` → `MirrorExports`) |
///
/// Functions, fields and modules are named in snake_case, types and cases
/// in UpperCamelCase; a Rust keyword gets a trailing `_` (`self` →
/// `self_`). Types are WIT → Rust:
///
/// | WIT | Rust |
/// |---|---|
/// | `bool`, `u8`…`u64`, `s8`…`s64`, `f32`, `f64`, `char` | `bool`, `u8`…`u64`, `i8`…`i64`, `f32`, `f64`, `char` |
/// | `string`, `list<T>`, `option<T>`, `tuple<…>` | `String`, `Vec<T>`, `Option<T>`, a tuple |
/// | `result<T, E>` | `Result<T, E>`; a missing side is `()` |
/// | `value` | `packr::Value` |
/// | `record` | a struct with `pub` fields |
/// | `variant` | an enum, one tuple variant per case with a payload |
/// | `enum` | a fieldless enum |
/// | `flags` | a `Copy` bit set: one `const` per flag, `empty`, `all`, `bits`, `from_bits` (refuses undeclared bits), `is_empty`, `contains`, `insert`, `remove`, and `\|`, `&`, `\|=` |
///
/// A recursive type is boxed only where the recursion does not already go
/// through a `Vec`.
///
/// ```
/// packr::bindgen!({ path: "../wit/theater.wit+", world: "actor", async: ["runtime.shutdown"] });
///
/// // One `Host` trait and `add_to_linker` per imported interface.
/// #[derive(Default)]
/// struct Actor { lines: Vec<String> }
///
/// impl runtime::Host for Actor {
///     fn log(&mut self, msg: String) { self.lines.push(msg) }
///     fn self_(&mut self) -> String { "actor-1".into() }          // WIT `self`
///     async fn shutdown(&mut self, _data: Option<Vec<u8>>) -> Result<(), String> {
///         Ok(())                                                  // listed in `async`
///     }
/// }
/// impl store::Host for Actor {
///     fn store(&mut self, _id: String, _content: Vec<u8>) -> Result<String, String> {
///         Err("read-only".into())
///     }
///     fn load(&mut self, _id: String, key: String) -> Result<Vec<u8>, String> { Err(key) }
/// }
/// impl timer::Host for Actor {
///     fn now(&mut self) -> u64 { 0 }
/// }
///
/// struct Store { actor: Actor }
///
/// // The exported interface `actor`: `actor::Exports`, one `call_*` per
/// // function. The outer `Result` is the call (a trap, a bad output), the
/// // inner one the WIT `result<list<u8>, string>` the guest returned.
/// fn start(
///     instance: &mut packr::engine::Instance<Store>,
/// ) -> Result<Result<Vec<u8>, String>, packr::engine::Error> {
///     actor::Exports::new(instance).call_init(None)
/// }
///
/// fn main() -> Result<(), packr::host::RegistrationError> {
///     // Types of `interface types`, `use`d by the others.
///     let reply = types::Reply { body: Some(types::Message::Text("hi".into())), stop: false };
///     assert!(!reply.stop);
///
///     let mut host = packr::host::HostBuilder::<Store>::new();
///     runtime::add_to_linker(&mut host, |s| &mut s.actor)?;
///     store::add_to_linker(&mut host, |s| &mut s.actor)?;
///     timer::add_to_linker(&mut host, |s| &mut s.actor)?;
///     assert_eq!(host.functions().len(), 6);
///     let _ = start;
///     Ok(())
/// }
/// ```
///
/// # Options
///
/// The long form takes options, as wasmtime's `bindgen!` does:
///
/// * `path`: the WIT+ file or folder, relative to the crate root; editing
///   it rebuilds.
/// * `world`: which world, when the package has several.
/// * `async`: `true`, or the imported functions (`"iface.func"`) whose
///   `Host` methods are `async fn`.
/// * `trappable`: the same for methods that return `Result<R, packr::Trap>`.
/// * `derives`: extra derives for every generated type.
/// * `with`: `{ "ns:pkg/iface.type" => path }` uses an existing Rust type
///   (which must be a `GraphValue` with that WIT name) instead of
///   generating one.
///
/// WIT+ mistakes and options naming nothing in the world are compile
/// errors with the file position, on the offending literal.
#[proc_macro]
pub fn bindgen(input: TokenStream) -> TokenStream {
    bindgen::bindgen(input.into()).into()
}
