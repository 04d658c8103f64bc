//! The scenario file as written: serde structs mirroring its YAML keys.

use crate::input::manifest::{self, raw::Scalar};
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: Option<Spanned<String>>,
    pub seed: Option<u64>,
    pub start: Option<Spanned<String>>,
    pub duration: Option<Spanned<String>>,
    #[serde(default)]
    pub cluster: Cluster,
    pub scheduler: Option<Spanned<String>>,
    #[serde(default)]
    pub workloads: Vec<Spanned<String>>,
    #[serde(default)]
    pub runtime: Runtime,
    #[serde(default)]
    pub timeline: Vec<TimelineEntry>,
    #[serde(default)]
    pub metrics: Metrics,
    #[serde(default)]
    pub limits: LimitsRaw,
    pub autoscaler: Option<Spanned<Autoscaler>>,
    #[serde(default)]
    pub usage: BTreeMap<String, Spanned<super::usage::RawUsage>>,
}

/// The `autoscaler:` section: cluster-autoscaler flags, snake_case.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Autoscaler {
    pub scan_interval: Option<Spanned<String>>,
    pub expander: Option<Spanned<String>>,
    pub max_nodes_total: Option<Spanned<i64>>,
    pub max_node_provision_time: Option<Spanned<String>>,
    pub initial_node_group_backoff_duration: Option<Spanned<String>>,
    pub max_node_group_backoff_duration: Option<Spanned<String>>,
    pub scale_down_enabled: Option<bool>,
    pub scale_down_utilization_threshold: Option<Spanned<f64>>,
    pub scale_down_unneeded_time: Option<Spanned<String>>,
    pub scale_down_delay_after_add: Option<Spanned<String>>,
    pub scale_down_delay_after_delete: Option<Spanned<String>>,
    pub scale_down_delay_after_failure: Option<Spanned<String>>,
    pub new_pod_scale_up_delay: Option<Spanned<String>>,
    pub max_empty_bulk_delete: Option<Spanned<i64>>,
    pub max_graceful_termination_sec: Option<Spanned<i64>>,
    pub skip_nodes_with_local_storage: Option<bool>,
    pub skip_nodes_with_system_pods: Option<bool>,
    /// The priority expander's tiers: priority -> group name regexes.
    #[serde(default)]
    pub priorities: BTreeMap<i64, Spanned<Vec<String>>>,
}

/// A node group's `autoscaling: {min, max}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Autoscaling {
    pub min: Spanned<i64>,
    pub max: Spanned<i64>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Cluster {
    #[serde(default)]
    pub nodes: Vec<NodeGroup>,
    #[serde(default)]
    pub manifests: Vec<Spanned<String>>,
    #[serde(default)]
    pub image_sizes: BTreeMap<String, Spanned<manifest::raw::Scalar>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeGroup {
    pub name: Spanned<String>,
    pub count: Option<Spanned<i64>>,
    #[serde(default)]
    pub allocatable: BTreeMap<String, Spanned<Scalar>>,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub taints: Vec<manifest::raw::Taint>,
    #[serde(default)]
    pub unschedulable: bool,
    #[serde(default)]
    pub images: Vec<String>,
    pub cost_per_hour: Option<Spanned<f64>>,
    /// The older spelling of `cost_per_hour`.
    pub price_per_hour: Option<Spanned<f64>>,
    pub autoscaling: Option<Spanned<Autoscaling>>,
    pub provisioning: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Runtime {
    pub image_pull: Option<Spanned<String>>,
    pub image_check: Option<Spanned<String>>,
    pub serialize_image_pulls: Option<bool>,
    pub max_parallel_image_pulls: Option<Spanned<i64>>,
    pub container_start: Option<Spanned<String>>,
    pub scheduling: Option<Spanned<String>>,
    pub binding: Option<Spanned<String>>,
    pub default_run_duration: Option<Spanned<String>>,
    #[serde(default)]
    pub run_duration: BTreeMap<String, Spanned<String>>,
    pub default_termination: Option<Spanned<String>>,
    #[serde(default)]
    pub termination: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    pub crashes: BTreeMap<String, Spanned<Crash>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Crash {
    pub probability: Option<f64>,
    pub after: Option<String>,
    pub mttf: Option<String>,
    pub exit_code: Option<i32>,
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct NodeAction {
    pub fail: Option<String>,
    pub recover: Option<String>,
    pub add: Option<String>,
    pub count: Option<u32>,
    pub remove: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ZoneAction {
    pub fail: Option<String>,
    pub recover: Option<String>,
    pub label: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RandomFaults {
    pub group: String,
    pub mtbf: String,
    pub mttr: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimelineEntry {
    pub at: Option<Spanned<String>>,
    pub every: Option<Spanned<String>>,
    pub until: Option<Spanned<String>>,
    pub kubectl: Option<Spanned<String>>,
    pub node: Option<Spanned<NodeAction>>,
    pub zone: Option<Spanned<ZoneAction>>,
    pub faults: Option<Spanned<RandomFaults>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Metrics {
    pub sample_every: Option<Spanned<String>>,
    pub warmup: Option<Spanned<String>>,
    pub events: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct LimitsRaw {
    pub max_events: Option<u64>,
    pub max_memory: Option<Spanned<String>>,
    pub max_wall: Option<Spanned<String>>,
}
