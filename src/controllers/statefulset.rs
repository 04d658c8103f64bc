//! StatefulSet controller: pods `<sts>-<ordinal>` with stable names, OrderedReady (create
//! ordinal N+1 only when N is Running and Ready; scale down from the highest ordinal, one
//! at a time) or Parallel; one PVC `<template>-<sts>-<ordinal>` per volumeClaimTemplate,
//! created before the pod, kept when the pod goes and re-used by its replacement, deleted
//! only as persistentVolumeClaimRetentionPolicy says; RollingUpdate from the highest
//! ordinal down to `partition`, or OnDelete (pkg/controller/statefulset:
//! stateful_set_control.go, stateful_set_utils.go).

use super::statefulset_ordinals::{OrdinalIndex, OrdinalStanding};
use super::{garbage_collector, volume, ReplicaTracker};
use super::{ControllerContext, ControllerRef};
use crate::cluster::{Owner, Pod, PodId, PodTable};
use crate::model::pod::PodVolumeClaim;
use crate::model::workload::{
    ObjectMeta, PersistentVolumeClaim, PodManagementPolicy, PodTemplate, StatefulSet,
    StatefulSetUpdate,
};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A StatefulSet's state.
#[derive(Debug, Clone)]
pub struct StatefulSetState {
    /// The spec (its template is the update revision).
    pub spec: StatefulSet,
    /// The current revision's template: what pods below the partition are recreated from.
    pub current: PodTemplate,
    /// A rolling-update scan found every live pod at the update revision and the template
    /// has not changed since, so pods made from then on are at it too: the next scans would
    /// replace nothing and are skipped. Cleared by [`StatefulSetState::set_template`].
    pub rollout_settled: bool,
    /// The current pod of each ordinal.
    pub pods: BTreeMap<i32, PodId>,
    /// The ordinals by the standing of their current pod, refreshed by
    /// [`refresh_ordinal`] wherever a pod changes.
    pub ordinals: OrdinalIndex,
    /// Claims created, `<template>-<sts>-<ordinal>`, in creation order.
    pub claims: Vec<String>,
    /// Deleted.
    pub deleted: bool,
    /// Desired vs ready over time.
    pub tracker: ReplicaTracker,
}

impl StatefulSetState {
    /// A new pod template (`kubectl set image`, apply): the update revision changes, so the
    /// next sync scans for pods to replace, a revert to the current revision included.
    pub fn set_template(&mut self, template: PodTemplate) {
        self.spec.template = template;
        self.rollout_settled = false;
    }

    /// Ordinal `ord`'s standing, read from its current pod.
    pub fn standing(&self, pods: &PodTable, ord: i32) -> OrdinalStanding {
        let Some(p) = self.pods.get(&ord) else {
            return OrdinalStanding::Missing;
        };
        let pod = &pods[p.ix()];
        if pod.phase.is_terminal() || pod.gone {
            OrdinalStanding::Missing
        } else if pod.ready && pod.is_active() {
            OrdinalStanding::Ready
        } else {
            OrdinalStanding::Unready
        }
    }
}

/// Pod `ord` of StatefulSet `st` changed phase, readiness or deletion: re-reads the
/// ordinal's standing into the set's ordinal index.
pub fn refresh_ordinal(st: &mut StatefulSetState, pods: &PodTable, ord: i32) {
    let standing = st.standing(pods, ord);
    st.ordinals.set(ord, standing);
}

/// Adds a StatefulSet and returns its index.
pub fn add(ctx: &mut impl ControllerContext, spec: StatefulSet) -> u32 {
    let idx = ctx.workloads().statefulsets.len() as u32;
    ctx.workloads_mut().statefulsets.push(StatefulSetState {
        current: spec.template.clone(),
        rollout_settled: true,
        spec,
        pods: BTreeMap::new(),
        ordinals: OrdinalIndex::default(),
        claims: Vec::new(),
        deleted: false,
        tracker: ReplicaTracker::default(),
    });
    ctx.request_sync(ControllerRef::StatefulSet(idx));
    idx
}

/// The name of the claim for `template` of `sts` at `ordinal`.
pub fn claim_name(template: &str, sts: &str, ordinal: i32) -> String {
    format!("{template}-{sts}-{ordinal}")
}

/// The live pod of ordinal `ord`: not finished and not gone (a Terminating pod still holds
/// the ordinal's name, so its replacement waits for it).
fn live(ctx: &impl ControllerContext, s: u32, ord: i32) -> Option<PodId> {
    let st = &ctx.workloads().statefulsets[s as usize];
    st.pods.get(&ord).copied().filter(|p| {
        let pod = &ctx.cluster().pods()[p.ix()];
        !pod.phase.is_terminal() && !pod.gone
    })
}

fn running_and_ready(ctx: &impl ControllerContext, p: PodId) -> bool {
    let pod = &ctx.cluster().pods()[p.ix()];
    pod.ready && pod.is_active()
}

