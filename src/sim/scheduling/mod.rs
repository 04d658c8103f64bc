//! Glue between the simulation and the scheduler: enqueueing pods, running one scheduling
//! cycle per event (nominated pods counted), the binding cycle with pods waiting at
//! Permit, preemption (nomination and graceful deletion of the victims), back-off and
//! requeueing on cluster changes.

mod binding;
mod decision_cost;
mod preemption;

pub use binding::permit_timeout;
use binding::run_binding_cycle;
pub use decision_cost::DecisionCost;
use preemption::{nominated_rejects, run_post_filter};

use super::event::Event;
use super::Simulation;
use crate::cluster::{NodeIdx, PodId, PodPhase};
use crate::scheduler::framework::{NodeFits, Nominator};
use crate::scheduler::profile::{Explanation, Profile, Scratch};
use crate::scheduler::queue::{backoff_ms, SchedulingQueue};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::collections::BTreeMap;

/// The scheduler's runtime state.
pub struct SchedulerState {
    /// Profiles, selected by schedulerName.
    pub profiles: Vec<Profile>,
    /// The scheduling queue.
    pub queue: SchedulingQueue,
    /// Reused buffers.
    pub scratch: Scratch,
    /// Tie-break randomness.
    pub rng: Xoshiro256PlusPlus,
    /// Rotating start of the node scan (nextStartNodeIndex).
    pub next_start: usize,
    /// A SchedulerCycle event is pending.
    pub cycle_pending: bool,
    /// Per pod that failed an attempt: the end of its current back-off, ms.
    pub backoff_until_ms: BTreeMap<PodId, u64>,
    /// A BackoffFlush event is pending at this time.
    pub backoff_flush_at: Option<u64>,
    /// Per pod: a scheduling attempt failed.
    pub failed_once: Vec<bool>,
    /// The node each pod was nominated to by preemption (status.nominatedNodeName).
    pub nominator: Nominator,
    /// Per pod: deleted by the scheduler's preemption (DisruptionTarget
    /// PreemptionByScheduler).
    pub preempted: Vec<bool>,
    /// Pods waiting at Permit, assumed on their node.
    pub waiting: BTreeMap<PodId, WaitingPod>,
    /// Waits started so far (tells a stale PermitTimeout from a live one).
    pub waits: u32,
    /// Which pod's attempts to record for `k8sim explain`, if any.
    pub explain_pod: Option<String>,
    /// Recorded attempts of `explain_pod`.
    pub explanations: Vec<AttemptRecord>,
    /// Wall-clock cost of the attempts (not deterministic; never in the run's files).
    pub decision_cost: DecisionCost,
}

/// One recorded scheduling attempt (for `k8sim explain`).
#[derive(Debug, Clone)]
pub struct AttemptRecord {
    /// Simulated time of the attempt, ms.
    pub time_ms: u64,
    /// The pod.
    pub pod: PodId,
    /// Every plugin's verdict and scores at that moment.
    pub explanation: Explanation,
    /// The node chosen, or the FailedScheduling message.
    pub outcome: Result<NodeIdx, String>,
    /// The node nominated by preemption after a failure, if any.
    pub nominated: Option<NodeIdx>,
}

/// A pod waiting at Permit (kube's waitingPod): assumed on `node`, bound once every
/// plugin that said Wait allows it, rejected when one's timeout runs out first.
#[derive(Debug, Clone)]
pub struct WaitingPod {
    /// The node it is assumed on.
    pub node: NodeIdx,
    /// Its profile.
    pub profile_ix: usize,
    /// Plugins still to allow it: (name, deadline ms, the timeout they returned in ms).
    pub pending: Vec<(&'static str, u64, u64)>,
    /// Which wait this is (matches its PermitTimeout events).
    pub wait: u32,
}

impl SchedulerState {
    /// A scheduler with the given profiles.
    pub fn new(profiles: Vec<Profile>, rng: Xoshiro256PlusPlus) -> Self {
        SchedulerState {
            profiles,
            queue: SchedulingQueue::default(),
            scratch: Scratch::default(),
            rng,
            next_start: 0,
            cycle_pending: false,
            backoff_until_ms: BTreeMap::new(),
            backoff_flush_at: None,
            failed_once: Vec::new(),
            nominator: Nominator::default(),
            preempted: Vec::new(),
            waiting: BTreeMap::new(),
            waits: 0,
            explain_pod: None,
            explanations: Vec::new(),
            decision_cost: DecisionCost::default(),
        }
    }

