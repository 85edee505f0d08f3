//! The replaying interceptor.

use super::log::{CallLog, CallRecord};
use crate::intercept::{CallInfo, CallInterceptor, CallKind, Intercept, InterceptError};
use std::fmt;

/// How a replayed session parted from its log.
///
/// ```
/// use packr_runtime::record::DivergenceKind;
/// assert_ne!(DivergenceKind::Input, DivergenceKind::Output);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DivergenceKind {
    /// A different call: its kind, interface or function differs.
    Call,
    /// The same call with different input bytes.
    Input,
    /// A guest export returned other output bytes than when recorded (or
    /// returned where it had failed).
    Output,
    /// A call after the last one in the log.
    PastEnd,
}

/// One side of a [`ReplayDivergence`]: a call and a short summary of the
/// bytes that differ (its input, or for [`DivergenceKind::Output`] its
/// output).
///
/// ```
/// use packr_runtime::intercept::CallKind;
/// use packr_runtime::record::DivergingCall;
/// let side = DivergingCall { kind: CallKind::HostCall, interface: "a:b/c".into(),
///                            function: "f".into(), len: 2, summary: "2 bytes [0102]".into() };
/// assert_eq!(side.call_info().to_string(), "host call a:b/c.f");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DivergingCall {
    /// Host call or guest export.
    pub kind: CallKind,
    /// The interface path.
    pub interface: String,
    /// The function name.
    pub function: String,
    /// How many bytes (input, or output for an output divergence).
    pub len: usize,
    /// Their size and a hex excerpt around the first difference.
    pub summary: String,
}

impl DivergingCall {
    /// The call as a [`CallInfo`].
    ///
    /// ```
    /// use packr_runtime::intercept::{CallInfo, CallKind};
    /// use packr_runtime::record::DivergingCall;
    /// let side = DivergingCall { kind: CallKind::GuestExport, interface: String::new(),
    ///                            function: "run".into(), len: 0, summary: "0 bytes".into() };
    /// assert_eq!(side.call_info(), CallInfo { kind: CallKind::GuestExport, interface: "", function: "run" });
    /// ```
    pub fn call_info(&self) -> CallInfo<'_> {
        CallInfo {
            kind: self.kind,
            interface: &self.interface,
            function: &self.function,
        }
    }

    fn new(call: CallInfo<'_>, bytes: &[u8], diff: usize) -> Self {
        DivergingCall {
            kind: call.kind,
            interface: call.interface.to_string(),
            function: call.function.to_string(),
            len: bytes.len(),
            summary: summary(bytes, diff),
        }
    }
}

/// `48 bytes [0a0b…]` or `200 bytes [at 96: 6061…]`: up to 16 bytes from
/// just before `diff`.
fn summary(bytes: &[u8], diff: usize) -> String {
    use fmt::Write;
    let start = diff.saturating_sub(4).min(bytes.len());
    let end = (start + 16).min(bytes.len());
    let mut s = format!("{} bytes [", bytes.len());
    if start > 0 {
        let _ = write!(s, "at {start}: ");
    }
    for b in &bytes[start..end] {
        let _ = write!(s, "{b:02x}");
    }
    if end < bytes.len() {
        s.push('…');
    }
    s.push(']');
    s
}

fn first_difference(a: &[u8], b: &[u8]) -> usize {
    a.iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()))
}

/// The guest did something other than what the log recorded: the error
/// inside the [`InterceptError`] a [`Replayer`] raises (downcast it with
/// [`InterceptError::inner`]).
///
/// ```
/// use packr_runtime::intercept::{CallInfo, CallInterceptor, CallKind};
/// use packr_runtime::record::{CallLog, CallRecord, DivergenceKind, ReplayDivergence, Replayer};
/// let now = CallInfo { kind: CallKind::HostCall, interface: "theater:simple/timer", function: "now" };
/// let log = CallLog::from_records([CallRecord { kind: now.kind, interface: now.interface,
///     function: now.function, input: &[1], output: &[2], completed: true }]);
/// let err = Replayer::new(log).before(&now, &[9]).unwrap_err();
/// let d: &ReplayDivergence = err.inner().downcast_ref().unwrap();
/// assert_eq!((d.position, d.kind, d.first_difference), (0, DivergenceKind::Input, Some(0)));
/// assert_eq!(d.expected.as_ref().unwrap().call_info(), now);
/// assert_eq!(d.actual.summary, "1 bytes [09]");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReplayDivergence {
    /// Position in the log (0-based) where the sessions part.
    pub position: usize,
    /// What differs.
    pub kind: DivergenceKind,
    /// What the log holds there (`None` past the end of the log).
    pub expected: Option<DivergingCall>,
    /// What the guest did.
    pub actual: DivergingCall,
    /// For [`Input`](DivergenceKind::Input) and
    /// [`Output`](DivergenceKind::Output): the first byte that differs (the
    /// shorter length when one is a prefix of the other).
    pub first_difference: Option<usize>,
}

