//! The scheduling-latency CDF chart and its nearest-rank quantiles.

use plotters::prelude::*;

use super::chart::{Chart, LineChart, Series};
use super::style::{x_span, PALETTE};
use super::time_series::MAX_LINE_POINTS;

/// The `q`-quantile (0..1) of sorted values by the nearest-rank method.
pub(super) fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

pub(super) fn cdf_chart(latencies: &[f64]) -> Chart {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_nearest_rank() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&v, 0.5), Some(2.0));
        assert_eq!(quantile(&v, 0.99), Some(4.0));
        assert_eq!(quantile(&[], 0.5), None);
    }
}
