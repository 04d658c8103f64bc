//! Typed rows of a run folder's CSV files: cluster and node samples, events, summary (pods
//! read into [`crate::metrics::pod_record::PodRecord`]).

/// One sample of `timeseries.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterSample {
    /// Sample time in seconds.
    pub time_s: f64,
    /// Pods in phase Pending: waiting for a node or bound and starting.
    pub pods_pending: u64,
    /// Pods running.
    pub pods_running: u64,
    /// Fraction of allocatable CPU requested by bound pods (0..1).
    pub cpu_allocated_ratio: f64,
    /// Fraction of allocatable memory requested by bound pods (0..1).
    pub memory_allocated_ratio: f64,
    /// Fraction of allocatable GPU requested by bound pods (0 without GPUs).
    pub gpu_allocated_ratio: f64,
    /// Nodes with at least one pod.
    pub nodes_used: u64,
    /// Ready nodes.
    pub nodes_ready: u64,
    /// Pods in the scheduler's queue (waiting for a node); `None` in folders written
    /// before the column existed.
    pub sched_queue_len: Option<u64>,
}

/// One sample of `nodes_timeseries.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeSample {
    /// Sample time in seconds.
    pub time_s: f64,
    /// Node name.
    pub node: String,
    /// Fraction of the node's allocatable CPU requested (0..1).
    pub cpu_allocated_ratio: f64,
    /// Fraction of the node's allocatable memory requested (0..1).
    pub memory_allocated_ratio: f64,
}

/// One row of `events.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRecord {
    /// Event time in seconds.
    pub time_s: f64,
    /// Event type (`Normal`, `Warning`).
    pub kind: String,
    /// Short reason (e.g. `FailedScheduling`).
    pub reason: String,
    /// Kind of the object concerned.
    pub object_kind: String,
    /// Name of the object concerned.
    pub object: String,
    /// Free-text message.
    pub message: String,
}

/// The one-row `summary.csv`, kept as ordered (column, value) pairs.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Every column in file order with its value (numbers checked to parse).
    pub fields: Vec<(String, String)>,
}

impl Summary {
    /// Columns of `summary.csv` that hold text rather than numbers.
    pub const TEXT_COLUMNS: [&'static str; 2] = ["scenario", "scheduler"];

    /// Returns the value of a column, if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}
