//! Tetris (k8sim policy; Grandl et al., SIGCOMM 2014): prefers the node whose free
//! capacity is best aligned with the pod's demand — the dot product of demand and free
//! capacity, both as fractions of the node's allocatable, over cpu and memory.

use super::names;
use super::normalize::default_normalize_score;
use crate::cluster::{Cluster, NodeIdx, Pod};
use crate::model::resources::{CPU, MEMORY};
use crate::scheduler::framework::{CycleState, Plugin, ScorePlugin, MAX_NODE_SCORE};

/// The Tetris plugin.
#[derive(Debug, Default)]
pub struct Tetris;

impl Plugin for Tetris {
    fn name(&self) -> &'static str {
        names::TETRIS
    }
    fn as_score(&self) -> Option<&dyn ScorePlugin> {
        Some(self)
    }
}

impl ScorePlugin for Tetris {
    /// `sum over cpu, memory of (request / allocatable) × (free / allocatable)`, × 10^6.
    fn score(&self, _state: &CycleState, pod: &Pod, cluster: &Cluster, n: NodeIdx) -> i64 {
        let t = &cluster.nodes();
        let mut dot = 0.0;
        for r in [CPU, MEMORY] {
            let alloc = t.allocatable()[n.ix()].get(r) as f64;
            if alloc <= 0.0 {
                continue;
            }
            let free = (alloc - t.requested()[n.ix()].get(r) as f64).max(0.0);
            dot += (pod.spec.requests.get(r) as f64 / alloc) * (free / alloc);
        }
        (dot * 1e6) as i64
    }

    fn normalize_score(&self, _state: &CycleState, _pod: &Pod, scores: &mut [i64]) {
        default_normalize_score(MAX_NODE_SCORE, false, scores);
    }
}
