//! Ends a run in its [`RunRecord`]: the samples and events leave the recorder, the pods and
//! every other object are detached into records (`run_tables.rs`).

use super::waits::pod_waits;
use super::Simulation;
use crate::metrics::run_record::RunRecord;
use crate::metrics::run_tables::ServiceSample;
use crate::metrics::summary::Summary;

impl Simulation {
    /// The record of the run so far with its `summary` (from [`Simulation::summary`]). The
    /// recorder's samples and events, the retired pods' records and the Jobs move into the
    /// record; the rest is copied.
    pub fn take_record(&mut self, summary: Summary) -> RunRecord {
        let service_samples = (self.lifecycle.availability.iter())
            .map(|s| ServiceSample {
                time: s.time,
                ready_endpoints: s.services.clone(),
            })
            .collect();
        // Before the Jobs move into their rows: a run row names its Job.
        let cronjob_runs = self.cronjob_rows();
        let mut record = RunRecord {
            summary,
            samples: Vec::new(),
            node_samples: None,
            node_names: self.cluster.nodes().names().to_vec(),
            pods: self.take_pod_records(),
            events: Default::default(),
            node_group_series: self.recorder.node_groups.series.clone(),
            workload_waits: pod_waits(self).by_workload(),
            workloads: self.workload_rows(),
            jobs: self.take_job_rows(),
            cronjob_runs,
            pvcs: self.pvc_rows(),
            hpa: self.hpa_rows(),
            availability: self.availability_rows(),
            faults: self.fault_rows(),
            services: self.service_rows(),
            service_samples,
            autoscaler: self.autoscaler.as_ref().map(|ca| ca.records.clone()),
        };
        let recorder = &mut self.recorder;
        record.samples = std::mem::take(&mut recorder.samples);
        record.node_samples =
            (recorder.sample_nodes).then(|| std::mem::take(&mut recorder.node_samples));
        record.events = std::mem::take(&mut recorder.events);
        record
    }
}
