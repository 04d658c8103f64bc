//! Each pod's wait for a node and the workload it belongs to, read from the simulation
//! for the wait figures of summary.csv and workload_waits.csv (docs/metrics.md).

use super::Simulation;
use crate::cluster::{Owner, PodId};
use crate::metrics::waits::{PodWait, WorkloadKey};

/// Every pod ever created, in creation order: its top-level workload and its wait.
pub fn pod_waits(sim: &Simulation) -> Vec<(WorkloadKey, PodWait)> {
    let end = sim.now();
    sim.cluster
        .pods
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (until, never_scheduled) = match (p.times.scheduled, p.times.finished) {
                (Some(bound), _) => (bound, false),
                // Deleted (or finished) before it was bound: it stopped waiting then.
                (None, Some(gone)) => (gone, false),
                (None, None) => (end, true),
            };
            let wait = PodWait {
                wait_s: until.millis_since(p.times.created) as f64 / 1000.0,
                never_scheduled,
            };
            (workload_key(sim, PodId(i as u32)), wait)
        })
        .collect()
}

/// The top-level owner of pod `p`: a Deployment for pods of its ReplicaSets, a CronJob for
/// pods of its Jobs, the pod itself when it has no owner.
pub fn workload_key(sim: &Simulation, p: PodId) -> WorkloadKey {
    let pod = &sim.cluster.pods[p.ix()];
    let w = &sim.workloads;
    let (kind, name): (&'static str, &str) = match pod.owner {
        Owner::None => ("Pod", &pod.name),
        Owner::ReplicaSet(r) => {
            let rs = &w.replicasets[r as usize];
            match rs.deployment {
                Some(d) => ("Deployment", &w.deployments[d as usize].spec.meta.name),
                None => ("ReplicaSet", &rs.name),
            }
        }
        Owner::StatefulSet(s) => ("StatefulSet", &w.statefulsets[s as usize].spec.meta.name),
        Owner::DaemonSet(d) => ("DaemonSet", &w.daemonsets[d as usize].spec.meta.name),
        Owner::Job(j) => {
            let job = &w.jobs[j as usize];
            match job.cronjob {
                Some(c) => ("CronJob", &w.cronjobs[c as usize].spec.meta.name),
                None => ("Job", &job.name),
            }
        }
    };
    WorkloadKey {
        kind,
        namespace: pod.namespace.clone(),
        name: name.to_string(),
    }
}
