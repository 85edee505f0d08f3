//! The runtime of packr: the Graph ABI codec ([`abi`]), and (with the
//! `wasmtime` / `wasmi` features) the engine abstraction that generated
//! host bindings target.
//!
//! With `default-features = false` only the engine-independent parts are
//! built, which is what packr's proc-macros depend on.
#![warn(missing_docs)]

pub mod abi;
pub mod bundle;
#[cfg(any(feature = "wasmtime", feature = "wasmi"))]
pub mod compose;
#[cfg(any(feature = "wasmtime", feature = "wasmi"))]
pub mod engine;
pub mod host;
pub mod intercept;
pub mod interface;
pub mod record;
pub mod resource;
pub mod trace;
pub mod wit;
