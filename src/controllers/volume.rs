//! PersistentVolume binder and dynamic provisioner (pkg/controller/volume/persistentvolume
//! and the scheduler's VolumeBinding PreBind): Immediate claims bind (or are provisioned)
//! as soon as they exist; WaitForFirstConsumer claims when their first pod is bound to a
//! node, in that node's zone.

use super::ControllerContext;
use crate::cluster::storage::{
    ClaimPhase, ClaimState, ClassState, PvIdx, PvcIdx, Storage, VolumeState,
    ZONE_CAPACITY_ANNOTATION, ZONE_LABEL,
};
use crate::cluster::{NodeIdx, PodId};
use crate::model::labels::{NodeSelectorTerm, Requirement, SelectorOp};
use crate::model::workload::{
    ObjectMeta, PersistentVolume, PersistentVolumeClaim, StorageClass, VolumeBindingMode,
};

/// Adds a StorageClass.
pub fn add_class(ctx: &mut impl ControllerContext, spec: StorageClass) -> Result<(), String> {
    let zone_capacity_bytes = spec
        .meta
        .annotations
        .get(ZONE_CAPACITY_ANNOTATION)
        .map(|v| Storage::parse_zone_capacity(v))
        .transpose()
        .map_err(|e| {
            format!(
                "storageclass {:?}: annotation {ZONE_CAPACITY_ANNOTATION}: {e}",
                spec.meta.name
            )
        })?;
    ctx.storage_mut().classes.push(ClassState {
        spec,
        zone_capacity_bytes,
        provisioned_bytes: Default::default(),
    });
    retry_pending(ctx);
    Ok(())
}

/// Adds a statically provisioned PersistentVolume.
pub fn add_volume(ctx: &mut impl ControllerContext, spec: PersistentVolume) {
    ctx.storage_mut().pvs.push(VolumeState {
        spec,
        claim: None,
        provisioned: false,
        deleted: false,
    });
    retry_pending(ctx);
}

/// Creates claim `spec` (owner "" for a manifest, `StatefulSet/<name>` for a template
/// claim) and binds it at once if its class is Immediate.
pub fn add_claim(
    ctx: &mut impl ControllerContext,
    spec: PersistentVolumeClaim,
    owner: String,
) -> PvcIdx {
    let storage = &ctx.cluster().storage();
    // The beta annotation still names the class when spec.storageClassName is absent.
    let beta = spec
        .meta
        .annotations
        .get("volume.beta.kubernetes.io/storage-class")
        .cloned();
    let class = match spec.storage_class.clone().or(beta) {
        Some(c) => c,
        None => storage
            .classes
            .iter()
            .find(|c| c.spec.is_default)
            .map(|c| c.spec.meta.name.clone())
            .unwrap_or_default(),
    };
    let c = storage.pvcs.len() as PvcIdx;
    let key = (spec.meta.namespace.clone(), spec.meta.name.clone());
    let name = spec.meta.name.clone();
    let now = ctx.now();
    ctx.storage_mut().pvcs.push(ClaimState {
        spec,
        class: class.clone(),
        phase: ClaimPhase::Pending,
        volume: None,
        created: now,
        bound_at: None,
        deleted: false,
        owner,
        users: Vec::new(),
    });
    ctx.storage_mut().pvc_names.insert(key, c);
    let storage = &ctx.cluster().storage();
    if !class.is_empty() && storage.class(&class).is_none() {
        // pv_controller.go: a matching static volume binds even without the class object;
        // otherwise provisionClaim's class lookup fails and the claim stays Pending.
        if bind_immediate(ctx, c) {
            ctx.storage_changed();
            return c;
        }
        ctx.record_event(
            "PersistentVolumeClaim",
            &name,
            "Warning",
            "ProvisioningFailed",
            format!("storageclass.storage.k8s.io {class:?} not found"),
        );
    } else if storage.binding_mode(c) == VolumeBindingMode::WaitForFirstConsumer {
        ctx.record_event(
            "PersistentVolumeClaim",
            &name,
            "Normal",
            "WaitForFirstConsumer",
            "waiting for first consumer to be created before binding".into(),
        );
    } else if !bind_immediate(ctx, c) {
        let message = if class.is_empty() {
            "no persistent volumes available for this claim and no storage class is set"
        } else {
            "no persistent volumes available for this claim and its storage class cannot provision"
        };
        ctx.record_event(
            "PersistentVolumeClaim",
            &name,
            "Normal",
            "FailedBinding",
            message.into(),
        );
    }
    ctx.storage_changed();
    c
}

/// Binds Immediate claim `c` to a matching volume or a newly provisioned one.
fn bind_immediate(ctx: &mut impl ControllerContext, c: PvcIdx) -> bool {
    let storage = &ctx.cluster().storage();
    if let Some(v) = storage.find_volume(c, None) {
        bind(ctx, c, v);
        return true;
    }
    let claim = &storage.pvcs[c as usize];
    let Some(class) = storage.class(&claim.class) else {
        return false;
    };
    if !class.dynamic() {
        return false;
    }
    // Without a consumer the provisioner picks the zone: the first (by name) with room.
    let zone = match &class.zone_capacity_bytes {
        None => None,
        Some(caps) => match caps
            .keys()
            .find(|z| class.can_provision(Some(z), claim.spec.storage_bytes))
        {
            Some(z) => Some(z.clone()),
            None => return false,
        },
    };
    let v = provision(ctx, c, zone);
    bind(ctx, c, v);
    true
}

