//! A running composition: calls into any member, each member's state and
//! instance, interceptors and recording.

use super::call::{self, Cell, CheckedOut, FailureSlot};
use super::error::CallError;
use super::member::Slot;
use super::resolve::Wiring;
use crate::abi::{self, GraphEncode, GraphValue, Value};
use crate::engine::{Error, Instance};
use crate::intercept::CallInterceptor;
use crate::record::{CallLog, Recorder};
use std::collections::BTreeMap;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::sync::MutexGuard;

/// One member as the composition keeps it.
pub(crate) struct Running {
    pub(crate) name: String,
    pub(crate) cell: Cell,
    pub(crate) failures: FailureSlot,
}

/// Guests wired together, each in its own instance, built by
/// [`CompositionBuilder`](super::CompositionBuilder). Any member's exports
/// can be called; cross-member calls happen inside.
///
/// ```
/// use packr_runtime::compose::{CompositionBuilder, Member};
/// use packr_runtime::engine::{Engine, Module};
/// use packr_runtime::host::HostBuilder;
/// let engine = Engine::default();
/// let guest = Module::from_wat(&engine, include_str!("../../../tests/guests/quickstart.wat"))?;
/// let mut host = HostBuilder::<u32>::new();
/// host.interface("example:host/log").func("log", |cx, _: String| *cx.data_mut() += 1)?;
/// host.interface("example:host/math").func("add", |_, (a, b): (i32, i32)| a + b)?;
/// let mut builder = CompositionBuilder::new();
/// builder.member("app", Member::new(&engine, &guest, host, 0));
/// let mut composition = builder.build()?;
/// let sum: i32 = composition.call("app", "example:guest/app.run", &())?;
/// assert_eq!(sum, 42);
/// assert_eq!(*composition.instance::<u32>("app")?.data(), 1, "one line logged");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Composition {
    wiring: Wiring,
    members: Vec<Running>,
}

impl std::fmt::Debug for Composition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Composition")
            .field("members", &self.members().collect::<Vec<_>>())
            .finish()
    }
}

impl Composition {
    pub(crate) fn new(wiring: Wiring, members: Vec<Running>) -> Self {
        Composition { wiring, members }
    }

    /// Who serves each import, as resolved.
    pub fn wiring(&self) -> &Wiring {
        &self.wiring
    }

    /// The members' names, in the order they were added.
    pub fn members(&self) -> impl Iterator<Item = &str> {
        self.members.iter().map(|m| m.name.as_str())
    }

    fn running(&self, member: &str) -> Result<&Running, Error> {
        self.members
            .iter()
            .find(|m| m.name == member)
            .ok_or_else(|| Error::Engine(format!("the composition has no member `{member}`")))
    }

    /// Calls `member`'s Graph ABI export with CGRF `input`; its CGRF output.
    pub fn call_raw(
        &mut self,
        member: &str,
        export: &str,
        input: &[u8],
    ) -> Result<Vec<u8>, CallError> {
        let mut out = Vec::new();
        let result = self.running(member).and_then(|running| {
            *call::lock(&running.failures) = None;
            let mut cell = call::lock(&running.cell);
            let slot = cell.as_mut().ok_or_else(|| busy(member))?;
            slot.call_into(export, input, &mut out)
        });
        self.outcome(member, export, result).map(|()| out)
    }

    /// [`call_raw`](Self::call_raw) through members that need async.
    pub async fn call_raw_async(
        &mut self,
        member: &str,
        export: &str,
        input: &[u8],
    ) -> Result<Vec<u8>, CallError> {
        let mut out = Vec::new();
        let result = match self.running(member) {
            Err(e) => Err(e),
            Ok(running) => {
                *call::lock(&running.failures) = None;
                match CheckedOut::take(&running.cell) {
                    None => Err(busy(member)),
                    Some(mut slot) => slot.slot().call_into_async(export, input, &mut out).await,
                }
            }
        };
        self.outcome(member, export, result).map(|()| out)
    }

