//! BestFit (k8sim policy): the feasible node left with the least free capacity wins —
//! free fraction after placement, averaged over cpu and memory, in parts per million.

use super::names;
use super::normalize::winner_takes_all;
use crate::cluster::{Cluster, NodeIdx, Pod};
use crate::model::resources::{CPU, MEMORY};
use crate::scheduler::framework::{CycleState, Plugin, ScorePlugin, MAX_NODE_SCORE};

/// Free cpu and memory left on node `n` after placing `pod`, as the mean of the two
/// fractions, in parts per million (resources with zero allocatable are left out).
pub fn leftover_ppm(pod: &Pod, cluster: &Cluster, n: NodeIdx) -> i64 {
    let t = &cluster.nodes();
    let mut sum = 0;
    let mut k = 0;
    for r in [CPU, MEMORY] {
        let alloc = t.allocatable()[n.ix()].get(r);
        if alloc == 0 {
            continue;
        }
        let left = alloc - t.requested()[n.ix()].get(r) - pod.spec.requests.get(r);
        sum += left.max(0) as i128 * 1_000_000 / alloc as i128;
        k += 1;
    }
    if k == 0 {
        0
    } else {
        (sum / k) as i64
    }
}

/// The BestFit plugin.
#[derive(Debug, Default)]
pub struct BestFit;

impl Plugin for BestFit {
    fn name(&self) -> &'static str {
        names::BEST_FIT
    }
    fn as_score(&self) -> Option<&dyn ScorePlugin> {
        Some(self)
    }
}

impl ScorePlugin for BestFit {
    fn score(&self, _state: &CycleState, pod: &Pod, cluster: &Cluster, n: NodeIdx) -> i64 {
        leftover_ppm(pod, cluster, n)
    }

    fn normalize_score(&self, _state: &CycleState, _pod: &Pod, scores: &mut [i64]) {
        winner_takes_all(MAX_NODE_SCORE, true, scores);
    }
}
