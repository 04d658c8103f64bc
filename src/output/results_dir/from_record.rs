//! A run's [`RunResults`] taken from its [`RunRecord`] in memory, as a reader of the folder
//! would find them: the report of a run renders without reading back the CSVs it just wrote.
//! Figures the files hold with six decimals pass through the same rounding, so plots and
//! report are byte-identical to those rendered from the folder.

use std::borrow::Cow;
use std::path::Path;

use super::run::read_extra;
use super::{ClusterSample, EventRecord, NodeSample, ReportError, RunResults, Summary};
use crate::metrics::node_groups::{NodeGroupSeries, NodeGroupTotals};
use crate::metrics::run_record::RunRecord;
use crate::metrics::{self, Sample};
use crate::output::decimal::as_written;

impl<'a> RunResults<'a> {
    /// The results of the run of `record`, whose CSV files are already written into `dir`
    /// (only the files the record does not hold typed are read: workloads, jobs, ...).
    pub fn from_record(record: &'a RunRecord, dir: &Path) -> Result<Self, ReportError> {
        Ok(RunResults {
            dir: dir.to_path_buf(),
            summary: Summary {
                fields: (record.summary.fields().into_iter())
                    .map(|(k, v)| (k.to_owned(), v.to_csv()))
                    .collect(),
            },
            pods: Cow::Borrowed(&record.pods),
            timeseries: record.samples.iter().map(cluster_sample).collect(),
            nodes: record.node_samples.as_ref().map(|samples| {
                samples
                    .iter()
                    .map(|s| node_sample(record.node_name(s), s))
                    .collect()
            }),
            events: (record.events.writes_file())
                .then(|| record.events.iter().map(event).collect()),
            node_groups: Some(record.summary.node_groups.iter().map(totals).collect()),
            node_group_series: Some(series(&record.node_group_series)),
            extra: read_extra(dir)?,
        })
    }
}

/// A row of timeseries.csv as read back.
fn cluster_sample(s: &Sample) -> ClusterSample {
    ClusterSample {
        time_s: s.time.as_secs_f64(),
        pods_pending: s.pods_pending,
        pods_running: s.pods_running,
        cpu_allocated_ratio: as_written(s.cpu_allocated_ratio),
        memory_allocated_ratio: as_written(s.memory_allocated_ratio),
        gpu_allocated_ratio: as_written(s.gpu_allocated_ratio),
        nodes_used: s.nodes_used,
        nodes_ready: s.nodes_ready,
        sched_queue_len: Some(s.sched_queue_len),
    }
}

/// A row of nodes_timeseries.csv as read back.
fn node_sample(node: &str, s: &metrics::NodeSample) -> NodeSample {
    NodeSample {
        time_s: s.time.as_secs_f64(),
        node: node.to_owned(),
        cpu_allocated_ratio: as_written(s.cpu_allocated_ratio),
        memory_allocated_ratio: as_written(s.memory_allocated_ratio),
    }
}

/// A row of events.csv as read back.
fn event(e: &metrics::EventRecord) -> EventRecord {
    EventRecord {
        time_s: e.time.as_secs_f64(),
        kind: e.kind.to_owned(),
        reason: e.reason.clone(),
        object_kind: e.object_kind.to_owned(),
        object: e.object.clone(),
        message: e.message.clone(),
    }
}

/// A row of node_groups.csv as read back.
fn totals(g: &NodeGroupTotals) -> NodeGroupTotals {
    NodeGroupTotals {
        cost_per_hour: g.cost_per_hour.map(as_written),
        nodes_avg: as_written(g.nodes_avg),
        node_hours: as_written(g.node_hours),
        cost: g.cost.map(as_written),
        ..g.clone()
    }
}

/// node_groups_timeseries.csv as read back: groups named in order of first appearance.
fn series(s: &NodeGroupSeries) -> NodeGroupSeries {
    let mut out = NodeGroupSeries::default();
    for sample in &s.samples {
        let mut sample = sample.clone();
        sample.group = out.group_index(&s.groups[sample.group as usize]);
        sample.cost_per_hour_total = sample.cost_per_hour_total.map(as_written);
        sample.cost_so_far = sample.cost_so_far.map(as_written);
        out.samples.push(sample);
    }
    out
}
