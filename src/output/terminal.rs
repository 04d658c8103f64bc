//! The short tables printed at the end of a run and of a comparison.

use crate::metrics::summary::Summary;
use crate::output::results_dir::Comparison;

/// Figures of the comparison table: (summary column, label, unit scale, unit).
const COMPARISON_ROWS: [(&str, &str, f64, &str); 17] = [
    ("sched_latency_p50_s", "scheduling latency p50", 1.0, "s"),
    ("sched_latency_p95_s", "scheduling latency p95", 1.0, "s"),
    ("pending_age_p95_s", "wait for a node p95", 1.0, "s"),
    ("pending_age_max_s", "wait for a node max", 1.0, "s"),
    ("pods_never_scheduled", "pods never scheduled", 1.0, ""),
    ("startup_latency_p95_s", "startup latency p95", 1.0, "s"),
    ("cpu_allocated_avg", "cpu allocated (avg)", 100.0, "%"),
    ("memory_allocated_avg", "memory allocated (avg)", 100.0, "%"),
    ("gpu_allocated_avg", "gpu allocated (avg)", 100.0, "%"),
    ("nodes_used_avg", "nodes used (avg)", 1.0, ""),
    ("pods_pending_avg", "pods in phase Pending (avg)", 1.0, ""),
    ("fragmentation_cpu_avg", "cpu fragmented (avg)", 100.0, "%"),
    ("pods_unschedulable", "pods unschedulable", 1.0, ""),
    ("preemptions", "preemptions", 1.0, ""),
    ("makespan_s", "makespan", 1.0, "s"),
    ("node_hours", "node-hours", 1.0, ""),
    ("cost", "cost", 1.0, ""),
];

/// Disruption figures of the comparison table, shown when some run had a fault or an outage.
const DISRUPTION_ROWS: [(&str, &str, f64, &str); 5] = [
    (
        "workload_below_desired_s",
        "workload time below desired",
        1.0,
        "s",
    ),
    (
        "replicas_lost_to_faults",
        "replicas lost to faults",
        1.0,
        "",
    ),
    ("time_to_recover_max_s", "time to recover (max)", 1.0, "s"),
    ("pods_evicted_by_faults", "pods evicted by faults", 1.0, ""),
    ("service_outage_s", "service outage", 1.0, "s"),
];

/// Renders a comparison as a table: one row per figure, one column per scheduler, each
/// cell `mean ± std` over seeds.
pub fn comparison_table(cmp: &Comparison) -> String {
    let mut rows: Vec<Vec<String>> = vec![{
        let mut h = vec![String::new()];
        h.extend(cmp.rows.iter().map(|r| r.scheduler.clone()));
        h
    }];
    let mut runs = vec!["runs".to_owned()];
    runs.extend(cmp.rows.iter().map(|r| r.runs.to_string()));
    rows.push(runs);
    let disrupted = DISRUPTION_ROWS.iter().any(|(m, ..)| {
        cmp.metric(m)
            .is_some_and(|i| cmp.rows.iter().any(|r| r.values[i].0.unwrap_or(0.0) != 0.0))
    });
    let shown = COMPARISON_ROWS
        .iter()
        .chain(DISRUPTION_ROWS.iter().filter(|_| disrupted));
    for &(metric, label, scale, unit) in shown {
        let Some(i) = cmp.metric(metric) else {
            continue;
        };
        if cmp.rows.iter().all(|r| r.values[i].0.is_none()) {
            continue;
        }
        let label = if unit.is_empty() {
            label.to_owned()
        } else {
            format!("{label} ({unit})")
        };
        let mut row = vec![label];
        row.extend(cmp.rows.iter().map(|r| match r.values[i] {
            (Some(m), Some(s)) => format!("{:.3} ± {:.3}", m * scale, s * scale),
            (Some(m), None) => format!("{:.3}", m * scale),
            _ => "-".to_owned(),
        }));
        rows.push(row);
    }
    let cols = rows[0].len();
    let widths: Vec<usize> = (0..cols)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in &rows {
        out.push(' ');
        for (c, cell) in r.iter().enumerate() {
            let pad = widths[c] - cell.chars().count();
            if c == 0 {
                out.push_str(&format!(" {cell}{}", " ".repeat(pad)));
            } else {
                out.push_str(&format!("  {}{cell}", " ".repeat(pad)));
            }
        }
        out.push('\n');
    }
    out
}

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
        ("pods never scheduled", s.waits.never_scheduled.to_string()),
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
            "wait for a node p50/p95/p99/max",
            format!(
                "{:.3} / {:.3} / {:.3} / {:.3} s",
                s.waits.wait.p50, s.waits.wait.p95, s.waits.wait.p99, s.waits.wait.max
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
            "pods in phase Pending avg/max",
            format!("{:.2} / {}", s.pods_pending_avg, s.pods_pending_max),
        ),
        (
            "scheduler queue length avg/max",
            format!("{:.2} / {}", s.sched_queue_len_avg, s.sched_queue_len_max),
        ),
        (
            "makespan",
            s.makespan_s
                .map(|m| format!("{m:.3} s"))
                .unwrap_or_else(|| "-".to_string()),
        ),
    ];
    let mut rows: Vec<(String, String)> =
        rows.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    rows.extend(cost_rows(s));
    rows.extend(
        disruption_rows(s)
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v)),
    );
    let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    rows.iter()
        .map(|(k, v)| format!("  {k:<width$}  {v}\n"))
        .collect()
}

