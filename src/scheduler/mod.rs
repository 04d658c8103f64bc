//! The scheduler: a kube-scheduler-like framework (queue, filter, score, bind) with
//! profiles selected by `spec.schedulerName`.

pub mod framework;
pub mod plugins;
pub mod profile;
pub mod queue;

use crate::model::pod::DEFAULT_SCHEDULER_NAME;
use crate::model::resources::ResourceNames;
use plugins::node_resources_fit::{NodeResourcesFit, ScoringStrategy};
use profile::{Profile, WeightedScore};

/// Built-in profile names accepted in a scenario's `scheduler:`.
pub const BUILTIN_PROFILES: &[&str] = &["default", "least-allocated", "most-allocated"];

/// Why a scheduler configuration cannot be built.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    /// The name is neither a built-in profile nor a file.
    #[error("unknown scheduler {0:?}: expected one of {list} or a KubeSchedulerConfiguration file", list = BUILTIN_PROFILES.join(", "))]
    UnknownProfile(String),
}

/// Builds the built-in profile `name`, serving pods whose schedulerName is
/// `default-scheduler`.
pub fn builtin_profile(name: &str, resources: &ResourceNames) -> Result<Profile, ConfigError> {
    let strategy = match name {
        "default" | "least-allocated" => ScoringStrategy::LeastAllocated,
        "most-allocated" => ScoringStrategy::MostAllocated,
        other => return Err(ConfigError::UnknownProfile(other.to_string())),
    };
    let fit = NodeResourcesFit::new(strategy, resources.clone());
    Ok(Profile {
        scheduler_name: DEFAULT_SCHEDULER_NAME.to_string(),
        filters: vec![
            Box::new(plugins::node_unschedulable::NodeUnschedulable),
            Box::new(plugins::node_affinity::NodeAffinity),
            Box::new(plugins::taint_toleration::TaintToleration),
            Box::new(fit.clone()),
            Box::new(plugins::volume_restrictions::VolumeRestrictions),
            Box::new(plugins::volume_binding::VolumeBinding),
            Box::new(plugins::volume_zone::VolumeZone),
        ],
        scores: vec![
            WeightedScore {
                plugin: Box::new(plugins::taint_toleration::TaintToleration),
                weight: 3,
            },
            WeightedScore {
                plugin: Box::new(plugins::node_affinity::NodeAffinity),
                weight: 2,
            },
            WeightedScore {
                plugin: Box::new(fit),
                weight: 1,
            },
        ],
        percentage_of_nodes_to_score: 0,
    })
}
