//! The recording interceptor: appends calls to an arena, hashes when sealed.

use super::log::{CANCELLED, CallLog, Entry, NOT_COMPLETED, Parts, payload_len};
use crate::intercept::CallKind;
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
    /// Recently used names, most recent first.
    recent: [RecentName; RECENT],
    /// Calls that started and have not returned yet, innermost last.
    open: Vec<Open>,
    /// Per name id, the arena chunks of its last input and last output
    /// ([`NO_CHUNK`]: none yet): a call repeating them shares the chunk.
    last: Vec<[u64; 2]>,
}

/// A call that started and has not returned yet.
#[derive(Debug, Clone, Copy)]
struct Open {
    entry: usize,
    name: u32,
    kind: CallKind,
    /// The address of the names it started with.
    at: NamesAt,
}

/// No chunk recorded yet.
const NO_CHUNK: u64 = u64::MAX;

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
            recent: [RecentName::EMPTY; RECENT],
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
        self.last.iter_mut().for_each(|l| *l = [NO_CHUNK; 2]);
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
        // Compared by content, not by address: a recorder outlives the
        // instances it records, and a caller's strings (an export's name)
        // may be freed and their address reused for other names. The
        // recent names' bytes sit in the recorder itself, so a match reads
        // no name table.
        if self.recent[0].is(call) {
            return self.recent[0].id;
        }
        for k in 1..RECENT {
            if self.recent[k].is(call) {
                let hit = self.recent[k];
                self.recent.copy_within(0..k, 1);
                self.recent[0] = hit;
                return hit.id;
            }
        }
        self.intern_slow(call)
    }

    #[cold]
    #[inline(never)]
    fn intern_slow(&mut self, call: &CallInfo<'_>) -> u32 {
        let id = self.parts.names.intern(call.interface, call.function);
        if self.last.len() <= id as usize {
            self.last.resize(id as usize + 1, [NO_CHUNK; 2]);
        }
        self.recent.copy_within(0..RECENT - 1, 1);
        self.recent[0] = RecentName::new(id, call);
        id
    }

    /// Logs the start of `call` and returns its entry and name id.
    // Forced inline: returned through memory, the result is read back
    // wider than it was written, a store-forwarding stall on every call.
    #[inline(always)]
    fn start(&mut self, call: &CallInfo<'_>, input: &[u8]) -> Result<(usize, u32), InterceptError> {
        let input_len = payload_len(input).map_err(InterceptError::new)?;
        let name = self.intern(call);
        let input_at = self.store_input(name, call.kind, input_len, input);
        let entry = self.parts.entries.len();
        self.parts.entries.push(Entry {
            input: input_at,
            output: NOT_COMPLETED,
        });
        Ok((entry, name))
    }

    /// Puts the input chunk in the arena, or shares `name`'s previous one
    /// when kind and bytes are equal. Hosts call the same functions with
    /// the same small payloads over and over (unit results, empty inputs,
    /// polling): stored once, the log writes far fewer bytes per call,
    /// which is most of what recording costs.
    #[inline]
    fn store_input(&mut self, name: u32, kind: CallKind, len: u32, bytes: &[u8]) -> u64 {
        let last = self.last[name as usize][INPUT];
        if last != NO_CHUNK && bytes.len() <= REUSE_MAX {
            let (_, last_kind) = self.parts.input_head(last);
            if last_kind == kind && same(self.parts.input_bytes(last), bytes) {
                return last;
            }
        }
        let at = self.parts.push_input(name, kind, len, bytes);
        self.last[name as usize][INPUT] = at;
        at
    }

    /// The output counterpart of [`store_input`](Self::store_input).
    #[inline]
    fn store_output(&mut self, name: u32, len: u32, bytes: &[u8]) -> u64 {
        let last = self.last[name as usize][OUTPUT];
        if last != NO_CHUNK
            && bytes.len() <= REUSE_MAX
            && same(self.parts.output_bytes(last), bytes)
        {
            return last;
        }
        let at = self.parts.push_output(len, bytes);
        self.last[name as usize][OUTPUT] = at;
        at
    }
}

const INPUT: usize = 0;
const OUTPUT: usize = 1;

/// `a == b`, inlined for the short names and payloads calls carry: word
/// loads instead of a call to `memcmp`. The words never straddle: an output
/// was encoded a moment ago with stores of 16, 8 and 4 bytes, and a load
/// that spans two pending stores stalls until both retire.
#[inline(always)]
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let n = a.len();
    if n > 64 {
        return a == b;
    }
    let word = |s: &[u8], at: usize| u64::from_ne_bytes(s[at..at + 8].try_into().unwrap());
    let half = |s: &[u8], at: usize| u32::from_ne_bytes(s[at..at + 4].try_into().unwrap());
    let mut diff = 0u64;
    let mut at = 0;
    while at + 8 <= n {
        diff |= word(a, at) ^ word(b, at);
        at += 8;
    }
    if at + 4 <= n {
        diff |= u64::from(half(a, at) ^ half(b, at));
        at += 4;
    }
    while at < n {
        diff |= u64::from(a[at] ^ b[at]);
        at += 1;
    }
    diff == 0
}

