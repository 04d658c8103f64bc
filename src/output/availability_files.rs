//! Availability and disruption CSVs of one run: availability.csv (per workload),
//! faults.csv (per fault episode), services.csv and services_timeseries.csv (per Service).
//! Times come from the availability samples, so they are exact to the sampling period.

use crate::metrics::run_record::RunRecord;
use std::io::Write;
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

/// Writes the availability CSVs into `dir`.
pub fn write_all(record: &RunRecord, dir: &Path) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::new(std::fs::File::create(dir.join("availability.csv"))?);
    writeln!(w, "{AVAILABILITY_HEADER}")?;
    for a in &record.availability {
        writeln!(
            w,
            "{},{},{},{},{},{},{}",
            a.kind,
            a.namespace,
            a.name,
            a.desired,
            secs(a.below_desired_ms),
            a.replicas_lost,
            a.time_to_recover_ms.map(secs).unwrap_or_default()
        )?;
    }
    w.flush()?;

    let mut w = std::io::BufWriter::new(std::fs::File::create(dir.join("faults.csv"))?);
    writeln!(w, "{FAULTS_HEADER}")?;
    for f in &record.faults {
        writeln!(
            w,
            "{},{},{},{},{},{},{}",
            f.node,
            f.cause,
            secs(f.start.as_millis()),
            f.end.map(|e| secs(e.as_millis())).unwrap_or_default(),
            f.pods_lost,
            f.pods_evicted,
            f.time_to_running_ms.map(secs).unwrap_or_default()
        )?;
    }
    w.flush()?;
    write_services(record, dir)
}

/// services.csv and services_timeseries.csv.
fn write_services(record: &RunRecord, dir: &Path) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::new(std::fs::File::create(dir.join("services.csv"))?);
    writeln!(w, "{SERVICES_HEADER}")?;
    for svc in &record.services {
        writeln!(
            w,
            "{},{},{},{}",
            svc.namespace,
            svc.name,
            svc.min_ready_endpoints,
            secs(svc.outage_ms)
        )?;
    }
    w.flush()?;

    let mut w =
        std::io::BufWriter::new(std::fs::File::create(dir.join("services_timeseries.csv"))?);
    writeln!(w, "{SERVICES_TIMESERIES_HEADER}")?;
    for s in &record.service_samples {
        for (i, svc) in record.services.iter().enumerate() {
            writeln!(
                w,
                "{},{},{},{}",
                s.time,
                svc.namespace,
                svc.name,
                s.ready_endpoints.get(i).copied().unwrap_or(0)
            )?;
        }
    }
    w.flush()
}
