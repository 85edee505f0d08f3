//! Recording every call that crosses the boundary, and replaying it.
//!
//! A guest is deterministic except for what its host functions return, so
//! a log of every host call (its input and output bytes) is enough to
//! re-run a session exactly: the [`Replayer`] answers each host call from
//! the log without running the host function, and checks that the guest
//! asks the same questions in the same order and gives the same answers to
//! export calls. Because the log holds CGRF bytes, not engine state, a
//! session recorded on one engine replays on another.
//!
//! ```
//! use packr_runtime::intercept::{CallInfo, CallInterceptor, CallKind, Intercept};
//! use packr_runtime::record::{Recorder, Replayer};
//!
//! // Record: the runtime calls the interceptor around every call.
//! let add = CallInfo { kind: CallKind::HostCall, interface: "bench:host/math", function: "add" };
//! let mut recorder = Recorder::new();
//! recorder.before(&add, b"args").unwrap();
//! recorder.after(&add, b"args", b"42").unwrap();
//! let log = recorder.finish();
//!
//! // Save and load, with the hash chain checked.
//! let mut file = Vec::new();
//! log.write_to(&mut file).unwrap();
//! let log = packr_runtime::record::CallLog::read_from(&mut file.as_slice()).unwrap();
//!
//! // Replay: the host function is not run; the recorded output is returned.
//! let mut replayer = Replayer::new(log);
//! assert_eq!(replayer.before(&add, b"args").unwrap(), Intercept::Return(b"42".to_vec()));
//! assert!(replayer.is_finished());
//! ```

mod file;
mod log;
mod recorder;
mod replayer;

pub use file::LogFileError;
pub use log::{CallLog, CallRecord};
pub use recorder::Recorder;
pub use replayer::{ReplayDivergence, Replayer};
