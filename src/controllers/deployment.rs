//! Deployment controller: one ReplicaSet per pod template (`<deployment>-<pod-template-hash>`),
//! RollingUpdate (maxSurge rounded up, maxUnavailable rounded down) and Recreate, revisions
//! and revisionHistoryLimit, rollback, proportional scaling during a rollout, paused,
//! minReadySeconds (through the ReplicaSets) and progressDeadlineSeconds
//! (pkg/controller/deployment: rolling.go, recreate.go, sync.go, progress.go).

use super::deployment_scale::{is_scaling_event, scale};
use super::deployment_util::{fenceposts, old_replicasets, scale_rs};
use super::garbage_collector;
use super::replicaset::{self, ReplicaSetState};
use super::ReplicaTracker;
use super::{ControllerContext, ControllerRef};
use crate::engine::SimTime;
use crate::model::workload::{Deployment, DeploymentStrategy, PodTemplate, PropagationPolicy};

/// A Deployment's state.
#[derive(Debug, Clone)]
pub struct DeploymentState {
    /// The spec (template and replicas change with kubectl actions).
    pub spec: Deployment,
    /// Owned ReplicaSets, in creation order.
    pub replicasets: Vec<u32>,
    /// Deleted.
    pub deleted: bool,
    /// Desired vs ready over time.
    pub tracker: ReplicaTracker,
    /// Last time the rollout made progress (Progressing condition's lastUpdateTime).
    pub last_progress: SimTime,
    /// Available replicas at the last sync (a rise is progress).
    pub last_available: i32,
    /// The Progressing condition turned False with ProgressDeadlineExceeded.
    pub timed_out: bool,
    /// The Progressing condition's reason is NewReplicaSetAvailable: the latest rollout
    /// completed (cleared when a new ReplicaSet starts a rollout).
    pub rollout_complete: bool,
}

/// Adds a Deployment and returns its index.
pub fn add(ctx: &mut impl ControllerContext, spec: Deployment) -> u32 {
    let idx = ctx.workloads().deployments.len() as u32;
    let now = ctx.now();
    ctx.workloads_mut().deployments.push(DeploymentState {
        spec,
        replicasets: Vec::new(),
        deleted: false,
        tracker: ReplicaTracker::default(),
        last_progress: now,
        last_available: 0,
        timed_out: false,
        rollout_complete: false,
    });
    ctx.request_sync(ControllerRef::Deployment(idx));
    idx
}

/// The ReplicaSet whose template is the Deployment's current one, creating it (with the
/// next revision) if absent.
fn new_replicaset(ctx: &mut impl ControllerContext, d: u32) -> u32 {
    let st = &ctx.workloads().deployments[d as usize];
    let hash = st.spec.template.hash.clone();
    let max_revision = st
        .replicasets
        .iter()
        .map(|r| ctx.workloads().replicasets[*r as usize].revision)
        .max()
        .unwrap_or(0);
    if let Some(&rs) = st
        .replicasets
        .iter()
        .find(|r| ctx.workloads().replicasets[**r as usize].template.hash == hash)
    {
        // A rollback to an old template makes that ReplicaSet the newest revision again.
        let rs_state = &mut ctx.workloads_mut().replicasets[rs as usize];
        if rs_state.revision != max_revision {
            rs_state.revision = max_revision + 1;
        }
        return rs;
    }
    let name = format!("{}-{}", st.spec.meta.name, hash);
    let state = ReplicaSetState {
        name: name.clone(),
        namespace: st.spec.meta.namespace.clone(),
        replicas: 0,
        template: st.spec.template.clone(),
        min_ready_seconds: st.spec.min_ready_seconds,
        deployment: Some(d),
        revision: max_revision + 1,
        pods: Vec::new(),
        deleted: false,
        created: ctx.now(),
        workload: st.spec.meta.name.clone(),
        desired_replicas_annotation: None,
        max_replicas_annotation: None,
        tally: Default::default(),
    };
    let dep_name = st.spec.meta.name.clone();
    let rs = replicaset::add(ctx, state);
    let now = ctx.now();
    let dep = &mut ctx.workloads_mut().deployments[d as usize];
    dep.replicasets.push(rs);
    dep.last_progress = now;
    // Progressing: ReplicaSetUpdated.
    dep.rollout_complete = false;
    ctx.record_event(
        "Deployment",
        &dep_name,
        "Normal",
        "ScalingReplicaSet",
        format!("Created new replica set {name:?}"),
    );
    rs
}

