//! Which scheduler a run uses, resolved before the simulation is built: a built-in policy
//! name, or a KubeSchedulerConfiguration the input layer has already read and parsed, so
//! that building a simulation reads no file (and `compare` reads a configuration once for
//! all its runs).

use super::config::SchedulerConfig;
use crate::model::resources::ResourceNames;

/// A run's scheduler.
#[derive(Debug, Clone)]
pub enum SchedulerChoice {
    /// A built-in policy name (`default`, `most-allocated`, ..., optionally `+drf`).
    Named(String),
    /// A parsed KubeSchedulerConfiguration, under the name the user gave it (its path).
    Configured {
        /// As the user wrote it (the scenario's `scheduler:` or `--scheduler`).
        name: String,
        /// The configuration.
        config: SchedulerConfig,
        /// The scenario's resource names with the ones the configuration mentions added.
        resources: ResourceNames,
    },
}

impl SchedulerChoice {
    /// The name results are filed under (summary.csv's `scheduler` column).
    pub fn name(&self) -> &str {
        match self {
            SchedulerChoice::Named(name) | SchedulerChoice::Configured { name, .. } => name,
        }
    }
}

impl From<&str> for SchedulerChoice {
    fn from(name: &str) -> SchedulerChoice {
        SchedulerChoice::Named(name.to_string())
    }
}

impl From<&String> for SchedulerChoice {
    fn from(name: &String) -> SchedulerChoice {
        SchedulerChoice::Named(name.clone())
    }
}
