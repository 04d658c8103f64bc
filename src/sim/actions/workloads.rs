//! Workload verbs of the timeline: scale, apply and delete.

use super::not_found;
use crate::controllers::ControllerRef;
use crate::controllers::{deployment, garbage_collector, statefulset};
use crate::model::workload::PropagationPolicy;
use crate::scenario::object::Object;
use crate::scenario::TimelineEntry;
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
                .pod_names()
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
        Object::HorizontalPodAutoscaler(h) => {
            // Re-applying an HPA changes its spec; its status and histories stay.
            if let Some(st) = sim
                .workloads
                .hpas
                .iter_mut()
                .find(|s| !s.deleted && s.spec.meta.namespace == ns && s.spec.meta.name == name)
            {
                st.status.current_metrics.resize(h.metrics.len(), None);
                st.spec = h.clone();
                return;
            }
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

/// The live (not deleted) Job `ns/name`.
fn find_job(sim: &Simulation, ns: &str, name: &str) -> Option<u32> {
    sim.workloads
        .jobs
        .iter()
        .position(|j| !j.deleted && j.namespace == ns && j.name == name)
        .map(|i| i as u32)
}

/// The live (not deleted) DaemonSet `ns/name`.
fn find_daemonset(sim: &Simulation, ns: &str, name: &str) -> Option<u32> {
    sim.workloads
        .daemonsets
        .iter()
        .position(|d| !d.deleted && d.spec.meta.namespace == ns && d.spec.meta.name == name)
        .map(|i| i as u32)
}

/// The owner `kind ns/name` for `kubectl delete`, or the kubectl-worded not-found message.
fn find_owner(sim: &Simulation, kind: &str, ns: &str, name: &str) -> Result<ControllerRef, String> {
    let (found, resource) = match kind {
        "Deployment" => (
            find_deployment(sim, ns, name).map(ControllerRef::Deployment),
            "deployments.apps",
        ),
        "StatefulSet" => (
            find_statefulset(sim, ns, name).map(ControllerRef::StatefulSet),
            "statefulsets.apps",
        ),
        // ReplicationControllers are simulated as ReplicaSets.
        "ReplicaSet" => (
            find_replicaset(sim, ns, name).map(ControllerRef::ReplicaSet),
            "replicasets.apps",
        ),
        "DaemonSet" => (
            find_daemonset(sim, ns, name).map(ControllerRef::DaemonSet),
            "daemonsets.apps",
        ),
        "Job" => (
            find_job(sim, ns, name).map(ControllerRef::Job),
            "jobs.batch",
        ),
        "CronJob" => (
            find_cronjob(sim, ns, name).map(ControllerRef::CronJob),
            "cronjobs.batch",
        ),
        other => return Err(format!("deleting a {other} is not supported")),
    };
    found.ok_or_else(|| format!("{resource} {name:?} not found"))
}

/// `kubectl delete KIND NAME [--cascade=...] [--grace-period=S]`: a pod is deleted
/// gracefully; an owner is deleted and the garbage collector cascades to its dependents.
pub(super) fn delete(
    sim: &mut Simulation,
    entry: &TimelineEntry,
    kind: &str,
    ns: &str,
    name: &str,
    grace_period_s: Option<i64>,
    propagation: PropagationPolicy,
) {
    if kind == "Pod" {
        let id = sim
            .cluster
            .pod_names()
            .get(&(ns.to_string(), name.to_string()))
            .copied();
        match id {
            Some(p) => sim.delete_pod_with_grace(p, grace_period_s.unwrap_or(-1)),
            None => not_found(sim, entry, format!("pods {name:?} not found")),
        }
        return;
    }
    match find_owner(sim, kind, ns, name) {
        Ok(owner) => garbage_collector::delete(sim, owner, propagation),
        Err(message) => not_found(sim, entry, message),
    }
}
