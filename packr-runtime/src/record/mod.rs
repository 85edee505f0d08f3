//! Recording every call that crosses the boundary, and replaying it.
//!
//! # What is recorded
//!
//! A [`Recorder`] is a [`CallInterceptor`](crate::intercept::CallInterceptor):
//! it logs every call in the order the calls start, host calls (the guest
//! calling an import) and guest export calls (the host calling the guest)
//! alike, each with its kind, interface, function, CGRF input bytes and,
//! once it returns, CGRF output bytes. Sealing the log ([`Recorder::seal`])
//! yields a [`CallLog`] with a SHA-256 hash chain over its entries, which
//! [`CallLog::save`] writes to a versioned file and [`CallLog::load`] reads
//! back, rejecting truncated or altered files with a [`LogFileError`] that
//! says what is wrong and where.
//!
//! # Why replay is deterministic
//!
//! A wasm guest is a deterministic function of its inputs: the only
//! nondeterminism it sees is what its host functions return (the time,
//! random numbers, files, the network...). A [`Replayer`] answers every
//! host call from the log, in order, *without running the host function*,
//! while the guest's exports really run. Fed the same answers, the guest
//! makes the same calls and computes the same results, so replay
//! reproduces the session exactly; the replayer checks that it does, and
//! raises a [`ReplayDivergence`] naming the position and both sides at the
//! first call (or export result) that differs. Because the log holds CGRF
//! bytes, not engine state, a session recorded on one engine replays on
//! another.
//!
//! ```
//! use packr_runtime::intercept::{CallInfo, CallInterceptor, CallKind, Intercept};
//! use packr_runtime::record::{CallLog, Recorder, Replayer};
//!
//! // Record: the runtime calls the interceptor around every call.
//! let add = CallInfo { kind: CallKind::HostCall, interface: "bench:host/math", function: "add" };
//! let mut recorder = Recorder::new();
//! recorder.before(&add, b"args").unwrap();
//! recorder.after(&add, b"args", b"42").unwrap();
//! let log = recorder.seal();
//!
//! // Save and load, with the hash chain checked.
//! let mut file = Vec::new();
//! log.write_to(&mut file).unwrap();
//! let loaded = CallLog::read_from(&file[..]).unwrap();
//! assert_eq!(loaded.head_hash(), log.head_hash());
//!
//! // Replay: the host function is not run; the recorded output is returned.
//! let mut replayer = Replayer::new(loaded);
//! assert_eq!(replayer.before(&add, b"args").unwrap(), Intercept::Return(b"42".to_vec()));
//! assert!(replayer.is_finished());
//! ```

mod file;
mod log;
mod recorder;
mod replayer;

pub use file::LogFileError;
pub use log::{CallLog, CallRecord, Entries};
pub use recorder::Recorder;
pub use replayer::{DivergenceKind, DivergingCall, ReplayDivergence, Replayer};
