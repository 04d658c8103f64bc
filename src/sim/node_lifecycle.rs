//! Node lifecycle as the node lifecycle controller and the taint-eviction controller run
//! it: a failed node turns NotReady after the node-monitor grace period, gets the
//! `node.kubernetes.io/unreachable` NoSchedule and NoExecute taints, its pods are marked
//! not Ready and are evicted once their `tolerationSeconds` (300 s by default, added by
//! the DefaultTolerationSeconds admission plugin) run out. Evicted pods stay Terminating
//! on the unreachable node (the kubelet cannot confirm), which is what keeps a StatefulSet
//! from starting a second copy; they go away when the node recovers or is removed.
//! Also graceful pod termination (drain, delete) and random node faults.

use super::event::Event;
use super::Simulation;
use crate::cluster::{NodeIdx, PodId, PodPhase};
use crate::engine::{SimTime, Stream};
use crate::kubelet;
use crate::model::labels::{Taint, TaintEffect};
use crate::model::pod::{RestartPolicy, RunDuration};
use crate::model::workload::{PodDisruptionBudget, Service};
use rand_xoshiro::Xoshiro256PlusPlus;

/// Node-monitor grace period: how long a node may miss heartbeats before it is marked
/// NotReady (kube-controller-manager `--node-monitor-grace-period`, 50 s since
/// Kubernetes 1.29, kubernetes/kubernetes#121793; 40 s before).
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
    pub drains: Vec<super::drain::Drain>,
    /// Availability samples (one per metrics sample).
    pub availability: Vec<super::availability::AvailabilitySample>,
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
    let pods: Vec<PodId> = sim.cluster.nodes.pods[n.ix()]
        .iter()
        .copied()
        .filter(|p| sim.cluster.pods[p.ix()].is_active())
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

/// NoExecute taints set by hand (`kubectl taint ... :NoExecute`): pods that do not
/// tolerate them are evicted at once, the others when their tolerationSeconds run out.
pub fn apply_no_execute(sim: &mut Simulation, n: NodeIdx) {
    let taints: Vec<Taint> = sim.cluster.nodes.taints[n.ix()]
        .iter()
        .filter(|t| t.effect == TaintEffect::NoExecute)
        .cloned()
        .collect();
    if taints.is_empty() {
        return;
    }
    let epoch = sim.lifecycle.epoch[n.ix()];
    for p in sim.cluster.nodes.pods[n.ix()].clone() {
        if sim.cluster.pods[p.ix()].deleting {
            continue;
        }
        let ms = taints
            .iter()
            .map(|t| toleration_ms(sim, p, t))
            .min_by_key(|m| m.unwrap_or(u64::MAX));
        match ms.flatten() {
            None => {}
            Some(0) => evict_for_taint(sim, p, n),
            Some(ms) => {
                let generation = sim.cluster.pods[p.ix()].generation;
                sim.engine.schedule_in(
                    ms,
                    Event::TaintEvict {
                        pod: p,
                        generation,
                        epoch,
                    },
                );
            }
        }
    }
}

/// The node's kubelet stops: its containers die with it and no status reaches the API.
pub fn fail_node(sim: &mut Simulation, n: NodeIdx, cause: FaultCause) {
    if sim.lifecycle.down[n.ix()] || !sim.cluster.nodes.present[n.ix()] {
        return;
    }
    open_fault(sim, n, cause);
    sim.lifecycle.down[n.ix()] = true;
    sim.lifecycle.epoch[n.ix()] += 1;
    // Pending kubelet events of its pods are stale now.
    for p in sim.cluster.nodes.pods[n.ix()].clone() {
        sim.cluster.pods[p.ix()].generation += 1;
    }
    let epoch = sim.lifecycle.epoch[n.ix()];
    sim.engine.schedule_in(
        NODE_MONITOR_GRACE_MS,
        Event::NodeNotReady { node: n, epoch },
    );
}

