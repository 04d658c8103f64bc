//! node_groups.csv (per node group: sizes, node-hours, cost) and node_groups_timeseries.csv
//! (per sample and group: nodes present and Ready, cost rate, cost so far, machines being
//! provisioned); docs/metrics.md,
//! "Cost".

use super::decimal::fixed;
use super::run_files::q;
use crate::metrics::node_groups::{NodeGroupSeries, NodeGroupTotals};
use std::io::Write;
use std::path::Path;

/// Header of node_groups.csv.
pub const NODE_GROUPS_HEADER: &str =
    "group,cost_per_hour,nodes_initial,nodes_min,nodes_max,nodes_avg,node_hours,cost";
/// Header of node_groups_timeseries.csv.
pub const NODE_GROUPS_TIMESERIES_HEADER: &str =
    "time_s,group,nodes_present,nodes_ready,cost_per_hour_total,cost_so_far,nodes_provisioning";

/// A figure with six decimals, empty when unknown (a group without a price).
fn opt(v: Option<f64>) -> String {
    v.map(|v| fixed(v, 6)).unwrap_or_default()
}

/// Writes node_groups.csv and node_groups_timeseries.csv into `dir`.
pub fn write_all(
    totals: &[NodeGroupTotals],
    series: &NodeGroupSeries,
    dir: &Path,
) -> std::io::Result<()> {
    write_totals(totals, &dir.join("node_groups.csv"))?;
    write_series(series, &dir.join("node_groups_timeseries.csv"))
}

/// node_groups.csv: one row per group, in order of first appearance.
fn write_totals(totals: &[NodeGroupTotals], path: &Path) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(w, "{NODE_GROUPS_HEADER}")?;
    for g in totals {
        writeln!(
            w,
            "{},{},{},{},{},{},{},{}",
            q(&g.group),
            opt(g.cost_per_hour),
            g.nodes_initial,
            g.nodes_min,
            g.nodes_max,
            fixed(g.nodes_avg, 6),
            fixed(g.node_hours, 6),
            opt(g.cost)
        )?;
    }
    w.flush()
}

/// node_groups_timeseries.csv: one row per sample and group.
fn write_series(series: &NodeGroupSeries, path: &Path) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(w, "{NODE_GROUPS_TIMESERIES_HEADER}")?;
    for s in &series.samples {
        writeln!(
            w,
            "{},{},{},{},{},{},{}",
            s.time,
            q(&series.groups[s.group as usize]),
            s.nodes_present,
            s.nodes_ready,
            opt(s.cost_per_hour_total),
            opt(s.cost_so_far),
            s.nodes_provisioning
        )?;
    }
    w.flush()
}
