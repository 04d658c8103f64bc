//! GpuPacking score: shared devices first, then partly used nodes, then idle nodes.
//!
//! Mirrors `getPackingScore` in the authors' `pkg/simulator/plugin/gpu_packing_score.go`, integer
//! arithmetic included; CPU-only pods score 0 everywhere.

use crate::gpu::model::{NodeState, PodSpec, MILLI};

const MAX: i64 = 100;

/// Score of `node` for `pod`.
pub(super) fn score(node: &NodeState, pod: &PodSpec) -> i64 {
    if pod.num_gpu == 0 {
        return 0;
    }
    let fully_free = node.fully_free() as i64;
    if fully_free == i64::from(node.gpus) {
        return (MAX / 3 - fully_free).max(fully_free);
    }
    let mut order: Vec<usize> = (0..usize::from(node.gpus)).collect();
    order.sort_by_key(|&i| node.gpu_left[i]); // stable: ascending free, index order on ties
    let mut need = pod.num_gpu;
    let mut free_used = 0i64;
    let mut ratio_sum = 0i64;
    for i in order {
        if need == 0 {
            break;
        }
        let left = node.gpu_left[i];
        if pod.gpu_milli <= left {
            need -= 1;
            if u32::from(left) == MILLI {
                free_used += 1;
            }
            ratio_sum += i64::from(left) * 100 / i64::from(MILLI);
        }
    }
    if need != 0 {
        return 0;
    }
    if free_used > 0 {
        return (MAX / 2 - free_used).max(MAX / 3);
    }
    (MAX - ratio_sum / 10).max(MAX / 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gpu::policies::test_util::{node, pod};

    #[test]
    fn ordering_of_cases() {
        let p = pod(1000, 1, 300);
        let shared = score(&node(10_000, &[1000, 400]), &p);
        let used_node = score(&node(10_000, &[1000, 200]), &p);
        let idle = score(&node(10_000, &[1000, 1000]), &p);
        assert_eq!(shared, 96);
        assert_eq!(used_node, 49);
        assert_eq!(idle, 31);
        assert_eq!(score(&node(10_000, &[1000, 1000]), &pod(1, 0, 0)), 0);
    }
}
