//! Plots of a run or of a scheduler comparison, drawn with plotters as PNG and SVG.

use std::fmt::Display;
use std::fs;
use std::path::Path;
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

use super::results_dir::{ClusterSample, Comparison, NodeSample, ReportError, RunResults};

/// Font family name used by every plot; registered from the TTF shipped in `assets/fonts/`.
const FONT: &str = "sans-serif";
/// DejaVu Sans, see `assets/fonts/DejaVuSans-LICENSE.txt`.
static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
/// Most points drawn per line; longer series are thinned keeping each bucket's extremes.
const MAX_LINE_POINTS: usize = 2000;
/// Most cells of a heat map (nodes × time bins), to keep the SVG small.
const MAX_HEATMAP_CELLS: usize = 40_000;
/// Most time bins of a heat map.
const MAX_HEATMAP_BINS: usize = 200;
/// Points of the common time grid of comparison time series.
const COMPARISON_GRID: usize = 400;
/// Line and bar colours (Tableau 10), assigned in order.
const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

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

/// Registers the shipped font once; plotters panics when drawing text without one.
fn ensure_font() -> Result<(), String> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES)
                .map_err(|_| "the embedded DejaVuSans.ttf is not a valid font".to_owned())
        })
        .clone()
}

/// Converts drawing errors to their message.
trait OrMessage<T> {
    fn msg(self) -> Result<T, String>;
}

impl<T, E: Display> OrMessage<T> for Result<T, E> {
    fn msg(self) -> Result<T, String> {
        self.map_err(|e| e.to_string())
    }
}

/// A line on a [`LineChart`].
struct Series {
    name: String,
    color: RGBColor,
    points: Vec<(f64, f64)>,
}

/// Lines over a shared x axis starting at 0.
struct LineChart {
    title: String,
    x_label: String,
    y_label: String,
    x_max: f64,
    y_max: f64,
    series: Vec<Series>,
    legend: SeriesLabelPosition,
}

/// Colour-coded value per row (node) and time bin.
struct HeatMap {
    title: String,
    x_label: String,
    value_label: String,
    rows: Vec<String>,
    /// Bin edges, in axis units; `values[row][bin]` spans `edges[bin]..edges[bin + 1]`.
    edges: Vec<f64>,
    /// Values in 0..1.
    values: Vec<Vec<f64>>,
}

/// One bar of a [`BarPanel`]: mean with ± std error bar.
struct Bar {
    label: String,
    color: RGBColor,
    mean: f64,
    std: f64,
}

/// One panel of a bar-chart grid.
struct BarPanel {
    title: String,
    y_label: String,
    bars: Vec<Bar>,
}

/// What a plot shows.
enum Chart {
    Lines(LineChart),
    Heat(HeatMap),
    Bars(Vec<BarPanel>),
}

impl Chart {
    fn size(&self) -> (u32, u32) {
        match self {
            Chart::Bars(panels) => {
                let cols = panels.len().clamp(1, 3) as u32;
                let rows = panels.len().div_ceil(3).max(1) as u32;
                (420 * cols, 360 * rows)
            }
            _ => (1000, 520),
        }
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        root.fill(&WHITE).msg()?;
        match self {
            Chart::Lines(c) => draw_lines(root, c),
            Chart::Heat(h) => draw_heatmap(root, h),
            Chart::Bars(panels) => {
                let cols = panels.len().clamp(1, 3);
                let rows = panels.len().div_ceil(3).max(1);
                for (area, panel) in root.split_evenly((rows, cols)).iter().zip(panels) {
                    draw_bars(area, panel)?;
                }
                Ok(())
            }
        }
    }
}

