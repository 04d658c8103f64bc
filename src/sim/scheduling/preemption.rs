//! Scheduling with nominated pods and PostFilter (preemption): nominated pods counted in
//! filters, PodDisruptionBudgets as preemption reads them, nomination and graceful deletion
//! of the victims.

use super::super::Simulation;
use super::binding::reject_waiting_pod;
use crate::cluster::{DryRun, NodeIdx, PodId};
use crate::scheduler::framework::{
    filter_with_nominated, NodeVerdict, PdbBudget, PostFilterHandle,
};
use crate::sim::{drain, node_lifecycle};

/// Nodes where `p` fails the filters once the pods nominated there (of at least its
/// priority) are counted, with the failing status: kube runs every node's filters with
/// and without them (RunFilterPluginsWithNominatedPods), so space promised to a preemptor
/// is not taken by another pod meanwhile.
pub(super) fn nominated_rejects(
    sim: &mut Simulation,
    profile_ix: usize,
    p: PodId,
) -> Vec<NodeVerdict> {
    let s = &sim.scheduler;
    if s.nominator.is_empty() {
        return Vec::new();
    }
    let pod = sim.cluster.pods()[p.ix()].clone();
    let nodes: Vec<(NodeIdx, Vec<PodId>)> = s
        .nominator
        .nodes()
        .filter(|n| sim.cluster.nodes().present()[n.ix()])
        .map(|n| (n, s.nominator.ge_pods(&sim.cluster, p, n)))
        .filter(|(_, ge)| !ge.is_empty())
        .collect();
    let profile = &sim.scheduler.profiles[profile_ix];
    let mut rejects = Vec::new();
    let mut dry_run = DryRun::new(&mut sim.cluster);
    for (n, ge) in nodes {
        let status = filter_with_nominated(profile, &pod, &mut dry_run, n, &ge);
        if !status.is_success() {
            rejects.push(NodeVerdict { node: n, status });
        }
    }
    rejects
}

/// The PodDisruptionBudgets with their disruptionsAllowed now.
pub(super) fn pdb_budgets(sim: &Simulation) -> Vec<PdbBudget> {
    sim.lifecycle
        .pdbs
        .iter()
        .map(|pdb| PdbBudget {
            namespace: pdb.meta.namespace.clone(),
            selector: pdb.selector.clone(),
            disruptions_allowed: drain::disruptions_allowed(sim, pdb),
        })
        .collect()
}

/// PostFilter (preemption): applies the first plugin's result — nominates the node (or
/// clears the nomination), deletes the victims gracefully, clears lower-priority pods'
/// nominations on that node — and returns the nominated node and the status message to
/// append to FailedScheduling (empty when preemption succeeded).
pub(super) fn run_post_filter(
    sim: &mut Simulation,
    profile_ix: usize,
    p: PodId,
    failed: &[NodeVerdict],
) -> (Option<NodeIdx>, String) {
    let pod = sim.cluster.pods()[p.ix()].clone();
    let profile = sim.scheduler.profiles[profile_ix].clone();
    let pdbs = if sim.lifecycle.pdbs.is_empty() {
        Vec::new()
    } else {
        pdb_budgets(sim)
    };
    let mut messages = Vec::new();
    for pf in &profile.post_filters {
        let handle = PostFilterHandle {
            pod: p,
            fits: &profile,
            pdbs: &pdbs,
            nominator: &sim.scheduler.nominator,
            preempted: &sim.scheduler.preempted,
        };
        let (result, status) = pf.as_post_filter().expect("postFilter plugin").post_filter(
            &pod,
            &mut DryRun::new(&mut sim.cluster),
            failed,
            &handle,
        );
        if let Some(result) = &result {
            sim.scheduler.nominator.set(p, result.nominated);
        }
        if !status.is_success() {
            messages.extend(status.reasons);
            continue;
        }
        let result = result.expect("a successful PostFilter returns a result");
        let Some(node) = result.nominated else {
            continue;
        };
        let node_name = sim.cluster.nodes().names()[node.ix()].clone();
        for v in result.victims {
            let victim = sim.cluster.pods()[v.ix()].name.clone();
            let waiting = sim.scheduler.waiting.contains_key(&v);
            if !waiting && sim.cluster.pods()[v.ix()].deleting {
                // Graceful deletion already started: no second API call.
                continue;
            }
            sim.record_event(
                "Pod",
                &victim,
                "Normal",
                "Preempted",
                format!(
                    "Preempted by pod {}/{} on node {node_name}",
                    pod.namespace, pod.name
                ),
            );
            if waiting {
                reject_waiting_pod(sim, v, "preempted".to_string());
            } else {
                let flags = &mut sim.scheduler.preempted;
                if flags.len() <= v.ix() {
                    flags.resize(v.ix() + 1, false);
                }
                flags[v.ix()] = true;
                let grace = node_lifecycle::grace_ms(sim, v, -1);
                node_lifecycle::begin_termination(sim, v, grace);
            }
        }
        // Lower-priority pods nominated to this node may no longer fit there: clear their
        // nomination and let them look elsewhere now.
        let lower: Vec<PodId> = sim
            .scheduler
            .nominator
            .pods_on(node)
            .iter()
            .copied()
            .filter(|q| sim.cluster.pods()[q.ix()].spec.priority < pod.spec.priority)
            .collect();
        let now = sim.engine.now().as_millis();
        for q in lower {
            sim.scheduler.nominator.set(q, None);
            sim.scheduler.queue.remove(q);
            let priority = sim.cluster.pods()[q.ix()].spec.priority;
            sim.scheduler.queue.push_active(q, priority, now);
        }
        return (Some(node), String::new());
    }
    (None, messages.join(" "))
}
