//! Helpers the Deployment controller's rollout and scaling share (kube's
//! pkg/controller/deployment/util): resolving maxSurge/maxUnavailable, scaling one
//! ReplicaSet with its annotations, and listing the old ReplicaSets.

use super::{ControllerContext, ControllerRef};
use crate::model::workload::{Deployment, DeploymentStrategy};

/// maxSurge and maxUnavailable of Deployment `d` resolved against its replicas
/// (deploymentutil.ResolveFenceposts: surge rounds up, unavailable down, never both 0).
pub(super) fn fenceposts(spec: &Deployment) -> (i32, i32) {
    match &spec.strategy {
        DeploymentStrategy::Recreate => (0, 0),
        DeploymentStrategy::RollingUpdate {
            max_surge,
            max_unavailable,
        } => {
            let surge = max_surge.resolve(spec.replicas, true).max(0);
            let mut unavailable = max_unavailable.resolve(spec.replicas, false).max(0);
            if surge == 0 && unavailable == 0 {
                unavailable = 1;
            }
            (surge, unavailable.min(spec.replicas.max(0)))
        }
    }
}

/// Sets ReplicaSet `rs` of Deployment `d` to `replicas`, with the desired and max
/// replicas annotations (deploymentutil SetReplicasAnnotations) and a ScalingReplicaSet
/// event when the count changes.
pub(super) fn scale_rs(ctx: &mut impl ControllerContext, d: u32, rs: u32, replicas: i32) {
    let spec = &ctx.workloads().deployments[d as usize].spec;
    let (surge, _) = fenceposts(spec);
    let (desired, max) = (spec.replicas, spec.replicas + surge);
    let st = &mut ctx.workloads_mut().replicasets[rs as usize];
    st.desired_replicas_annotation = Some(desired);
    st.max_replicas_annotation = Some(max);
    if st.replicas == replicas {
        return;
    }
    ctx.workloads_mut().deployments[d as usize].last_progress = ctx.now();
    let st = &mut ctx.workloads_mut().replicasets[rs as usize];
    let verb = if replicas > st.replicas { "up" } else { "down" };
    let msg = format!(
        "Scaled {verb} replica set {} from {} to {replicas}",
        st.name, st.replicas
    );
    st.replicas = replicas;
    let dep = ctx.workloads().deployments[d as usize]
        .spec
        .meta
        .name
        .clone();
    ctx.record_event("Deployment", &dep, "Normal", "ScalingReplicaSet", msg);
    ctx.request_sync(ControllerRef::ReplicaSet(rs));
}

/// Deployment `d`'s ReplicaSets other than `new_rs`.
pub(super) fn old_replicasets(
    ctx: &impl ControllerContext,
    d: u32,
    new_rs: Option<u32>,
) -> Vec<u32> {
    ctx.workloads().deployments[d as usize]
        .replicasets
        .iter()
        .copied()
        .filter(|r| Some(*r) != new_rs)
        .collect()
}
