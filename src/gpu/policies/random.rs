//! Random policy: a uniformly random feasible node and a uniformly random fitting device.
//!
//! Mirrors the authors' `pkg/simulator/plugin/random_score.go` (one node drawn at PreScore among the
//! filtered nodes) and `allocateGpuIdBasedOnRandomFit` in `open_gpu_share.go` (reservoir sampling).

use rand::Rng;

use crate::gpu::model::{NodeState, PodSpec};

/// A uniformly random device with room for the shared pod.
pub(super) fn pick_shared_gpu<R: Rng>(node: &NodeState, pod: &PodSpec, rng: &mut R) -> Vec<usize> {
    let mut chosen = None;
    let mut seen = 0u32;
    for (i, &left) in node.gpu_left().iter().enumerate() {
        if left >= pod.gpu_milli {
            seen += 1;
            if rng.random_range(0..seen) == 0 {
                chosen = Some(i);
            }
        }
    }
    chosen.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gpu::policies::test_util::{node, pod};
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    #[test]
    fn picks_only_fitting_devices_and_all_of_them() {
        let n = node(10_000, &[100, 1000, 600, 1000]);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        let mut hits = [0; 4];
        for _ in 0..400 {
            hits[pick_shared_gpu(&n, &pod(0, 1, 500), &mut rng)[0]] += 1;
        }
        assert_eq!(hits[0], 0);
        assert!(hits[1] > 80 && hits[2] > 80 && hits[3] > 80, "{hits:?}");
    }
}
