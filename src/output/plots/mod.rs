//! Plots of a run or of a scheduler comparison, drawn with plotters as PNG and SVG.

mod chart;
mod heatmap;
mod latency;
mod style;
mod time_series;

use std::fs;
use std::path::Path;

use plotters::prelude::*;

use self::chart::{render, series_top, Bar, BarPanel, Chart, LineChart};
use self::heatmap::heatmap_chart;
use self::latency::{cdf_chart, quantile};
use self::style::{nice_max, time_unit, x_span, PALETTE};
use self::time_series::{allocation_chart, comparison_lines, pods_chart};
use super::results_dir::{ClusterSample, Comparison, ReportError, RunResults};

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
/// time, the scheduling-latency CDF and, when `nodes_timeseries.csv` exists, per-node CPU and
/// memory heat maps.
pub fn render_run_plots(run: &RunResults, plots_dir: &Path) -> Result<Vec<Plot>, ReportError> {
    let mut latencies: Vec<f64> = run
        .pods
        .iter()
        .filter_map(|p| p.sched_latency_s())
        .collect();
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
            pods_chart(&run.timeseries),
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
    if let Some(nodes) = &run.nodes {
        specs.push((
            "nodes_cpu_heatmap",
            "Per-node CPU allocation over time".to_owned(),
            "Each row is a node; colour is the share of its allocatable CPU requested.".to_owned(),
            heatmap_chart(nodes, "CPU", |s| s.cpu_allocated_ratio),
        ));
        specs.push((
            "nodes_memory_heatmap",
            "Per-node memory allocation over time".to_owned(),
            "Each row is a node; colour is the share of its allocatable memory requested."
                .to_owned(),
            heatmap_chart(nodes, "memory", |s| s.memory_allocated_ratio),
        ));
    }
    render_all(plots_dir, specs)
}

/// Summary metrics shown as bar charts in comparisons: (metric, title, unit).
const BAR_METRICS: [(&str, &str, &str); 6] = [
    ("sched_latency_mean_s", "Mean scheduling latency", "s"),
    ("sched_latency_p95_s", "p95 scheduling latency", "s"),
    ("startup_latency_p95_s", "p95 startup latency", "s"),
    ("cpu_allocated_avg", "Mean CPU allocated", "ratio"),
    ("makespan_s", "Makespan", "s"),
    ("pods_unschedulable", "Unschedulable pods", "pods"),
];

/// Draws the plots of a scheduler comparison into `plots_dir`: per-scheduler CPU allocation
/// and pending pods over time (mean over seeds of the runs given as `(scheduler, samples)`),
/// and bars of key summary figures with ± one standard deviation over seeds.
pub fn render_comparison_plots(
    cmp: &Comparison,
    runs: &[(String, Vec<ClusterSample>)],
    plots_dir: &Path,
) -> Result<Vec<Plot>, ReportError> {
    let schedulers: Vec<String> = cmp.rows.iter().map(|r| r.scheduler.clone()).collect();
    let end = runs
        .iter()
        .flat_map(|(_, ts)| ts.iter().map(|s| s.time_s))
        .fold(0.0, f64::max);
    let (div, x_label) = time_unit(end);
    let cpu = comparison_lines(runs, &schedulers, end, div, |s| {
        s.cpu_allocated_ratio * 100.0
    });
    let pending = comparison_lines(runs, &schedulers, end, div, |s| s.pods_pending as f64);
    let mut metrics: Vec<(usize, &str, &str)> = BAR_METRICS
        .iter()
        .filter_map(|&(m, title, unit)| cmp.metric(m).map(|i| (i, title, unit)))
        .collect();
    if metrics.is_empty() {
        metrics = cmp
            .metrics
            .iter()
            .enumerate()
            .take(6)
            .map(|(i, m)| (i, m.as_str(), ""))
            .collect();
    }
    let panels = metrics
        .iter()
        .map(|&(i, title, unit)| BarPanel {
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
        .collect();
    let specs = [
        (
            "compare_cpu_allocation",
            "CPU allocation over time by scheduler",
            "Share of allocatable CPU requested, mean over seeds, one line per scheduler.",
            Chart::Lines(LineChart {
                title: "CPU allocation over time by scheduler".into(),
                x_label: x_label.into(),
                y_label: "CPU requested / allocatable (%)".into(),
                x_max: x_span(end / div),
                y_max: series_top(&cpu).max(100.0) * 1.2,
                series: cpu,
                legend: SeriesLabelPosition::UpperRight,
            }),
        ),
        (
            "compare_pending",
            "Pods in phase Pending over time by scheduler",
            "Pods in phase Pending (waiting for a node or bound and still pulling images or starting), mean over seeds, one line per scheduler.",
            Chart::Lines(LineChart {
                title: "Pods in phase Pending over time by scheduler".into(),
                x_label: x_label.into(),
                y_label: "pods in phase Pending".into(),
                x_max: x_span(end / div),
                y_max: nice_max(series_top(&pending)),
                series: pending,
                legend: SeriesLabelPosition::UpperRight,
            }),
        ),
        (
            "compare_summary",
            "Summary figures by scheduler",
            "Mean over seeds; error bars show ± one standard deviation.",
            Chart::Bars(panels),
        ),
    ];
    render_all(
        plots_dir,
        specs
            .into_iter()
            .map(|(stem, title, caption, chart)| {
                (stem, title.to_owned(), caption.to_owned(), chart)
            })
            .collect(),
    )
}
