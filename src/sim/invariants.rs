//! The simulation's invariants, checked while it runs. Cheap ones are always on (simulated
//! time never goes backwards; at every sample, no node is over-committed and the node
//! table's aggregates agree with its pod lists); the thorough set runs after every event
//! under `k8sim run --check` and in the randomised whole-scenario tests:
//! - a node's requested resources are the sum of its bound pods' requests and fit its
//!   allocatable; a pod is on at most one node's list, once, and only while bound;
//! - the Pending and Running counters equal a recount of the pods;
//! - every ReplicaSet's status tally (active, Ready, available, terminating, and when
//!   the next Ready pod becomes available) equals a walk over its pods;
//! - a single-node claim (ReadWriteOnce, ReadWriteOncePod) is used from at most one node;
//! - a StatefulSet has at most one live pod per ordinal, and under `OrderedReady` a pod is
//!   created only when every lower ordinal is Running and Ready; its ordinal index equals
//!   a walk over its pods;
//! - a Job never has more succeeded pods than completions, nor more active pods than its
//!   parallelism, and each of its open pods that ended or is being deleted is noted for
//!   its next sync.

use super::Simulation;
use crate::cluster::{Owner, PodId, PodPhase};
use crate::controllers::job::JobState;
use crate::controllers::replicaset;
use crate::controllers::statefulset_ordinals::OrdinalStanding;
use crate::engine::SimTime;
use crate::model::resources::Resources;
use crate::model::workload::PodManagementPolicy;
use std::collections::BTreeMap;

/// How much is checked while a run goes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CheckLevel {
    /// The cheap checks only (the default).
    #[default]
    Cheap,
    /// Every invariant after every event (`--check`).
    Thorough,
}

/// A broken invariant: which, and what was seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The invariant's name.
    pub invariant: &'static str,
    /// The objects and values that break it.
    pub detail: String,
}

impl Violation {
    fn new(invariant: &'static str, detail: String) -> Violation {
        Violation { invariant, detail }
    }
}

/// The checker's memory between events.
#[derive(Debug, Clone, Default)]
pub struct Invariants {
    /// What is checked.
    pub level: CheckLevel,
    last_time: SimTime,
    /// Pods already seen by the thorough check (pods are never removed from the table).
    pods_seen: usize,
}

impl Invariants {
    /// A checker at `level`.
    pub fn new(level: CheckLevel) -> Invariants {
        Invariants {
            level,
            ..Invariants::default()
        }
    }

    /// Before an event at `now`: simulated time never goes backwards.
    pub fn observe_time(&mut self, now: SimTime) -> Result<(), Violation> {
        if now < self.last_time {
            return Err(Violation::new(
                "time never goes backwards",
                format!(
                    "an event at t = {:.3} s after one at t = {:.3} s",
                    now.as_secs_f64(),
                    self.last_time.as_secs_f64()
                ),
            ));
        }
        self.last_time = now;
        Ok(())
    }
}

impl Simulation {
    /// After an event: every invariant under [`CheckLevel::Thorough`]; otherwise the
    /// cheap node check after a sample.
    pub(super) fn check_after_event(&mut self, sampled: bool) -> Result<(), Violation> {
        if self.invariants.level == CheckLevel::Thorough {
            let from = std::mem::replace(&mut self.invariants.pods_seen, self.cluster.pods().len());
            check_all(self, from)
        } else if sampled {
            check_nodes(self)
        } else {
            Ok(())
        }
    }
}

/// Every invariant; pods from index `new_from` on are checked as newly created.
pub fn check_all(sim: &Simulation, new_from: usize) -> Result<(), Violation> {
    check_nodes(sim)?;
    check_bindings(sim)?;
    check_counters(sim)?;
    check_replicasets(sim)?;
    check_claims(sim)?;
    check_statefulsets(sim, new_from)?;
    check_statefulset_ordinals(sim)?;
    check_jobs(sim)
}

/// The cheap node check: no node's requested resources exceed its allocatable, and the
/// table's totals agree with its pod lists (O(nodes)).
pub fn check_nodes(sim: &Simulation) -> Result<(), Violation> {
    let t = &sim.cluster.nodes();
    let mut total = Resources::default();
    let mut used = 0usize;
    for n in t.indices() {
        let (req, alloc) = (t.requested()[n.ix()], t.allocatable()[n.ix()]);
        if t.present()[n.ix()] && !req.fits_in(&alloc) {
            return Err(Violation::new(
                "no node is over-committed",
                format!(
                    "node {} requests {:?} of allocatable {:?}",
                    t.names()[n.ix()],
                    req.0,
                    alloc.0
                ),
            ));
        }
        for (r, col) in t.free_cols().iter().enumerate() {
            if col[n.ix()] != alloc.0[r] - req.0[r] {
                return Err(Violation::new(
                    "free-capacity columns follow requested",
                    format!(
                        "node {} resource {r}: column {} but allocatable - requested = {}",
                        t.names()[n.ix()],
                        col[n.ix()],
                        alloc.0[r] - req.0[r]
                    ),
                ));
            }
        }
        total += req;
        used += !t.pods()[n.ix()].is_empty() as usize;
    }
    if total != sim.cluster.requested_total() {
        return Err(Violation::new(
            "the cluster's requested total is the sum over nodes",
            format!(
                "total {:?}, sum over nodes {:?}",
                sim.cluster.requested_total().0,
                total.0
            ),
        ));
    }
    if used != sim.cluster.nodes_used() {
        return Err(Violation::new(
            "nodes in use are the nodes with pods",
            format!(
                "counter {}, nodes with pods {used}",
                sim.cluster.nodes_used()
            ),
        ));
    }
    Ok(())
}

