//! Garbage collector: deleting an owner cascades to its dependents as Kubernetes' garbage
//! collector does for every owner kind (pkg/controller/garbagecollector/garbagecollector.go
//! attemptToDeleteItem, processDeletingDependentsItem, orphanDependents): background (the
//! owner goes at once, its dependents are deleted after it), foreground (the owner stays,
//! being deleted, until every dependent is gone) or orphan (the dependents lose their
//! ownerReference and keep running).
//!
//! A deleted owner's controller stops managing its dependents (as a controller skips an
//! object with a deletionTimestamp) and only reports back here when a dependent changes,
//! so a deletion never makes owner and dependent ask each other to sync forever.

use super::statefulset;
use super::{ControllerContext, ControllerRef};
use crate::cluster::{Owner, PodId};
use crate::model::workload::PropagationPolicy;

/// Owners deleted in the foreground that are still waiting for their dependents
/// (`foregroundDeletion` finalizer set), in deletion order.
#[derive(Debug, Default)]
pub struct GarbageCollector {
    /// Owners still present in the API, being deleted.
    pub waiting: Vec<ControllerRef>,
}

/// A dependent of an owner: another owner or a pod.
#[derive(Debug, Clone, Copy)]
enum Dependent {
    Owner(ControllerRef),
    Pod(PodId),
}

/// True while `owner` exists in the API: not deleted, or deleted in the foreground and
/// still waiting for its dependents (what `kubectl get` lists).
pub fn present(ctx: &impl ControllerContext, owner: ControllerRef) -> bool {
    !is_deleted(ctx, owner) || ctx.workloads().gc.waiting.contains(&owner)
}

/// Deletes `owner` with `policy` (`kubectl delete KIND NAME --cascade=...`, or a
/// controller deleting an object it owns). Deleting an owner twice does nothing.
pub fn delete(ctx: &mut impl ControllerContext, owner: ControllerRef, policy: PropagationPolicy) {
    if is_deleted(ctx, owner) {
        return;
    }
    mark_deleted(ctx, owner);
    match policy {
        PropagationPolicy::Orphan => orphan_dependents(ctx, owner),
        PropagationPolicy::Background | PropagationPolicy::Foreground => {
            if policy == PropagationPolicy::Foreground {
                ctx.workloads_mut().gc.waiting.push(owner);
            }
            for dependent in dependents(ctx, owner) {
                match dependent {
                    Dependent::Pod(p) => ctx.delete_pod_with_grace(p, -1),
                    Dependent::Owner(o) => {
                        // attemptToDeleteItem: a dependent whose owner waits for it is
                        // deleted in the foreground if it has dependents of its own.
                        let child = if policy == PropagationPolicy::Foreground
                            && !dependents(ctx, o).is_empty()
                        {
                            PropagationPolicy::Foreground
                        } else {
                            PropagationPolicy::Background
                        };
                        delete(ctx, o, child);
                    }
                }
            }
            if let ControllerRef::StatefulSet(s) = owner {
                // Claims a `whenDeleted: Delete` retention policy made dependents.
                statefulset::delete_claims_when_deleted(ctx, s);
            }
        }
    }
    if policy != PropagationPolicy::Foreground {
        // The owner is gone: its own owner (a Deployment, a CronJob) sees it go.
        if let Some(parent) = parent_of(ctx, owner) {
            ctx.request_sync(parent);
        }
    }
    // The owner's controller records the deletion (desired 0) and, in the foreground,
    // reports back once its dependents are gone.
    ctx.request_sync(owner);
}

/// Called by the controller of a deleted `owner` when it syncs (a dependent changed): a
/// foreground deletion completes once no dependent is left, and the owner's own owner is
/// told that this dependent is gone.
pub fn deleted_owner_synced(ctx: &mut impl ControllerContext, owner: ControllerRef) {
    let Some(pos) = ctx.workloads().gc.waiting.iter().position(|o| *o == owner) else {
        return;
    };
    if !dependents(ctx, owner).is_empty() {
        return;
    }
    ctx.workloads_mut().gc.waiting.remove(pos);
    if let Some(parent) = parent_of(ctx, owner) {
        ctx.request_sync(parent);
    }
}

fn is_deleted(ctx: &impl ControllerContext, owner: ControllerRef) -> bool {
    let w = ctx.workloads();
    match owner {
        ControllerRef::Deployment(i) => w.deployments[i as usize].deleted,
        ControllerRef::ReplicaSet(i) => w.replicasets[i as usize].deleted,
        ControllerRef::StatefulSet(i) => w.statefulsets[i as usize].deleted,
        ControllerRef::DaemonSet(i) => w.daemonsets[i as usize].deleted,
        ControllerRef::Job(i) => w.jobs[i as usize].deleted,
        ControllerRef::CronJob(i) => w.cronjobs[i as usize].deleted,
        ControllerRef::Hpa(i) => w.hpas[i as usize].deleted,
    }
}