    /// Calls `member`'s export with typed arguments (packed per the calling
    /// convention) and decodes its typed result.
    pub fn call<P, R>(&mut self, member: &str, export: &str, args: &P) -> Result<R, CallError>
    where
        P: GraphEncode + ?Sized,
        R: GraphValue,
    {
        let input = abi::encode(args).map_err(|e| self.error(member, export, e.into()))?;
        let output = self.call_raw(member, export, &input)?;
        abi::decode_as::<R>(&output).map_err(|e| self.error(member, export, e.into()))
    }

    /// Calls `member`'s export with a dynamic argument value.
    pub fn call_value(
        &mut self,
        member: &str,
        export: &str,
        args: &Value,
    ) -> Result<Value, CallError> {
        let input = abi::encode(args).map_err(|e| self.error(member, export, e.into()))?;
        let output = self.call_raw(member, export, &input)?;
        abi::decode(&output).map_err(|e| self.error(member, export, e.into()))
    }

    /// [`call`](Self::call) for compositions with async members: while any
    /// member waits in an async host function, the whole chain is
    /// suspended and no thread is blocked.
    pub async fn call_async<P, R>(
        &mut self,
        member: &str,
        export: &str,
        args: &P,
    ) -> Result<R, CallError>
    where
        P: GraphEncode + ?Sized,
        R: GraphValue,
    {
        let input = abi::encode(args).map_err(|e| self.error(member, export, e.into()))?;
        let output = self.call_raw_async(member, export, &input).await?;
        abi::decode_as::<R>(&output).map_err(|e| self.error(member, export, e.into()))
    }

    /// [`call_value`](Self::call_value) for compositions with async members.
    pub async fn call_value_async(
        &mut self,
        member: &str,
        export: &str,
        args: &Value,
    ) -> Result<Value, CallError> {
        let input = abi::encode(args).map_err(|e| self.error(member, export, e.into()))?;
        let output = self.call_raw_async(member, export, &input).await?;
        abi::decode(&output).map_err(|e| self.error(member, export, e.into()))
    }

    fn error(&self, member: &str, export: &str, source: Error) -> CallError {
        CallError {
            member: member.to_string(),
            export: export.to_string(),
            chain: None,
            source: Box::new(source),
        }
    }

    /// Adds the chain of cross-member calls to a failure that started in
    /// another member.
    fn outcome(
        &self,
        member: &str,
        export: &str,
        result: Result<(), Error>,
    ) -> Result<(), CallError> {
        let Err(source) = result else {
            return Ok(());
        };
        let chain = self.running(member).ok().and_then(|running| {
            call::lock(&running.failures)
                .take()
                .filter(|c| c.hops.first().is_some_and(|h| h.consumer == member))
                .map(Box::new)
        });
        Err(CallError {
            member: member.to_string(),
            export: export.to_string(),
            chain,
            source: Box::new(source),
        })
    }

    /// The instance of `member`, whose store state is `T`: its state, fuel,
    /// memory, interceptor. Held locked while the guard lives (calls that
    /// reach the member meanwhile fail instead of waiting).
    pub fn instance<T: Send + 'static>(&self, member: &str) -> Result<MemberGuard<'_, T>, Error> {
        let running = self.running(member)?;
        let guard = call::lock(&running.cell);
        match guard.as_ref() {
            None => return Err(busy(member)),
            Some(slot) if slot.as_any().is::<Instance<T>>() => {}
            Some(_) => {
                return Err(Error::Engine(format!(
                    "member `{member}`'s store state is not a `{}`",
                    std::any::type_name::<T>()
                )));
            }
        }
        Ok(MemberGuard {
            guard,
            _state: PhantomData,
        })
    }

    /// Bytes of `member`'s linear memory.
    pub fn memory_size(&self, member: &str) -> Result<usize, Error> {
        let running = self.running(member)?;
        let cell = call::lock(&running.cell);
        Ok(cell.as_ref().ok_or_else(|| busy(member))?.memory_size())
    }

