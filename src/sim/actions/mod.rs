//! Applying timeline actions (kubectl verbs and node faults) to the running simulation.

mod nodes;
mod templates;
mod workloads;

use super::node_lifecycle::{self as lifecycle, FaultCause};
use super::Simulation;
use crate::cluster::NodeIdx;
use crate::controllers::ControllerRef;
use crate::controllers::{cronjob, deployment};
use crate::scenario::action::Action;
use crate::scenario::TimelineEntry;
use nodes::{cordon, zone_nodes};
use templates::{edit_template, set_images, set_resources};
use workloads::{apply_object, delete, find_cronjob, find_deployment, scale};

pub use super::node_lifecycle::TAINT_UNREACHABLE;

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
    let n = sim.cluster.node_names().get(name).copied();
    if n.is_none() {
        not_found(sim, entry, format!("nodes {name:?} not found"));
    }
    n
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
            grace_period_s: grace,
            propagation: how,
        } => delete(sim, entry, kind, namespace, name, *grace, *how),
        Action::DeleteFile {
            targets,
            propagation,
            ..
        } => {
            for (kind, ns, name) in targets {
                delete(sim, entry, kind, ns, name, None, *propagation);
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
        } => rollout_undo(sim, entry, namespace, name, *to_revision),
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
        } => rollout_pause(sim, entry, namespace, name, *paused),
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
            suspend,
        } => patch(
            sim, entry, kind, namespace, name, *replicas, images, *suspend,
        ),
        _ => apply_to_nodes(sim, entry),
    }
}

/// Applies a timeline entry that acts on nodes: cordon, drain, label, taint, node and zone
/// faults, node additions and random faults.
fn apply_to_nodes(sim: &mut Simulation, entry: &TimelineEntry) {
    match &entry.action {
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
                let deadline = (*timeout_ms > 0).then(|| sim.now().as_millis() + timeout_ms);
                let drain = super::drain::Drain {
                    node: n,
                    grace_period_s: *grace_period_s,
                    ignore_daemonsets: *ignore_daemonsets,
                    force: *force,
                    disable_eviction: *disable_eviction,
                    deadline,
                    entry: entry.index,
                    done: false,
                };
                super::drain::start(sim, drain);
            }
        }
        Action::Label {
            node: name,
            set,
            remove,
            overwrite,
        } => {
            if let Some(n) = node(sim, entry, name) {
                nodes::label(sim, entry, n, set, remove, *overwrite);
            }
        }
        Action::Taint {
            node: name,
            add,
            remove,
            overwrite,
        } => {
            if let Some(n) = node(sim, entry, name) {
                nodes::taint(sim, entry, n, name, add, remove, *overwrite);
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
        other => unreachable!("{other:?} does not act on nodes"),
    }
}

/// `kubectl rollout undo deployment NAME [--to-revision=N]`.
fn rollout_undo(
    sim: &mut Simulation,
    entry: &TimelineEntry,
    namespace: &str,
    name: &str,
    to_revision: i64,
) {
    let Some(d) = find_deployment(sim, namespace, name) else {
        return not_found(sim, entry, format!("deployments.apps {name:?} not found"));
    };
    if let Err(e) = deployment::rollback(sim, d, to_revision) {
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

/// `kubectl rollout pause|resume deployment NAME`.
fn rollout_pause(
    sim: &mut Simulation,
    entry: &TimelineEntry,
    namespace: &str,
    name: &str,
    paused: bool,
) {
    let Some(d) = find_deployment(sim, namespace, name) else {
        return not_found(sim, entry, format!("deployments.apps {name:?} not found"));
    };
    sim.workloads.deployments[d as usize].spec.paused = paused;
    sim.request_sync(ControllerRef::Deployment(d));
}

/// `kubectl patch`: a CronJob's suspend, then the template's images, then the replicas.
#[allow(clippy::too_many_arguments)]
fn patch(
    sim: &mut Simulation,
    entry: &TimelineEntry,
    kind: &str,
    namespace: &str,
    name: &str,
    replicas: Option<i32>,
    images: &[(String, String)],
    suspend: Option<bool>,
) {
    if let Some(suspend) = suspend {
        match find_cronjob(sim, namespace, name) {
            Some(c) => cronjob::set_suspend(sim, c, suspend),
            None => not_found(sim, entry, format!("cronjobs.batch {name:?} not found")),
        }
    }
    if !images.is_empty() {
        edit_template(sim, entry, kind, namespace, name, |t| set_images(t, images));
    }
    if let Some(r) = replicas {
        scale(sim, entry, kind, namespace, name, r);
    }
}
