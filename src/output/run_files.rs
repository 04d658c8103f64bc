//! The CSV files of one run: pods.csv, timeseries.csv, nodes_timeseries.csv, summary.csv,
//! events.csv. Column names are a documented contract (README).

use crate::engine::SimTime;
use crate::metrics::summary::Summary;
use crate::sim::Simulation;
use std::io::Write;
use std::path::Path;

/// Header of pods.csv.
pub const PODS_HEADER: &str = "name,namespace,owner_kind,owner,node,created_s,scheduled_s,started_s,ready_s,finished_s,phase,attempts,restarts,cpu_request_millis,memory_request_bytes,gpu_request_millis";
/// Header of timeseries.csv.
pub const TIMESERIES_HEADER: &str = "time_s,pods_pending,pods_running,cpu_allocated_ratio,memory_allocated_ratio,gpu_allocated_ratio,nodes_used,nodes_ready";
/// Header of nodes_timeseries.csv.
pub const NODES_HEADER: &str = "time_s,node,cpu_allocated_ratio,memory_allocated_ratio";
/// Header of summary.csv.
pub const SUMMARY_HEADER: &str = "scenario,scheduler,seed,pods_created,pods_scheduled,pods_unschedulable,pods_succeeded,pods_failed,sched_latency_mean_s,sched_latency_p50_s,sched_latency_p95_s,sched_latency_p99_s,sched_latency_max_s,startup_latency_mean_s,startup_latency_p50_s,startup_latency_p95_s,startup_latency_p99_s,cpu_allocated_avg,memory_allocated_avg,gpu_allocated_avg,nodes_used_avg,makespan_s,events_processed,sim_end_s";
/// Header of events.csv.
pub const EVENTS_HEADER: &str = "time_s,type,reason,object_kind,object,message";

fn t(v: Option<SimTime>) -> String {
    v.map(|t| t.to_string()).unwrap_or_default()
}

fn f(v: f64) -> String {
    format!("{v:.6}")
}

fn s3(v: f64) -> String {
    format!("{v:.3}")
}

/// Quotes a CSV field when needed (RFC 4180).
fn q(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// Writes all CSVs of `sim` (with its `summary`) into `dir`.
pub fn write_all(sim: &Simulation, summary: &Summary, dir: &Path) -> std::io::Result<()> {
    write_pods(sim, &dir.join("pods.csv"))?;
    write_timeseries(sim, &dir.join("timeseries.csv"))?;
    if sim.recorder.sample_nodes {
        write_nodes(sim, &dir.join("nodes_timeseries.csv"))?;
    }
    write_summary(summary, &dir.join("summary.csv"))?;
    write_events(sim, &dir.join("events.csv"))?;
    super::availability_files::write_all(sim, dir)?;
    super::workload_files::write_all(sim, dir)?;
    Ok(())
}

fn writer(path: &Path) -> std::io::Result<std::io::BufWriter<std::fs::File>> {
    Ok(std::io::BufWriter::new(std::fs::File::create(path)?))
}

fn write_pods(sim: &Simulation, path: &Path) -> std::io::Result<()> {
    let mut w = writer(path)?;
    writeln!(w, "{PODS_HEADER}")?;
    for (i, p) in sim.cluster.pods.iter().enumerate() {
        let (kind, owner) = sim.owner_of(crate::cluster::PodId(i as u32));
        let node = p
            .node
            .map(|n| sim.cluster.nodes.names[n.ix()].as_str())
            .unwrap_or("");
        let gpu = sim.gpu.map(|g| p.spec.requests.get(g) * 1000).unwrap_or(0);
        writeln!(
            w,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            q(&p.name),
            q(&p.namespace),
            kind,
            q(owner),
            q(node),
            p.times.created,
            t(p.times.scheduled),
            t(p.times.started),
            t(p.times.ready),
            t(p.times.finished),
            p.phase.as_str(),
            p.attempts,
            p.restarts,
            p.spec.requests.get(crate::model::resources::CPU),
            p.spec.requests.get(crate::model::resources::MEMORY),
            gpu
        )?;
    }
    w.flush()
}

fn write_timeseries(sim: &Simulation, path: &Path) -> std::io::Result<()> {
    let mut w = writer(path)?;
    writeln!(w, "{TIMESERIES_HEADER}")?;
    for s in &sim.recorder.samples {
        writeln!(
            w,
            "{},{},{},{},{},{},{},{}",
            s.time,
            s.pods_pending,
            s.pods_running,
            f(s.cpu_allocated_ratio),
            f(s.memory_allocated_ratio),
            f(s.gpu_allocated_ratio),
            s.nodes_used,
            s.nodes_ready
        )?;
    }
    w.flush()
}

fn write_nodes(sim: &Simulation, path: &Path) -> std::io::Result<()> {
    let mut w = writer(path)?;
    writeln!(w, "{NODES_HEADER}")?;
    for s in &sim.recorder.node_samples {
        writeln!(
            w,
            "{},{},{},{}",
            s.time,
            q(&sim.cluster.nodes.names[s.node as usize]),
            f(s.cpu_allocated_ratio),
            f(s.memory_allocated_ratio)
        )?;
    }
    w.flush()
}

/// Writes summary.csv.
pub fn write_summary(s: &Summary, path: &Path) -> std::io::Result<()> {
    let mut w = writer(path)?;
    writeln!(w, "{SUMMARY_HEADER}")?;
    writeln!(
        w,
        "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
        q(&s.scenario),
        q(&s.scheduler),
        s.seed,
        s.pods_created,
        s.pods_scheduled,
        s.pods_unschedulable,
        s.pods_succeeded,
        s.pods_failed,
        s3(s.sched_latency.mean),
        s3(s.sched_latency.p50),
        s3(s.sched_latency.p95),
        s3(s.sched_latency.p99),
        s3(s.sched_latency.max),
        s3(s.startup_latency.mean),
        s3(s.startup_latency.p50),
        s3(s.startup_latency.p95),
        s3(s.startup_latency.p99),
        f(s.cpu_allocated_avg),
        f(s.memory_allocated_avg),
        f(s.gpu_allocated_avg),
        f(s.nodes_used_avg),
        s.makespan_s.map(s3).unwrap_or_default(),
        s.events_processed,
        s3(s.sim_end_s)
    )?;
    w.flush()
}

fn write_events(sim: &Simulation, path: &Path) -> std::io::Result<()> {
    let mut w = writer(path)?;
    writeln!(w, "{EVENTS_HEADER}")?;
    for e in &sim.recorder.events {
        writeln!(
            w,
            "{},{},{},{},{},{}",
            e.time,
            e.kind,
            q(&e.reason),
            e.object_kind,
            q(&e.object),
            q(&e.message)
        )?;
    }
    w.flush()
}