fn draw_lines<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    c: &LineChart,
) -> Result<(), String> {
    let mut chart = ChartBuilder::on(root)
        .caption(&c.title, (FONT, 24))
        .margin(16)
        .x_label_area_size(50)
        .y_label_area_size(70)
        .build_cartesian_2d(0f64..c.x_max, 0f64..c.y_max)
        .msg()?;
    chart
        .configure_mesh()
        .x_desc(c.x_label.as_str())
        .y_desc(c.y_label.as_str())
        .x_label_formatter(&axis_label)
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 16))
        .light_line_style(RGBColor(242, 242, 242))
        .max_light_lines(4)
        .y_label_formatter(&axis_label)
        .draw()
        .msg()?;
    let mut any = false;
    for s in &c.series {
        let color = s.color;
        any |= !s.points.is_empty();
        chart
            .draw_series(LineSeries::new(
                s.points.iter().copied(),
                color.stroke_width(2),
            ))
            .msg()?
            .label(s.name.as_str())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 24, y)], color.stroke_width(3))
            });
    }
    if !any {
        draw_no_data(root)?;
    }
    chart
        .configure_series_labels()
        .position(c.legend.clone())
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.5))
        .label_font((FONT, 14))
        .draw()
        .msg()
}

/// Formats an axis tick without needless decimals (`100`, `2.5`, `0.125`).
fn axis_label(v: &f64) -> String {
    let rounded = (v * 1e6).round() / 1e6;
    if rounded == 0.0 {
        "0".to_owned()
    } else {
        format!("{rounded}")
    }
}

fn draw_no_data<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>) -> Result<(), String> {
    let (w, h) = root.dim_in_pixel();
    root.draw(&Text::new(
        "no data",
        (w as i32 / 2 - 30, h as i32 / 2),
        (FONT, 20).into_font().color(&RGBColor(120, 120, 120)),
    ))
    .msg()
}

