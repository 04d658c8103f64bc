//! The plan's plots: each SLO figure against the node count, its threshold and the answer.

use std::path::Path;

use super::chart::Chart;
use super::style::PALETTE;
use super::sweep::{BandChart, BandSeries};
use super::{render_all, Plot};
use crate::output::results_dir::ReportError;

/// One SLO's points for its plot.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanCurve {
    /// The SLO as written (the plot's title).
    pub slo: String,
    /// The figure's name (the y axis).
    pub figure: String,
    /// The SLO's threshold.
    pub threshold: f64,
    /// Per node count tried, ascending: (nodes, worst value, lowest, highest) over every
    /// seed and fault case (and every mix of that size).
    pub points: Vec<(f64, f64, f64, f64)>,
}

/// Draws `plan.png`/`plan.svg` for the first SLO and `plan_<k>.png`/`.svg` for the k-th
/// (k ≥ 2) into `dir`: the worst value per node count with the range over runs as a band,
/// the threshold as a flat line and the answer as a vertical line.
pub fn render_plan_plots(
    curves: &[PlanCurve],
    answer_nodes: Option<f64>,
    dir: &Path,
) -> Result<Vec<Plot>, ReportError> {
    let stems: Vec<String> = (1..=curves.len())
        .map(|k| {
            if k == 1 {
                "plan".to_owned()
            } else {
                format!("plan_{k}")
            }
        })
        .collect();
    let specs = curves
        .iter()
        .zip(&stems)
        .map(|(c, stem)| {
            let xs = c.points.iter().map(|p| p.0);
            let (x_lo, x_hi) = xs.fold((f64::MAX, f64::MIN), |(a, b), x| (a.min(x), b.max(x)));
            let y_hi = c
                .points
                .iter()
                .map(|p| p.3)
                .fold(c.threshold, f64::max);
            let mut series = vec![
                BandSeries {
                    name: format!("{} (worst run; band: all runs)", c.figure),
                    color: PALETTE[0],
                    points: c.points.clone(),
                },
                BandSeries {
                    name: format!("threshold {}", c.threshold),
                    color: PALETTE[1],
                    points: [x_lo, x_hi]
                        .iter()
                        .filter(|x| x.is_finite())
                        .map(|&x| (x, c.threshold, c.threshold, c.threshold))
                        .collect(),
                },
            ];
            if let Some(n) = answer_nodes {
                series.push(BandSeries {
                    name: format!("answer: {n} nodes"),
                    color: PALETTE[2],
                    points: vec![(n, 0.0, 0.0, 0.0), (n, y_hi, y_hi, y_hi)],
                });
            }
            let chart = BandChart {
                title: c.slo.clone(),
                x_label: "nodes".into(),
                y_label: c.figure.clone(),
                categories: Vec::new(),
                series,
            };
            let caption = "Each candidate's worst value over every seed and fault case (the band spans all runs), the SLO's threshold and the answer.".to_owned();
            (stem.as_str(), c.slo.clone(), caption, Chart::Bands(chart))
        })
        .collect();
    render_all(dir, specs)
}
