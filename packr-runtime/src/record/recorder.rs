//! The recording interceptor: appends calls to an arena, hashes later.

use super::log::{CallLog, CallRecord};
use crate::intercept::{CallInfo, CallInterceptor, CallKind, Intercept, InterceptError};

/// Records every call it sees, in order.
///
/// Recording is on the hot path of every host call, so it does no per-call
/// allocation in steady state: input and output bytes are appended to one
/// arena, (interface, function) pairs are interned, and the hash chain is
/// computed only when the log is sealed with [`finish`](Self::finish).
///
/// Export calls are recorded when they start (so the host calls they make
/// follow them in the log) and completed when they return.
///
/// ```
/// use packr_runtime::intercept::{CallInfo, CallInterceptor, CallKind};
/// use packr_runtime::record::Recorder;
/// let mut r = Recorder::new();
/// let now = CallInfo { kind: CallKind::HostCall, interface: "theater:simple/timer", function: "now" };
/// r.after(&now, b"in", b"out").unwrap();
/// assert_eq!(r.len(), 1);
/// assert_eq!(r.finish().records()[0].function, "now");
/// ```
#[derive(Debug, Default)]
pub struct Recorder {
    arena: Vec<u8>,
    entries: Vec<Entry>,
    names: Vec<(Box<str>, Box<str>)>,
    /// The last name looked up, by address: the runtime passes the same
    /// `&str`s for the same function on every call.
    last_name: Option<(usize, usize, u32)>,
    /// Export calls that started and have not returned yet.
    open_exports: Vec<usize>,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    kind: CallKind,
    name: u32,
    input: (usize, usize),
    output: Option<(usize, usize)>,
}

impl Recorder {
    /// An empty recorder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of calls recorded.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    #[inline]
    fn intern(&mut self, call: &CallInfo<'_>) -> u32 {
        let key = (
            call.interface.as_ptr() as usize,
            call.function.as_ptr() as usize,
        );
        if let Some((i, f, id)) = self.last_name {
            let (ni, nf) = &self.names[id as usize];
            if (i, f) == key && ni.len() == call.interface.len() && nf.len() == call.function.len()
            {
                return id;
            }
        }
        let id = match self
            .names
            .iter()
            .position(|(i, f)| &**i == call.interface && &**f == call.function)
        {
            Some(id) => id as u32,
            None => {
                self.names
                    .push((call.interface.into(), call.function.into()));
                self.names.len() as u32 - 1
            }
        };
        self.last_name = Some((key.0, key.1, id));
        id
    }

    #[inline]
    fn push_bytes(&mut self, bytes: &[u8]) -> (usize, usize) {
        let at = self.arena.len();
        self.arena.extend_from_slice(bytes);
        (at, bytes.len())
    }

    /// Seals the log and computes nothing yet: hashes are computed when the
    /// log is written or asked for its head hash.
    pub fn finish(self) -> CallLog {
        let slice = |(at, len): (usize, usize)| self.arena[at..at + len].to_vec();
        let records = self
            .entries
            .iter()
            .map(|e| {
                let (interface, function) = &self.names[e.name as usize];
                CallRecord {
                    kind: e.kind,
                    interface: interface.to_string(),
                    function: function.to_string(),
                    input: slice(e.input),
                    output: e.output.map(slice),
                }
            })
            .collect();
        CallLog { records }
    }
}

impl CallInterceptor for Recorder {
    fn before(&mut self, call: &CallInfo<'_>, input: &[u8]) -> Result<Intercept, InterceptError> {
        if call.kind == CallKind::GuestExport {
            let name = self.intern(call);
            let input = self.push_bytes(input);
            self.open_exports.push(self.entries.len());
            self.entries.push(Entry {
                kind: CallKind::GuestExport,
                name,
                input,
                output: None,
            });
        }
        Ok(Intercept::Proceed)
    }

    #[inline]
    fn after(
        &mut self,
        call: &CallInfo<'_>,
        input: &[u8],
        output: &[u8],
    ) -> Result<(), InterceptError> {
        match call.kind {
            CallKind::HostCall => {
                let name = self.intern(call);
                let input = self.push_bytes(input);
                let output = self.push_bytes(output);
                self.entries.push(Entry {
                    kind: CallKind::HostCall,
                    name,
                    input,
                    output: Some(output),
                });
            }
            CallKind::GuestExport => {
                let output = self.push_bytes(output);
                match self.open_exports.pop() {
                    Some(i) => self.entries[i].output = Some(output),
                    None => {
                        return Err(InterceptError::new(format!(
                            "{call} returned without having started"
                        )));
                    }
                }
            }
        }
        Ok(())
    }
}
