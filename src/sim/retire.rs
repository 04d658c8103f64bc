//! Retiring pods: a pod gone from the API whose owner no longer tracks it leaves the pod
//! table as a compact record, its wait is logged, and every per-pod entry of the kubelets
//! and the usage model goes with it. A long run then holds its live objects and one small
//! record per finished pod (issue 18: a year of a per-minute CronJob).

use super::waits::{pod_wait, workload_key};
use super::Simulation;
use crate::cluster::PodId;
use crate::metrics::pod_record::PodRecords;
use crate::metrics::waits::WaitLog;

/// What is kept of the retired pods.
#[derive(Debug, Default, Clone)]
pub struct RetiredPods {
    /// Their records (pods.csv rows).
    pub records: PodRecords,
    /// Their waits for a node, by workload.
    pub waits: WaitLog,
    /// CPU demand over the limit of those with usage, millicore-ms.
    pub throttled_millicore_ms: u64,
    /// Keep every pod in the pod table instead (the plain reference path).
    keep_all: bool,
}

impl Simulation {
    /// Keeps every pod in the pod table to the end of the run, retiring none: the plain
    /// path that retiring must not change the results of (tests compare the two).
    pub fn keep_every_pod(&mut self) {
        self.retired.keep_all = true;
    }

    /// Retires gone pod `p` unless it must stay for its label class (see
    /// [`crate::cluster::Cluster::retire_pod`]); true when it left the pod table.
    pub fn retire_pod(&mut self, p: PodId) -> bool {
        if self.retired.keep_all {
            return false;
        }
        let record = self.pod_record(p);
        let (key, wait) = (workload_key(self, p), pod_wait(self, p));
        if !self.cluster.retire_pod(p) {
            return false;
        }
        self.kubelets.forget_pod(p);
        self.scheduler.backoff_until_ms.remove(&p);
        if let Some(u) = self.usage.as_mut().and_then(|u| u.pods.remove(&p)) {
            self.retired.throttled_millicore_ms += u.throttled_millicore_ms;
        }
        self.retired.records.insert(p.ix(), &record);
        self.retired.waits.add(key, wait);
        true
    }
}
