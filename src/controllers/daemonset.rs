//! DaemonSet controller: one pod per eligible node (nodeSelector, required node affinity,
//! NoSchedule/NoExecute taints against the pod's tolerations plus the ones the controller
//! adds), pinned to its node by a `metadata.name` node affinity and placed by the
//! scheduler; pods follow nodes as they come, go or change; RollingUpdate replaces
//! old-revision pods at most `maxUnavailable` at a time (pkg/controller/daemon:
//! daemon_controller.go, update.go, util/daemonset_util.go).

use super::garbage_collector;
use super::{ControllerContext, ControllerRef};
use crate::cluster::{NodeIdx, Owner, Pod, PodId, PodPhase};
use crate::model::labels::{NodeSelectorTerm, Requirement, SelectorOp, TaintEffect, Toleration};
use crate::model::pod::PodSpec;
use crate::model::workload::DaemonSet;
use std::sync::Arc;

/// A DaemonSet's state.
#[derive(Debug, Clone)]
pub struct DaemonSetState {
    /// The spec.
    pub spec: DaemonSet,
    /// Pods it created with the node each is pinned to (terminated ones included).
    pub pods: Vec<(NodeIdx, PodId)>,
    /// Deleted.
    pub deleted: bool,
    /// Desired (eligible nodes) vs ready over time.
    pub tracker: super::ReplicaTracker,
}

/// Tolerations the DaemonSet controller adds to every pod
/// (util.AddOrUpdateDaemonPodTolerations): not-ready/unreachable NoExecute, and
/// disk/memory/pid-pressure and unschedulable NoSchedule.
pub fn automatic_tolerations() -> Vec<Toleration> {
    let t = |key: &str, effect| Toleration {
        key: key.to_string(),
        exists: true,
        value: String::new(),
        effect: Some(effect),
        toleration_seconds: None,
    };
    vec![
        t("node.kubernetes.io/not-ready", TaintEffect::NoExecute),
        t("node.kubernetes.io/unreachable", TaintEffect::NoExecute),
        t("node.kubernetes.io/disk-pressure", TaintEffect::NoSchedule),
        t(
            "node.kubernetes.io/memory-pressure",
            TaintEffect::NoSchedule,
        ),
        t("node.kubernetes.io/pid-pressure", TaintEffect::NoSchedule),
        t("node.kubernetes.io/unschedulable", TaintEffect::NoSchedule),
    ]
}

/// Adds a DaemonSet and returns its index.
pub fn add(ctx: &mut impl ControllerContext, mut spec: DaemonSet) -> u32 {
    let mut pod_spec: PodSpec = (*spec.template.spec).clone();
    for t in automatic_tolerations() {
        if !pod_spec.tolerations.contains(&t) {
            pod_spec.tolerations.push(t);
        }
    }
    spec.template.spec = Arc::new(pod_spec);
    let idx = ctx.workloads().daemonsets.len() as u32;
    ctx.workloads_mut().daemonsets.push(DaemonSetState {
        spec,
        pods: Vec::new(),
        deleted: false,
        tracker: super::ReplicaTracker::default(),
    });
    ctx.request_sync(ControllerRef::DaemonSet(idx));
    idx
}

/// Nodes changed (added, removed, tainted, relabelled): every DaemonSet reconciles.
pub fn nodes_changed(ctx: &mut impl ControllerContext) {
    for i in 0..ctx.workloads().daemonsets.len() as u32 {
        ctx.request_sync(ControllerRef::DaemonSet(i));
    }
}

/// True if the DaemonSet's pods should run on node `n` (NodeShouldRunDaemonPod's
/// shouldRun: NoSchedule and NoExecute taints must be tolerated).
pub fn should_run(ctx: &impl ControllerContext, spec: &PodSpec, n: NodeIdx) -> bool {
    eligible(
        ctx,
        spec,
        n,
        &[TaintEffect::NoSchedule, TaintEffect::NoExecute],
    )
}

/// True if a pod already on node `n` may stay (shouldContinueRunning: only NoExecute
/// taints must be tolerated).
pub fn should_continue_running(ctx: &impl ControllerContext, spec: &PodSpec, n: NodeIdx) -> bool {
    eligible(ctx, spec, n, &[TaintEffect::NoExecute])
}

fn eligible(
    ctx: &impl ControllerContext,
    spec: &PodSpec,
    n: NodeIdx,
    effects: &[TaintEffect],
) -> bool {
    let nodes = &ctx.cluster().nodes();
    if !nodes.present()[n.ix()] {
        return false;
    }
    let labels = &nodes.labels()[n.ix()];
    let name = &nodes.names()[n.ix()];
    let selector_ok = spec
        .node_selector
        .iter()
        .all(|(k, v)| labels.get(k) == Some(v));
    let affinity_ok = spec
        .affinity
        .node
        .required
        .as_ref()
        .is_none_or(|terms| terms.iter().any(|t| t.matches(labels, name)));
    let taints_ok = nodes.taints()[n.ix()].iter().all(|taint| {
        !effects.contains(&taint.effect) || spec.tolerations.iter().any(|t| t.tolerates(taint))
    });
    selector_ok && affinity_ok && taints_ok
}

fn active(ctx: &impl ControllerContext, p: PodId) -> bool {
    ctx.cluster().pods()[p.ix()].is_active()
}