/// Sets the deletionTimestamp: the owner's controller stops managing its dependents.
fn mark_deleted(ctx: &mut impl ControllerContext, owner: ControllerRef) {
    let w = ctx.workloads_mut();
    match owner {
        ControllerRef::Deployment(i) => w.deployments[i as usize].deleted = true,
        ControllerRef::ReplicaSet(i) => w.replicasets[i as usize].deleted = true,
        ControllerRef::StatefulSet(i) => w.statefulsets[i as usize].deleted = true,
        ControllerRef::DaemonSet(i) => w.daemonsets[i as usize].deleted = true,
        ControllerRef::Job(i) => w.jobs[i as usize].deleted = true,
        ControllerRef::CronJob(i) => {
            w.cronjobs[i as usize].deleted = true;
            w.cronjobs[i as usize].spec.suspend = true;
        }
        ControllerRef::Hpa(i) => w.hpas[i as usize].deleted = true,
    }
}

/// The owner that `owner` itself belongs to (its ownerReference), if any.
fn parent_of(ctx: &impl ControllerContext, owner: ControllerRef) -> Option<ControllerRef> {
    match owner {
        ControllerRef::ReplicaSet(i) => ctx.workloads().replicasets[i as usize]
            .deployment
            .map(ControllerRef::Deployment),
        ControllerRef::Job(i) => ctx.workloads().jobs[i as usize]
            .cronjob
            .map(ControllerRef::CronJob),
        _ => None,
    }
}

/// The dependents of `owner` that still exist: its ReplicaSets or Jobs not yet gone, or
/// its pods not yet gone (a Terminating pod still counts until its grace period ends).
fn dependents(ctx: &impl ControllerContext, owner: ControllerRef) -> Vec<Dependent> {
    let w = ctx.workloads();
    let pod_owner = match owner {
        ControllerRef::Deployment(d) => {
            return w.deployments[d as usize]
                .replicasets
                .iter()
                .filter(|r| w.replicasets[**r as usize].deployment == Some(d))
                .map(|r| ControllerRef::ReplicaSet(*r))
                .filter(|o| present(ctx, *o))
                .map(Dependent::Owner)
                .collect();
        }
        ControllerRef::CronJob(c) => {
            return w.cronjobs[c as usize]
                .jobs
                .iter()
                .filter(|j| w.jobs[**j as usize].cronjob == Some(c))
                .map(|j| ControllerRef::Job(*j))
                .filter(|o| present(ctx, *o))
                .map(Dependent::Owner)
                .collect();
        }
        ControllerRef::ReplicaSet(i) => Owner::ReplicaSet(i),
        ControllerRef::StatefulSet(i) => Owner::StatefulSet(i),
        ControllerRef::DaemonSet(i) => Owner::DaemonSet(i),
        ControllerRef::Job(i) => Owner::Job(i),
        ControllerRef::Hpa(_) => return Vec::new(),
    };
    owned_pods(ctx, owner)
        .into_iter()
        .filter(|p| {
            let pod = &ctx.cluster().pods()[p.ix()];
            pod.owner == pod_owner && !pod.gone
        })
        .map(Dependent::Pod)
        .collect()
}

/// Every pod a pod-owning controller created.
fn owned_pods(ctx: &impl ControllerContext, owner: ControllerRef) -> Vec<PodId> {
    let w = ctx.workloads();
    match owner {
        ControllerRef::ReplicaSet(i) => w.replicasets[i as usize].pods.clone(),
        ControllerRef::StatefulSet(i) => {
            w.statefulsets[i as usize].pods.values().copied().collect()
        }
        ControllerRef::DaemonSet(i) => w.daemonsets[i as usize]
            .pods
            .iter()
            .map(|(_, p)| *p)
            .collect(),
        ControllerRef::Job(i) => w.jobs[i as usize].pods.clone(),
        ControllerRef::Deployment(_) | ControllerRef::CronJob(_) | ControllerRef::Hpa(_) => {
            Vec::new()
        }
    }
}

/// orphanDependents: every dependent loses its ownerReference to `owner` and keeps
/// running on its own (a ReplicaSet keeps its pods, a Job runs to its end).
fn orphan_dependents(ctx: &mut impl ControllerContext, owner: ControllerRef) {
    for dependent in dependents(ctx, owner) {
        match dependent {
            Dependent::Pod(p) => ctx.orphan_pod(p),
            Dependent::Owner(ControllerRef::ReplicaSet(r)) => {
                ctx.workloads_mut().replicasets[r as usize].deployment = None;
            }
            Dependent::Owner(ControllerRef::Job(j)) => {
                ctx.workloads_mut().jobs[j as usize].cronjob = None;
            }
            Dependent::Owner(_) => {}
        }
    }
}
