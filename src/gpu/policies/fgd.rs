//! FGD score: how much a placement reduces the node's expected GPU fragmentation.
//!
//! Mirrors `calculateGpuShareFragExtendScore` in the authors' `pkg/simulator/plugin/fgd_score.go`:
//! score = trunc(100 * sigmoid((frag_before - frag_after) / 1000)); for a shared pod every device that
//! fits is tried and the best one kept (lowest index on ties); whole-GPU pods take the lowest-indexed
//! free devices (`NodeResource.Sub` packs onto fully free devices in index order).

use crate::gpu::frag::FragModel;
use crate::gpu::model::{NodeState, PodSpec, MAX_GPUS_PER_NODE};

fn to_score(before: f64, after: f64) -> i64 {
    let x = (before - after) / 1000.0;
    (100.0 / (1.0 + (-x).exp())) as i64
}

/// Score and chosen devices for `pod` on `node`, whose current frag is `before`.
pub(super) fn score(
    node: &NodeState,
    pod: &PodSpec,
    frag: &FragModel,
    before: f64,
) -> (i64, Vec<usize>) {
    let cpu_after = node.cpu_left - pod.cpu_milli;
    let mut left = node.gpu_left;
    let n = usize::from(node.gpus);
    if pod.is_share() {
        let mut best: Option<(i64, usize)> = None;
        let mut tried = [u16::MAX; MAX_GPUS_PER_NODE];
        for i in 0..n {
            let free = node.gpu_left[i];
            // Devices with equal free milli-GPU give equal scores; the first one wins ties anyway.
            if free < pod.gpu_milli || tried[..i].contains(&free) {
                continue;
            }
            tried[i] = free;
            left[i] = free - pod.gpu_milli;
            let s = to_score(before, frag.node_frag(node.model, cpu_after, &left[..n]));
            left[i] = free;
            if best.is_none_or(|(b, _)| s > b) {
                best = Some((s, i));
            }
        }
        best.map_or((0, Vec::new()), |(s, i)| (s, vec![i]))
    } else {
        let ids = node.exclusive_ids(pod.num_gpu);
        for &i in &ids {
            left[i] -= pod.gpu_milli;
        }
        let s = to_score(before, frag.node_frag(node.model, cpu_after, &left[..n]));
        (s, ids)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gpu::frag::TypicalPod;
    use crate::gpu::policies::test_util::{node, pod};

    fn model() -> FragModel {
        FragModel::new(
            &[
                TypicalPod {
                    shape: pod(1000, 1, 500).shape(),
                    freq: 0.5,
                },
                TypicalPod {
                    shape: pod(1000, 1, 1000).shape(),
                    freq: 0.5,
                },
            ],
            1,
        )
    }

    #[test]
    fn shared_pod_goes_where_it_fragments_least() {
        let fm = model();
        let n = node(10_000, &[1000, 600]);
        let before = fm.node_frag(n.model, n.cpu_left, n.gpu_left());
        // On device 1 (600 free) the remaining 100 are a fragment for both typical pods; on the idle
        // device 0 the 400 left would be a fragment too and the whole-GPU typical pod loses its home.
        let (s, ids) = score(&n, &pod(1000, 1, 500), &fm, before);
        assert_eq!(ids, vec![1]);
        assert!(s >= 50, "frag decreases, score {s}");
        let (_, ids) = score(&n, &pod(1000, 1, 700), &fm, before);
        assert_eq!(ids, vec![0]);
    }

    #[test]
    fn sigmoid_truncation() {
        assert_eq!(to_score(0.0, 0.0), 50);
        assert_eq!(to_score(0.0, 1e9), 0);
        assert_eq!(to_score(1e9, 0.0), 100);
    }
}