/// A pod is on at most one node's list, once, exactly while it is bound and holds its
/// resources; a node's requested resources are the sum of its listed pods' requests.
fn check_bindings(sim: &Simulation) -> Result<(), Violation> {
    let c = &sim.cluster;
    let mut on_node: BTreeMap<PodId, u32> = BTreeMap::new();
    for n in c.nodes().indices() {
        let mut sum = Resources::default();
        for &p in &c.nodes().pods()[n.ix()] {
            let pod = &c.pods()[p.ix()];
            if let Some(other) = on_node.insert(p, n.0) {
                return Err(Violation::new(
                    "a pod is counted on one node once",
                    format!(
                        "pod {} is listed on node {} and node {}",
                        pod.name,
                        c.nodes().names()[other as usize],
                        c.nodes().names()[n.ix()]
                    ),
                ));
            }
            if pod.node != Some(n) || pod.released {
                return Err(Violation::new(
                    "a node lists only the pods bound to it",
                    format!(
                        "node {} lists pod {} (bound to {:?}, released {})",
                        c.nodes().names()[n.ix()],
                        pod.name,
                        pod.node.map(|m| c.nodes().names()[m.ix()].as_str()),
                        pod.released
                    ),
                ));
            }
            sum += pod.spec.requests;
        }
        if sum != c.nodes().requested()[n.ix()] {
            return Err(Violation::new(
                "a node's requests are the sum of its pods' requests",
                format!(
                    "node {}: requested {:?}, sum over its pods {:?}",
                    c.nodes().names()[n.ix()],
                    c.nodes().requested()[n.ix()].0,
                    sum.0
                ),
            ));
        }
    }
    for (id, pod) in c.pods().iter() {
        if pod.node.is_some() && !pod.released && !on_node.contains_key(&id) {
            return Err(Violation::new(
                "a bound pod is on its node's list",
                format!("pod {} is bound but on no node's list", pod.name),
            ));
        }
    }
    Ok(())
}

/// The Pending and Running counters equal a recount (pods being deleted are neither).
fn check_counters(sim: &Simulation) -> Result<(), Violation> {
    let (mut pending, mut running) = (0u64, 0u64);
    for (_, pod) in sim.cluster.pods().iter().filter(|(_, p)| !p.deleting) {
        match pod.phase {
            PodPhase::Pending => pending += 1,
            PodPhase::Running => running += 1,
            _ => {}
        }
    }
    if (pending, running) != (sim.pod_counts.pending(), sim.pod_counts.running()) {
        return Err(Violation::new(
            "the pod counters equal a recount",
            format!(
                "counters pending {} running {}, recount pending {pending} running {running}",
                sim.pod_counts.pending(),
                sim.pod_counts.running()
            ),
        ));
    }
    Ok(())
}

/// Every ReplicaSet's tally equals a walk over its pods.
fn check_replicasets(sim: &Simulation) -> Result<(), Violation> {
    for (i, st) in sim.workloads.replicasets.iter().enumerate() {
        let (walked, next_walked) = replicaset::counts_by_walk(sim, i as u32);
        let tallied = replicaset::counts(sim, i as u32);
        let next_tallied = st.tally.next_available(sim.now(), st.min_ready_ms());
        if (walked, next_walked) != (tallied, next_tallied) {
            return Err(Violation::new(
                "a ReplicaSet's tally equals a walk over its pods",
                format!(
                    "ReplicaSet {}: tally {tallied:?} next available {next_tallied:?}, \
                     walk {walked:?} next available {next_walked:?}",
                    st.name
                ),
            ));
        }
    }
    Ok(())
}

