//! Node groups over time: nodes present per group (steps) and, when groups are priced, the
//! cost accumulated per group and in total (node_groups_timeseries.csv).

use plotters::prelude::*;

use super::chart::{series_top, Chart, LineChart, Series};
use super::style::{nice_max, time_unit, x_span, PALETTE};
use super::time_series::{decimate, steps, MAX_LINE_POINTS};
use crate::metrics::node_groups::{NodeGroupSample, NodeGroupSeries};
use crate::output::decimal::as_written;

/// What the total line is called on a chart with several groups.
const TOTAL: &str = "all groups";

/// A group's display name (nodes given as Node manifests have no group).
fn group_name(name: &str) -> &str {
    if name.is_empty() {
        "no group"
    } else {
        name
    }
}

/// Per group (in order), then summed over groups when there are several, the points
/// `(time in the chart's unit, value)` of the samples where `f` is known.
fn lines(
    series: &NodeGroupSeries,
    div: f64,
    f: impl Fn(&NodeGroupSample) -> Option<f64>,
) -> Vec<(String, Vec<(f64, f64)>)> {
    let mut out: Vec<(String, Vec<(f64, f64)>)> = series
        .groups
        .iter()
        .map(|g| (group_name(g).to_owned(), Vec::new()))
        .collect();
    let mut total: Vec<(f64, f64)> = Vec::new();
    for s in &series.samples {
        let Some(v) = f(s) else { continue };
        let x = s.time.as_secs_f64() / div;
        out[s.group as usize].1.push((x, v));
        match total.last_mut() {
            Some(last) if last.0 == x => last.1 += v,
            _ => total.push((x, v)),
        }
    }
    out.retain(|(_, points)| !points.is_empty());
    if out.len() > 1 {
        out.push((TOTAL.to_owned(), total));
    }
    out
}

/// Turns named point lists into coloured series (the total, last, in black), drawn as
/// steps when `stepped` (a count that holds between samples) or straight lines between
/// samples otherwise.
fn coloured(lines: Vec<(String, Vec<(f64, f64)>)>, stepped: bool) -> Vec<Series> {
    lines
        .into_iter()
        .enumerate()
        .map(|(i, (name, points))| {
            let thinned = decimate(&points, MAX_LINE_POINTS);
            Series {
                color: if name == TOTAL {
                    BLACK
                } else {
                    PALETTE[i % PALETTE.len()]
                },
                name,
                points: if stepped { steps(&thinned) } else { thinned },
            }
        })
        .collect()
}

/// Nodes present per group over time (steps), with the total over groups when there are
/// several.
pub(super) fn nodes_chart(series: &NodeGroupSeries) -> Chart {
    let end = series.samples.last().map_or(0.0, |s| s.time.as_secs_f64());
    let (div, x_label) = time_unit(end);
    let series = coloured(lines(series, div, |s| Some(s.nodes_present as f64)), true);
    Chart::Lines(LineChart {
        title: "Nodes per node group over time".into(),
        x_label: x_label.into(),
        y_label: "nodes present".into(),
        x_max: x_span(end / div),
        y_max: nice_max(series_top(&series)).max(1.0),
        series,
        legend: SeriesLabelPosition::LowerRight,
    })
}

/// Cost accumulated since the start per priced group, and in total when there are several;
/// `None` when no group has a price.
pub(super) fn cost_chart(series: &NodeGroupSeries) -> Option<Chart> {
    let end = series.samples.last().map_or(0.0, |s| s.time.as_secs_f64());
    let (div, x_label) = time_unit(end);
    // As node_groups_timeseries.csv holds it (six decimals).
    let lines = lines(series, div, |s| s.cost_so_far.map(as_written));
    if lines.is_empty() {
        return None;
    }
    let series = coloured(lines, false);
    Some(Chart::Lines(LineChart {
        title: "Cost over time by node group".into(),
        x_label: x_label.into(),
        y_label: "cost so far (currency of cost_per_hour)".into(),
        x_max: x_span(end / div),
        y_max: nice_max(series_top(&series)).max(1e-9),
        series,
        legend: SeriesLabelPosition::UpperLeft,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SimTime;

    fn sample(t: u64, group: u32, present: u64, cost: Option<f64>) -> NodeGroupSample {
        NodeGroupSample {
            time: SimTime::from_secs(t),
            group,
            nodes_present: present,
            nodes_ready: present,
            cost_per_hour_total: None,
            cost_so_far: cost,
            nodes_provisioning: 0,
        }
    }

    #[test]
    fn total_line_sums_the_groups_known_at_each_time() {
        let series = NodeGroupSeries {
            groups: vec!["a".into(), "b".into()],
            samples: vec![
                sample(0, 0, 2, Some(0.0)),
                sample(0, 1, 1, None),
                sample(60, 0, 3, Some(2.0)),
                sample(60, 1, 1, None),
            ],
        };
        let nodes = lines(&series, 1.0, |s| Some(s.nodes_present as f64));
        // a: 2 then 3; b: 1 then 1; total: 3 then 4.
        assert_eq!(nodes[2], (TOTAL.to_owned(), vec![(0.0, 3.0), (60.0, 4.0)]));
        // Only `a` is priced: one line, no total.
        let cost = lines(&series, 1.0, |s| s.cost_so_far);
        assert_eq!(cost, [("a".to_owned(), vec![(0.0, 0.0), (60.0, 2.0)])]);
    }
}
