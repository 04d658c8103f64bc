//! Plots of a run or of a scheduler comparison, drawn with plotters as PNG and SVG.

mod chart;
mod heatmap;
mod latency;
mod node_groups;
mod plan;
mod replicas;
mod style;
mod sweep;
mod time_series;

use std::fs;
use std::path::Path;

use plotters::prelude::*;

use self::chart::{render, series_top, Bar, BarPanel, Chart, LineChart, Series};
use self::heatmap::heatmap_chart;
use self::latency::{cdf_chart, quantile};
pub use self::plan::{render_plan_plots, PlanCurve};
use self::style::{nice_max, time_unit, x_span, PALETTE};
pub use self::sweep::{render_sweep_plots, SweepCells};
use self::time_series::{allocation_chart, comparison_lines, percent, pods_chart, secs};
use super::results_dir::{Comparison, ReportError, RunResults};
use crate::metrics::Sample;

/// One rendered plot: `<stem>.png` and `<stem>.svg` in the plots folder.
#[derive(Debug, Clone, PartialEq)]
pub struct Plot {
    /// File stem of the PNG and SVG files.
    pub stem: String,
    /// The plot's title.
    pub title: String,
    /// One sentence saying how to read it.
    pub caption: String,
    /// The SVG document, as written to `<stem>.svg`.
    pub svg: String,
}

/// Creates `plots_dir` if missing and renders each `(stem, title, caption, chart)` into it.
fn render_all(
    plots_dir: &Path,
    specs: Vec<(&str, String, String, Chart)>,
) -> Result<Vec<Plot>, ReportError> {
    fs::create_dir_all(plots_dir).map_err(|source| ReportError::Io {
        path: plots_dir.to_path_buf(),
        source,
    })?;
    specs
        .into_iter()
        .map(|(stem, title, caption, chart)| {
            Ok(Plot {
                stem: stem.to_owned(),
                svg: render(&chart, plots_dir, stem)?,
                title,
                caption,
            })
        })
        .collect()
}

/// Draws the plots of a run into `plots_dir` (created if missing): allocation and pods over
/// time, the scheduling-latency CDF, nodes per group and cost over time (when
/// `node_groups_timeseries.csv` exists; cost only with priced groups), replicas of HPA
/// targets (when hpa.csv has rows) and, when
/// `nodes_timeseries.csv` exists, per-node CPU and memory heat maps.
pub fn render_run_plots(run: &RunResults, plots_dir: &Path) -> Result<Vec<Plot>, ReportError> {
    let mut latencies: Vec<f64> = Vec::new();
    let _ = run.pods.try_for_each(|p| {
        latencies.extend(p.sched_latency_s());
        Ok::<(), std::convert::Infallible>(())
    });
    latencies.sort_by(f64::total_cmp);
    let fmt_q = |q| quantile(&latencies, q).map_or("–".to_owned(), |v| format!("{v:.3} s"));
    let mut specs = vec![
        (
            "allocation",
            "Cluster allocation over time".to_owned(),
            "Share of the ready nodes' allocatable CPU, memory (and GPU) requested by bound pods.".to_owned(),
            allocation_chart(&run.timeseries, "Cluster allocation over time".into()),
        ),
        (
            "pods",
            "Pods by phase and scheduler queue over time".to_owned(),
            "Pods in phase Pending (waiting for a node or bound and still pulling images or starting), in phase Running, and in the scheduler's queue (still waiting for a node), sampled over simulated time.".to_owned(),
            pods_chart(&run.timeseries, run.has_sched_queue_len),
        ),
        (
            "sched_latency_cdf",
            "Scheduling latency CDF".to_owned(),
            format!(
                "Fraction of scheduled pods bound within a given latency; {} pods, p50 {}, p95 {}, p99 {}.",
                latencies.len(),
                fmt_q(0.50),
                fmt_q(0.95),
                fmt_q(0.99)
            ),
            cdf_chart(&latencies),
        ),
    ];
    if let Some(series) = run
        .node_group_series
        .as_ref()
        .filter(|s| !s.samples.is_empty())
    {
        specs.push((
            "node_groups",
            "Nodes per node group over time".to_owned(),
            "Nodes present in each node group (Ready or not: a node is billed from when it joins until it is removed), sampled over simulated time.".to_owned(),
            node_groups::nodes_chart(series),
        ));
        if let Some(chart) = node_groups::cost_chart(series) {
            specs.push((
                "cost",
                "Cost over time by node group".to_owned(),
                "Cost accumulated since the start: each group's node-hours so far times its cost_per_hour, and their sum.".to_owned(),
                chart,
            ));
        }
    }
    let hpa = run.extra.iter().find(|t| t.path.ends_with("hpa.csv"));
    if let Some(chart) = hpa.map(replicas::replicas_chart).transpose()?.flatten() {
        specs.push((
            "replicas",
            "Replicas of HPA targets over time".to_owned(),
            "Replicas of each HorizontalPodAutoscaler's target as the HPA found them at each sync (hpa.csv): replicas follow the load.".to_owned(),
            chart,
        ));
    }
    if let Some(nodes) = &run.nodes {
        specs.push((
            "nodes_cpu_heatmap",
            "Per-node CPU allocation over time".to_owned(),
            "Each row is a node; colour is the share of its allocatable CPU requested.".to_owned(),
            heatmap_chart(nodes, &run.node_names, "CPU", |s| s.cpu_allocated_ratio),
        ));
        specs.push((
            "nodes_memory_heatmap",
            "Per-node memory allocation over time".to_owned(),
            "Each row is a node; colour is the share of its allocatable memory requested."
                .to_owned(),
            heatmap_chart(nodes, &run.node_names, "memory", |s| {
                s.memory_allocated_ratio
            }),
        ));
    }
    render_all(plots_dir, specs)
}

