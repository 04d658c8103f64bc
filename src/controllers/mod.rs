//! Workload controllers. Each reacts to events (a pod changed, a timer fired) by
//! reconciling desired against actual state, like an informer-driven Kubernetes
//! controller; none polls.

pub mod cronjob;
pub mod deployment;
pub mod job;
pub mod replicaset;
pub mod statefulset;

use crate::cluster::Owner;
use crate::sim::event::ControllerRef;
use rand::Rng;

/// Controller state for every workload in the simulation.
#[derive(Debug, Default)]
pub struct Workloads {
    /// Deployments.
    pub deployments: Vec<deployment::DeploymentState>,
    /// ReplicaSets (bare and Deployment-owned).
    pub replicasets: Vec<replicaset::ReplicaSetState>,
    /// StatefulSets.
    pub statefulsets: Vec<statefulset::StatefulSetState>,
    /// Jobs (bare and CronJob-owned).
    pub jobs: Vec<job::JobState>,
    /// CronJobs.
    pub cronjobs: Vec<cronjob::CronJobState>,
}

impl Workloads {
    /// The controller to notify when a pod of `owner` changes.
    pub fn controller_of(&self, owner: Owner) -> Option<ControllerRef> {
        match owner {
            Owner::None | Owner::DaemonSet(_) => None,
            Owner::ReplicaSet(i) => Some(ControllerRef::ReplicaSet(i)),
            Owner::StatefulSet(i) => Some(ControllerRef::StatefulSet(i)),
            Owner::Job(i) => Some(ControllerRef::Job(i)),
        }
    }

    /// (kind, name) of the owner, for outputs.
    pub fn owner_name(&self, owner: Owner) -> (&'static str, &str) {
        match owner {
            Owner::None => ("", ""),
            Owner::ReplicaSet(i) => ("ReplicaSet", &self.replicasets[i as usize].name),
            Owner::StatefulSet(i) => ("StatefulSet", &self.statefulsets[i as usize].spec.meta.name),
            Owner::Job(i) => ("Job", &self.jobs[i as usize].name),
            Owner::DaemonSet(_) => ("DaemonSet", ""),
        }
    }
}

/// Alphabet of Kubernetes' random name suffixes (`utilrand.String`: no vowels, no
/// confusable characters).
const SUFFIX_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// A random 5-character suffix as `generateName` produces.
pub fn random_suffix(rng: &mut impl Rng) -> String {
    (0..5)
        .map(|_| SUFFIX_ALPHABET[rng.random_range(0..SUFFIX_ALPHABET.len())] as char)
        .collect()
}
