//! WorstFit (k8sim policy): the feasible node left with the most free capacity wins.

use super::best_fit::leftover_ppm;
use super::names;
use super::normalize::winner_takes_all;
use crate::cluster::{Cluster, NodeIdx, Pod};
use crate::scheduler::framework::{CycleState, Plugin, ScorePlugin, MAX_NODE_SCORE};

/// The WorstFit plugin.
#[derive(Debug, Default)]
pub struct WorstFit;

impl Plugin for WorstFit {
    fn name(&self) -> &'static str {
        names::WORST_FIT
    }
    fn as_score(&self) -> Option<&dyn ScorePlugin> {
        Some(self)
    }
}

impl ScorePlugin for WorstFit {
    fn score(&self, _state: &CycleState, pod: &Pod, cluster: &Cluster, n: NodeIdx) -> i64 {
        leftover_ppm(pod, cluster, n)
    }

    fn normalize_score(&self, _state: &CycleState, _pod: &Pod, scores: &mut [i64]) {
        winner_takes_all(MAX_NODE_SCORE, false, scores);
    }
}
