//! Availability samples: at every metrics sample, each Deployment's and StatefulSet's
//! Ready replicas against its desired count, and each Service's ready endpoints (the Ready,
//! not-terminating pods its selector matches, as the EndpointSlice controller publishes).

use super::node_lifecycle::FaultRecord;
use super::Simulation;
use crate::cluster::{Owner, PodId};
use crate::engine::SimTime;
use crate::metrics::summary::Summary;
use std::collections::BTreeSet;

/// One availability sample.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AvailabilitySample {
    /// Time.
    pub time: SimTime,
    /// (ready, desired) of every Deployment, then every StatefulSet, by index.
    pub deployments: Vec<(i32, i32)>,
    /// (ready, desired) of every StatefulSet, by index.
    pub statefulsets: Vec<(i32, i32)>,
    /// Ready endpoints of every Service, by index.
    pub services: Vec<u32>,
}

/// Takes an availability sample now.
pub fn sample(sim: &mut Simulation) {
    let ready_active = |sim: &Simulation, p: &crate::cluster::PodId| {
        let pod = &sim.cluster.pods()[p.ix()];
        pod.ready && pod.is_active()
    };
    let deployments = sim
        .workloads
        .deployments
        .iter()
        .map(|d| {
            if d.deleted {
                return (0, 0);
            }
            let ready = d
                .replicasets
                .iter()
                .map(|r| sim.workloads.replicasets[*r as usize].tally.ready())
                .sum();
            (ready, d.spec.replicas)
        })
        .collect();
    let statefulsets = sim
        .workloads
        .statefulsets
        .iter()
        .map(|s| {
            if s.deleted {
                return (0, 0);
            }
            let ready = s.pods.values().filter(|p| ready_active(sim, p)).count() as i32;
            (ready, s.spec.replicas)
        })
        .collect();
    let services = sim
        .lifecycle
        .services
        .iter()
        .map(|svc| {
            if svc.selector.is_empty() {
                return 0;
            }
            sim.cluster
                .pods()
                .iter()
                .filter(|(_, p)| {
                    p.namespace == svc.meta.namespace
                        && p.ready
                        && p.is_active()
                        && svc.selector.iter().all(|(k, v)| p.labels.get(k) == Some(v))
                })
                .count() as u32
        })
        .collect();
    let time = sim.now();
    sim.lifecycle.availability.push(AvailabilitySample {
        time,
        deployments,
        statefulsets,
        services,
    });
}

/// A workload as (kind, index): 0 = Deployment, 1 = StatefulSet.
pub type WorkloadRef = (u8, usize);

/// The Deployment or StatefulSet pod `p` belongs to (none for a retired pod: only a
/// deleted Job's pods retire).
pub fn workload_of(sim: &Simulation, p: PodId) -> Option<WorkloadRef> {
    match sim.cluster.pods().get(p)?.owner {
        Owner::ReplicaSet(r) => sim.workloads.replicasets[r as usize]
            .deployment
            .map(|d| (0, d as usize)),
        Owner::StatefulSet(s) => Some((1, s as usize)),
        _ => None,
    }
}

/// (ready, desired) of workload `w` in sample `s`.
pub fn state(s: &AvailabilitySample, w: WorkloadRef) -> (i32, i32) {
    let list = if w.0 == 0 {
        &s.deployments
    } else {
        &s.statefulsets
    };
    list.get(w.1).copied().unwrap_or((0, 0))
}

/// Time (ms) each sample stands for after the warm-up ends at `warmup`: from the later of
/// its time and `warmup` until the next sample (the last one: zero).
pub fn spans(samples: &[AvailabilitySample], warmup: SimTime) -> Vec<u64> {
    samples
        .windows(2)
        .map(|w| w[1].time.millis_since(w[0].time.max(warmup).min(w[1].time)))
        .chain(std::iter::once(0))
        .collect()
}

/// The samples that count after the warm-up ending at `warmup`: from the one in force at
/// `warmup` (the last taken at or before it) on.
pub fn after_warmup(samples: &[AvailabilitySample], warmup: SimTime) -> &[AvailabilitySample] {
    let k = samples.partition_point(|s| s.time <= warmup);
    &samples[k.saturating_sub(1)..]
}

