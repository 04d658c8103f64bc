//! A scenario as the simulation consumes it: plain, validated data (nodes, objects,
//! runtime model, timeline, metrics settings, limits) that `input` reads and checks and
//! `sim` instantiates. No IO and no serde here.

pub mod action;
pub mod autoscaler;
pub mod object;

use crate::engine::{Budget, Limits, SimTime};
use crate::model::events_file::EventsFile;
use crate::model::node::NodeSpec;
use crate::model::resources::ResourceNames;
use crate::model::runtime::RuntimeModel;
use action::Action;
use object::Located;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A timeline action at a time, with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEntry {
    /// When it runs.
    pub at: SimTime,
    /// What it does.
    pub action: Action,
    /// Index in the timeline list.
    pub index: usize,
    /// Line in the scenario file.
    pub line: u64,
}

/// A validated scenario.
#[derive(Debug)]
pub struct Scenario {
    /// Scenario name (folder name of the results).
    pub name: String,
    /// Default seed.
    pub seed: u64,
    /// Wall-clock instant of simulated time zero, seconds since the Unix epoch (UTC).
    pub start_epoch_s: i64,
    /// Nodes.
    pub nodes: Vec<NodeSpec>,
    /// Scheduler: a built-in profile name or a path to a KubeSchedulerConfiguration.
    pub scheduler: String,
    /// Workload and storage objects, in file order.
    pub objects: Vec<Located>,
    /// Known kinds seen but not simulated.
    pub not_simulated: BTreeMap<String, usize>,
    /// Warnings to print.
    pub warnings: Vec<String>,
    /// Runtime model.
    pub runtime: RuntimeModel,
    /// Timeline, sorted by time (stable).
    pub timeline: Vec<TimelineEntry>,
    /// Metrics sampling period, ms.
    pub sample_every_ms: u64,
    /// Initial period left out of the availability figures (`metrics.warmup`), ms.
    pub warmup_ms: u64,
    /// Whether events.csv is written (`metrics.events`).
    pub events_file: EventsFile,
    /// Engine limits (end time = duration).
    pub limits: Limits,
    /// Memory and wall-clock ceilings (`limits.max_memory`, `limits.max_wall`).
    pub budget: Budget,
    /// Resource names interned while reading.
    pub resources: ResourceNames,
    /// Where it was read from.
    pub source: PathBuf,
    /// Price of one node-hour by node group name (node groups with `price_per_hour`).
    pub price_per_hour: BTreeMap<String, f64>,
    /// Image sizes in bytes by image name (`cluster.image_sizes`), as nodes report them in
    /// `status.images[].sizeBytes`; ImageLocality assumes 500 MiB for others.
    pub image_sizes: BTreeMap<String, i64>,
    /// The Cluster Autoscaler, when a node group has `autoscaling`.
    pub autoscaler: Option<autoscaler::AutoscalerSpec>,
    /// Resource usage by workload (or bare pod) name (`usage:` and the usage
    /// annotations); empty when no usage is modelled.
    pub usage: BTreeMap<String, crate::model::usage::UsageSpec>,
    /// Check every invariant after every event (`k8sim run --check`, the randomised
    /// scenario tests); not a scenario-file field.
    pub check_invariants: bool,
}
