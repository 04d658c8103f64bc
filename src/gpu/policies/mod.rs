//! Node-scoring policies of the FGD paper's evaluation and the device choice inside a node.
//!
//! Each policy mirrors a score plugin of hkust-adsl/kubernetes-scheduler-simulator
//! (`pkg/simulator/plugin/*_score.go`): integer scores in `0..=100`, highest wins, ties go to the
//! node first in a seeded random node order (see [`crate::gpu::sim::node_ranks`]). Which device a
//! shared pod gets follows the `gpuSelMethod` the authors' run scripts configure per policy
//! (`open_gpu_share.go`): `FGD` for FGD, `random` for Random, `best` for the others.

mod bestfit;
mod dotprod;
mod fgd;
mod gpuclustering;
mod gpupacking;
mod random;

use std::fmt;
use std::str::FromStr;

use rand::Rng;

use super::frag::FragModel;
use super::model::{NodeState, PodSpec};

/// A scheduling policy under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Policy {
    /// Fragmentation gradient descent (the paper's contribution).
    Fgd,
    /// Least leftover (normalised CPU + GPU) after placement.
    BestFit,
    /// Prefer already-shared devices, then partly used nodes, then idle nodes.
    GpuPacking,
    /// Prefer nodes hosting pods of the same GPU-request class.
    GpuClustering,
    /// Tetris-style dot product of free and requested resources.
    DotProd,
    /// Uniformly random feasible node.
    Random,
}

/// Error for an unknown policy name.
#[derive(Debug, thiserror::Error)]
#[error("unknown policy `{0}` (expected one of: fgd, bestfit, gpupacking, gpuclustering, dotprod, random)")]
pub struct UnknownPolicy(pub String);

impl Policy {
    /// All policies, in the paper's legend order.
    pub const ALL: [Policy; 6] = [
        Policy::Random,
        Policy::DotProd,
        Policy::GpuClustering,
        Policy::GpuPacking,
        Policy::BestFit,
        Policy::Fgd,
    ];

    /// Command-line name.
    pub fn name(self) -> &'static str {
        match self {
            Policy::Fgd => "fgd",
            Policy::BestFit => "bestfit",
            Policy::GpuPacking => "gpupacking",
            Policy::GpuClustering => "gpuclustering",
            Policy::DotProd => "dotprod",
            Policy::Random => "random",
        }
    }

    /// Display name used in the paper and in plots.
    pub fn label(self) -> &'static str {
        match self {
            Policy::Fgd => "FGD",
            Policy::BestFit => "BestFit",
            Policy::GpuPacking => "GpuPacking",
            Policy::GpuClustering => "GpuClustering",
            Policy::DotProd => "DotProd",
            Policy::Random => "Random",
        }
    }

    /// A stable per-policy number mixed into the tie-breaking RNG seed.
    pub fn stream(self) -> u64 {
        match self {
            Policy::Fgd => 1,
            Policy::BestFit => 2,
            Policy::GpuPacking => 3,
            Policy::GpuClustering => 4,
            Policy::DotProd => 5,
            Policy::Random => 6,
        }
    }

    /// Score of a feasible node for `pod`; `node_frag` is the node's current frag (FGD only).
    pub fn score(self, node: &NodeState, pod: &PodSpec, frag: &FragModel, node_frag: f64) -> i64 {
        match self {
            Policy::Fgd => fgd::score(node, pod, frag, node_frag).0,
            Policy::BestFit => bestfit::score(node, pod),
            Policy::GpuPacking => gpupacking::score(node, pod),
            Policy::GpuClustering => gpuclustering::score(node, pod),
            Policy::DotProd => dotprod::score(node, pod),
            Policy::Random => 0,
        }
    }

    /// Devices to give `pod` on the chosen `node` (empty for CPU-only pods).
    pub fn choose_gpus<R: Rng>(
        self,
        node: &NodeState,
        pod: &PodSpec,
        frag: &FragModel,
        node_frag: f64,
        rng: &mut R,
    ) -> Vec<usize> {
        if pod.num_gpu == 0 {
            return Vec::new();
        }
        if !pod.is_share() {
            return node.exclusive_ids(pod.num_gpu);
        }
        match self {
            Policy::Fgd => fgd::score(node, pod, frag, node_frag).1,
            Policy::Random => random::pick_shared_gpu(node, pod, rng),
            _ => best_fit_gpu(node, pod),
        }
    }
}

/// The device with the least free milli-GPU that still fits the shared pod, lowest index on ties
/// (authors' `allocateGpuIdBasedOnBestFit`).
fn best_fit_gpu(node: &NodeState, pod: &PodSpec) -> Vec<usize> {
    let mut best: Option<usize> = None;
    for (i, &left) in node.gpu_left().iter().enumerate() {
        if left >= pod.gpu_milli && best.is_none_or(|b| left < node.gpu_left[b]) {
            best = Some(i);
        }
    }
    best.into_iter().collect()
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Policy {
    type Err = UnknownPolicy;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        Policy::ALL
            .into_iter()
            .find(|p| p.name() == lower)
            .ok_or_else(|| UnknownPolicy(s.to_string()))
    }
}

#[cfg(test)]
pub(crate) mod test_util {
    use crate::gpu::model::{NodeSpec, NodeState, PodSpec};

    /// A node with `gpus` devices whose free milli-GPU are `left`.
    pub fn node(cpu_left: i64, left: &[u16]) -> NodeState {
        let mut n = NodeState::new(&NodeSpec {
            name: "n".into(),
            cpu_milli: 96_000,
            memory_mib: 1 << 20,
            gpus: left.len() as u8,
            model: Some(0),
        });
        n.cpu_left = cpu_left;
        n.gpu_left[..left.len()].copy_from_slice(left);
        n
    }

    /// A pod request.
    pub fn pod(cpu: i64, num_gpu: u8, gpu_milli: u16) -> PodSpec {
        PodSpec {
            name: "p".into(),
            cpu_milli: cpu,
            memory_mib: 0,
            num_gpu,
            gpu_milli,
            gpu_spec: String::new(),
            spec_mask: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_util::{node, pod};
    use super::*;

    #[test]
    fn parse_names() {
        for p in Policy::ALL {
            assert_eq!(p.name().parse::<Policy>().unwrap(), p);
        }
        assert_eq!("FGD".parse::<Policy>().unwrap(), Policy::Fgd);
        assert!("tetris".parse::<Policy>().is_err());
    }

    #[test]
    fn best_fit_device_is_tightest() {
        let n = node(10_000, &[1000, 300, 600, 300]);
        assert_eq!(best_fit_gpu(&n, &pod(0, 1, 250)), vec![1]);
        assert_eq!(best_fit_gpu(&n, &pod(0, 1, 500)), vec![2]);
        assert!(best_fit_gpu(&n, &pod(0, 1, 1000)) == vec![0]);
    }
}
