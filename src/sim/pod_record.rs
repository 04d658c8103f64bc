//! Detaches one pod of the run into a [`PodRecord`]: its owner's name, its node's name, its
//! usage peaks and last termination, as pods.csv reports them.

use super::Simulation;
use crate::cluster::PodId;
use crate::metrics::pod_record::{PodRecord, PodRecords, PodUsagePeaks};
use crate::model::resources::{CPU, MEMORY};

impl Simulation {
    /// Every pod of the run as a record, in pod id order: the retired pods' records and
    /// the others' as they stand now.
    pub fn pod_records(&self) -> PodRecords {
        let mut records = self.retired.records.clone();
        self.add_live_records(&mut records);
        records
    }

    /// Like [`Simulation::pod_records`], moving the retired pods' records out instead of
    /// copying them (the end of a run).
    pub(super) fn take_pod_records(&mut self) -> PodRecords {
        let mut records = std::mem::take(&mut self.retired.records);
        self.add_live_records(&mut records);
        records
    }

    fn add_live_records(&self, records: &mut PodRecords) {
        for (id, _) in self.cluster.pods().iter() {
            records.insert(id.ix(), &self.pod_record(id));
        }
    }

    /// The name of pod `id`, retired or not.
    pub fn pod_name(&self, id: PodId) -> String {
        match self.cluster.pods().get(id) {
            Some(p) => p.name.clone(),
            None => {
                (self.retired.records.get(id.ix()))
                    .expect("a retired pod has a record")
                    .name
            }
        }
    }

    /// Pod `id` as a record, as it stands now.
    pub fn pod_record(&self, id: PodId) -> PodRecord {
        let p = &self.cluster.pods()[id.ix()];
        let (owner_kind, owner) = self.owner_of(id);
        let usage = self.usage.as_ref().and_then(|u| u.pods.get(&id));
        PodRecord {
            name: p.name.clone(),
            namespace: p.namespace.clone(),
            owner_kind: owner_kind.to_string(),
            owner: owner.to_string(),
            node: p.node.map(|n| self.cluster.nodes().names()[n.ix()].clone()),
            created: p.times.created,
            scheduled: p.times.scheduled,
            started: p.times.started,
            ready: p.times.ready,
            finished: p.times.finished,
            phase: p.phase,
            attempts: p.attempts,
            restarts: p.restarts,
            cpu_request_millis: p.spec.requests.get(CPU),
            memory_request_bytes: p.spec.requests.get(MEMORY),
            gpu_request_millis: self.gpu.map(|g| p.spec.requests.get(g) * 1000).unwrap_or(0),
            usage: usage.map(|u| PodUsagePeaks {
                cpu_peak_millis: u.cpu_peak_millis,
                memory_peak_bytes: u.memory_peak_bytes,
                throttled_millicore_ms: u.throttled_millicore_ms,
            }),
            last_termination_reason: self
                .kubelets
                .status
                .get(&id)
                .and_then(|s| s.last.as_ref())
                .map(|t| t.reason.clone()),
        }
    }
}
