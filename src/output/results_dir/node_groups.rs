//! Reading node_groups.csv and node_groups_timeseries.csv back into the records the
//! recorder writes them from ([`NodeGroupTotals`], [`NodeGroupSeries`]).

use std::path::Path;

use super::{CsvRow, CsvTable, ReportError};
use crate::engine::SimTime;
use crate::metrics::node_groups::{NodeGroupSample, NodeGroupSeries, NodeGroupTotals};

/// Reads `node_groups.csv`: one row per node group.
pub fn read_node_groups(path: &Path) -> Result<Vec<NodeGroupTotals>, ReportError> {
    let t = CsvTable::read(path)?;
    let [group, price, initial, min, max, avg, hours, cost] = t.columns([
        "group",
        "cost_per_hour",
        "nodes_initial",
        "nodes_min",
        "nodes_max",
        "nodes_avg",
        "node_hours",
        "cost",
    ])?;
    t.rows
        .iter()
        .map(|r| {
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
        .collect()
}

/// Reads `node_groups_timeseries.csv`: groups are numbered in order of first appearance.
pub fn read_node_group_series(path: &Path) -> Result<NodeGroupSeries, ReportError> {
    let t = CsvTable::read(path)?;
    let [time, group, present, ready, rate, so_far, provisioning] = t.columns([
        "time_s",
        "group",
        "nodes_present",
        "nodes_ready",
        "cost_per_hour_total",
        "cost_so_far",
        "nodes_provisioning",
    ])?;
    let mut series = NodeGroupSeries::default();
    for r in &t.rows {
        let name = t.text(r, group);
        let index = match series.groups.iter().position(|g| *g == name) {
            Some(i) => i,
            None => {
                series.groups.push(name);
                series.groups.len() - 1
            }
        };
        series.samples.push(NodeGroupSample {
            time: sim_time(&t, r, time)?,
            group: index as u32,
            nodes_present: t.u64(r, present)?,
            nodes_ready: t.u64(r, ready)?,
            cost_per_hour_total: t.opt_f64(r, rate)?,
            cost_so_far: t.opt_f64(r, so_far)?,
            nodes_provisioning: t.u64(r, provisioning)?,
        });
    }
    Ok(series)
}

/// A `time_s` field (seconds with millisecond decimals) as simulated time.
fn sim_time(t: &CsvTable, r: &CsvRow, col: usize) -> Result<SimTime, ReportError> {
    let seconds = t.f64(r, col)?;
    if seconds < 0.0 {
        return Err(t.bad(r, col, "a non-negative number of seconds"));
    }
    Ok(SimTime::from_millis((seconds * 1000.0).round() as u64))
}
