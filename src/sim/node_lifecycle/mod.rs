//! Node lifecycle as the node lifecycle controller and the taint-eviction controller run
//! it: a failed node turns NotReady after the node-monitor grace period, gets the
//! `node.kubernetes.io/unreachable` NoSchedule and NoExecute taints, its pods are marked
//! not Ready and are evicted once their `tolerationSeconds` (300 s by default, added by
//! the DefaultTolerationSeconds admission plugin) run out. Evicted pods stay Terminating
//! on the unreachable node (the kubelet cannot confirm), which is what keeps a StatefulSet
//! from starting a second copy; they go away when the node recovers or is removed.
//! Also graceful pod termination (drain, delete) and random node faults.

mod health;
mod membership;
mod random;
mod termination;

pub use health::{
    apply_no_execute, fail_node, node_not_ready, recover_node, taint_evict, toleration_ms,
};
pub use membership::{add_nodes, delete_node_object, register_node, remove_node};
pub use random::{random_fault, start_random_faults};
pub use termination::{begin_termination, finish_termination, grace_ms, pod_terminated};

use super::Simulation;
use crate::cluster::{NodeIdx, PodId};
use crate::engine::{SimTime, Stream};
use crate::model::pod::RunDuration;
use crate::model::workload::{PodDisruptionBudget, Service};
use rand_xoshiro::Xoshiro256PlusPlus;

/// Node-monitor grace period: how long a node may miss heartbeats before it is marked
/// NotReady (kube-controller-manager `--node-monitor-grace-period`: 50 s in Kubernetes
/// v1.36, the release k8sim follows; it was 40 s before v1.32).
pub const NODE_MONITOR_GRACE_MS: u64 = 50_000;

/// The taint the node lifecycle controller puts on nodes whose kubelet stopped reporting.
pub const TAINT_UNREACHABLE: &str = "node.kubernetes.io/unreachable";

/// The taint on nodes that report NotReady.
pub const TAINT_NOT_READY: &str = "node.kubernetes.io/not-ready";

/// tolerationSeconds the DefaultTolerationSeconds admission plugin adds for the
/// not-ready and unreachable NoExecute taints (plugin/pkg/admission/defaulttolerationseconds).
pub const DEFAULT_TOLERATION_SECONDS: i64 = 300;

/// Default terminationGracePeriodSeconds (30 s).
pub const DEFAULT_GRACE_MS: u64 = 30_000;

/// What caused a fault episode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultCause {
    /// `node: {fail: NAME}`.
    Node,
    /// `zone: {fail: ZONE}`.
    Zone,
    /// A random fault (MTBF/MTTR).
    Random,
    /// `node: {remove: NAME}`.
    Removed,
    /// `kubectl drain`.
    Drain,
}

impl FaultCause {
    /// Spelling in outputs.
    pub fn as_str(&self) -> &'static str {
        match self {
            FaultCause::Node => "node-fail",
            FaultCause::Zone => "zone-fail",
            FaultCause::Random => "random-fail",
            FaultCause::Removed => "node-remove",
            FaultCause::Drain => "drain",
        }
    }
}

/// One fault episode on one node, for the disruption metrics.
#[derive(Debug, Clone)]
pub struct FaultRecord {
    /// The node.
    pub node: NodeIdx,
    /// Cause.
    pub cause: FaultCause,
    /// When it started.
    pub start: SimTime,
    /// When the node came back (recovered or uncordoned), if it did.
    pub end: Option<SimTime>,
    /// Pods that were on the node when the fault started (they were lost with it).
    pub pods_lost: Vec<PodId>,
    /// Pods evicted because of the fault.
    pub pods_evicted: Vec<PodId>,
}