/// The grace period ran out: NotReady, unreachable taints, pods not Ready, and eviction
/// timers from each pod's toleration of `unreachable:NoExecute`.
pub fn node_not_ready(sim: &mut Simulation, n: NodeIdx, epoch: u32) {
    if sim.lifecycle.epoch[n.ix()] != epoch || !sim.lifecycle.down[n.ix()] {
        return;
    }
    sim.cluster.nodes.ready[n.ix()] = false;
    let mut taints = sim.cluster.nodes.taints[n.ix()].clone();
    for effect in [TaintEffect::NoSchedule, TaintEffect::NoExecute] {
        if !taints
            .iter()
            .any(|t| t.key == TAINT_UNREACHABLE && t.effect == effect)
        {
            taints.push(Taint {
                key: TAINT_UNREACHABLE.to_string(),
                value: String::new(),
                effect,
            });
        }
    }
    sim.cluster.set_taints(n, taints);
    crate::controllers::daemonset::nodes_changed(sim);
    let name = sim.cluster.nodes.names[n.ix()].clone();
    sim.record_event(
        "Node",
        &name,
        "Normal",
        "NodeNotReady",
        format!("Node {name} status is now: NodeNotReady"),
    );
    let taint = Taint {
        key: TAINT_UNREACHABLE.to_string(),
        value: String::new(),
        effect: TaintEffect::NoExecute,
    };
    for p in sim.cluster.nodes.pods[n.ix()].clone() {
        let pod = &mut sim.cluster.pods[p.ix()];
        if pod.deleting {
            continue;
        }
        // MarkPodsNotReady.
        if pod.ready {
            pod.ready = false;
            let pname = pod.name.clone();
            sim.record_event(
                "Pod",
                &pname,
                "Warning",
                "NodeNotReady",
                "Node is not ready".into(),
            );
            sim.notify_owner(p);
        }
        match toleration_ms(sim, p, &taint) {
            None => {}
            Some(0) => evict_for_taint(sim, p, n),
            Some(ms) => {
                let generation = sim.cluster.pods[p.ix()].generation;
                sim.engine.schedule_in(
                    ms,
                    Event::TaintEvict {
                        pod: p,
                        generation,
                        epoch,
                    },
                );
            }
        }
    }
}

/// How long pod `p` tolerates `taint` (NoExecute), ms: `None` forever. Pods with no
/// toleration for the not-ready/unreachable taints get the DefaultTolerationSeconds 300 s.
pub fn toleration_ms(sim: &Simulation, p: PodId, taint: &Taint) -> Option<u64> {
    let spec = &sim.cluster.pods[p.ix()].spec;
    let matching: Vec<_> = spec
        .tolerations
        .iter()
        .filter(|t| t.tolerates(taint))
        .collect();
    if matching.is_empty() {
        if taint.key == TAINT_UNREACHABLE || taint.key == TAINT_NOT_READY {
            return Some(DEFAULT_TOLERATION_SECONDS as u64 * 1000);
        }
        return Some(0);
    }
    // The shortest tolerationSeconds wins; a toleration without one tolerates forever.
    if matching.iter().any(|t| t.toleration_seconds.is_none()) {
        return None;
    }
    matching
        .iter()
        .filter_map(|t| t.toleration_seconds)
        .min()
        .map(|s| s.max(0) as u64 * 1000)
}

/// A pod's toleration ran out while the node is still unreachable.
pub fn taint_evict(sim: &mut Simulation, p: PodId, generation: u32, epoch: u32) {
    let pod = &sim.cluster.pods[p.ix()];
    let Some(n) = pod.node else {
        return;
    };
    if pod.generation != generation
        || pod.deleting
        || pod.released
        || sim.lifecycle.epoch[n.ix()] != epoch
    {
        return;
    }
    let still_tainted = sim.cluster.nodes.taints[n.ix()]
        .iter()
        .any(|t| t.effect == TaintEffect::NoExecute && toleration_ms(sim, p, t).is_some());
    if still_tainted {
        evict_for_taint(sim, p, n);
    }
}

fn evict_for_taint(sim: &mut Simulation, p: PodId, n: NodeIdx) {
    let pod = &sim.cluster.pods[p.ix()];
    let (ns, name) = (pod.namespace.clone(), pod.name.clone());
    sim.record_event(
        "Pod",
        &name,
        "Normal",
        "TaintManagerEviction",
        format!("Marking for deletion Pod {ns}/{name}"),
    );
    record_eviction(sim, n, p);
    if sim.lifecycle.down[n.ix()] {
        // The kubelet is unreachable: the pod stays Terminating, holding its name and node.
        begin_termination(sim, p, None);
    } else {
        let grace = sim.cluster.pods[p.ix()].spec.termination_grace_ms;
        begin_termination(sim, p, Some(grace));
    }
}

