//! Replicas over time of every HorizontalPodAutoscaler's target (hpa.csv): what the HPA
//! found at each sync, drawn as steps, so a run shows replicas following load.

use plotters::prelude::*;

use super::chart::{series_top, Chart, LineChart, Series};
use super::style::{nice_max, time_unit, x_span, PALETTE};
use super::time_series::{decimate, steps, MAX_LINE_POINTS};
use crate::output::results_dir::{CsvTable, ReportError};

/// A line's name and its `(x, y)` points.
type NamedPoints = (String, Vec<(f64, f64)>);

/// Per HPA target (`Deployment/web`, in order of first appearance), the points
/// `(time in seconds, current replicas)` of its syncs (one per sync, whatever the number
/// of metrics).
fn replica_lines(hpa: &CsvTable) -> Result<Vec<NamedPoints>, ReportError> {
    let [time, target, current] = hpa.columns(["time_s", "target", "current_replicas"])?;
    let mut lines: Vec<NamedPoints> = Vec::new();
    for r in &hpa.rows {
        let name = hpa.text(r, target);
        let point = (hpa.f64(r, time)?, hpa.u64(r, current)? as f64);
        let i = match lines.iter().position(|(n, _)| *n == name) {
            Some(i) => i,
            None => {
                lines.push((name, Vec::new()));
                lines.len() - 1
            }
        };
        if lines[i].1.last().map(|p| p.0) != Some(point.0) {
            lines[i].1.push(point);
        }
    }
    Ok(lines)
}

/// Replicas of each HPA target over time; `None` when the run has no HPA sync.
pub(super) fn replicas_chart(hpa: &CsvTable) -> Result<Option<Chart>, ReportError> {
    let lines = replica_lines(hpa)?;
    let end = lines
        .iter()
        .filter_map(|(_, p)| p.last().map(|p| p.0))
        .fold(0.0, f64::max);
    if lines.is_empty() {
        return Ok(None);
    }
    let (div, x_label) = time_unit(end);
    let series: Vec<Series> = lines
        .into_iter()
        .enumerate()
        .map(|(i, (name, points))| {
            let scaled: Vec<(f64, f64)> = points.iter().map(|&(x, y)| (x / div, y)).collect();
            Series {
                name,
                color: PALETTE[i % PALETTE.len()],
                points: steps(&decimate(&scaled, MAX_LINE_POINTS)),
            }
        })
        .collect();
    Ok(Some(Chart::Lines(LineChart {
        title: "Replicas of HPA targets over time".into(),
        x_label: x_label.into(),
        y_label: "replicas".into(),
        x_max: x_span(end / div),
        y_max: nice_max(series_top(&series)).max(1.0),
        series,
        legend: SeriesLabelPosition::UpperLeft,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_point_per_sync_and_target() {
        let dir = std::env::temp_dir().join(format!("k8sim-replicas-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("hpa.csv");
        std::fs::write(
            &path,
            "time_s,namespace,name,target,current_replicas,desired_replicas,metric,current,target_value\n\
             15.000,default,web,Deployment/web,2,4,cpu_utilization_percent,90,60\n\
             15.000,default,web,Deployment/web,2,4,memory_utilization_percent,40,80\n\
             15.000,default,api,Deployment/api,3,3,cpu_utilization_percent,60,60\n\
             30.000,default,web,Deployment/web,4,4,cpu_utilization_percent,45,60\n",
        )
        .unwrap();
        let table = CsvTable::read(&path).unwrap();
        let lines = replica_lines(&table).unwrap();
        // web: two metrics at 15 s are one sync; api once.
        assert_eq!(
            lines,
            vec![
                ("Deployment/web".to_owned(), vec![(15.0, 2.0), (30.0, 4.0)]),
                ("Deployment/api".to_owned(), vec![(15.0, 3.0)]),
            ]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
