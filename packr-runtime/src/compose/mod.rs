//! Composing guests at run time: one guest's imports served by another's
//! exports, on either engine, with no external tool.
//!
//! A [`Composition`] is built from named [`Member`]s. Each member is a
//! guest module with its own engine (wasmtime and wasmi members mix), its
//! own [`HostBuilder`](crate::host::HostBuilder) for the imports no other
//! member serves, and its own store state; each runs in its own instance
//! with its own memory. Nothing is shared but bytes.
//!
//! # Wiring
//!
//! [`CompositionBuilder::build`] resolves every Graph ABI import of every
//! member, in this order:
//!
//! 1. an explicit [`link`](CompositionBuilder::link)`(consumer, interface,
//!    provider)`;
//! 2. the member's own host functions;
//! 3. the one other member that exports the interface and exposes it
//!    ([`Member::exposing`] / [`Member::hiding`]), or among several the one
//!    a [`hint`](CompositionBuilder::hint) names.
//!
//! It reports every problem at once ([`BuildError`]): an unserved import,
//! an ambiguous one, a link to a hidden interface, to a function the
//! provider lacks or whose core signature is not the Graph ABI's, a cycle
//! (A needs B needs A), and, when both sides carry `__pack_types`, a
//! consumer whose import hash differs from the provider's export hash
//! (both hashes named). A link where one side carries no metadata is made
//! by name, and [`Wiring::notes`] says so.
//!
//! # A cross-member call
//!
//! The consumer's import is a codec-level host function: the argument
//! bytes the consumer passed are written into the provider (into an input
//! area reserved once through its `__pack_alloc`), the provider's export
//! runs, its output bytes are copied back and freed with `__pack_free`
//! (after an error status too), and they reach the consumer the way any
//! host function's result does (scratch area or `__pack_alloc`, per the
//! consumer's profile). Values are never decoded on the way. A provider
//! that traps or answers with an error status makes the consumer's import
//! fail like a host function's bad input does (status -1 or a trap, per
//! the consumer's `GuestErrors`), and the caller's [`CallError`] names the
//! chain: `consumer → provider.interface.fn: cause`.
//!
//! A member that imports an async host function needs async, and so does
//! every member calling it: their cross-member imports become async host
//! functions, [`build`](CompositionBuilder::build) refuses such members
//! (naming the path to the async function) and
//! [`build_async`](CompositionBuilder::build_async) instantiates them; a
//! provider suspending inside a call suspends the whole chain.
//!
//! # Recording and replaying one member
//!
//! Interceptors see a cross-member call at both ends: as a host call of
//! the consumer and as an export call of the provider.
//! [`Composition::record`] gives every member a recorder;
//! [`Composition::finish_recording`] returns one log per member
//! ([`CompositionLog`]). [`Member::replay`] then runs one member alone from
//! its log: its imports from other members are answered from the log, so
//! no other member runs, and any export result that differs from the
//! recording is a [`ReplayDivergence`](crate::record::ReplayDivergence).
//!
//! ```
//! use packr_runtime::compose::{CompositionBuilder, Member};
//! use packr_runtime::engine::{Engine, EngineKind, Module};
//! use packr_runtime::host::HostBuilder;
//!
//! let wasmtime = Engine::with_kind(EngineKind::Wasmtime)?;
//! let wasmi = Engine::with_kind(EngineKind::Wasmi)?;
//! // `adder.process(n) = double(n) + 1`, with `double` from `math`.
//! let adder = Module::from_wat(&wasmtime, include_str!("../../../tests/guests/compose/adder.wat"))?;
//! let math = Module::from_wat(&wasmi, include_str!("../../../tests/guests/compose/math.wat"))?;
//! let mut builder = CompositionBuilder::new();
//! builder
//!     .member("adder", Member::new(&wasmtime, &adder, HostBuilder::<()>::new(), ()))
//!     .member("math", Member::new(&wasmi, &math, HostBuilder::<()>::new(), ()));
//! let mut composition = builder.build()?;
//! let eleven: i32 = composition.call("adder", "test:compose/adder.process", &5)?;
//! assert_eq!(eleven, 11);
//! println!("{}", composition.wiring());  // adder: test:compose/math.double ← math (hash checked)
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod builder;
mod call;
mod composition;
mod error;
mod member;
mod replay;
mod resolve;
mod translate;

pub use builder::CompositionBuilder;
pub use composition::{Composition, CompositionLog, MemberGuard};
pub use error::{BuildError, CallError, Chain, Hop, Problem};
pub use member::Member;
pub use resolve::{Server, Wire, Wiring};
