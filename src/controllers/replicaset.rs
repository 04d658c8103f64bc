//! ReplicaSet controller: keeps `replicas` active pods named `<rs>-<5 random chars>`,
//! deleting the least valuable pods first when scaling down (controller.ActivePods order).

use super::garbage_collector;
use super::replicaset_tally::ReplicaTally;
use super::{ControllerContext, ControllerRef};
use crate::cluster::{Owner, Pod, PodId, PodPhase};
use crate::engine::SimTime;
use crate::model::workload::PodTemplate;

/// A ReplicaSet's state.
#[derive(Debug, Clone)]
pub struct ReplicaSetState {
    /// Name.
    pub name: String,
    /// Namespace.
    pub namespace: String,
    /// Desired replicas.
    pub replicas: i32,
    /// Pod template.
    pub template: PodTemplate,
    /// minReadySeconds.
    pub min_ready_seconds: i32,
    /// Owning Deployment, if any.
    pub deployment: Option<u32>,
    /// Revision (deployment.kubernetes.io/revision).
    pub revision: i64,
    /// Pods it created (including terminated ones).
    pub pods: Vec<PodId>,
    /// Deleted (deletionTimestamp set): the garbage collector handles its pods.
    pub deleted: bool,
    /// When it was created.
    pub created: SimTime,
    /// Top-level workload name (for run durations).
    pub workload: String,
    /// `deployment.kubernetes.io/desired-replicas`: the Deployment's replicas when it
    /// last scaled this ReplicaSet.
    pub desired_replicas_annotation: Option<i32>,
    /// `deployment.kubernetes.io/max-replicas`: replicas + maxSurge at that time.
    pub max_replicas_annotation: Option<i32>,
    /// Its pods' status counts, kept in step by the simulation as the pods change.
    pub tally: ReplicaTally,
}

impl ReplicaSetState {
    /// minReadySeconds in milliseconds.
    pub fn min_ready_ms(&self) -> u64 {
        self.min_ready_seconds as u64 * 1000
    }
}

/// Counts of a ReplicaSet's pods.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReplicaCounts {
    /// Active (not terminated, not deleting).
    pub active: i32,
    /// Ready.
    pub ready: i32,
    /// Ready for at least minReadySeconds.
    pub available: i32,
    /// Terminating: deleted, containers still stopping (`status.terminatingReplicas`,
    /// controller.FilterTerminatingPods; not counted in `active`).
    pub terminating: i32,
}

/// Counts the pods of ReplicaSet `rs` (from its tally: O(1), plus the Ready pods still
/// waiting out minReadySeconds).
pub fn counts(ctx: &impl ControllerContext, rs: u32) -> ReplicaCounts {
    let st = &ctx.workloads().replicasets[rs as usize];
    st.tally.counts(ctx.now(), st.min_ready_ms())
}

/// The reference for [`counts`] and the tally's next availability time: a walk over
/// every pod ReplicaSet `rs` ever had (`k8sim run --check` compares the two after every
/// event).
pub fn counts_by_walk(ctx: &impl ControllerContext, rs: u32) -> (ReplicaCounts, Option<SimTime>) {
    let st = &ctx.workloads().replicasets[rs as usize];
    let now = ctx.now();
    let wait = st.min_ready_ms();
    let mut c = ReplicaCounts::default();
    let mut next_available: Option<SimTime> = None;
    for p in &st.pods {
        let pod = &ctx.cluster().pods()[p.ix()];
        if pod.is_terminating() && !pod.phase.is_terminal() {
            c.terminating += 1;
        }
        if !pod.is_active() {
            continue;
        }
        c.active += 1;
        if pod.ready {
            c.ready += 1;
            let since = pod.times.ready.unwrap_or(now);
            if now.millis_since(since) >= wait {
                c.available += 1;
            } else {
                let t = since.plus_millis(wait);
                next_available = Some(next_available.map_or(t, |n| n.min(t)));
            }
        }
    }
    (c, next_available)
}

/// Reconciles ReplicaSet `rs`.
pub fn sync(ctx: &mut impl ControllerContext, rs: u32) {
    let st = &ctx.workloads().replicasets[rs as usize];
    if st.deleted {
        // Its pods are the garbage collector's; it neither creates nor deletes any.
        garbage_collector::deleted_owner_synced(ctx, ControllerRef::ReplicaSet(rs));
        return;
    }
    let diff = st.tally.active() - st.replicas;
    if diff < 0 {
        for _ in 0..(-diff) {
            create_pod(ctx, rs);
        }
    } else if diff > 0 {
        let mut ranked: Vec<PodId> = st
            .pods
            .iter()
            .copied()
            .filter(|p| ctx.cluster().pods()[p.ix()].is_active())
            .collect();
        ranked.sort_by_key(|p| deletion_rank(&ctx.cluster().pods()[p.ix()]));
        for p in ranked.into_iter().take(diff as usize) {
            ctx.delete_pod(p, "SuccessfulDelete");
        }
    }
    // Pods becoming available after minReadySeconds need a later look.
    let st = &ctx.workloads().replicasets[rs as usize];
    if st.min_ready_seconds > 0 {
        if let Some(t) = st.tally.next_available(ctx.now(), st.min_ready_ms()) {
            ctx.sync_at(t, ControllerRef::ReplicaSet(rs));
        }
    }
    if let Some(d) = ctx.workloads().replicasets[rs as usize].deployment {
        ctx.request_sync(ControllerRef::Deployment(d));
    }
}

/// Sort key for scale-down: lower sorts first and is deleted first (`controller.ActivePods`:
/// unassigned < assigned, Pending < Running, not ready < ready, more restarts first,
/// newer first).
fn deletion_rank(
    p: &Pod,
) -> (
    bool,
    u8,
    bool,
    std::cmp::Reverse<u32>,
    std::cmp::Reverse<SimTime>,
) {
    let phase_rank = match p.phase {
        PodPhase::Pending => 0,
        _ => 1,
    };
    (
        p.node.is_some(),
        phase_rank,
        p.ready,
        std::cmp::Reverse(p.restarts),
        std::cmp::Reverse(p.times.created),
    )
}

fn create_pod(ctx: &mut impl ControllerContext, rs: u32) {
    let st = &ctx.workloads().replicasets[rs as usize];
    let (prefix, namespace) = (st.name.clone(), st.namespace.clone());
    let template = st.template.clone();
    let workload = st.workload.clone();
    let owned_by_deployment = st.deployment.is_some();
    let name = ctx.unique_pod_name(&namespace, &prefix);
    let mut labels = template.labels.clone();
    if owned_by_deployment {
        labels.insert("pod-template-hash".to_string(), template.hash.clone());
    }
    let mut pod = Pod::new(
        name,
        namespace,
        labels,
        Owner::ReplicaSet(rs),
        template.spec.clone(),
        ctx.now(),
    );
    pod.workload = workload;
    pod.revision = template.hash.clone();
    debug_assert!(template
        .labels
        .iter()
        .all(|(k, v)| pod.labels.get(k) == Some(v)));
    let id = ctx.create_pod(pod, "ReplicaSet", &prefix);
    let st = &mut ctx.workloads_mut().replicasets[rs as usize];
    st.pods.push(id);
    st.tally.created();
}

/// Adds a ReplicaSet and returns its index.
pub fn add(ctx: &mut impl ControllerContext, state: ReplicaSetState) -> u32 {
    let idx = ctx.workloads().replicasets.len() as u32;
    ctx.workloads_mut().replicasets.push(state);
    ctx.request_sync(ControllerRef::ReplicaSet(idx));
    idx
}
