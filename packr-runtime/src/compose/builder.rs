//! Collecting members, links and hints, and turning them into a running
//! [`Composition`].

use super::call::{self, Cell, FailureSlot, LinkTarget};
use super::composition::{Composition, Running};
use super::error::{BuildError, Problem};
use super::member::{Member, Pending, Slot};
use super::resolve::{self, Plan, Wiring};
use std::sync::{Arc, Mutex};

/// Members, explicit links and hints; [`build`](Self::build) resolves the
/// wiring, checks it and instantiates every member.
///
/// ```
/// use packr_runtime::compose::{CompositionBuilder, Member};
/// use packr_runtime::engine::{Engine, Module};
/// use packr_runtime::host::HostBuilder;
/// let engine = Engine::default();
/// let module = |wat: &str| Module::from_wat(&engine, wat);
/// // `math` exports test:doc/math.answer; `app` imports it.
/// let math = module(r#"(module (memory (export "memory") 1)
///     (func (export "test:doc/math.answer") (param i32 i32 i32 i32) (result i32) (i32.const 1)))"#)?;
/// let app = module(r#"(module
///     (import "test:doc/math" "answer" (func (param i32 i32 i32 i32) (result i32)))
///     (memory (export "memory") 1))"#)?;
/// let mut builder = CompositionBuilder::new();
/// builder
///     .member("math", Member::new(&engine, &math, HostBuilder::<()>::new(), ()))
///     .member("app", Member::new(&engine, &app, HostBuilder::<()>::new(), ()));
/// let wiring = builder.resolve()?;
/// assert_eq!(wiring.to_string().lines().next(), Some("app: test:doc/math.answer ← math (by name)"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Default)]
pub struct CompositionBuilder {
    members: Vec<(String, Box<dyn Pending>)>,
    links: Vec<(String, String, String)>,
    hints: Vec<(String, String)>,
}

impl CompositionBuilder {
    /// An empty composition.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a member under `name`.
    pub fn member<T: Send + 'static>(&mut self, name: &str, member: Member<T>) -> &mut Self {
        self.members.push((name.to_string(), Box::new(member)));
        self
    }

    /// `consumer`'s imports of `interface` are served by `provider`,
    /// whatever else exports it (and even when `consumer`'s own host
    /// functions serve it).
    pub fn link(&mut self, consumer: &str, interface: &str, provider: &str) -> &mut Self {
        self.links
            .push((consumer.into(), interface.into(), provider.into()));
        self
    }

    /// When several members expose `interface`, consumers without an
    /// explicit link are served by `provider`.
    pub fn hint(&mut self, interface: &str, provider: &str) -> &mut Self {
        self.hints.push((interface.into(), provider.into()));
        self
    }

    /// Resolves and checks the wiring without instantiating anything:
    /// every problem at once, or who serves each import.
    pub fn resolve(&self) -> Result<Wiring, BuildError> {
        self.plan().map(|plan| plan.wiring)
    }

    fn plan(&self) -> Result<Plan, BuildError> {
        resolve::resolve(&self.members, &self.links, &self.hints)
            .map_err(|problems| BuildError { problems })
    }

    /// Resolves the wiring and instantiates every member synchronously.
    /// A member that needs async (it, or a member it calls, imports an
    /// async host function) is refused with the path to that function:
    /// use [`build_async`](Self::build_async) for those.
    pub fn build(self) -> Result<Composition, BuildError> {
        let plan = self.plan()?;
        let refused = resolve::async_paths(&plan, &self.members);
        if !refused.is_empty() {
            return Err(BuildError { problems: refused });
        }
        let (order, pending, running, problems) = self.wire(&plan);
        let mut problems = problems;
        let mut pending: Vec<Option<Box<dyn Pending>>> = pending.into_iter().map(Some).collect();
        for &m in &order {
            let Some(member) = pending[m].take() else {
                continue;
            };
            match member.instantiate() {
                Ok(slot) => *call::lock(&running[m].cell) = Some(slot),
                Err(e) => problems.push(engine_problem(&running[m].name, e)),
            }
        }
        finish(plan, running, problems)
    }

    /// Resolves the wiring and instantiates every member, members that
    /// need async on the async path. Cross-member calls into such members
    /// are async host functions of their callers; call them with
    /// [`Composition::call_async`].
    pub async fn build_async(self) -> Result<Composition, BuildError> {
        let plan = self.plan()?;
        let (order, pending, running, mut problems) = self.wire(&plan);
        let mut pending: Vec<Option<Box<dyn Pending>>> = pending.into_iter().map(Some).collect();
        for &m in &order {
            let Some(member) = pending[m].take() else {
                continue;
            };
            let instance = if plan.needs_async[m] {
                member.instantiate_async().await
            } else {
                member.instantiate()
            };
            match instance {
                Ok(slot) => *call::lock(&running[m].cell) = Some(slot),
                Err(e) => problems.push(engine_problem(&running[m].name, e)),
            }
        }
        finish(plan, running, problems)
    }

    /// Creates each member's cell and registers its cross-member imports
    /// as host functions calling into the providers' cells.
    #[allow(clippy::type_complexity)]
    fn wire(
        self,
        plan: &Plan,
    ) -> (
        Vec<usize>,
        Vec<Box<dyn Pending>>,
        Vec<Running>,
        Vec<Problem>,
    ) {
        let failures: FailureSlot = Arc::new(Mutex::new(None));
        let cells: Vec<Cell> = self
            .members
            .iter()
            .map(|_| Arc::new(Mutex::new(None::<Box<dyn Slot>>)))
            .collect();
        let mut problems = Vec::new();
        let mut pending = Vec::new();
        let mut running = Vec::new();
        for (m, (name, mut member)) in self.members.into_iter().enumerate() {
            for (hop, p) in &plan.links[m] {
                let target = Arc::new(LinkTarget {
                    export: format!("{}.{}", hop.interface, hop.function),
                    hop: hop.clone(),
                    provider: cells[*p].clone(),
                    failures: failures.clone(),
                });
                if let Err(e) = member.add_link(target, plan.needs_async[*p]) {
                    problems.push(Problem::Engine {
                        member: name.clone(),
                        error: e.to_string(),
                    });
                }
            }
            running.push(Running {
                name,
                cell: cells[m].clone(),
                failures: failures.clone(),
            });
            pending.push(member);
        }
        (plan.order.clone(), pending, running, problems)
    }
}

fn engine_problem(member: &str, e: crate::engine::Error) -> Problem {
    Problem::Engine {
        member: member.to_string(),
        error: e.to_string(),
    }
}

fn finish(
    plan: Plan,
    running: Vec<Running>,
    problems: Vec<Problem>,
) -> Result<Composition, BuildError> {
    if !problems.is_empty() {
        return Err(BuildError { problems });
    }
    Ok(Composition::new(plan.wiring, running))
}
