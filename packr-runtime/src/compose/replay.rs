//! Replaying one member of a recorded composition alone: its imports from
//! other members are answered from its log, so no other member runs (or
//! even exists).

use super::member::Member;
use crate::engine::{Error, ExternKind, Instance, Signature};
use crate::host::HostError;
use crate::record::{CallLog, Replayer};

impl<T: Send + 'static> Member<T> {
    /// An instance of this member alone, replaying `log` (its log from a
    /// [`CompositionLog`](super::CompositionLog)): every host call is
    /// answered from the log, those that went to other members included,
    /// and every export call must return what it returned when recorded,
    /// so an altered answer or a changed guest shows as a
    /// [`ReplayDivergence`](crate::record::ReplayDivergence). Graph ABI
    /// imports the member's own host functions do not serve are linked to
    /// functions that only the log answers.
    ///
    /// ```
    /// use packr_runtime::compose::Member;
    /// use packr_runtime::engine::{Engine, Module};
    /// use packr_runtime::host::HostBuilder;
    /// use packr_runtime::record::CallLog;
    /// let engine = Engine::default();
    /// // Imports test:doc/math.answer, which another member served when recorded.
    /// let app = Module::from_wat(&engine, r#"(module
    ///     (import "test:doc/math" "answer" (func (param i32 i32 i32 i32) (result i32)))
    ///     (memory (export "memory") 1))"#)?;
    /// let alone = Member::new(&engine, &app, HostBuilder::<()>::new(), ()).replay(CallLog::default())?;
    /// assert!(!alone.needs_async());
    /// # Ok::<(), packr_runtime::engine::Error>(())
    /// ```
    pub fn replay(self, log: CallLog) -> Result<Instance<T>, Error> {
        let (engine, module, host, state) = self.alone()?;
        let mut instance = engine.link(&module, &host)?.instantiate(state)?;
        instance.set_interceptor(Box::new(Replayer::new(log)));
        Ok(instance)
    }

    /// [`replay`](Self::replay) for a member whose own host functions are
    /// async.
    pub async fn replay_async(self, log: CallLog) -> Result<Instance<T>, Error> {
        let (engine, module, host, state) = self.alone()?;
        let mut instance = engine
            .link(&module, &host)?
            .instantiate_async(state)
            .await?;
        instance.set_interceptor(Box::new(Replayer::new(log)));
        Ok(instance)
    }

    /// The member with its unserved Graph ABI imports served by functions
    /// that fail if ever run (the replayer answers them first).
    fn alone(
        mut self,
    ) -> Result<
        (
            crate::engine::Engine,
            crate::engine::Module,
            crate::host::HostBuilder<T>,
            T,
        ),
        Error,
    > {
        let (imports, _) = self.module.describe();
        for import in imports {
            let abi = matches!(&import.kind, ExternKind::Func(s) if *s == Signature::abi());
            if !abi || self.host.get(&import.module, &import.name).is_some() {
                continue;
            }
            let what = format!("{}.{}", import.module, import.name);
            self.host
                .interface(&import.module)
                .func_codec(&import.name, move |_, _, _| {
                    Err(HostError::Trap(format!(
                        "{what} was served by another member when recorded; only the replayed log answers it"
                    )))
                })
                .map_err(|e| Error::Engine(e.to_string()))?;
        }
        Ok((self.engine, self.module, self.host, self.state))
    }
}
