//! FirstFit (k8sim policy): the feasible node with the lowest index wins.

use super::names;
use super::normalize::winner_takes_all;
use crate::cluster::{Cluster, NodeIdx, Pod};
use crate::scheduler::framework::{CycleState, Plugin, ScorePlugin, MAX_NODE_SCORE};

/// The FirstFit plugin.
#[derive(Debug, Default)]
pub struct FirstFit;

impl Plugin for FirstFit {
    fn name(&self) -> &'static str {
        names::FIRST_FIT
    }
    fn as_score(&self) -> Option<&dyn ScorePlugin> {
        Some(self)
    }
}

impl ScorePlugin for FirstFit {
    /// The node index; NormalizeScore turns the lowest into 100 and the rest into 0.
    fn score(&self, _state: &CycleState, _pod: &Pod, _cluster: &Cluster, n: NodeIdx) -> i64 {
        n.0 as i64
    }

    fn normalize_score(&self, _state: &CycleState, _pod: &Pod, scores: &mut [i64]) {
        winner_takes_all(MAX_NODE_SCORE, true, scores);
    }
}
