//! One pod as a run reports it (a row of pods.csv): plain data, detached from the live
//! cluster, so that writers and the memory-bounded store of finished pods share one type.

use crate::cluster::PodPhase;
use crate::engine::SimTime;

/// A pod's identity, placement, lifecycle times, requests and usage peaks at the moment it
/// was recorded (when it finished, or at the end of the run).
#[derive(Debug, Clone, PartialEq)]
pub struct PodRecord {
    /// metadata.name.
    pub name: String,
    /// metadata.namespace.
    pub namespace: String,
    /// Kind of the owning controller (`Deployment`, `Job`, ...), empty for a bare pod.
    pub owner_kind: String,
    /// Name of the owning controller, empty for a bare pod.
    pub owner: String,
    /// Name of the node it was bound to.
    pub node: Option<String>,
    /// Created.
    pub created: SimTime,
    /// Bound to a node.
    pub scheduled: Option<SimTime>,
    /// Containers started.
    pub started: Option<SimTime>,
    /// Became Ready.
    pub ready: Option<SimTime>,
    /// Completed or deleted.
    pub finished: Option<SimTime>,
    /// Phase when recorded.
    pub phase: PodPhase,
    /// Scheduling attempts.
    pub attempts: u32,
    /// Container restarts.
    pub restarts: u32,
    /// CPU request, millicores.
    pub cpu_request_millis: i64,
    /// Memory request, bytes.
    pub memory_request_bytes: i64,
    /// GPU request, milli-GPUs (0 without a GPU resource).
    pub gpu_request_millis: i64,
    /// Usage peaks and throttling, for runs with a usage model.
    pub usage: Option<PodUsagePeaks>,
    /// Reason of the last container termination (`Error`, `OOMKilled`).
    pub last_termination_reason: Option<String>,
}

impl PodRecord {
    /// Scheduling latency in seconds (bound minus created), if the pod was bound. Computed
    /// from the two times in seconds, as a reader of pods.csv computes it, so reports from
    /// memory and from a folder agree to the last bit.
    pub fn sched_latency_s(&self) -> Option<f64> {
        self.scheduled
            .map(|s| s.as_secs_f64() - self.created.as_secs_f64())
    }
}

/// What a run with a usage model reports of one pod's usage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PodUsagePeaks {
    /// Highest CPU used, millicores.
    pub cpu_peak_millis: i64,
    /// Highest working set, bytes.
    pub memory_peak_bytes: i64,
    /// CPU demand over the limit, millicore-ms over the pod's life.
    pub throttled_millicore_ms: u64,
}

impl PodUsagePeaks {
    /// CPU demand over the limit in CPU-seconds.
    pub fn throttled_s(&self) -> f64 {
        self.throttled_millicore_ms as f64 / 1e6
    }
}

pub use super::pod_records::PodRecords;
