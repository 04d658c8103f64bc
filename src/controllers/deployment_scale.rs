//! The Deployment controller's proportional scaling (pkg/controller/deployment sync.go
//! `isScalingEvent` and `scale`): when the replica count changes during a rollout, the
//! ReplicaSets grow or shrink in proportion to their sizes.

use super::deployment_util::{fenceposts, old_replicasets, scale_rs};
use super::replicaset;
use super::ControllerContext;
use crate::model::workload::DeploymentStrategy;

/// sync.go isScalingEvent: an active ReplicaSet was last scaled for another replica count.
pub(super) fn is_scaling_event(ctx: &impl ControllerContext, d: u32) -> bool {
    let st = &ctx.workloads().deployments[d as usize];
    st.replicasets.iter().any(|r| {
        let rs = &ctx.workloads().replicasets[*r as usize];
        rs.replicas > 0
            && rs
                .desired_replicas_annotation
                .is_some_and(|x| x != st.spec.replicas)
    })
}

/// sync.go scale: one active (or the latest) ReplicaSet takes all replicas; a saturated
/// new ReplicaSet retires the old ones; otherwise, during a rolling update, replicas are
/// added or removed proportionally to each ReplicaSet's size (GetProportion), the
/// leftover going to the largest.
pub(super) fn scale(ctx: &mut impl ControllerContext, d: u32, new_rs: Option<u32>) {
    let st = &ctx.workloads().deployments[d as usize];
    let desired = st.spec.replicas;
    let old = old_replicasets(ctx, d, new_rs);
    let active: Vec<u32> = new_rs
        .iter()
        .chain(old.iter())
        .copied()
        .filter(|r| ctx.workloads().replicasets[*r as usize].replicas > 0)
        .collect();
    // FindActiveOrLatest.
    let active_or_latest = match active.len() {
        0 => new_rs.or_else(|| old.last().copied()),
        1 => Some(active[0]),
        _ => None,
    };
    if let Some(rs) = active_or_latest {
        scale_rs(ctx, d, rs, desired);
        return;
    }
    if let Some(n) = new_rs {
        let c = replicaset::counts(ctx, n);
        if ctx.workloads().replicasets[n as usize].replicas == desired && c.available == desired {
            for r in old {
                scale_rs(ctx, d, r, 0);
            }
            return;
        }
    }
    if !matches!(st.spec.strategy, DeploymentStrategy::RollingUpdate { .. }) {
        return;
    }
    let (surge, _) = fenceposts(&st.spec);
    let total: i32 = active
        .iter()
        .map(|r| ctx.workloads().replicasets[*r as usize].replicas)
        .sum();
    let allowed = if desired > 0 { desired + surge } else { 0 };
    let to_add = allowed - total;
    let mut ordered = active.clone();
    let rs_of = |r: &u32| &ctx.workloads().replicasets[*r as usize];
    if to_add > 0 {
        // ReplicaSetsBySizeNewer.
        ordered.sort_by_key(|r| {
            (
                std::cmp::Reverse(rs_of(r).replicas),
                std::cmp::Reverse(rs_of(r).created),
                *r,
            )
        });
    } else {
        // ReplicaSetsBySizeOlder.
        ordered.sort_by_key(|r| (std::cmp::Reverse(rs_of(r).replicas), rs_of(r).created, *r));
    }
    let mut added = 0;
    let mut sizes: Vec<(u32, i32)> = Vec::with_capacity(ordered.len());
    for r in &ordered {
        let rs = rs_of(r);
        let proportion = if to_add == 0 || to_add == added || rs.replicas == 0 {
            0
        } else {
            // getReplicaSetFraction: round(replicas * (desired + surge) / max-replicas).
            let fraction = if desired == 0 {
                -rs.replicas
            } else {
                let annotated = rs.max_replicas_annotation.unwrap_or(total).max(1);
                let size = rs.replicas as f64 * (desired + surge) as f64 / annotated as f64;
                size.round() as i32 - rs.replicas
            };
            let allowed_left = to_add - added;
            if to_add > 0 {
                fraction.min(allowed_left)
            } else {
                fraction.max(allowed_left)
            }
        };
        added += proportion;
        sizes.push((*r, rs.replicas + proportion));
    }
    if to_add != 0 {
        if let Some(first) = sizes.first_mut() {
            first.1 = (first.1 + to_add - added).max(0);
        }
    }
    for (r, size) in sizes {
        scale_rs(ctx, d, r, size);
    }
}