/// Per-node lifecycle state.
#[derive(Debug)]
pub struct NodeLifecycle {
    /// The kubelet is down (node failed).
    pub down: Vec<bool>,
    /// Bumped on every fail/recover so stale timers are ignored.
    pub epoch: Vec<u32>,
    /// Index in `faults` of the node's open fault, if any.
    pub open_fault: Vec<Option<usize>>,
    /// Every fault episode.
    pub faults: Vec<FaultRecord>,
    /// Random fault models: (group, mtbf, mttr).
    pub random: Vec<(String, RunDuration, RunDuration)>,
    /// Services (for endpoint availability).
    pub services: Vec<Service>,
    /// PodDisruptionBudgets (for evictions).
    pub pdbs: Vec<PodDisruptionBudget>,
    /// Drains started by `kubectl drain`.
    pub drains: Vec<crate::sim::drain::Drain>,
    /// Availability samples (one per metrics sample).
    pub availability: Vec<crate::sim::availability::AvailabilitySample>,
    rng: Xoshiro256PlusPlus,
}

impl NodeLifecycle {
    /// State for `nodes` nodes, drawing random faults from the seeded Faults stream.
    pub fn new(nodes: usize, streams: &crate::engine::RngStreams) -> Self {
        NodeLifecycle {
            down: vec![false; nodes],
            epoch: vec![0; nodes],
            open_fault: vec![None; nodes],
            faults: Vec::new(),
            random: Vec::new(),
            services: Vec::new(),
            pdbs: Vec::new(),
            drains: Vec::new(),
            availability: Vec::new(),
            rng: streams.stream(Stream::Faults),
        }
    }

    /// Grows the tables after a node was added.
    pub fn node_added(&mut self) {
        self.down.push(false);
        self.epoch.push(0);
        self.open_fault.push(None);
    }
}

fn open_fault(sim: &mut Simulation, n: NodeIdx, cause: FaultCause) {
    if sim.lifecycle.open_fault[n.ix()].is_some() {
        return;
    }
    let pods: Vec<PodId> = sim.cluster.nodes().pods()[n.ix()]
        .iter()
        .copied()
        .filter(|p| sim.cluster.pods()[p.ix()].is_active())
        .collect();
    sim.lifecycle.faults.push(FaultRecord {
        node: n,
        cause,
        start: sim.now(),
        end: None,
        pods_lost: pods,
        pods_evicted: Vec::new(),
    });
    sim.lifecycle.open_fault[n.ix()] = Some(sim.lifecycle.faults.len() - 1);
}

fn close_fault(sim: &mut Simulation, n: NodeIdx) {
    if let Some(f) = sim.lifecycle.open_fault[n.ix()].take() {
        sim.lifecycle.faults[f].end = Some(sim.now());
    }
}

fn record_eviction(sim: &mut Simulation, n: NodeIdx, p: PodId) {
    if let Some(f) = sim.lifecycle.open_fault[n.ix()] {
        sim.lifecycle.faults[f].pods_evicted.push(p);
    }
}

/// Pod `p` was evicted from node `n` by a drain (opens the drain's fault record).
pub fn record_drain_eviction(sim: &mut Simulation, n: NodeIdx, p: PodId) {
    if sim.lifecycle.open_fault[n.ix()].is_none() {
        sim.lifecycle.faults.push(FaultRecord {
            node: n,
            cause: FaultCause::Drain,
            start: sim.now(),
            end: None,
            pods_lost: Vec::new(),
            pods_evicted: Vec::new(),
        });
        sim.lifecycle.open_fault[n.ix()] = Some(sim.lifecycle.faults.len() - 1);
    }
    let f = sim.lifecycle.open_fault[n.ix()].expect("opened above");
    sim.lifecycle.faults[f].pods_lost.push(p);
    sim.lifecycle.faults[f].pods_evicted.push(p);
}

/// Closes a drain's fault record when the node is uncordoned.
pub fn uncordoned(sim: &mut Simulation, n: NodeIdx) {
    if let Some(f) = sim.lifecycle.open_fault[n.ix()] {
        if sim.lifecycle.faults[f].cause == FaultCause::Drain {
            close_fault(sim, n);
        }
    }
}