/// Reconciles Deployment `d` (sync.go syncDeployment order: deleted, paused, scaling
/// event, then the strategy's rollout).
pub fn sync(ctx: &mut impl ControllerContext, d: u32) {
    reconcile(ctx, d);
    track(ctx, d);
}

fn reconcile(ctx: &mut impl ControllerContext, d: u32) {
    if ctx.workloads().deployments[d as usize].deleted {
        // The garbage collector deletes (or orphans) the ReplicaSets; the controller
        // only reports back (syncDeployment with a deletionTimestamp: status only).
        garbage_collector::deleted_owner_synced(ctx, ControllerRef::Deployment(d));
        return;
    }
    // A ReplicaSet deleted on its own is replaced by a new one of the same template.
    let rss = std::mem::take(&mut ctx.workloads_mut().deployments[d as usize].replicasets);
    ctx.workloads_mut().deployments[d as usize].replicasets = rss
        .into_iter()
        .filter(|r| !ctx.workloads().replicasets[*r as usize].deleted)
        .collect();
    let st = &ctx.workloads().deployments[d as usize];
    if st.spec.paused {
        // A paused Deployment still scales, but starts no rollout (no new ReplicaSet).
        let hash = &st.spec.template.hash;
        let new_rs = st
            .replicasets
            .iter()
            .copied()
            .find(|r| ctx.workloads().replicasets[*r as usize].template.hash == *hash);
        scale(ctx, d, new_rs);
        return;
    }
    let new_rs = new_replicaset(ctx, d);
    if is_scaling_event(ctx, d) {
        scale(ctx, d, Some(new_rs));
        cleanup_history(ctx, d, new_rs);
        return;
    }
    let st = &ctx.workloads().deployments[d as usize];
    let desired = st.spec.replicas;
    let old = old_replicasets(ctx, d, Some(new_rs));
    let (surge, unavailable) = fenceposts(&st.spec);
    match st.spec.strategy {
        DeploymentStrategy::Recreate => {
            for r in &old {
                scale_rs(ctx, d, *r, 0);
            }
            // recreate.go oldPodsRunning: a Terminating old pod is still running; the new
            // ReplicaSet scales up only once every old pod is gone or finished. Counted
            // afresh: the scale-down above just changed them.
            let old_running: i32 = old
                .iter()
                .map(|r| {
                    let c = replicaset::counts(ctx, *r);
                    c.active + c.terminating
                })
                .sum();
            if old_running == 0 {
                scale_rs(ctx, d, new_rs, desired);
            }
        }
        DeploymentStrategy::RollingUpdate { .. } => {
            reconcile_new(ctx, d, new_rs, &old, desired, surge);
            reconcile_old(ctx, d, new_rs, &old, desired, unavailable);
        }
    }
    if complete(ctx, d, new_rs) {
        cleanup_history(ctx, d, new_rs);
    }
    progress(ctx, d, new_rs);
}

/// DeploymentComplete: the new ReplicaSet has every replica, all available, and no old
/// replica is left.
fn complete(ctx: &impl ControllerContext, d: u32, new_rs: u32) -> bool {
    let desired = ctx.workloads().deployments[d as usize].spec.replicas;
    let c = replicaset::counts(ctx, new_rs);
    ctx.workloads().replicasets[new_rs as usize].replicas == desired
        && c.available == desired
        && old_replicasets(ctx, d, Some(new_rs))
            .iter()
            .all(|r| replicaset::counts(ctx, *r).active == 0)
}

