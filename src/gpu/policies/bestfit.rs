//! BestFit score: prefer the node with the least normalised CPU + GPU left after placement.
//!
//! Mirrors `getBestFitScore` in the authors' `pkg/simulator/plugin/best_fit_score.go`: weights 0.5/0.5
//! over milli-CPU / 128000 and milli-GPU / 8000; the plugin's min-max normalisation keeps the order of
//! integer scores, so it is omitted.

use crate::gpu::model::{NodeState, PodSpec, MAX_SPEC_CPU, MAX_SPEC_GPU};

/// Score of `node` for `pod` (higher = tighter fit).
pub(super) fn score(node: &NodeState, pod: &PodSpec) -> i64 {
    let cpu = (node.cpu_left - pod.cpu_milli) as f64 / MAX_SPEC_CPU * 0.5;
    let gpu = (node.gpu_left_total() - pod.total_gpu_milli()) as f64 / MAX_SPEC_GPU * 0.5;
    ((1.0 - (cpu + gpu)) * 100.0) as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gpu::policies::test_util::{node, pod};

    #[test]
    fn tighter_node_scores_higher() {
        let p = pod(8000, 1, 500);
        let loose = score(&node(64_000, &[1000; 8]), &p);
        let tight = score(&node(16_000, &[1000, 500]), &p);
        assert!(tight > loose);
        assert_eq!(score(&node(8000, &[500]), &p), 100);
    }
}
