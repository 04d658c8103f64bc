//! Availability samples: at every metrics sample, each Deployment's and StatefulSet's
//! Ready replicas against its desired count, and each Service's ready endpoints (the Ready,
//! not-terminating pods its selector matches, as the EndpointSlice controller publishes).

use super::Simulation;
use crate::engine::SimTime;

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
        let pod = &sim.cluster.pods[p.ix()];
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
                .flat_map(|r| sim.workloads.replicasets[*r as usize].pods.iter())
                .filter(|p| ready_active(sim, p))
                .count() as i32;
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
                .pods
                .iter()
                .filter(|p| {
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