/// The node-hours and cost rows of the summary table: the totals, then one row per node
/// group (nodes average and range, node-hours, cost at its price).
fn cost_rows(s: &Summary) -> Vec<(String, String)> {
    let mut rows = vec![
        ("node-hours".to_owned(), format!("{:.3}", s.node_hours)),
        (
            "cost".to_owned(),
            s.cost.map_or_else(
                || "- (no node group has a cost_per_hour)".to_owned(),
                |c| format!("{c:.3}"),
            ),
        ),
    ];
    for g in &s.node_groups {
        let label = if g.group.is_empty() {
            "nodes without a group".to_owned()
        } else {
            format!("node group {}", g.group)
        };
        let cost = match (g.cost, g.cost_per_hour) {
            (Some(c), Some(p)) => format!(" · cost {c:.3} at {p} per node-hour"),
            _ => String::new(),
        };
        rows.push((
            label,
            format!(
                "{:.2} nodes avg ({} at start, min {}, max {}) · {:.3} node-hours{cost}",
                g.nodes_avg, g.nodes_initial, g.nodes_min, g.nodes_max, g.node_hours
            ),
        ));
    }
    rows
}

/// The fault and availability rows of the summary table, saying when a warm-up was left out.
fn disruption_rows(s: &Summary) -> Vec<(&'static str, String)> {
    let warmup = if s.warmup_s > 0.0 {
        format!(" (after a {:.0} s warm-up)", s.warmup_s)
    } else {
        String::new()
    };
    vec![
        ("faults", s.faults.to_string()),
        (
            "workload time below desired",
            format!("{:.3} s{warmup}", s.workload_below_desired_s),
        ),
        (
            "replicas lost to faults",
            s.replicas_lost_to_faults.to_string(),
        ),
        (
            "time to recover max/mean",
            format!(
                "{:.3} / {:.3} s{}",
                s.time_to_recover_max_s,
                s.time_to_recover_mean_s,
                if s.faults_unrecovered > 0 {
                    format!(" ({} not recovered)", s.faults_unrecovered)
                } else {
                    String::new()
                }
            ),
        ),
        (
            "pods evicted by faults",
            s.pods_evicted_by_faults.to_string(),
        ),
        (
            "service outage",
            format!("{:.3} s{warmup}", s.service_outage_s),
        ),
    ]
}
