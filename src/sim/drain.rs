//! `kubectl drain` and the eviction API: PodDisruptionBudgets decide how many pods may be
//! evicted (pkg/controller/disruption: disruptionsAllowed = currentHealthy -
//! desiredHealthy), and kubectl retries a refused eviction every 5 s
//! (staging/src/k8s.io/kubectl/pkg/drain).

use super::event::Event;
use super::node_lifecycle as lifecycle;
use super::Simulation;
use crate::cluster::{NodeIdx, Owner, PodId};
use crate::model::workload::{IntOrPercent, PodDisruptionBudget};

/// How long kubectl waits before retrying an eviction a PDB refused.
pub const EVICTION_RETRY_MS: u64 = 5_000;

/// One running `kubectl drain`.
#[derive(Debug, Clone)]
pub struct Drain {
    /// The node.
    pub node: NodeIdx,
    /// `--grace-period` (negative: each pod's own).
    pub grace_period_s: i64,
    /// `--ignore-daemonsets`.
    pub ignore_daemonsets: bool,
    /// `--force`.
    pub force: bool,
    /// `--disable-eviction`.
    pub disable_eviction: bool,
    /// Give up at this time (ms), if `--timeout` was given.
    pub deadline: Option<u64>,
    /// The timeline entry that started it.
    pub entry: usize,
    /// Finished (drained, refused or timed out).
    pub done: bool,
}

fn percent_of(p: i32, total: i32, round_up: bool) -> i32 {
    let v = p as i64 * total as i64;
    (if round_up { (v + 99) / 100 } else { v / 100 }) as i32
}

/// The number of replicas the controllers of `pods` want (the disruption controller's
/// expectedCount via each controller's scale subresource).
fn expected_count(sim: &Simulation, pods: &[PodId]) -> i32 {
    let mut owners: Vec<Owner> = pods
        .iter()
        .map(|p| sim.cluster.pods()[p.ix()].owner)
        .collect();
    owners.sort();
    owners.dedup();
    let mut deployments = Vec::new();
    let mut total = 0;
    for o in owners {
        match o {
            Owner::ReplicaSet(r) => {
                let rs = &sim.workloads.replicasets[r as usize];
                match rs.deployment {
                    Some(d) => {
                        if !deployments.contains(&d) {
                            deployments.push(d);
                            total += sim.workloads.deployments[d as usize].spec.replicas;
                        }
                    }
                    None => total += rs.replicas,
                }
            }
            Owner::StatefulSet(s) => total += sim.workloads.statefulsets[s as usize].spec.replicas,
            Owner::None | Owner::Job(_) | Owner::DaemonSet(_) => total += 1,
        }
    }
    total
}

/// Pods a PDB covers: same namespace, selector matches, not terminal.
pub fn covered_pods(sim: &Simulation, pdb: &PodDisruptionBudget) -> Vec<PodId> {
    sim.cluster
        .pods()
        .iter()
        .filter(|(_, p)| {
            p.namespace == pdb.meta.namespace
                && !p.phase.is_terminal()
                && !p.gone
                && pdb.selector.matches(&p.labels)
        })
        .map(|(id, _)| id)
        .collect()
}

/// (currentHealthy, desiredHealthy) of a PDB now.
pub fn health(sim: &Simulation, pdb: &PodDisruptionBudget) -> (i32, i32) {
    let pods = covered_pods(sim, pdb);
    let healthy = pods
        .iter()
        .filter(|p| {
            let pod = &sim.cluster.pods()[p.ix()];
            pod.ready && !pod.deleting
        })
        .count() as i32;
    let desired = match (pdb.min_available, pdb.max_unavailable) {
        (Some(IntOrPercent::Int(n)), _) => n,
        (Some(IntOrPercent::Percent(p)), _) => percent_of(p, expected_count(sim, &pods), true),
        (None, Some(m)) => {
            let expected = expected_count(sim, &pods);
            let max = match m {
                IntOrPercent::Int(n) => n,
                IntOrPercent::Percent(p) => percent_of(p, expected, true),
            };
            (expected - max).max(0)
        }
        (None, None) => 0,
    };
    (healthy, desired)
}

/// `status.disruptionsAllowed` of a PDB now.
pub fn disruptions_allowed(sim: &Simulation, pdb: &PodDisruptionBudget) -> i32 {
    let (healthy, desired) = health(sim, pdb);
    (healthy - desired).max(0)
}

