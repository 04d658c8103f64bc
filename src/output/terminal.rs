//! The short summary table printed at the end of a run.

use crate::metrics::summary::Summary;

/// Renders the summary as an aligned two-column table.
pub fn summary_table(s: &Summary) -> String {
    let rows: Vec<(&str, String)> = vec![
        ("scenario", s.scenario.clone()),
        ("scheduler", s.scheduler.clone()),
        ("seed", s.seed.to_string()),
        ("simulated time", format!("{:.0} s", s.sim_end_s)),
        ("events processed", s.events_processed.to_string()),
        ("pods created", s.pods_created.to_string()),
        ("pods scheduled", s.pods_scheduled.to_string()),
        ("pods unschedulable", s.pods_unschedulable.to_string()),
        ("pods succeeded", s.pods_succeeded.to_string()),
        ("pods failed", s.pods_failed.to_string()),
        (
            "scheduling latency p50/p95/p99",
            format!(
                "{:.3} / {:.3} / {:.3} s",
                s.sched_latency.p50, s.sched_latency.p95, s.sched_latency.p99
            ),
        ),
        (
            "startup latency p50/p95/p99",
            format!(
                "{:.3} / {:.3} / {:.3} s",
                s.startup_latency.p50, s.startup_latency.p95, s.startup_latency.p99
            ),
        ),
        (
            "cpu allocated (avg)",
            format!("{:.1} %", s.cpu_allocated_avg * 100.0),
        ),
        (
            "memory allocated (avg)",
            format!("{:.1} %", s.memory_allocated_avg * 100.0),
        ),
        ("nodes used (avg)", format!("{:.2}", s.nodes_used_avg)),
        (
            "makespan",
            s.makespan_s
                .map(|m| format!("{m:.3} s"))
                .unwrap_or_else(|| "-".to_string()),
        ),
    ];
    let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    rows.iter()
        .map(|(k, v)| format!("  {k:<width$}  {v}\n"))
        .collect()
}
