//! Node membership: Node objects deleted (pods garbage-collected) and added from a group template.

use super::{close_fault, finish_termination, open_fault, FaultCause};
use super::{TAINT_NOT_READY, TAINT_UNREACHABLE};
use crate::cluster::NodeIdx;
use crate::sim::Simulation;

/// The Node object is deleted (`node: {remove: ...}` on the timeline): a fault record
/// of cause `node-remove`, then [`delete_node_object`].
pub fn remove_node(sim: &mut Simulation, n: NodeIdx) {
    if !sim.cluster.nodes().present()[n.ix()] {
        return;
    }
    open_fault(sim, n, FaultCause::Removed);
    close_fault(sim, n);
    delete_node_object(sim, n);
}

/// The Node object is deleted: pod garbage collection force-deletes its pods. The
/// Cluster Autoscaler's scale-down ends here directly: a planned removal, not a fault.
pub fn delete_node_object(sim: &mut Simulation, n: NodeIdx) {
    if !sim.cluster.nodes().present()[n.ix()] {
        return;
    }
    for p in sim.cluster.nodes().pods()[n.ix()].clone() {
        if sim.cluster.pods()[p.ix()].deleting {
            finish_termination(sim, p);
        } else {
            if let Some(f) = sim.lifecycle.open_fault[n.ix()] {
                sim.lifecycle.faults[f].pods_evicted.push(p);
            }
            sim.force_delete_pod(p);
        }
    }
    let name = sim.cluster.nodes().names()[n.ix()].clone();
    sim.record_event(
        "Node",
        &name,
        "Normal",
        "RemovingNode",
        format!("Node {name} event: Removing Node {name} from Controller"),
    );
    sim.lifecycle.down[n.ix()] = true;
    sim.lifecycle.epoch[n.ix()] += 1;
    sim.cluster.remove_node(n);
    crate::controllers::daemonset::nodes_changed(sim);
}

/// Adds `count` nodes cloned from the group's first node (`<group>-<k>` names).
pub fn add_nodes(sim: &mut Simulation, group: &str, count: u32) {
    let Some(template) = sim
        .cluster
        .nodes()
        .indices()
        .find(|n| sim.cluster.nodes().group()[n.ix()].as_deref() == Some(group))
    else {
        return;
    };
    let existing = sim
        .cluster
        .nodes()
        .group()
        .iter()
        .filter(|g| g.as_deref() == Some(group))
        .count();
    for k in 0..count {
        let name = format!("{group}-{}", existing + k as usize);
        let t = template.ix();
        let nodes = &sim.cluster.nodes();
        let mut labels = nodes.labels()[t].clone();
        labels.insert("kubernetes.io/hostname".to_string(), name.clone());
        let spec = crate::model::node::NodeSpec {
            name: name.clone(),
            allocatable: nodes.allocatable()[t],
            labels,
            taints: nodes.taints()[t]
                .iter()
                .filter(|x| x.key != TAINT_UNREACHABLE && x.key != TAINT_NOT_READY)
                .cloned()
                .collect(),
            unschedulable: false,
            images: Vec::new(),
            group: Some(group.to_string()),
        };
        register_node(sim, spec);
    }
    crate::sim::scheduling::cluster_changed(sim);
}

/// A node registers (Ready) with its kubelet, DaemonSet pods and lifecycle state; the
/// caller tells the scheduler the cluster changed.
pub fn register_node(sim: &mut Simulation, spec: crate::model::node::NodeSpec) -> NodeIdx {
    let name = spec.name.clone();
    let n = sim.cluster.add_node(spec);
    let workers = sim.runtime.image_pull_workers;
    sim.kubelets
        .pullers
        .push(crate::kubelet::images::NodePuller::new(workers));
    crate::controllers::daemonset::nodes_changed(sim);
    sim.lifecycle.node_added();
    sim.record_event(
        "Node",
        &name,
        "Normal",
        "RegisteredNode",
        format!("Node {name} event: Registered Node {name} in Controller"),
    );
    n
}
