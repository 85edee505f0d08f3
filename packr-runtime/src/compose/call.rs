//! The run-time path of a cross-member call: a codec-level host function
//! on the consumer that hands the consumer's argument bytes to the
//! provider's export and its output bytes back, with no decode or encode
//! on the way.

use super::error::{Chain, Hop};
use super::member::Slot;
use super::translate::Translation;
use crate::engine::Error;
use crate::host::{HostBuilder, HostError, RegistrationError};
use std::sync::{Arc, Mutex, MutexGuard};

/// Where a running member lives. Empty while the member is being
/// instantiated, and while an async call has it checked out.
pub(crate) type Cell = Arc<Mutex<Option<Box<dyn Slot>>>>;

/// The composition's most recent cross-member failure, for the chain the
/// caller finally sees.
pub(crate) type FailureSlot = Arc<Mutex<Option<Chain>>>;

/// Locks a mutex whatever a panic elsewhere left behind: what it guards (a
/// member, a failure record) stays usable, and host-function panics are
/// caught before they could reach here anyway.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// One wired import: the consumer's `interface.function`, served by the
/// provider's export of the same name.
pub(crate) struct LinkTarget {
    pub(crate) hop: Hop,
    /// `interface.function`, the provider's export name.
    pub(crate) export: String,
    pub(crate) provider: Cell,
    pub(crate) failures: FailureSlot,
}

impl LinkTarget {
    /// Records the provider's failure `e` and says what the consumer's
    /// import reports. A failure the provider met in one of its own
    /// cross-member calls during this call extends that chain by this hop.
    #[cold]
    fn failed(&self, e: &Error) -> HostError {
        let mut last = lock(&self.failures);
        let chain = match last.take() {
            Some(mut inner)
                if inner.hops.first().map(|h| &h.consumer) == Some(&self.hop.provider) =>
            {
                inner.hops.insert(0, self.hop.clone());
                inner
            }
            _ => Chain {
                hops: vec![self.hop.clone()],
                cause: e.to_string(),
            },
        };
        let message = chain.to_string();
        *last = Some(chain);
        HostError::Failed(message)
    }

    /// The provider's `answer` appended to `out` in the consumer's version;
    /// an answer that does not decode is the provider's bad output.
    fn translate_back(
        &self,
        t: Translation,
        answer: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        t.output_into(answer, out)
            .map_err(|error| Error::BadOutput {
                export: self.export.clone(),
                error,
            })
    }

    fn absent(&self) -> HostError {
        HostError::Failed(format!(
            "{}: `{}` is not running (still being instantiated, or busy in a call that re-entered it)",
            self.hop, self.hop.provider
        ))
    }
}

/// Registers the link on the consumer's host functions: a sync codec
/// function, or an async one when the provider needs async.
pub(crate) fn register<T: Send + 'static>(
    host: &mut HostBuilder<T>,
    target: Arc<LinkTarget>,
    is_async: bool,
) -> Result<(), RegistrationError> {
    let (interface, function) = (target.hop.interface.clone(), target.hop.function.clone());
    let mut iface = host.interface(&interface);
    if !is_async {
        iface.func_codec(&function, move |_cx, input, out| {
            let mut provider = lock(&target.provider);
            let Some(slot) = provider.as_mut() else {
                return Err(target.absent());
            };
            // `out` is the consumer's reusable result buffer: the provider's
            // output lands in it and goes from there to the consumer's
            // memory, as any host function's result does.
            match Translation::needed(input, slot.wire()) {
                None => slot
                    .call_into(&target.export, input, out)
                    .map_err(|e| target.failed(&e)),
                Some(t) => {
                    let input = t.input(input).map_err(HostError::BadInput)?;
                    let mut answer = Vec::new();
                    slot.call_into(&target.export, &input, &mut answer)
                        .and_then(|()| target.translate_back(t, &answer, out))
                        .map_err(|e| target.failed(&e))
                }
            }
        })?;
        return Ok(());
    }
    iface.func_async_codec(&function, move |_cx, input| {
        let target = target.clone();
        Box::pin(async move {
            let mut out = Vec::new();
            let mut checked_out =
                CheckedOut::take(&target.provider).ok_or_else(|| target.absent())?;
            let translation = Translation::needed(input, checked_out.slot().wire());
            let translated;
            let input = match translation {
                None => input,
                Some(t) => {
                    translated = t.input(input).map_err(HostError::BadInput)?;
                    &translated
                }
            };
            let result = checked_out
                .slot()
                .call_into_async(&target.export, input, &mut out)
                .await;
            drop(checked_out);
            let result = match translation {
                None => result,
                Some(t) => result.and_then(|()| {
                    let answer = std::mem::take(&mut out);
                    target.translate_back(t, &answer, &mut out)
                }),
            };
            result.map_err(|e| target.failed(&e))?;
            Ok(out)
        })
    })?;
    Ok(())
}

/// A member taken out of its cell for an async call, so no lock is held
/// across an await; put back when dropped, also when the call's future is
/// dropped half-way.
pub(crate) struct CheckedOut<'c> {
    cell: &'c Mutex<Option<Box<dyn Slot>>>,
    slot: Option<Box<dyn Slot>>,
}

impl<'c> CheckedOut<'c> {
    pub(crate) fn take(cell: &'c Mutex<Option<Box<dyn Slot>>>) -> Option<Self> {
        let slot = lock(cell).take()?;
        Some(CheckedOut {
            cell,
            slot: Some(slot),
        })
    }

    pub(crate) fn slot(&mut self) -> &mut dyn Slot {
        // Present from `take` until `drop`.
        self.slot.as_deref_mut().expect("checked out until dropped")
    }
}

impl Drop for CheckedOut<'_> {
    fn drop(&mut self) {
        if let Some(slot) = self.slot.take() {
            *lock(self.cell) = Some(slot);
        }
    }
}