    /// Installs an interceptor on `member`: it sees the member's host
    /// calls, cross-member imports included, and its export calls, those
    /// other members make included.
    pub fn set_interceptor(
        &mut self,
        member: &str,
        interceptor: Box<dyn CallInterceptor>,
    ) -> Result<(), Error> {
        let running = self.running(member)?;
        let mut cell = call::lock(&running.cell);
        cell.as_mut()
            .ok_or_else(|| busy(member))?
            .set_interceptor(interceptor);
        Ok(())
    }

    /// Removes `member`'s interceptor and gives it back.
    pub fn take_interceptor(
        &mut self,
        member: &str,
    ) -> Result<Option<Box<dyn CallInterceptor>>, Error> {
        let running = self.running(member)?;
        let mut cell = call::lock(&running.cell);
        Ok(cell
            .as_mut()
            .ok_or_else(|| busy(member))?
            .take_interceptor())
    }

    /// Starts recording every member: each gets a [`Recorder`] (replacing
    /// any interceptor it had).
    pub fn record(&mut self) {
        for m in &self.members {
            if let Some(slot) = call::lock(&m.cell).as_mut() {
                slot.set_interceptor(Box::new(Recorder::new()));
            }
        }
    }

    /// Stops recording and returns each member's sealed log. A member
    /// whose interceptor is not a [`Recorder`] keeps it and has no log.
    pub fn finish_recording(&mut self) -> CompositionLog {
        let mut logs = BTreeMap::new();
        for m in &self.members {
            let mut cell = call::lock(&m.cell);
            let Some(slot) = cell.as_mut() else { continue };
            let Some(interceptor) = slot.take_interceptor() else {
                continue;
            };
            let is_recorder = (&*interceptor as &dyn std::any::Any).is::<Recorder>();
            if !is_recorder {
                slot.set_interceptor(interceptor); // not ours: left as it was
                continue;
            }
            let any: Box<dyn std::any::Any + Send> = interceptor;
            if let Ok(recorder) = any.downcast::<Recorder>() {
                logs.insert(m.name.clone(), recorder.seal());
            }
        }
        CompositionLog { logs }
    }
}

fn busy(member: &str) -> Error {
    Error::Engine(format!(
        "member `{member}` is busy (a call into it is running, or its instance is borrowed)"
    ))
}

/// A member's instance, borrowed from a [`Composition`].
pub struct MemberGuard<'a, T> {
    guard: MutexGuard<'a, Option<Box<dyn Slot>>>,
    _state: PhantomData<fn() -> T>,
}

impl<T: Send + 'static> Deref for MemberGuard<'_, T> {
    type Target = Instance<T>;

    fn deref(&self) -> &Instance<T> {
        self.guard
            .as_ref()
            .and_then(|s| s.as_any().downcast_ref())
            .expect("checked when the guard was made")
    }
}

impl<T: Send + 'static> DerefMut for MemberGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut Instance<T> {
        self.guard
            .as_mut()
            .and_then(|s| s.as_any_mut().downcast_mut())
            .expect("checked when the guard was made")
    }
}

/// A recording of a whole composition: one [`CallLog`] per member, each
/// holding that member's host calls (its imports from other members
/// included, with the bytes they answered) and its export calls (those
/// other members made included). Replay one member alone from its log with
/// [`Member::replay`](super::Member::replay).
#[derive(Debug, Clone, Default)]
pub struct CompositionLog {
    logs: BTreeMap<String, CallLog>,
}

impl CompositionLog {
    /// `member`'s log.
    pub fn member(&self, member: &str) -> Option<&CallLog> {
        self.logs.get(member)
    }

    /// Every member's log, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &CallLog)> {
        self.logs.iter().map(|(n, l)| (n.as_str(), l))
    }

    /// Takes `member`'s log out.
    pub fn take(&mut self, member: &str) -> Option<CallLog> {
        self.logs.remove(member)
    }
}
