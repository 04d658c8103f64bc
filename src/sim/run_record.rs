//! Ends a run in its [`RunRecord`]: the samples and events leave the recorder, the pods are
//! detached into records.

use super::Simulation;
use crate::metrics::run_record::RunRecord;
use crate::metrics::summary::Summary;

impl Simulation {
    /// The record of the run so far with its `summary` (from [`Simulation::summary`]). The
    /// recorder's samples and events move into the record; the rest is copied.
    pub fn take_record(&mut self, summary: Summary) -> RunRecord {
        let pods = self.pod_records();
        let node_names = self.cluster.nodes.names.clone();
        let recorder = &mut self.recorder;
        let events_written = recorder.events_file.writes(recorder.events.len());
        RunRecord {
            summary,
            samples: std::mem::take(&mut recorder.samples),
            node_samples: recorder
                .sample_nodes
                .then(|| std::mem::take(&mut recorder.node_samples)),
            node_names,
            pods,
            events: std::mem::take(&mut recorder.events),
            events_written,
            node_group_series: recorder.node_groups.series.clone(),
        }
    }
}
