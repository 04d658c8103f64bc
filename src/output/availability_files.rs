//! Availability and disruption CSVs of one run: availability.csv (per workload),
//! faults.csv (per fault episode), services.csv and services_timeseries.csv (per Service).
//! Times come from the availability samples, so they are exact to the sampling period.

use crate::sim::availability::{
    below_desired, replicas_lost, service_outage, time_to_recover, workloads,
};
use crate::sim::Simulation;
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
pub fn write_all(sim: &Simulation, dir: &Path) -> std::io::Result<()> {
    let samples = &sim.lifecycle.availability;
    let faults = &sim.lifecycle.faults;
    let mut w = std::io::BufWriter::new(std::fs::File::create(dir.join("availability.csv"))?);
    writeln!(w, "{AVAILABILITY_HEADER}")?;
    for (wr, kind, ns, name, desired) in workloads(sim) {
        let lost = replicas_lost(sim, wr);
        let (total, longest) = below_desired(samples, sim.warmup(), wr);
        let recover = if longest > 0 {
            secs(longest)
        } else {
            String::new()
        };
        writeln!(
            w,
            "{kind},{ns},{name},{desired},{},{lost},{recover}",
            secs(total)
        )?;
    }
    w.flush()?;

    let mut w = std::io::BufWriter::new(std::fs::File::create(dir.join("faults.csv"))?);
    writeln!(w, "{FAULTS_HEADER}")?;
    for f in faults {
        let back = time_to_recover(sim, f).map(secs).unwrap_or_default();
        writeln!(
            w,
            "{},{},{},{},{},{},{back}",
            sim.cluster.nodes.names[f.node.ix()],
            f.cause.as_str(),
            secs(f.start.as_millis()),
            f.end.map(|e| secs(e.as_millis())).unwrap_or_default(),
            f.pods_lost.len(),
            f.pods_evicted.len(),
        )?;
    }
    w.flush()?;

    let mut w = std::io::BufWriter::new(std::fs::File::create(dir.join("services.csv"))?);
    writeln!(w, "{SERVICES_HEADER}")?;
    for (i, svc) in sim.lifecycle.services.iter().enumerate() {
        let (min, outage) = service_outage(sim, i);
        writeln!(
            w,
            "{},{},{min},{}",
            svc.meta.namespace,
            svc.meta.name,
            secs(outage)
        )?;
    }
    w.flush()?;

    let mut w =
        std::io::BufWriter::new(std::fs::File::create(dir.join("services_timeseries.csv"))?);
    writeln!(w, "{SERVICES_TIMESERIES_HEADER}")?;
    for s in samples {
        for (i, svc) in sim.lifecycle.services.iter().enumerate() {
            writeln!(
                w,
                "{},{},{},{}",
                s.time,
                svc.meta.namespace,
                svc.meta.name,
                s.services.get(i).copied().unwrap_or(0)
            )?;
        }
    }
    w.flush()
}