/// Viridis colour map, interpolated between five anchors; `v` in 0..1.
fn viridis(v: f64) -> RGBColor {
    const ANCHORS: [(f64, f64, f64); 5] = [
        (68.0, 1.0, 84.0),
        (59.0, 82.0, 139.0),
        (33.0, 145.0, 140.0),
        (94.0, 201.0, 98.0),
        (253.0, 231.0, 37.0),
    ];
    let x = v.clamp(0.0, 1.0) * 4.0;
    let i = (x.floor() as usize).min(3);
    let f = x - i as f64;
    let (a, b) = (ANCHORS[i], ANCHORS[i + 1]);
    let mix = |p: f64, q: f64| (p + (q - p) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Merges consecutive bins of the same colour: `(first bin, end bin exclusive, colour)`.
fn colour_runs(values: &[f64]) -> Vec<(usize, usize, RGBColor)> {
    let mut runs: Vec<(usize, usize, RGBColor)> = Vec::new();
    for (b, &v) in values.iter().enumerate() {
        let colour = viridis(v);
        match runs.last_mut() {
            Some(last) if last.2 == colour => last.1 = b + 1,
            _ => runs.push((b, b + 1, colour)),
        }
    }
    runs
}

fn draw_heatmap<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    h: &HeatMap,
) -> Result<(), String> {
    let (w, _) = root.dim_in_pixel();
    let (main, bar) = root.split_horizontally(w.saturating_sub(110));
    let n = h.rows.len();
    let x_max = h
        .edges
        .last()
        .copied()
        .unwrap_or(1.0)
        .max(f64::MIN_POSITIVE);
    let label_width = h.rows.iter().map(|r| r.chars().count()).max().unwrap_or(4);
    let mut chart = ChartBuilder::on(&main)
        .caption(&h.title, (FONT, 24))
        .margin(16)
        .x_label_area_size(50)
        .y_label_area_size((label_width.clamp(4, 24) * 8 + 20) as u32)
        .build_cartesian_2d(0f64..x_max, -0.5f64..(n.max(1) as f64 - 0.5))
        .msg()?;
    // Row i is drawn at y = n - 1 - i so that the first node is at the top.
    let rows = h.rows.clone();
    let label = move |y: &f64| -> String {
        let r = y.round();
        if (y - r).abs() > 1e-6 || r < 0.0 || r as usize >= rows.len() {
            return String::new();
        }
        rows[rows.len() - 1 - r as usize].clone()
    };
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(h.x_label.as_str())
        .x_label_formatter(&axis_label)
        .y_desc("node")
        .y_labels(n.clamp(1, 40))
        .y_label_formatter(&label)
        .label_style((FONT, 12))
        .axis_desc_style((FONT, 16))
        .draw()
        .msg()?;
    chart
        .draw_series(h.values.iter().enumerate().flat_map(|(i, row)| {
            let y = (n - 1 - i) as f64;
            colour_runs(row).into_iter().map(move |(from, to, colour)| {
                Rectangle::new(
                    [(h.edges[from], y - 0.5), (h.edges[to], y + 0.5)],
                    colour.filled(),
                )
            })
        }))
        .msg()?;
    if n == 0 {
        draw_no_data(&main)?;
    }
    let mut scale = ChartBuilder::on(&bar)
        .margin_top(60)
        .margin_bottom(66)
        .margin_right(10)
        .y_label_area_size(55)
        .build_cartesian_2d(0f64..1f64, 0f64..100f64)
        .msg()?;
    scale
        .configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .y_desc(h.value_label.as_str())
        .y_label_formatter(&axis_label)
        .label_style((FONT, 12))
        .axis_desc_style((FONT, 14))
        .draw()
        .msg()?;
    scale
        .draw_series((0..100).map(|k| {
            let k = f64::from(k);
            Rectangle::new([(0.0, k), (1.0, k + 1.0)], viridis(k / 100.0).filled())
        }))
        .msg()?;
    Ok(())
}

fn draw_bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    p: &BarPanel,
) -> Result<(), String> {
    let n = p.bars.len().max(1);
    let top = p.bars.iter().map(|b| b.mean + b.std).fold(0.0, f64::max);
    let y_max = if top > 0.0 { top * 1.15 } else { 1.0 };
    let labels: Vec<String> = p.bars.iter().map(|b| b.label.clone()).collect();
    let label = move |x: &f64| -> String {
        let r = x.round();
        if (x - r).abs() > 1e-6 || r < 0.0 {
            return String::new();
        }
        labels.get(r as usize).cloned().unwrap_or_default()
    };
    let mut chart = ChartBuilder::on(area)
        .caption(&p.title, (FONT, 18))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(65)
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), 0f64..y_max)
        .msg()?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n)
        .x_label_formatter(&label)
        .y_desc(p.y_label.as_str())
        .label_style((FONT, 13))
        .axis_desc_style((FONT, 14))
        .light_line_style(RGBColor(242, 242, 242))
        .max_light_lines(4)
        .y_label_formatter(&axis_label)
        .draw()
        .msg()?;
    chart
        .draw_series(p.bars.iter().enumerate().map(|(i, b)| {
            let x = i as f64;
            Rectangle::new([(x - 0.3, 0.0), (x + 0.3, b.mean)], b.color.filled())
        }))
        .msg()?;
    // Error bars: a vertical segment from mean − std to mean + std with caps.
    chart
        .draw_series(
            p.bars
                .iter()
                .enumerate()
                .filter(|(_, b)| b.std > 0.0)
                .flat_map(|(i, b)| {
                    let (x, lo, hi) = (i as f64, (b.mean - b.std).max(0.0), b.mean + b.std);
                    [
                        vec![(x, lo), (x, hi)],
                        vec![(x - 0.08, lo), (x + 0.08, lo)],
                        vec![(x - 0.08, hi), (x + 0.08, hi)],
                    ]
                    .map(|path| PathElement::new(path, BLACK.stroke_width(2)))
                }),
        )
        .msg()?;
    Ok(())
}

/// Draws `chart` to `<dir>/<stem>.svg` and `<dir>/<stem>.png`; returns the SVG text.
fn render(chart: &Chart, dir: &Path, stem: &str) -> Result<String, ReportError> {
    let svg_path = dir.join(format!("{stem}.svg"));
    let png_path = dir.join(format!("{stem}.png"));
    let size = chart.size();
    let mut svg = String::new();
    {
        let plot_err = |message| ReportError::Plot {
            path: svg_path.clone(),
            message,
        };
        ensure_font().map_err(plot_err)?;
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        chart.draw(&root).map_err(plot_err)?;
        root.present().msg().map_err(plot_err)?;
    }
    fs::write(&svg_path, &svg).map_err(|source| ReportError::Io {
        path: svg_path.clone(),
        source,
    })?;
    let plot_err = |message| ReportError::Plot {
        path: png_path.clone(),
        message,
    };
    let root = BitMapBackend::new(&png_path, size).into_drawing_area();
    chart.draw(&root).map_err(plot_err)?;
    root.present().msg().map_err(plot_err)?;
    Ok(svg)
}

