//! GpuClustering score: co-locate pods of the same GPU-request class.
//!
//! Mirrors the authors' `pkg/simulator/plugin/gpu_clustering_score.go` (integer arithmetic): a node
//! hosting only the pod's class scores in (75, 100], one hosting it among others in (50, 75], an idle
//! node in (25, 50], other nodes in [0, 25], each band rising with the GPU already allocated.

use crate::gpu::model::{NodeState, PodSpec, MAX_SPEC_GPU};

/// Score of `node` for `pod`.
pub(super) fn score(node: &NodeState, pod: &PodSpec) -> i64 {
    let Some(tag) = pod.affinity_tag() else {
        return 0;
    };
    let max_gpu = MAX_SPEC_GPU as i64;
    let used = 100 / 4 * (max_gpu - node.gpu_left_total()) / max_gpu;
    let classes = node.affinity.iter().filter(|&&c| c > 0).count();
    let base = if node.affinity[tag] > 0 {
        if classes == 1 {
            75
        } else {
            50
        }
    } else if classes == 0 {
        25
    } else {
        0
    };
    used + base
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gpu::policies::test_util::{node, pod};

    #[test]
    fn bands() {
        let share = pod(1000, 1, 500);
        let mut n = node(10_000, &[1000; 8]);
        assert_eq!(score(&n, &share), 25);
        n.place(&share, &[0]);
        assert_eq!(score(&n, &share), 75 + 25 * 500 / 8000);
        assert_eq!(score(&n, &pod(1000, 1, 1000)), 25 * 500 / 8000);
        n.place(&pod(1000, 1, 1000), &[1]);
        assert_eq!(score(&n, &share), 50 + 25 * 1500 / 8000);
        assert_eq!(score(&n, &pod(1000, 0, 0)), 0);
    }
}
