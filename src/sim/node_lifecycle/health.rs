//! Node health: a failed kubelet turns the node NotReady and unreachable-tainted, NoExecute
//! taints evict pods once their tolerations run out, and a recovered kubelet clears it all.

use super::{begin_termination, finish_termination, DEFAULT_TOLERATION_SECONDS};
use super::{close_fault, open_fault, record_eviction, FaultCause};
use super::{NODE_MONITOR_GRACE_MS, TAINT_NOT_READY, TAINT_UNREACHABLE};
use crate::cluster::{NodeIdx, PodId, PodPhase};
use crate::kubelet;
use crate::model::labels::{Taint, TaintEffect};
use crate::model::pod::RestartPolicy;
use crate::sim::event::Event;
use crate::sim::Simulation;

/// NoExecute taints set by hand (`kubectl taint ... :NoExecute`): pods that do not
/// tolerate them are evicted at once, the others when their tolerationSeconds run out.
pub fn apply_no_execute(sim: &mut Simulation, n: NodeIdx) {
    let taints: Vec<Taint> = sim.cluster.nodes().taints()[n.ix()]
        .iter()
        .filter(|t| t.effect == TaintEffect::NoExecute)
        .cloned()
        .collect();
    if taints.is_empty() {
        return;
    }
    let epoch = sim.lifecycle.epoch[n.ix()];
    for p in sim.cluster.nodes().pods()[n.ix()].clone() {
        if sim.cluster.pods()[p.ix()].deleting {
            continue;
        }
        let ms = taints
            .iter()
            .map(|t| toleration_ms(sim, p, t))
            .min_by_key(|m| m.unwrap_or(u64::MAX));
        match ms.flatten() {
            None => {}
            Some(0) => evict_for_taint(sim, p, n),
            Some(ms) => {
                let generation = sim.cluster.pods()[p.ix()].generation;
                sim.engine.schedule_in(
                    ms,
                    Event::TaintEvict {
                        pod: p,
                        generation,
                        epoch,
                    },
                );
            }
        }
    }
}

/// The node's kubelet stops: its containers die with it and no status reaches the API.
pub fn fail_node(sim: &mut Simulation, n: NodeIdx, cause: FaultCause) {
    if sim.lifecycle.down[n.ix()] || !sim.cluster.nodes().present()[n.ix()] {
        return;
    }
    open_fault(sim, n, cause);
    sim.lifecycle.down[n.ix()] = true;
    sim.lifecycle.epoch[n.ix()] += 1;
    kubelet::images::node_failed(sim, n);
    // Pending kubelet events of its pods are stale now.
    for p in sim.cluster.nodes().pods()[n.ix()].clone() {
        *sim.cluster.pod_status_mut(p).generation += 1;
    }
    let epoch = sim.lifecycle.epoch[n.ix()];
    sim.engine.schedule_in(
        NODE_MONITOR_GRACE_MS,
        Event::NodeNotReady { node: n, epoch },
    );
}

/// The grace period ran out: NotReady, unreachable taints, pods not Ready, and eviction
/// timers from each pod's toleration of `unreachable:NoExecute`.
pub fn node_not_ready(sim: &mut Simulation, n: NodeIdx, epoch: u32) {
    if sim.lifecycle.epoch[n.ix()] != epoch || !sim.lifecycle.down[n.ix()] {
        return;
    }
    sim.cluster.set_node_ready(n, false);
    let mut taints = sim.cluster.nodes().taints()[n.ix()].clone();
    for effect in [TaintEffect::NoSchedule, TaintEffect::NoExecute] {
        if !taints
            .iter()
            .any(|t| t.key == TAINT_UNREACHABLE && t.effect == effect)
        {
            taints.push(Taint {
                key: TAINT_UNREACHABLE.to_string(),
                value: String::new(),
                effect,
            });
        }
    }
    sim.cluster.set_taints(n, taints);
    crate::controllers::daemonset::nodes_changed(sim);
    let name = sim.cluster.nodes().names()[n.ix()].clone();
    sim.record_event(
        "Node",
        &name,
        "Normal",
        "NodeNotReady",
        format!("Node {name} status is now: NodeNotReady"),
    );
    let taint = Taint {
        key: TAINT_UNREACHABLE.to_string(),
        value: String::new(),
        effect: TaintEffect::NoExecute,
    };
    for p in sim.cluster.nodes().pods()[n.ix()].clone() {
        let pod = &sim.cluster.pods()[p.ix()];
        if pod.deleting {
            continue;
        }
        // MarkPodsNotReady.
        if pod.ready {
            let pname = pod.name.clone();
            sim.pod_unready(p);
            sim.record_event(
                "Pod",
                &pname,
                "Warning",
                "NodeNotReady",
                "Node is not ready".into(),
            );
            sim.notify_owner(p);
        }
        match toleration_ms(sim, p, &taint) {
            None => {}
            Some(0) => evict_for_taint(sim, p, n),
            Some(ms) => {
                let generation = sim.cluster.pods()[p.ix()].generation;
                sim.engine.schedule_in(
                    ms,
                    Event::TaintEvict {
                        pod: p,
                        generation,
                        epoch,
                    },
                );
            }
        }
    }
}

