//! Serde structs mirroring a KubeSchedulerConfiguration file; unknown fields are errors, as
//! kube-scheduler's strict decoding makes them.

use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_saphyr::Spanned;

// The IgnoredAny fields exist so that real configuration files load unchanged; they
// are never read.
#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Config {
    pub api_version: Spanned<String>,
    pub kind: Spanned<String>,
    pub percentage_of_nodes_to_score: Option<Spanned<i64>>,
    #[serde(default)]
    pub profiles: Vec<Spanned<Profile>>,
    /// Not simulated and never ignored silently: an error if set to anything but
    /// kube-scheduler's defaults (the scheduling queue uses 1 s and 10 s).
    pub pod_initial_backoff_seconds: Option<Spanned<i64>>,
    /// See `pod_initial_backoff_seconds`.
    pub pod_max_backoff_seconds: Option<Spanned<i64>>,
    /// Not simulated (k8sim cannot call an HTTP extender): an error when present.
    pub extenders: Option<Spanned<IgnoredAny>>,
    // Accepted for compatibility; they do not affect a simulation.
    pub parallelism: Option<IgnoredAny>,
    pub leader_election: Option<IgnoredAny>,
    pub client_connection: Option<IgnoredAny>,
    pub health_z_bind_address: Option<IgnoredAny>,
    pub metrics_bind_address: Option<IgnoredAny>,
    pub enable_profiling: Option<IgnoredAny>,
    pub enable_contention_profiling: Option<IgnoredAny>,
    pub delay_cache_until_active: Option<IgnoredAny>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Profile {
    pub scheduler_name: Option<String>,
    pub percentage_of_nodes_to_score: Option<Spanned<i64>>,
    #[serde(default)]
    pub plugins: Plugins,
    #[serde(default)]
    pub plugin_config: Vec<PluginConfig>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Plugins {
    pub multi_point: Option<Set>,
    pub pre_enqueue: Option<Set>,
    pub queue_sort: Option<Set>,
    pub pre_filter: Option<Set>,
    pub filter: Option<Set>,
    pub post_filter: Option<Set>,
    pub pre_score: Option<Set>,
    pub score: Option<Set>,
    pub reserve: Option<Set>,
    pub permit: Option<Set>,
    pub pre_bind: Option<Set>,
    pub bind: Option<Set>,
    pub post_bind: Option<Set>,
}

#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct Set {
    #[serde(default)]
    pub enabled: Vec<Plugin>,
    #[serde(default)]
    pub disabled: Vec<Plugin>,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Plugin {
    pub name: Spanned<String>,
    pub weight: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PluginConfig {
    pub name: Spanned<String>,
    pub args: Option<Spanned<Args>>,
}

/// The union of the args fields of the plugins k8sim configures; each plugin accepts
/// only its own.
#[allow(dead_code)]
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Args {
    pub api_version: Option<IgnoredAny>,
    pub kind: Option<IgnoredAny>,
    pub scoring_strategy: Option<Spanned<ScoringStrategy>>,
    pub ignored_resources: Option<IgnoredAny>,
    pub ignored_resource_groups: Option<IgnoredAny>,
    pub resources: Option<Vec<Resource>>,
    pub defaulting_type: Option<Spanned<String>>,
    pub default_constraints: Option<Vec<Constraint>>,
    pub hard_pod_affinity_weight: Option<Spanned<i64>>,
    pub ignore_preferred_terms_of_existing_pods: Option<bool>,
    pub min_candidate_nodes_percentage: Option<Spanned<i64>>,
    pub min_candidate_nodes_absolute: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ScoringStrategy {
    #[serde(rename = "type")]
    pub kind: Option<Spanned<String>>,
    pub resources: Option<Vec<Resource>>,
    pub requested_to_capacity_ratio: Option<Rtcr>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rtcr {
    pub shape: Vec<Spanned<ShapePoint>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShapePoint {
    pub utilization: i64,
    pub score: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    pub name: Spanned<String>,
    pub weight: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Constraint {
    pub max_skew: Spanned<i64>,
    pub topology_key: String,
    pub when_unsatisfiable: Spanned<String>,
}