/// The kubelet is back: taints go, terminating pods finish, the others restart.
pub fn recover_node(sim: &mut Simulation, n: NodeIdx) {
    if !sim.lifecycle.down[n.ix()] {
        return;
    }
    sim.lifecycle.down[n.ix()] = false;
    sim.lifecycle.epoch[n.ix()] += 1;
    close_fault(sim, n);
    let was_not_ready = !sim.cluster.nodes.ready[n.ix()];
    sim.cluster.nodes.ready[n.ix()] = true;
    let taints = sim.cluster.nodes.taints[n.ix()]
        .iter()
        .filter(|t| t.key != TAINT_UNREACHABLE && t.key != TAINT_NOT_READY)
        .cloned()
        .collect();
    sim.cluster.set_taints(n, taints);
    crate::controllers::daemonset::nodes_changed(sim);
    let name = sim.cluster.nodes.names[n.ix()].clone();
    if was_not_ready {
        sim.record_event(
            "Node",
            &name,
            "Normal",
            "NodeReady",
            format!("Node {name} status is now: NodeReady"),
        );
    }
    for p in sim.cluster.nodes.pods[n.ix()].clone() {
        let pod = &sim.cluster.pods[p.ix()];
        if pod.deleting {
            finish_termination(sim, p);
            continue;
        }
        if pod.phase.is_terminal() {
            continue;
        }
        // The machine restarted: containers start again (or fail under Never).
        if pod.spec.restart_policy == RestartPolicy::Never && pod.phase == PodPhase::Running {
            sim.pod_failed_on_node(p);
            continue;
        }
        kubelet::restart_after_node_reboot(sim, p);
    }
    super::scheduling::cluster_changed(sim);
}

/// The Node object is deleted: pod garbage collection force-deletes its pods.
pub fn remove_node(sim: &mut Simulation, n: NodeIdx) {
    if !sim.cluster.nodes.present[n.ix()] {
        return;
    }
    open_fault(sim, n, FaultCause::Removed);
    close_fault(sim, n);
    for p in sim.cluster.nodes.pods[n.ix()].clone() {
        if sim.cluster.pods[p.ix()].deleting {
            finish_termination(sim, p);
        } else {
            if let Some(f) = sim.lifecycle.open_fault[n.ix()] {
                sim.lifecycle.faults[f].pods_evicted.push(p);
            }
            sim.delete_pod(p, "PodGC");
        }
    }
    let name = sim.cluster.nodes.names[n.ix()].clone();
    sim.record_event(
        "Node",
        &name,
        "Normal",
        "RemovingNode",
        format!("Node {name} event: Removing Node {name} from Controller"),
    );
    sim.lifecycle.down[n.ix()] = true;
    sim.lifecycle.epoch[n.ix()] += 1;
    sim.cluster.nodes.present[n.ix()] = false;
    sim.cluster.nodes.ready[n.ix()] = false;
    sim.cluster.mark_node_changed(n);
    crate::controllers::daemonset::nodes_changed(sim);
    sim.cluster.allocatable_total -= sim.cluster.nodes.allocatable[n.ix()];
    sim.cluster.node_names.remove(&name);
}

/// Adds `count` nodes cloned from the group's first node (`<group>-<k>` names).
pub fn add_nodes(sim: &mut Simulation, group: &str, count: u32) {
    let Some(template) = sim
        .cluster
        .nodes
        .indices()
        .find(|n| sim.cluster.nodes.group[n.ix()].as_deref() == Some(group))
    else {
        return;
    };
    let existing = sim
        .cluster
        .nodes
        .group
        .iter()
        .filter(|g| g.as_deref() == Some(group))
        .count();
    for k in 0..count {
        let name = format!("{group}-{}", existing + k as usize);
        let t = template.ix();
        let nodes = &sim.cluster.nodes;
        let mut labels = nodes.labels[t].clone();
        labels.insert("kubernetes.io/hostname".to_string(), name.clone());
        let spec = crate::model::node::NodeSpec {
            name: name.clone(),
            allocatable: nodes.allocatable[t],
            labels,
            taints: nodes.taints[t]
                .iter()
                .filter(|x| x.key != TAINT_UNREACHABLE && x.key != TAINT_NOT_READY)
                .cloned()
                .collect(),
            unschedulable: false,
            images: Vec::new(),
            group: Some(group.to_string()),
        };
        sim.cluster.add_node(spec);
        sim.kubelets.puller_free_at_ms.push(0);
        crate::controllers::daemonset::nodes_changed(sim);
        sim.lifecycle.node_added();
        sim.record_event(
            "Node",
            &name,
            "Normal",
            "RegisteredNode",
            format!("Node {name} event: Registered Node {name} in Controller"),
        );
    }
    super::scheduling::cluster_changed(sim);
}

