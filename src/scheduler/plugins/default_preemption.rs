//! DefaultPreemption: when no node fits, finds a node where deleting lower-priority pods
//! makes the pod fit, preferring nodes whose victims violate no PodDisruptionBudget and
//! are the fewest and least important (pkg/scheduler/framework/plugins/defaultpreemption
//! and framework/preemption/preemption.go).

use super::names;
use crate::cluster::{Cluster, DryRun, NodeIdx, Pod, PodId};
use crate::engine::SimTime;
use crate::scheduler::framework::{
    filter_with_nominated, Code, NodeVerdict, PdbBudget, Plugin, PostFilterHandle,
    PostFilterPlugin, PostFilterResult, Status,
};
use crate::scheduler::profile::FitError;
use std::cmp::Reverse;
use std::collections::BTreeMap;

/// kube's status reason for a node without lower-priority pods.
pub const NO_VICTIMS: &str = "No preemption victims found for incoming pod";
/// kube's status reason for nodes preemption did not examine or cannot help.
pub const NOT_HELPFUL: &str = "Preemption is not helpful for scheduling";

/// The DefaultPreemption plugin.
#[derive(Debug, Clone)]
pub struct DefaultPreemption {
    /// minCandidateNodesPercentage (default 10).
    pub min_candidate_nodes_percentage: i64,
    /// minCandidateNodesAbsolute (default 100).
    pub min_candidate_nodes_absolute: i64,
}

impl Default for DefaultPreemption {
    fn default() -> Self {
        DefaultPreemption {
            min_candidate_nodes_percentage: 10,
            min_candidate_nodes_absolute: 100,
        }
    }
}

impl Plugin for DefaultPreemption {
    fn name(&self) -> &'static str {
        names::DEFAULT_PREEMPTION
    }
    fn as_post_filter(&self) -> Option<&dyn PostFilterPlugin> {
        Some(self)
    }
}

/// A node where preemption makes the pod fit (kube's `Candidate`), its victims ordered
/// from most to least important, and how many of them violate a PDB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The node.
    pub node: NodeIdx,
    /// The pods to preempt there.
    pub victims: Vec<PodId>,
    /// Victims whose eviction would exceed a PDB's disruptionsAllowed.
    pub num_pdb_violations: usize,
}

/// A pod's start time as preemption reads it (`status.startTime`, set when the kubelet
/// accepts the bound pod; the zero time when unset, as kube's `GetPodStartTime`).
fn start_time(cluster: &Cluster, p: PodId) -> SimTime {
    cluster.pods()[p.ix()]
        .times
        .scheduled
        .unwrap_or(SimTime::ZERO)
}

/// kube's `util.MoreImportantPod` as a sort key: higher priority first, then the earlier
/// start; the pod id breaks the remaining ties deterministically.
fn importance_key(cluster: &Cluster, p: PodId) -> (Reverse<i32>, SimTime, PodId) {
    (
        Reverse(cluster.pods()[p.ix()].spec.priority),
        start_time(cluster, p),
        p,
    )
}

/// kube's `filterPodsWithPDBViolation`: splits `pods` (order kept) into those whose
/// eviction would take a matching PDB below zero allowed disruptions, and the rest. A PDB
/// with an empty selector matches nothing here, and a pod without labels matches no PDB.
pub fn filter_pods_with_pdb_violation(
    cluster: &Cluster,
    pods: &[PodId],
    pdbs: &[PdbBudget],
) -> (Vec<PodId>, Vec<PodId>) {
    let mut allowed: Vec<i32> = pdbs.iter().map(|b| b.disruptions_allowed).collect();
    let (mut violating, mut non_violating) = (Vec::new(), Vec::new());
    for &p in pods {
        let pod = &cluster.pods()[p.ix()];
        let mut violated = false;
        if !pod.labels.is_empty() {
            for (i, pdb) in pdbs.iter().enumerate() {
                if pdb.namespace != pod.namespace
                    || pdb.selector.is_empty()
                    || !pdb.selector.matches(&pod.labels)
                {
                    continue;
                }
                allowed[i] -= 1;
                if allowed[i] < 0 {
                    violated = true;
                }
            }
        }
        if violated {
            violating.push(p);
        } else {
            non_violating.push(p);
        }
    }
    (violating, non_violating)
}

