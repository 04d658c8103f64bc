//! The files of the FGD experiment (`k8sim experiment fgd`): `results.csv`, and Fig. 9(a)
//! as `fig9a.png` and `fig9a.svg` (mean ± std bands per policy), written all or nothing
//! through [`AtomicDir`].

use std::path::{Path, PathBuf};
use std::sync::Once;

use anyhow::Context as _;
use plotters::prelude::*;

use super::atomic::{write_file, AtomicDir};

/// The font of Fig. 9(a), embedded so drawing does not depend on the machine.
const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// `(x, mean, std)` of one point of a plotted curve.
pub type Band = (i64, f64, f64);

/// One line of the figure with its ± std band.
#[derive(Debug, Clone, PartialEq)]
pub struct BandSeries {
    /// Legend label.
    pub label: &'static str,
    /// Line and band colour (red, green, blue).
    pub color: (u8, u8, u8),
    /// Points in x order.
    pub points: Vec<Band>,
}

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The font is embedded at compile time, so this cannot fail at run time.
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

/// Writes `results.csv` (the text `csv`) and the figure of `series` into `final_dir`,
/// replacing it only once everything is written; returns the folder.
pub fn write_fig9a(
    final_dir: &Path,
    csv: &str,
    title: &str,
    series: &[BandSeries],
) -> anyhow::Result<PathBuf> {
    // Written to a temporary sibling and swapped into place; removed on error or Ctrl-C.
    let dir = AtomicDir::create(final_dir)
        .with_context(|| format!("cannot write results to {}", final_dir.display()))?;
    let tmp = dir.path();
    write_file(&tmp.join("results.csv"), csv.as_bytes())?;
    draw(
        BitMapBackend::new(&tmp.join("fig9a.png"), (900, 600)).into_drawing_area(),
        title,
        series,
    )?;
    draw(
        SVGBackend::new(&tmp.join("fig9a.svg"), (900, 600)).into_drawing_area(),
        title,
        series,
    )?;
    dir.commit()
        .with_context(|| format!("cannot move results into {}", final_dir.display()))
}

/// Draws Fig. 9(a): mean ± std of alloc_pct over seeds vs x = 70..=130, one line per
/// series.
fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, plotters::coord::Shift>,
    title: &str,
    series: &[BandSeries],
) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    register_font();
    root.fill(&WHITE).map_err(|e| anyhow::anyhow!("{e}"))?;
    let (x0, x1) = (70i64, 130i64);
    let y_min =
        (series.iter().flat_map(|s| &s.points)).fold(100.0f64, |y, &(_, m, s)| y.min(m - s));
    let y0 = ((y_min / 5.0).floor() * 5.0).clamp(0.0, 95.0);
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(56)
        .build_cartesian_2d(x0 as f64..x1 as f64, y0..100.0)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    chart
        .configure_mesh()
        .x_desc("Arrived GPU request (% of capacity)")
        .y_desc("GPU allocated (% of capacity)")
        .label_style(("sans-serif", 14))
        .draw()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    for line in series {
        let (c, pts) = (
            RGBColor(line.color.0, line.color.1, line.color.2),
            &line.points,
        );
        let mut band: Vec<(f64, f64)> = pts.iter().map(|&(x, m, s)| (x as f64, m + s)).collect();
        band.extend(pts.iter().rev().map(|&(x, m, s)| (x as f64, m - s)));
        chart
            .draw_series(std::iter::once(Polygon::new(band, c.mix(0.18).filled())))
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        chart
            .draw_series(LineSeries::new(
                pts.iter().map(|&(x, m, _)| (x as f64, m)),
                c.stroke_width(2),
            ))
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .label(line.label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(2)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", 14))
        .draw()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    root.present().map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}
