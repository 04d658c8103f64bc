//! NodeResourcesFit: a Filter that checks the pod's requests against the node's free
//! resources, and a Score with a scoring strategy: LeastAllocated, MostAllocated or
//! RequestedToCapacityRatio (pkg/scheduler/framework/plugins/noderesources: fit.go,
//! resource_allocation.go, least_allocated.go, most_allocated.go,
//! requested_to_capacity_ratio.go).

use super::names;
use crate::cluster::{Cluster, NodeIdx, Pod};
use crate::model::resources::{
    ResourceIdx, ResourceNames, CPU, EPHEMERAL_STORAGE, MAX_RESOURCES, MEMORY, PODS,
};
use crate::scheduler::framework::{
    CacheMode, Code, CycleState, FilterPlugin, Plugin, ScorePlugin, Status, MAX_NODE_SCORE,
};

/// kube's `config.MaxCustomPriorityScore`: shape scores are given in 0..=10.
pub const MAX_CUSTOM_PRIORITY_SCORE: i64 = 10;
/// Utilisation is measured in percent.
const MAX_UTILIZATION: i64 = 100;

/// How NodeResourcesFit scores a node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScoringStrategy {
    /// Prefer nodes with more free resources (spreading): `(cap - req) * 100 / cap`.
    LeastAllocated,
    /// Prefer nodes with fewer free resources (bin-packing): `req * 100 / cap`.
    MostAllocated,
    /// A broken-linear function of utilisation; points are (utilisation 0..=100, score
    /// 0..=100, i.e. the configured 0..=10 score already scaled by 10).
    RequestedToCapacityRatio(Vec<(i64, i64)>),
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

/// Allocatable and requested-after-placement amounts of `r` on node `n`, as kube's
/// `calculateResourceAllocatableRequest`: with `use_requested == false`, cpu and memory use
/// the non-zero defaults (100m, 200Mi) for containers that request none; an extended
/// resource the pod does not request is bypassed as (0, 0).
#[inline]
pub fn allocatable_and_requested(
    pod: &Pod,
    cluster: &Cluster,
    n: NodeIdx,
    r: ResourceIdx,
    use_requested: bool,
) -> (i64, i64) {
    let t = &cluster.nodes();
    let i = n.ix();
    let allocatable = t.allocatable()[i].get(r);
    if r == CPU || r == MEMORY {
        let k = r.0 as usize;
        if use_requested {
            (
                allocatable,
                t.requested()[i].get(r) + pod.spec.requests.get(r),
            )
        } else {
            (
                allocatable,
                t.nonzero_requested()[i][k] + pod.spec.nonzero_requests[k],
            )
        }
    } else if r == EPHEMERAL_STORAGE || r == PODS {
        (
            allocatable,
            t.requested()[i].get(r) + pod.spec.requests.get(r),
        )
    } else {
        let want = pod.spec.requests.get(r);
        if want == 0 {
            return (0, 0);
        }
        (allocatable, t.requested()[i].get(r) + want)
    }
}

impl NodeResourcesFit {
    /// The default configuration: `strategy` over cpu and memory with weight 1.
    pub fn new(strategy: ScoringStrategy, names: ResourceNames) -> Self {
        NodeResourcesFit {
            strategy,
            resources: vec![(CPU, 1), (MEMORY, 1)],
            names,
        }
    }

