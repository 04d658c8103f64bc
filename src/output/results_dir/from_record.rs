//! A run's [`RunResults`] taken from its [`RunRecord`] in memory, as a reader of the folder
//! would find them: the report of a run renders without reading back the CSVs it just wrote.
//! Pods, samples and events are borrowed as they are (the views draw ratios as written, six
//! decimals); the node group figures pass through the rounding of the files, so plots and
//! report are byte-identical to those rendered from the folder.

use std::borrow::Cow;
use std::path::Path;

use super::run::read_extra;
use super::{ReportError, RunResults, Summary};
use crate::metrics::node_groups::{NodeGroupSeries, NodeGroupTotals};
use crate::metrics::run_record::RunRecord;
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
            timeseries: Cow::Borrowed(&record.samples),
            has_sched_queue_len: true,
            nodes: record.node_samples.as_deref().map(Cow::Borrowed),
            node_names: Cow::Borrowed(&record.node_names),
            events: (record.events.writes_file()).then_some(Cow::Borrowed(&record.events[..])),
            node_groups: Some(record.summary.node_groups.iter().map(totals).collect()),
            node_group_series: Some(series(&record.node_group_series)),
            extra: read_extra(dir)?,
        })
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