/// Reconciles DaemonSet `d`.
pub fn sync(ctx: &mut impl ControllerContext, d: u32) {
    reconcile(ctx, d);
    let (desired, ready) = counts(ctx, d);
    let max_unavailable = ctx.workloads().daemonsets[d as usize]
        .spec
        .max_unavailable
        .map(|m| m.resolve(desired, true).max(1))
        .unwrap_or(0);
    let now = ctx.now();
    ctx.workloads_mut().daemonsets[d as usize]
        .tracker
        .update(now, desired, ready, max_unavailable);
}

fn reconcile(ctx: &mut impl ControllerContext, d: u32) {
    let st = &ctx.workloads().daemonsets[d as usize];
    let spec = st.spec.template.spec.clone();
    let hash = st.spec.template.hash.clone();
    if st.deleted {
        // Its pods are the garbage collector's.
        garbage_collector::deleted_owner_synced(ctx, ControllerRef::DaemonSet(d));
        return;
    }
    let max_unavailable_spec = st.spec.max_unavailable;
    let nodes: Vec<NodeIdx> = ctx.cluster().nodes().indices().collect();
    let mut eligible = 0;
    let mut old_on_node: Vec<(NodeIdx, PodId)> = Vec::new();
    let mut unavailable = 0;
    for n in nodes {
        let pods: Vec<PodId> = ctx.workloads().daemonsets[d as usize]
            .pods
            .iter()
            .filter(|(node, p)| *node == n && active(ctx, *p))
            .map(|(_, p)| *p)
            .collect();
        let should = should_run(ctx, &spec, n);
        if !should {
            let keep = !pods.is_empty() && should_continue_running(ctx, &spec, n);
            if !keep {
                for p in pods {
                    ctx.delete_pod(p, "SuccessfulDelete");
                }
            }
            continue;
        }
        eligible += 1;
        let terminating = ctx.workloads().daemonsets[d as usize]
            .pods
            .iter()
            .any(|(node, p)| *node == n && ctx.cluster().pods()[p.ix()].is_terminating());
        match pods.as_slice() {
            // podsShouldBeOnNode (daemon_controller.go): a node whose daemon pod is still
            // Terminating gets its new pod once the old one is gone (no maxSurge here).
            [] if terminating => unavailable += 1,
            [] => {
                // A failed daemon pod is replaced (the controller deletes it and creates a
                // new one); so is a missing one.
                create_pod(ctx, d, n);
                unavailable += 1;
            }
            [p, extra @ ..] => {
                for x in extra {
                    ctx.delete_pod(*x, "SuccessfulDelete");
                }
                let pod = &ctx.cluster().pods()[p.ix()];
                if !pod.ready {
                    unavailable += 1;
                }
                if pod.revision != hash {
                    old_on_node.push((n, *p));
                }
            }
        }
    }
    // RollingUpdate: delete old pods while fewer than maxUnavailable are unavailable; the
    // replacement is created by the next sync (update.go rollingUpdate).
    if let Some(mu) = max_unavailable_spec {
        let max_unavailable = mu.resolve(eligible, true).max(1);
        // Old pods that are not ready go first: deleting them costs no availability.
        old_on_node.sort_by_key(|(_, p)| ctx.cluster().pods()[p.ix()].ready);
        for (_, p) in old_on_node {
            let ready = ctx.cluster().pods()[p.ix()].ready;
            if ready && unavailable >= max_unavailable {
                break;
            }
            ctx.delete_pod(p, "SuccessfulDelete");
            if ready {
                unavailable += 1;
            }
        }
    }
}

fn create_pod(ctx: &mut impl ControllerContext, d: u32, n: NodeIdx) {
    let st = &ctx.workloads().daemonsets[d as usize];
    let ds_name = st.spec.meta.name.clone();
    let namespace = st.spec.meta.namespace.clone();
    let template = st.spec.template.clone();
    let node_name = ctx.cluster().nodes().names()[n.ix()].clone();
    // ReplaceDaemonSetPodNodeNameNodeAffinity: the required terms become one
    // `metadata.name In [node]` field term (eligibility was checked by the controller).
    let mut spec = (*template.spec).clone();
    spec.affinity.node.required = Some(vec![NodeSelectorTerm {
        match_expressions: vec![],
        match_fields: vec![Requirement {
            key: "metadata.name".to_string(),
            op: SelectorOp::In,
            values: vec![node_name],
        }],
    }]);
    let name = ctx.unique_pod_name(&namespace, &ds_name);
    let mut labels = template.labels.clone();
    labels.insert(
        "controller-revision-hash".to_string(),
        template.hash.clone(),
    );
    let mut pod = Pod::new(
        name,
        namespace,
        labels,
        Owner::DaemonSet(d),
        Arc::new(spec),
        ctx.now(),
    );
    pod.workload = ds_name.clone();
    pod.revision = template.hash.clone();
    let id = ctx.create_pod(pod, "DaemonSet", &ds_name);
    ctx.workloads_mut().daemonsets[d as usize]
        .pods
        .push((n, id));
}

/// Number of nodes that should run the pod, and how many run a ready one
/// (desiredNumberScheduled, numberReady).
pub fn counts(ctx: &impl ControllerContext, d: u32) -> (i32, i32) {
    let st = &ctx.workloads().daemonsets[d as usize];
    let spec = &st.spec.template.spec;
    let desired = ctx
        .cluster()
        .nodes()
        .indices()
        .filter(|n| !st.deleted && should_run(ctx, spec, *n))
        .count() as i32;
    let ready = st
        .pods
        .iter()
        .filter(|(_, p)| {
            let pod = &ctx.cluster().pods()[p.ix()];
            pod.is_active() && pod.ready && pod.phase == PodPhase::Running
        })
        .count() as i32;
    (desired, ready)
}
