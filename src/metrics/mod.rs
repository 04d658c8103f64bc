//! The metrics recorder: periodic samples of the cluster, exact time-weighted averages of
//! piecewise-constant quantities, and the Kubernetes-style event log.

pub mod direction;
pub mod event_log;
pub mod fragmentation;
pub mod node_groups;
pub mod pod_record;
pub mod pod_records;
pub mod run_record;
pub mod run_tables;
pub mod summary;
pub mod waits;

use crate::cluster::Cluster;
use crate::engine::SimTime;
use event_log::EventLog;
use node_groups::NodeGroupLedger;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// One sample of cluster-wide state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// When.
    pub time: SimTime,
    /// Pods in phase Pending (not being deleted): waiting for a node *or* bound and still
    /// starting (pulling images, starting containers). Not the scheduling queue.
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
    /// Pods waiting in the scheduler's queue (activeQ + backoffQ + unschedulable pods):
    /// the pods still waiting for a node.
    pub sched_queue_len: u64,
    /// Fragmented cpu / allocatable cpu (see [`fragmentation`]).
    pub fragmentation_cpu_ratio: f64,
    /// Fragmented memory / allocatable memory.
    pub fragmentation_memory_ratio: f64,
    /// Nodes present in the cluster (whatever their readiness).
    pub nodes_present: u64,
    /// CPU used by pods / allocatable cpu over present nodes (0 without usage).
    pub cpu_used_ratio: f64,
    /// Memory used by pods / allocatable memory (0 without usage).
    pub memory_used_ratio: f64,
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
    /// GPU requested / allocatable (0 on nodes without GPUs).
    pub gpu_allocated_ratio: f64,
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
    /// Involved object's kind (a name the simulation spells, or one read from events.csv).
    pub object_kind: Cow<'static, str>,
    /// Involved object's name.
    pub object: String,
    /// Message.
    pub message: String,
}

/// The values of the piecewise-constant quantities between two events.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Levels {
    /// cpu requested / allocatable.
    pub cpu: f64,
    /// memory requested / allocatable.
    pub memory: f64,
    /// GPU requested / allocatable.
    pub gpu: f64,
    /// Nodes with at least one pod.
    pub nodes_used: u64,
    /// Pods in phase Pending.
    pub pending: u64,
    /// Pods in the scheduling queue.
    pub queue: u64,
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
    /// ∫ scheduling queue length dt.
    pub queue: f64,
    /// Largest number of Pending pods held for any time.
    pub pending_max: u64,
    /// Largest scheduling queue length held for any time.
    pub queue_max: u64,
    /// Largest number of nodes in use held for any time.
    pub nodes_used_max: u64,
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
    /// Event log (see [`event_log`]).
    pub events: EventLog,
    /// Time integrals.
    pub integrals: Integrals,
    /// Nodes present per node group, node-hours and cost (see [`node_groups`]).
    pub node_groups: NodeGroupLedger,
}

impl Recorder {
    /// An empty recorder; `sample_nodes` turns per-node samples on, `cost_per_hour` prices
    /// node groups for the cost figures.
    pub fn new(sample_nodes: bool, cost_per_hour: BTreeMap<String, f64>) -> Recorder {
        Recorder {
            sample_nodes,
            node_groups: NodeGroupLedger::new(cost_per_hour),
            ..Recorder::default()
        }
    }

    /// Advances the integrals to `now` with the `levels` that held since the last call.
    #[inline]
    pub fn advance(&mut self, now: SimTime, levels: Levels) {
        let i = &mut self.integrals;
        i.pending_max = i.pending_max.max(levels.pending);
        i.queue_max = i.queue_max.max(levels.queue);
        i.nodes_used_max = i.nodes_used_max.max(levels.nodes_used);
        let dt_ms = now.millis_since(i.last);
        if dt_ms > 0 {
            let dt = dt_ms as f64;
            i.cpu += levels.cpu * dt;
            i.memory += levels.memory * dt;
            i.gpu += levels.gpu * dt;
            i.nodes_used += levels.nodes_used as f64 * dt;
            i.pending += levels.pending as f64 * dt;
            i.queue += levels.queue as f64 * dt;
            self.node_groups.advance(dt_ms);
            i.last = now;
        }
    }

    /// Recounts the present nodes of each group when nodes joined or left the cluster
    /// (called before every event, so membership changes of any cause count exactly).
    pub fn count_nodes(&mut self, cluster: &Cluster) {
        self.node_groups.count(cluster);
    }

    /// Present nodes as last counted.
    pub fn nodes_present(&self) -> u64 {
        self.node_groups.present_total()
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
