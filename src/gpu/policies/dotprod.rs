//! DotProd score (Tetris): prefer the node whose free resources align least with the request.
//!
//! Mirrors `calculateDotProductScore` in the authors' `pkg/simulator/plugin/dot_product_score.go` with
//! the run scripts' settings `dimExtMethod = merge`, `normMethod = max`: vectors (milli-CPU / 128000,
//! total milli-GPU / 8000) for the node's free and the pod's requested resources;
//! score = trunc(100 * (1 - dot / 2)).

use crate::gpu::model::{NodeState, PodSpec, MAX_SPEC_CPU, MAX_SPEC_GPU};

/// Score of `node` for `pod`.
pub(super) fn score(node: &NodeState, pod: &PodSpec) -> i64 {
    if node.cpu_left < pod.cpu_milli {
        return 0;
    }
    let dot = (node.cpu_left as f64 / MAX_SPEC_CPU) * (pod.cpu_milli as f64 / MAX_SPEC_CPU)
        + (node.gpu_left_total() as f64 / MAX_SPEC_GPU)
            * (pod.total_gpu_milli() as f64 / MAX_SPEC_GPU);
    (100.0 * (1.0 - dot / 2.0)) as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gpu::policies::test_util::{node, pod};

    #[test]
    fn emptier_node_scores_lower() {
        let p = pod(32_000, 4, 1000);
        let full = score(&node(96_000, &[1000; 8]), &p);
        let half = score(&node(48_000, &[1000; 4]), &p);
        assert!(half > full);
        // dot = 0.75 * 0.25 + 1.0 * 0.5 = 0.6875; 100 * (1 - 0.34375) = 65.6
        assert_eq!(full, 65);
    }
}
