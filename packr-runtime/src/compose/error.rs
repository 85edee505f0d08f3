//! What can go wrong composing guests: every wiring problem `build()`
//! finds, and a call that failed somewhere down a chain of members.

use crate::engine::{Error, Signature};
use crate::wit::Hash;
use std::fmt;

/// One cross-member call: `consumer` imports `interface.function`,
/// `provider` exports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    /// The member whose import this is.
    pub consumer: String,
    /// The member whose export serves it.
    pub provider: String,
    /// The interface path.
    pub interface: String,
    /// The function name.
    pub function: String,
}

impl fmt::Display for Hop {
    /// `consumer → provider.interface.function`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} → {}.{}.{}",
            self.consumer, self.provider, self.interface, self.function
        )
    }
}

/// Writes `a → b.i.f → c.j.g`: the first consumer, then each provider.
fn write_path(f: &mut fmt::Formatter<'_>, hops: &[Hop]) -> fmt::Result {
    let Some(first) = hops.first() else {
        return Ok(());
    };
    f.write_str(&first.consumer)?;
    for h in hops {
        write!(f, " → {}.{}.{}", h.provider, h.interface, h.function)?;
    }
    Ok(())
}

/// A wiring problem found by
/// [`CompositionBuilder::build`](super::CompositionBuilder::build).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// Two members were given one name.
    DuplicateMember {
        /// The name.
        name: String,
    },
    /// A link or hint names a member the composition does not have.
    UnknownMember {
        /// The name used.
        name: String,
        /// Where (`link(adder, test:x/math, …)`).
        used_in: String,
    },
    /// Neither the member's host functions nor any other member's exposed
    /// exports serve this import.
    Unserved {
        /// The importing member.
        member: String,
        /// The interface path.
        interface: String,
        /// The function name.
        function: String,
    },
    /// Several members expose the interface and no link or hint says which
    /// one serves this member.
    Ambiguous {
        /// The importing member.
        member: String,
        /// The interface path.
        interface: String,
        /// Every member that exposes it.
        providers: Vec<String>,
    },
    /// A link (or a hint) points at a member that hides the interface from
    /// other members (its `exposing` / `hiding` filter).
    NotExposed {
        /// The member the link serves (empty for a hint).
        consumer: String,
        /// The member that hides it.
        provider: String,
        /// The interface path.
        interface: String,
    },
    /// The provider serves the interface but not this function.
    MissingFunction {
        /// The call that cannot be made.
        hop: Hop,
    },
    /// The import or the export does not have the Graph ABI's core
    /// signature, so bytes cannot cross between them.
    SignatureMismatch {
        /// The call.
        hop: Hop,
        /// The consumer's import signature.
        import: Signature,
        /// The provider's export signature (`None`: not a function of
        /// numeric types).
        export: Option<Signature>,
    },
    /// Both sides carry `__pack_types` and their hashes of the interface
    /// differ: one was built against another version of it.
    HashMismatch {
        /// The importing member.
        consumer: String,
        /// The exporting member.
        provider: String,
        /// The interface path.
        interface: String,
        /// The consumer's import hash.
        consumer_hash: Hash,
        /// The provider's export hash.
        provider_hash: Hash,
    },
    /// The wiring goes round: the first hop's consumer is the last hop's
    /// provider.
    Cycle {
        /// The calls around the cycle.
        hops: Vec<Hop>,
    },
    /// `build()` (sync) was used, but this member needs async: the path
    /// ends at an async host function.
    NeedsAsync {
        /// The member that would be called synchronously.
        member: String,
        /// The cross-member calls from it to the member importing the
        /// async host function (empty when it imports one itself).
        hops: Vec<Hop>,
        /// That async host function (`interface.function`) and the member
        /// importing it.
        host_function: (String, String),
    },
    /// A member's `__pack_types` is malformed.
    Metadata {
        /// The member.
        member: String,
        /// What is wrong.
        reason: String,
    },
    /// The engine refused to link or instantiate a member.
    Engine {
        /// The member.
        member: String,
        /// The engine's error, as text.
        error: String,
    },
}

