//! RoundRobin (k8sim policy): the first feasible node after the one chosen last wins;
//! Reserve remembers the choice.

use super::names;
use super::normalize::winner_takes_all;
use crate::cluster::{Cluster, NodeIdx, Pod};
use crate::scheduler::framework::{
    CycleState, Plugin, ReservePlugin, ScorePlugin, Status, MAX_NODE_SCORE,
};
use std::sync::atomic::{AtomicU32, Ordering};

/// The RoundRobin plugin.
#[derive(Debug, Default)]
pub struct RoundRobin {
    /// One past the node reserved last.
    next: AtomicU32,
}

impl Plugin for RoundRobin {
    fn name(&self) -> &'static str {
        names::ROUND_ROBIN
    }
    fn as_score(&self) -> Option<&dyn ScorePlugin> {
        Some(self)
    }
    fn as_reserve(&self) -> Option<&dyn ReservePlugin> {
        Some(self)
    }
}

impl ScorePlugin for RoundRobin {
    /// Distance forward from the next node in turn; the nearest wins.
    fn score(&self, _state: &CycleState, _pod: &Pod, cluster: &Cluster, n: NodeIdx) -> i64 {
        let len = cluster.nodes().len().max(1) as i64;
        let start = self.next.load(Ordering::Relaxed) as i64;
        (n.0 as i64 - start).rem_euclid(len)
    }

    fn normalize_score(&self, _state: &CycleState, _pod: &Pod, scores: &mut [i64]) {
        winner_takes_all(MAX_NODE_SCORE, true, scores);
    }
}

impl ReservePlugin for RoundRobin {
    fn reserve(&self, _pod: &Pod, _cluster: &Cluster, n: NodeIdx) -> Status {
        self.next.store(n.0 + 1, Ordering::Relaxed);
        Status::success()
    }

    fn unreserve(&self, _pod: &Pod, _cluster: &Cluster, _n: NodeIdx) {}
}
