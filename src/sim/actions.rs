//! Applying timeline actions (kubectl verbs and node faults) to the running simulation.

use super::Simulation;
use crate::controllers::{deployment, statefulset};
use crate::input::scenario::TimelineEntry;
use crate::input::timeline::Action;
use crate::model::labels::{Taint, TaintEffect};
use crate::sim::event::ControllerRef;
use std::sync::Arc;

/// The taint the node lifecycle controller puts on unreachable nodes.
pub const TAINT_UNREACHABLE: &str = "node.kubernetes.io/unreachable";

fn find_deployment(sim: &Simulation, ns: &str, name: &str) -> Option<u32> {
    sim.workloads
        .deployments
        .iter()
        .position(|d| !d.deleted && d.spec.meta.namespace == ns && d.spec.meta.name == name)
        .map(|i| i as u32)
}

fn find_statefulset(sim: &Simulation, ns: &str, name: &str) -> Option<u32> {
    sim.workloads
        .statefulsets
        .iter()
        .position(|s| !s.deleted && s.spec.meta.namespace == ns && s.spec.meta.name == name)
        .map(|i| i as u32)
}

fn find_replicaset(sim: &Simulation, ns: &str, name: &str) -> Option<u32> {
    sim.workloads
        .replicasets
        .iter()
        .position(|r| !r.deleted && r.namespace == ns && r.name == name)
        .map(|i| i as u32)
}

fn not_found(sim: &mut Simulation, entry: &TimelineEntry, what: String) {
    sim.record_event(
        "Timeline",
        &format!("timeline[{}]", entry.index),
        "Warning",
        "NotFound",
        what,
    );
}

/// Applies one timeline entry.
pub fn apply(sim: &mut Simulation, entry: &TimelineEntry) {
    match &entry.action {
        Action::Scale {
            kind,
            name,
            namespace,
            replicas,
        } => match *kind {
            "Deployment" => match find_deployment(sim, namespace, name) {
                Some(d) => deployment::set_replicas(sim, d, *replicas),
                None => not_found(sim, entry, format!("deployments.apps {name:?} not found")),
            },
            "StatefulSet" => match find_statefulset(sim, namespace, name) {
                Some(s) => statefulset::scale(sim, s, *replicas),
                None => not_found(sim, entry, format!("statefulsets.apps {name:?} not found")),
            },
            _ => match find_replicaset(sim, namespace, name) {
                Some(r) => {
                    sim.workloads.replicasets[r as usize].replicas = *replicas;
                    sim.request_sync(ControllerRef::ReplicaSet(r));
                }
                None => not_found(sim, entry, format!("replicasets.apps {name:?} not found")),
            },
        },
        Action::Delete {
            kind,
            name,
            namespace,
        } => delete(sim, entry, kind, namespace, name),
        Action::RolloutUndo {
            name,
            namespace,
            to_revision,
        } => match find_deployment(sim, namespace, name) {
            Some(d) => {
                if let Err(e) = deployment::rollback(sim, d, *to_revision) {
                    sim.record_event("Deployment", name, "Warning", "RollbackFailed", e);
                }
            }
            None => not_found(sim, entry, format!("deployments.apps {name:?} not found")),
        },
        Action::SetImage {
            kind,
            name,
            namespace,
            container,
            image,
        } => set_image(sim, entry, kind, namespace, name, container, image),
        Action::Cordon {
            node,
            unschedulable,
        } => {
            if let Some(&n) = sim.cluster.node_names.get(node) {
                sim.cluster.nodes.unschedulable[n.ix()] = *unschedulable;
                if !unschedulable {
                    super::scheduling::cluster_changed(sim);
                }
            }
        }
        Action::NodeFail(node) => {
            if let Some(&n) = sim.cluster.node_names.get(node) {
                sim.cluster.nodes.ready[n.ix()] = false;
                let mut taints = sim.cluster.nodes.taints[n.ix()].clone();
                for effect in [TaintEffect::NoSchedule, TaintEffect::NoExecute] {
                    taints.push(Taint {
                        key: TAINT_UNREACHABLE.to_string(),
                        value: String::new(),
                        effect,
                    });
                }
                sim.cluster.set_taints(n, taints);
                sim.record_event(
                    "Node",
                    node,
                    "Normal",
                    "NodeNotReady",
                    format!("Node {node} status is now: NodeNotReady"),
                );
            }
        }
        Action::NodeRecover(node) => {
            if let Some(&n) = sim.cluster.node_names.get(node) {
                sim.cluster.nodes.ready[n.ix()] = true;
                let taints = sim.cluster.nodes.taints[n.ix()]
                    .iter()
                    .filter(|t| t.key != TAINT_UNREACHABLE)
                    .cloned()
                    .collect();
                sim.cluster.set_taints(n, taints);
                sim.record_event(
                    "Node",
                    node,
                    "Normal",
                    "NodeReady",
                    format!("Node {node} status is now: NodeReady"),
                );
                super::scheduling::cluster_changed(sim);
            }
        }
    }
}

fn delete(sim: &mut Simulation, entry: &TimelineEntry, kind: &str, ns: &str, name: &str) {
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
        "CronJob" => {
            let found = sim
                .workloads
                .cronjobs
                .iter()
                .position(|c| c.spec.meta.namespace == ns && c.spec.meta.name == name);
            match found {
                Some(c) => {
                    sim.workloads.cronjobs[c].spec.suspend = true;
                    let jobs = sim.workloads.cronjobs[c].jobs.clone();
                    for j in jobs {
                        sim.workloads.jobs[j as usize].deleted = true;
                        sim.request_sync(ControllerRef::Job(j));
                    }
                }
                None => not_found(sim, entry, format!("cronjobs.batch {name:?} not found")),
            }
        }
        "Pod" => {
            let id = sim
                .cluster
                .pod_names
                .get(&(ns.to_string(), name.to_string()))
                .copied();
            match id {
                Some(p) => sim.delete_pod(p, "Deleted"),
                None => not_found(sim, entry, format!("pods {name:?} not found")),
            }
        }
        other => not_found(sim, entry, format!("deleting a {other} is not supported")),
    }
}

fn set_image(
    sim: &mut Simulation,
    entry: &TimelineEntry,
    kind: &str,
    ns: &str,
    name: &str,
    container: &str,
    image: &str,
) {
    let template = match kind {
        "Deployment" => find_deployment(sim, ns, name)
            .map(|d| sim.workloads.deployments[d as usize].spec.template.clone()),
        "StatefulSet" => find_statefulset(sim, ns, name)
            .map(|s| sim.workloads.statefulsets[s as usize].spec.template.clone()),
        _ => None,
    };
    let Some(mut template) = template else {
        not_found(
            sim,
            entry,
            format!("{kind} {name:?} not found for set image"),
        );
        return;
    };
    let mut spec = (*template.spec).clone();
    let Some(c) = spec.containers.iter_mut().find(|c| c.name == container) else {
        not_found(
            sim,
            entry,
            format!("unable to find container named {container:?}"),
        );
        return;
    };
    c.image = image.to_string();
    template.hash = crate::input::manifest::convert::template_hash(&template.labels, &spec);
    template.spec = Arc::new(spec);
    match kind {
        "Deployment" => {
            let d = find_deployment(sim, ns, name).expect("found above");
            deployment::set_template(sim, d, template);
        }
        _ => {
            let s = find_statefulset(sim, ns, name).expect("found above");
            sim.workloads.statefulsets[s as usize].spec.template = template;
            sim.request_sync(ControllerRef::StatefulSet(s));
        }
    }
}
