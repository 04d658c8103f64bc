//! Availability and disruption CSVs of one run: availability.csv (per workload),
//! faults.csv (per fault episode), services.csv and services_timeseries.csv (per Service).
//! Times come from the availability samples, so they are exact to the sampling period.

use crate::cluster::{Owner, PodId};
use crate::sim::availability::AvailabilitySample;
use crate::sim::Simulation;
use std::collections::BTreeSet;
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

/// A workload as (kind, index): 0 = Deployment, 1 = StatefulSet.
type WorkloadRef = (u8, usize);

fn workload_of(sim: &Simulation, p: PodId) -> Option<WorkloadRef> {
    match sim.cluster.pods[p.ix()].owner {
        Owner::ReplicaSet(r) => sim.workloads.replicasets[r as usize]
            .deployment
            .map(|d| (0, d as usize)),
        Owner::StatefulSet(s) => Some((1, s as usize)),
        _ => None,
    }
}

fn state(s: &AvailabilitySample, w: WorkloadRef) -> (i32, i32) {
    let list = if w.0 == 0 {
        &s.deployments
    } else {
        &s.statefulsets
    };
    list.get(w.1).copied().unwrap_or((0, 0))
}

/// Time (ms) each sample stands for: until the next sample (the last one: zero).
fn spans(samples: &[AvailabilitySample]) -> Vec<u64> {
    samples
        .windows(2)
        .map(|w| w[1].time.millis_since(w[0].time))
        .chain(std::iter::once(0))
        .collect()
}

fn secs(ms: u64) -> String {
    format!("{:.3}", ms as f64 / 1000.0)
}

/// Per workload: (total ms below desired, longest below-desired episode ms).
fn below_desired(samples: &[AvailabilitySample], w: WorkloadRef) -> (u64, u64) {
    let spans = spans(samples);
    let (mut total, mut longest, mut current) = (0, 0, 0);
    for (s, span) in samples.iter().zip(&spans) {
        let (ready, desired) = state(s, w);
        if ready < desired {
            total += span;
            current += span;
            longest = longest.max(current);
        } else {
            current = 0;
        }
    }
    (total, longest)
}

/// Writes the availability CSVs into `dir`.
pub fn write_all(sim: &Simulation, dir: &Path) -> std::io::Result<()> {
    let samples = &sim.lifecycle.availability;
    let faults = &sim.lifecycle.faults;
    let mut w = std::io::BufWriter::new(std::fs::File::create(dir.join("availability.csv"))?);
    writeln!(w, "{AVAILABILITY_HEADER}")?;
    let mut workloads: Vec<(WorkloadRef, &str, &str, &str, i32)> = Vec::new();
    for (i, d) in sim.workloads.deployments.iter().enumerate() {
        workloads.push((
            (0, i),
            "Deployment",
            &d.spec.meta.namespace,
            &d.spec.meta.name,
            d.spec.replicas,
        ));
    }
    for (i, s) in sim.workloads.statefulsets.iter().enumerate() {
        workloads.push((
            (1, i),
            "StatefulSet",
            &s.spec.meta.namespace,
            &s.spec.meta.name,
            s.spec.replicas,
        ));
    }
    for (wr, kind, ns, name, desired) in &workloads {
        let lost = faults
            .iter()
            .flat_map(|f| f.pods_lost.iter())
            .filter(|p| workload_of(sim, **p) == Some(*wr))
            .count();
        let (total, longest) = below_desired(samples, *wr);
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
        let affected: BTreeSet<WorkloadRef> = f
            .pods_lost
            .iter()
            .filter_map(|p| workload_of(sim, *p))
            .collect();
        // From the fault until its workloads are whole again after the disruption shows
        // (0 when it never did).
        let whole = |s: &&AvailabilitySample| {
            affected.iter().all(|wr| {
                let (ready, desired) = state(s, *wr);
                ready >= desired
            })
        };
        let after: Vec<&AvailabilitySample> =
            samples.iter().filter(|s| s.time >= f.start).collect();
        let back = match after.iter().position(|s| !whole(s)) {
            None => secs(0),
            Some(i) => after[i..]
                .iter()
                .find(|s| whole(s))
                .map(|s| secs(s.time.millis_since(f.start)))
                .unwrap_or_default(),
        };
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

    let spans = spans(samples);
    let mut w = std::io::BufWriter::new(std::fs::File::create(dir.join("services.csv"))?);
    writeln!(w, "{SERVICES_HEADER}")?;
    for (i, svc) in sim.lifecycle.services.iter().enumerate() {
        let endpoints = samples
            .iter()
            .map(|s| s.services.get(i).copied().unwrap_or(0));
        let min = endpoints.clone().min().unwrap_or(0);
        let outage: u64 = endpoints
            .zip(&spans)
            .filter(|(e, _)| *e == 0)
            .map(|(_, s)| *s)
            .sum();
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
