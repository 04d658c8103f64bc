//! Scale-down (core/scaledown): a node of an autoscaled group is unneeded while its
//! requested utilization (the larger of cpu and memory requests over allocatable,
//! DaemonSet pods included) is under `--scale-down-utilization-threshold` and every pod
//! on it can move to another node (the scheduler's filters on a what-if copy, in which
//! earlier candidates' pods have already moved) and may be moved (FAQ: "What types of
//! pods can prevent CA from removing a node?"). A node unneeded for
//! `--scale-down-unneeded-time` is deleted, never below the group's min and not during
//! the delays after a scale-up, a deletion or a failure: empty nodes in bulk (up to
//! `--max-empty-bulk-delete`), a node with pods one at a time, drained first.

use super::context::CaEvent;
use super::estimate::Snapshot;
use super::{Autoscaler, AutoscalerContext, Timer};
use crate::cluster::{NodeIdx, Owner, PodId};
use crate::engine::SimTime;
use crate::model::resources::{CPU, MEMORY};

/// The annotation that keeps CA from evicting a pod ("false") or lets it ("true").
pub const SAFE_TO_EVICT: &str = "cluster-autoscaler.kubernetes.io/safe-to-evict";
/// The annotation listing local volumes CA may discard.
pub const SAFE_TO_EVICT_LOCAL_VOLUMES: &str =
    "cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes";
/// The node label (k8sim reads node labels; kube: an annotation) that keeps CA off a node.
pub const SCALE_DOWN_DISABLED: &str = "cluster-autoscaler.kubernetes.io/scale-down-disabled";

/// The requested utilization of node `n` (simulator.CalculateUtilization): the larger of
/// cpu and memory requests over allocatable.
pub fn utilization(ctx: &impl AutoscalerContext, n: NodeIdx) -> f64 {
    let t = &ctx.cluster().nodes();
    [CPU, MEMORY]
        .iter()
        .map(|r| {
            let alloc = t.allocatable()[n.ix()].get(*r);
            if alloc <= 0 {
                0.0
            } else {
                t.requested()[n.ix()].get(*r) as f64 / alloc as f64
            }
        })
        .fold(0.0, f64::max)
}

/// Why pod `p` keeps its node (drain.GetPodsToMove's blocking reasons), if it does.
fn blocking_reason(
    ca: &Autoscaler,
    ctx: &impl AutoscalerContext,
    p: PodId,
) -> Option<&'static str> {
    let pod = &ctx.cluster().pods()[p.ix()];
    let template = ctx.pod_template(p);
    let annotation = |k: &str| {
        template
            .and_then(|t| t.annotations.get(k))
            .map(String::as_str)
    };
    match annotation(SAFE_TO_EVICT) {
        Some("false") => return Some("pod annotated as not safe to evict present"),
        Some("true") => return None,
        _ => {}
    }
    if pod.owner == Owner::None {
        return Some("not replicated");
    }
    if ca.spec.skip_nodes_with_system_pods && pod.namespace == "kube-system" && !ctx.has_pdb(p) {
        return Some("non-daemonset, non-mirrored, non-pdb-assigned kube-system pod present");
    }
    if ca.spec.skip_nodes_with_local_storage {
        if let Some(t) = template {
            let allowed: Vec<&str> = annotation(SAFE_TO_EVICT_LOCAL_VOLUMES)
                .map(|v| v.split(',').map(str::trim).collect())
                .unwrap_or_default();
            if t.local_volumes
                .iter()
                .any(|v| !allowed.contains(&v.as_str()))
            {
                return Some("local storage present");
            }
        }
    }
    None
}

/// The pods CA would move off node `n` (not DaemonSet pods, not finished or leaving).
fn pods_to_move(ctx: &impl AutoscalerContext, n: NodeIdx) -> Vec<PodId> {
    pods_to_move_in(ctx.cluster(), n)
}

/// [`pods_to_move`] in cluster `c` (the real one, or the what-if copy where pods of
/// earlier candidates have moved in).
fn pods_to_move_in(c: &crate::cluster::Cluster, n: NodeIdx) -> Vec<PodId> {
    c.nodes().pods()[n.ix()]
        .iter()
        .copied()
        .filter(|p| {
            let pod = &c.pods()[p.ix()];
            !pod.deleting && !matches!(pod.owner, Owner::DaemonSet(_))
        })
        .collect()
}

