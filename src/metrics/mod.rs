//! The metrics recorder: periodic samples of the cluster, exact time-weighted averages of
//! piecewise-constant quantities, and the Kubernetes-style event log.

pub mod summary;

use crate::engine::SimTime;

/// One sample of cluster-wide state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// When.
    pub time: SimTime,
    /// Pods in phase Pending (not being deleted).
    pub pods_pending: u64,
    /// Pods in phase Running (not being deleted).
    pub pods_running: u64,
    /// Requested / allocatable cpu over present nodes.
    pub cpu_allocated_ratio: f64,
    /// Requested / allocatable memory.
    pub memory_allocated_ratio: f64,
    /// Requested / allocatable GPU (0 without GPUs).
    pub gpu_allocated_ratio: f64,
    /// Nodes with at least one pod.
    pub nodes_used: u64,
    /// Nodes that are Ready.
    pub nodes_ready: u64,
}

/// Per-node allocation at a sample time.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeSample {
    /// When.
    pub time: SimTime,
    /// Node index.
    pub node: u32,
    /// cpu requested / allocatable.
    pub cpu_allocated_ratio: f64,
    /// memory requested / allocatable.
    pub memory_allocated_ratio: f64,
}

/// A Kubernetes-style event (`kubectl get events`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRecord {
    /// When.
    pub time: SimTime,
    /// Normal or Warning.
    pub kind: &'static str,
    /// Reason (Scheduled, FailedScheduling, ...).
    pub reason: String,
    /// Involved object's kind.
    pub object_kind: &'static str,
    /// Involved object's name.
    pub object: String,
    /// Message.
    pub message: String,
}

/// Time integrals of piecewise-constant quantities, for time-weighted averages.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Integrals {
    /// Last time the integrals were advanced.
    pub last: SimTime,
    /// ∫ cpu ratio dt (ms).
    pub cpu: f64,
    /// ∫ memory ratio dt.
    pub memory: f64,
    /// ∫ gpu ratio dt.
    pub gpu: f64,
    /// ∫ nodes used dt.
    pub nodes_used: f64,
    /// ∫ pending pods dt.
    pub pending: f64,
}

/// Everything recorded during a run.
#[derive(Debug, Default)]
pub struct Recorder {
    /// Cluster samples.
    pub samples: Vec<Sample>,
    /// Per-node samples (only when nodes × samples stays small).
    pub node_samples: Vec<NodeSample>,
    /// Whether per-node samples are taken.
    pub sample_nodes: bool,
    /// Event log.
    pub events: Vec<EventRecord>,
    /// Time integrals.
    pub integrals: Integrals,
}

impl Recorder {
    /// Advances the integrals to `now` with the values that held since the last call.
    #[inline]
    pub fn advance(
        &mut self,
        now: SimTime,
        cpu: f64,
        memory: f64,
        gpu: f64,
        nodes_used: f64,
        pending: f64,
    ) {
        let dt = now.millis_since(self.integrals.last) as f64;
        if dt > 0.0 {
            let i = &mut self.integrals;
            i.cpu += cpu * dt;
            i.memory += memory * dt;
            i.gpu += gpu * dt;
            i.nodes_used += nodes_used * dt;
            i.pending += pending * dt;
            i.last = now;
        }
    }
}

/// `a / b`, or 0 when `b` is 0.
pub fn ratio(a: i64, b: i64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}