    /// The strategy's score for one node from (requested, allocatable) pairs of the
    /// scored resources (kube's `resourceAllocationScorer.score`).
    pub fn score_from(&self, pairs: impl Iterator<Item = (i64, i64, i64)>) -> i64 {
        let mut total = 0;
        let mut weights = 0;
        match &self.strategy {
            ScoringStrategy::LeastAllocated | ScoringStrategy::MostAllocated => {
                let least = self.strategy == ScoringStrategy::LeastAllocated;
                for (requested, allocatable, w) in pairs {
                    if allocatable == 0 {
                        continue;
                    }
                    let s = if least {
                        least_requested_score(requested, allocatable)
                    } else {
                        most_requested_score(requested, allocatable)
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
            ScoringStrategy::RequestedToCapacityRatio(shape) => {
                for (requested, allocatable, w) in pairs {
                    if allocatable == 0 {
                        continue;
                    }
                    let s = if requested > allocatable {
                        broken_linear(shape, MAX_UTILIZATION)
                    } else {
                        broken_linear(shape, requested * MAX_UTILIZATION / allocatable)
                    };
                    if s > 0 {
                        total += s * w;
                        weights += w;
                    }
                }
                if weights == 0 {
                    0
                } else {
                    (total as f64 / weights as f64).round() as i64
                }
            }
        }
    }

    fn is_default_pair(&self) -> bool {
        self.resources == [(CPU, 1), (MEMORY, 1)]
    }
}

impl Plugin for NodeResourcesFit {
    fn name(&self) -> &'static str {
        names::NODE_RESOURCES_FIT
    }
    fn as_filter(&self) -> Option<&dyn FilterPlugin> {
        Some(self)
    }
    fn as_score(&self) -> Option<&dyn ScorePlugin> {
        Some(self)
    }
}

impl FilterPlugin for NodeResourcesFit {
    /// The verdict reads the node's free resources and the pod's requests.
    fn filter_cache_mode(&self, _pod: &Pod, _cluster: &Cluster) -> CacheMode {
        CacheMode::PerNode
    }

    fn filter(&self, _state: &CycleState, pod: &Pod, cluster: &Cluster, n: NodeIdx) -> Status {
        let t = &cluster.nodes();
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

    /// One pass per requested resource over the free-capacity column (`requested +
    /// want <= allocatable` is `free >= want`; resources the pod does not request always
    /// fit because binding never over-commits a node).
    fn filter_all(&self, _state: &CycleState, pod: &Pod, cluster: &Cluster, feasible: &mut [bool]) {
        let t = &cluster.nodes();
        for (r, &want) in pod.spec.requests.0.iter().enumerate() {
            if want == 0 {
                continue;
            }
            for (f, free) in feasible.iter_mut().zip(&t.free_cols()[r]) {
                *f &= *free >= want;
            }
        }
    }
}

impl ScorePlugin for NodeResourcesFit {
    /// Every strategy reads the node's allocatable and requested amounts and the pod's
    /// (non-zero) requests; there is no NormalizeScore.
    fn score_cache_mode(&self, _pod: &Pod, _cluster: &Cluster) -> CacheMode {
        CacheMode::PerNode
    }

    /// Weighted mean over the scored resources of the per-resource score.
    fn score(&self, _state: &CycleState, pod: &Pod, cluster: &Cluster, n: NodeIdx) -> i64 {
        self.score_from(self.resources.iter().map(|&(r, w)| {
            let (allocatable, requested) = allocatable_and_requested(pod, cluster, n, r, false);
            (requested, allocatable, w)
        }))
    }

    /// The default LeastAllocated/MostAllocated over cpu and memory runs as a tight loop
    /// over the node columns; everything else goes through `score`.
    fn score_all(
        &self,
        state: &CycleState,
        pod: &Pod,
        cluster: &Cluster,
        nodes: &[NodeIdx],
        out: &mut [i64],
    ) {
        let least = match self.strategy {
            ScoringStrategy::LeastAllocated => true,
            ScoringStrategy::MostAllocated => false,
            ScoringStrategy::RequestedToCapacityRatio(_) => {
                for (o, n) in out.iter_mut().zip(nodes) {
                    *o = self.score(state, pod, cluster, *n);
                }
                return;
            }
        };
        if !self.is_default_pair() {
            for (o, n) in out.iter_mut().zip(nodes) {
                *o = self.score(state, pod, cluster, *n);
            }
            return;
        }
        let rows = &cluster.nodes().cpu_mem();
        let [pc, pm] = pod.spec.nonzero_requests;
        for (o, n) in out.iter_mut().zip(nodes) {
            let row = &rows[n.ix()];
            let [nc, nm] = row.nonzero_requested;
            let (rc, rm) = (nc + pc, nm + pm);
            let (sc, sm) = if least {
                (
                    row.div[0].least_requested(rc),
                    row.div[1].least_requested(rm),
                )
            } else {
                (row.div[0].most_requested(rc), row.div[1].most_requested(rm))
            };
            *o = match (row.allocatable[0] == 0, row.allocatable[1] == 0) {
                (false, false) => (sc + sm) / 2,
                (false, true) => sc,
                (true, false) => sm,
                (true, true) => 0,
            };
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

/// kube's `helper.BuildBrokenLinearFunction`: linear interpolation between the shape's
/// points, flat before the first and after the last.
pub fn broken_linear(shape: &[(i64, i64)], p: i64) -> i64 {
    for (i, &(u, s)) in shape.iter().enumerate() {
        if p <= u {
            if i == 0 {
                return s;
            }
            let (u0, s0) = shape[i - 1];
            return s0 + (s - s0) * (p - u0) / (u - u0);
        }
    }
    shape.last().map(|&(_, s)| s).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    //! The exact division behind the cluster's score columns ([`ExactDiv`]) scores as the
    //! plain formulas above do.

    use super::{least_requested_score, most_requested_score};
    use crate::cluster::divide::{ExactDiv, MAX_DIVISOR};

    #[test]
    fn out_of_range_divisors_fall_back() {
        for d in [-5, 0, MAX_DIVISOR + 1, i64::MAX / 200] {
            let e = ExactDiv::new(d);
            for r in [-7, 0, 1, d / 3, d] {
                assert_eq!(e.least_requested(r), least_requested_score(r, d), "{r} {d}");
                assert_eq!(e.most_requested(r), most_requested_score(r, d), "{r} {d}");
            }
        }
    }

    #[test]
    fn exact_for_pseudo_random_divisors() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let bits = 1 + (x % 56) as u32;
            let d = 1 + (x >> 8) as i64 % (1i64 << bits);
            let e = ExactDiv::new(d);
            let n = ((x >> 3) as i64).rem_euclid(100 * d + 1);
            assert_eq!(e.div_small(n), n / d, "{n} / {d}");
            let r = n / 100 - (x % 3) as i64;
            assert_eq!(e.least_requested(r), least_requested_score(r, d), "{r} {d}");
            assert_eq!(e.most_requested(r), most_requested_score(r, d), "{r} {d}");
        }
    }
}
