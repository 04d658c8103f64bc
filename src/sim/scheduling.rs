//! Glue between the simulation and the scheduler: enqueueing pods, running one scheduling
//! cycle per event (nominated pods counted), the binding cycle with pods waiting at
//! Permit, preemption (nomination and graceful deletion of the victims), back-off and
//! requeueing on cluster changes.

use super::event::Event;
use super::node_lifecycle;
use super::Simulation;
use crate::cluster::{NodeIdx, PodId, PodPhase};
use crate::scheduler::framework::{
    filter_with_nominated, Code, NodeFits, NodeVerdict, Nominator, PdbBudget, PostFilterHandle,
    MAX_PERMIT_TIMEOUT_MS,
};
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
    /// Per pod: end of its current back-off, ms.
    pub backoff_until_ms: Vec<u64>,
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
            backoff_until_ms: Vec::new(),
            backoff_flush_at: None,
            failed_once: Vec::new(),
            nominator: Nominator::default(),
            preempted: Vec::new(),
            waiting: BTreeMap::new(),
            waits: 0,
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
    sim.scheduler.preempted.resize(n, false);
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

/// Nodes where `p` fails the filters once the pods nominated there (of at least its
/// priority) are counted, with the failing status: kube runs every node's filters with
/// and without them (RunFilterPluginsWithNominatedPods), so space promised to a preemptor
/// is not taken by another pod meanwhile.
fn nominated_rejects(sim: &mut Simulation, profile_ix: usize, p: PodId) -> Vec<NodeVerdict> {
    let s = &sim.scheduler;
    if s.nominator.is_empty() {
        return Vec::new();
    }
    let pod = sim.cluster.pods[p.ix()].clone();
    let nodes: Vec<(NodeIdx, Vec<PodId>)> = s
        .nominator
        .nodes()
        .filter(|n| sim.cluster.nodes.present[n.ix()])
        .map(|n| (n, s.nominator.ge_pods(&sim.cluster, p, n)))
        .filter(|(_, ge)| !ge.is_empty())
        .collect();
    let profile = &sim.scheduler.profiles[profile_ix];
    let mut rejects = Vec::new();
    for (n, ge) in nodes {
        let status = filter_with_nominated(profile, &pod, &mut sim.cluster, n, &ge);
        if !status.is_success() {
            rejects.push(NodeVerdict { node: n, status });
        }
    }
    rejects
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
    let rejects = nominated_rejects(sim, profile_ix, p);
    // kube evaluates the nominated node first and takes it if it passes the filters
    // (nominated pods of at least this pod's priority counted).
    let nominated = sim.scheduler.nominator.node_of(p).filter(|n| {
        sim.cluster.nodes.present[n.ix()]
            && !rejects.iter().any(|v| v.node == *n)
            && sim.scheduler.profiles[profile_ix].fits(&sim.cluster.pods[p.ix()], &sim.cluster, *n)
    });
    let s = &mut sim.scheduler;
    let profile = &s.profiles[profile_ix];
    let pod = &sim.cluster.pods[p.ix()];
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

/// Runs Unreserve of every Reserve plugin of the profile, in reverse order.
fn unreserve_all(sim: &Simulation, profile_ix: usize, p: PodId, node: NodeIdx) {
    let profile = &sim.scheduler.profiles[profile_ix];
    let pod = &sim.cluster.pods[p.ix()];
    for r in profile.reserves.iter().rev() {
        r.as_reserve()
            .expect("reserve plugin")
            .unreserve(pod, &sim.cluster, node);
    }
}

/// Reserve and Permit for the assumed pod, then PreBind and Bind unless it waits at
/// Permit. Ok(Some(PreBind ms)) to bind, Ok(None) when it waits, Err after Unreserve.
fn run_binding_cycle(
    sim: &mut Simulation,
    profile_ix: usize,
    p: PodId,
    node: NodeIdx,
) -> Result<Option<u64>, String> {
    let profile = &sim.scheduler.profiles[profile_ix];
    let pod = &sim.cluster.pods[p.ix()];
    let c = &sim.cluster;
    for (i, r) in profile.reserves.iter().enumerate() {
        let st = r
            .as_reserve()
            .expect("reserve plugin")
            .reserve(pod, c, node);
        if !st.is_success() {
            for r in profile.reserves[..=i].iter().rev() {
                r.as_reserve()
                    .expect("reserve plugin")
                    .unreserve(pod, c, node);
            }
            return Err(format!("{}: {}", r.name(), st.reasons.join(", ")));
        }
    }
    let now = sim.engine.now().as_millis();
    let mut pending = Vec::new();
    for pm in &profile.permits {
        let (st, timeout) = pm.as_permit().expect("permit plugin").permit(pod, c, node);
        match st.code {
            Code::Success => {}
            Code::Wait => {
                let wait = timeout.min(MAX_PERMIT_TIMEOUT_MS);
                pending.push((pm.name(), now + wait, wait));
            }
            _ => {
                let message = format!("{}: {}", pm.name(), st.reasons.join(", "));
                unreserve_all(sim, profile_ix, p, node);
                return Err(message);
            }
        }
    }
    // Plugins may now allow pods that wait at Permit (e.g. the last member of a gang).
    let waiting: Vec<PodId> = sim.scheduler.waiting.keys().copied().collect();
    let mut allowed: Vec<(&'static str, PodId)> = Vec::new();
    if !waiting.is_empty() {
        for pm in &profile.permits {
            let plugin = pm.as_permit().expect("permit plugin");
            for w in plugin.allow_waiting(pod, c, &waiting) {
                allowed.push((pm.name(), w));
            }
        }
    }
    let wait_now = !pending.is_empty();
    if wait_now {
        sim.scheduler.waits += 1;
        let wait = sim.scheduler.waits;
        let first = pending.iter().map(|x| x.1).min().expect("non-empty");
        sim.scheduler.waiting.insert(
            p,
            WaitingPod {
                node,
                profile_ix,
                pending,
                wait,
            },
        );
        sim.engine
            .schedule_in(first - now, Event::PermitTimeout { pod: p, wait });
    }
    for (plugin, w) in allowed {
        allow_waiting_pod(sim, w, plugin);
    }
    if wait_now {
        return Ok(None);
    }
    pre_bind_and_bind(sim, profile_ix, p, node).map(Some)
}

/// PreBind and Bind; returns the PreBind time, or Err after Unreserve.
fn pre_bind_and_bind(
    sim: &Simulation,
    profile_ix: usize,
    p: PodId,
    node: NodeIdx,
) -> Result<u64, String> {
    let profile = &sim.scheduler.profiles[profile_ix];
    let pod = &sim.cluster.pods[p.ix()];
    let c = &sim.cluster;
    let mut extra_ms = 0;
    for pb in &profile.pre_binds {
        match pb
            .as_pre_bind()
            .expect("preBind plugin")
            .pre_bind(pod, c, node)
        {
            Ok(ms) => extra_ms += ms,
            Err(st) => {
                unreserve_all(sim, profile_ix, p, node);
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
                unreserve_all(sim, profile_ix, p, node);
                return Err(format!("{}: {}", b.name(), st.reasons.join(", ")));
            }
        }
    }
    unreserve_all(sim, profile_ix, p, node);
    Err("no bind plugin bound the pod".to_string())
}

/// Plugin `plugin` allows waiting pod `w` (kube's `WaitingPod.Allow`): once no plugin is
/// left pending, its binding cycle goes on.
fn allow_waiting_pod(sim: &mut Simulation, w: PodId, plugin: &str) {
    let Some(wp) = sim.scheduler.waiting.get_mut(&w) else {
        return;
    };
    wp.pending.retain(|(name, _, _)| *name != plugin);
    if !wp.pending.is_empty() {
        return;
    }
    let wp = sim.scheduler.waiting.remove(&w).expect("present");
    if sim.cluster.pods[w.ix()].deleting {
        return;
    }
    match pre_bind_and_bind(sim, wp.profile_ix, w, wp.node) {
        Ok(extra_ms) => schedule_bind(sim, w, wp.node, extra_ms),
        Err(message) => release_rejected(sim, w, message),
    }
}

/// A pod rejected after it was assumed: forget it, let parked pods retry on the space it
/// held, and park it with `message`.
fn release_rejected(sim: &mut Simulation, p: PodId, message: String) {
    sim.cluster.unassume(p);
    cluster_changed(sim);
    park(sim, p, message);
    ensure_cycle(sim);
}

/// Rejects waiting pod `p` (after Unreserve) with `message` (kube's `WaitingPod.Reject`).
fn reject_waiting_pod(sim: &mut Simulation, p: PodId, message: String) {
    let Some(wp) = sim.scheduler.waiting.remove(&p) else {
        return;
    };
    if sim.cluster.pods[p.ix()].deleting {
        return;
    }
    unreserve_all(sim, wp.profile_ix, p, wp.node);
    release_rejected(sim, p, message);
}

/// Go's `time.Duration` spelling of `ms` milliseconds ("500ms", "10s", "1m30s", "1.5s").
fn go_duration(ms: u64) -> String {
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let (h, m) = (ms / 3_600_000, ms / 60_000 % 60);
    let (sec, frac) = (ms / 1000 % 60, ms % 1000);
    let secs = if frac == 0 {
        format!("{sec}s")
    } else {
        format!("{sec}.{}s", format!("{frac:03}").trim_end_matches('0'))
    };
    match (h, m) {
        (0, 0) => secs,
        (0, _) => format!("{m}m{secs}"),
        _ => format!("{h}h{m}m{secs}"),
    }
}

/// A PermitTimeout fired: reject the pod if a pending plugin's wait ran out, else look
/// again at the next deadline.
pub fn permit_timeout(sim: &mut Simulation, p: PodId, wait: u32) {
    let now = sim.engine.now().as_millis();
    let Some(wp) = sim.scheduler.waiting.get(&p) else {
        return;
    };
    if wp.wait != wait {
        return;
    }
    if sim.cluster.pods[p.ix()].deleting {
        sim.scheduler.waiting.remove(&p);
        return;
    }
    match wp.pending.iter().filter(|x| x.1 <= now).min_by_key(|x| x.1) {
        Some(&(plugin, _, waited)) => {
            let message = format!(
                "rejected due to timeout after waiting {} at plugin {plugin}",
                go_duration(waited)
            );
            reject_waiting_pod(sim, p, message);
        }
        None => {
            let next = wp.pending.iter().map(|x| x.1).min().expect("pending");
            sim.engine
                .schedule_in(next - now, Event::PermitTimeout { pod: p, wait });
        }
    }
}

/// The PodDisruptionBudgets with their disruptionsAllowed now.
fn pdb_budgets(sim: &Simulation) -> Vec<PdbBudget> {
    sim.lifecycle
        .pdbs
        .iter()
        .map(|pdb| PdbBudget {
            namespace: pdb.meta.namespace.clone(),
            selector: pdb.selector.clone(),
            disruptions_allowed: super::drain::disruptions_allowed(sim, pdb),
        })
        .collect()
}

/// PostFilter (preemption): applies the first plugin's result — nominates the node (or
/// clears the nomination), deletes the victims gracefully, clears lower-priority pods'
/// nominations on that node — and returns the nominated node and the status message to
/// append to FailedScheduling (empty when preemption succeeded).
fn run_post_filter(
    sim: &mut Simulation,
    profile_ix: usize,
    p: PodId,
    failed: &[NodeVerdict],
) -> (Option<NodeIdx>, String) {
    let pod = sim.cluster.pods[p.ix()].clone();
    let profile = sim.scheduler.profiles[profile_ix].clone();
    let pdbs = if sim.lifecycle.pdbs.is_empty() {
        Vec::new()
    } else {
        pdb_budgets(sim)
    };
    let mut messages = Vec::new();
    for pf in &profile.post_filters {
        let handle = PostFilterHandle {
            pod: p,
            fits: &profile,
            pdbs: &pdbs,
            nominator: &sim.scheduler.nominator,
            preempted: &sim.scheduler.preempted,
        };
        let (result, status) = pf.as_post_filter().expect("postFilter plugin").post_filter(
            &pod,
            &mut sim.cluster,
            failed,
            &handle,
        );
        if let Some(result) = &result {
            sim.scheduler.nominator.set(p, result.nominated);
        }
        if !status.is_success() {
            messages.extend(status.reasons);
            continue;
        }
        let result = result.expect("a successful PostFilter returns a result");
        let Some(node) = result.nominated else {
            continue;
        };
        let node_name = sim.cluster.nodes.names[node.ix()].clone();
        for v in result.victims {
            let victim = sim.cluster.pods[v.ix()].name.clone();
            let waiting = sim.scheduler.waiting.contains_key(&v);
            if !waiting && sim.cluster.pods[v.ix()].deleting {
                // Graceful deletion already started: no second API call.
                continue;
            }
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
            if waiting {
                reject_waiting_pod(sim, v, "preempted".to_string());
            } else {
                let flags = &mut sim.scheduler.preempted;
                if flags.len() <= v.ix() {
                    flags.resize(v.ix() + 1, false);
                }
                flags[v.ix()] = true;
                let grace = node_lifecycle::grace_ms(sim, v, -1);
                node_lifecycle::begin_termination(sim, v, Some(grace));
            }
        }
        // Lower-priority pods nominated to this node may no longer fit there: clear their
        // nomination and let them look elsewhere now.
        let lower: Vec<PodId> = sim
            .scheduler
            .nominator
            .pods_on(node)
            .iter()
            .copied()
            .filter(|q| sim.cluster.pods[q.ix()].spec.priority < pod.spec.priority)
            .collect();
        let now = sim.engine.now().as_millis();
        for q in lower {
            sim.scheduler.nominator.set(q, None);
            sim.scheduler.queue.remove(q);
            let priority = sim.cluster.pods[q.ix()].spec.priority;
            sim.scheduler.queue.push_active(q, priority, now);
        }
        return (Some(node), String::new());
    }
    (None, messages.join(" "))
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
