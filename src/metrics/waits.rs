//! How long pods waited for a node, counting pods that never got one (docs/metrics.md,
//! "Waiting for a node"): the run-wide pending-age figures and the per-workload table.

use super::summary::LatencyStats;
use std::collections::BTreeMap;

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

impl WaitStats {
    /// Statistics of `waits` (any order).
    pub fn of(waits: &[PodWait]) -> WaitStats {
        WaitStats {
            pods: waits.len() as u64,
            never_scheduled: waits.iter().filter(|w| w.never_scheduled).count() as u64,
            wait: LatencyStats::of(waits.iter().map(|w| w.wait_s).collect()),
        }
    }
}

/// Per workload, in (kind, namespace, name) order: the wait statistics of its pods.
pub fn by_workload(pods: &[(WorkloadKey, PodWait)]) -> Vec<(WorkloadKey, WaitStats)> {
    let mut groups: BTreeMap<&WorkloadKey, Vec<PodWait>> = BTreeMap::new();
    for (key, wait) in pods {
        groups.entry(key).or_default().push(*wait);
    }
    groups
        .into_iter()
        .map(|(key, waits)| (key.clone(), WaitStats::of(&waits)))
        .collect()
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
        let s = WaitStats::of(&[w(1800.0, true), w(0.0, false), w(0.0, false)]);
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
        let rows = by_workload(&[
            (key("StatefulSet", "db"), w(5.0, false)),
            (key("Deployment", "web"), w(1.0, false)),
            (key("Deployment", "web"), w(9.0, true)),
        ]);
        let names: Vec<_> = rows
            .iter()
            .map(|(k, _)| (k.kind, k.name.as_str()))
            .collect();
        assert_eq!(names, [("Deployment", "web"), ("StatefulSet", "db")]);
        assert_eq!((rows[0].1.pods, rows[0].1.never_scheduled), (2, 1));
        assert_eq!(rows[0].1.wait.max, 9.0);
    }
}
