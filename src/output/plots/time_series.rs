//! Time-series line charts: cluster allocation and pods of a run, per-scheduler comparison lines.

use plotters::prelude::*;

use super::chart::{series_top, Chart, LineChart, Series};
use super::style::{nice_max, time_unit, x_span, PALETTE};
use crate::metrics::Sample;
use crate::output::decimal::as_written;

/// Most points drawn per line; longer series are thinned keeping each bucket's extremes.
pub(super) const MAX_LINE_POINTS: usize = 2000;
/// Points of the common time grid of comparison time series.
const COMPARISON_GRID: usize = 400;
/// Thins a series to at most about `max` points, keeping each bucket's minimum and maximum.
pub(super) fn decimate(points: &[(f64, f64)], max: usize) -> Vec<(f64, f64)> {
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
pub(super) fn steps(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(points.len() * 2);
    for (i, &(x, y)) in points.iter().enumerate() {
        out.push((x, y));
        if let Some(&(next, _)) = points.get(i + 1) {
            out.push((next, y));
        }
    }
    out
}

/// A sample's time in seconds.
pub(super) fn secs(s: &Sample) -> f64 {
    s.time.as_secs_f64()
}

/// A ratio as a percentage of the value timeseries.csv holds (six decimals), so a run drawn
/// from memory and from its folder give the same picture.
pub(super) fn percent(ratio: f64) -> f64 {
    as_written(ratio) * 100.0
}

/// A step series of one time series column, thinned and scaled to the time unit.
fn time_series(samples: &[Sample], div: f64, f: impl Fn(&Sample) -> f64) -> Vec<(f64, f64)> {
    let pts: Vec<(f64, f64)> = samples.iter().map(|s| (secs(s) / div, f(s))).collect();
    steps(&decimate(&pts, MAX_LINE_POINTS))
}

pub(super) fn allocation_chart(ts: &[Sample], title: String) -> Chart {
    let end = ts.iter().map(secs).fold(0.0, f64::max);
    let (div, x_label) = time_unit(end);
    let mut series = vec![
        Series {
            name: "CPU".into(),
            color: PALETTE[0],
            points: time_series(ts, div, |s| percent(s.cpu_allocated_ratio)),
        },
        Series {
            name: "memory".into(),
            color: PALETTE[1],
            points: time_series(ts, div, |s| percent(s.memory_allocated_ratio)),
        },
    ];
    if ts.iter().any(|s| as_written(s.gpu_allocated_ratio) > 0.0) {
        series.push(Series {
            name: "GPU".into(),
            color: PALETTE[2],
            points: time_series(ts, div, |s| percent(s.gpu_allocated_ratio)),
        });
    }
    let top = series_top(&series).max(100.0);
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

/// Pods by phase and, when the samples have it (`has_queue`), the scheduler queue.
pub(super) fn pods_chart(ts: &[Sample], has_queue: bool) -> Chart {
    let end = ts.iter().map(secs).fold(0.0, f64::max);
    let (div, x_label) = time_unit(end);
    let mut series = vec![
        Series {
            name: "phase Pending".into(),
            color: PALETTE[3],
            points: time_series(ts, div, |s| s.pods_pending as f64),
        },
        Series {
            name: "phase Running".into(),
            color: PALETTE[0],
            points: time_series(ts, div, |s| s.pods_running as f64),
        },
    ];
    if has_queue {
        series.push(Series {
            name: "scheduler queue".into(),
            color: PALETTE[1],
            points: time_series(ts, div, |s| s.sched_queue_len as f64),
        });
    }
    let top = series_top(&series);
    Chart::Lines(LineChart {
        title: "Pods by phase and scheduler queue over time".into(),
        x_label: x_label.into(),
        y_label: "pods".into(),
        x_max: x_span(end / div),
        y_max: nice_max(top),
        series,
        legend: SeriesLabelPosition::UpperRight,
    })
}

/// The value of a step-wise time series at time `t` (0 before its first sample).
fn value_at(samples: &[Sample], t: f64, f: &impl Fn(&Sample) -> f64) -> f64 {
    let k = samples.partition_point(|s| secs(s) <= t);
    if k == 0 {
        0.0
    } else {
        f(&samples[k - 1])
    }
}

/// One line per scheduler: the mean over its seeds of a step-wise series on a common grid.
pub(super) fn comparison_lines(
    runs: &[(String, Vec<Sample>)],
    schedulers: &[String],
    end: f64,
    div: f64,
    f: impl Fn(&Sample) -> f64,
) -> Vec<Series> {
    schedulers
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let seeds: Vec<&[Sample]> = runs
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
}
