//! Applying timeline actions (kubectl verbs and node faults) to the running simulation.

use super::node_lifecycle::{self as lifecycle, FaultCause};
use super::Simulation;
use crate::cluster::NodeIdx;
use crate::controllers::{deployment, statefulset};
use crate::input::manifest::convert::{amount, template_hash};
use crate::input::manifest::Object;
use crate::input::scenario::TimelineEntry;
use crate::input::timeline::{Action, ResourceAssignment};
use crate::model::labels::Labels;
use crate::model::resources::{CPU, MEMORY};
use crate::model::workload::PodTemplate;
use crate::sim::event::ControllerRef;
use std::sync::Arc;

pub use super::node_lifecycle::TAINT_UNREACHABLE;

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

fn node(sim: &mut Simulation, entry: &TimelineEntry, name: &str) -> Option<NodeIdx> {
    let n = sim.cluster.node_names.get(name).copied();
    if n.is_none() {
        not_found(sim, entry, format!("nodes {name:?} not found"));
    }
    n
}

fn zone_nodes(sim: &Simulation, label: &str, value: &str) -> Vec<NodeIdx> {
    sim.cluster
        .nodes
        .indices()
        .filter(|n| {
            sim.cluster.nodes.present[n.ix()]
                && sim.cluster.nodes.labels[n.ix()]
                    .get(label)
                    .map(String::as_str)
                    == Some(value)
        })
        .collect()
}