/// kube's `SelectVictimsOnNode` (plugins/defaultpreemption/default_preemption.go): takes
/// every lower-priority pod off node `n`; if `pod` then passes the filters (nominated pods
/// counted), puts them back one by one — first those whose eviction would violate a PDB,
/// then the others, each group most important first — keeping back each one the pod still
/// fits with. Returns the victims (most important first) and how many violate a PDB, or
/// the status that rules the node out. kube works on a copy of the node's NodeInfo and
/// CycleState; here the what-ifs run in a nested [`DryRun`] scope, so `cluster` comes out
/// exactly as it went in.
pub fn select_victims_on_node(
    pod: &Pod,
    cluster: &mut DryRun<'_>,
    n: NodeIdx,
    handle: &PostFilterHandle<'_>,
) -> Result<(Vec<PodId>, usize), Status> {
    let c = cluster.cluster();
    let mut potential: Vec<PodId> = c.nodes().pods()[n.ix()]
        .iter()
        .copied()
        .filter(|p| c.pods()[p.ix()].spec.priority < pod.spec.priority)
        .collect();
    if potential.is_empty() {
        return Err(Status::new(Code::UnschedulableAndUnresolvable, NO_VICTIMS));
    }
    let nominated = handle.nominator.ge_pods(c, handle.pod, n);
    let mut node = cluster.scope();
    for p in &potential {
        node.remove(*p, n);
    }
    let first = filter_with_nominated(handle.fits, pod, &mut node, n, &nominated);
    if !first.is_success() {
        return Err(first);
    }
    potential.sort_by_key(|p| importance_key(node.cluster(), *p));
    let (violating, non_violating) =
        filter_pods_with_pdb_violation(node.cluster(), &potential, handle.pdbs);
    let mut victims = Vec::new();
    let mut num_violating = 0;
    for (group, is_violating) in [(&violating, true), (&non_violating, false)] {
        for &p in group {
            node.add(p, n);
            if !filter_with_nominated(handle.fits, pod, &mut node, n, &nominated).is_success() {
                node.remove(p, n);
                victims.push(p);
                num_violating += is_violating as usize;
            }
        }
    }
    if !violating.is_empty() && !non_violating.is_empty() {
        victims.sort_by_key(|p| importance_key(node.cluster(), *p));
    }
    Ok((victims, num_violating))
}

/// kube's `PodEligibleToPreemptOthers`: a pod with `preemptionPolicy: Never` does not
/// preempt, nor does one whose nominated node still has lower-priority pods terminating
/// because of an earlier preemption (unless the filters found that node
/// UnschedulableAndUnresolvable). Err carries kube's reason.
pub fn pod_eligible_to_preempt_others(
    pod: &Pod,
    cluster: &Cluster,
    failed: &[NodeVerdict],
    handle: &PostFilterHandle<'_>,
) -> Result<(), &'static str> {
    if !pod.spec.preempts {
        return Err("not eligible due to preemptionPolicy=Never.");
    }
    let Some(nn) = handle.nominator.node_of(handle.pod) else {
        return Ok(());
    };
    // Nodes absent from the status map count as UnschedulableAndUnresolvable.
    let code = failed
        .iter()
        .find(|v| v.node == nn)
        .map(|v| v.status.code)
        .unwrap_or(Code::UnschedulableAndUnresolvable);
    if code == Code::UnschedulableAndUnresolvable || !cluster.nodes().present()[nn.ix()] {
        return Ok(());
    }
    let terminating = cluster.nodes().pods()[nn.ix()].iter().any(|q| {
        let v = &cluster.pods()[q.ix()];
        v.spec.priority < pod.spec.priority
            && v.deleting
            && handle.preempted.get(q.ix()).copied().unwrap_or(false)
    });
    if terminating {
        return Err("not eligible due to a terminating pod on the nominated node.");
    }
    Ok(())
}

impl DefaultPreemption {
    /// kube's `calculateNumCandidates`: `max(n × percentage / 100, absolute)`, at most n.
    pub fn num_candidates(&self, n: usize) -> usize {
        let n = n as i64;
        let c = (n * self.min_candidate_nodes_percentage / 100)
            .max(self.min_candidate_nodes_absolute)
            .min(n);
        c.max(0) as usize
    }

