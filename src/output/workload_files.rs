//! Per-workload CSVs of a run: workloads.csv, workloads_timeseries.csv, jobs.csv,
//! cronjobs.csv and pvcs.csv (columns documented in docs/controllers.md).

use crate::cluster::storage::ClaimPhase;
use crate::cluster::{Owner, PodId};
use crate::controllers::cronjob::RunOutcome;
use crate::controllers::job::JobOutcome;
use crate::controllers::ReplicaTracker;
use crate::engine::SimTime;
use crate::sim::Simulation;
use std::io::Write;
use std::path::Path;

/// Header of workloads.csv.
pub const WORKLOADS_HEADER: &str = "kind,namespace,name,desired,ready,max_unavailable,availability,first_ready_s,pods_created,pods,claims";
/// Header of workloads_timeseries.csv.
pub const WORKLOADS_TIMESERIES_HEADER: &str = "time_s,kind,namespace,name,desired,ready";
/// Header of jobs.csv.
pub const JOBS_HEADER: &str = "namespace,name,cronjob,created_s,start_s,completion_s,outcome,completions,parallelism,succeeded,failed,pods_created,max_active,duration_s";
/// Header of cronjobs.csv.
pub const CRONJOBS_HEADER: &str =
    "namespace,cronjob,scheduled_s,actual_start_s,lateness_s,outcome,job";
/// Header of pvcs.csv.
pub const PVCS_HEADER: &str = "namespace,name,owner,storage_class,phase,volume,zone,requested_bytes,created_s,bound_s,deleted,used_by";

fn t(v: Option<SimTime>) -> String {
    v.map(|t| t.to_string()).unwrap_or_default()
}

/// Quotes a CSV field when needed (RFC 4180).
fn q(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

fn writer(path: &Path) -> std::io::Result<std::io::BufWriter<std::fs::File>> {
    Ok(std::io::BufWriter::new(std::fs::File::create(path)?))
}

/// Writes the per-workload CSVs of `sim` into `dir`.
pub fn write_all(sim: &Simulation, dir: &Path) -> std::io::Result<()> {
    write_workloads(sim, dir)?;
    write_jobs(sim, &dir.join("jobs.csv"))?;
    write_cronjobs(sim, &dir.join("cronjobs.csv"))?;
    write_pvcs(sim, &dir.join("pvcs.csv"))?;
    Ok(())
}

/// One row of workloads.csv before formatting.
struct Row<'a> {
    kind: &'static str,
    namespace: &'a str,
    name: &'a str,
    tracker: &'a ReplicaTracker,
    pods: Vec<PodId>,
    claims: Vec<String>,
}

fn rows(sim: &Simulation) -> Vec<Row<'_>> {
    let w = &sim.workloads;
    let mut out = Vec::new();
    for d in &w.deployments {
        let pods = d
            .replicasets
            .iter()
            .flat_map(|r| w.replicasets[*r as usize].pods.iter().copied())
            .collect();
        out.push(Row {
            kind: "Deployment",
            namespace: &d.spec.meta.namespace,
            name: &d.spec.meta.name,
            tracker: &d.tracker,
            pods,
            claims: Vec::new(),
        });
    }
    for (i, s) in w.statefulsets.iter().enumerate() {
        let owner = Owner::StatefulSet(i as u32);
        let pods = (0..sim.cluster.pods.len() as u32)
            .map(PodId)
            .filter(|p| sim.cluster.pods[p.ix()].owner == owner)
            .collect();
        out.push(Row {
            kind: "StatefulSet",
            namespace: &s.spec.meta.namespace,
            name: &s.spec.meta.name,
            tracker: &s.tracker,
            pods,
            claims: s.claims.clone(),
        });
    }
    for d in &w.daemonsets {
        out.push(Row {
            kind: "DaemonSet",
            namespace: &d.spec.meta.namespace,
            name: &d.spec.meta.name,
            tracker: &d.tracker,
            pods: d.pods.iter().map(|(_, p)| *p).collect(),
            claims: Vec::new(),
        });
    }
    out
}

