//! Per-workload CSVs of a run: workloads.csv, workloads_timeseries.csv, jobs.csv,
//! cronjobs.csv and pvcs.csv (columns documented in docs/controllers.md).

use super::run_files::q;
use crate::engine::SimTime;
use crate::metrics::run_record::RunRecord;
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

/// Milliseconds as seconds with three decimals.
fn secs(ms: u64) -> String {
    format!("{:.3}", ms as f64 / 1000.0)
}

fn writer(path: &Path) -> std::io::Result<std::io::BufWriter<std::fs::File>> {
    Ok(std::io::BufWriter::new(std::fs::File::create(path)?))
}

/// Writes the per-workload CSVs of a run into `dir`.
pub fn write_all(record: &RunRecord, dir: &Path) -> std::io::Result<()> {
    write_workloads(record, dir)?;
    write_jobs(record, &dir.join("jobs.csv"))?;
    write_cronjobs(record, &dir.join("cronjobs.csv"))?;
    write_pvcs(record, &dir.join("pvcs.csv"))?;
    Ok(())
}

fn write_workloads(record: &RunRecord, dir: &Path) -> std::io::Result<()> {
    let mut w = writer(&dir.join("workloads.csv"))?;
    let mut ts = writer(&dir.join("workloads_timeseries.csv"))?;
    writeln!(w, "{WORKLOADS_HEADER}")?;
    writeln!(ts, "{WORKLOADS_TIMESERIES_HEADER}")?;
    for r in &record.workloads {
        writeln!(
            w,
            "{},{},{},{},{},{},{:.6},{},{},{},{}",
            r.kind,
            q(&r.namespace),
            q(&r.name),
            r.desired,
            r.ready,
            r.max_unavailable,
            r.availability,
            t(r.first_ready),
            r.pods_created,
            q(&r.live_pods.join(" ")),
            q(&r.claims.join(" ")),
        )?;
        for (time, d, rd) in &r.changes {
            writeln!(
                ts,
                "{time},{},{},{},{d},{rd}",
                r.kind,
                q(&r.namespace),
                q(&r.name)
            )?;
        }
    }
    w.flush()?;
    ts.flush()
}

fn write_jobs(record: &RunRecord, path: &Path) -> std::io::Result<()> {
    let mut w = writer(path)?;
    writeln!(w, "{JOBS_HEADER}")?;
    for j in &record.jobs {
        writeln!(
            w,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            q(&j.namespace),
            q(&j.name),
            q(&j.cronjob),
            j.created,
            t(j.first_start),
            t(j.completion),
            j.outcome,
            j.completions.map(|c| c.to_string()).unwrap_or_default(),
            j.parallelism,
            j.succeeded,
            j.failed,
            j.pods_created,
            j.max_active,
            (j.completion)
                .map(|c| secs(c.millis_since(j.created)))
                .unwrap_or_default(),
        )?;
    }
    w.flush()
}

fn write_cronjobs(record: &RunRecord, path: &Path) -> std::io::Result<()> {
    let mut w = writer(path)?;
    writeln!(w, "{CRONJOBS_HEADER}")?;
    for run in &record.cronjob_runs {
        writeln!(
            w,
            "{},{},{},{},{},{},{}",
            q(&run.namespace),
            q(&run.cronjob),
            run.scheduled,
            t(run.started),
            (run.started)
                .map(|s| secs(s.millis_since(run.scheduled)))
                .unwrap_or_default(),
            run.outcome,
            q(&run.job),
        )?;
    }
    w.flush()
}

fn write_pvcs(record: &RunRecord, path: &Path) -> std::io::Result<()> {
    let mut w = writer(path)?;
    writeln!(w, "{PVCS_HEADER}")?;
    for c in &record.pvcs {
        writeln!(
            w,
            "{},{},{},{},{},{},{},{},{},{},{},{}",
            q(&c.namespace),
            q(&c.name),
            q(&c.owner),
            q(&c.storage_class),
            c.phase,
            q(&c.volume),
            q(&c.zone),
            c.requested_bytes,
            c.created,
            t(c.bound),
            c.deleted,
            q(&c.used_by.join(" ")),
        )?;
    }
    w.flush()
}