/// progress.go syncRolloutStatus: new available pods are progress; without progress for
/// progressDeadlineSeconds the Progressing condition turns False (ProgressDeadlineExceeded).
/// Once the latest rollout is complete (reason NewReplicaSetAvailable and every pod is from
/// the new ReplicaSet) nothing is checked, so pods lost later (a node failure) do not
/// time the Deployment out.
fn progress(ctx: &mut impl ControllerContext, d: u32, new_rs: u32) {
    let now = ctx.now();
    let rss = ctx.workloads().deployments[d as usize].replicasets.clone();
    let available: i32 = rss
        .iter()
        .map(|r| replicaset::counts(ctx, *r).available)
        .sum();
    let replicas: i32 = rss.iter().map(|r| replicaset::counts(ctx, *r).active).sum();
    let updated = replicaset::counts(ctx, new_rs).active;
    let done = complete(ctx, d, new_rs);
    let st = &mut ctx.workloads_mut().deployments[d as usize];
    if available > st.last_available {
        st.last_progress = now;
    }
    st.last_available = available;
    if st.rollout_complete && replicas == updated {
        // isCompleteDeployment: no progress estimate for a finished rollout.
        return;
    }
    if done {
        st.timed_out = false;
        st.rollout_complete = true;
        st.last_progress = now;
        return;
    }
    if st.timed_out {
        return;
    }
    let deadline = st
        .last_progress
        .plus_millis(st.spec.progress_deadline_seconds.max(0) as u64 * 1000);
    if now >= deadline {
        st.timed_out = true;
        let name = st.spec.meta.name.clone();
        let rs_name = ctx.workloads().replicasets[new_rs as usize].name.clone();
        ctx.record_event(
            "Deployment",
            &name,
            "Warning",
            "ProgressDeadlineExceeded",
            format!("ReplicaSet {rs_name:?} has timed out progressing."),
        );
    } else {
        ctx.sync_at(deadline, ControllerRef::Deployment(d));
    }
}

fn track(ctx: &mut impl ControllerContext, d: u32) {
    let st = &ctx.workloads().deployments[d as usize];
    let desired = if st.deleted { 0 } else { st.spec.replicas };
    let ready: i32 = st
        .replicasets
        .iter()
        .map(|r| replicaset::counts(ctx, *r).ready)
        .sum();
    let (_, unavailable) = fenceposts(&st.spec);
    let max_unavailable = match st.spec.strategy {
        DeploymentStrategy::Recreate => 0,
        DeploymentStrategy::RollingUpdate { .. } => unavailable,
    };
    let now = ctx.now();
    ctx.workloads_mut().deployments[d as usize].tracker.update(
        now,
        desired,
        ready,
        max_unavailable,
    );
}

fn all_replicas(ctx: &impl ControllerContext, new_rs: u32, old: &[u32]) -> i32 {
    ctx.workloads().replicasets[new_rs as usize].replicas
        + old
            .iter()
            .map(|r| ctx.workloads().replicasets[*r as usize].replicas)
            .sum::<i32>()
}

/// rolling.go reconcileNewReplicaSet + deploymentutil.NewRSNewReplicas.
fn reconcile_new(
    ctx: &mut impl ControllerContext,
    d: u32,
    new_rs: u32,
    old: &[u32],
    desired: i32,
    surge: i32,
) {
    let current = ctx.workloads().replicasets[new_rs as usize].replicas;
    if current == desired {
        return;
    }
    if current > desired {
        scale_rs(ctx, d, new_rs, desired);
        return;
    }
    let total = all_replicas(ctx, new_rs, old);
    let max_total = desired + surge;
    if total >= max_total {
        return;
    }
    let scale_up = (max_total - total).min(desired - current);
    scale_rs(ctx, d, new_rs, current + scale_up);
}

