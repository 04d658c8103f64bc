//! Random node faults: each node of a group fails after an MTBF draw and recovers after an MTTR draw.

use super::{fail_node, recover_node, FaultCause};
use crate::cluster::NodeIdx;
use crate::kubelet;
use crate::model::pod::RunDuration;
use crate::sim::event::Event;
use crate::sim::Simulation;

/// Starts random faults on every node of `group` (from now on).
pub fn start_random_faults(
    sim: &mut Simulation,
    group: &str,
    mtbf: RunDuration,
    mttr: RunDuration,
) {
    let model = sim.lifecycle.random.len() as u32;
    sim.lifecycle.random.push((group.to_string(), mtbf, mttr));
    let nodes: Vec<NodeIdx> = sim
        .cluster
        .nodes()
        .indices()
        .filter(|n| sim.cluster.nodes().group()[n.ix()].as_deref() == Some(group))
        .collect();
    for n in nodes {
        schedule_random(sim, n, model, true);
    }
}

fn schedule_random(sim: &mut Simulation, n: NodeIdx, model: u32, fail: bool) {
    let (_, mtbf, mttr) = &sim.lifecycle.random[model as usize];
    let d = if fail { mtbf.clone() } else { mttr.clone() };
    let ms = kubelet::sample(&d, &mut sim.lifecycle.rng).max(1);
    sim.engine.schedule_in(
        ms,
        Event::RandomFault {
            node: n,
            model,
            fail,
        },
    );
}

/// A random fault timer fired: fail (or recover) the node, and draw the next one.
pub fn random_fault(sim: &mut Simulation, n: NodeIdx, model: u32, fail: bool) {
    if !sim.cluster.nodes().present()[n.ix()] {
        return;
    }
    if fail {
        fail_node(sim, n, FaultCause::Random);
    } else {
        recover_node(sim, n);
    }
    schedule_random(sim, n, model, !fail);
}