/// Whether node `n` may be looked at: Ready, not being deleted, scale-down not disabled,
/// and its requested utilization under the threshold.
fn candidate(ca: &Autoscaler, ctx: &impl AutoscalerContext, n: NodeIdx) -> bool {
    let c = ctx.cluster();
    c.nodes().ready()[n.ix()]
        && !ca.deleting.contains(&n)
        && c.nodes().labels()[n.ix()]
            .get(SCALE_DOWN_DISABLED)
            .map(String::as_str)
            != Some("true")
        && utilization(ctx, n) < ca.spec.scale_down_utilization_threshold
}

/// Whether candidate node `n` is unneeded now: its pods may move and fit elsewhere; they
/// then move in `snapshot`.
fn unneeded(
    ca: &Autoscaler,
    ctx: &impl AutoscalerContext,
    snapshot: &mut Snapshot,
    removed: &mut [bool],
    n: NodeIdx,
) -> bool {
    let pods = pods_to_move_in(&snapshot.cluster, n);
    if pods.iter().any(|p| blocking_reason(ca, ctx, *p).is_some()) || !ctx.pdbs_allow(&pods) {
        return false;
    }
    removed[n.ix()] = true;
    let targets: Vec<NodeIdx> = snapshot
        .cluster
        .nodes()
        .indices()
        .filter(|m| !removed[m.ix()] && !ca.deleting.contains(m))
        .collect();
    let mut moved = Vec::new();
    for p in &pods {
        snapshot.cluster.what_if_remove(*p, n);
        match snapshot.first_fit(ctx, *p, targets.iter().copied()) {
            Some(m) => {
                snapshot.place(*p, m);
                moved.push((*p, m));
            }
            None => {
                // Undo: the node stays, its pods with it.
                snapshot.cluster.what_if_add(*p, n);
                for (q, m) in moved {
                    snapshot.cluster.what_if_remove(q, m);
                    snapshot.cluster.what_if_add(q, n);
                }
                removed[n.ix()] = false;
                return false;
            }
        }
    }
    true
}

/// Updates the unneeded nodes, then deletes those unneeded long enough unless in cooldown.
pub fn run(ca: &mut Autoscaler, ctx: &mut impl AutoscalerContext) {
    let now = ctx.now();
    let candidates: Vec<NodeIdx> = (0..ca.spec.groups.len())
        .flat_map(|g| ca.registered(ctx.cluster(), g))
        .filter(|n| candidate(ca, ctx, *n))
        .collect();
    let mut still = std::collections::BTreeMap::new();
    if !candidates.is_empty() {
        // The what-if copy is only made when some node is under the threshold.
        let mut snapshot = Snapshot::of(ctx);
        let mut removed = vec![false; ctx.cluster().nodes().len()];
        for n in candidates {
            if unneeded(ca, ctx, &mut snapshot, &mut removed, n) {
                let since = ca.unneeded_since.get(&n).copied().unwrap_or(now);
                still.insert(n, since);
            }
        }
    }
    ca.unneeded_since = still;
    if in_cooldown(ca, now) {
        return;
    }
    delete_unneeded(ca, ctx, now);
}

/// Within `--scale-down-delay-after-add`, `-after-delete` or `-after-failure`.
fn in_cooldown(ca: &Autoscaler, now: SimTime) -> bool {
    let within =
        |t: Option<SimTime>, d: u64| t.is_some_and(|t| now.as_millis() < t.as_millis() + d);
    within(ca.last_scale_up, ca.spec.scale_down_delay_after_add_ms)
        || within(ca.last_delete, ca.spec.scale_down_delay_after_delete_ms)
        || within(ca.last_failure, ca.spec.scale_down_delay_after_failure_ms)
}

/// Deletes the nodes unneeded for the unneeded time: empty ones in bulk, then one with pods
/// if no drain is running; never below a group's min.
fn delete_unneeded(ca: &mut Autoscaler, ctx: &mut impl AutoscalerContext, now: SimTime) {
    let ripe: Vec<NodeIdx> = ca
        .unneeded_since
        .iter()
        .filter(|(_, since)| now.as_millis() >= since.as_millis() + ca.spec.scale_down_unneeded_ms)
        .map(|(n, _)| *n)
        .collect();
    let mut sizes: Vec<u32> = (0..ca.spec.groups.len())
        .map(|g| ca.target_size(ctx.cluster(), g) - ca.deleting_in(ctx, g))
        .collect();
    let mut empty_left = ca.spec.max_empty_bulk_delete;
    let mut drain_free = !ca
        .deleting
        .iter()
        .any(|n| !pods_to_move(ctx, *n).is_empty());
    for n in ripe {
        let Some(g) = ca.group_of(ctx.cluster(), n) else {
            continue;
        };
        if sizes[g] <= ca.spec.groups[g].min {
            continue;
        }
        let empty = pods_to_move(ctx, n).is_empty();
        if empty && empty_left > 0 {
            empty_left -= 1;
        } else if !empty && drain_free {
            drain_free = false;
        } else {
            continue;
        }
        let before = sizes[g];
        sizes[g] -= 1;
        if !start_deletion(ca, ctx, n, empty) {
            sizes[g] += 1;
            continue;
        }
        let reason = if empty { "empty" } else { "underutilized" };
        ca.record(
            now,
            g,
            "scale_down",
            (before, before - 1),
            reason.to_string(),
        );
    }
}

