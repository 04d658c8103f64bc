//! Per-workload CSVs of a run: workloads.csv, workloads_timeseries.csv, jobs.csv,
//! cronjobs.csv and pvcs.csv (columns documented in docs/controllers.md).

use crate::engine::SimTime;
use crate::metrics::run_record::RunRecord;
use crate::output::results_dir::CsvTable;
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

/// The per-workload tables of the run of `record` in `dir`.
pub fn tables(record: &RunRecord, dir: &Path) -> [CsvTable; 5] {
    let [workloads, timeseries] = workload_tables(record, dir);
    [
        workloads,
        timeseries,
        jobs_table(record, dir),
        cronjobs_table(record, dir),
        pvcs_table(record, dir),
    ]
}

/// workloads.csv (one row per workload) and workloads_timeseries.csv (one row per change
/// of a workload's desired or ready replicas).
fn workload_tables(record: &RunRecord, dir: &Path) -> [CsvTable; 2] {
    let mut rows = Vec::new();
    let mut changes = Vec::new();
    for r in &record.workloads {
        rows.push(vec![
            r.kind.to_string(),
            r.namespace.clone(),
            r.name.clone(),
            r.desired.to_string(),
            r.ready.to_string(),
            r.max_unavailable.to_string(),
            format!("{:.6}", r.availability),
            t(r.first_ready),
            r.pods_created.to_string(),
            r.live_pods.join(" "),
            r.claims.join(" "),
        ]);
        for (time, d, rd) in &r.changes {
            changes.push(vec![
                time.to_string(),
                r.kind.to_string(),
                r.namespace.clone(),
                r.name.clone(),
                d.to_string(),
                rd.to_string(),
            ]);
        }
    }
    [
        CsvTable::built(dir.join("workloads.csv"), WORKLOADS_HEADER, rows),
        CsvTable::built(
            dir.join("workloads_timeseries.csv"),
            WORKLOADS_TIMESERIES_HEADER,
            changes,
        ),
    ]
}

/// jobs.csv: one row per Job.
fn jobs_table(record: &RunRecord, dir: &Path) -> CsvTable {
    let rows = (record.jobs.iter())
        .map(|j| {
            vec![
                j.namespace.clone(),
                j.name.clone(),
                j.cronjob.clone(),
                j.created.to_string(),
                t(j.first_start),
                t(j.completion),
                j.outcome.to_string(),
                j.completions.map(|c| c.to_string()).unwrap_or_default(),
                j.parallelism.to_string(),
                j.succeeded.to_string(),
                j.failed.to_string(),
                j.pods_created.to_string(),
                j.max_active.to_string(),
                (j.completion)
                    .map(|c| secs(c.millis_since(j.created)))
                    .unwrap_or_default(),
            ]
        })
        .collect();
    CsvTable::built(dir.join("jobs.csv"), JOBS_HEADER, rows)
}

/// cronjobs.csv: one row per CronJob run.
fn cronjobs_table(record: &RunRecord, dir: &Path) -> CsvTable {
    let rows = (record.cronjob_runs.iter())
        .map(|run| {
            vec![
                run.namespace.clone(),
                run.cronjob.clone(),
                run.scheduled.to_string(),
                t(run.started),
                (run.started)
                    .map(|s| secs(s.millis_since(run.scheduled)))
                    .unwrap_or_default(),
                run.outcome.to_string(),
                run.job.clone(),
            ]
        })
        .collect();
    CsvTable::built(dir.join("cronjobs.csv"), CRONJOBS_HEADER, rows)
}

/// pvcs.csv: one row per PersistentVolumeClaim.
fn pvcs_table(record: &RunRecord, dir: &Path) -> CsvTable {
    let rows = (record.pvcs.iter())
        .map(|c| {
            vec![
                c.namespace.clone(),
                c.name.clone(),
                c.owner.clone(),
                c.storage_class.clone(),
                c.phase.to_string(),
                c.volume.clone(),
                c.zone.clone(),
                c.requested_bytes.to_string(),
                c.created.to_string(),
                t(c.bound),
                c.deleted.to_string(),
                c.used_by.join(" "),
            ]
        })
        .collect();
    CsvTable::built(dir.join("pvcs.csv"), PVCS_HEADER, rows)
}
