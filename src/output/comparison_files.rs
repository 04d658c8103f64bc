//! The CSV files of a comparison folder `results/<scenario>/compare/`: `comparison.csv`
//! (one row per scheduler: mean and standard deviation over seeds of every numeric
//! summary column), `runs.csv` (every run's summary row) and `decision_cost.csv` (the
//! wall-clock cost per scheduling decision per scheduler: measured, so the one file of a
//! comparison that differs between two runs of it).

use super::results_dir::{Comparison, ComparisonRow};
use super::run_files::SUMMARY_HEADER;
use crate::metrics::summary::Summary;
use crate::sim::scheduling::DecisionCost;
use std::io::Write;
use std::path::Path;

/// Summary columns that are numbers but not figures to average.
const NOT_AVERAGED: [&str; 1] = ["seed"];

/// Mean and sample standard deviation (n − 1) of the present values; the deviation is
/// `None` with fewer than two values, both are `None` with none.
pub fn mean_std(values: &[Option<f64>]) -> (Option<f64>, Option<f64>) {
    let present: Vec<f64> = values.iter().flatten().copied().collect();
    if present.is_empty() {
        return (None, None);
    }
    let n = present.len() as f64;
    let mean = present.iter().sum::<f64>() / n;
    if present.len() < 2 {
        return (Some(mean), None);
    }
    let var = present.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (Some(mean), Some(var.sqrt()))
}

/// Aggregates run summaries `(scheduler, summary)` into one row per scheduler, in the
/// order of `schedulers`, over every numeric summary column except `seed`.
pub fn aggregate(schedulers: &[String], runs: &[(String, Summary)]) -> Comparison {
    let metrics: Vec<String> = Summary::default()
        .fields()
        .into_iter()
        .filter(|(k, v)| v.is_numeric() && !NOT_AVERAGED.contains(k))
        .map(|(k, _)| k.to_owned())
        .collect();
    let rows = schedulers
        .iter()
        .map(|scheduler| {
            let mine: Vec<Vec<(&'static str, Option<f64>)>> = runs
                .iter()
                .filter(|(s, _)| s == scheduler)
                .map(|(_, summary)| {
                    summary
                        .fields()
                        .into_iter()
                        .map(|(k, v)| (k, v.number()))
                        .collect()
                })
                .collect();
            let values = metrics
                .iter()
                .map(|m| {
                    let column: Vec<Option<f64>> = mine
                        .iter()
                        .map(|fields| fields.iter().find(|(k, _)| k == m).and_then(|(_, v)| *v))
                        .collect();
                    mean_std(&column)
                })
                .collect();
            ComparisonRow {
                scheduler: scheduler.clone(),
                runs: mine.len() as u64,
                values,
            }
        })
        .collect();
    Comparison { metrics, rows }
}

/// Quotes a CSV field when needed (RFC 4180).
pub(crate) fn q(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

fn num(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.6}")).unwrap_or_default()
}

/// Writes `comparison.csv`: `scheduler,runs,<metric>_mean,<metric>_std,...`.
pub fn write_comparison(cmp: &Comparison, path: &Path) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut header = vec!["scheduler".to_owned(), "runs".to_owned()];
    for m in &cmp.metrics {
        header.push(format!("{m}_mean"));
        header.push(format!("{m}_std"));
    }
    writeln!(w, "{}", header.join(","))?;
    for r in &cmp.rows {
        let mut fields = vec![q(&r.scheduler), r.runs.to_string()];
        for &(mean, std) in &r.values {
            fields.push(num(mean));
            fields.push(num(std));
        }
        writeln!(w, "{}", fields.join(","))?;
    }
    w.flush()
}

/// Writes `runs.csv`: the summary.csv header, then every run's summary row in run order.
pub fn write_runs(runs: &[(String, Summary)], path: &Path) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(w, "{SUMMARY_HEADER}")?;
    for (_, s) in runs {
        let row: Vec<String> = s.fields().iter().map(|(_, v)| q(&v.to_csv())).collect();
        writeln!(w, "{}", row.join(","))?;
    }
    w.flush()
}

/// File name of the wall-clock decision costs in a comparison folder.
pub const DECISION_COST: &str = "decision_cost.csv";

/// Writes `decision_cost.csv`: per scheduler `(name, runs, cost summed over its runs)`, the
/// attempts, their wall-clock seconds and the mean microseconds per attempt.
pub fn write_decision_cost(
    costs: &[(String, u64, DecisionCost)],
    path: &Path,
) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(w, "scheduler,runs,decisions,wall_s,us_per_decision")?;
    for (scheduler, runs, c) in costs {
        let per = c
            .micros_per_attempt()
            .map(|us| format!("{us:.3}"))
            .unwrap_or_default();
        writeln!(
            w,
            "{},{runs},{},{:.6},{per}",
            q(scheduler),
            c.attempts,
            c.wall.as_secs_f64()
        )?;
    }
    w.flush()
}

/// One line for the terminal: each scheduler's mean wall-clock cost per decision.
pub fn decision_cost_line(costs: &[(String, u64, DecisionCost)]) -> String {
    let parts: Vec<String> = costs
        .iter()
        .map(|(s, _, c)| match c.micros_per_attempt() {
            Some(us) => format!("{s} {us:.1} µs ({} decisions)", c.attempts),
            None => format!("{s} – (no decisions)"),
        })
        .collect();
    format!(
        "wall-clock per scheduling decision on this machine (not deterministic; {DECISION_COST}): {}",
        parts.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_standard_deviation() {
        // mean 2, squared deviations 1+0+1 = 2, / (3-1) = 1.
        assert_eq!(
            mean_std(&[Some(1.0), Some(2.0), Some(3.0)]),
            (Some(2.0), Some(1.0))
        );
        assert_eq!(mean_std(&[Some(5.0), None]), (Some(5.0), None));
        assert_eq!(mean_std(&[None]), (None, None));
    }
}
