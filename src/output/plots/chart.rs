//! Chart descriptions (lines, bars) and their rendering to SVG and PNG files.

use std::fs;
use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::heatmap::{draw_heatmap, HeatMap};
use super::style::{axis_label, draw_no_data, ensure_font, OrMessage, FONT};
use crate::output::results_dir::ReportError;

/// A line on a [`LineChart`].
pub(super) struct Series {
    pub(super) name: String,
    pub(super) color: RGBColor,
    pub(super) points: Vec<(f64, f64)>,
}

/// Highest y value of any point of `series` (0 when there is none).
pub(super) fn series_top(series: &[Series]) -> f64 {
    series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .fold(0.0, f64::max)
}

/// Lines over a shared x axis starting at 0.
pub(super) struct LineChart {
    pub(super) title: String,
    pub(super) x_label: String,
    pub(super) y_label: String,
    pub(super) x_max: f64,
    pub(super) y_max: f64,
    pub(super) series: Vec<Series>,
    pub(super) legend: SeriesLabelPosition,
}

/// One bar of a [`BarPanel`]: mean with ± std error bar.
pub(super) struct Bar {
    pub(super) label: String,
    pub(super) color: RGBColor,
    pub(super) mean: f64,
    pub(super) std: f64,
}

/// One panel of a bar-chart grid.
pub(super) struct BarPanel {
    pub(super) title: String,
    pub(super) y_label: String,
    pub(super) bars: Vec<Bar>,
}

/// What a plot shows.
pub(super) enum Chart {
    Lines(LineChart),
    Heat(HeatMap),
    Bars(Vec<BarPanel>),
    Bands(super::sweep::BandChart),
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
            Chart::Bands(b) => super::sweep::draw_bands(root, b),
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
pub(super) fn render(chart: &Chart, dir: &Path, stem: &str) -> Result<String, ReportError> {
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
