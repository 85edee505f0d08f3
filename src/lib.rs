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
pub use packr_runtime::intercept;

/// Derives [`GraphValue`](trait@GraphValue): named structs become records,
/// tuple structs tuples, enums variants. See the crate docs of
/// `packr-derive` for the attributes.
pub use packr_derive::GraphValue;