fn hex(h: &Hash) -> String {
    h.iter().map(|b| format!("{b:02x}")).collect()
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::DuplicateMember { name } => write!(f, "two members are named `{name}`"),
            Problem::UnknownMember { name, used_in } => {
                write!(f, "{used_in} names `{name}`, which is not a member")
            }
            Problem::Unserved {
                member,
                interface,
                function,
            } => write!(
                f,
                "`{member}` imports {interface}.{function}, but neither its host functions nor any other member's exposed exports serve it"
            ),
            Problem::Ambiguous {
                member,
                interface,
                providers,
            } => write!(
                f,
                "`{member}` imports {interface}, which {} all expose: say which with `link(\"{member}\", \"{interface}\", …)` or `hint(\"{interface}\", …)`",
                providers
                    .iter()
                    .map(|p| format!("`{p}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Problem::NotExposed {
                consumer,
                provider,
                interface,
            } if consumer.is_empty() => write!(
                f,
                "a hint names `{provider}` for {interface}, but `{provider}` does not expose it to other members"
            ),
            Problem::NotExposed {
                consumer,
                provider,
                interface,
            } => write!(
                f,
                "`{consumer}` is linked to `{provider}` for {interface}, but `{provider}` does not expose it to other members"
            ),
            Problem::MissingFunction { hop } => write!(
                f,
                "{hop}: `{}` serves {} but exports no `{}.{}`",
                hop.provider, hop.interface, hop.interface, hop.function
            ),
            Problem::SignatureMismatch {
                hop,
                import,
                export,
            } => {
                let abi = Signature::abi();
                let export = export
                    .as_ref()
                    .map_or("not a function of numeric types".into(), |s| s.to_string());
                write!(
                    f,
                    "{hop}: the import has signature {import} and the export {export}; both must be the Graph ABI's {abi}"
                )
            }
            Problem::HashMismatch {
                consumer,
                provider,
                interface,
                consumer_hash,
                provider_hash,
            } => write!(
                f,
                "`{consumer}` imports {interface} with hash {} but `{provider}` exports {interface} with hash {}: they were built against different versions of the interface",
                hex(consumer_hash),
                hex(provider_hash)
            ),
            Problem::Cycle { hops } => {
                f.write_str("the wiring has a cycle: ")?;
                write_path(f, hops)
            }
            Problem::NeedsAsync {
                member,
                hops,
                host_function: (function, importer),
            } => {
                write!(f, "`{member}` needs async (")?;
                if !hops.is_empty() {
                    write_path(f, hops)?;
                    f.write_str("; ")?;
                }
                write!(
                    f,
                    "`{importer}` imports the async host function {function}): use `build_async`"
                )
            }
            Problem::Metadata { member, reason } => {
                write!(f, "`{member}` carries malformed __pack_types: {reason}")
            }
            Problem::Engine { member, error } => write!(f, "`{member}`: {error}"),
        }
    }
}

/// Every problem [`build`](super::CompositionBuilder::build) found, at
/// once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    /// The problems, in the order the members were added.
    pub problems: Vec<Problem>,
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the composition cannot be built ({} problem{}):",
            self.problems.len(),
            if self.problems.len() == 1 { "" } else { "s" }
        )?;
        for p in &self.problems {
            write!(f, "\n  - {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for BuildError {}

/// Where a failed cross-member call failed: the calls from the member the
/// host called down to the provider that failed, and why it failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    /// The cross-member calls, outermost first.
    pub hops: Vec<Hop>,
    /// The innermost provider's failure (a trap, an error status).
    pub cause: String,
}

impl fmt::Display for Chain {
    /// `consumer → provider.interface.fn: cause`, one arrow per hop.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_path(f, &self.hops)?;
        write!(f, ": {}", self.cause)
    }
}

/// A call into a [`Composition`](super::Composition) failed.
#[derive(Debug)]
pub struct CallError {
    /// The member called.
    pub member: String,
    /// The export called.
    pub export: String,
    /// When the failure started in another member: the chain of calls to
    /// it. `None` when the called member failed on its own.
    pub chain: Option<Box<Chain>>,
    /// The error the called member's instance returned.
    pub source: Box<Error>,
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.chain {
            Some(chain) => write!(f, "{chain}"),
            None => write!(f, "{}.{}: {}", self.member, self.export, self.source),
        }
    }
}

impl std::error::Error for CallError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}