/// Retries Immediate claims still Pending (a volume or class appeared).
fn retry_pending(ctx: &mut impl ControllerContext) {
    let pending: Vec<PvcIdx> = (0..ctx.cluster().storage().pvcs.len() as PvcIdx)
        .filter(|c| {
            let claim = &ctx.cluster().storage().pvcs[*c as usize];
            !claim.deleted
                && claim.phase == ClaimPhase::Pending
                && ctx.cluster().storage().binding_mode(*c) == VolumeBindingMode::Immediate
        })
        .collect();
    let mut any = false;
    for c in pending {
        any |= bind_immediate(ctx, c);
    }
    if any {
        ctx.storage_changed();
    }
}

/// Creates a volume `pvc-<n>` for claim `c` in `zone` (pinned to it by node affinity).
fn provision(ctx: &mut impl ControllerContext, c: PvcIdx, zone: Option<String>) -> PvIdx {
    let storage = &mut ctx.storage_mut();
    let claim = &storage.pvcs[c as usize];
    let v = storage.pvs.len() as PvIdx;
    let name = format!("pvc-{v:05}");
    let mut meta = ObjectMeta {
        name: name.clone(),
        ..Default::default()
    };
    let mut node_affinity = Vec::new();
    if let Some(z) = &zone {
        meta.labels.insert(ZONE_LABEL.to_string(), z.clone());
        node_affinity.push(NodeSelectorTerm {
            match_expressions: vec![Requirement {
                key: ZONE_LABEL.to_string(),
                op: SelectorOp::In,
                values: vec![z.clone()],
            }],
            match_fields: vec![],
        });
    }
    let spec = PersistentVolume {
        meta,
        storage_bytes: claim.spec.storage_bytes,
        storage_class: claim.class.clone(),
        access_modes: claim.spec.access_modes.clone(),
        node_affinity,
    };
    let (claim_name, class_name, bytes) = (
        claim.spec.meta.name.clone(),
        claim.class.clone(),
        claim.spec.storage_bytes,
    );
    if let Some(class) = storage
        .classes
        .iter_mut()
        .find(|k| k.spec.meta.name == class_name)
    {
        *class
            .provisioned_bytes
            .entry(zone.clone().unwrap_or_default())
            .or_insert(0) += bytes;
    }
    storage.pvs.push(VolumeState {
        spec,
        claim: None,
        provisioned: true,
        deleted: false,
    });
    ctx.record_event(
        "PersistentVolumeClaim",
        &claim_name,
        "Normal",
        "ProvisioningSucceeded",
        format!("Successfully provisioned volume {name}"),
    );
    v
}

fn bind(ctx: &mut impl ControllerContext, c: PvcIdx, v: PvIdx) {
    let now = ctx.now();
    let storage = &mut ctx.storage_mut();
    assert!(
        storage.pvs[v as usize].claim.is_none(),
        "volume bound twice"
    );
    storage.pvs[v as usize].claim = Some(c);
    let claim = &mut storage.pvcs[c as usize];
    claim.phase = ClaimPhase::Bound;
    claim.volume = Some(v);
    claim.bound_at = Some(now);
}

/// Pod `p` was bound to node `n`: binds its WaitForFirstConsumer claims there (scheduler
/// PreBind) and records it as a user of each claim.
pub fn pod_bound(ctx: &mut impl ControllerContext, p: PodId, n: NodeIdx) {
    let pod = &ctx.cluster().pods()[p.ix()];
    let namespace = pod.namespace.clone();
    let claims: Vec<String> = pod
        .spec
        .claims
        .iter()
        .map(|c| c.claim_name.clone())
        .collect();
    for name in claims {
        let Some(c) = ctx.cluster().storage().claim(&namespace, &name) else {
            continue;
        };
        ctx.storage_mut().pvcs[c as usize].users.push(p);
        if ctx.cluster().storage().pvcs[c as usize].phase == ClaimPhase::Bound {
            continue;
        }
        let labels = ctx.cluster().nodes().labels()[n.ix()].clone();
        let node_name = ctx.cluster().nodes().names()[n.ix()].clone();
        let storage = &ctx.cluster().storage();
        if let Some(v) = storage.find_volume(c, Some((&labels, &node_name))) {
            bind(ctx, c, v);
        } else if storage.can_provision_on(c, &labels, &node_name) {
            let zone = labels.get(ZONE_LABEL).cloned();
            let v = provision(ctx, c, zone);
            bind(ctx, c, v);
        }
    }
}

/// Deletes claim `c`; a dynamically provisioned volume is deleted with it (reclaimPolicy
/// Delete) and its zone capacity returns; a static volume becomes Released (not reused).
pub fn delete_claim(ctx: &mut impl ControllerContext, c: PvcIdx) {
    let storage = &mut ctx.storage_mut();
    let claim = &mut storage.pvcs[c as usize];
    if claim.deleted {
        return;
    }
    claim.deleted = true;
    let key = (
        claim.spec.meta.namespace.clone(),
        claim.spec.meta.name.clone(),
    );
    let name = claim.spec.meta.name.clone();
    let bytes = claim.spec.storage_bytes;
    let class_name = claim.class.clone();
    storage.pvc_names.remove(&key);
    if let Some(v) = claim.volume {
        let vol = &mut storage.pvs[v as usize];
        if vol.provisioned {
            vol.deleted = true;
            let zone = vol
                .spec
                .meta
                .labels
                .get(ZONE_LABEL)
                .cloned()
                .unwrap_or_default();
            if let Some(class) = storage
                .classes
                .iter_mut()
                .find(|k| k.spec.meta.name == class_name)
            {
                if let Some(used) = class.provisioned_bytes.get_mut(&zone) {
                    *used -= bytes;
                }
            }
        }
    }
    ctx.record_event(
        "PersistentVolumeClaim",
        &name,
        "Normal",
        "Deleted",
        format!("persistentvolumeclaim {name:?} deleted"),
    );
}