/// A single-node claim is used by live pods on at most one node.
fn check_claims(sim: &Simulation) -> Result<(), Violation> {
    let c = &sim.cluster;
    for claim in c.storage().pvcs.iter().filter(|cl| cl.single_node()) {
        let mut nodes: Vec<u32> = claim
            .users
            .iter()
            .filter_map(|p| c.pods().get(*p))
            .filter(|p| p.is_active() && !p.released)
            .filter_map(|p| p.node.map(|n| n.0))
            .collect();
        nodes.sort_unstable();
        nodes.dedup();
        if nodes.len() > 1 {
            let names: Vec<&str> = nodes
                .iter()
                .map(|n| c.nodes().names()[*n as usize].as_str())
                .collect();
            return Err(Violation::new(
                "a ReadWriteOnce claim is used on one node",
                format!(
                    "claim {} is used from nodes {}",
                    claim.spec.meta.name,
                    names.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// At most one live pod per StatefulSet ordinal; under OrderedReady, a new pod's lower
/// ordinals are all Running and Ready (the StatefulSet concept page, "Deployment and
/// Scaling Guarantees": before a scaling operation is applied to a Pod, all of its
/// predecessors must be Running and Ready).
fn check_statefulsets(sim: &Simulation, new_from: usize) -> Result<(), Violation> {
    let c = &sim.cluster;
    let mut live: BTreeMap<(u32, i32), &str> = BTreeMap::new();
    for (_, pod) in c.pods().iter() {
        let (Owner::StatefulSet(s), Some(ord)) = (pod.owner, pod.index) else {
            continue;
        };
        if pod.gone || pod.phase.is_terminal() {
            continue;
        }
        if let Some(other) = live.insert((s, ord), &pod.name) {
            return Err(Violation::new(
                "at most one pod per StatefulSet ordinal",
                format!("pods {other} and {} both hold ordinal {ord}", pod.name),
            ));
        }
    }
    for (_, pod) in c.pods().iter().skip_while(|(id, _)| id.ix() < new_from) {
        let (Owner::StatefulSet(s), Some(ord)) = (pod.owner, pod.index) else {
            continue;
        };
        let st = &sim.workloads.statefulsets[s as usize];
        if st.spec.pod_management != PodManagementPolicy::OrderedReady {
            continue;
        }
        for lower in st.spec.ordinals_start..ord {
            let ready = st.pods.get(&lower).is_some_and(|p| {
                let p = &c.pods()[p.ix()];
                p.phase == PodPhase::Running && p.ready && !p.deleting
            });
            if !ready {
                return Err(Violation::new(
                    "OrderedReady creates a pod after its lower ordinals are Running and Ready",
                    format!(
                        "pod {} was created while ordinal {lower} of StatefulSet {} was not Running and Ready",
                        pod.name, st.spec.meta.name
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Every StatefulSet's ordinal index (live, not Running and Ready, missing from the
/// wanted range) equals a walk over its ordinals.
fn check_statefulset_ordinals(sim: &Simulation) -> Result<(), Violation> {
    let pods = sim.cluster.pods();
    for st in sim.workloads.statefulsets.iter().filter(|s| !s.deleted) {
        let (start, end) = st.ordinals.range();
        let mut walked: Vec<(i32, OrdinalStanding)> = st
            .pods
            .keys()
            .map(|o| (*o, st.standing(pods, *o)))
            .filter(|(_, s)| *s != OrdinalStanding::Missing)
            .chain(
                (start..end)
                    .map(|o| (o, st.standing(pods, o)))
                    .filter(|(_, s)| *s == OrdinalStanding::Missing),
            )
            .collect();
        walked.sort_unstable_by_key(|(o, _)| *o);
        let indexed = st.ordinals.standings();
        if walked != indexed {
            return Err(Violation::new(
                "a StatefulSet's ordinal index equals a walk over its pods",
                format!(
                    "StatefulSet {}: index {indexed:?}, walk {walked:?}",
                    st.spec.meta.name
                ),
            ));
        }
    }
    Ok(())
}

/// A Job's succeeded pods never exceed its completions, nor its active pods its
/// parallelism.
fn check_jobs(sim: &Simulation) -> Result<(), Violation> {
    for job in sim.workloads.jobs.iter().filter(|j| !j.deleted) {
        if let Some(completions) = job.spec.completions {
            if job.succeeded > completions {
                return Err(Violation::new(
                    "a Job's succeeded pods do not exceed its completions",
                    format!(
                        "Job {}: {} succeeded of {completions} completions",
                        job.name, job.succeeded
                    ),
                ));
            }
        }
        let active = job
            .pods
            .iter()
            .filter(|p| sim.cluster.pods()[p.ix()].is_active())
            .count() as i32;
        if active > job.spec.parallelism.max(0) {
            return Err(Violation::new(
                "a Job's active pods do not exceed its parallelism",
                format!(
                    "Job {}: {active} active pods, parallelism {}",
                    job.name, job.spec.parallelism
                ),
            ));
        }
        check_job_changes(sim, job)?;
    }
    Ok(())
}

/// Every open pod of a Job's tally that ended or is being deleted is among the pods noted
/// as changed, so the next sync folds it.
fn check_job_changes(sim: &Simulation, job: &JobState) -> Result<(), Violation> {
    let Some(tally) = job.tally_if_any() else {
        return Ok(());
    };
    let missed = tally.open.iter().find(|p| {
        let pod = &sim.cluster.pods()[p.ix()];
        (pod.phase.is_terminal() || pod.deleting) && !tally.changed.contains(p)
    });
    match missed {
        Some(p) => Err(Violation::new(
            "a Job's ended or deleted open pods are noted for its next sync",
            format!(
                "Job {}: pod {} ended or is being deleted unnoticed",
                job.name,
                sim.cluster.pods()[p.ix()].name
            ),
        )),
        None => Ok(()),
    }
}