/// Chooses a readable time unit for an axis spanning `max_s` seconds: (divisor, label).
fn time_unit(max_s: f64) -> (f64, &'static str) {
    if max_s > 4.0 * 3600.0 {
        (3600.0, "simulated time (h)")
    } else if max_s > 600.0 {
        (60.0, "simulated time (min)")
    } else {
        (1.0, "simulated time (s)")
    }
}

/// Thins a series to at most about `max` points, keeping each bucket's minimum and maximum.
fn decimate(points: &[(f64, f64)], max: usize) -> Vec<(f64, f64)> {
    if points.len() <= max {
        return points.to_vec();
    }
    let bucket = points.len().div_ceil(max / 2);
    let mut out = Vec::with_capacity(max + 2);
    for chunk in points.chunks(bucket) {
        let (mut lo, mut hi) = (0, 0);
        for (i, p) in chunk.iter().enumerate() {
            if p.1 < chunk[lo].1 {
                lo = i;
            }
            if p.1 > chunk[hi].1 {
                hi = i;
            }
        }
        out.push(chunk[lo.min(hi)]);
        if lo != hi {
            out.push(chunk[lo.max(hi)]);
        }
    }
    out
}

/// Turns samples of a piecewise-constant quantity into the corners of a step line.
fn steps(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(points.len() * 2);
    for (i, &(x, y)) in points.iter().enumerate() {
        out.push((x, y));
        if let Some(&(next, _)) = points.get(i + 1) {
            out.push((next, y));
        }
    }
    out
}

/// A step series of one time series column, thinned and scaled to the time unit.
fn time_series(
    samples: &[ClusterSample],
    div: f64,
    f: impl Fn(&ClusterSample) -> f64,
) -> Vec<(f64, f64)> {
    let pts: Vec<(f64, f64)> = samples.iter().map(|s| (s.time_s / div, f(s))).collect();
    steps(&decimate(&pts, MAX_LINE_POINTS))
}

/// Top of a y axis: 20 % above the data so the legend does not hide it.
fn nice_max(max: f64) -> f64 {
    if max > 0.0 {
        max * 1.2
    } else {
        1.0
    }
}

/// Right end of an x axis: just past the data.
fn x_span(max: f64) -> f64 {
    if max > 0.0 {
        max * 1.03
    } else {
        1.0
    }
}

fn allocation_chart(ts: &[ClusterSample], title: String) -> Chart {
    let end = ts.iter().map(|s| s.time_s).fold(0.0, f64::max);
    let (div, x_label) = time_unit(end);
    let mut series = vec![
        Series {
            name: "CPU".into(),
            color: PALETTE[0],
            points: time_series(ts, div, |s| s.cpu_allocated_ratio * 100.0),
        },
        Series {
            name: "memory".into(),
            color: PALETTE[1],
            points: time_series(ts, div, |s| s.memory_allocated_ratio * 100.0),
        },
    ];
    if ts.iter().any(|s| s.gpu_allocated_ratio > 0.0) {
        series.push(Series {
            name: "GPU".into(),
            color: PALETTE[2],
            points: time_series(ts, div, |s| s.gpu_allocated_ratio * 100.0),
        });
    }
    let top = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .fold(100.0, f64::max);
    Chart::Lines(LineChart {
        title,
        x_label: x_label.into(),
        y_label: "requested / allocatable (%)".into(),
        x_max: x_span(end / div),
        y_max: top * 1.2,
        series,
        legend: SeriesLabelPosition::UpperRight,
    })
}

fn pods_chart(ts: &[ClusterSample]) -> Chart {
    let end = ts.iter().map(|s| s.time_s).fold(0.0, f64::max);
    let (div, x_label) = time_unit(end);
    let series = vec![
        Series {
            name: "pending".into(),
            color: PALETTE[3],
            points: time_series(ts, div, |s| s.pods_pending as f64),
        },
        Series {
            name: "running".into(),
            color: PALETTE[0],
            points: time_series(ts, div, |s| s.pods_running as f64),
        },
    ];
    let top = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .fold(0.0, f64::max);
    Chart::Lines(LineChart {
        title: "Pending and running pods over time".into(),
        x_label: x_label.into(),
        y_label: "pods".into(),
        x_max: x_span(end / div),
        y_max: nice_max(top),
        series,
        legend: SeriesLabelPosition::UpperRight,
    })
}

