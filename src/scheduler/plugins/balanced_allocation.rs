//! NodeResourcesBalancedAllocation: prefers nodes whose resource fractions (after placing
//! the pod) are close to each other (noderesources/balanced_allocation.go, v1.36:
//! `useRequested: true`, the standard deviation of the fractions; PreScore skips
//! best-effort pods, kubernetes/kubernetes#129138).

use super::names;
use super::node_resources_fit::allocatable_and_requested;
use crate::cluster::{Cluster, NodeIdx, Pod};
use crate::model::resources::{ResourceIdx, CPU, MEMORY};
use crate::scheduler::framework::{
    CacheMode, CycleState, Plugin, ScorePlugin, Status, MAX_NODE_SCORE,
};

/// The NodeResourcesBalancedAllocation plugin.
#[derive(Debug, Clone)]
pub struct BalancedAllocation {
    /// Resources considered (weights are accepted but, as in kube, unused).
    pub resources: Vec<(ResourceIdx, i64)>,
}

impl Default for BalancedAllocation {
    fn default() -> Self {
        BalancedAllocation {
            resources: vec![(CPU, 1), (MEMORY, 1)],
        }
    }
}

impl Plugin for BalancedAllocation {
    fn name(&self) -> &'static str {
        names::NODE_RESOURCES_BALANCED_ALLOCATION
    }
    fn as_score(&self) -> Option<&dyn ScorePlugin> {
        Some(self)
    }
}

/// kube's `balancedResourceScorer`: `(1 - std) * 100` over the requested/allocatable
/// fractions (each capped at 1) of resources with non-zero allocatable.
pub fn balanced_resource_score(pairs: impl Iterator<Item = (i64, i64)>) -> i64 {
    let mut fractions = [0.0f64; 8];
    let mut k = 0;
    let mut total = 0.0;
    for (requested, allocatable) in pairs {
        if allocatable == 0 || k == fractions.len() {
            continue;
        }
        let f = (requested as f64 / allocatable as f64).min(1.0);
        total += f;
        fractions[k] = f;
        k += 1;
    }
    let std = match k {
        0 | 1 => 0.0,
        2 => ((fractions[0] - fractions[1]) / 2.0).abs(),
        _ => {
            let mean = total / k as f64;
            let sum: f64 = fractions[..k].iter().map(|f| (f - mean) * (f - mean)).sum();
            (sum / k as f64).sqrt()
        }
    };
    ((1.0 - std) * MAX_NODE_SCORE as f64) as i64
}

impl BalancedAllocation {
    /// kube's `isBestEffortPod` over the pod's requests of the scored resources: all zero.
    fn is_best_effort(&self, pod: &Pod) -> bool {
        self.resources
            .iter()
            .all(|&(r, _)| pod.spec.requests.get(r) == 0)
    }
}

impl ScorePlugin for BalancedAllocation {
    /// Reads the node's allocatable and requested amounts and the pod's requests.
    fn score_cache_mode(&self, pod: &Pod, _cluster: &Cluster) -> CacheMode {
        if self.is_best_effort(pod) {
            CacheMode::Skip
        } else {
            CacheMode::PerNode
        }
    }

    /// Skips best-effort pods (no request of the scored resources), as v1.36's PreScore
    /// does, so they are not all piled onto the emptiest-balanced node.
    fn pre_score(
        &self,
        _state: &mut CycleState,
        pod: &Pod,
        _cluster: &Cluster,
        _nodes: &[NodeIdx],
    ) -> Status {
        if self.is_best_effort(pod) {
            Status::skip()
        } else {
            Status::success()
        }
    }

    fn score(&self, _state: &CycleState, pod: &Pod, cluster: &Cluster, n: NodeIdx) -> i64 {
        balanced_resource_score(self.resources.iter().map(|&(r, _)| {
            let (allocatable, requested) = allocatable_and_requested(pod, cluster, n, r, true);
            (requested, allocatable)
        }))
    }

    /// cpu + memory (the default) as a tight loop over the node columns.
    fn score_all(
        &self,
        state: &CycleState,
        pod: &Pod,
        cluster: &Cluster,
        nodes: &[NodeIdx],
        out: &mut [i64],
    ) {
        if self.resources.len() != 2 || self.resources[0].0 != CPU || self.resources[1].0 != MEMORY
        {
            for (o, n) in out.iter_mut().zip(nodes) {
                *o = self.score(state, pod, cluster, *n);
            }
            return;
        }
        let rows = &cluster.nodes().cpu_mem();
        let (pc, pm) = (pod.spec.requests.0[0], pod.spec.requests.0[1]);
        for (o, n) in out.iter_mut().zip(nodes) {
            let row = &rows[n.ix()];
            let [ac, am] = row.allocatable;
            if ac == 0 || am == 0 {
                *o = self.score(state, pod, cluster, *n);
                continue;
            }
            let fc = ((row.requested[0] + pc) as f64 / ac as f64).min(1.0);
            let fm = ((row.requested[1] + pm) as f64 / am as f64).min(1.0);
            let std = ((fc - fm) / 2.0).abs();
            *o = ((1.0 - std) * MAX_NODE_SCORE as f64) as i64;
        }
    }
}