/// Starts deleting pod `p` gracefully: it is Terminating at once (controllers replace it,
/// Services drop it) but keeps its node's resources until `grace_ms` later, or, with
/// `None`, until its node confirms (recovers) or is removed.
pub fn begin_termination(sim: &mut Simulation, p: PodId, grace_ms: Option<u64>) {
    let pod = &sim.cluster.pods[p.ix()];
    if pod.deleting || pod.phase.is_terminal() {
        return;
    }
    if pod.node.is_none() {
        sim.delete_pod(p, "Deleted");
        return;
    }
    let now = sim.now();
    let pod = &mut sim.cluster.pods[p.ix()];
    match pod.phase {
        PodPhase::Pending => sim.pods_pending -= 1,
        PodPhase::Running => sim.pods_running -= 1,
        _ => {}
    }
    pod.deleting = true;
    pod.ready = false;
    pod.generation += 1;
    if pod.times.finished.is_none() {
        pod.times.finished = Some(now);
    }
    let generation = pod.generation;
    let name = pod.name.clone();
    let running = pod.phase == PodPhase::Running;
    if running && grace_ms.is_some() {
        sim.record_event(
            "Pod",
            &name,
            "Normal",
            "Killing",
            "Stopping container".into(),
        );
    }
    sim.notify_owner(p);
    if let Some(ms) = grace_ms {
        sim.engine
            .schedule_in(ms, Event::PodTerminated { pod: p, generation });
    }
}

/// Graceful deletion of pod `p` completes: it releases its node and its name.
pub fn finish_termination(sim: &mut Simulation, p: PodId) {
    if sim.cluster.pods[p.ix()].released {
        return;
    }
    sim.cluster.unbind(p);
    sim.cluster.forget_name(p);
    sim.notify_owner(p);
    super::scheduling::cluster_changed(sim);
}

/// The graceful-termination timer of pod `p` fired.
pub fn pod_terminated(sim: &mut Simulation, p: PodId, generation: u32) {
    let pod = &sim.cluster.pods[p.ix()];
    if pod.generation != generation || !pod.deleting {
        return;
    }
    if let Some(n) = pod.node {
        if sim.lifecycle.down[n.ix()] {
            // The kubelet cannot confirm: wait for the node.
            return;
        }
    }
    finish_termination(sim, p);
}

/// The grace period to use for pod `p` under `--grace-period=S` (negative: the pod's own).
pub fn grace_ms(sim: &Simulation, p: PodId, grace_period_s: i64) -> u64 {
    if grace_period_s >= 0 {
        grace_period_s as u64 * 1000
    } else {
        sim.cluster.pods[p.ix()].spec.termination_grace_ms
    }
}

/// Starts random faults on every node of `group` (from now on).
pub fn start_random_faults(
    sim: &mut Simulation,
    group: &str,
    mtbf: RunDuration,
    mttr: RunDuration,
) {
    let model = sim.lifecycle.random.len() as u32;
    sim.lifecycle.random.push((group.to_string(), mtbf, mttr));
    let nodes: Vec<NodeIdx> = sim
        .cluster
        .nodes
        .indices()
        .filter(|n| sim.cluster.nodes.group[n.ix()].as_deref() == Some(group))
        .collect();
    for n in nodes {
        schedule_random(sim, n, model, true);
    }
}

fn schedule_random(sim: &mut Simulation, n: NodeIdx, model: u32, fail: bool) {
    let (_, mtbf, mttr) = &sim.lifecycle.random[model as usize];
    let d = if fail { mtbf.clone() } else { mttr.clone() };
    let ms = kubelet::sample(&d, &mut sim.lifecycle.rng).max(1);
    sim.engine.schedule_in(
        ms,
        Event::RandomFault {
            node: n,
            model,
            fail,
        },
    );
}

/// A random fault timer fired: fail (or recover) the node, and draw the next one.
pub fn random_fault(sim: &mut Simulation, n: NodeIdx, model: u32, fail: bool) {
    if !sim.cluster.nodes.present[n.ix()] {
        return;
    }
    if fail {
        fail_node(sim, n, FaultCause::Random);
    } else {
        recover_node(sim, n);
    }
    schedule_random(sim, n, model, !fail);
}
