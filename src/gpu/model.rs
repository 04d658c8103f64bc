//! GPU-sharing cluster model: nodes with whole GPU devices split into milli-GPUs, and pod requests.
//!
//! Semantics follow the FGD authors' simulator (hkust-adsl/kubernetes-scheduler-simulator,
//! `pkg/type/resource.go` and `pkg/utils/utils.go`): every GPU device offers 1000 milli-GPU; a pod
//! asks either for `num_gpu` whole devices (`gpu_milli == 1000`) or for a fraction `gpu_milli < 1000`
//! of exactly one device (GPU sharing), optionally restricted to a set of GPU models.

/// Milli-GPU offered by one GPU device.
pub const MILLI: u32 = 1000;
/// The most GPU devices a node may carry (the openb trace tops out at 8).
pub const MAX_GPUS_PER_NODE: usize = 8;
/// The most GPU models a cluster may have (a pod's allowed models are a 64-bit mask).
pub const MAX_GPU_MODELS: usize = 64;
/// Normalisation constant for milli-CPU used by BestFit and DotProd (authors' `MaxSpecCpu`).
pub const MAX_SPEC_CPU: f64 = 128_000.0;
/// Normalisation constant for milli-GPU used by BestFit and DotProd (authors' `MaxSpecGpu`).
pub const MAX_SPEC_GPU: f64 = 8_000.0;

/// Interned GPU model names; a model is referred to by its index, a pod's allowed models by a bit mask.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GpuModels {
    names: Vec<String>,
}

impl GpuModels {
    /// Builds the table from model names (sorted and deduplicated, so indices are deterministic).
    pub fn new<I: IntoIterator<Item = String>>(names: I) -> Self {
        let mut names: Vec<String> = names.into_iter().collect();
        names.sort();
        names.dedup();
        assert!(
            names.len() <= MAX_GPU_MODELS,
            "at most {MAX_GPU_MODELS} GPU models are supported"
        );
        Self { names }
    }

    /// Index of a model name, if known.
    pub fn index(&self, name: &str) -> Option<u8> {
        self.names
            .binary_search_by(|n| n.as_str().cmp(name))
            .ok()
            .map(|i| i as u8)
    }

    /// Name of the model at `index`.
    pub fn name(&self, index: u8) -> &str {
        &self.names[index as usize]
    }

    /// All model names, sorted.
    pub fn names(&self) -> &[String] {
        &self.names
    }
}

/// A node as read from the trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeSpec {
    /// Node name (`sn` column).
    pub name: String,
    /// Allocatable milli-CPU.
    pub cpu_milli: i64,
    /// Allocatable memory in MiB.
    pub memory_mib: i64,
    /// Number of GPU devices.
    pub gpus: u8,
    /// Index of the GPU model in [`GpuModels`]; `None` for a CPU-only node.
    pub model: Option<u8>,
}

/// A pod request as read from the trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodSpec {
    /// Pod name.
    pub name: String,
    /// Requested milli-CPU.
    pub cpu_milli: i64,
    /// Requested memory in MiB.
    pub memory_mib: i64,
    /// Number of GPU devices (0 for a CPU-only pod).
    pub num_gpu: u8,
    /// Milli-GPU per device (1000 for whole devices, less for a shared device, 0 for none).
    pub gpu_milli: u16,
    /// Allowed GPU models as written in the trace (`|`-separated, empty = any).
    pub gpu_spec: String,
    /// Allowed GPU models as a bit mask over [`GpuModels`] indices; 0 means any model.
    pub spec_mask: u64,
}

impl PodSpec {
    /// Total milli-GPU requested (`num_gpu * gpu_milli`).
    pub fn total_gpu_milli(&self) -> i64 {
        i64::from(self.num_gpu) * i64::from(self.gpu_milli)
    }

    /// Whether the pod shares one GPU device with others.
    pub fn is_share(&self) -> bool {
        self.num_gpu == 1 && u32::from(self.gpu_milli) < MILLI
    }

    /// The pod's resource shape (what the typical-pod distribution counts).
    pub fn shape(&self) -> PodShape {
        PodShape {
            cpu_milli: self.cpu_milli,
            gpu_milli: self.gpu_milli,
            num_gpu: self.num_gpu,
            gpu_spec: self.gpu_spec.clone(),
            spec_mask: self.spec_mask,
        }
    }

    /// GPU-affinity tag used by GpuClustering: `None` for CPU pods, `Some(0)` for a shared GPU,
    /// `Some(n)` for `n` whole GPUs (authors' `GetGpuAffinityFromPodAnnotation`).
    pub fn affinity_tag(&self) -> Option<usize> {
        if self.num_gpu == 0 {
            None
        } else if self.is_share() {
            Some(0)
        } else {
            Some(usize::from(self.num_gpu))
        }
    }
}

/// A pod's resource shape, without name: the key of the typical-pod distribution
/// (authors' `simontype.PodResource`, which likewise ignores memory).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PodShape {
    /// Requested milli-CPU.
    pub cpu_milli: i64,
    /// Milli-GPU per device.
    pub gpu_milli: u16,
    /// Number of GPU devices.
    pub num_gpu: u8,
    /// Allowed GPU models as written in the trace.
    pub gpu_spec: String,
    /// Allowed GPU models as a bit mask; 0 = any.
    pub spec_mask: u64,
}

/// Whether a node of model `model` may host a pod restricted to `spec_mask`
/// (authors' `IsNodeAccessibleToPodByType`).
pub fn accessible(model: Option<u8>, spec_mask: u64) -> bool {
    if spec_mask == 0 {
        return true;
    }
    match model {
        Some(m) => spec_mask & (1u64 << m) != 0,
        None => false,
    }
}

