//! Sweep plots: a figure against one swept parameter, a line per scheduler (mean over the
//! cells with that value) and its 95 % interval as a band.

use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

use super::chart::Chart;
use super::style::{axis_label, draw_no_data, OrMessage, FONT, PALETTE};
use super::{render_all, Plot};
use crate::output::results_dir::ReportError;
use crate::sweep::stats::Estimate;

/// One scheduler's line: per x position, (mean, interval low, interval high).
pub(super) struct BandSeries {
    pub(super) name: String,
    pub(super) color: RGBColor,
    pub(super) points: Vec<(f64, f64, f64, f64)>,
}

/// Lines with interval bands over a parameter axis (numeric, or categories at 0, 1, ...).
pub(super) struct BandChart {
    pub(super) title: String,
    pub(super) x_label: String,
    pub(super) y_label: String,
    /// Tick labels for categorical x values (empty: numeric axis).
    pub(super) categories: Vec<String>,
    pub(super) series: Vec<BandSeries>,
}

/// Draws a [`BandChart`].
pub(super) fn draw_bands<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    c: &BandChart,
) -> Result<(), String> {
    let xs = c.series.iter().flat_map(|s| s.points.iter().map(|p| p.0));
    let (x_lo, x_hi) = xs.fold((f64::MAX, f64::MIN), |(a, b), x| (a.min(x), b.max(x)));
    let pad = if x_hi > x_lo {
        (x_hi - x_lo) * 0.05
    } else {
        0.5
    };
    let (x_lo, x_hi) = if x_lo <= x_hi {
        (x_lo - pad, x_hi + pad)
    } else {
        (0.0, 1.0)
    };
    let ys = c
        .series
        .iter()
        .flat_map(|s| s.points.iter().flat_map(|p| [p.1, p.2, p.3]));
    let (y_lo, y_hi) = ys.fold((0.0f64, 0.0f64), |(a, b), y| (a.min(y), b.max(y)));
    let y_hi = if y_hi > y_lo { y_hi * 1.2 } else { y_lo + 1.0 };
    let mut chart = ChartBuilder::on(root)
        .caption(&c.title, (FONT, 24))
        .margin(16)
        .x_label_area_size(50)
        .y_label_area_size(70)
        .build_cartesian_2d(x_lo..x_hi, y_lo..y_hi)
        .msg()?;
    let cats = c.categories.clone();
    let x_fmt = move |x: &f64| -> String {
        if cats.is_empty() {
            return axis_label(x);
        }
        let r = x.round();
        if (x - r).abs() > 1e-6 || r < 0.0 {
            return String::new();
        }
        cats.get(r as usize).cloned().unwrap_or_default()
    };
    let mut mesh = chart.configure_mesh();
    if !c.categories.is_empty() {
        mesh.x_labels(c.categories.len());
    }
    mesh.x_desc(c.x_label.as_str())
        .y_desc(c.y_label.as_str())
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&axis_label)
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 16))
        .light_line_style(RGBColor(242, 242, 242))
        .max_light_lines(4)
        .draw()
        .msg()?;
    for s in &c.series {
        let mut outline: Vec<(f64, f64)> = s.points.iter().map(|p| (p.0, p.3)).collect();
        outline.extend(s.points.iter().rev().map(|p| (p.0, p.2)));
        chart
            .draw_series(std::iter::once(Polygon::new(
                outline,
                s.color.mix(0.18).filled(),
            )))
            .msg()?;
    }
    for s in &c.series {
        let color = s.color;
        chart
            .draw_series(LineSeries::new(
                s.points.iter().map(|p| (p.0, p.1)),
                color.stroke_width(2),
            ))
            .msg()?
            .label(s.name.as_str())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 24, y)], color.stroke_width(3))
            });
        chart
            .draw_series(
                s.points
                    .iter()
                    .map(|p| Circle::new((p.0, p.1), 3, color.filled())),
            )
            .msg()?;
    }
    if c.series.iter().all(|s| s.points.is_empty()) {
        draw_no_data(root)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.5))
        .label_font((FONT, 14))
        .draw()
        .msg()
}

/// The cells of a sweep as the plots need them.
pub struct SweepCells<'a> {
    /// Swept parameter names.
    pub params: &'a [String],
    /// Per cell: parameter values, scheduler.
    pub cells: Vec<(&'a [String], &'a str)>,
    /// Per cell: the summary row; `columns` names its fields.
    pub rows: &'a [Vec<String>],
    /// summary.csv columns.
    pub columns: Vec<&'a str>,
}

/// A file-name-safe form of a parameter path.
fn slug(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect::<String>()
        .trim_matches('_')
        .to_owned()
}

/// Draws, for every swept parameter and every figure, `sweep_<figure>_vs_<parameter>`:
/// the figure's mean over the cells with each value (pooled over seeds and the other
/// parameters), a line per scheduler in `schedulers` order, the 95 % interval as a band.
pub fn render_sweep_plots(
    sweep: &SweepCells<'_>,
    schedulers: &[String],
    figures: &[String],
    plots_dir: &Path,
) -> Result<Vec<Plot>, ReportError> {
    let mut specs = Vec::new();
    for (p, param) in sweep.params.iter().enumerate() {
        let mut values: Vec<&str> = Vec::new();
        for (v, _) in &sweep.cells {
            if !values.contains(&v[p].as_str()) {
                values.push(&v[p]);
            }
        }
        let numeric: Option<Vec<f64>> = values.iter().map(|v| v.parse::<f64>().ok()).collect();
        let x_of = |i: usize| numeric.as_ref().map_or(i as f64, |n| n[i]);
        for figure in figures {
            let Some(col) = sweep.columns.iter().position(|c| c == figure) else {
                continue;
            };
            let series = schedulers
                .iter()
                .enumerate()
                .map(|(k, s)| BandSeries {
                    name: s.clone(),
                    color: PALETTE[k % PALETTE.len()],
                    points: (0..values.len())
                        .filter_map(|i| {
                            let sample: Vec<f64> = sweep
                                .cells
                                .iter()
                                .zip(sweep.rows)
                                .filter(|((v, sch), _)| v[p] == values[i] && sch == s)
                                .filter_map(|(_, row)| row.get(col)?.parse().ok())
                                .collect();
                            let e = Estimate::of(&sample)?;
                            let (lo, hi) = e.ci95.unwrap_or((e.mean, e.mean));
                            Some((x_of(i), e.mean, lo, hi))
                        })
                        .collect(),
                })
                .collect();
            let title = format!("{figure} vs {param}");
            let chart = BandChart {
                title: title.clone(),
                x_label: param.clone(),
                y_label: figure.clone(),
                categories: match numeric {
                    Some(_) => Vec::new(),
                    None => values.iter().map(|v| v.to_string()).collect(),
                },
                series,
            };
            let stem = format!("sweep_{}_vs_{}", slug(figure), slug(param));
            let caption = "Mean over seeds (and the other parameters) per scheduler; the band is the 95 % interval of the mean.".to_owned();
            specs.push((stem, title, caption, Chart::Bands(chart)));
        }
    }
    let stems: Vec<String> = specs.iter().map(|s| s.0.clone()).collect();
    render_all(
        plots_dir,
        stems
            .iter()
            .zip(specs)
            .map(|(stem, (_, title, caption, chart))| (stem.as_str(), title, caption, chart))
            .collect(),
    )
}
