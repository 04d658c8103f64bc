//! Headline figures of a run: counts, latency percentiles, time-weighted utilisation.

/// Mean, p50, p95, p99 and max of a set of latencies (seconds).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LatencyStats {
    /// Mean.
    pub mean: f64,
    /// Median (nearest-rank).
    pub p50: f64,
    /// 95th percentile (nearest-rank).
    pub p95: f64,
    /// 99th percentile (nearest-rank).
    pub p99: f64,
    /// Maximum.
    pub max: f64,
    /// Number of values.
    pub count: usize,
}

/// Nearest-rank percentile of sorted values: the smallest value such that at least
/// `p` percent of values are <= it.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

impl LatencyStats {
    /// Statistics of `values` (any order).
    pub fn of(mut values: Vec<f64>) -> LatencyStats {
        if values.is_empty() {
            return LatencyStats::default();
        }
        values.sort_by(|a, b| a.total_cmp(b));
        let sum: f64 = values.iter().sum();
        LatencyStats {
            mean: sum / values.len() as f64,
            p50: percentile(&values, 50.0),
            p95: percentile(&values, 95.0),
            p99: percentile(&values, 99.0),
            max: *values.last().expect("non-empty"),
            count: values.len(),
        }
    }
}

/// The one-row summary of a run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Scenario name.
    pub scenario: String,
    /// Scheduler (profile) name.
    pub scheduler: String,
    /// Seed.
    pub seed: u64,
    /// Pods created.
    pub pods_created: u64,
    /// Pods bound to a node at least once.
    pub pods_scheduled: u64,
    /// Pods that failed a scheduling attempt and were still unscheduled at the end.
    pub pods_unschedulable: u64,
    /// Pods that succeeded.
    pub pods_succeeded: u64,
    /// Pods that failed.
    pub pods_failed: u64,
    /// Scheduling latency: creation -> bound (s).
    pub sched_latency: LatencyStats,
    /// Startup latency: creation -> running (s).
    pub startup_latency: LatencyStats,
    /// Time-weighted mean cpu allocation ratio.
    pub cpu_allocated_avg: f64,
    /// Time-weighted mean memory allocation ratio.
    pub memory_allocated_avg: f64,
    /// Time-weighted mean GPU allocation ratio.
    pub gpu_allocated_avg: f64,
    /// Time-weighted mean number of nodes in use.
    pub nodes_used_avg: f64,
    /// Time the last pod reached a terminal phase (s), if any did.
    pub makespan_s: Option<f64>,
    /// Events processed by the engine.
    pub events_processed: u64,
    /// Simulated time at the end (s).
    pub sim_end_s: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let s = LatencyStats::of(vec![3.0, 1.0, 2.0, 4.0]);
        assert_eq!(s.p50, 2.0); // ceil(0.5*4)=2nd value
        assert_eq!(s.p95, 4.0);
        assert_eq!(s.mean, 2.5);
        assert_eq!(s.max, 4.0);
    }
}
