//! Glue between the simulation and the scheduler: enqueueing pods, running one scheduling
//! cycle per event, back-off and requeueing on cluster changes.

use super::event::Event;
use super::Simulation;
use crate::cluster::{NodeIdx, PodId, PodPhase};
use crate::scheduler::framework::{Code, NodeFits};
use crate::scheduler::profile::{Explanation, Profile, Scratch};
use crate::scheduler::queue::{backoff_ms, SchedulingQueue};
use rand_xoshiro::Xoshiro256PlusPlus;

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
    /// Per pod: end of its current back-off, ms.
    pub backoff_until_ms: Vec<u64>,
    /// A BackoffFlush event is pending at this time.
    pub backoff_flush_at: Option<u64>,
    /// Per pod: a scheduling attempt failed.
    pub failed_once: Vec<bool>,
    /// Per pod: the node nominated by preemption (status.nominatedNodeName).
    pub nominated: Vec<Option<NodeIdx>>,
    /// Which pod's attempts to record for `k8sim explain`, if any.
    pub explain_pod: Option<String>,
    /// Recorded attempts of `explain_pod`.
    pub explanations: Vec<AttemptRecord>,
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
            backoff_until_ms: Vec::new(),
            backoff_flush_at: None,
            failed_once: Vec::new(),
            nominated: Vec::new(),
            explain_pod: None,
            explanations: Vec::new(),
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
    let n = sim.cluster.pods.len();
    sim.scheduler.backoff_until_ms.resize(n, 0);
    sim.scheduler.failed_once.resize(n, false);
    sim.scheduler.nominated.resize(n, None);
    let pod = &sim.cluster.pods[p.ix()];
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
    let Some(&node) = sim.cluster.node_names.get(node_name) else {
        // The pod waits for a node of that name, as in Kubernetes.
        let name = sim.cluster.pods[p.ix()].name.clone();
        sim.record_event(
            "Pod",
            &name,
            "Warning",
            "FailedScheduling",
            format!("node {node_name:?} not found"),
        );
        return;
    };
    let requests = sim.cluster.pods[p.ix()].spec.requests;
    if !(sim.cluster.nodes.requested[node.ix()] + requests)
        .fits_in(&sim.cluster.nodes.allocatable[node.ix()])
    {
        let pod = &mut sim.cluster.pods[p.ix()];
        pod.phase = PodPhase::Failed;
        pod.times.finished = Some(now);
        sim.pods_pending -= 1;
        let name = pod.name.clone();
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

/// One scheduling cycle: pop a pod, find it a node (its nominated node first), run
/// Reserve/Permit/PreBind/Bind and bind after the binding latency; or record
/// FailedScheduling, try PostFilter (preemption) and park it.
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
    let pod = &sim.cluster.pods[p.ix()];
    if pod.deleting || pod.node.is_some() {
        ensure_cycle(sim);
        return;
    }
    let profile_ix = sim
        .scheduler
        .profile_index(&pod.spec.scheduler_name)
        .expect("only pods with a profile are queued");
    let explain = sim.scheduler.explain_pod.as_deref() == Some(pod.name.as_str());
    let explanation =
        explain.then(|| sim.scheduler.profiles[profile_ix].explain(pod, &sim.cluster));
    let s = &mut sim.scheduler;
    let profile = &s.profiles[profile_ix];
    // kube evaluates the nominated node first and takes it if it fits.
    let nominated = s.nominated[p.ix()]
        .filter(|n| sim.cluster.nodes.present[n.ix()] && profile.fits(pod, &sim.cluster, *n));
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
    sim.cluster.pods[p.ix()].attempts += 1;
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
            match run_binding_cycle(sim, profile_ix, p, node) {
                Ok(extra_ms) => {
                    sim.scheduler.nominated[p.ix()] = None;
                    assume_and_bind(sim, p, node, extra_ms);
                }
                Err(message) => park(sim, p, message),
            }
        }
        Err(fit) => {
            let message = fit.message();
            park(sim, p, message.clone());
            let preempted = if fit.unresolvable {
                None
            } else {
                run_post_filter(sim, profile_ix, p, &fit.failed)
            };
            record(sim, Err(message), preempted);
        }
    }
    ensure_cycle(sim);
}

