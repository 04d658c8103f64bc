//! Pod deletion, one model for every caller (controllers, `kubectl delete`, eviction,
//! preemption, the taint manager): the API server removes an unbound or finished pod at
//! once; a pod on a node turns Terminating, keeps its node's resources and its name, and
//! is gone when its containers have exited after SIGTERM, at most the grace period later
//! (registry/core/pod/strategy.go CheckGracefulDelete; kubelet killPod).

use crate::cluster::{PodId, PodPhase};
use crate::kubelet;
use crate::sim::event::Event;
use crate::sim::Simulation;

/// Sends the DELETE for pod `p` with a grace period of `grace_ms` (0: force, the pod is
/// removed at once). A pod not bound to a node or already finished is removed at once; a
/// pod on a node is Terminating at once (controllers replace it, Services drop it) and
/// gone when its containers have exited ([`kubelet::termination::exit_ms`]), or, while
/// its node is down, when the node recovers or is removed.
pub fn begin_termination(sim: &mut Simulation, p: PodId, grace_ms: u64) {
    let pod = &sim.cluster.pods()[p.ix()];
    if pod.deleting {
        return;
    }
    let on_node = pod.node.is_some() && !pod.released;
    let now = sim.now();
    let before = sim.replica_standing(p);
    sim.pod_counts.leave(pod.phase);
    sim.cluster.mark_deleting(p);
    *sim.cluster.pod_status_mut(p).ready = false;
    sim.replica_changed(p, before);
    let status = sim.cluster.pod_status_mut(p);
    *status.generation += 1;
    if status.times.finished.is_none() {
        status.times.finished = Some(now);
    }
    let generation = *status.generation;
    let pod = &sim.cluster.pods()[p.ix()];
    let name = pod.name.clone();
    let running = pod.phase == PodPhase::Running;
    let node = pod.node;
    sim.scheduler.nominator.set(p, None);
    if node.is_none() {
        // Queued pods are skipped lazily if still in the active or back-off queue.
        sim.scheduler.queue.remove(p);
    }
    if !on_node || grace_ms == 0 {
        remove(sim, p);
        return;
    }
    let node = node.expect("a pod on a node has a node");
    if sim.lifecycle.down[node.ix()] {
        // The kubelet cannot confirm: the pod stays Terminating, holding its name and node.
        sim.notify_owner(p);
        return;
    }
    if running {
        sim.record_event(
            "Pod",
            &name,
            "Normal",
            "Killing",
            "Stopping container".into(),
        );
    }
    sim.notify_owner(p);
    let exit_ms = kubelet::termination::exit_ms(sim, p, grace_ms);
    if exit_ms == 0 {
        finish_termination(sim, p);
    } else {
        sim.engine
            .schedule_in(exit_ms, Event::PodTerminated { pod: p, generation });
    }
}

/// The pod's containers have exited (or its node went away): it releases its node and
/// its name and is gone.
pub fn finish_termination(sim: &mut Simulation, p: PodId) {
    if sim.cluster.pods()[p.ix()].gone {
        return;
    }
    remove(sim, p);
}

/// Removes the pod object: node resources and name are free, the owner hears of it.
fn remove(sim: &mut Simulation, p: PodId) {
    let was_on_node =
        sim.cluster.pods()[p.ix()].node.is_some() && !sim.cluster.pods()[p.ix()].released;
    sim.cluster.unbind(p);
    sim.cluster.forget_name(p);
    let before = sim.replica_standing(p);
    sim.cluster.mark_gone(p);
    sim.replica_changed(p, before);
    sim.notify_owner(p);
    if was_on_node {
        crate::sim::scheduling::cluster_changed(sim);
    }
}

/// The containers of terminating pod `p` exited.
pub fn pod_terminated(sim: &mut Simulation, p: PodId, generation: u32) {
    let pod = &sim.cluster.pods()[p.ix()];
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
        sim.cluster.pods()[p.ix()].spec.termination_grace_ms
    }
}
