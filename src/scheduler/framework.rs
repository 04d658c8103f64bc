//! The scheduling framework's extension points, mirroring kube-scheduler's
//! `framework/interface.go`: Status codes, CycleState, and one trait per extension point.
//!
//! Filter and Score have a per-node method (the kube-scheduler contract, used by tests and
//! `explain`) and a batch method over all candidate nodes that plugins may override with a
//! tight loop; the defaults call the per-node method.

use crate::cluster::{Cluster, DryRun, NodeIdx, Pod, PodId};
use crate::model::labels::LabelSelector;
use std::any::Any;
use std::collections::BTreeMap;

/// The highest score a Score plugin may return after normalisation.
pub const MAX_NODE_SCORE: i64 = 100;
/// The lowest score.
pub const MIN_NODE_SCORE: i64 = 0;

/// Status codes, as kube-scheduler's `framework.Code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// The plugin ran and the pod may proceed.
    Success,
    /// Internal error.
    Error,
    /// The pod does not fit now; preemption may help.
    Unschedulable,
    /// The pod does not fit and preemption cannot help.
    UnschedulableAndUnresolvable,
    /// Permit: wait.
    Wait,
    /// The plugin does not apply to this pod: its later extension points are skipped.
    Skip,
}

impl Code {
    /// kube's spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            Code::Success => "Success",
            Code::Error => "Error",
            Code::Unschedulable => "Unschedulable",
            Code::UnschedulableAndUnresolvable => "UnschedulableAndUnresolvable",
            Code::Wait => "Wait",
            Code::Skip => "Skip",
        }
    }
}

/// A plugin's verdict with reasons in kube-scheduler's wording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// The code.
    pub code: Code,
    /// Reasons (e.g. "Insufficient cpu").
    pub reasons: Vec<String>,
}

impl Status {
    /// Success, no reasons.
    pub const fn success() -> Status {
        Status {
            code: Code::Success,
            reasons: Vec::new(),
        }
    }

    /// Skip, no reasons.
    pub const fn skip() -> Status {
        Status {
            code: Code::Skip,
            reasons: Vec::new(),
        }
    }

    /// A status with one reason.
    pub fn new(code: Code, reason: impl Into<String>) -> Status {
        Status {
            code,
            reasons: vec![reason.into()],
        }
    }

    /// True for Success.
    pub fn is_success(&self) -> bool {
        self.code == Code::Success
    }
}

/// How a plugin's part of a scheduling cycle depends on the pod and the nodes, as the
/// profile's score cache ([`super::score_cache`]) needs to know it. A plugin answers for
/// one pod and the cluster as it is; the answer must agree with what its PreFilter /
/// PreScore would do (`tests/scheduler_equivalence.rs` checks it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheMode {
    /// The plugin does not apply: its PreFilter (PreScore) returns Skip.
    Skip,
    /// Score only: PreScore returns Success and every feasible node gets the same
    /// normalised score, so the plugin adds a constant to every total.
    Constant,
    /// PreFilter (PreScore) returns Success and keeps nothing that Filter (Score) reads;
    /// Filter (Score) of node `n` is a function of the pod's requests, non-zero requests
    /// and tolerations and of node `n`'s own state (whose every change is logged in
    /// `Cluster::node_changes`); NormalizeScore changes nothing.
    PerNode,
    /// Anything else: the cycle takes the full path.
    Unsupported,
}

/// Per-cycle scratch data that plugins compute in PreFilter/PreScore and read later.
#[derive(Default)]
pub struct CycleState {
    slots: Vec<(&'static str, Box<dyn Any>)>,
}

impl CycleState {
    /// Stores `value` under `key`, replacing any earlier value.
    pub fn write<T: Any>(&mut self, key: &'static str, value: T) {
        if let Some(slot) = self.slots.iter_mut().find(|(k, _)| *k == key) {
            slot.1 = Box::new(value);
        } else {
            self.slots.push((key, Box::new(value)));
        }
    }

    /// Reads the value stored under `key`.
    pub fn read<T: Any>(&self, key: &'static str) -> Option<&T> {
        self.slots
            .iter()
            .find(|(k, _)| *k == key)
            .and_then(|(_, v)| v.downcast_ref())
    }

    /// Forgets everything (start of a new cycle).
    pub fn clear(&mut self) {
        self.slots.clear();
    }
}

/// What every plugin has: its name and the extension points it implements. A plugin
/// instance is shared by every extension point of a profile that names it, as in kube.
pub trait Plugin: Send + Sync {
    /// The plugin's registered name (see `plugins::names`).
    fn name(&self) -> &'static str;