/// rolling.go reconcileOldReplicaSets: clean up unhealthy old replicas, then scale old
/// ReplicaSets down while keeping `desired - maxUnavailable` pods available.
fn reconcile_old(
    ctx: &mut impl ControllerContext,
    d: u32,
    new_rs: u32,
    old: &[u32],
    desired: i32,
    unavailable: i32,
) {
    let old_count: i32 = old
        .iter()
        .map(|r| ctx.workloads().replicasets[*r as usize].replicas)
        .sum();
    if old_count == 0 {
        return;
    }
    let all = all_replicas(ctx, new_rs, old);
    let min_available = desired - unavailable;
    let new_state = replicaset::counts(ctx, new_rs);
    let new_unavailable =
        ctx.workloads().replicasets[new_rs as usize].replicas - new_state.available;
    let max_scaled_down = all - min_available - new_unavailable;
    if max_scaled_down <= 0 {
        return;
    }
    // Oldest first (creation order).
    let mut cleaned = 0;
    for &r in old {
        if cleaned >= max_scaled_down {
            break;
        }
        let replicas = ctx.workloads().replicasets[r as usize].replicas;
        if replicas == 0 {
            continue;
        }
        let available = replicaset::counts(ctx, r).available;
        if replicas == available {
            continue;
        }
        let down = (max_scaled_down - cleaned).min(replicas - available);
        scale_rs(ctx, d, r, replicas - down);
        cleaned += down;
    }
    // scaleDownOldReplicaSetsForRollingUpdate.
    let available_total: i32 = std::iter::once(new_rs)
        .chain(old.iter().copied())
        .map(|r| replicaset::counts(ctx, r).available)
        .sum();
    if available_total <= min_available {
        return;
    }
    let total_down = available_total - min_available;
    let mut done = 0;
    for &r in old {
        if done >= total_down {
            break;
        }
        let replicas = ctx.workloads().replicasets[r as usize].replicas;
        if replicas == 0 {
            continue;
        }
        let down = replicas.min(total_down - done);
        scale_rs(ctx, d, r, replicas - down);
        done += down;
    }
}

/// Deletes old ReplicaSets with no replicas and no pods beyond revisionHistoryLimit
/// (oldest revisions first).
fn cleanup_history(ctx: &mut impl ControllerContext, d: u32, new_rs: u32) {
    let st = &ctx.workloads().deployments[d as usize];
    let limit = st.spec.revision_history_limit.max(0) as usize;
    let mut old: Vec<u32> = st
        .replicasets
        .iter()
        .copied()
        .filter(|r| *r != new_rs)
        .filter(|r| {
            let rs = &ctx.workloads().replicasets[*r as usize];
            rs.replicas == 0 && replicaset::counts(ctx, *r).active == 0
        })
        .collect();
    if old.len() <= limit {
        return;
    }
    old.sort_by_key(|r| ctx.workloads().replicasets[*r as usize].revision);
    let excess = old.len() - limit;
    for r in old.into_iter().take(excess) {
        garbage_collector::delete(
            ctx,
            ControllerRef::ReplicaSet(r),
            PropagationPolicy::Background,
        );
        ctx.workloads_mut().deployments[d as usize]
            .replicasets
            .retain(|x| *x != r);
    }
}

/// `kubectl scale deployment NAME --replicas=N`.
pub fn set_replicas(ctx: &mut impl ControllerContext, d: u32, replicas: i32) {
    ctx.workloads_mut().deployments[d as usize].spec.replicas = replicas;
    ctx.request_sync(ControllerRef::Deployment(d));
}

/// Sets a new pod template (e.g. `kubectl set image`), starting a rollout.
pub fn set_template(ctx: &mut impl ControllerContext, d: u32, template: PodTemplate) {
    ctx.workloads_mut().deployments[d as usize].spec.template = template;
    ctx.request_sync(ControllerRef::Deployment(d));
}

/// `kubectl rollout undo deployment NAME [--to-revision=N]`: copies the template of the
/// given revision (0: the one before the current) back into the Deployment.
pub fn rollback(ctx: &mut impl ControllerContext, d: u32, to_revision: i64) -> Result<(), String> {
    let st = &ctx.workloads().deployments[d as usize];
    let mut revisions: Vec<(i64, u32)> = st
        .replicasets
        .iter()
        .map(|r| (ctx.workloads().replicasets[*r as usize].revision, *r))
        .collect();
    revisions.sort();
    let target = if to_revision == 0 {
        if revisions.len() < 2 {
            return Err("no rollout history found".to_string());
        }
        revisions[revisions.len() - 2].1
    } else {
        revisions
            .iter()
            .find(|(rev, _)| *rev == to_revision)
            .map(|(_, r)| *r)
            .ok_or_else(|| format!("unable to find specified revision {to_revision} in history"))?
    };
    let template = ctx.workloads().replicasets[target as usize]
        .template
        .clone();
    set_template(ctx, d, template);
    Ok(())
}
