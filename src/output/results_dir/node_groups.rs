//! Reading node_groups.csv and node_groups_timeseries.csv back into the records the
//! recorder writes them from ([`NodeGroupTotals`], [`NodeGroupSeries`]).

use std::path::Path;

use super::{CsvTable, ReportError};
use crate::metrics::node_groups::{NodeGroupSample, NodeGroupSeries, NodeGroupTotals};

/// Reads `node_groups.csv`: one row per node group.
pub fn read_node_groups(path: &Path) -> Result<Vec<NodeGroupTotals>, ReportError> {
    let names = [
        "group",
        "cost_per_hour",
        "nodes_initial",
        "nodes_min",
        "nodes_max",
        "nodes_avg",
        "node_hours",
        "cost",
    ];
    CsvTable::read_rows(path, names, |t, r, cols| {
        let [group, price, initial, min, max, avg, hours, cost] = cols;
        Ok(NodeGroupTotals {
            group: t.text(r, group),
            cost_per_hour: t.opt_f64(r, price)?,
            nodes_initial: t.u64(r, initial)?,
            nodes_min: t.u64(r, min)?,
            nodes_max: t.u64(r, max)?,
            nodes_avg: t.f64(r, avg)?,
            node_hours: t.f64(r, hours)?,
            cost: t.opt_f64(r, cost)?,
        })
    })
}

/// Reads `node_groups_timeseries.csv`: groups are numbered in order of first appearance.
pub fn read_node_group_series(path: &Path) -> Result<NodeGroupSeries, ReportError> {
    let names = [
        "time_s",
        "group",
        "nodes_present",
        "nodes_ready",
        "cost_per_hour_total",
        "cost_so_far",
        "nodes_provisioning",
    ];
    let mut named = NodeGroupSeries::default();
    let samples = CsvTable::read_rows(path, names, |t, r, cols| {
        let [time, group, present, ready, rate, so_far, provisioning] = cols;
        Ok(NodeGroupSample {
            time: t.time(r, time)?,
            group: named.group_index(&r.fields[group]),
            nodes_present: t.u64(r, present)?,
            nodes_ready: t.u64(r, ready)?,
            cost_per_hour_total: t.opt_f64(r, rate)?,
            cost_so_far: t.opt_f64(r, so_far)?,
            nodes_provisioning: t.u64(r, provisioning)?,
        })
    })?;
    Ok(NodeGroupSeries {
        groups: named.groups,
        samples,
    })
}