/// Records FailedScheduling and parks the pod in the unschedulable pool with back-off.
fn park(sim: &mut Simulation, p: PodId, message: String) {
    let now = sim.engine.now();
    let pod = &sim.cluster.pods[p.ix()];
    let (name, priority, attempts) = (pod.name.clone(), pod.spec.priority, pod.attempts);
    sim.record_event("Pod", &name, "Warning", "FailedScheduling", message);
    sim.scheduler.failed_once[p.ix()] = true;
    sim.scheduler.backoff_until_ms[p.ix()] = now.as_millis() + backoff_ms(attempts);
    sim.scheduler
        .queue
        .add_unschedulable(p, priority, now.as_millis());
}

/// Reserve, Permit, PreBind and Bind for the chosen node; returns the PreBind time.
fn run_binding_cycle(
    sim: &mut Simulation,
    profile_ix: usize,
    p: PodId,
    node: NodeIdx,
) -> Result<u64, String> {
    let profile = &sim.scheduler.profiles[profile_ix];
    let pod = &sim.cluster.pods[p.ix()];
    let c = &sim.cluster;
    let unreserve = |upto: usize| {
        for r in profile.reserves[..upto].iter().rev() {
            r.as_reserve()
                .expect("reserve plugin")
                .unreserve(pod, c, node);
        }
    };
    for (i, r) in profile.reserves.iter().enumerate() {
        let st = r
            .as_reserve()
            .expect("reserve plugin")
            .reserve(pod, c, node);
        if !st.is_success() {
            unreserve(i + 1);
            return Err(format!("{}: {}", r.name(), st.reasons.join(", ")));
        }
    }
    for pm in &profile.permits {
        let st = pm.as_permit().expect("permit plugin").permit(pod, c, node);
        // Waiting pods are not modelled: Wait counts as a rejection to retry later.
        if st.code != Code::Success {
            unreserve(profile.reserves.len());
            return Err(format!("{}: {}", pm.name(), st.reasons.join(", ")));
        }
    }
    let mut extra_ms = 0;
    for pb in &profile.pre_binds {
        match pb
            .as_pre_bind()
            .expect("preBind plugin")
            .pre_bind(pod, c, node)
        {
            Ok(ms) => extra_ms += ms,
            Err(st) => {
                unreserve(profile.reserves.len());
                return Err(format!("{}: {}", pb.name(), st.reasons.join(", ")));
            }
        }
    }
    for b in &profile.binders {
        let st = b.as_bind().expect("bind plugin").bind(pod, c, node);
        match st.code {
            Code::Skip => continue,
            Code::Success => {
                for pb in &profile.post_binds {
                    pb.as_post_bind()
                        .expect("postBind plugin")
                        .post_bind(pod, c, node);
                }
                return Ok(extra_ms);
            }
            _ => {
                unreserve(profile.reserves.len());
                return Err(format!("{}: {}", b.name(), st.reasons.join(", ")));
            }
        }
    }
    unreserve(profile.reserves.len());
    Err("no bind plugin bound the pod".to_string())
}

/// PostFilter (preemption): nominates a node and deletes the victims there.
fn run_post_filter(
    sim: &mut Simulation,
    profile_ix: usize,
    p: PodId,
    failed: &[crate::scheduler::framework::NodeVerdict],
) -> Option<NodeIdx> {
    let pod = sim.cluster.pods[p.ix()].clone();
    let profile = sim.scheduler.profiles[profile_ix].clone();
    for pf in &profile.post_filters {
        let fits: &dyn NodeFits = &profile;
        let Some(result) = pf.as_post_filter().expect("postFilter plugin").post_filter(
            &pod,
            &mut sim.cluster,
            failed,
            fits,
        ) else {
            continue;
        };
        let node_name = sim.cluster.nodes.names[result.nominated.ix()].clone();
        sim.scheduler.nominated[p.ix()] = Some(result.nominated);
        for v in result.victims {
            let victim = sim.cluster.pods[v.ix()].name.clone();
            sim.record_event(
                "Pod",
                &victim,
                "Normal",
                "Preempted",
                format!(
                    "Preempted by pod {}/{} on node {node_name}",
                    pod.namespace, pod.name
                ),
            );
            sim.delete_pod(v, "Preempted");
        }
        return Some(result.nominated);
    }
    None
}

fn assume_and_bind(sim: &mut Simulation, p: PodId, node: NodeIdx, extra_ms: u64) {
    let now = sim.engine.now();
    sim.cluster.bind(p, node, now);
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
        .move_all_to_active_or_backoff(now, |p| until[p.ix()]);
    flush_backoff_inner(sim);
    ensure_cycle(sim);
}

fn flush_backoff_inner(sim: &mut Simulation) {
    let now = sim.engine.now().as_millis();
    let pods = &sim.cluster.pods;
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