impl CallInterceptor for Recorder {
    #[inline]
    fn before(&mut self, call: &CallInfo<'_>, input: &[u8]) -> Result<Intercept, InterceptError> {
        let (entry, name) = self.start(call, input)?;
        self.open.push(Open {
            entry,
            name,
            kind: call.kind,
            at: NamesAt::of(call),
        });
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
        // addresses mean equal names and no bytes are compared. Anything
        // opened after this call's `before` is nested in it, so its names
        // are alive too: an address cannot have been reused meanwhile.
        if let Some(&open) = self.open.last()
            && open.at.matches(call)
            && open.kind == call.kind
        {
            self.open.pop();
            return self.complete(open.entry, open.name, output);
        }
        let name = self.intern(call);
        // Otherwise the innermost open call with these names is returning;
        // calls above it failed without returning (they stay incomplete).
        let found = self
            .open
            .iter()
            .rposition(|o| o.name == name && o.kind == call.kind);
        let entry = match found {
            Some(at) => {
                let entry = self.open[at].entry;
                self.open.truncate(at);
                entry
            }
            // Returned without `before`: record it whole.
            None => self.start(call, input)?.0,
        };
        self.complete(entry, name, output)
    }

    fn cancelled(&mut self, call: &CallInfo<'_>) {
        self.cancel(call);
    }
}

impl Recorder {
    /// Marks `call` and every call still open inside it as cancelled.
    #[cold]
    fn cancel(&mut self, call: &CallInfo<'_>) {
        let name = self.intern(call);
        let from = self
            .open
            .iter()
            .rposition(|o| o.name == name && o.kind == call.kind)
            .unwrap_or(0);
        for open in self.open.drain(from..) {
            self.parts.entries[open.entry].output = CANCELLED;
        }
    }

    #[inline]
    fn complete(&mut self, entry: usize, name: u32, output: &[u8]) -> Result<(), InterceptError> {
        let output_len = payload_len(output).map_err(InterceptError::new)?;
        let output_at = self.store_output(name, output_len, output);
        self.parts.entries[entry].output = output_at;
        Ok(())
    }
}

/// A recently used (interface, function) pair with its bytes inline.
#[derive(Debug, Clone, Copy)]
struct RecentName {
    id: u32,
    interface_len: u8,
    function_len: u8,
    /// `interface` then `function`; pairs longer than this are not kept.
    bytes: [u8; RECENT_BYTES],
}

const RECENT_BYTES: usize = 58;

impl RecentName {
    /// An empty slot: its lengths match no call.
    const EMPTY: RecentName = RecentName {
        id: u32::MAX,
        interface_len: u8::MAX,
        function_len: u8::MAX,
        bytes: [0; RECENT_BYTES],
    };

    fn new(id: u32, call: &CallInfo<'_>) -> RecentName {
        let (i, f) = (call.interface.as_bytes(), call.function.as_bytes());
        if i.len() + f.len() > RECENT_BYTES {
            return RecentName::EMPTY;
        }
        let mut bytes = [0; RECENT_BYTES];
        bytes[..i.len()].copy_from_slice(i);
        bytes[i.len()..i.len() + f.len()].copy_from_slice(f);
        RecentName {
            id,
            interface_len: i.len() as u8,
            function_len: f.len() as u8,
            bytes,
        }
    }

    #[inline(always)]
    fn is(&self, call: &CallInfo<'_>) -> bool {
        let (i, f) = (call.interface.as_bytes(), call.function.as_bytes());
        let (il, fl) = (self.interface_len as usize, self.function_len as usize);
        i.len() == il
            && f.len() == fl
            && il + fl <= RECENT_BYTES
            && same(&self.bytes[..il], i)
            && same(&self.bytes[il..il + fl], f)
    }
}

/// Where a call's interface and function names live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct NamesAt([usize; 4]);

impl NamesAt {
    /// True when `call`'s names live where these do. Folded into one word
    /// rather than compared as a block: a block compare becomes 16-byte
    /// loads, and a 16-byte load over values just stored 8 bytes at a time
    /// stalls the CPU (most of what recording cost per call).
    #[inline(always)]
    fn matches(&self, call: &CallInfo<'_>) -> bool {
        let [a, b, c, d] = self.0;
        let diff = (a ^ call.interface.as_ptr() as usize)
            | (b ^ call.interface.len())
            | (c ^ call.function.as_ptr() as usize)
            | (d ^ call.function.len());
        diff == 0
    }

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
