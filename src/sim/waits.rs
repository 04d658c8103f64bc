//! Each pod's wait for a node and the workload it belongs to, read from the simulation
//! for the wait figures of summary.csv and workload_waits.csv (docs/metrics.md).

use super::Simulation;
use crate::cluster::{Owner, PodId};
use crate::metrics::waits::{PodWait, WaitLog, WaitStats, WorkloadKey};

/// Every pod's wait by workload: the retired pods' waits, logged as they retired, and
/// those of the pods still in the pod table.
pub fn pod_waits(sim: &Simulation) -> PodWaits<'_> {
    let mut live = WaitLog::default();
    for (id, _) in sim.cluster.pods().iter() {
        live.add(workload_key(sim, id), pod_wait(sim, id));
    }
    PodWaits {
        retired: &sim.retired.waits,
        live,
    }
}

/// The waits of a run's pods: the retired ones' (borrowed) and the others'.
pub struct PodWaits<'a> {
    retired: &'a WaitLog,
    live: WaitLog,
}

impl PodWaits<'_> {
    /// Per workload, in (kind, namespace, name) order: the wait statistics of its pods.
    pub fn by_workload(&self) -> Vec<(WorkloadKey, WaitStats)> {
        WaitLog::by_workload_of(&[self.retired, &self.live])
    }

    /// The statistics over every pod.
    pub fn overall(&self) -> WaitStats {
        WaitLog::overall_of(&[self.retired, &self.live])
    }
}

/// Pod `p`'s wait for a node as of now.
pub fn pod_wait(sim: &Simulation, p: PodId) -> PodWait {
    let times = &sim.cluster.pods()[p.ix()].times;
    let (until, never_scheduled) = match (times.scheduled, times.finished) {
        (Some(bound), _) => (bound, false),
        // Deleted (or finished) before it was bound: it stopped waiting then.
        (None, Some(gone)) => (gone, false),
        (None, None) => (sim.now(), true),
    };
    PodWait {
        wait_s: until.millis_since(times.created) as f64 / 1000.0,
        never_scheduled,
    }
}

/// The top-level owner of pod `p`: a Deployment for pods of its ReplicaSets, a CronJob for
/// pods of its Jobs, the pod itself when it has no owner.
pub fn workload_key(sim: &Simulation, p: PodId) -> WorkloadKey {
    let pod = &sim.cluster.pods()[p.ix()];
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
