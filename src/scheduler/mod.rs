//! The scheduler: a kube-scheduler-like framework (queue, filter, score, bind) with
//! profiles selected by `spec.schedulerName`, built from the in-tree plugin registry,
//! a built-in policy name or a KubeSchedulerConfiguration.

pub mod choice;
pub mod config;
pub mod cycle;
pub mod framework;
mod max_tree;
pub mod plugins;
pub mod profile;
pub mod queue;
pub mod score_cache;

use crate::model::pod::DEFAULT_SCHEDULER_NAME;
use crate::model::resources::ResourceNames;
use config::{EnabledPlugin, Origin, PluginArgs, ProfileConfig};
use plugins::names;
use plugins::node_resources_fit::ScoringStrategy;
use plugins::registry::Registry;
use profile::Profile;
use std::path::PathBuf;

/// Built-in policies accepted in a scenario's `scheduler:` (one line each in
/// docs/scheduler.md). Any of them may be suffixed with `+drf`.
pub const BUILTIN_PROFILES: &[(&str, &str)] = &[
    (
        "default",
        "kube-scheduler v1.36's default plugins and weights",
    ),
    (
        "least-allocated",
        "default, NodeResourcesFit scoringStrategy LeastAllocated (spreading)",
    ),
    (
        "most-allocated",
        "default, NodeResourcesFit scoringStrategy MostAllocated (bin-packing)",
    ),
    (
        "balanced",
        "default filters; score only NodeResourcesBalancedAllocation",
    ),
    (
        "random",
        "default filters; no score: a uniformly random feasible node",
    ),
    (
        "first-fit",
        "default filters; the feasible node with the lowest index",
    ),
    (
        "best-fit",
        "default filters; the node left with the least free cpu+memory",
    ),
    (
        "worst-fit",
        "default filters; the node left with the most free cpu+memory",
    ),
    (
        "round-robin",
        "default filters; the next feasible node after the last chosen",
    ),
    (
        "tetris",
        "default filters; max dot product of demand and free capacity",
    ),
];

/// Why a scheduler configuration cannot be built.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    /// The name is neither a built-in profile nor a file.
    #[error("unknown scheduler {0:?}: expected one of {list} (optionally +drf) or a KubeSchedulerConfiguration file (.yaml)", list = BUILTIN_PROFILES.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", "))]
    UnknownProfile(String),
    /// A configuration value is wrong.
    #[error("{}{}: field `{field}`: {message}", file.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Invalid {
        /// The file.
        file: PathBuf,
        /// 1-based line.
        line: Option<u64>,
        /// Field path.
        field: String,
        /// What is wrong.
        message: String,
    },
}

fn enable(pc: &mut ProfileConfig, ep: &str, name: &str, weight: i64) {
    pc.set_mut(ep).enabled.push(EnabledPlugin {
        name: name.to_string(),
        weight,
        origin: Origin::default(),
    });
}

/// The profile configuration of built-in policy `name` (`base` or `base+drf`), serving
/// pods whose schedulerName is `default-scheduler`.
pub fn builtin_config(name: &str) -> Result<ProfileConfig, ConfigError> {
    let (base, drf) = match name.strip_suffix("+drf") {
        Some(b) => (b, true),
        None => (name, false),
    };
    let mut pc = ProfileConfig::named(DEFAULT_SCHEDULER_NAME);
    let only_score = |pc: &mut ProfileConfig, plugin: &str| {
        pc.set_mut("score").disabled.push("*".into());
        enable(pc, "score", plugin, 1);
        pc.percentage_of_nodes_to_score = Some(100);
    };
    match base {
        "default" | "least-allocated" => {}
        "most-allocated" => pc.plugin_config.push((
            names::NODE_RESOURCES_FIT.into(),
            PluginArgs::NodeResourcesFit {
                strategy: ScoringStrategy::MostAllocated,
                resources: Vec::new(),
            },
            Origin::default(),
        )),
        "balanced" => only_score(&mut pc, names::NODE_RESOURCES_BALANCED_ALLOCATION),
        "random" => {
            pc.set_mut("score").disabled.push("*".into());
            pc.percentage_of_nodes_to_score = Some(100);
        }
        "first-fit" => only_score(&mut pc, names::FIRST_FIT),
        "best-fit" => only_score(&mut pc, names::BEST_FIT),
        "worst-fit" => only_score(&mut pc, names::WORST_FIT),
        "round-robin" => {
            only_score(&mut pc, names::ROUND_ROBIN);
            enable(&mut pc, "reserve", names::ROUND_ROBIN, 0);
        }
        "tetris" => only_score(&mut pc, names::TETRIS),
        _ => return Err(ConfigError::UnknownProfile(name.to_string())),
    }
    if drf {
        pc.set_mut("queueSort").disabled.push("*".into());
        enable(&mut pc, "queueSort", names::DOMINANT_RESOURCE_FAIRNESS, 0);
    }
    Ok(pc)
}

/// True if `name` is a built-in policy (with or without `+drf`).
pub fn is_builtin(name: &str) -> bool {
    builtin_config(name).is_ok()
}

/// Builds the built-in profile `name` with the in-tree registry.
pub fn builtin_profile(name: &str, resources: &ResourceNames) -> Result<Profile, ConfigError> {
    builtin_profile_with(name, resources, &Registry::in_tree())
}

/// Builds the built-in profile `name` with `registry`.
pub fn builtin_profile_with(
    name: &str,
    resources: &ResourceNames,
    registry: &Registry,
) -> Result<Profile, ConfigError> {
    config::build_profile(&builtin_config(name)?, registry, resources, 0)
}