/// Applies one timeline entry.
pub fn apply(sim: &mut Simulation, entry: &TimelineEntry) {
    match &entry.action {
        Action::Scale {
            kind,
            name,
            namespace,
            replicas,
        } => scale(sim, entry, kind, namespace, name, *replicas),
        Action::Delete {
            kind,
            name,
            namespace,
            grace_period_s,
        } => delete(sim, entry, kind, namespace, name, *grace_period_s),
        Action::DeleteFile { targets, .. } => {
            for (kind, ns, name) in targets {
                delete(sim, entry, kind, ns, name, None);
            }
        }
        Action::Apply { objects, .. } => {
            for o in objects {
                apply_object(sim, entry, o);
            }
        }
        Action::RolloutUndo {
            name,
            namespace,
            to_revision,
        } => match find_deployment(sim, namespace, name) {
            Some(d) => {
                if let Err(e) = deployment::rollback(sim, d, *to_revision) {
                    sim.record_event("Deployment", name, "Warning", "RollbackFailed", e);
                } else {
                    sim.record_event(
                        "Deployment",
                        name,
                        "Normal",
                        "DeploymentRollback",
                        format!("Rolled back deployment {name:?} to revision {to_revision}"),
                    );
                }
            }
            None => not_found(sim, entry, format!("deployments.apps {name:?} not found")),
        },
        Action::RolloutRestart {
            kind,
            name,
            namespace,
        } => {
            let stamp = format!("{}ms", sim.now().as_millis());
            edit_template(sim, entry, kind, namespace, name, |t| {
                t.annotations
                    .insert("kubectl.kubernetes.io/restartedAt".into(), stamp.clone());
                Ok(())
            });
        }
        Action::RolloutPause {
            name,
            namespace,
            paused,
        } => match find_deployment(sim, namespace, name) {
            Some(d) => {
                sim.workloads.deployments[d as usize].spec.paused = *paused;
                sim.request_sync(ControllerRef::Deployment(d));
            }
            None => not_found(sim, entry, format!("deployments.apps {name:?} not found")),
        },
        Action::SetImage {
            kind,
            name,
            namespace,
            images,
        } => {
            edit_template(sim, entry, kind, namespace, name, |t| set_images(t, images));
        }
        Action::SetResources {
            kind,
            name,
            namespace,
            container,
            requests,
            limits,
        } => {
            edit_template(sim, entry, kind, namespace, name, |t| {
                set_resources(t, container.as_deref(), requests, limits)
            });
        }
        Action::Patch {
            kind,
            name,
            namespace,
            replicas,
            images,
        } => {
            if !images.is_empty() {
                edit_template(sim, entry, kind, namespace, name, |t| set_images(t, images));
            }
            if let Some(r) = replicas {
                scale(sim, entry, kind, namespace, name, *r);
            }
        }
        Action::Cordon {
            node: name,
            unschedulable,
        } => {
            if let Some(n) = node(sim, entry, name) {
                cordon(sim, n, *unschedulable);
            }
        }
        Action::Drain {
            node: name,
            grace_period_s,
            ignore_daemonsets,
            force,
            disable_eviction,
            timeout_ms,
        } => {
            if let Some(n) = node(sim, entry, name) {
                cordon(sim, n, true);
                super::drain::start(
                    sim,
                    super::drain::Drain {
                        node: n,
                        grace_period_s: *grace_period_s,
                        ignore_daemonsets: *ignore_daemonsets,
                        force: *force,
                        disable_eviction: *disable_eviction,
                        deadline: (*timeout_ms > 0).then(|| sim.now().as_millis() + timeout_ms),
                        entry: entry.index,
                        done: false,
                    },
                );
            }
        }
        Action::Label {
            node: name,
            set,
            remove,
            overwrite,
        } => {
            if let Some(n) = node(sim, entry, name) {
                let mut labels = sim.cluster.nodes.labels[n.ix()].clone();
                for (k, v) in set {
                    match labels.get(k) {
                        Some(old) if old != v && !overwrite => {
                            let msg = format!(
                                "'{k}' already has a value ({old}), and --overwrite is false"
                            );
                            not_found(sim, entry, msg);
                            return;
                        }
                        _ => {
                            labels.insert(k.clone(), v.clone());
                        }
                    }
                }
                for k in remove {
                    labels.remove(k);
                }
                sim.cluster.nodes.labels[n.ix()] = labels;
                sim.cluster.mark_node_changed(n);
                crate::controllers::daemonset::nodes_changed(sim);
                super::scheduling::cluster_changed(sim);
            }
        }
        Action::Taint {
            node: name,
            add,
            remove,
            overwrite,
        } => {
            if let Some(n) = node(sim, entry, name) {
                let mut taints = sim.cluster.nodes.taints[n.ix()].clone();
                for (key, effect) in remove {
                    taints.retain(|t| !(t.key == *key && effect.is_none_or(|e| e == t.effect)));
                }
                for t in add {
                    if let Some(old) = taints
                        .iter_mut()
                        .find(|x| x.key == t.key && x.effect == t.effect)
                    {
                        if !overwrite {
                            let msg = format!(
                                "node {name} already has {} taint(s) with same effect(s) and --overwrite is false",
                                t.key
                            );
                            not_found(sim, entry, msg);
                            return;
                        }
                        old.value = t.value.clone();
                    } else {
                        taints.push(t.clone());
                    }
                }
                sim.cluster.set_taints(n, taints);
                crate::controllers::daemonset::nodes_changed(sim);
                lifecycle::apply_no_execute(sim, n);
                super::scheduling::cluster_changed(sim);
            }
        }
        Action::NodeFail(name) => {
            if let Some(n) = node(sim, entry, name) {
                lifecycle::fail_node(sim, n, FaultCause::Node);
            }
        }
        Action::NodeRecover(name) => {
            if let Some(n) = node(sim, entry, name) {
                lifecycle::recover_node(sim, n);
            }
        }
        Action::NodeRemove(name) => {
            if let Some(n) = node(sim, entry, name) {
                lifecycle::remove_node(sim, n);
            }
        }
        Action::NodeAdd { group, count } => lifecycle::add_nodes(sim, group, *count),
        Action::ZoneFail { label, value } => {
            for n in zone_nodes(sim, label, value) {
                lifecycle::fail_node(sim, n, FaultCause::Zone);
            }
        }
        Action::ZoneRecover { label, value } => {
            for n in zone_nodes(sim, label, value) {
                lifecycle::recover_node(sim, n);
            }
        }
        Action::RandomFaults { group, mtbf, mttr } => {
            lifecycle::start_random_faults(sim, group, mtbf.clone(), mttr.clone())
        }
    }
}