/// How long pod `p` tolerates `taint` (NoExecute), ms: `None` forever. Pods with no
/// toleration for the not-ready/unreachable taints get the DefaultTolerationSeconds 300 s.
pub fn toleration_ms(sim: &Simulation, p: PodId, taint: &Taint) -> Option<u64> {
    let spec = &sim.cluster.pods()[p.ix()].spec;
    let matching: Vec<_> = spec
        .tolerations
        .iter()
        .filter(|t| t.tolerates(taint))
        .collect();
    if matching.is_empty() {
        if taint.key == TAINT_UNREACHABLE || taint.key == TAINT_NOT_READY {
            return Some(DEFAULT_TOLERATION_SECONDS as u64 * 1000);
        }
        return Some(0);
    }
    // The shortest tolerationSeconds wins; a toleration without one tolerates forever.
    if matching.iter().any(|t| t.toleration_seconds.is_none()) {
        return None;
    }
    matching
        .iter()
        .filter_map(|t| t.toleration_seconds)
        .min()
        .map(|s| s.max(0) as u64 * 1000)
}

/// A pod's toleration ran out while the node is still unreachable.
pub fn taint_evict(sim: &mut Simulation, p: PodId, generation: u32, epoch: u32) {
    let pod = &sim.cluster.pods()[p.ix()];
    let Some(n) = pod.node else {
        return;
    };
    if pod.generation != generation
        || pod.deleting
        || pod.released
        || sim.lifecycle.epoch[n.ix()] != epoch
    {
        return;
    }
    let still_tainted = sim.cluster.nodes().taints()[n.ix()]
        .iter()
        .any(|t| t.effect == TaintEffect::NoExecute && toleration_ms(sim, p, t).is_some());
    if still_tainted {
        evict_for_taint(sim, p, n);
    }
}

fn evict_for_taint(sim: &mut Simulation, p: PodId, n: NodeIdx) {
    let pod = &sim.cluster.pods()[p.ix()];
    let (ns, name) = (pod.namespace.clone(), pod.name.clone());
    sim.record_event(
        "Pod",
        &name,
        "Normal",
        "TaintManagerEviction",
        format!("Marking for deletion Pod {ns}/{name}"),
    );
    record_eviction(sim, n, p);
    // On an unreachable node the pod stays Terminating, holding its name and node.
    let grace = sim.cluster.pods()[p.ix()].spec.termination_grace_ms;
    begin_termination(sim, p, grace);
}

/// The kubelet is back: taints go, terminating pods finish, the others restart.
pub fn recover_node(sim: &mut Simulation, n: NodeIdx) {
    if !sim.lifecycle.down[n.ix()] {
        return;
    }
    sim.lifecycle.down[n.ix()] = false;
    sim.lifecycle.epoch[n.ix()] += 1;
    close_fault(sim, n);
    let was_not_ready = !sim.cluster.nodes().ready()[n.ix()];
    sim.cluster.set_node_ready(n, true);
    let taints = sim.cluster.nodes().taints()[n.ix()]
        .iter()
        .filter(|t| t.key != TAINT_UNREACHABLE && t.key != TAINT_NOT_READY)
        .cloned()
        .collect();
    sim.cluster.set_taints(n, taints);
    crate::controllers::daemonset::nodes_changed(sim);
    let name = sim.cluster.nodes().names()[n.ix()].clone();
    if was_not_ready {
        sim.record_event(
            "Node",
            &name,
            "Normal",
            "NodeReady",
            format!("Node {name} status is now: NodeReady"),
        );
    }
    for p in sim.cluster.nodes().pods()[n.ix()].clone() {
        let pod = &sim.cluster.pods()[p.ix()];
        if pod.deleting {
            finish_termination(sim, p);
            continue;
        }
        if pod.phase.is_terminal() {
            continue;
        }
        // The machine restarted: containers start again (or fail under Never).
        if pod.spec.restart_policy == RestartPolicy::Never && pod.phase == PodPhase::Running {
            sim.pod_failed_on_node(p);
            continue;
        }
        kubelet::restart_after_node_reboot(sim, p);
    }
    crate::sim::scheduling::cluster_changed(sim);
}
