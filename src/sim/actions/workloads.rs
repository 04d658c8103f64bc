//! Workload verbs of the timeline: scale, apply and delete.

use super::lifecycle;
use super::not_found;
use crate::controllers::{deployment, statefulset};
use crate::input::manifest::Object;
use crate::input::scenario::TimelineEntry;
use crate::sim::event::ControllerRef;
use crate::sim::Simulation;

/// The live Deployment `ns/name`.
pub(super) fn find_deployment(sim: &Simulation, ns: &str, name: &str) -> Option<u32> {
    sim.workloads
        .deployments
        .iter()
        .position(|d| !d.deleted && d.spec.meta.namespace == ns && d.spec.meta.name == name)
        .map(|i| i as u32)
}

/// The live StatefulSet `ns/name`.
pub(super) fn find_statefulset(sim: &Simulation, ns: &str, name: &str) -> Option<u32> {
    sim.workloads
        .statefulsets
        .iter()
        .position(|s| !s.deleted && s.spec.meta.namespace == ns && s.spec.meta.name == name)
        .map(|i| i as u32)
}

/// The live (not deleted) CronJob `ns/name`.
pub(super) fn find_cronjob(sim: &Simulation, ns: &str, name: &str) -> Option<u32> {
    sim.workloads
        .cronjobs
        .iter()
        .position(|c| !c.deleted && c.spec.meta.namespace == ns && c.spec.meta.name == name)
        .map(|i| i as u32)
}

/// The live ReplicaSet `ns/name`.
pub(super) fn find_replicaset(sim: &Simulation, ns: &str, name: &str) -> Option<u32> {
    sim.workloads
        .replicasets
        .iter()
        .position(|r| !r.deleted && r.namespace == ns && r.name == name)
        .map(|i| i as u32)
}

/// `kubectl scale`.
pub(super) fn scale(
    sim: &mut Simulation,
    entry: &TimelineEntry,
    kind: &str,
    ns: &str,
    name: &str,
    replicas: i32,
) {
    match kind {
        "Deployment" => match find_deployment(sim, ns, name) {
            Some(d) => deployment::set_replicas(sim, d, replicas),
            None => not_found(sim, entry, format!("deployments.apps {name:?} not found")),
        },
        "StatefulSet" => match find_statefulset(sim, ns, name) {
            Some(s) => statefulset::scale(sim, s, replicas),
            None => not_found(sim, entry, format!("statefulsets.apps {name:?} not found")),
        },
        _ => match find_replicaset(sim, ns, name) {
            Some(r) => {
                sim.workloads.replicasets[r as usize].replicas = replicas;
                sim.request_sync(ControllerRef::ReplicaSet(r));
            }
            None => not_found(sim, entry, format!("replicasets.apps {name:?} not found")),
        },
    }
}

/// `kubectl apply` of one object: creates it, or updates replicas and template of an
/// existing Deployment or StatefulSet.
pub(super) fn apply_object(sim: &mut Simulation, entry: &TimelineEntry, o: &Object) {
    let (ns, name) = o.key();
    match o {
        Object::Deployment(d) => {
            if let Some(i) = find_deployment(sim, ns, name) {
                let st = &mut sim.workloads.deployments[i as usize].spec;
                st.replicas = d.replicas;
                st.strategy = d.strategy.clone();
                st.paused = d.paused;
                if st.template.hash != d.template.hash {
                    deployment::set_template(sim, i, d.template.clone());
                } else {
                    sim.request_sync(ControllerRef::Deployment(i));
                }
                return;
            }
        }
        Object::StatefulSet(s) => {
            if let Some(i) = find_statefulset(sim, ns, name) {
                let st = &mut sim.workloads.statefulsets[i as usize].spec;
                st.replicas = s.replicas;
                st.template = s.template.clone();
                sim.request_sync(ControllerRef::StatefulSet(i));
                return;
            }
        }
        Object::Pod(_)
            if sim
                .cluster
                .pod_names
                .contains_key(&(ns.to_string(), name.to_string())) =>
        {
            return;
        }
        Object::Job(_)
            if sim
                .workloads
                .jobs
                .iter()
                .any(|j| !j.deleted && j.namespace == ns && j.name == name) =>
        {
            return;
        }
        Object::CronJob(_) if find_cronjob(sim, ns, name).is_some() => {
            return;
        }
        Object::ReplicaSet(r) => {
            if let Some(i) = find_replicaset(sim, ns, name) {
                sim.workloads.replicasets[i as usize].replicas = r.replicas;
                sim.request_sync(ControllerRef::ReplicaSet(i));
                return;
            }
        }
        _ => {}
    }
    if let Err(e) = crate::sim::setup::instantiate(sim, o) {
        not_found(sim, entry, e.to_string());
    }
}

/// `kubectl delete`.
pub(super) fn delete(
    sim: &mut Simulation,
    entry: &TimelineEntry,
    kind: &str,
    ns: &str,
    name: &str,
    grace_period_s: Option<i64>,
) {
    match kind {
        "Deployment" => match find_deployment(sim, ns, name) {
            Some(d) => {
                sim.workloads.deployments[d as usize].deleted = true;
                sim.request_sync(ControllerRef::Deployment(d));
            }
            None => not_found(sim, entry, format!("deployments.apps {name:?} not found")),
        },
        "StatefulSet" => match find_statefulset(sim, ns, name) {
            Some(s) => {
                sim.workloads.statefulsets[s as usize].deleted = true;
                sim.request_sync(ControllerRef::StatefulSet(s));
            }
            None => not_found(sim, entry, format!("statefulsets.apps {name:?} not found")),
        },
        "ReplicaSet" => match find_replicaset(sim, ns, name) {
            Some(r) => {
                sim.workloads.replicasets[r as usize].deleted = true;
                sim.request_sync(ControllerRef::ReplicaSet(r));
            }
            None => not_found(sim, entry, format!("replicasets.apps {name:?} not found")),
        },
        "Job" => {
            let found = sim
                .workloads
                .jobs
                .iter()
                .position(|j| !j.deleted && j.namespace == ns && j.name == name);
            match found {
                Some(j) => {
                    sim.workloads.jobs[j].deleted = true;
                    sim.request_sync(ControllerRef::Job(j as u32));
                }
                None => not_found(sim, entry, format!("jobs.batch {name:?} not found")),
            }
        }
        "CronJob" => match find_cronjob(sim, ns, name).map(|c| c as usize) {
            Some(c) => {
                sim.workloads.cronjobs[c].deleted = true;
                sim.workloads.cronjobs[c].spec.suspend = true;
                let jobs = sim.workloads.cronjobs[c].jobs.clone();
                for j in jobs {
                    sim.workloads.jobs[j as usize].deleted = true;
                    sim.request_sync(ControllerRef::Job(j));
                }
            }
            None => not_found(sim, entry, format!("cronjobs.batch {name:?} not found")),
        },
        "Pod" => {
            let id = sim
                .cluster
                .pod_names
                .get(&(ns.to_string(), name.to_string()))
                .copied();
            match id {
                Some(p) => {
                    let grace = lifecycle::grace_ms(sim, p, grace_period_s.unwrap_or(-1));
                    lifecycle::begin_termination(sim, p, grace);
                }
                None => not_found(sim, entry, format!("pods {name:?} not found")),
            }
        }
        other => not_found(sim, entry, format!("deleting a {other} is not supported")),
    }
}