/// The eviction API: evicts `p` unless a PDB refuses. Returns whether it was evicted.
pub fn evict(sim: &mut Simulation, p: PodId, grace_period_s: i64) -> bool {
    let pod = &sim.cluster.pods()[p.ix()];
    let labels = pod.labels.clone();
    let ns = pod.namespace.clone();
    let ready = pod.ready;
    for pdb in &sim.lifecycle.pdbs {
        if pdb.meta.namespace != ns || !pdb.selector.matches(&labels) {
            continue;
        }
        let (healthy, desired) = health(sim, pdb);
        // A Ready pod needs a disruption; an unready one may go while the budget holds
        // (unhealthyPodEvictionPolicy IfHealthyBudget).
        let refused = if ready {
            healthy - desired <= 0
        } else {
            healthy < desired
        };
        if refused {
            return false;
        }
    }
    let (ns, name) = {
        let pod = &sim.cluster.pods()[p.ix()];
        (pod.namespace.clone(), pod.name.clone())
    };
    sim.record_event(
        "Pod",
        &name,
        "Normal",
        "Evicted",
        format!("Evicting pod {ns}/{name}"),
    );
    let grace = lifecycle::grace_ms(sim, p, grace_period_s);
    lifecycle::begin_termination(sim, p, grace);
    true
}

/// Starts a drain (the node is already cordoned).
pub fn start(sim: &mut Simulation, drain: Drain) {
    let id = sim.lifecycle.drains.len() as u32;
    sim.lifecycle.drains.push(drain);
    step(sim, id);
}

/// One pass of a drain: evict what may be evicted, retry the rest in 5 s.
pub fn step(sim: &mut Simulation, id: u32) {
    let d = sim.lifecycle.drains[id as usize].clone();
    if d.done {
        return;
    }
    let n = d.node;
    let node_name = sim.cluster.nodes().names()[n.ix()].clone();
    let pods: Vec<PodId> = sim.cluster.nodes().pods()[n.ix()]
        .iter()
        .copied()
        .filter(|p| !sim.cluster.pods()[p.ix()].deleting)
        .collect();
    // kubectl's filters, checked before anything is evicted.
    let mut to_evict = Vec::new();
    let mut errors = Vec::new();
    for p in pods {
        let pod = &sim.cluster.pods()[p.ix()];
        match pod.owner {
            Owner::DaemonSet(_) => {
                if !d.ignore_daemonsets {
                    errors.push(format!("{}/{}", pod.namespace, pod.name));
                }
            }
            Owner::None if !d.force => errors.push(format!("{}/{}", pod.namespace, pod.name)),
            _ => to_evict.push(p),
        }
    }
    if !errors.is_empty() {
        sim.lifecycle.drains[id as usize].done = true;
        sim.record_event(
            "Node",
            &node_name,
            "Warning",
            "DrainFailed",
            format!(
                "cannot delete pods (DaemonSet-managed without --ignore-daemonsets, or without a controller without --force): {}",
                errors.join(", ")
            ),
        );
        return;
    }
    if to_evict.is_empty() {
        let still_terminating = sim.cluster.nodes().pods()[n.ix()]
            .iter()
            .any(|p| sim.cluster.pods()[p.ix()].deleting);
        if !still_terminating {
            sim.lifecycle.drains[id as usize].done = true;
            sim.record_event(
                "Node",
                &node_name,
                "Normal",
                "Drained",
                format!("node/{node_name} drained"),
            );
            return;
        }
    }
    let mut refused = 0;
    for p in to_evict {
        let evicted = if d.disable_eviction {
            let grace = lifecycle::grace_ms(sim, p, d.grace_period_s);
            lifecycle::begin_termination(sim, p, grace);
            true
        } else {
            evict(sim, p, d.grace_period_s)
        };
        if evicted {
            lifecycle::record_drain_eviction(sim, n, p);
        } else {
            refused += 1;
            let name = sim.cluster.pods()[p.ix()].name.clone();
            sim.record_event(
                "Pod",
                &name,
                "Warning",
                "EvictionRefused",
                format!(
                    "error when evicting pods/{name:?} -n {:?} (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.",
                    sim.cluster.pods()[p.ix()].namespace
                ),
            );
        }
    }
    let now = sim.now().as_millis();
    if d.deadline.is_some_and(|t| now + EVICTION_RETRY_MS > t) && refused > 0 {
        sim.lifecycle.drains[id as usize].done = true;
        sim.record_event(
            "Node",
            &node_name,
            "Warning",
            "DrainTimeout",
            format!("drain did not complete within the timeout; {refused} pod(s) left"),
        );
        return;
    }
    sim.engine
        .schedule_in(EVICTION_RETRY_MS, Event::DrainRetry(id));
}