    fn profile_index(&self, scheduler_name: &str) -> Option<usize> {
        self.profiles
            .iter()
            .position(|p| p.scheduler_name == scheduler_name)
    }
}

fn ensure_cycle(sim: &mut Simulation) {
    if !sim.scheduler.cycle_pending && sim.scheduler.queue.active_len() > 0 {
        sim.scheduler.cycle_pending = true;
        sim.engine
            .schedule_in(sim.runtime.scheduling_ms, Event::SchedulerCycle);
    }
}

/// A new pod: bind it directly if it names a node (no scheduler involved, as in
/// Kubernetes), queue it if a profile serves its schedulerName, or leave it Pending with an
/// event explaining why.
pub fn enqueue(sim: &mut Simulation, p: PodId) {
    let n = sim.cluster.pods().len();
    sim.scheduler.failed_once.resize(n, false);
    sim.scheduler.preempted.resize(n, false);
    let pod = &sim.cluster.pods()[p.ix()];
    if let Some(node_name) = pod.spec.node_name.clone() {
        bind_to_named_node(sim, p, &node_name);
        return;
    }
    let scheduler_name = pod.spec.scheduler_name.clone();
    if sim.scheduler.profile_index(&scheduler_name).is_none() {
        let name = pod.name.clone();
        sim.record_event(
            "Pod",
            &name,
            "Warning",
            "FailedScheduling",
            format!("no scheduler profile serves schedulerName {scheduler_name:?}; the pod stays Pending"),
        );
        return;
    }
    let ix = sim
        .scheduler
        .profile_index(&scheduler_name)
        .expect("checked above");
    if let Err((plugin, status)) = sim.scheduler.profiles[ix].pre_enqueue(pod) {
        let name = pod.name.clone();
        sim.record_event(
            "Pod",
            &name,
            "Warning",
            "SchedulingGated",
            format!("{plugin}: {}", status.reasons.join(", ")),
        );
        return;
    }
    let now = sim.engine.now().as_millis();
    let priority = pod.spec.priority;
    sim.scheduler.queue.push_active(p, priority, now);
    ensure_cycle(sim);
}

/// kubelet admission of a pod with spec.nodeName: it runs if it fits, else it fails.
fn bind_to_named_node(sim: &mut Simulation, p: PodId, node_name: &str) {
    let now = sim.engine.now();
    let Some(&node) = sim.cluster.node_names().get(node_name) else {
        // The pod waits for a node of that name, as in Kubernetes.
        let name = sim.cluster.pods()[p.ix()].name.clone();
        sim.record_event(
            "Pod",
            &name,
            "Warning",
            "FailedScheduling",
            format!("node {node_name:?} not found"),
        );
        return;
    };
    let requests = sim.cluster.pods()[p.ix()].spec.requests;
    if !(sim.cluster.nodes().requested()[node.ix()] + requests)
        .fits_in(&sim.cluster.nodes().allocatable()[node.ix()])
    {
        let before = sim.replica_standing(p);
        let status = sim.cluster.pod_status_mut(p);
        sim.pod_counts.finish(status.phase, PodPhase::Failed);
        status.times.finished = Some(now);
        let name = status.name.to_string();
        sim.replica_changed(p, before);
        sim.record_event(
            "Pod",
            &name,
            "Warning",
            "OutOfResources",
            "Pod was rejected by the kubelet: insufficient resources on the node".into(),
        );
        sim.notify_owner(p);
        return;
    }
    sim.cluster.bind(p, node, now);
    sim.engine.schedule_in(0, Event::Bind { pod: p, node });
}

/// One scheduling cycle: pop a pod, find it a node (its nominated node first), assume it
/// there and run Reserve/Permit/PreBind/Bind, binding after the binding latency (or
/// waiting at Permit); or run PostFilter (preemption), record FailedScheduling and park it.
pub fn schedule_one(sim: &mut Simulation) {
    sim.scheduler.cycle_pending = false;
    let Some(first) = sim.scheduler.profiles.first() else {
        return;
    };
    let sort = first.queue_sort.clone();
    let Some(p) = sim.scheduler.queue.pop_sorted(
        sort.as_queue_sort().expect("queueSort plugin"),
        &sim.cluster,
    ) else {
        return;
    };
    let now = sim.engine.now();
    let pod = &sim.cluster.pods()[p.ix()];
    if pod.deleting || pod.node.is_some() {
        ensure_cycle(sim);
        return;
    }
    let profile_ix = sim
        .scheduler
        .profile_index(&pod.spec.scheduler_name)
        .expect("only pods with a profile are queued");
    let started = std::time::Instant::now();
    let explain = sim.scheduler.explain_pod.as_deref() == Some(pod.name.as_str());
    let explanation =
        explain.then(|| sim.scheduler.profiles[profile_ix].explain(pod, &sim.cluster));
    let rejects = nominated_rejects(sim, profile_ix, p);
    // kube evaluates the nominated node first and takes it if it passes the filters
    // (nominated pods of at least this pod's priority counted).
    let nominated = sim.scheduler.nominator.node_of(p).filter(|n| {
        sim.cluster.nodes().present()[n.ix()]
            && !rejects.iter().any(|v| v.node == *n)
            && sim.scheduler.profiles[profile_ix].fits(
                &sim.cluster.pods()[p.ix()],
                &sim.cluster,
                *n,
            )
    });
    let s = &mut sim.scheduler;
    let profile = &s.profiles[profile_ix];
    let pod = &sim.cluster.pods()[p.ix()];
    s.scratch.nominated_rejects = rejects;
    let result = match nominated {
        Some(n) => Ok(n),
        None => profile.schedule(
            pod,
            &sim.cluster,
            &mut s.rng,
            &mut s.scratch,
            &mut s.next_start,
        ),
    };
    s.scratch.nominated_rejects.clear();
    *sim.cluster.pod_status_mut(p).attempts += 1;
    let record = |sim: &mut Simulation, outcome: Result<NodeIdx, String>, nominated| {
        if let Some(explanation) = explanation.clone() {
            sim.scheduler.explanations.push(AttemptRecord {
                time_ms: now.as_millis(),
                pod: p,
                explanation,
                outcome,
                nominated,
            });
        }
    };
    match result {
        Ok(node) => {
            record(sim, Ok(node), None);
            // kube's assume: the pod holds the node from here; its nomination is done.
            sim.scheduler.nominator.set(p, None);
            sim.cluster.bind(p, node, now);
            match run_binding_cycle(sim, profile_ix, p, node) {
                Ok(Some(extra_ms)) => schedule_bind(sim, p, node, extra_ms),
                Ok(None) => {}
                Err(message) => {
                    sim.cluster.unassume(p);
                    park(sim, p, message);
                }
            }
        }
        Err(fit) => {
            let mut message = fit.message();
            let preempted = if fit.unresolvable {
                None
            } else {
                let (node, status) = run_post_filter(sim, profile_ix, p, &fit.failed);
                if !status.is_empty() {
                    message = format!("{message} {status}");
                }
                node
            };
            park(sim, p, message.clone());
            record(sim, Err(message), preempted);
        }
    }
    sim.scheduler.decision_cost.record(started);
    ensure_cycle(sim);
}

/// Records FailedScheduling and parks the pod in the unschedulable pool with back-off.
fn park(sim: &mut Simulation, p: PodId, message: String) {
    let now = sim.engine.now();
    let pod = &sim.cluster.pods()[p.ix()];
    let (name, priority, attempts) = (pod.name.clone(), pod.spec.priority, pod.attempts);
    sim.record_event("Pod", &name, "Warning", "FailedScheduling", message);
    sim.scheduler.failed_once[p.ix()] = true;
    (sim.scheduler.backoff_until_ms).insert(p, now.as_millis() + backoff_ms(attempts));
    sim.scheduler
        .queue
        .add_unschedulable(p, priority, now.as_millis());
}

fn schedule_bind(sim: &mut Simulation, p: PodId, node: NodeIdx, extra_ms: u64) {
    sim.engine.schedule_in(
        sim.runtime.binding_ms + extra_ms,
        Event::Bind { pod: p, node },
    );
}

fn arm_backoff_flush(sim: &mut Simulation, next: Option<u64>) {
    if let Some(t) = next {
        if sim.scheduler.backoff_flush_at.is_none_or(|at| t < at) {
            sim.scheduler.backoff_flush_at = Some(t);
            let now = sim.engine.now().as_millis();
            sim.engine
                .schedule_in(t.saturating_sub(now), Event::BackoffFlush);
        }
    }
}

/// Something changed that may let parked pods fit (a pod left a node, a node was added
/// or uncordoned): move them back to the active or back-off queue.
pub fn cluster_changed(sim: &mut Simulation) {
    if sim.scheduler.queue.unschedulable_len() == 0 {
        return;
    }
    let now = sim.engine.now().as_millis();
    let until = &sim.scheduler.backoff_until_ms;
    sim.scheduler
        .queue
        .move_all_to_active_or_backoff(now, |p| until.get(&p).copied().unwrap_or(0));
    flush_backoff_inner(sim);
    ensure_cycle(sim);
}

fn flush_backoff_inner(sim: &mut Simulation) {
    let now = sim.engine.now().as_millis();
    let pods = &sim.cluster.pods();
    let next = sim
        .scheduler
        .queue
        .flush_backoff(now, |p| pods[p.ix()].spec.priority);
    arm_backoff_flush(sim, next);
}

/// A back-off expired.
pub fn flush_backoff(sim: &mut Simulation) {
    let now = sim.engine.now().as_millis();
    if sim.scheduler.backoff_flush_at.is_some_and(|t| t <= now) {
        sim.scheduler.backoff_flush_at = None;
    }
    flush_backoff_inner(sim);
    ensure_cycle(sim);
}

/// The periodic flush of long-parked pods.
pub fn flush_unschedulable(sim: &mut Simulation) {
    let now = sim.engine.now().as_millis();
    sim.scheduler.queue.flush_unschedulable_leftover(now);
    ensure_cycle(sim);
}
