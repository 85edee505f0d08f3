//! The recording interceptor: appends calls to an arena, hashes when sealed.

use super::log::{CallLog, Entry, Parts, payload_len};
use crate::intercept::{CallInfo, CallInterceptor, Intercept, InterceptError};

/// How many recently used (interface, function) pairs are checked before
/// the name table is consulted.
const RECENT: usize = 4;

/// Payloads up to this size are compared with the same function's previous
/// payload and stored once when equal. Beyond it, comparing costs about
/// what copying does.
const REUSE_MAX: usize = 1024;

/// Records every call it sees, in order, for [`Replayer`](super::Replayer).
///
/// A call is logged when it starts ([`before`](CallInterceptor::before):
/// kind, interface, function, input) and completed when it returns
/// ([`after`](CallInterceptor::after): output), so the host calls an export
/// makes follow that export in the log. A call that never returns (a
/// failing host function, a trapping export) stays in the log as not
/// completed, and replay makes it fail again.
///
/// Recording sits on the hot path of every host call, so it does no
/// per-call allocation in steady state: input and output bytes are
/// appended to one arena, each call is a fixed-size entry, names are
/// interned (the last few pairs are compared first), and the hash chain is
/// computed only when the log is [sealed](Self::seal).
///
/// ```
/// use packr_runtime::intercept::{CallInfo, CallInterceptor, CallKind};
/// use packr_runtime::record::Recorder;
/// let mut r = Recorder::new();
/// let now = CallInfo { kind: CallKind::HostCall, interface: "theater:simple/timer", function: "now" };
/// r.before(&now, b"in").unwrap();
/// r.after(&now, b"in", b"out").unwrap();
/// assert_eq!(r.len(), 1);
/// assert_eq!(r.seal().get(0).unwrap().output, b"out");
/// ```
#[derive(Debug)]
pub struct Recorder {
    parts: Parts,
    /// Recently used name ids, most recent first (`u32::MAX`: empty).
    recent: [u32; RECENT],
    /// Entries that started and have not returned yet, innermost last,
    /// with the address of the names they were started with.
    open: Vec<(usize, NamesAt)>,
    /// Per name id, the arena ranges `(at, len)` of its last input and
    /// last output: a call repeating them shares the bytes.
    last: Vec<[(usize, usize); 2]>,
}

impl Default for Recorder {
    fn default() -> Self {
        Recorder::new()
    }
}

impl Recorder {
    /// An empty recorder.
    ///
    /// ```
    /// assert!(packr_runtime::record::Recorder::new().is_empty());
    /// ```
    pub fn new() -> Self {
        Recorder {
            parts: Parts::default(),
            recent: [u32::MAX; RECENT],
            open: Vec::new(),
            last: Vec::new(),
        }
    }

    /// An empty recorder with room for `calls` calls carrying `bytes` input
    /// and output bytes in all, so that recording them never reallocates.
    ///
    /// ```
    /// let r = packr_runtime::record::Recorder::with_capacity(1000, 76 * 1000);
    /// assert!(r.is_empty());
    /// ```
    pub fn with_capacity(calls: usize, bytes: usize) -> Self {
        let mut r = Recorder::new();
        r.parts.entries.reserve(calls);
        r.parts.arena.reserve(bytes);
        r
    }

    /// Number of calls recorded (including calls still running).
    ///
    /// ```
    /// assert_eq!(packr_runtime::record::Recorder::new().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.parts.entries.len()
    }

    /// True when nothing was recorded.
    ///
    /// ```
    /// assert!(packr_runtime::record::Recorder::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.parts.entries.is_empty()
    }

    /// Forgets every recorded call but keeps the buffers (and the interned
    /// names), so recording the next session does not allocate again.
    ///
    /// ```
    /// use packr_runtime::intercept::{CallInfo, CallInterceptor, CallKind};
    /// use packr_runtime::record::Recorder;
    /// let now = CallInfo { kind: CallKind::HostCall, interface: "a:b/c", function: "now" };
    /// let mut r = Recorder::new();
    /// r.before(&now, b"").unwrap();
    /// r.clear();
    /// assert!(r.is_empty());
    /// ```
    pub fn clear(&mut self) {
        self.parts.arena.clear();
        self.parts.entries.clear();
        self.open.clear();
        self.last.iter_mut().for_each(|l| *l = [(0, 0); 2]);
    }

    /// Seals the log: computes its hash chain. Calls still running (that
    /// never returned) are kept as not completed.
    ///
    /// ```
    /// use packr_runtime::intercept::{CallInfo, CallInterceptor, CallKind};
    /// use packr_runtime::record::Recorder;
    /// let run = CallInfo { kind: CallKind::GuestExport, interface: "", function: "run" };
    /// let mut r = Recorder::new();
    /// r.before(&run, &[]).unwrap(); // ...and the export trapped
    /// let log = r.seal();
    /// assert!(!log.get(0).unwrap().completed);
    /// ```
    pub fn seal(self) -> CallLog {
        self.parts.seal()
    }

    /// The same as [`seal`](Self::seal).
    ///
    /// ```
    /// let log = packr_runtime::record::Recorder::new().finish();
    /// assert!(log.is_empty());
    /// ```
    pub fn finish(self) -> CallLog {
        self.seal()
    }

    #[inline]
    fn intern(&mut self, call: &CallInfo<'_>) -> u32 {
        for k in 0..RECENT {
            let id = self.recent[k];
            if let Some((i, f)) = self.parts.names.list.get(id as usize)
                && same(i.as_bytes(), call.interface.as_bytes())
                && same(f.as_bytes(), call.function.as_bytes())
            {
                if k != 0 {
                    self.recent.copy_within(0..k, 1);
                    self.recent[0] = id;
                }
                return id;
            }
        }
        self.intern_slow(call)
    }

    #[cold]
    #[inline(never)]
    fn intern_slow(&mut self, call: &CallInfo<'_>) -> u32 {
        let id = self.parts.names.intern(call.interface, call.function);
        if self.last.len() <= id as usize {
            self.last.resize(id as usize + 1, [(0, 0); 2]);
        }
        self.recent.copy_within(0..RECENT - 1, 1);
        self.recent[0] = id;
        id
    }

    #[inline]
    fn start(&mut self, call: &CallInfo<'_>, input: &[u8]) -> Result<usize, InterceptError> {
        let input_len = payload_len(input).map_err(InterceptError::new)?;
        let name = self.intern(call);
        let input_at = self.store(name, INPUT, input);
        let index = self.parts.entries.len();
        self.parts.entries.push(Entry {
            input_at,
            input_len,
            output_at: 0,
            output_len: 0,
            name,
            kind: call.kind,
            completed: false,
        });
        Ok(index)
    }
}

