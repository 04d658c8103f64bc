//! Headline figures of a run: counts, latency percentiles, time-weighted utilisation.

use super::waits::WaitStats;
use super::{Recorder, Sample};

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
    /// Ready latency: creation -> Ready (s).
    pub ready_latency: LatencyStats,
    /// Time-weighted mean number of Pending pods.
    pub pods_pending_avg: f64,
    /// Largest number of Pending pods at any instant.
    pub pods_pending_max: u64,
    /// Time-weighted mean length of the scheduler's queue (pods waiting for a node).
    pub sched_queue_len_avg: f64,
    /// Largest length of the scheduler's queue at any instant.
    pub sched_queue_len_max: u64,
    /// Largest number of nodes in use at any instant.
    pub nodes_used_max: u64,
    /// Step-integrated mean over samples of the fragmented cpu ratio.
    pub fragmentation_cpu_avg: f64,
    /// Step-integrated mean over samples of the fragmented memory ratio.
    pub fragmentation_memory_avg: f64,
    /// FailedScheduling events.
    pub failed_scheduling_events: u64,
    /// Events with reason Preempted.
    pub preemptions: u64,
    /// Events with reason Evicted or TaintManagerEviction.
    pub evictions: u64,
    /// Jobs that reached condition Complete.
    pub jobs_completed: u64,
    /// Jobs that reached condition Failed.
    pub jobs_failed: u64,
    /// Completion time of completed Jobs: Job creation -> Complete (s).
    pub job_completion: LatencyStats,
    /// ∫ billed nodes (present, or being provisioned) dt, in node-hours.
    pub node_hours: f64,
    /// Σ over node groups of node-hours × `cost_per_hour`; `None` when no node group has a
    /// price.
    pub cost: Option<f64>,
    /// Node-hours and cost per node group (`node_groups.csv`; not a summary.csv column).
    pub node_groups: Vec<super::node_groups::NodeGroupTotals>,
    /// Fault episodes (faults.csv rows: node, zone and random failures, removals, drains).
    pub faults: u64,
    /// Σ over Deployments and StatefulSets of the time with fewer Ready than desired
    /// replicas (s): the sum of availability.csv's `time_below_desired_s`.
    pub workload_below_desired_s: f64,
    /// Pods of Deployments and StatefulSets that were on a node when a fault hit it.
    pub replicas_lost_to_faults: u64,
    /// Longest time to recover of a fault episode that recovered (s; faults.csv).
    pub time_to_recover_max_s: f64,
    /// Mean time to recover over the fault episodes that recovered (s; faults.csv).
    pub time_to_recover_mean_s: f64,
    /// Fault episodes whose workloads were still not whole at the end of the run.
    pub faults_unrecovered: u64,
    /// Pods evicted because of faults (taint eviction, pod GC of removed nodes, drains).
    pub pods_evicted_by_faults: u64,
    /// Σ over Services of the time with zero ready endpoints (s; services.csv).
    pub service_outage_s: f64,
    /// How long pods waited for a node, never-scheduled pods counted until the end
    /// (see [`super::waits`]).
    pub waits: WaitStats,
    /// CPU demand over the pods' limits, CPU-seconds (0 without usage).
    pub cpu_throttled_s: f64,
    /// Containers OOM-killed for memory over their limit (0 without usage).
    pub oom_kills: u64,
    /// Initial period left out of the availability figures (`metrics.warmup`, s); not a
    /// summary.csv column.
    pub warmup_s: f64,
}

/// A summary value, typed by how it is written.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text (scenario, scheduler).
    Text(String),
    /// An integer count.
    Count(u64),
    /// Seconds, written with 3 decimals.
    Secs(f64),
    /// A ratio or average, written with 6 decimals.
    Real(f64),
    /// Optional seconds (empty when absent).
    OptSecs(Option<f64>),
    /// Optional real (empty when absent).
    OptReal(Option<f64>),
}