    /// PreEnqueue, if implemented.
    fn as_pre_enqueue(&self) -> Option<&dyn PreEnqueuePlugin> {
        None
    }
    /// QueueSort, if implemented.
    fn as_queue_sort(&self) -> Option<&dyn QueueSortPlugin> {
        None
    }
    /// PreFilter + Filter, if implemented.
    fn as_filter(&self) -> Option<&dyn FilterPlugin> {
        None
    }
    /// PostFilter, if implemented.
    fn as_post_filter(&self) -> Option<&dyn PostFilterPlugin> {
        None
    }
    /// PreScore + Score + NormalizeScore, if implemented.
    fn as_score(&self) -> Option<&dyn ScorePlugin> {
        None
    }
    /// Reserve/Unreserve, if implemented.
    fn as_reserve(&self) -> Option<&dyn ReservePlugin> {
        None
    }
    /// Permit, if implemented.
    fn as_permit(&self) -> Option<&dyn PermitPlugin> {
        None
    }
    /// PreBind, if implemented.
    fn as_pre_bind(&self) -> Option<&dyn PreBindPlugin> {
        None
    }
    /// Bind, if implemented.
    fn as_bind(&self) -> Option<&dyn BindPlugin> {
        None
    }
    /// PostBind, if implemented.
    fn as_post_bind(&self) -> Option<&dyn PostBindPlugin> {
        None
    }
}

/// PreEnqueue: may keep a pod out of the activeQ (e.g. scheduling gates).
pub trait PreEnqueuePlugin: Plugin {
    /// Success lets the pod into the queue; anything else keeps it gated.
    fn pre_enqueue(&self, pod: &Pod) -> Status;
}

/// PreFilter + Filter.
pub trait FilterPlugin: Plugin {
    /// Runs once per cycle; `Skip` means the plugin does not apply to this pod.
    fn pre_filter(&self, _state: &mut CycleState, _pod: &Pod, _cluster: &Cluster) -> Status {
        Status::success()
    }

    /// How this filter depends on `pod` and the nodes (default: not known to the cache).
    fn filter_cache_mode(&self, _pod: &Pod, _cluster: &Cluster) -> CacheMode {
        CacheMode::Unsupported
    }

    /// Whether `pod` may run on node `n`.
    fn filter(&self, state: &CycleState, pod: &Pod, cluster: &Cluster, n: NodeIdx) -> Status;

    /// Clears `feasible[i]` for every node `i` still feasible that fails this filter.
    fn filter_all(&self, state: &CycleState, pod: &Pod, cluster: &Cluster, feasible: &mut [bool]) {
        for (i, f) in feasible.iter_mut().enumerate() {
            if *f
                && !self
                    .filter(state, pod, cluster, NodeIdx(i as u32))
                    .is_success()
            {
                *f = false;
            }
        }
    }
}

/// PreScore + Score + NormalizeScore.
pub trait ScorePlugin: Plugin {
    /// Runs once per cycle over the feasible nodes; `Skip` means score nothing.
    fn pre_score(
        &self,
        _state: &mut CycleState,
        _pod: &Pod,
        _cluster: &Cluster,
        _nodes: &[NodeIdx],
    ) -> Status {
        Status::success()
    }

    /// How this score depends on `pod` and the nodes (default: not known to the cache).
    fn score_cache_mode(&self, _pod: &Pod, _cluster: &Cluster) -> CacheMode {
        CacheMode::Unsupported
    }

    /// The raw score of node `n`.
    fn score(&self, state: &CycleState, pod: &Pod, cluster: &Cluster, n: NodeIdx) -> i64;

    /// Raw scores of all `nodes` into `out` (same length).
    fn score_all(
        &self,
        state: &CycleState,
        pod: &Pod,
        cluster: &Cluster,
        nodes: &[NodeIdx],
        out: &mut [i64],
    ) {
        for (o, n) in out.iter_mut().zip(nodes) {
            *o = self.score(state, pod, cluster, *n);
        }
    }

    /// Rescales raw scores into `0..=MAX_NODE_SCORE` (default: none needed).
    fn normalize_score(&self, _state: &CycleState, _pod: &Pod, _scores: &mut [i64]) {}
}

/// QueueSort: orders the activeQ.
pub trait QueueSortPlugin: Plugin {
    /// True if `a` should be scheduled before `b`.
    fn less(&self, a: &QueuedPod, b: &QueuedPod) -> bool;

    /// Fills cluster-dependent sort keys (`QueuedPod::share_ppm`) before a pop; the
    /// default needs none.
    fn refresh(&self, _cluster: &Cluster, _queued: &mut [QueuedPod]) {}