/// Reconciles StatefulSet `s`.
pub fn sync(ctx: &mut impl ControllerContext, s: u32) {
    reconcile(ctx, s);
    track(ctx, s);
}

fn reconcile(ctx: &mut impl ControllerContext, s: u32) {
    let st = &ctx.workloads().statefulsets[s as usize];
    if st.deleted {
        // Its pods (and claims) are the garbage collector's.
        garbage_collector::deleted_owner_synced(ctx, ControllerRef::StatefulSet(s));
        return;
    }
    let start = st.spec.ordinals_start;
    let replicas = st.spec.replicas;
    let ordered = st.spec.pod_management == PodManagementPolicy::OrderedReady;
    ctx.workloads_mut().statefulsets[s as usize]
        .ordinals
        .set_range(start, replicas);
    let ordinals = &ctx.workloads().statefulsets[s as usize].ordinals;

    // Create or wait, in ordinal order: under OrderedReady the walk stops at the first
    // ordinal not Running and Ready, creating its pod if it has none; under Parallel every
    // ordinal without a live pod gets one.
    if ordered {
        match ordinals.first_not_ready() {
            Some((ord, OrdinalStanding::Missing)) => return create_pod(ctx, s, ord),
            Some(_) => return,
            None => {}
        }
    } else {
        for ord in ordinals.missing() {
            create_pod(ctx, s, ord);
        }
    }

    // Condemned ordinals, highest first.
    let condemned = ctx.workloads().statefulsets[s as usize]
        .ordinals
        .condemned();
    let retention = ctx.workloads().statefulsets[s as usize].spec.pvc_retention;
    // processCondemned (stateful_set_control.go): under OrderedReady one ordinal at a time,
    // waiting for a Terminating pod to be gone before the next; its removal re-syncs us.
    for ord in condemned {
        let Some(p) = live(ctx, s, ord) else {
            continue;
        };
        if ctx.cluster().pods()[p.ix()].is_terminating() {
            if ordered {
                return;
            }
            continue;
        }
        ctx.delete_pod(p, "SuccessfulDelete");
        if retention.delete_when_scaled {
            delete_claims_of(ctx, s, ord);
        }
        if ordered {
            return;
        }
    }
    rolling_update(ctx, s, start, replicas);
}

/// The StatefulSet is being deleted: with `whenDeleted: Delete` its claims are its
/// dependents and go with it; with Retain they stay.
pub fn delete_claims_when_deleted(ctx: &mut impl ControllerContext, s: u32) {
    if !ctx.workloads().statefulsets[s as usize]
        .spec
        .pvc_retention
        .delete_when_deleted
    {
        return;
    }
    let ords: Vec<i32> = ctx.workloads().statefulsets[s as usize]
        .pods
        .keys()
        .copied()
        .collect();
    for ord in ords {
        delete_claims_of(ctx, s, ord);
    }
}

/// RollingUpdate: replace pods not at the update revision from the highest ordinal down to
/// `partition`, keeping at most maxUnavailable pods unavailable (one by default).
fn rolling_update(ctx: &mut impl ControllerContext, s: u32, start: i32, replicas: i32) {
    let st = &ctx.workloads().statefulsets[s as usize];
    let StatefulSetUpdate::RollingUpdate {
        partition,
        max_unavailable,
    } = st.spec.update_strategy
    else {
        return;
    };
    if st.rollout_settled {
        // Nothing to replace (see the field): a sync stays O(1) here instead of two scans
        // of every ordinal (issue 14, xl.yaml).
        return;
    }
    let update_hash = st.spec.template.hash.clone();
    let max_unavailable = max_unavailable.resolve(replicas, true).max(1);
    let mut unavailable = (start..start + replicas)
        .filter(|o| live(ctx, s, *o).is_none_or(|p| !running_and_ready(ctx, p)))
        .count() as i32;
    let mut outdated = 0;
    for ord in (start..start + replicas).rev() {
        let Some(p) = live(ctx, s, ord) else {
            continue;
        };
        if ctx.cluster().pods()[p.ix()].revision == update_hash {
            continue;
        }
        if ord < partition {
            outdated += 1;
            continue;
        }
        outdated += 1;
        if unavailable >= max_unavailable {
            break;
        }
        if running_and_ready(ctx, p) {
            unavailable += 1;
        }
        ctx.delete_pod(p, "SuccessfulDelete");
    }
    if outdated == 0 {
        // Every pod runs the update revision: it becomes the current one.
        let st = &mut ctx.workloads_mut().statefulsets[s as usize];
        st.current = st.spec.template.clone();
        st.rollout_settled = true;
    }
}