impl Value {
    /// The value as written in summary.csv.
    pub fn to_csv(&self) -> String {
        match self {
            Value::Text(t) => t.clone(),
            Value::Count(c) => c.to_string(),
            Value::Secs(v) => format!("{v:.3}"),
            Value::Real(v) => format!("{v:.6}"),
            Value::OptSecs(v) => v.map(|v| format!("{v:.3}")).unwrap_or_default(),
            Value::OptReal(v) => v.map(|v| format!("{v:.6}")).unwrap_or_default(),
        }
    }

    /// True for every kind of value but text.
    pub fn is_numeric(&self) -> bool {
        !matches!(self, Value::Text(_))
    }

    /// The number, if the value is numeric and present.
    pub fn number(&self) -> Option<f64> {
        match self {
            Value::Text(_) => None,
            Value::Count(c) => Some(*c as f64),
            Value::Secs(v) | Value::Real(v) => Some(*v),
            Value::OptSecs(v) | Value::OptReal(v) => *v,
        }
    }
}

/// The numeric columns that are figures (every numeric column but `seed`), in
/// summary.csv order: what `compare`, sweeps, `--fail-if` and `plan` SLOs may name.
pub fn figures() -> Vec<&'static str> {
    Summary::default()
        .fields()
        .into_iter()
        .filter(|(k, v)| v.is_numeric() && *k != "seed")
        .map(|(k, _)| k)
        .collect()
}

impl Summary {
    /// Every summary.csv column in file order with its value. Columns are only ever added
    /// at the end so that scripts reading by position keep working.
    pub fn fields(&self) -> Vec<(&'static str, Value)> {
        use Value::*;
        let l = |s: &LatencyStats| [Secs(s.mean), Secs(s.p50), Secs(s.p95), Secs(s.p99)];
        let [sm, s50, s95, s99] = l(&self.sched_latency);
        let [um, u50, u95, u99] = l(&self.startup_latency);
        let [rm, r50, r95, r99] = l(&self.ready_latency);
        let [jm, j50, j95, j99] = l(&self.job_completion);
        vec![
            ("scenario", Text(self.scenario.clone())),
            ("scheduler", Text(self.scheduler.clone())),
            ("seed", Count(self.seed)),
            ("pods_created", Count(self.pods_created)),
            ("pods_scheduled", Count(self.pods_scheduled)),
            ("pods_unschedulable", Count(self.pods_unschedulable)),
            ("pods_succeeded", Count(self.pods_succeeded)),
            ("pods_failed", Count(self.pods_failed)),
            ("sched_latency_mean_s", sm),
            ("sched_latency_p50_s", s50),
            ("sched_latency_p95_s", s95),
            ("sched_latency_p99_s", s99),
            ("sched_latency_max_s", Secs(self.sched_latency.max)),
            ("startup_latency_mean_s", um),
            ("startup_latency_p50_s", u50),
            ("startup_latency_p95_s", u95),
            ("startup_latency_p99_s", u99),
            ("cpu_allocated_avg", Real(self.cpu_allocated_avg)),
            ("memory_allocated_avg", Real(self.memory_allocated_avg)),
            ("gpu_allocated_avg", Real(self.gpu_allocated_avg)),
            ("nodes_used_avg", Real(self.nodes_used_avg)),
            ("makespan_s", OptSecs(self.makespan_s)),
            ("events_processed", Count(self.events_processed)),
            ("sim_end_s", Secs(self.sim_end_s)),
            ("startup_latency_max_s", Secs(self.startup_latency.max)),
            ("ready_latency_mean_s", rm),
            ("ready_latency_p50_s", r50),
            ("ready_latency_p95_s", r95),
            ("ready_latency_p99_s", r99),
            ("ready_latency_max_s", Secs(self.ready_latency.max)),
            ("pods_pending_avg", Real(self.pods_pending_avg)),
            ("pods_pending_max", Count(self.pods_pending_max)),
            ("sched_queue_len_avg", Real(self.sched_queue_len_avg)),
            ("sched_queue_len_max", Count(self.sched_queue_len_max)),
            ("nodes_used_max", Count(self.nodes_used_max)),
            ("fragmentation_cpu_avg", Real(self.fragmentation_cpu_avg)),
            (
                "fragmentation_memory_avg",
                Real(self.fragmentation_memory_avg),
            ),
            (
                "failed_scheduling_events",
                Count(self.failed_scheduling_events),
            ),
            ("preemptions", Count(self.preemptions)),
            ("evictions", Count(self.evictions)),
            ("jobs_completed", Count(self.jobs_completed)),
            ("jobs_failed", Count(self.jobs_failed)),
            ("job_completion_mean_s", jm),
            ("job_completion_p50_s", j50),
            ("job_completion_p95_s", j95),
            ("job_completion_p99_s", j99),
            ("job_completion_max_s", Secs(self.job_completion.max)),
            ("node_hours", Real(self.node_hours)),
            ("cost", OptReal(self.cost)),
            ("faults", Count(self.faults)),
            (
                "workload_below_desired_s",
                Secs(self.workload_below_desired_s),
            ),
            (
                "replicas_lost_to_faults",
                Count(self.replicas_lost_to_faults),
            ),
            ("time_to_recover_max_s", Secs(self.time_to_recover_max_s)),
            ("time_to_recover_mean_s", Secs(self.time_to_recover_mean_s)),
            ("faults_unrecovered", Count(self.faults_unrecovered)),
            ("pods_evicted_by_faults", Count(self.pods_evicted_by_faults)),
            ("service_outage_s", Secs(self.service_outage_s)),
            ("pods_never_scheduled", Count(self.waits.never_scheduled)),
            ("pending_age_p50_s", Secs(self.waits.wait.p50)),
            ("pending_age_p95_s", Secs(self.waits.wait.p95)),
            ("pending_age_p99_s", Secs(self.waits.wait.p99)),
            ("pending_age_max_s", Secs(self.waits.wait.max)),
            ("cpu_throttled_s", Secs(self.cpu_throttled_s)),
            ("oom_kills", Count(self.oom_kills)),
        ]
    }

