//! Wiring: which member or host function serves each import, checked
//! before anything runs. Every problem is collected, none stops the
//! search for the others.

use super::error::{Hop, Problem};
use super::member::Pending;
use crate::engine::{ExternKind, Signature};
use crate::wit::{Hash, PackTypes};
use std::collections::BTreeMap;
use std::fmt;

/// Who serves one import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Server {
    /// The member's own host functions.
    Host {
        /// An async host function.
        is_async: bool,
    },
    /// Another member's export of the same name.
    Member {
        /// The provider.
        provider: String,
        /// True when both sides carry `__pack_types` and their hashes of
        /// the interface were compared (and equal); false when the link is
        /// by name only.
        hash_checked: bool,
    },
}

/// One resolved import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wire {
    /// The importing member.
    pub member: String,
    /// The interface path.
    pub interface: String,
    /// The function name.
    pub function: String,
    /// Who serves it.
    pub server: Server,
}

/// What [`CompositionBuilder::resolve`](super::CompositionBuilder::resolve)
/// decided: every Graph ABI import and who serves it, which members need
/// async, and notes on links made without hash checks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Wiring {
    /// Every Graph ABI import, member by member.
    pub wires: Vec<Wire>,
    /// Members that need async (they, or members they call, import async
    /// host functions), in the order they were added.
    pub async_members: Vec<String>,
    /// Things worth knowing that are not errors (links by name only).
    pub notes: Vec<String>,
}

impl fmt::Display for Wiring {
    /// One line per import (`adder: test:compose/math.double ← math
    /// (hash checked)`), then the notes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for w in &self.wires {
            write!(f, "{}: {}.{} ← ", w.member, w.interface, w.function)?;
            match &w.server {
                Server::Host { is_async: false } => f.write_str("host")?,
                Server::Host { is_async: true } => f.write_str("host (async)")?,
                Server::Member {
                    provider,
                    hash_checked,
                } => {
                    let how = if *hash_checked {
                        "hash checked"
                    } else {
                        "by name"
                    };
                    write!(f, "{provider} ({how})")?
                }
            }
            writeln!(f)?;
        }
        if !self.async_members.is_empty() {
            writeln!(f, "async: {}", self.async_members.join(", "))?;
        }
        for n in &self.notes {
            writeln!(f, "note: {n}")?;
        }
        Ok(())
    }
}

/// The resolved wiring plus what `build` needs to carry it out.
pub(crate) struct Plan {
    pub(crate) wiring: Wiring,
    /// Per member (by index): its cross-member imports (hop, provider index).
    pub(crate) links: Vec<Vec<(Hop, usize)>>,
    /// Per member: whether it needs async.
    pub(crate) needs_async: Vec<bool>,
    /// Members in an order where every provider comes before its consumers.
    pub(crate) order: Vec<usize>,
}

/// What one member offers and carries, read once.
struct Facts {
    imports: Vec<(String, String, ExternKind)>,
    /// Exported functions by name (`interface.function`).
    exports: BTreeMap<String, ExternKind>,
    types: Option<PackTypes>,
}

impl Facts {
    fn exports_interface(&self, interface: &str) -> bool {
        self.exports
            .keys()
            .any(|e| e.rsplit_once('.').is_some_and(|(i, _)| i == interface))
    }

    fn hash(&self, exports: bool, interface: &str) -> Option<Hash> {
        let types = self.types.as_ref()?;
        let side = if exports {
            &types.exports
        } else {
            &types.imports
        };
        side.iter().find(|h| h.name == interface).map(|h| h.hash)
    }
}

