//! Which way each summary figure is better: recorded once here, next to the summary's
//! column list (`summary.rs`), and used by `compare`, its `--fail-if` gates and the sweep
//! plots. Rules go by the column name so that new columns get a direction too: see
//! docs/metrics.md.

use std::fmt;

/// The better direction of a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    /// Smaller is better (latencies, pending pods, failures, cost).
    Lower,
    /// Larger is better (allocation, pods scheduled, completed jobs).
    Higher,
}

impl fmt::Display for Better {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Better::Lower => "lower",
            Better::Higher => "higher",
        })
    }
}

/// Columns that describe the run rather than judge it: what the scenario asked for, or how
/// long the engine ran.
const NEUTRAL: [&str; 7] = [
    "scenario",
    "scheduler",
    "seed",
    "pods_created",
    "events_processed",
    "sim_end_s",
    "faults",
];

/// Columns where more is better (besides every `*allocated_avg`).
const HIGHER: [&str; 3] = ["pods_scheduled", "pods_succeeded", "jobs_completed"];

/// The better direction of summary column `column`; `None` for descriptive columns.
/// Everything not neutral and not "higher" is a cost: latencies and times (`*_s`),
/// pending and queued pods, failures, evictions, fragmentation, nodes used, node-hours, cost.
pub fn better(column: &str) -> Option<Better> {
    if NEUTRAL.contains(&column) {
        None
    } else if HIGHER.contains(&column) || column.ends_with("allocated_avg") {
        Some(Better::Higher)
    } else {
        Some(Better::Lower)
    }
}

/// Whether `a` is better than `b` for a figure going `dir`.
pub fn is_better(dir: Better, a: f64, b: f64) -> bool {
    match dir {
        Better::Lower => a < b,
        Better::Higher => a > b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::summary::Summary;

    #[test]
    fn every_figure_the_issue_names_has_its_direction() {
        assert_eq!(better("sched_latency_p99_s"), Some(Better::Lower));
        assert_eq!(better("pods_pending_avg"), Some(Better::Lower));
        assert_eq!(better("cost"), Some(Better::Lower));
        assert_eq!(better("pending_age_p99_s"), Some(Better::Lower));
        assert_eq!(better("cpu_allocated_avg"), Some(Better::Higher));
        assert_eq!(better("jobs_completed"), Some(Better::Higher));
        assert_eq!(better("seed"), None);
        // Every neutral and higher name is a real summary column (no stale entries).
        let columns: Vec<&str> = Summary::default()
            .fields()
            .iter()
            .map(|(k, _)| *k)
            .collect();
        for c in NEUTRAL.iter().chain(&HIGHER) {
            assert!(columns.contains(c), "{c} is not a summary column");
        }
    }
}