    /// True for PrioritySort: the queue then keeps a heap instead of scanning.
    fn is_priority_sort(&self) -> bool {
        false
    }
}

/// What the queue knows about a waiting pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueuedPod {
    /// The pod.
    pub id: PodId,
    /// Its priority.
    pub priority: i32,
    /// When it was (last) added to the queue, ms.
    pub timestamp_ms: u64,
    /// Insertion sequence number (FIFO among equal timestamps).
    pub seq: u64,
    /// A cluster-dependent key filled by [`QueueSortPlugin::refresh`] (DRF: the dominant
    /// share of the pod's namespace in parts per million).
    pub share_ppm: u64,
}

/// One node that failed the filters in a cycle, and why (kube's NodeToStatusMap).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeVerdict {
    /// The node.
    pub node: NodeIdx,
    /// The failing status.
    pub status: Status,
}

/// Runs a profile's filters on one node of a (possibly modified) cluster; handed to
/// PostFilter plugins so preemption can test "would the pod fit without these victims".
pub trait NodeFits {
    /// The first failing filter's status for `pod` on node `n` of `cluster` (PreFilter
    /// re-run), or Success.
    fn filter_status(&self, pod: &Pod, cluster: &Cluster, n: NodeIdx) -> Status;

    /// True if `pod` passes every filter on node `n` of `cluster`.
    fn fits(&self, pod: &Pod, cluster: &Cluster, n: NodeIdx) -> bool {
        self.filter_status(pod, cluster, n).is_success()
    }
}

/// kube's PodNominator: the node each pending pod was nominated to by preemption
/// (`status.nominatedNodeName`), indexed both ways.
#[derive(Debug, Clone, Default)]
pub struct Nominator {
    by_pod: Vec<Option<NodeIdx>>,
    by_node: BTreeMap<NodeIdx, Vec<PodId>>,
}

impl Nominator {
    /// The node pod `p` is nominated to.
    pub fn node_of(&self, p: PodId) -> Option<NodeIdx> {
        self.by_pod.get(p.ix()).copied().flatten()
    }

    /// Sets (or with `None` clears) the nomination of pod `p`.
    pub fn set(&mut self, p: PodId, node: Option<NodeIdx>) {
        if node.is_none() && self.by_pod.len() <= p.ix() {
            // Never nominated: nothing to clear (and no slot to add for it).
            return;
        }
        if self.by_pod.len() <= p.ix() {
            self.by_pod.resize(p.ix() + 1, None);
        }
        if let Some(old) = self.by_pod[p.ix()].take() {
            if let Some(list) = self.by_node.get_mut(&old) {
                list.retain(|q| *q != p);
                if list.is_empty() {
                    self.by_node.remove(&old);
                }
            }
        }
        if let Some(n) = node {
            self.by_pod[p.ix()] = Some(n);
            self.by_node.entry(n).or_default().push(p);
        }
    }

    /// True if no pod is nominated anywhere.
    pub fn is_empty(&self) -> bool {
        self.by_node.is_empty()
    }

    /// Pods nominated to node `n`, in nomination order.
    pub fn pods_on(&self, n: NodeIdx) -> &[PodId] {
        self.by_node.get(&n).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Nodes with at least one nominated pod, in node order.
    pub fn nodes(&self) -> impl Iterator<Item = NodeIdx> + '_ {
        self.by_node.keys().copied()
    }

    /// kube's `addGENominatedPods` selection: pods other than `p` nominated to `n` whose
    /// priority is at least `p`'s and that still wait for a node.
    pub fn ge_pods(&self, cluster: &Cluster, p: PodId, n: NodeIdx) -> Vec<PodId> {
        let priority = cluster.pods()[p.ix()].spec.priority;
        self.pods_on(n)
            .iter()
            .copied()
            .filter(|q| {
                let pod = &cluster.pods()[q.ix()];
                *q != p && pod.spec.priority >= priority && pod.node.is_none() && !pod.deleting
            })
            .collect()
    }
}

/// kube's `RunFilterPluginsWithNominatedPods` (runtime/framework.go): the filters run
/// once with the `nominated` pods (of at least `pod`'s priority, nominated to `n`) added
/// to node `n` (`addGENominatedPods`, here in a nested [`DryRun`] scope instead of on
/// copies of NodeInfo and CycleState), and, if any were added and that passed, once more
/// without them, so that neither the space they are promised nor an affinity they would
/// satisfy is counted on. `cluster` comes out as it went in.
pub fn filter_with_nominated(
    fits: &dyn NodeFits,
    pod: &Pod,
    cluster: &mut DryRun<'_>,
    n: NodeIdx,
    nominated: &[PodId],
) -> Status {
    if nominated.is_empty() {
        return fits.filter_status(pod, cluster.cluster(), n);
    }
    let with = {
        let mut scope = cluster.scope();
        for q in nominated {
            scope.add(*q, n);
        }
        fits.filter_status(pod, scope.cluster(), n)
    };
    if !with.is_success() {
        return with;
    }
    fits.filter_status(pod, cluster.cluster(), n)
}

