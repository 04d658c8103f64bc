//! How long pods waited for a node, counting pods that never got one (docs/metrics.md,
//! "Waiting for a node"): the run-wide pending-age figures and the per-workload table.

use super::summary::LatencyStats;
use std::collections::{BTreeMap, BTreeSet};

/// One pod's wait for a node.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PodWait {
    /// Seconds from creation until bound; until deleted for a pod deleted before it was
    /// bound; until the end of the run for a pod still waiting then.
    pub wait_s: f64,
    /// The pod was never bound and still existed at the end of the run.
    pub never_scheduled: bool,
}

/// The workload a pod belongs to, as shown in `workload_waits.csv`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct WorkloadKey {
    /// Top-level owner kind: Deployment, ReplicaSet, StatefulSet, DaemonSet, CronJob, Job,
    /// or Pod for a pod without owner.
    pub kind: &'static str,
    /// Namespace.
    pub namespace: String,
    /// Top-level owner name (the pod's own name for a pod without owner).
    pub name: String,
}

/// Wait figures over a set of pods.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WaitStats {
    /// Pods counted.
    pub pods: u64,
    /// Of which never bound and still present at the end.
    pub never_scheduled: u64,
    /// Nearest-rank percentiles and maximum of the waits (s); all 0 without pods.
    pub wait: LatencyStats,
}

/// The waits of a run's pods grouped by workload, added pod by pod (a retired pod's as it
/// leaves the pod table, the others at the end); each pod costs one number.
#[derive(Debug, Default, Clone)]
pub struct WaitLog {
    groups: BTreeMap<WorkloadKey, WorkloadWaits>,
}

/// The waits of one workload's pods.
#[derive(Debug, Default, Clone)]
struct WorkloadWaits {
    waits_s: Vec<f64>,
    never_scheduled: u64,
}

impl WaitLog {
    /// Adds one pod's wait under its workload.
    pub fn add(&mut self, key: WorkloadKey, wait: PodWait) {
        let group = match self.groups.get_mut(&key) {
            Some(g) => g,
            None => self.groups.entry(key).or_default(),
        };
        group.waits_s.push(wait.wait_s);
        group.never_scheduled += wait.never_scheduled as u64;
    }

    /// Per workload, in (kind, namespace, name) order: the wait statistics of its pods.
    pub fn by_workload(&self) -> Vec<(WorkloadKey, WaitStats)> {
        WaitLog::by_workload_of(&[self])
    }

    /// The statistics over every pod.
    pub fn overall(&self) -> WaitStats {
        WaitLog::overall_of(&[self])
    }

    /// [`WaitLog::by_workload`] over the pods of all `logs` together.
    pub fn by_workload_of(logs: &[&WaitLog]) -> Vec<(WorkloadKey, WaitStats)> {
        let keys: BTreeSet<&WorkloadKey> = logs.iter().flat_map(|l| l.groups.keys()).collect();
        (keys.into_iter())
            .map(|key| {
                let groups = || logs.iter().filter_map(|l| l.groups.get(key));
                (key.clone(), WorkloadWaits::stats_of(groups()))
            })
            .collect()
    }

    /// [`WaitLog::overall`] over the pods of all `logs` together.
    pub fn overall_of(logs: &[&WaitLog]) -> WaitStats {
        WorkloadWaits::stats_of(logs.iter().flat_map(|l| l.groups.values()))
    }
}

impl WorkloadWaits {
    /// The statistics over the pods of `groups` together.
    fn stats_of<'a>(groups: impl Iterator<Item = &'a WorkloadWaits> + Clone) -> WaitStats {
        let waits_s: Vec<f64> = groups
            .clone()
            .flat_map(|g| g.waits_s.iter().copied())
            .collect();
        WaitStats {
            pods: waits_s.len() as u64,
            never_scheduled: groups.map(|g| g.never_scheduled).sum(),
            wait: LatencyStats::of(waits_s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(wait_s: f64, never_scheduled: bool) -> PodWait {
        PodWait {
            wait_s,
            never_scheduled,
        }
    }

    /// Waits [0, 0, 1800] (one pod never bound on a 30 min run): nearest-rank p50 is the
    /// 2nd value (0), p95 the 3rd (1800).
    #[test]
    fn never_scheduled_pod_sets_the_tail() {
        let key = WorkloadKey {
            kind: "Job",
            namespace: "default".into(),
            name: "batch".into(),
        };
        let mut log = WaitLog::default();
        for wait in [w(1800.0, true), w(0.0, false), w(0.0, false)] {
            log.add(key.clone(), wait);
        }
        let s = log.overall();
        assert_eq!((s.pods, s.never_scheduled), (3, 1));
        assert_eq!((s.wait.p50, s.wait.p95, s.wait.max), (0.0, 1800.0, 1800.0));
    }

    #[test]
    fn groups_by_workload_in_key_order() {
        let key = |kind, name: &str| WorkloadKey {
            kind,
            namespace: "default".into(),
            name: name.into(),
        };
        let mut log = WaitLog::default();
        log.add(key("StatefulSet", "db"), w(5.0, false));
        log.add(key("Deployment", "web"), w(1.0, false));
        log.add(key("Deployment", "web"), w(9.0, true));
        let rows = log.by_workload();
        let all = log.overall();
        assert_eq!((all.pods, all.never_scheduled, all.wait.max), (3, 1, 9.0));
        let names: Vec<_> = rows
            .iter()
            .map(|(k, _)| (k.kind, k.name.as_str()))
            .collect();
        assert_eq!(names, [("Deployment", "web"), ("StatefulSet", "db")]);
        assert_eq!((rows[0].1.pods, rows[0].1.never_scheduled), (2, 1));
        assert_eq!(rows[0].1.wait.max, 9.0);
    }
}