fn delete_claims_of(ctx: &mut impl ControllerContext, s: u32, ord: i32) {
    let st = &ctx.workloads().statefulsets[s as usize];
    let namespace = st.spec.meta.namespace.clone();
    let names: Vec<String> = st
        .spec
        .volume_claim_templates
        .iter()
        .map(|t| claim_name(&t.meta.name, &st.spec.meta.name, ord))
        .collect();
    for name in names {
        if let Some(c) = ctx.cluster().storage().claim(&namespace, &name) {
            volume::delete_claim(ctx, c);
        }
    }
}

fn create_pod(ctx: &mut impl ControllerContext, s: u32, ord: i32) {
    let st = &ctx.workloads().statefulsets[s as usize];
    let name = format!("{}-{ord}", st.spec.meta.name);
    let namespace = st.spec.meta.namespace.clone();
    let sts_name = st.spec.meta.name.clone();
    // newVersionedStatefulSetPod: below the partition the current revision is kept.
    let template = match st.spec.update_strategy {
        StatefulSetUpdate::RollingUpdate { partition, .. } if ord < partition => st.current.clone(),
        _ => st.spec.template.clone(),
    };
    let claim_templates = st.spec.volume_claim_templates.clone();
    let selector_labels = st.spec.selector.match_labels.clone();
    let mut spec = (*template.spec).clone();
    for t in &claim_templates {
        let claim = claim_name(&t.meta.name, &sts_name, ord);
        spec.claims.retain(|c| c.volume_name != t.meta.name);
        spec.claims.push(PodVolumeClaim {
            volume_name: t.meta.name.clone(),
            claim_name: claim.clone(),
        });
        if ctx.cluster().storage().claim(&namespace, &claim).is_some() {
            continue;
        }
        let mut labels = t.meta.labels.clone();
        labels.extend(selector_labels.clone());
        let pvc = PersistentVolumeClaim {
            meta: ObjectMeta {
                name: claim.clone(),
                namespace: namespace.clone(),
                labels,
                annotations: t.meta.annotations.clone(),
            },
            ..t.clone()
        };
        volume::add_claim(ctx, pvc, format!("StatefulSet/{sts_name}"));
        let st = &mut ctx.workloads_mut().statefulsets[s as usize];
        if !st.claims.contains(&claim) {
            st.claims.push(claim.clone());
        }
        ctx.record_event(
            "StatefulSet",
            &sts_name,
            "Normal",
            "SuccessfulCreate",
            format!("create Claim {claim} Pod {name} in StatefulSet {sts_name} success"),
        );
    }
    let st = &ctx.workloads().statefulsets[s as usize];
    // The previous pod of this ordinal, if any, gives up its name.
    if let Some(old) = st.pods.get(&ord).copied() {
        ctx.forget_pod_name(old);
    }
    let mut labels = template.labels.clone();
    labels.insert(
        "statefulset.kubernetes.io/pod-name".to_string(),
        name.clone(),
    );
    labels.insert("apps.kubernetes.io/pod-index".to_string(), ord.to_string());
    labels.insert(
        "controller-revision-hash".to_string(),
        template.hash.clone(),
    );
    let mut pod = Pod::new(
        name,
        namespace,
        labels,
        Owner::StatefulSet(s),
        Arc::new(spec),
        ctx.now(),
    );
    pod.index = Some(ord);
    pod.workload = sts_name.clone();
    pod.revision = template.hash.clone();
    let id = ctx.create_pod(pod, "StatefulSet", &sts_name);
    ctx.workloads_mut().statefulsets[s as usize]
        .pods
        .insert(ord, id);
    let standing = ctx.workloads().statefulsets[s as usize].standing(ctx.cluster().pods(), ord);
    ctx.workloads_mut().statefulsets[s as usize]
        .ordinals
        .set(ord, standing);
}

fn track(ctx: &mut impl ControllerContext, s: u32) {
    let st = &ctx.workloads().statefulsets[s as usize];
    let desired = if st.deleted { 0 } else { st.spec.replicas };
    let ready = if st.deleted {
        // Orphaned pods are no longer refreshed in the index: walk them.
        st.pods
            .values()
            .filter(|p| running_and_ready(ctx, **p))
            .count() as i32
    } else {
        st.ordinals.ready()
    };
    let max_unavailable = match st.spec.update_strategy {
        StatefulSetUpdate::RollingUpdate {
            max_unavailable, ..
        } => max_unavailable.resolve(desired, true).max(1),
        StatefulSetUpdate::OnDelete => 0,
    };
    let now = ctx.now();
    ctx.workloads_mut().statefulsets[s as usize].tracker.update(
        now,
        desired,
        ready,
        max_unavailable,
    );
}

/// `kubectl scale statefulset NAME --replicas=N`.
pub fn scale(ctx: &mut impl ControllerContext, s: u32, replicas: i32) {
    ctx.workloads_mut().statefulsets[s as usize].spec.replicas = replicas;
    ctx.request_sync(ControllerRef::StatefulSet(s));
}
