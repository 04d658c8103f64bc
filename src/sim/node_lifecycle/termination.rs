//! Graceful pod termination: Terminating at once, resources held until the grace period ends.

use crate::cluster::{PodId, PodPhase};
use crate::sim::event::Event;
use crate::sim::Simulation;

/// Starts deleting pod `p` gracefully: it is Terminating at once (controllers replace it,
/// Services drop it) but keeps its node's resources until `grace_ms` later, or, with
/// `None`, until its node confirms (recovers) or is removed.
pub fn begin_termination(sim: &mut Simulation, p: PodId, grace_ms: Option<u64>) {
    let pod = &sim.cluster.pods[p.ix()];
    if pod.deleting || pod.phase.is_terminal() {
        return;
    }
    if pod.node.is_none() {
        sim.delete_pod(p, "Deleted");
        return;
    }
    let now = sim.now();
    let pod = &mut sim.cluster.pods[p.ix()];
    match pod.phase {
        PodPhase::Pending => sim.pods_pending -= 1,
        PodPhase::Running => sim.pods_running -= 1,
        _ => {}
    }
    pod.deleting = true;
    pod.ready = false;
    pod.generation += 1;
    if pod.times.finished.is_none() {
        pod.times.finished = Some(now);
    }
    let generation = pod.generation;
    let name = pod.name.clone();
    let running = pod.phase == PodPhase::Running;
    if running && grace_ms.is_some() {
        sim.record_event(
            "Pod",
            &name,
            "Normal",
            "Killing",
            "Stopping container".into(),
        );
    }
    sim.notify_owner(p);
    if let Some(ms) = grace_ms {
        sim.engine
            .schedule_in(ms, Event::PodTerminated { pod: p, generation });
    }
}

/// Graceful deletion of pod `p` completes: it releases its node and its name.
pub fn finish_termination(sim: &mut Simulation, p: PodId) {
    if sim.cluster.pods[p.ix()].released {
        return;
    }
    sim.cluster.unbind(p);
    sim.cluster.forget_name(p);
    sim.notify_owner(p);
    crate::sim::scheduling::cluster_changed(sim);
}

/// The graceful-termination timer of pod `p` fired.
pub fn pod_terminated(sim: &mut Simulation, p: PodId, generation: u32) {
    let pod = &sim.cluster.pods[p.ix()];
    if pod.generation != generation || !pod.deleting {
        return;
    }
    if let Some(n) = pod.node {
        if sim.lifecycle.down[n.ix()] {
            // The kubelet cannot confirm: wait for the node.
            return;
        }
    }
    finish_termination(sim, p);
}

/// The grace period to use for pod `p` under `--grace-period=S` (negative: the pod's own).
pub fn grace_ms(sim: &Simulation, p: PodId, grace_period_s: i64) -> u64 {
    if grace_period_s >= 0 {
        grace_period_s as u64 * 1000
    } else {
        sim.cluster.pods[p.ix()].spec.termination_grace_ms
    }
}