/// Starts deleting node `n`: an empty node goes at once; a node with pods is tainted, its
/// pods evicted (grace capped by `--max-graceful-termination-sec`) and the node deleted
/// when their grace period is over. False if a PodDisruptionBudget refused an eviction.
fn start_deletion(
    ca: &mut Autoscaler,
    ctx: &mut impl AutoscalerContext,
    n: NodeIdx,
    empty: bool,
) -> bool {
    let now = ctx.now();
    let name = ctx.cluster().nodes().names()[n.ix()].clone();
    ca.unneeded_since.remove(&n);
    ca.last_delete = Some(now);
    ctx.taint_to_be_deleted(n);
    if empty {
        ctx.record_event(CaEvent::status(
            "Normal",
            "ScaleDownEmpty",
            format!("Scale-down: removing empty node {name:?}"),
        ));
        delete_node(ctx, n, &name);
        return true;
    }
    ctx.record_event(CaEvent {
        object_kind: "Node",
        object: &name,
        kind: "Normal",
        reason: "ScaleDown",
        message: "marked the node as toBeDeleted/unschedulable".to_string(),
    });
    let mut longest_ms = 0;
    for p in pods_to_move(ctx, n) {
        let pod = &ctx.cluster().pods()[p.ix()];
        let grace_s =
            ((pod.spec.termination_grace_ms / 1000) as i64).min(ca.spec.max_graceful_termination_s);
        let pod_name = pod.name.clone();
        ctx.record_event(CaEvent {
            object_kind: "Pod",
            object: &pod_name,
            kind: "Normal",
            reason: "ScaleDown",
            message: "deleting pod for node scale down".to_string(),
        });
        if !ctx.evict(p, grace_s) {
            drain_failed(ca, ctx, n, &name, &pod_name);
            return false;
        }
        longest_ms = longest_ms.max(grace_s as u64 * 1000);
    }
    ca.deleting.push(n);
    ctx.timer_at(
        SimTime::from_millis(now.as_millis() + longest_ms),
        Timer::DeleteNode(n),
    );
    true
}

/// A PodDisruptionBudget refused an eviction: the node stays (untainted; pods already
/// evicted stay evicted) and scale-down waits `--scale-down-delay-after-failure`.
fn drain_failed(
    ca: &mut Autoscaler,
    ctx: &mut impl AutoscalerContext,
    n: NodeIdx,
    name: &str,
    pod_name: &str,
) {
    ca.last_failure = Some(ctx.now());
    ctx.untaint_to_be_deleted(n);
    ctx.record_event(CaEvent {
        object_kind: "Node",
        object: name,
        kind: "Warning",
        reason: "ScaleDownFailed",
        message: format!("failed to drain the node, aborting ScaleDown: cannot evict {pod_name}"),
    });
}

/// Deletes node `n` and records CA's event on it.
fn delete_node(ctx: &mut impl AutoscalerContext, n: NodeIdx, name: &str) {
    ctx.record_event(CaEvent {
        object_kind: "Node",
        object: name,
        kind: "Normal",
        reason: "ScaleDown",
        message: "nodes removed by cluster autoscaler".to_string(),
    });
    ctx.delete_node(n);
}

/// The drained node's pods had their grace period: the node is deleted.
pub fn delete_drained(ca: &mut Autoscaler, ctx: &mut impl AutoscalerContext, n: NodeIdx) {
    ca.deleting.retain(|m| *m != n);
    if ctx.cluster().nodes().present()[n.ix()] {
        let name = ctx.cluster().nodes().names()[n.ix()].clone();
        delete_node(ctx, n, &name);
    }
}

impl Autoscaler {
    /// Nodes of group `g` being drained (still registered).
    fn deleting_in(&self, ctx: &impl AutoscalerContext, g: usize) -> u32 {
        self.deleting
            .iter()
            .filter(|n| self.group_of(ctx.cluster(), **n) == Some(g))
            .count() as u32
    }
}