impl fmt::Display for ReplayDivergence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let actual = &self.actual;
        let Some(expected) = &self.expected else {
            return write!(
                f,
                "replay ran past the end of the log at call {}: the guest made {} with input {}",
                self.position,
                actual.call_info(),
                actual.summary
            );
        };
        let at = self.first_difference.unwrap_or(0);
        match self.kind {
            DivergenceKind::Output => write!(
                f,
                "replay diverged at call {} (different output, from byte {at}): \
                 {} returned {} when recorded, and {} now",
                self.position,
                expected.call_info(),
                expected.summary,
                actual.summary
            ),
            kind => {
                let what = if kind == DivergenceKind::Input {
                    format!("different input, from byte {at}")
                } else {
                    "different call".to_string()
                };
                write!(
                    f,
                    "replay diverged at call {} ({what}): the log has {} with input {}, \
                     the guest made {} with input {}",
                    self.position,
                    expected.call_info(),
                    expected.summary,
                    actual.call_info(),
                    actual.summary
                )
            }
        }
    }
}

impl std::error::Error for ReplayDivergence {}

impl From<ReplayDivergence> for InterceptError {
    fn from(d: ReplayDivergence) -> Self {
        InterceptError::new(d)
    }
}

/// Replays a [`CallLog`]: answers each host call with its recorded output
/// without running the host function, and checks that the session makes
/// the same calls, with the same inputs, in the same order.
///
/// Guest export calls run for real (the guest executes again); the
/// replayer checks that each export call is the next one in the log and
/// that it returns the recorded output. Since the host calls are the only
/// nondeterminism a guest sees, a guest fed the same answers computes the
/// same results; any difference is a [`ReplayDivergence`].
///
/// ```
/// use packr_runtime::intercept::{CallInfo, CallInterceptor, CallKind, Intercept};
/// use packr_runtime::record::{Recorder, Replayer};
/// let run = CallInfo { kind: CallKind::GuestExport, interface: "", function: "run" };
/// let now = CallInfo { kind: CallKind::HostCall, interface: "theater:simple/timer", function: "now" };
/// let mut r = Recorder::new();
/// r.before(&run, b"").unwrap();
/// r.before(&now, b"").unwrap();
/// r.after(&now, b"", b"12:00").unwrap();
/// r.after(&run, b"", b"done").unwrap();
///
/// let mut replay = Replayer::new(r.seal());
/// assert_eq!(replay.before(&run, b"").unwrap(), Intercept::Proceed);
/// assert_eq!(replay.before(&now, b"").unwrap(), Intercept::Return(b"12:00".to_vec()));
/// replay.after(&run, b"", b"done").unwrap();
/// assert!(replay.is_finished());
/// ```
#[derive(Debug)]
pub struct Replayer {
    log: CallLog,
    position: usize,
    /// Export calls that started and have not returned, innermost last.
    open_exports: Vec<usize>,
}

impl Replayer {
    /// A replayer positioned at the start of `log`.
    ///
    /// ```
    /// use packr_runtime::record::{CallLog, Replayer};
    /// assert!(Replayer::new(CallLog::default()).is_finished());
    /// ```
    pub fn new(log: CallLog) -> Self {
        Replayer {
            log,
            position: 0,
            open_exports: Vec::new(),
        }
    }

    /// Calls replayed so far (the position of the next one in the log).
    ///
    /// ```
    /// use packr_runtime::record::{CallLog, Replayer};
    /// assert_eq!(Replayer::new(CallLog::default()).position(), 0);
    /// ```
    pub fn position(&self) -> usize {
        self.position
    }

    /// Calls left in the log.
    ///
    /// ```
    /// use packr_runtime::intercept::CallKind;
    /// use packr_runtime::record::{CallLog, CallRecord, Replayer};
    /// let r = CallRecord { kind: CallKind::HostCall, interface: "a:b/c", function: "f",
    ///                      input: &[], output: &[], completed: true };
    /// assert_eq!(Replayer::new(CallLog::from_records([r, r])).remaining(), 2);
    /// ```
    pub fn remaining(&self) -> usize {
        self.log.len() - self.position
    }

