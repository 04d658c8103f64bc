//! Per-node heat maps: binning node samples over time and drawing them with a viridis scale.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::chart::Chart;
use super::style::{axis_label, draw_no_data, time_unit, OrMessage, FONT};
use crate::metrics::NodeSample;
use crate::output::decimal::as_written;

/// Most cells of a heat map (nodes × time bins), to keep the SVG small.
const MAX_HEATMAP_CELLS: usize = 40_000;
/// Most time bins of a heat map.
const MAX_HEATMAP_BINS: usize = 200;
/// Colour-coded value per row (node) and time bin.
pub(super) struct HeatMap {
    title: String,
    x_label: String,
    value_label: String,
    rows: Vec<String>,
    /// Bin edges, in axis units; `values[row][bin]` spans `edges[bin]..edges[bin + 1]`.
    edges: Vec<f64>,
    /// Values in 0..1.
    values: Vec<Vec<f64>>,
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

pub(super) fn draw_heatmap<DB: DrawingBackend>(
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

/// Per-node values on time bins, each bin taking the node's value at its midpoint: `f` of
/// each sample as nodes_timeseries.csv holds it (six decimals), one row per node of
/// `node_names` in order of first appearance.
pub(super) fn heatmap_chart(
    nodes: &[NodeSample],
    node_names: &[String],
    what: &str,
    f: impl Fn(&NodeSample) -> f64,
) -> Chart {
    let mut names: Vec<String> = Vec::new();
    let mut row_of_node: Vec<Option<usize>> = vec![None; node_names.len()];
    let mut per_node: Vec<Vec<(f64, f64)>> = Vec::new();
    for s in nodes {
        let row = &mut row_of_node[s.node as usize];
        let i = *row.get_or_insert_with(|| {
            names.push(node_names[s.node as usize].clone());
            per_node.push(Vec::new());
            names.len() - 1
        });
        per_node[i].push((s.time.as_secs_f64(), as_written(f(s))));
    }
    for series in &mut per_node {
        series.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    let end = nodes
        .iter()
        .map(|s| s.time.as_secs_f64())
        .fold(0.0, f64::max);
    let mut times: Vec<f64> = nodes.iter().map(|s| s.time.as_secs_f64()).collect();
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
