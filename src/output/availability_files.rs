//! Availability and disruption CSVs of one run: availability.csv (per workload),
//! faults.csv (per fault episode), services.csv and services_timeseries.csv (per Service).
//! Times come from the availability samples, so they are exact to the sampling period.

use crate::metrics::run_record::RunRecord;
use crate::output::results_dir::CsvTable;
use std::path::Path;

/// Header of availability.csv.
pub const AVAILABILITY_HEADER: &str =
    "kind,namespace,name,desired,time_below_desired_s,replicas_lost_to_faults,time_to_recover_s";
/// Header of faults.csv.
pub const FAULTS_HEADER: &str = "node,cause,start_s,end_s,pods_lost,pods_evicted,time_to_running_s";
/// Header of services.csv.
pub const SERVICES_HEADER: &str = "namespace,name,min_ready_endpoints,outage_s";
/// Header of services_timeseries.csv.
pub const SERVICES_TIMESERIES_HEADER: &str = "time_s,namespace,service,ready_endpoints";

fn secs(ms: u64) -> String {
    format!("{:.3}", ms as f64 / 1000.0)
}

/// The availability tables of the run of `record` in `dir`.
pub fn tables(record: &RunRecord, dir: &Path) -> [CsvTable; 4] {
    [
        availability_table(record, dir),
        faults_table(record, dir),
        services_table(record, dir),
        services_timeseries_table(record, dir),
    ]
}

/// availability.csv: one row per workload.
fn availability_table(record: &RunRecord, dir: &Path) -> CsvTable {
    let rows = (record.availability.iter())
        .map(|a| {
            vec![
                a.kind.to_string(),
                a.namespace.to_string(),
                a.name.to_string(),
                a.desired.to_string(),
                secs(a.below_desired_ms),
                a.replicas_lost.to_string(),
                a.time_to_recover_ms.map(secs).unwrap_or_default(),
            ]
        })
        .collect();
    CsvTable::built(dir.join("availability.csv"), AVAILABILITY_HEADER, rows)
}

/// faults.csv: one row per fault episode.
fn faults_table(record: &RunRecord, dir: &Path) -> CsvTable {
    let rows = (record.faults.iter())
        .map(|f| {
            vec![
                f.node.to_string(),
                f.cause.to_string(),
                secs(f.start.as_millis()),
                f.end.map(|e| secs(e.as_millis())).unwrap_or_default(),
                f.pods_lost.to_string(),
                f.pods_evicted.to_string(),
                f.time_to_running_ms.map(secs).unwrap_or_default(),
            ]
        })
        .collect();
    CsvTable::built(dir.join("faults.csv"), FAULTS_HEADER, rows)
}

/// services.csv: one row per Service.
fn services_table(record: &RunRecord, dir: &Path) -> CsvTable {
    let rows = (record.services.iter())
        .map(|svc| {
            vec![
                svc.namespace.to_string(),
                svc.name.to_string(),
                svc.min_ready_endpoints.to_string(),
                secs(svc.outage_ms),
            ]
        })
        .collect();
    CsvTable::built(dir.join("services.csv"), SERVICES_HEADER, rows)
}

/// services_timeseries.csv: one row per availability sample and Service.
fn services_timeseries_table(record: &RunRecord, dir: &Path) -> CsvTable {
    let mut rows = Vec::new();
    for s in &record.service_samples {
        for (i, svc) in record.services.iter().enumerate() {
            rows.push(vec![
                s.time.to_string(),
                svc.namespace.to_string(),
                svc.name.to_string(),
                s.ready_endpoints.get(i).copied().unwrap_or(0).to_string(),
            ]);
        }
    }
    let path = dir.join("services_timeseries.csv");
    CsvTable::built(path, SERVICES_TIMESERIES_HEADER, rows)
}