    /// True once every call in the log was replayed and every export call
    /// that returned when recorded has returned.
    ///
    /// ```
    /// use packr_runtime::intercept::CallKind;
    /// use packr_runtime::record::{CallLog, CallRecord, Replayer};
    /// let r = CallRecord { kind: CallKind::HostCall, interface: "a:b/c", function: "f",
    ///                      input: &[], output: &[], completed: true };
    /// assert!(!Replayer::new(CallLog::from_records([r])).is_finished());
    /// ```
    pub fn is_finished(&self) -> bool {
        self.remaining() == 0
            && self.open_exports.iter().all(|&i| {
                // An export that failed when recorded never returns.
                !self.log.get(i).is_some_and(|r| r.completed)
            })
    }

    /// The log being replayed.
    ///
    /// ```
    /// use packr_runtime::record::{CallLog, Replayer};
    /// assert!(Replayer::new(CallLog::default()).log().is_empty());
    /// ```
    pub fn log(&self) -> &CallLog {
        &self.log
    }
}

fn divergence(
    position: usize,
    kind: DivergenceKind,
    expected: Option<(CallRecord<'_>, &[u8])>,
    actual: (CallInfo<'_>, &[u8]),
) -> ReplayDivergence {
    let diff = expected.map(|(_, e)| first_difference(e, actual.1));
    let shown = diff.unwrap_or(0);
    ReplayDivergence {
        position,
        kind,
        expected: expected.map(|(r, bytes)| DivergingCall::new(r.call_info(), bytes, shown)),
        actual: DivergingCall::new(actual.0, actual.1, shown),
        first_difference: diff
            .filter(|_| matches!(kind, DivergenceKind::Input | DivergenceKind::Output)),
    }
}

/// The error a divergence raises, reported to `tracing` as it is raised.
fn diverged(d: ReplayDivergence) -> InterceptError {
    crate::trace::replay_divergence(&d);
    d.into()
}

impl CallInterceptor for Replayer {
    fn before(&mut self, call: &CallInfo<'_>, input: &[u8]) -> Result<Intercept, InterceptError> {
        let index = self.position;
        let Some(r) = self.log.get(index) else {
            let kind = DivergenceKind::PastEnd;
            return Err(diverged(divergence(index, kind, None, (*call, input))));
        };
        if r.kind != call.kind || r.interface != call.interface || r.function != call.function {
            let kind = DivergenceKind::Call;
            return Err(diverged(divergence(
                index,
                kind,
                Some((r, r.input)),
                (*call, input),
            )));
        }
        if r.input != input {
            let kind = DivergenceKind::Input;
            return Err(diverged(divergence(
                index,
                kind,
                Some((r, r.input)),
                (*call, input),
            )));
        }
        self.position += 1;
        match call.kind {
            CallKind::HostCall if r.completed => Ok(Intercept::Return(r.output.to_vec())),
            CallKind::HostCall => Err(InterceptError::new(format!(
                "replay of call {index}: {call} failed when it was recorded, so it fails again"
            ))),
            CallKind::GuestExport => {
                self.open_exports.push(index);
                Ok(Intercept::Proceed)
            }
        }
    }

    fn after(
        &mut self,
        call: &CallInfo<'_>,
        _input: &[u8],
        output: &[u8],
    ) -> Result<(), InterceptError> {
        if call.kind == CallKind::HostCall {
            // Its output came from the log (or `before` failed).
            return Ok(());
        }
        let log = &self.log;
        let found = self.open_exports.iter().rposition(|&i| {
            log.get(i)
                .is_some_and(|r| r.interface == call.interface && r.function == call.function)
        });
        let Some(at) = found else {
            return Err(InterceptError::new(format!(
                "replay: {call} returned, but no such export call is running"
            )));
        };
        let index = self.open_exports[at];
        self.open_exports.truncate(at);
        let Some(r) = self.log.get(index) else {
            return Ok(());
        };
        if !r.completed {
            let kind = DivergenceKind::Output;
            let mut d = divergence(index, kind, Some((r, &[])), (*call, output));
            if let Some(expected) = &mut d.expected {
                expected.summary = "no output (it failed when recorded)".into();
            }
            return Err(diverged(d));
        }
        if r.output != output {
            let kind = DivergenceKind::Output;
            return Err(diverged(divergence(
                index,
                kind,
                Some((r, r.output)),
                (*call, output),
            )));
        }
        Ok(())
    }
}