    /// Fills the figures that come from the recorder: time-weighted averages and maxima,
    /// fragmentation, event counts, node-hours and cost. `end_ms` is the run's length.
    pub fn fill_from_recorder(&mut self, rec: &Recorder, end_ms: u64) {
        let end = end_ms.max(1) as f64;
        let i = &rec.integrals;
        self.pods_pending_avg = i.pending / end;
        self.pods_pending_max = i.pending_max;
        self.sched_queue_len_avg = i.queue / end;
        self.sched_queue_len_max = i.queue_max;
        self.nodes_used_max = i.nodes_used_max;
        self.fragmentation_cpu_avg = step_mean(&rec.samples, |s| s.fragmentation_cpu_ratio);
        self.fragmentation_memory_avg = step_mean(&rec.samples, |s| s.fragmentation_memory_ratio);
        self.failed_scheduling_events = rec.events.failed_scheduling();
        self.preemptions = rec.events.preemptions();
        self.evictions = rec.events.evictions();
        self.node_hours = rec.node_groups.node_hours();
        self.cost = rec.node_groups.cost();
        self.node_groups = rec.node_groups.totals(end_ms);
    }
}

/// Mean of a sampled quantity taken as holding each sample's value until the next sample:
/// Σ vᵢ·(tᵢ₊₁ − tᵢ) / (t_last − t_first); the single sample's value when there is one.
pub fn step_mean(samples: &[Sample], value: impl Fn(&Sample) -> f64) -> f64 {
    match samples {
        [] => 0.0,
        [only] => value(only),
        [first, .., last] => {
            let span = last.time.millis_since(first.time) as f64;
            if span == 0.0 {
                return value(first);
            }
            samples
                .windows(2)
                .map(|w| value(&w[0]) * w[1].time.millis_since(w[0].time) as f64)
                .sum::<f64>()
                / span
        }
    }
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
