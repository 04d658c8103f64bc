//! NodeResourcesFit: a Filter that checks the pod's requests against the node's free
//! resources, and a Score with a scoring strategy (pkg/scheduler/framework/plugins/noderesources).

use super::names;
use crate::cluster::{Cluster, NodeIdx, Pod};
use crate::model::resources::{ResourceIdx, ResourceNames, CPU, MAX_RESOURCES, MEMORY, PODS};
use crate::scheduler::framework::{
    Code, CycleState, FilterPlugin, Plugin, ScorePlugin, Status, MAX_NODE_SCORE,
};

/// How NodeResourcesFit scores a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoringStrategy {
    /// Prefer nodes with more free resources (spreading): `(cap - req) * 100 / cap`.
    LeastAllocated,
    /// Prefer nodes with fewer free resources (bin-packing): `req * 100 / cap`.
    MostAllocated,
}

/// The NodeResourcesFit plugin.
#[derive(Debug, Clone)]
pub struct NodeResourcesFit {
    /// Scoring strategy.
    pub strategy: ScoringStrategy,
    /// Scored resources and their weights (default cpu 1, memory 1).
    pub resources: Vec<(ResourceIdx, i64)>,
    /// Resource names, for reasons such as "Insufficient nvidia.com/gpu".
    pub names: ResourceNames,
}

impl NodeResourcesFit {
    /// The default configuration: LeastAllocated over cpu and memory with weight 1.
    pub fn new(strategy: ScoringStrategy, names: ResourceNames) -> Self {
        NodeResourcesFit {
            strategy,
            resources: vec![(CPU, 1), (MEMORY, 1)],
            names,
        }
    }

    /// Requested (after adding the pod) and allocatable amounts of `r` on node `n`, with
    /// the non-zero defaults for cpu and memory, as kube scores them.
    #[inline]
    fn requested_and_allocatable(
        pod: &Pod,
        cluster: &Cluster,
        n: NodeIdx,
        r: ResourceIdx,
    ) -> (i64, i64) {
        let t = &cluster.nodes;
        let allocatable = t.allocatable[n.ix()].get(r);
        let requested = if r == CPU {
            t.nonzero_requested[n.ix()][0] + pod.spec.nonzero_requests[0]
        } else if r == MEMORY {
            t.nonzero_requested[n.ix()][1] + pod.spec.nonzero_requests[1]
        } else {
            t.requested[n.ix()].get(r) + pod.spec.requests.get(r)
        };
        (requested, allocatable)
    }
}

impl Plugin for NodeResourcesFit {
    fn name(&self) -> &'static str {
        names::NODE_RESOURCES_FIT
    }
}

impl FilterPlugin for NodeResourcesFit {
    fn filter(&self, _state: &CycleState, pod: &Pod, cluster: &Cluster, n: NodeIdx) -> Status {
        let t = &cluster.nodes;
        let free = t.free(n);
        let req = &pod.spec.requests;
        let mut reasons = Vec::new();
        if free.get(PODS) < 1 {
            reasons.push("Too many pods".to_string());
        }
        for i in 0..MAX_RESOURCES {
            let r = ResourceIdx(i as u8);
            if r == PODS || req.get(r) == 0 {
                continue;
            }
            if req.get(r) > free.get(r) {
                let name = if i < self.names.len() {
                    self.names.name(r)
                } else {
                    "unknown"
                };
                reasons.push(format!("Insufficient {name}"));
            }
        }
        if reasons.is_empty() {
            Status::success()
        } else {
            Status {
                code: Code::Unschedulable,
                reasons,
            }
        }
    }

    fn filter_all(&self, _state: &CycleState, pod: &Pod, cluster: &Cluster, feasible: &mut [bool]) {
        let t = &cluster.nodes;
        let req = pod.spec.requests;
        for (i, f) in feasible.iter_mut().enumerate() {
            let mut fits = true;
            for r in 0..MAX_RESOURCES {
                fits &= t.requested[i].0[r] + req.0[r] <= t.allocatable[i].0[r];
            }
            *f &= fits;
        }
    }
}

impl ScorePlugin for NodeResourcesFit {
    /// Weighted mean over the scored resources of the per-resource score.
    fn score(&self, _state: &CycleState, pod: &Pod, cluster: &Cluster, n: NodeIdx) -> i64 {
        let mut total = 0;
        let mut weights = 0;
        for &(r, w) in &self.resources {
            let (requested, allocatable) = Self::requested_and_allocatable(pod, cluster, n, r);
            let s = match self.strategy {
                ScoringStrategy::LeastAllocated => least_requested_score(requested, allocatable),
                ScoringStrategy::MostAllocated => most_requested_score(requested, allocatable),
            };
            total += s * w;
            weights += w;
        }
        if weights == 0 {
            0
        } else {
            total / weights
        }
    }
}

/// `(capacity - requested) * 100 / capacity`, 0 when over capacity or capacity is 0
/// (noderesources/least_allocated.go).
#[inline]
pub fn least_requested_score(requested: i64, capacity: i64) -> i64 {
    if capacity == 0 || requested > capacity {
        return 0;
    }
    (capacity - requested) * MAX_NODE_SCORE / capacity
}

/// `requested * 100 / capacity`, 0 when capacity is 0, capped at capacity
/// (noderesources/most_allocated.go).
#[inline]
pub fn most_requested_score(requested: i64, capacity: i64) -> i64 {
    if capacity == 0 {
        return 0;
    }
    requested.min(capacity) * MAX_NODE_SCORE / capacity
}