    /// kube's `DryRunPreemption` (with offset 0: k8sim scans the potential nodes in node
    /// order instead of from a random offset): candidates that violate no PDB first, then
    /// the others, stopping once there is a non-violating one and `num_candidates` in
    /// all; plus each node ruled out with its status.
    pub fn dry_run_preemption(
        &self,
        pod: &Pod,
        cluster: &mut DryRun<'_>,
        potential: &[NodeIdx],
        handle: &PostFilterHandle<'_>,
    ) -> (Vec<Candidate>, Vec<NodeVerdict>) {
        let want = self.num_candidates(potential.len());
        let (mut non_violating, mut violating) = (Vec::new(), Vec::new());
        let mut statuses = Vec::new();
        for &n in potential {
            match select_victims_on_node(pod, cluster, n, handle) {
                Ok((victims, num)) if !victims.is_empty() => {
                    let c = Candidate {
                        node: n,
                        victims,
                        num_pdb_violations: num,
                    };
                    let list = if num == 0 {
                        &mut non_violating
                    } else {
                        &mut violating
                    };
                    if list.len() < want {
                        list.push(c);
                    }
                    if !non_violating.is_empty() && non_violating.len() + violating.len() >= want {
                        break;
                    }
                }
                Ok(_) => statuses.push(NodeVerdict {
                    node: n,
                    status: Status::new(
                        Code::Error,
                        format!(
                            "expected at least one victim pod on node {:?}",
                            cluster.cluster().nodes().names()[n.ix()]
                        ),
                    ),
                }),
                Err(status) => statuses.push(NodeVerdict { node: n, status }),
            }
        }
        non_violating.extend(violating);
        (non_violating, statuses)
    }
}

/// kube's `SelectCandidate`: the only candidate, or [`pick_one_node_for_preemption`].
pub fn select_candidate(cluster: &Cluster, candidates: &[Candidate]) -> Option<usize> {
    match candidates.len() {
        0 => None,
        1 => Some(0),
        _ => pick_one_node_for_preemption(cluster, candidates),
    }
}

/// kube's `pickOneNodeForPreemption`: fewest PDB violations, then the lowest highest
/// victim priority, then the lowest sum of victim priorities (each shifted by 2^31 so
/// negative priorities count), then the fewest victims, then the latest earliest start
/// time among the highest-priority victims, then the first candidate.
pub fn pick_one_node_for_preemption(cluster: &Cluster, cands: &[Candidate]) -> Option<usize> {
    let prio = |p: &PodId| cluster.pods()[p.ix()].spec.priority as i64;
    let key = |c: &Candidate| {
        let highest = c.victims.iter().map(prio).max().unwrap_or(i64::MIN);
        let sum: i64 = c
            .victims
            .iter()
            .map(|p| prio(p) + i32::MAX as i64 + 1)
            .sum();
        let earliest = c
            .victims
            .iter()
            .filter(|p| prio(p) == highest)
            .map(|p| start_time(cluster, *p))
            .min();
        (
            c.num_pdb_violations,
            highest,
            sum,
            c.victims.len(),
            Reverse(earliest),
        )
    };
    // min_by_key keeps the first of equal keys: "then the first".
    (0..cands.len()).min_by_key(|i| key(&cands[*i]))
}

/// kube's FitError message over the dry run's node statuses: nodes not examined count as
/// "Preemption is not helpful for scheduling".
fn dry_run_message(cluster: &Cluster, statuses: &[NodeVerdict]) -> String {
    let num_all = cluster.nodes().present().iter().filter(|p| **p).count();
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    for v in statuses {
        for r in &v.status.reasons {
            *reasons.entry(r.clone()).or_default() += 1;
        }
    }
    let absent = num_all.saturating_sub(statuses.len());
    if absent > 0 {
        *reasons.entry(NOT_HELPFUL.to_string()).or_default() += absent;
    }
    FitError {
        num_all_nodes: num_all,
        reasons,
        unresolvable: false,
        failed: Vec::new(),
    }
    .message()
}

impl PostFilterPlugin for DefaultPreemption {
    fn post_filter(
        &self,
        pod: &Pod,
        cluster: &mut DryRun<'_>,
        failed: &[NodeVerdict],
        handle: &PostFilterHandle<'_>,
    ) -> (Option<PostFilterResult>, Status) {
        if let Err(msg) = pod_eligible_to_preempt_others(pod, cluster.cluster(), failed, handle) {
            return (
                None,
                Status::new(Code::Unschedulable, format!("preemption: {msg}")),
            );
        }
        // Only nodes that failed with a resolvable status can be helped by preemption.
        let potential: Vec<NodeIdx> = failed
            .iter()
            .filter(|v| v.status.code == Code::Unschedulable)
            .map(|v| v.node)
            .collect();
        let (candidates, statuses) = self.dry_run_preemption(pod, cluster, &potential, handle);
        let cluster = cluster.cluster();
        let Some(best) = select_candidate(cluster, &candidates) else {
            // No candidate: clear the pod's nomination and say why per node.
            let msg = dry_run_message(cluster, &statuses);
            return (
                Some(PostFilterResult {
                    nominated: None,
                    victims: Vec::new(),
                }),
                Status::new(Code::Unschedulable, format!("preemption: {msg}")),
            );
        };
        let c = &candidates[best];
        (
            Some(PostFilterResult {
                nominated: Some(c.node),
                victims: c.victims.clone(),
            }),
            Status::success(),
        )
    }
}
