//! The replaying interceptor.

use super::log::{CallLog, CallRecord};
use crate::intercept::{CallInfo, CallInterceptor, CallKind, Intercept, InterceptError};
use std::fmt;

/// The guest did something other than what the log recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayDivergence {
    /// Position in the log (0-based) where the sessions part.
    pub position: usize,
    /// What the log holds there (`None`: the log had ended).
    pub expected: Option<String>,
    /// What the guest did.
    pub actual: String,
}

impl fmt::Display for ReplayDivergence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.expected {
            Some(expected) => write!(
                f,
                "replay diverged at call {}: the log has {expected}, the guest made {}",
                self.position, self.actual
            ),
            None => write!(
                f,
                "replay ran past the end of the log at call {}: the guest made {}",
                self.position, self.actual
            ),
        }
    }
}

impl std::error::Error for ReplayDivergence {}

fn describe(kind: CallKind, interface: &str, function: &str, bytes: &[u8], what: &str) -> String {
    let info = CallInfo {
        kind,
        interface,
        function,
    };
    let head: String = bytes.iter().take(16).map(|b| format!("{b:02x}")).collect();
    let more = if bytes.len() > 16 { "…" } else { "" };
    format!("{info} with {} {what} bytes [{head}{more}]", bytes.len())
}

fn describe_record(r: &CallRecord) -> String {
    describe(r.kind, &r.interface, &r.function, &r.input, "input")
}

/// Answers host calls from a [`CallLog`] without running them, and checks
/// that the guest makes the same calls with the same inputs, in order, and
/// that its exports return what they returned when recorded.
///
/// ```
/// use packr_runtime::intercept::{CallInfo, CallInterceptor, CallKind};
/// use packr_runtime::record::{CallLog, CallRecord, Replayer, ReplayDivergence};
/// let log = CallLog::from_records(vec![CallRecord {
///     kind: CallKind::HostCall,
///     interface: "theater:simple/timer".into(),
///     function: "now".into(),
///     input: vec![1],
///     output: Some(vec![2]),
/// }]);
/// let mut replayer = Replayer::new(log);
/// let now = CallInfo { kind: CallKind::HostCall, interface: "theater:simple/timer", function: "now" };
/// let err = replayer.before(&now, &[9]).unwrap_err();
/// let divergence = err.inner().downcast_ref::<ReplayDivergence>().unwrap();
/// assert_eq!(divergence.position, 0);
/// ```
#[derive(Debug)]
pub struct Replayer {
    log: CallLog,
    position: usize,
    open_exports: Vec<usize>,
}

impl Replayer {
    /// A replayer positioned at the start of `log`.
    pub fn new(log: CallLog) -> Self {
        Replayer {
            log,
            position: 0,
            open_exports: Vec::new(),
        }
    }

    /// Calls replayed so far.
    pub fn position(&self) -> usize {
        self.position
    }

    /// Calls left in the log.
    pub fn remaining(&self) -> usize {
        self.log.len() - self.position
    }

    /// True once every recorded call has been replayed.
    pub fn is_finished(&self) -> bool {
        self.remaining() == 0 && self.open_exports.is_empty()
    }

    fn diverge(&self, expected: Option<String>, actual: String) -> InterceptError {
        InterceptError::new(ReplayDivergence {
            position: self.position,
            expected,
            actual,
        })
    }
}

impl CallInterceptor for Replayer {
    fn before(&mut self, call: &CallInfo<'_>, input: &[u8]) -> Result<Intercept, InterceptError> {
        let actual = || describe(call.kind, call.interface, call.function, input, "input");
        let Some(r) = self.log.records.get(self.position) else {
            return Err(self.diverge(None, actual()));
        };
        if r.kind != call.kind
            || r.interface != call.interface
            || r.function != call.function
            || r.input != input
        {
            return Err(self.diverge(Some(describe_record(r)), actual()));
        }
        let index = self.position;
        self.position += 1;
        match call.kind {
            CallKind::HostCall => match &r.output {
                Some(output) => Ok(Intercept::Return(output.clone())),
                None => Err(InterceptError::new(format!(
                    "call {index} in the log has no output"
                ))),
            },
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
        if call.kind != CallKind::GuestExport {
            return Ok(());
        }
        let Some(index) = self.open_exports.pop() else {
            return Err(InterceptError::new(format!(
                "{call} returned without having started"
            )));
        };
        let recorded = &self.log.records[index];
        if recorded.output.as_deref() != Some(output) {
            let expected = recorded.output.as_deref().unwrap_or_default();
            return Err(InterceptError::new(ReplayDivergence {
                position: index,
                expected: Some(describe(
                    call.kind,
                    call.interface,
                    call.function,
                    expected,
                    "output",
                )),
                actual: describe(call.kind, call.interface, call.function, output, "output"),
            }));
        }
        Ok(())
    }
}
