//! Workload controllers. Each reacts to events (a pod changed, a timer fired) by
//! reconciling desired against actual state, like an informer-driven Kubernetes
//! controller; none polls.

pub mod context;
pub mod cronjob;
pub mod daemonset;
pub mod deployment;
mod deployment_scale;
mod deployment_util;
pub mod garbage_collector;
pub mod hpa;
pub mod job;
mod job_pods;
mod job_retire;
pub mod job_tally;
pub mod replicaset;
pub mod replicaset_tally;
pub mod statefulset;
pub mod statefulset_ordinals;
pub mod volume;

use crate::cluster::Owner;
use crate::engine::SimTime;
use rand::Rng;

pub use context::ControllerContext;

/// A controller that can be asked to reconcile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ControllerRef {
    /// A Deployment.
    Deployment(u32),
    /// A ReplicaSet.
    ReplicaSet(u32),
    /// A StatefulSet.
    StatefulSet(u32),
    /// A Job.
    Job(u32),
    /// A CronJob.
    CronJob(u32),
    /// A DaemonSet.
    DaemonSet(u32),
    /// A HorizontalPodAutoscaler.
    Hpa(u32),
}

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
    /// DaemonSets.
    pub daemonsets: Vec<daemonset::DaemonSetState>,
    /// HorizontalPodAutoscalers.
    pub hpas: Vec<hpa::HpaState>,
    /// Owners deleted in the foreground, waiting for their dependents.
    pub gc: garbage_collector::GarbageCollector,
}

impl Workloads {
    /// The controller to notify when a pod of `owner` changes.
    pub fn controller_of(&self, owner: Owner) -> Option<ControllerRef> {
        match owner {
            Owner::None => None,
            Owner::DaemonSet(i) => Some(ControllerRef::DaemonSet(i)),
            Owner::ReplicaSet(i) => Some(ControllerRef::ReplicaSet(i)),
            Owner::StatefulSet(i) => Some(ControllerRef::StatefulSet(i)),
            Owner::Job(i) => Some(ControllerRef::Job(i)),
        }
    }

    /// (kind, namespace, name) of controller object `c`, for messages.
    pub fn object_name(&self, c: ControllerRef) -> (&'static str, &str, &str) {
        match c {
            ControllerRef::Deployment(i) => {
                let m = &self.deployments[i as usize].spec.meta;
                ("Deployment", &m.namespace, &m.name)
            }
            ControllerRef::ReplicaSet(i) => {
                let r = &self.replicasets[i as usize];
                ("ReplicaSet", &r.namespace, &r.name)
            }
            ControllerRef::StatefulSet(i) => {
                let m = &self.statefulsets[i as usize].spec.meta;
                ("StatefulSet", &m.namespace, &m.name)
            }
            ControllerRef::Job(i) => {
                let j = &self.jobs[i as usize];
                ("Job", &j.namespace, &j.name)
            }
            ControllerRef::CronJob(i) => {
                let m = &self.cronjobs[i as usize].spec.meta;
                ("CronJob", &m.namespace, &m.name)
            }
            ControllerRef::DaemonSet(i) => {
                let m = &self.daemonsets[i as usize].spec.meta;
                ("DaemonSet", &m.namespace, &m.name)
            }
            ControllerRef::Hpa(i) => {
                let m = &self.hpas[i as usize].spec.meta;
                ("HorizontalPodAutoscaler", &m.namespace, &m.name)
            }
        }
    }

    /// (kind, name) of the owner, for outputs.
    pub fn owner_name(&self, owner: Owner) -> (&'static str, &str) {
        match owner {
            Owner::None => ("", ""),
            Owner::ReplicaSet(i) => ("ReplicaSet", &self.replicasets[i as usize].name),
            Owner::StatefulSet(i) => ("StatefulSet", &self.statefulsets[i as usize].spec.meta.name),
            Owner::Job(i) => ("Job", &self.jobs[i as usize].name),
            Owner::DaemonSet(i) => ("DaemonSet", &self.daemonsets[i as usize].spec.meta.name),
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

/// Desired and ready replicas of a Deployment, StatefulSet or DaemonSet over time, kept
/// by its controller at every sync (a change of readiness always triggers one).
#[derive(Debug, Clone, Default)]
pub struct ReplicaTracker {
    /// (time, desired, ready) at every change, in time order.
    pub changes: Vec<(SimTime, i32, i32)>,
    /// maxUnavailable resolved at the last change.
    pub max_unavailable: i32,
    /// Milliseconds with ready >= desired - maxUnavailable so far (up to the last change).
    pub available_ms: u64,
    /// First time ready >= desired with desired > 0.
    pub first_ready: Option<SimTime>,
}

impl ReplicaTracker {
    /// Records the counts at `now` (ignored when nothing changed).
    pub fn update(&mut self, now: SimTime, desired: i32, ready: i32, max_unavailable: i32) {
        if let Some(&(t, d, r)) = self.changes.last() {
            if d == desired && r == ready && self.max_unavailable == max_unavailable {
                return;
            }
            if r >= d - self.max_unavailable {
                self.available_ms += now.millis_since(t);
            }
        }
        if self.first_ready.is_none() && desired > 0 && ready >= desired {
            self.first_ready = Some(now);
        }
        self.max_unavailable = max_unavailable;
        match self.changes.last_mut() {
            Some(last) if last.0 == now => *last = (now, desired, ready),
            _ => self.changes.push((now, desired, ready)),
        }
    }

    /// Fraction of `[start, end]` with ready >= desired - maxUnavailable.
    pub fn availability(&self, end: SimTime) -> f64 {
        let Some(&(first, _, _)) = self.changes.first() else {
            return 1.0;
        };
        let &(t, d, r) = self.changes.last().expect("not empty");
        let mut ok = self.available_ms;
        if r >= d - self.max_unavailable {
            ok += end.millis_since(t);
        }
        let total = end.millis_since(first);
        if total == 0 {
            1.0
        } else {
            ok as f64 / total as f64
        }
    }
}