/// Mutable state of one node during a placement run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeState {
    /// GPU model index, `None` for CPU-only nodes.
    pub model: Option<u8>,
    /// Number of GPU devices.
    pub gpus: u8,
    /// Allocatable milli-CPU.
    pub cpu_cap: i64,
    /// Free milli-CPU.
    pub cpu_left: i64,
    /// Free memory in MiB.
    pub mem_left: i64,
    /// Free milli-GPU per device (only the first `gpus` entries are meaningful).
    pub gpu_left: [u16; MAX_GPUS_PER_NODE],
    /// Count of placed GPU pods per affinity tag (index 0 = shared, n = n whole GPUs).
    pub affinity: [u32; MAX_GPUS_PER_NODE + 1],
}

impl NodeState {
    /// A fresh, empty node.
    pub fn new(spec: &NodeSpec) -> Self {
        let mut gpu_left = [0u16; MAX_GPUS_PER_NODE];
        for g in gpu_left.iter_mut().take(usize::from(spec.gpus)) {
            *g = MILLI as u16;
        }
        Self {
            model: spec.model,
            gpus: spec.gpus,
            cpu_cap: spec.cpu_milli,
            cpu_left: spec.cpu_milli,
            mem_left: spec.memory_mib,
            gpu_left,
            affinity: [0; MAX_GPUS_PER_NODE + 1],
        }
    }

    /// The meaningful part of the free-GPU list.
    pub fn gpu_left(&self) -> &[u16] {
        &self.gpu_left[..usize::from(self.gpus)]
    }

    /// Total free milli-GPU.
    pub fn gpu_left_total(&self) -> i64 {
        self.gpu_left().iter().map(|&g| i64::from(g)).sum()
    }

    /// Number of completely free devices.
    pub fn fully_free(&self) -> usize {
        self.gpu_left()
            .iter()
            .filter(|&&g| u32::from(g) == MILLI)
            .count()
    }

    /// Whether the pod passes the filters: CPU, memory, GPU model and GPU capacity
    /// (k8s `NodeResourcesFit` plus the authors' `Open-Gpu-Share` filter).
    pub fn fits(&self, pod: &PodSpec) -> bool {
        if self.cpu_left < pod.cpu_milli || self.mem_left < pod.memory_mib {
            return false;
        }
        if pod.num_gpu == 0 {
            return true;
        }
        if self.model.is_none() || !accessible(self.model, pod.spec_mask) {
            return false;
        }
        let enough = self
            .gpu_left()
            .iter()
            .filter(|&&g| g >= pod.gpu_milli)
            .count();
        enough >= usize::from(pod.num_gpu)
    }

    /// Device ids for a whole-GPU pod: the lowest-indexed fully free devices
    /// (authors' `AllocateExclusiveGpuId`).
    pub fn exclusive_ids(&self, num_gpu: u8) -> Vec<usize> {
        self.gpu_left()
            .iter()
            .enumerate()
            .filter(|(_, &g)| u32::from(g) == MILLI)
            .map(|(i, _)| i)
            .take(usize::from(num_gpu))
            .collect()
    }

    /// Places `pod` on devices `ids` (empty for CPU pods). The caller has checked [`Self::fits`].
    pub fn place(&mut self, pod: &PodSpec, ids: &[usize]) {
        self.cpu_left -= pod.cpu_milli;
        self.mem_left -= pod.memory_mib;
        for &i in ids {
            debug_assert!(self.gpu_left[i] >= pod.gpu_milli);
            self.gpu_left[i] -= pod.gpu_milli;
        }
        if let Some(tag) = pod.affinity_tag() {
            self.affinity[tag.min(MAX_GPUS_PER_NODE)] += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(gpus: u8) -> NodeSpec {
        NodeSpec {
            name: "n".into(),
            cpu_milli: 8000,
            memory_mib: 1024,
            gpus,
            model: Some(1),
        }
    }

    fn pod(num_gpu: u8, gpu_milli: u16, mask: u64) -> PodSpec {
        PodSpec {
            name: "p".into(),
            cpu_milli: 1000,
            memory_mib: 10,
            num_gpu,
            gpu_milli,
            gpu_spec: String::new(),
            spec_mask: mask,
        }
    }

    #[test]
    fn models_are_sorted_and_interned() {
        let m = GpuModels::new(["T4".to_string(), "G2".into(), "T4".into()]);
        assert_eq!(m.names(), ["G2", "T4"]);
        assert_eq!(m.index("T4"), Some(1));
        assert_eq!(m.index("V100"), None);
        assert_eq!(m.name(0), "G2");
    }

    #[test]
    fn fit_and_place_share_and_whole() {
        let mut n = NodeState::new(&node(2));
        let share = pod(1, 600, 0);
        assert!(n.fits(&share));
        n.place(&share, &[1]);
        assert_eq!(n.gpu_left(), [1000, 400]);
        assert_eq!(n.exclusive_ids(1), vec![0]);
        assert!(!n.fits(&pod(2, 1000, 0)));
        assert!(n.fits(&pod(1, 1000, 0)));
        assert!(
            !n.fits(&pod(1, 500, 1 << 0)),
            "model mask excludes G-index 1"
        );
        assert!(n.fits(&pod(1, 400, 1 << 1)));
        assert_eq!(n.affinity[0], 1);
        assert_eq!(n.gpu_left_total(), 1400);
        assert_eq!(n.fully_free(), 1);
    }
}