/// The `q`-quantile (0..1) of sorted values by the nearest-rank method.
fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

fn cdf_chart(latencies: &[f64]) -> Chart {
    let n = latencies.len();
    let stride = n.div_ceil(MAX_LINE_POINTS).max(1);
    let mut points = vec![(0.0, 0.0)];
    let mut below = 0.0;
    for (i, &x) in latencies.iter().enumerate() {
        if (i + 1) % stride == 0 || i + 1 == n {
            let y = (i + 1) as f64 / n as f64;
            points.push((x, below));
            points.push((x, y));
            below = y;
        }
    }
    let max = latencies.last().copied().unwrap_or(0.0);
    Chart::Lines(LineChart {
        title: "Scheduling latency CDF".into(),
        x_label: "scheduling latency: scheduled − created (s)".into(),
        y_label: "fraction of scheduled pods".into(),
        x_max: x_span(max),
        y_max: 1.05,
        series: vec![Series {
            name: format!("{n} scheduled pods"),
            color: PALETTE[0],
            points: if n == 0 { Vec::new() } else { points },
        }],
        legend: SeriesLabelPosition::LowerRight,
    })
}

/// Per-node values on time bins, each bin taking the node's value at its midpoint.
fn heatmap_chart(nodes: &[NodeSample], what: &str, f: impl Fn(&NodeSample) -> f64) -> Chart {
    let mut names: Vec<String> = Vec::new();
    let mut per_node: Vec<Vec<(f64, f64)>> = Vec::new();
    for s in nodes {
        let i = match names.iter().position(|n| *n == s.node) {
            Some(i) => i,
            None => {
                names.push(s.node.clone());
                per_node.push(Vec::new());
                names.len() - 1
            }
        };
        per_node[i].push((s.time_s, f(s)));
    }
    for series in &mut per_node {
        series.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    let end = nodes.iter().map(|s| s.time_s).fold(0.0, f64::max);
    let mut times: Vec<f64> = nodes.iter().map(|s| s.time_s).collect();
    times.sort_by(f64::total_cmp);
    times.dedup();
    let bins = times
        .len()
        .min(MAX_HEATMAP_BINS)
        .min(MAX_HEATMAP_CELLS / names.len().max(1))
        .max(1);
    let (div, x_label) = time_unit(end);
    let span = if end > 0.0 { end } else { 1.0 };
    let edges: Vec<f64> = (0..=bins)
        .map(|b| span * b as f64 / bins as f64 / div)
        .collect();
    let values = per_node
        .iter()
        .map(|series| {
            (0..bins)
                .map(|b| {
                    let mid = span * (b as f64 + 0.5) / bins as f64;
                    let k = series.partition_point(|p| p.0 <= mid);
                    if k == 0 {
                        0.0
                    } else {
                        series[k - 1].1
                    }
                })
                .collect()
        })
        .collect();
    Chart::Heat(HeatMap {
        title: format!("Per-node {what} allocation over time"),
        x_label: x_label.into(),
        value_label: format!("{what} requested / allocatable (%)"),
        rows: names,
        edges,
        values,
    })
}

/// Draws the plots of a run into `plots_dir` (created if missing): allocation and pods over
/// time, the scheduling-latency CDF and, when `nodes_timeseries.csv` exists, per-node CPU and
/// memory heat maps.
pub fn render_run_plots(run: &RunResults, plots_dir: &Path) -> Result<Vec<Plot>, ReportError> {
    fs::create_dir_all(plots_dir).map_err(|source| ReportError::Io {
        path: plots_dir.to_path_buf(),
        source,
    })?;
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
            "Pending and running pods over time".to_owned(),
            "Pods waiting for a node (pending) and pods running, sampled over simulated time.".to_owned(),
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

/// The value of a step-wise time series at time `t` (0 before its first sample).
fn value_at(samples: &[ClusterSample], t: f64, f: &impl Fn(&ClusterSample) -> f64) -> f64 {
    let k = samples.partition_point(|s| s.time_s <= t);
    if k == 0 {
        0.0
    } else {
        f(&samples[k - 1])
    }
}

/// One line per scheduler: the mean over its seeds of a step-wise series on a common grid.
fn comparison_lines(
    runs: &[(String, Vec<ClusterSample>)],
    schedulers: &[String],
    end: f64,
    div: f64,
    f: impl Fn(&ClusterSample) -> f64,
) -> Vec<Series> {
    schedulers
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let seeds: Vec<&[ClusterSample]> = runs
                .iter()
                .filter(|(s, _)| s == name)
                .map(|(_, ts)| ts.as_slice())
                .collect();
            let points = if seeds.is_empty() {
                Vec::new()
            } else {
                (0..=COMPARISON_GRID)
                    .map(|k| {
                        let t = end * k as f64 / COMPARISON_GRID as f64;
                        let sum: f64 = seeds.iter().map(|ts| value_at(ts, t, &f)).sum();
                        (t / div, sum / seeds.len() as f64)
                    })
                    .collect::<Vec<_>>()
            };
            Series {
                name: format!("{name} ({} seeds)", seeds.len()),
                color: PALETTE[i % PALETTE.len()],
                points: steps(&points),
            }
        })
        .collect()
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
    fs::create_dir_all(plots_dir).map_err(|source| ReportError::Io {
        path: plots_dir.to_path_buf(),
        source,
    })?;
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
    let top = |series: &[Series]| {
        series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.1))
            .fold(0.0, f64::max)
    };
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
                y_max: top(&cpu).max(100.0) * 1.2,
                series: cpu,
                legend: SeriesLabelPosition::UpperRight,
            }),
        ),
        (
            "compare_pending",
            "Pending pods over time by scheduler",
            "Pods waiting for a node, mean over seeds, one line per scheduler.",
            Chart::Lines(LineChart {
                title: "Pending pods over time by scheduler".into(),
                x_label: x_label.into(),
                y_label: "pending pods".into(),
                x_max: x_span(end / div),
                y_max: nice_max(top(&pending)),
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
    specs
        .into_iter()
        .map(|(stem, title, caption, chart)| {
            Ok(Plot {
                stem: stem.to_owned(),
                svg: render(&chart, plots_dir, stem)?,
                title: title.to_owned(),
                caption: caption.to_owned(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimate_keeps_extremes() {
        let pts: Vec<(f64, f64)> = (0..10_000)
            .map(|i| (i as f64, if i == 5_000 { 99.0 } else { 1.0 }))
            .collect();
        let out = decimate(&pts, 100);
        assert!(out.len() <= 102, "{}", out.len());
        assert!(out.contains(&(5_000.0, 99.0)));
    }

    #[test]
    fn steps_hold_values() {
        assert_eq!(
            steps(&[(0.0, 1.0), (2.0, 3.0)]),
            [(0.0, 1.0), (2.0, 1.0), (2.0, 3.0)]
        );
    }

    #[test]
    fn quantile_nearest_rank() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&v, 0.5), Some(2.0));
        assert_eq!(quantile(&v, 0.99), Some(4.0));
        assert_eq!(quantile(&[], 0.5), None);
    }

    #[test]
    fn axis_labels_are_short() {
        assert_eq!(axis_label(&100.0), "100");
        assert_eq!(axis_label(&2.5), "2.5");
        assert_eq!(axis_label(&(0.1 + 0.2)), "0.3");
        assert_eq!(axis_label(&-0.0), "0");
    }

    #[test]
    fn equal_colours_merge() {
        let runs = colour_runs(&[0.0, 0.0, 0.5, 0.5, 0.5, 1.0]);
        assert_eq!(
            runs,
            [
                (0, 2, viridis(0.0)),
                (2, 5, viridis(0.5)),
                (5, 6, viridis(1.0))
            ]
        );
    }

    #[test]
    fn viridis_ends() {
        assert_eq!(viridis(0.0), RGBColor(68, 1, 84));
        assert_eq!(viridis(1.0), RGBColor(253, 231, 37));
        assert_eq!(viridis(2.0), viridis(1.0));
    }

    #[test]
    fn time_units() {
        assert_eq!(time_unit(100.0).0, 1.0);
        assert_eq!(time_unit(3000.0).0, 60.0);
        assert_eq!(time_unit(86_400.0).0, 3600.0);
    }
}