/// Summary metrics shown as bar charts in comparisons: (metric, title, unit).
const BAR_METRICS: [(&str, &str, &str); 8] = [
    ("sched_latency_mean_s", "Mean scheduling latency", "s"),
    ("sched_latency_p95_s", "p95 scheduling latency", "s"),
    ("startup_latency_p95_s", "p95 startup latency", "s"),
    ("cpu_allocated_avg", "Mean CPU allocated", "ratio"),
    ("nodes_used_avg", "Mean nodes used", "nodes"),
    ("cost", "Cost", "cost"),
    ("makespan_s", "Makespan", "s"),
    ("pods_unschedulable", "Unschedulable pods", "pods"),
];

/// A per-scheduler line plot over time: (stem, title, caption, y label, value of a sample).
type TimeLine = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    fn(&Sample) -> f64,
);

/// True when every line has the same points: a cluster total that placement cannot change
/// (e.g. CPU allocation when every pod is placed), not worth a per-scheduler plot.
fn all_same(series: &[Series]) -> bool {
    series.windows(2).all(|w| w[0].points == w[1].points)
}

/// A line chart over simulated time of `series`.
fn time_chart(
    title: &str,
    x_label: &str,
    y_label: &str,
    x_max: f64,
    y_max: f64,
    series: Vec<Series>,
) -> Chart {
    Chart::Lines(LineChart {
        title: title.into(),
        x_label: x_label.into(),
        y_label: y_label.into(),
        x_max,
        y_max,
        series,
        legend: SeriesLabelPosition::UpperRight,
    })
}

/// Bar panels of the [`BAR_METRICS`] that are present and not equal (or zero) for every
/// scheduler.
fn bar_panels(cmp: &Comparison) -> Vec<BarPanel> {
    BAR_METRICS
        .iter()
        .filter_map(|&(m, title, unit)| cmp.metric(m).map(|i| (i, title, unit)))
        .filter(|&(i, ..)| {
            let means: Vec<f64> = cmp
                .rows
                .iter()
                .map(|r| r.values[i].0.unwrap_or(0.0))
                .collect();
            means.windows(2).any(|w| w[0] != w[1])
        })
        .map(|(i, title, unit)| BarPanel {
            title: title.to_owned(),
            y_label: unit.to_owned(),
            bars: cmp
                .rows
                .iter()
                .enumerate()
                .map(|(k, r)| Bar {
                    label: r.scheduler.clone(),
                    color: PALETTE[k % PALETTE.len()],
                    mean: r.values[i].0.unwrap_or(0.0),
                    std: r.values[i].1.unwrap_or(0.0),
                })
                .collect(),
        })
        .collect()
}

/// Draws the plots of a scheduler comparison into `plots_dir`: per-scheduler CPU
/// allocation, nodes used and pending pods over time (mean over seeds of the runs given as
/// `(scheduler, samples)`), each only when the schedulers' lines differ, and bars of the
/// summary figures that differ, with ± one standard deviation over seeds.
pub fn render_comparison_plots(
    cmp: &Comparison,
    runs: &[(String, Vec<Sample>)],
    plots_dir: &Path,
) -> Result<Vec<Plot>, ReportError> {
    let schedulers: Vec<String> = cmp.rows.iter().map(|r| r.scheduler.clone()).collect();
    let end = runs
        .iter()
        .flat_map(|(_, ts)| ts.iter().map(secs))
        .fold(0.0, f64::max);
    let (div, x_label) = time_unit(end);
    let x_max = x_span(end / div);
    let line = |f: fn(&Sample) -> f64| comparison_lines(runs, &schedulers, end, div, f);
    let mut specs: Vec<(&str, String, String, Chart)> = Vec::new();
    let lines: [TimeLine; 3] = [
        (
            "compare_cpu_allocation",
            "CPU allocation over time by scheduler",
            "Share of allocatable CPU requested, mean over seeds, one line per scheduler.",
            "CPU requested / allocatable (%)",
            |s| percent(s.cpu_allocated_ratio),
        ),
        (
            "compare_nodes_used",
            "Nodes used over time by scheduler",
            "Nodes with at least one pod, mean over seeds, one line per scheduler.",
            "nodes used",
            |s| s.nodes_used as f64,
        ),
        (
            "compare_pending",
            "Pods in phase Pending over time by scheduler",
            "Pods in phase Pending (waiting for a node or bound and still pulling images or starting), mean over seeds, one line per scheduler.",
            "pods in phase Pending",
            |s| s.pods_pending as f64,
        ),
    ];
    for (stem, title, caption, y_label, f) in lines {
        let series = line(f);
        if series.len() > 1 && all_same(&series) {
            continue;
        }
        let top = series_top(&series);
        let y_max = if stem == "compare_cpu_allocation" {
            top.max(100.0) * 1.2
        } else {
            nice_max(top)
        };
        specs.push((
            stem,
            title.into(),
            caption.into(),
            time_chart(title, x_label, y_label, x_max, y_max, series),
        ));
    }
    let panels = bar_panels(cmp);
    if !panels.is_empty() {
        specs.push((
            "compare_summary",
            "Summary figures that differ by scheduler".into(),
            "Mean over seeds; error bars show ± one standard deviation. Figures equal for every scheduler are left out.".into(),
            Chart::Bars(panels),
        ));
    }
    render_all(plots_dir, specs)
}