/// Per workload: (total ms below desired, longest below-desired episode ms), after the
/// warm-up ending at `warmup`.
pub fn below_desired(
    samples: &[AvailabilitySample],
    warmup: SimTime,
    w: WorkloadRef,
) -> (u64, u64) {
    let spans = spans(samples, warmup);
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

/// Every Deployment, then every StatefulSet: (ref, kind, namespace, name, desired).
pub fn workloads(sim: &Simulation) -> Vec<(WorkloadRef, &'static str, &str, &str, i32)> {
    let deployments = sim.workloads.deployments.iter().enumerate().map(|(i, d)| {
        let m = &d.spec.meta;
        (
            (0, i),
            "Deployment",
            &*m.namespace,
            &*m.name,
            d.spec.replicas,
        )
    });
    let statefulsets = sim.workloads.statefulsets.iter().enumerate().map(|(i, s)| {
        let m = &s.spec.meta;
        (
            (1, i),
            "StatefulSet",
            &*m.namespace,
            &*m.name,
            s.spec.replicas,
        )
    });
    deployments.chain(statefulsets).collect()
}

/// Pods of workload `w` that were on a node when a fault started.
pub fn replicas_lost(sim: &Simulation, w: WorkloadRef) -> usize {
    sim.lifecycle
        .faults
        .iter()
        .flat_map(|f| f.pods_lost.iter())
        .filter(|p| workload_of(sim, **p) == Some(w))
        .count()
}

/// Time to recover from fault `f` (ms): from its start until the workloads it hit are whole
/// again after the disruption shows; 0 when it never showed, `None` when they never were.
pub fn time_to_recover(sim: &Simulation, f: &FaultRecord) -> Option<u64> {
    let affected: BTreeSet<WorkloadRef> = f
        .pods_lost
        .iter()
        .filter_map(|p| workload_of(sim, *p))
        .collect();
    let whole = |s: &&AvailabilitySample| {
        affected.iter().all(|wr| {
            let (ready, desired) = state(s, *wr);
            ready >= desired
        })
    };
    let after: Vec<&AvailabilitySample> = sim
        .lifecycle
        .availability
        .iter()
        .filter(|s| s.time >= f.start)
        .collect();
    match after.iter().position(|s| !whole(s)) {
        None => Some(0),
        Some(i) => after[i..]
            .iter()
            .find(|s| whole(s))
            .map(|s| s.time.millis_since(f.start)),
    }
}

/// Service `i` after the warm-up: (fewest ready endpoints in any sample, ms with zero
/// ready endpoints).
pub fn service_outage(sim: &Simulation, i: usize) -> (u32, u64) {
    let samples = &sim.lifecycle.availability;
    let endpoints = |s: &AvailabilitySample| s.services.get(i).copied().unwrap_or(0);
    let min = after_warmup(samples, sim.warmup())
        .iter()
        .map(endpoints)
        .min()
        .unwrap_or(0);
    let outage = samples
        .iter()
        .zip(spans(samples, sim.warmup()))
        .filter(|(s, _)| endpoints(s) == 0)
        .map(|(_, span)| span)
        .sum();
    (min, outage)
}

/// Fills the availability and disruption headline figures of `summary`: the totals of
/// availability.csv, faults.csv and services.csv.
pub fn fill_summary(sim: &Simulation, summary: &mut Summary) {
    let samples = &sim.lifecycle.availability;
    let faults = &sim.lifecycle.faults;
    let ws = workloads(sim);
    let secs = |ms: u64| ms as f64 / 1000.0;
    summary.faults = faults.len() as u64;
    summary.warmup_s = sim.warmup().as_secs_f64();
    summary.workload_below_desired_s = secs(
        ws.iter()
            .map(|(w, ..)| below_desired(samples, sim.warmup(), *w).0)
            .sum(),
    );
    summary.replicas_lost_to_faults = ws.iter().map(|(w, ..)| replicas_lost(sim, *w) as u64).sum();
    let recovered: Vec<u64> = faults
        .iter()
        .filter_map(|f| time_to_recover(sim, f))
        .collect();
    summary.time_to_recover_max_s = secs(recovered.iter().copied().max().unwrap_or(0));
    summary.time_to_recover_mean_s = if recovered.is_empty() {
        0.0
    } else {
        secs(recovered.iter().sum::<u64>()) / recovered.len() as f64
    };
    summary.faults_unrecovered = (faults.len() - recovered.len()) as u64;
    summary.pods_evicted_by_faults = faults.iter().map(|f| f.pods_evicted.len() as u64).sum();
    summary.service_outage_s = secs(
        (0..sim.lifecycle.services.len())
            .map(|i| service_outage(sim, i).1)
            .sum(),
    );
}