fn cordon(sim: &mut Simulation, n: NodeIdx, unschedulable: bool) {
    if sim.cluster.nodes.unschedulable[n.ix()] == unschedulable {
        return;
    }
    sim.cluster.set_unschedulable(n, unschedulable);
    let name = sim.cluster.nodes.names[n.ix()].clone();
    let reason = if unschedulable {
        "NodeNotSchedulable"
    } else {
        "NodeSchedulable"
    };
    sim.record_event(
        "Node",
        &name,
        "Normal",
        reason,
        format!("Node {name} status is now: {reason}"),
    );
    if !unschedulable {
        lifecycle::uncordoned(sim, n);
        super::scheduling::cluster_changed(sim);
    }
}

fn scale(
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
fn apply_object(sim: &mut Simulation, entry: &TimelineEntry, o: &Object) {
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
        Object::CronJob(_)
            if sim
                .workloads
                .cronjobs
                .iter()
                .any(|c| c.spec.meta.namespace == ns && c.spec.meta.name == name) =>
        {
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
    if let Err(e) = super::setup::instantiate(sim, o) {
        not_found(sim, entry, e.to_string());
    }
}

/// Changes the pod template of a Deployment or StatefulSet, starting a rollout.
fn edit_template(
    sim: &mut Simulation,
    entry: &TimelineEntry,
    kind: &str,
    ns: &str,
    name: &str,
    edit: impl FnOnce(&mut PodTemplate) -> Result<(), String>,
) {
    let template = match kind {
        "Deployment" => find_deployment(sim, ns, name)
            .map(|d| sim.workloads.deployments[d as usize].spec.template.clone()),
        "StatefulSet" => find_statefulset(sim, ns, name)
            .map(|s| sim.workloads.statefulsets[s as usize].spec.template.clone()),
        _ => None,
    };
    let Some(mut template) = template else {
        not_found(sim, entry, format!("{kind} {name:?} not found"));
        return;
    };
    if let Err(e) = edit(&mut template) {
        not_found(sim, entry, e);
        return;
    }
    let mut hashed: Labels = template.labels.clone();
    for (k, v) in &template.annotations {
        hashed.insert(format!("annotation:{k}"), v.clone());
    }
    template.hash = template_hash(&hashed, &template.spec);
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

fn set_images(t: &mut PodTemplate, images: &[(String, String)]) -> Result<(), String> {
    let mut spec = (*t.spec).clone();
    for (container, image) in images {
        let mut found = false;
        for c in spec
            .containers
            .iter_mut()
            .chain(spec.init_containers.iter_mut())
        {
            if container == "*" || c.name == *container {
                c.image = image.clone();
                found = true;
            }
        }
        if !found {
            return Err(format!("unable to find container named {container:?}"));
        }
    }
    t.spec = Arc::new(spec);
    Ok(())
}

fn set_resources(
    t: &mut PodTemplate,
    container: Option<&str>,
    requests: &[ResourceAssignment],
    limits: &[ResourceAssignment],
) -> Result<(), String> {
    let mut spec = (*t.spec).clone();
    let slot = |name: &str| match name {
        "cpu" => CPU,
        "memory" => MEMORY,
        _ => crate::model::resources::EPHEMERAL_STORAGE,
    };
    let mut found = false;
    for c in spec.containers.iter_mut() {
        if container.is_some_and(|n| n != c.name && n != "*") {
            continue;
        }
        found = true;
        for (name, q) in requests {
            let r = slot(name);
            c.requests.set(r, amount(r, q));
            c.requested[r.0 as usize] = true;
        }
        for (name, q) in limits {
            let r = slot(name);
            c.limits.set(r, amount(r, q));
            c.limited[r.0 as usize] = true;
            if !c.requested[r.0 as usize] {
                c.requests.set(r, amount(r, q));
                c.requested[r.0 as usize] = true;
            }
        }
    }
    if !found {
        return Err(format!(
            "unable to find container named {:?}",
            container.unwrap_or("*")
        ));
    }
    t.spec = Arc::new(spec.finish());
    Ok(())
}

fn delete(
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
                Some(p) => {
                    let grace = lifecycle::grace_ms(sim, p, grace_period_s.unwrap_or(-1));
                    if grace == 0 {
                        sim.delete_pod(p, "Deleted");
                    } else {
                        lifecycle::begin_termination(sim, p, Some(grace));
                    }
                }
                None => not_found(sim, entry, format!("pods {name:?} not found")),
            }
        }
        other => not_found(sim, entry, format!("deleting a {other} is not supported")),
    }
}
