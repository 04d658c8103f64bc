//! Node verbs of the timeline: cordon/uncordon, label and taint.

use super::not_found;
use crate::cluster::NodeIdx;
use crate::model::labels::{Taint, TaintEffect};
use crate::scenario::TimelineEntry;
use crate::sim::node_lifecycle as lifecycle;
use crate::sim::Simulation;

/// The present nodes whose label `label` is `value`.
pub(super) fn zone_nodes(sim: &Simulation, label: &str, value: &str) -> Vec<NodeIdx> {
    sim.cluster
        .nodes()
        .indices()
        .filter(|n| {
            sim.cluster.nodes().present()[n.ix()]
                && sim.cluster.nodes().labels()[n.ix()]
                    .get(label)
                    .map(String::as_str)
                    == Some(value)
        })
        .collect()
}

/// `kubectl cordon` / `uncordon`.
pub(super) fn cordon(sim: &mut Simulation, n: NodeIdx, unschedulable: bool) {
    if sim.cluster.nodes().unschedulable()[n.ix()] == unschedulable {
        return;
    }
    sim.cluster.set_unschedulable(n, unschedulable);
    let name = sim.cluster.nodes().names()[n.ix()].clone();
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
        crate::sim::scheduling::cluster_changed(sim);
    }
}

/// `kubectl label nodes NODE k=v k-`: refuses to change a value without `--overwrite`.
pub(super) fn label(
    sim: &mut Simulation,
    entry: &TimelineEntry,
    n: NodeIdx,
    set: &[(String, String)],
    remove: &[String],
    overwrite: bool,
) {
    let mut labels = sim.cluster.nodes().labels()[n.ix()].clone();
    for (k, v) in set {
        match labels.get(k) {
            Some(old) if old != v && !overwrite => {
                let msg = format!("'{k}' already has a value ({old}), and --overwrite is false");
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
    sim.cluster.set_node_labels(n, labels);
    crate::controllers::daemonset::nodes_changed(sim);
    crate::sim::scheduling::cluster_changed(sim);
}

/// `kubectl taint nodes NODE k=v:Effect k:Effect-`: NoExecute taints evict at once.
pub(super) fn taint(
    sim: &mut Simulation,
    entry: &TimelineEntry,
    n: NodeIdx,
    name: &str,
    add: &[Taint],
    remove: &[(String, Option<TaintEffect>)],
    overwrite: bool,
) {
    let mut taints = sim.cluster.nodes().taints()[n.ix()].clone();
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
    crate::sim::scheduling::cluster_changed(sim);
}
