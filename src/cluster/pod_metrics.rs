//! A pod's resource usage as the resource metrics API (metrics-server) serves it: the
//! `PodMetrics` object of `metrics.k8s.io`, summed over the pod's containers.

use crate::engine::SimTime;

/// One metrics-server sample of a pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PodMetrics {
    /// CPU usage in millicores, averaged over `window_ms` before `timestamp`.
    pub cpu_millis: i64,
    /// Working-set memory in bytes at `timestamp`.
    pub memory_bytes: i64,
    /// When the kubelet took the sample (metrics-server's `timestamp`).
    pub timestamp: SimTime,
    /// The window the CPU rate was computed over (metrics-server's `window`).
    pub window_ms: u64,
}