const INPUT: usize = 0;
const OUTPUT: usize = 1;

impl Recorder {
    /// Puts `bytes` in the arena and returns where they start, sharing the
    /// bytes of `name`'s previous payload on this `side` when equal. Hosts
    /// call the same functions with the same small payloads over and over
    /// (unit results, empty inputs, polling): stored once, the log writes
    /// far fewer bytes per call, which is most of what recording costs.
    #[inline]
    fn store(&mut self, name: u32, side: usize, bytes: &[u8]) -> usize {
        let Some(last) = self.last.get_mut(name as usize) else {
            return self.parts.push_bytes(bytes);
        };
        let (at, len) = last[side];
        if len == bytes.len()
            && len <= REUSE_MAX
            && self.parts.arena.get(at..at + len) == Some(bytes)
        {
            return at;
        }
        let at = self.parts.push_bytes(bytes);
        last[side] = (at, bytes.len());
        at
    }
}

/// `a == b`, inlined for the short names functions have: two overlapping
/// word loads instead of a call to `memcmp`.
#[inline(always)]
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let n = a.len();
    let word = |s: &[u8], at: usize| u64::from_ne_bytes(s[at..at + 8].try_into().unwrap());
    let half = |s: &[u8], at: usize| u32::from_ne_bytes(s[at..at + 4].try_into().unwrap());
    match n {
        0 => true,
        1..4 => a.iter().zip(b).all(|(x, y)| x == y),
        4..8 => half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4),
        8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        _ => a == b,
    }
}

impl CallInterceptor for Recorder {
    #[inline]
    fn before(&mut self, call: &CallInfo<'_>, input: &[u8]) -> Result<Intercept, InterceptError> {
        let index = self.start(call, input)?;
        self.open.push((index, NamesAt::of(call)));
        Ok(Intercept::Proceed)
    }

    #[inline]
    fn after(
        &mut self,
        call: &CallInfo<'_>,
        input: &[u8],
        output: &[u8],
    ) -> Result<(), InterceptError> {
        // The common case: the innermost open call returns, announced with
        // the very strings it started with (the engine passes the names of
        // the registered function, alive across the call), so equal
        // addresses mean equal names and no bytes are compared.
        if let Some(&(index, at)) = self.open.last()
            && at == NamesAt::of(call)
            && self.parts.entries[index].kind == call.kind
        {
            self.open.pop();
            let name = self.parts.entries[index].name;
            return self.complete(index, name, output);
        }
        let name = self.intern(call);
        // Otherwise the innermost open call with these names is returning;
        // calls above it failed without returning (they stay incomplete).
        let entries = &self.parts.entries;
        let found = self
            .open
            .iter()
            .rposition(|&(i, _)| entries[i].name == name && entries[i].kind == call.kind);
        let index = match found {
            Some(at) => {
                let index = self.open[at].0;
                self.open.truncate(at);
                index
            }
            // Returned without `before`: record it whole.
            None => self.start(call, input)?,
        };
        self.complete(index, name, output)
    }
}

impl Recorder {
    #[inline]
    fn complete(&mut self, index: usize, name: u32, output: &[u8]) -> Result<(), InterceptError> {
        let output_len = payload_len(output).map_err(InterceptError::new)?;
        let output_at = self.store(name, OUTPUT, output);
        let e = &mut self.parts.entries[index];
        e.output_at = output_at;
        e.output_len = output_len;
        e.completed = true;
        Ok(())
    }
}

/// Where a call's interface and function names live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct NamesAt([usize; 4]);

impl NamesAt {
    #[inline]
    fn of(call: &CallInfo<'_>) -> NamesAt {
        NamesAt([
            call.interface.as_ptr() as usize,
            call.interface.len(),
            call.function.as_ptr() as usize,
            call.function.len(),
        ])
    }
}
