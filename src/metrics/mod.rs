//! The metrics recorder: periodic samples of the cluster, exact time-weighted averages of
//! piecewise-constant quantities, and the Kubernetes-style event log.

pub mod direction;
pub mod fragmentation;
pub mod summary;
pub mod waits;

use crate::cluster::NodeTable;
use crate::engine::SimTime;
use crate::model::events_file::EventsFile;
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
    /// Involved object's kind.
    pub object_kind: &'static str,
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
    /// ∫ present nodes dt (node-milliseconds).
    pub nodes_present: f64,
    /// ∫ Σ price per hour of present nodes dt (price-milliseconds per hour).
    pub price: f64,
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
    /// Event log.
    pub events: Vec<EventRecord>,
    /// Whether the event log goes to events.csv.
    pub events_file: EventsFile,
    /// Time integrals.
    pub integrals: Integrals,
    /// Price per node-hour by node group (scenario `price_per_hour`); groups absent cost 0.
    pub price_per_hour: BTreeMap<String, f64>,
    /// Present nodes and their summed price per hour, counted over the node table.
    fleet: Fleet,
}

/// The present nodes, cached because counting them costs a pass over the node table.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Fleet {
    /// Length of the node table when counted.
    table_len: usize,
    /// Present nodes.
    present: u64,
    /// Σ price per hour over present nodes.
    price_per_hour: f64,
}

impl Recorder {
    /// An empty recorder; `sample_nodes` turns per-node samples on, `price_per_hour` prices
    /// node groups for the cost figure.
    pub fn new(sample_nodes: bool, price_per_hour: BTreeMap<String, f64>) -> Recorder {
        Recorder {
            sample_nodes,
            price_per_hour,
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
        let dt = now.millis_since(i.last) as f64;
        if dt > 0.0 {
            i.cpu += levels.cpu * dt;
            i.memory += levels.memory * dt;
            i.gpu += levels.gpu * dt;
            i.nodes_used += levels.nodes_used as f64 * dt;
            i.pending += levels.pending as f64 * dt;
            i.queue += levels.queue as f64 * dt;
            i.nodes_present += self.fleet.present as f64 * dt;
            i.price += self.fleet.price_per_hour * dt;
            i.last = now;
        }
    }

    /// Recounts the present nodes when the node table grew (and always when `force`):
    /// nodes join by being added to the table; `force` is used at every sample so that a
    /// node leaving the cluster is seen within one sampling period.
    pub fn count_fleet(&mut self, nodes: &NodeTable, force: bool) {
        if !force && nodes.len() == self.fleet.table_len {
            return;
        }
        let mut fleet = Fleet {
            table_len: nodes.len(),
            ..Fleet::default()
        };
        for n in nodes.indices() {
            if nodes.present[n.ix()] {
                fleet.present += 1;
                fleet.price_per_hour += nodes.group[n.ix()]
                    .as_ref()
                    .and_then(|g| self.price_per_hour.get(g))
                    .copied()
                    .unwrap_or(0.0);
            }
        }
        self.fleet = fleet;
    }

    /// Present nodes as last counted.
    pub fn nodes_present(&self) -> u64 {
        self.fleet.present
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