/// One PodDisruptionBudget as preemption sees it: its namespace, selector and
/// `status.disruptionsAllowed`.
#[derive(Debug, Clone, PartialEq)]
pub struct PdbBudget {
    /// metadata.namespace.
    pub namespace: String,
    /// spec.selector (empty matches nothing for preemption, as in kube).
    pub selector: LabelSelector,
    /// status.disruptionsAllowed.
    pub disruptions_allowed: i32,
}

/// What a PostFilter plugin may read besides the cluster (kube's framework Handle: the
/// PDB lister, the pod nominator, the scheduler's own record of preemptions).
pub struct PostFilterHandle<'a> {
    /// The pod being scheduled.
    pub pod: PodId,
    /// The profile's filters.
    pub fits: &'a dyn NodeFits,
    /// Every PodDisruptionBudget.
    pub pdbs: &'a [PdbBudget],
    /// Nominated pods.
    pub nominator: &'a Nominator,
    /// Per pod: terminating because the scheduler preempted it (kube's DisruptionTarget
    /// condition with reason PreemptionByScheduler).
    pub preempted: &'a [bool],
}

/// What a PostFilter plugin decided (kube's PostFilterResult): the pod's nomination is
/// overridden with `nominated` (`None` clears it) and `victims` are preempted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostFilterResult {
    /// The node nominated for the pod, or `None` to clear its nomination.
    pub nominated: Option<NodeIdx>,
    /// Pods to delete so the pod fits there.
    pub victims: Vec<PodId>,
}

/// PostFilter: runs when no node fits (DefaultPreemption).
pub trait PostFilterPlugin: Plugin {
    /// Looks for a way to make `pod` fit; `failed` lists each filtered-out node's status.
    /// Returns kube's (result, status) pair: `None` keeps the pod's nomination; the
    /// status is Success when preemption happened, else its message (prefixed as the
    /// plugin likes) is appended to the FailedScheduling message. The plugin reads the
    /// cluster through `cluster` and may only run what-ifs in it (kube's dry run on copies
    /// of NodeInfo); they are undone before the call returns, and the caller applies the
    /// decision.
    fn post_filter(
        &self,
        pod: &Pod,
        cluster: &mut DryRun<'_>,
        failed: &[NodeVerdict],
        handle: &PostFilterHandle<'_>,
    ) -> (Option<PostFilterResult>, Status);
}

/// Reserve/Unreserve: claim per-node resources before binding; release on failure.
pub trait ReservePlugin: Plugin {
    /// Reserves; a non-success status aborts the binding.
    fn reserve(&self, pod: &Pod, cluster: &Cluster, n: NodeIdx) -> Status;
    /// Undoes `reserve`.
    fn unreserve(&self, pod: &Pod, cluster: &Cluster, n: NodeIdx);
}

/// The longest a pod may wait at Permit (kube's `maxTimeout`, 15 minutes).
pub const MAX_PERMIT_TIMEOUT_MS: u64 = 15 * 60_000;

/// Permit: approve, deny or delay the binding.
pub trait PermitPlugin: Plugin {
    /// Success, Unschedulable (deny) or Wait with the longest wait in ms (capped at
    /// [`MAX_PERMIT_TIMEOUT_MS`]); the timeout is ignored unless the code is Wait. The
    /// pod is assumed on `n` while Permit runs, so it counts among `n`'s pods.
    fn permit(&self, pod: &Pod, cluster: &Cluster, n: NodeIdx) -> (Status, u64);

    /// After `pod` passed this plugin's Permit (Success or Wait), the pods among
    /// `waiting` (waiting at Permit, assumed on their nodes) this plugin now allows
    /// (kube: `Handle.IterateOverWaitingPods` and `WaitingPod.Allow`). Default: none.
    fn allow_waiting(&self, _pod: &Pod, _cluster: &Cluster, _waiting: &[PodId]) -> Vec<PodId> {
        Vec::new()
    }
}

/// PreBind: work before binding (e.g. volume provisioning); may add simulated time.
pub trait PreBindPlugin: Plugin {
    /// Extra simulated milliseconds before the binding completes, or an error status.
    fn pre_bind(&self, pod: &Pod, cluster: &Cluster, n: NodeIdx) -> Result<u64, Status>;
}

/// Bind: performs the binding. The first binder that does not Skip binds.
pub trait BindPlugin: Plugin {
    /// Success to bind (the simulation applies it), Skip to let the next binder try.
    fn bind(&self, pod: &Pod, cluster: &Cluster, n: NodeIdx) -> Status;
}

/// PostBind: informational, after a successful binding.
pub trait PostBindPlugin: Plugin {
    /// Called once the pod is bound.
    fn post_bind(&self, pod: &Pod, cluster: &Cluster, n: NodeIdx);
}
