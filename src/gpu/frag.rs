//! GPU fragmentation as defined by the FGD paper: the typical-pod distribution and per-node frag.
//!
//! Follows the authors' `pkg/utils/frag.go` (`GetTypicalPods`, `NodeGpuShareFragAmount`,
//! `GetNodePodFrag`, `FragAmountSumExceptQ3`) in hkust-adsl/kubernetes-scheduler-simulator.
//! For a node and a typical pod `t` with frequency `f`, the free milli-GPU `L` of the node counts as
//! fragment with weight `f`, except when the node can host `t` (enough devices with `>= t.gpu_milli`
//! free and enough CPU): then only the free milli-GPU on devices too small for `t` counts.
//! CPU-only typical pods and typical pods whose GPU model the node lacks see all of `L` as fragment.

use std::collections::BTreeMap;

use super::model::{accessible, PodShape, PodSpec};

/// One entry of the target workload: a pod shape and its relative frequency (they sum to 1).
#[derive(Debug, Clone, PartialEq)]
pub struct TypicalPod {
    /// The resource shape.
    pub shape: PodShape,
    /// Frequency in `[0, 1]`.
    pub freq: f64,
}

/// The most popular pod shapes that together cover at least `threshold_pct` percent of the pods,
/// renormalised to sum to 1 (authors' `GetTypicalPods` with `podIncreaseStep = 1`,
/// `isInvolvedCpuPods = true`, `gpuResWeight = 0`, the settings of their experiment scripts).
pub fn typical_pods(pods: &[PodSpec], threshold_pct: f64) -> Vec<TypicalPod> {
    let mut counts: BTreeMap<PodShape, u64> = BTreeMap::new();
    for p in pods {
        *counts.entry(p.shape()).or_default() += 1;
    }
    let total = pods.len() as f64;
    let mut list: Vec<(PodShape, u64)> = counts.into_iter().collect();
    // Decreasing count; ties broken by decreasing shape (the reverse of the authors' `Less`).
    list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| b.0.cmp(&a.0)));
    let expected = threshold_pct * total / 100.0;
    let mut cum = 0.0;
    let mut chosen = 0;
    while cum < expected && chosen < list.len() {
        cum += list[chosen].1 as f64;
        chosen += 1;
    }
    list.truncate(chosen);
    list.into_iter()
        .map(|(shape, count)| TypicalPod {
            shape,
            freq: count as f64 / cum,
        })
        .collect()
}

/// Typical GPU pods sharing one `gpu_milli` value, as seen by nodes of one GPU model.
#[derive(Debug, Clone)]
struct MilliGroup {
    gpu_milli: u16,
    /// `(num_gpu, cpu_milli, freq)` of each typical pod in the group.
    pods: Vec<(u8, i64, f64)>,
}

/// Precompiled fragmentation evaluator, one table per GPU model for speed.
#[derive(Debug, Clone)]
pub struct FragModel {
    /// Per model index: weight of typical pods that always see all free GPU as fragment
    /// (CPU-only shapes and shapes this model cannot serve).
    always: Vec<f64>,
    /// Per model index: the accessible GPU shapes grouped by `gpu_milli`.
    groups: Vec<Vec<MilliGroup>>,
}

impl FragModel {
    /// Compiles the typical pods for a cluster with `n_models` GPU models.
    pub fn new(typical: &[TypicalPod], n_models: usize) -> Self {
        let mut always = vec![0.0; n_models];
        let mut groups = vec![Vec::<MilliGroup>::new(); n_models];
        for (m, (always_m, groups_m)) in always.iter_mut().zip(groups.iter_mut()).enumerate() {
            for t in typical {
                let s = &t.shape;
                if s.gpu_milli == 0 || !accessible(Some(m as u8), s.spec_mask) {
                    *always_m += t.freq;
                    continue;
                }
                match groups_m.iter_mut().find(|g| g.gpu_milli == s.gpu_milli) {
                    Some(g) => g.pods.push((s.num_gpu, s.cpu_milli, t.freq)),
                    None => groups_m.push(MilliGroup {
                        gpu_milli: s.gpu_milli,
                        pods: vec![(s.num_gpu, s.cpu_milli, t.freq)],
                    }),
                }
            }
            groups_m.sort_by_key(|g| g.gpu_milli);
        }
        Self { always, groups }
    }

    /// Expected fragmented milli-GPU of a node in the given state (authors' `NodeGpuShareFragAmountScore`).
    pub fn node_frag(&self, model: Option<u8>, cpu_left: i64, gpu_left: &[u16]) -> f64 {
        let Some(m) = model else { return 0.0 };
        let m = usize::from(m);
        let total: i64 = gpu_left.iter().map(|&g| i64::from(g)).sum();
        if total == 0 {
            return 0.0;
        }
        let total = total as f64;
        let mut frag = self.always[m] * total;
        for g in &self.groups[m] {
            let mut fit = 0u8;
            let mut small = 0i64;
            for &left in gpu_left {
                if left >= g.gpu_milli {
                    fit += 1;
                } else {
                    small += i64::from(left);
                }
            }
            let small = small as f64;
            for &(n, cpu, f) in &g.pods {
                frag += f * if fit >= n && cpu_left >= cpu {
                    small
                } else {
                    total
                };
            }
        }
        frag
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(cpu: i64, num_gpu: u8, gpu_milli: u16, mask: u64) -> PodSpec {
        PodSpec {
            name: String::new(),
            cpu_milli: cpu,
            memory_mib: 0,
            num_gpu,
            gpu_milli,
            gpu_spec: String::new(),
            spec_mask: mask,
        }
    }

    #[test]
    fn typical_pods_cover_threshold_and_renormalise() {
        let mut pods = vec![pod(1000, 1, 500, 0); 6];
        pods.extend(vec![pod(2000, 1, 1000, 0); 3]);
        pods.push(pod(4000, 0, 0, 0));
        let t = typical_pods(&pods, 85.0);
        assert_eq!(t.len(), 2);
        assert!((t[0].freq - 6.0 / 9.0).abs() < 1e-12);
        assert!((t.iter().map(|t| t.freq).sum::<f64>() - 1.0).abs() < 1e-12);
        assert_eq!(typical_pods(&pods, 95.0).len(), 3);
    }

    #[test]
    fn node_frag_matches_paper_example() {
        // One typical pod needing 0.5 GPU and 1 CPU; a node with devices 300 and 1000 free:
        // the 300 device is fragment, the 1000 one is not.
        let fm = FragModel::new(
            &[TypicalPod {
                shape: pod(1000, 1, 500, 0).shape(),
                freq: 1.0,
            }],
            1,
        );
        assert_eq!(fm.node_frag(Some(0), 4000, &[300, 1000]), 300.0);
        // Not enough CPU: every free milli-GPU is fragment.
        assert_eq!(fm.node_frag(Some(0), 500, &[300, 1000]), 1300.0);
        assert_eq!(fm.node_frag(None, 500, &[]), 0.0);
        // Model restriction the node cannot satisfy.
        let fm = FragModel::new(
            &[TypicalPod {
                shape: pod(1000, 1, 500, 0b10).shape(),
                freq: 1.0,
            }],
            2,
        );
        assert_eq!(fm.node_frag(Some(0), 4000, &[300, 1000]), 1300.0);
        assert_eq!(fm.node_frag(Some(1), 4000, &[300, 1000]), 300.0);
    }
}