/// Resolves the wiring of `members` under explicit `links` (consumer,
/// interface, provider) and `hints` (interface, provider).
pub(crate) fn resolve(
    members: &[(String, Box<dyn Pending>)],
    links: &[(String, String, String)],
    hints: &[(String, String)],
) -> Result<Plan, Vec<Problem>> {
    let mut problems = Vec::new();
    let index: BTreeMap<&str, usize> = members
        .iter()
        .enumerate()
        .map(|(i, (n, _))| (n.as_str(), i))
        .collect();
    for (i, (name, _)) in members.iter().enumerate() {
        if index.get(name.as_str()) != Some(&i) && members[..i].iter().any(|(n, _)| n == name) {
            problems.push(Problem::DuplicateMember { name: name.clone() });
        }
    }
    let facts: Vec<Facts> = members
        .iter()
        .map(|(name, m)| facts(name, &**m, &mut problems))
        .collect();
    for (consumer, interface, provider) in links {
        for who in [consumer, provider] {
            if !index.contains_key(who.as_str()) {
                problems.push(Problem::UnknownMember {
                    name: who.clone(),
                    used_in: format!("link({consumer}, {interface}, {provider})"),
                });
            }
        }
    }
    for (interface, provider) in hints {
        match index.get(provider.as_str()) {
            None => problems.push(Problem::UnknownMember {
                name: provider.clone(),
                used_in: format!("hint({interface}, {provider})"),
            }),
            Some(&p) if !members[p].1.filter().allows(interface) => {
                problems.push(Problem::NotExposed {
                    consumer: String::new(),
                    provider: provider.clone(),
                    interface: interface.clone(),
                })
            }
            Some(_) => {}
        }
    }

    let mut wiring = Wiring::default();
    let mut plan_links = vec![Vec::new(); members.len()];
    let mut own_async: Vec<Option<(String, String)>> = vec![None; members.len()];
    for (c, (consumer, member)) in members.iter().enumerate() {
        // The provider chosen per interface, so each problem and note about
        // an interface is reported once per consumer.
        let mut chosen: BTreeMap<&str, (Option<usize>, bool)> = BTreeMap::new();
        for (interface, function, kind) in &facts[c].imports {
            let ExternKind::Func(signature) = kind else {
                continue; // memories, globals: the engine's business
            };
            if let Some(is_async) = member.host_function(interface, function) {
                let explicit = links
                    .iter()
                    .any(|(lc, li, _)| lc == consumer && li == interface);
                if !explicit {
                    if is_async && own_async[c].is_none() {
                        own_async[c] = Some((format!("{interface}.{function}"), consumer.clone()));
                    }
                    wiring.wires.push(Wire {
                        member: consumer.clone(),
                        interface: interface.clone(),
                        function: function.clone(),
                        server: Server::Host { is_async },
                    });
                    continue;
                }
            }
            let first = !chosen.contains_key(interface.as_str());
            let (provider, explained) = *chosen.entry(interface.as_str()).or_insert_with(|| {
                let before = problems.len();
                let p = choose(
                    c,
                    interface,
                    members,
                    &facts,
                    links,
                    hints,
                    &index,
                    &mut problems,
                );
                // A link to an unknown member was reported with the links.
                let unknown = links.iter().any(|(lc, li, lp)| {
                    lc == consumer && li == interface && !index.contains_key(lp.as_str())
                });
                (p, unknown || problems.len() > before)
            });
            let Some(p) = provider else {
                if !explained {
                    problems.push(Problem::Unserved {
                        member: consumer.clone(),
                        interface: interface.clone(),
                        function: function.clone(),
                    });
                }
                continue;
            };
            let hop = Hop {
                consumer: consumer.clone(),
                provider: members[p].0.clone(),
                interface: interface.clone(),
                function: function.clone(),
            };
            let export = format!("{interface}.{function}");
            let Some(export_kind) = facts[p].exports.get(&export) else {
                problems.push(Problem::MissingFunction { hop });
                continue;
            };
            let abi = Signature::abi();
            let export_sig = match export_kind {
                ExternKind::Func(s) => Some(s.clone()),
                _ => None,
            };
            if *signature != abi || export_sig.as_ref() != Some(&abi) {
                problems.push(Problem::SignatureMismatch {
                    hop,
                    import: signature.clone(),
                    export: export_sig,
                });
                continue;
            }
            let hashes = (
                facts[c].hash(false, interface),
                facts[p].hash(true, interface),
            );
            let hash_checked = match hashes {
                (Some(consumer_hash), Some(provider_hash)) => {
                    if consumer_hash != provider_hash && first {
                        problems.push(Problem::HashMismatch {
                            consumer: consumer.clone(),
                            provider: hop.provider.clone(),
                            interface: interface.clone(),
                            consumer_hash,
                            provider_hash,
                        });
                    }
                    true
                }
                (c_hash, p_hash) => {
                    if first {
                        let missing = |who: &str, has: bool, types: &Option<PackTypes>| {
                            (!has).then(|| match types {
                                None => format!("`{who}` carries no __pack_types"),
                                Some(_) => format!("`{who}`'s __pack_types does not list it"),
                            })
                        };
                        let why: Vec<String> = [
                            missing(consumer, c_hash.is_some(), &facts[c].types),
                            missing(&hop.provider, p_hash.is_some(), &facts[p].types),
                        ]
                        .into_iter()
                        .flatten()
                        .collect();
                        wiring.notes.push(format!(
                            "{consumer} → {}: {interface} wired by name, no hash check ({})",
                            hop.provider,
                            why.join(", ")
                        ));
                    }
                    false
                }
            };
            wiring.wires.push(Wire {
                member: consumer.clone(),
                interface: interface.clone(),
                function: function.clone(),
                server: Server::Member {
                    provider: hop.provider.clone(),
                    hash_checked,
                },
            });
            plan_links[c].push((hop, p));
        }
    }

    let order = match topological(&plan_links) {
        Ok(order) => order,
        Err(cycles) => {
            problems.extend(cycles.into_iter().map(|hops| Problem::Cycle { hops }));
            return Err(problems);
        }
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    // Providers come first, so each consumer sees its providers' answer.
    let mut needs_async = vec![false; members.len()];
    for &m in &order {
        needs_async[m] =
            own_async[m].is_some() || plan_links[m].iter().any(|&(_, p)| needs_async[p]);
    }
    wiring.async_members = (0..members.len())
        .filter(|&m| needs_async[m])
        .map(|m| members[m].0.clone())
        .collect();
    Ok(Plan {
        wiring,
        links: plan_links,
        needs_async,
        order,
    })
}

/// The problems `build()` (sync) reports: one per member that needs async,
/// with the path to the async host function.
pub(crate) fn async_paths(plan: &Plan, members: &[(String, Box<dyn Pending>)]) -> Vec<Problem> {
    let mut problems = Vec::new();
    for m in 0..members.len() {
        if !plan.needs_async[m] {
            continue;
        }
        // Walk down async providers until a member imports an async host
        // function itself.
        let (mut at, mut hops) = (m, Vec::new());
        let host_function = loop {
            if let Some(f) = own_async_import(at, plan, members) {
                break (f, members[at].0.clone());
            }
            let Some((hop, p)) = plan.links[at].iter().find(|(_, p)| plan.needs_async[*p]) else {
                break (String::from("?"), members[at].0.clone());
            };
            hops.push(hop.clone());
            at = *p;
        };
        problems.push(Problem::NeedsAsync {
            member: members[m].0.clone(),
            hops,
            host_function,
        });
    }
    problems
}

fn own_async_import(
    m: usize,
    plan: &Plan,
    members: &[(String, Box<dyn Pending>)],
) -> Option<String> {
    plan.wiring
        .wires
        .iter()
        .find(|w| w.member == members[m].0 && w.server == Server::Host { is_async: true })
        .map(|w| format!("{}.{}", w.interface, w.function))
}

/// The member serving `consumer`'s `interface`: an explicit link, else the
/// one member exposing it, else the hinted one among several.
#[allow(clippy::too_many_arguments)]
fn choose(
    c: usize,
    interface: &str,
    members: &[(String, Box<dyn Pending>)],
    facts: &[Facts],
    links: &[(String, String, String)],
    hints: &[(String, String)],
    index: &BTreeMap<&str, usize>,
    problems: &mut Vec<Problem>,
) -> Option<usize> {
    let consumer = &members[c].0;
    if let Some((_, _, provider)) = links
        .iter()
        .find(|(lc, li, _)| lc == consumer && li == interface)
    {
        let &p = index.get(provider.as_str())?; // reported as unknown above
        if !members[p].1.filter().allows(interface) || !facts[p].exports_interface(interface) {
            problems.push(Problem::NotExposed {
                consumer: consumer.clone(),
                provider: provider.clone(),
                interface: interface.to_string(),
            });
            return None;
        }
        return Some(p);
    }
    let candidates: Vec<usize> = (0..members.len())
        .filter(|&p| p != c)
        .filter(|&p| {
            members[p].1.filter().allows(interface) && facts[p].exports_interface(interface)
        })
        .collect();
    match candidates[..] {
        [] => None,
        [p] => Some(p),
        _ => {
            let hinted = hints
                .iter()
                .filter(|(hi, _)| hi == interface)
                .find_map(|(_, hp)| candidates.iter().copied().find(|&p| members[p].0 == *hp));
            if hinted.is_none() {
                problems.push(Problem::Ambiguous {
                    member: consumer.clone(),
                    interface: interface.to_string(),
                    providers: candidates.iter().map(|&p| members[p].0.clone()).collect(),
                });
            }
            hinted
        }
    }
}

fn facts(name: &str, member: &dyn Pending, problems: &mut Vec<Problem>) -> Facts {
    let (imports, exports) = member.module().describe();
    let types = member.module().pack_types().and_then(|blob| {
        PackTypes::decode(blob)
            .map_err(|e| {
                problems.push(Problem::Metadata {
                    member: name.to_string(),
                    reason: e.to_string(),
                })
            })
            .ok()
    });
    Facts {
        imports: imports
            .into_iter()
            .map(|i| (i.module, i.name, i.kind))
            .collect(),
        exports: exports.into_iter().map(|e| (e.name, e.kind)).collect(),
        types,
    }
}

/// Orders members so providers come before consumers, or returns every
/// cycle found (each as the hops around it).
fn topological(links: &[Vec<(Hop, usize)>]) -> Result<Vec<usize>, Vec<Vec<Hop>>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    fn visit(
        m: usize,
        links: &[Vec<(Hop, usize)>],
        marks: &mut [Mark],
        path: &mut Vec<Hop>,
        order: &mut Vec<usize>,
        cycles: &mut Vec<Vec<Hop>>,
    ) {
        marks[m] = Mark::Open;
        let mut seen = Vec::new();
        for (hop, p) in &links[m] {
            if seen.contains(p) {
                continue; // one edge per provider is enough
            }
            seen.push(*p);
            path.push(hop.clone());
            match marks[*p] {
                Mark::New => visit(*p, links, marks, path, order, cycles),
                Mark::Open => {
                    // The cycle is the part of the path from the hop that
                    // left `p`.
                    let start = path
                        .iter()
                        .position(|h| h.consumer == hop.provider)
                        .unwrap_or(0);
                    cycles.push(path[start..].to_vec());
                }
                Mark::Done => {}
            }
            path.pop();
        }
        marks[m] = Mark::Done;
        order.push(m);
    }
    let mut marks = vec![Mark::New; links.len()];
    let (mut order, mut cycles, mut path) = (Vec::new(), Vec::new(), Vec::new());
    for m in 0..links.len() {
        if marks[m] == Mark::New {
            visit(m, links, &mut marks, &mut path, &mut order, &mut cycles);
        }
    }
    if cycles.is_empty() {
        Ok(order)
    } else {
        Err(cycles)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hop(c: &str, p: &str) -> Hop {
        Hop {
            consumer: c.into(),
            provider: p.into(),
            interface: "a:b/i".into(),
            function: "f".into(),
        }
    }

    #[test]
    fn providers_come_before_consumers_and_cycles_are_named_hop_by_hop() {
        // 0 → 1 → 2
        let links = vec![vec![(hop("a", "b"), 1)], vec![(hop("b", "c"), 2)], vec![]];
        assert_eq!(topological(&links).unwrap(), [2, 1, 0]);
        // 0 → 1 → 0, and 2 alone
        let links = vec![vec![(hop("a", "b"), 1)], vec![(hop("b", "a"), 0)], vec![]];
        let cycles = topological(&links).unwrap_err();
        assert_eq!(cycles, [vec![hop("a", "b"), hop("b", "a")]]);
    }

    #[test]
    fn filters_expose_and_hide_interfaces() {
        use super::super::member::Filter;
        assert!(Filter::All.allows("a:b/i"));
        assert!(Filter::Exposing(vec!["a:b/i".into()]).allows("a:b/i"));
        assert!(!Filter::Exposing(vec!["a:b/i".into()]).allows("a:b/j"));
        assert!(!Filter::Hiding(vec!["a:b/i".into()]).allows("a:b/i"));
    }
}
