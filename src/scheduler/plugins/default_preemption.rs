//! DefaultPreemption: when no node fits, finds a node where deleting lower-priority pods
//! makes the pod fit, with the fewest and least important victims
//! (pkg/scheduler/framework/plugins/defaultpreemption, framework/preemption).
//! PodDisruptionBudgets are not modelled, so no candidate violates one.

use super::names;
use crate::cluster::{Cluster, NodeIdx, Pod, PodId};
use crate::scheduler::framework::{
    Code, NodeFits, NodeVerdict, Plugin, PostFilterPlugin, PostFilterResult,
};

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

/// Takes pod `p` off its node's columns (requests, pod list, ports, affinity counters)
/// without changing the pod: a what-if for the dry run.
fn detach(cluster: &mut Cluster, p: PodId, n: NodeIdx) {
    let pod = &cluster.pods[p.ix()];
    let (req, nz) = (pod.spec.requests, pod.spec.nonzero_requests);
    let a = &pod.spec.affinity;
    let anti = !a.pod_anti_affinity.required.is_empty();
    let any = !a.pod_affinity.is_empty() || !a.pod_anti_affinity.is_empty();
    let ports: Vec<(String, String, i32)> = pod
        .spec
        .host_ports()
        .map(|x| (x.protocol.clone(), x.host_ip.clone(), x.host_port))
        .collect();
    cluster.set_pod_counted(p, false);
    cluster.pods_with_required_anti_affinity -= anti as usize;
    cluster.pods_with_pod_affinity -= any as usize;
    let t = &mut cluster.nodes;
    t.requested[n.ix()] -= req;
    t.nonzero_requested[n.ix()][0] -= nz[0];
    t.nonzero_requested[n.ix()][1] -= nz[1];
    t.pods[n.ix()].retain(|x| *x != p);
    for port in ports {
        if let Some(i) = t.host_ports[n.ix()].iter().position(|x| *x == port) {
            t.host_ports[n.ix()].swap_remove(i);
        }
    }
}

/// Undoes [`detach`].
fn attach(cluster: &mut Cluster, p: PodId, n: NodeIdx) {
    let pod = &cluster.pods[p.ix()];
    let (req, nz) = (pod.spec.requests, pod.spec.nonzero_requests);
    let a = &pod.spec.affinity;
    let anti = !a.pod_anti_affinity.required.is_empty();
    let any = !a.pod_affinity.is_empty() || !a.pod_anti_affinity.is_empty();
    let ports: Vec<(String, String, i32)> = pod
        .spec
        .host_ports()
        .map(|x| (x.protocol.clone(), x.host_ip.clone(), x.host_port))
        .collect();
    cluster.set_pod_counted(p, true);
    cluster.pods_with_required_anti_affinity += anti as usize;
    cluster.pods_with_pod_affinity += any as usize;
    let t = &mut cluster.nodes;
    t.requested[n.ix()] += req;
    t.nonzero_requested[n.ix()][0] += nz[0];
    t.nonzero_requested[n.ix()][1] += nz[1];
    t.pods[n.ix()].push(p);
    t.host_ports[n.ix()].extend(ports);
}

/// A node where preemption works, and its victims.
struct Candidate {
    node: NodeIdx,
    victims: Vec<PodId>,
}

/// kube's `selectVictimsOnNode` without PDBs: remove every lower-priority pod; if the pod
/// fits, add them back most important first (higher priority, then earlier start) while
/// it still fits; the rest are victims.
fn select_victims(
    pod: &Pod,
    cluster: &mut Cluster,
    n: NodeIdx,
    fits: &dyn NodeFits,
) -> Option<Vec<PodId>> {
    let mut potential: Vec<PodId> = cluster.nodes.pods[n.ix()]
        .iter()
        .copied()
        .filter(|p| {
            let q = &cluster.pods[p.ix()];
            !q.deleting && q.spec.priority < pod.spec.priority
        })
        .collect();
    if potential.is_empty() {
        return None;
    }
    let saved_pods = cluster.nodes.pods[n.ix()].clone();
    let saved_ports = cluster.nodes.host_ports[n.ix()].clone();
    for p in &potential {
        detach(cluster, *p, n);
    }
    let mut victims = Vec::new();
    if fits.fits(pod, cluster, n) {
        potential.sort_by_key(|p| {
            let q = &cluster.pods[p.ix()];
            (std::cmp::Reverse(q.spec.priority), q.times.scheduled, *p)
        });
        for p in &potential {
            attach(cluster, *p, n);
            if !fits.fits(pod, cluster, n) {
                detach(cluster, *p, n);
                victims.push(*p);
            }
        }
    }
    // Restore exactly: re-attach whatever is still detached, then the saved orders.
    let detached: Vec<PodId> = potential
        .iter()
        .copied()
        .filter(|p| !cluster.nodes.pods[n.ix()].contains(p))
        .collect();
    for p in detached {
        attach(cluster, p, n);
    }
    cluster.nodes.pods[n.ix()] = saved_pods;
    cluster.nodes.host_ports[n.ix()] = saved_ports;
    if victims.is_empty() {
        None
    } else {
        Some(victims)
    }
}

impl DefaultPreemption {
    /// kube's `GetOffsetAndNumCandidates` without the random offset:
    /// `max(n × percentage / 100, absolute)`, at most n.
    fn num_candidates(&self, n: usize) -> usize {
        let n = n as i64;
        let c = (n * self.min_candidate_nodes_percentage / 100)
            .max(self.min_candidate_nodes_absolute)
            .min(n);
        c.max(0) as usize
    }
}

impl PostFilterPlugin for DefaultPreemption {
    fn post_filter(
        &self,
        pod: &Pod,
        cluster: &mut Cluster,
        failed: &[NodeVerdict],
        fits: &dyn NodeFits,
    ) -> Option<PostFilterResult> {
        if !pod.spec.preempts {
            return None;
        }
        // Only nodes that failed with a resolvable status can be helped by preemption.
        let potential: Vec<NodeIdx> = failed
            .iter()
            .filter(|v| v.status.code == Code::Unschedulable)
            .map(|v| v.node)
            .collect();
        let want = self.num_candidates(potential.len());
        let mut candidates = Vec::new();
        for n in potential {
            if candidates.len() >= want {
                break;
            }
            if let Some(victims) = select_victims(pod, cluster, n, fits) {
                candidates.push(Candidate { node: n, victims });
            }
        }
        let best = pick_one_node_for_preemption(cluster, &candidates)?;
        Some(PostFilterResult {
            nominated: candidates[best].node,
            victims: candidates[best].victims.clone(),
        })
    }
}

/// kube's `pickOneNodeForPreemption` (no PDB criterion): lowest highest-victim priority,
/// then lowest priority sum, then fewest victims, then the latest earliest start among
/// the highest-priority victims, then the first.
fn pick_one_node_for_preemption(cluster: &Cluster, cands: &[Candidate]) -> Option<usize> {
    let key = |c: &Candidate| {
        let prio = |p: &PodId| cluster.pods[p.ix()].spec.priority as i64;
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
            .filter_map(|p| cluster.pods[p.ix()].times.scheduled)
            .min();
        (highest, sum, c.victims.len(), std::cmp::Reverse(earliest))
    };
    (0..cands.len()).min_by_key(|i| key(&cands[*i]))
}