fn write_workloads(sim: &Simulation, dir: &Path) -> std::io::Result<()> {
    let end = sim.engine.now();
    let mut w = writer(&dir.join("workloads.csv"))?;
    let mut ts = writer(&dir.join("workloads_timeseries.csv"))?;
    writeln!(w, "{WORKLOADS_HEADER}")?;
    writeln!(ts, "{WORKLOADS_TIMESERIES_HEADER}")?;
    for r in rows(sim) {
        let (desired, ready) = r
            .tracker
            .changes
            .last()
            .map(|(_, d, r)| (*d, *r))
            .unwrap_or((0, 0));
        let mut live: Vec<&str> = r
            .pods
            .iter()
            .map(|p| &sim.cluster.pods[p.ix()])
            .filter(|p| p.is_active())
            .map(|p| p.name.as_str())
            .collect();
        live.sort_unstable();
        writeln!(
            w,
            "{},{},{},{desired},{ready},{},{:.6},{},{},{},{}",
            r.kind,
            q(r.namespace),
            q(r.name),
            r.tracker.max_unavailable,
            r.tracker.availability(end),
            t(r.tracker.first_ready),
            r.pods.len(),
            q(&live.join(" ")),
            q(&r.claims.join(" ")),
        )?;
        for (time, d, rd) in &r.tracker.changes {
            writeln!(
                ts,
                "{time},{},{},{},{d},{rd}",
                r.kind,
                q(r.namespace),
                q(r.name)
            )?;
        }
    }
    w.flush()?;
    ts.flush()
}

fn write_jobs(sim: &Simulation, path: &Path) -> std::io::Result<()> {
    let mut w = writer(path)?;
    writeln!(w, "{JOBS_HEADER}")?;
    for j in &sim.workloads.jobs {
        let cron = j
            .cronjob
            .map(|c| sim.workloads.cronjobs[c as usize].spec.meta.name.as_str())
            .unwrap_or("");
        let (completion, outcome) = match j.finished {
            Some((at, JobOutcome::Complete)) => (Some(at), "Complete"),
            Some((at, JobOutcome::Failed)) => (Some(at), "Failed"),
            None if j.deleted => (None, "Deleted"),
            None => (None, "Running"),
        };
        let first_start = j
            .pods
            .iter()
            .filter_map(|p| sim.cluster.pods[p.ix()].times.started)
            .min();
        let duration =
            completion.map(|c| format!("{:.3}", c.millis_since(j.start) as f64 / 1000.0));
        writeln!(
            w,
            "{},{},{},{},{},{},{outcome},{},{},{},{},{},{},{}",
            q(&j.namespace),
            q(&j.name),
            q(cron),
            j.start,
            t(first_start),
            t(completion),
            j.spec
                .completions
                .map(|c| c.to_string())
                .unwrap_or_default(),
            j.spec.parallelism,
            j.succeeded,
            j.failed,
            j.pods.len(),
            j.max_active,
            duration.unwrap_or_default(),
        )?;
    }
    w.flush()
}

fn write_cronjobs(sim: &Simulation, path: &Path) -> std::io::Result<()> {
    let mut w = writer(path)?;
    writeln!(w, "{CRONJOBS_HEADER}")?;
    for c in &sim.workloads.cronjobs {
        for run in &c.runs {
            let outcome = match run.outcome {
                RunOutcome::Started => "Started",
                RunOutcome::Skipped => "Skipped",
                RunOutcome::Replaced => "Replaced",
                RunOutcome::Missed => "Missed",
            };
            let lateness = run
                .started
                .map(|s| format!("{:.3}", s.millis_since(run.scheduled) as f64 / 1000.0))
                .unwrap_or_default();
            let job = run
                .job
                .map(|j| sim.workloads.jobs[j as usize].name.as_str())
                .unwrap_or("");
            writeln!(
                w,
                "{},{},{},{},{lateness},{outcome},{}",
                q(&c.spec.meta.namespace),
                q(&c.spec.meta.name),
                run.scheduled,
                t(run.started),
                q(job),
            )?;
        }
    }
    w.flush()
}

fn write_pvcs(sim: &Simulation, path: &Path) -> std::io::Result<()> {
    let mut w = writer(path)?;
    writeln!(w, "{PVCS_HEADER}")?;
    let storage = &sim.cluster.storage;
    for c in &storage.pvcs {
        let vol = c.volume.map(|v| &storage.pvs[v as usize]);
        let zone = vol
            .and_then(|v| v.spec.meta.labels.get(crate::cluster::storage::ZONE_LABEL))
            .map(|s| s.as_str())
            .unwrap_or("");
        let mut users: Vec<&str> = c
            .users
            .iter()
            .map(|p| sim.cluster.pods[p.ix()].name.as_str())
            .collect();
        users.dedup();
        writeln!(
            w,
            "{},{},{},{},{},{},{},{},{},{},{},{}",
            q(&c.spec.meta.namespace),
            q(&c.spec.meta.name),
            q(&c.owner),
            q(&c.class),
            match c.phase {
                ClaimPhase::Pending => "Pending",
                ClaimPhase::Bound => "Bound",
            },
            q(vol.map(|v| v.spec.meta.name.as_str()).unwrap_or("")),
            q(zone),
            c.spec.storage_bytes,
            c.created,
            t(c.bound_at),
            c.deleted,
            q(&users.join(" ")),
        )?;
    }
    w.flush()
}
