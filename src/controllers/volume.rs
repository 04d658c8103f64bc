//! PersistentVolume binder and dynamic provisioner (pkg/controller/volume/persistentvolume
//! and the scheduler's VolumeBinding PreBind): Immediate claims bind (or are provisioned)
//! as soon as they exist; WaitForFirstConsumer claims when their first pod is bound to a
//! node, in that node's zone.

use crate::cluster::storage::{
    ClaimPhase, ClaimState, ClassState, PvIdx, PvcIdx, Storage, VolumeState,
    ZONE_CAPACITY_ANNOTATION, ZONE_LABEL,
};
use crate::cluster::{NodeIdx, PodId};
use crate::model::labels::{NodeSelectorTerm, Requirement, SelectorOp};
use crate::model::workload::{
    ObjectMeta, PersistentVolume, PersistentVolumeClaim, StorageClass, VolumeBindingMode,
};
use crate::sim::{scheduling, Simulation};

/// Adds a StorageClass.
pub fn add_class(sim: &mut Simulation, spec: StorageClass) -> Result<(), String> {
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
    sim.cluster.storage.classes.push(ClassState {
        spec,
        zone_capacity_bytes,
        provisioned_bytes: Default::default(),
    });
    retry_pending(sim);
    Ok(())
}

/// Adds a statically provisioned PersistentVolume.
pub fn add_volume(sim: &mut Simulation, spec: PersistentVolume) {
    sim.cluster.storage.pvs.push(VolumeState {
        spec,
        claim: None,
        provisioned: false,
        deleted: false,
    });
    retry_pending(sim);
}

/// Creates claim `spec` (owner "" for a manifest, `StatefulSet/<name>` for a template
/// claim) and binds it at once if its class is Immediate.
pub fn add_claim(sim: &mut Simulation, spec: PersistentVolumeClaim, owner: String) -> PvcIdx {
    let storage = &sim.cluster.storage;
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
    sim.cluster.storage.pvcs.push(ClaimState {
        spec,
        class: class.clone(),
        phase: ClaimPhase::Pending,
        volume: None,
        created: sim.engine.now(),
        bound_at: None,
        deleted: false,
        owner,
        users: Vec::new(),
    });
    sim.cluster.storage.pvc_names.insert(key, c);
    let storage = &sim.cluster.storage;
    if !class.is_empty() && storage.class(&class).is_none() {
        // pv_controller.go: a matching static volume binds even without the class object;
        // otherwise provisionClaim's class lookup fails and the claim stays Pending.
        if bind_immediate(sim, c) {
            scheduling::cluster_changed(sim);
            return c;
        }
        sim.record_event(
            "PersistentVolumeClaim",
            &name,
            "Warning",
            "ProvisioningFailed",
            format!("storageclass.storage.k8s.io {class:?} not found"),
        );
    } else if storage.binding_mode(c) == VolumeBindingMode::WaitForFirstConsumer {
        sim.record_event(
            "PersistentVolumeClaim",
            &name,
            "Normal",
            "WaitForFirstConsumer",
            "waiting for first consumer to be created before binding".into(),
        );
    } else if !bind_immediate(sim, c) {
        let message = if class.is_empty() {
            "no persistent volumes available for this claim and no storage class is set"
        } else {
            "no persistent volumes available for this claim and its storage class cannot provision"
        };
        sim.record_event(
            "PersistentVolumeClaim",
            &name,
            "Normal",
            "FailedBinding",
            message.into(),
        );
    }
    scheduling::cluster_changed(sim);
    c
}

/// Binds Immediate claim `c` to a matching volume or a newly provisioned one.
fn bind_immediate(sim: &mut Simulation, c: PvcIdx) -> bool {
    let storage = &sim.cluster.storage;
    if let Some(v) = storage.find_volume(c, None) {
        bind(sim, c, v);
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
    let v = provision(sim, c, zone);
    bind(sim, c, v);
    true
}

/// Retries Immediate claims still Pending (a volume or class appeared).
fn retry_pending(sim: &mut Simulation) {
    let pending: Vec<PvcIdx> = (0..sim.cluster.storage.pvcs.len() as PvcIdx)
        .filter(|c| {
            let claim = &sim.cluster.storage.pvcs[*c as usize];
            !claim.deleted
                && claim.phase == ClaimPhase::Pending
                && sim.cluster.storage.binding_mode(*c) == VolumeBindingMode::Immediate
        })
        .collect();
    let mut any = false;
    for c in pending {
        any |= bind_immediate(sim, c);
    }
    if any {
        scheduling::cluster_changed(sim);
    }
}

/// Creates a volume `pvc-<n>` for claim `c` in `zone` (pinned to it by node affinity).
fn provision(sim: &mut Simulation, c: PvcIdx, zone: Option<String>) -> PvIdx {
    let storage = &mut sim.cluster.storage;
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
    sim.record_event(
        "PersistentVolumeClaim",
        &claim_name,
        "Normal",
        "ProvisioningSucceeded",
        format!("Successfully provisioned volume {name}"),
    );
    v
}

fn bind(sim: &mut Simulation, c: PvcIdx, v: PvIdx) {
    let now = sim.engine.now();
    let storage = &mut sim.cluster.storage;
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
pub fn pod_bound(sim: &mut Simulation, p: PodId, n: NodeIdx) {
    let pod = &sim.cluster.pods[p.ix()];
    let namespace = pod.namespace.clone();
    let claims: Vec<String> = pod
        .spec
        .claims
        .iter()
        .map(|c| c.claim_name.clone())
        .collect();
    for name in claims {
        let Some(c) = sim.cluster.storage.claim(&namespace, &name) else {
            continue;
        };
        sim.cluster.storage.pvcs[c as usize].users.push(p);
        if sim.cluster.storage.pvcs[c as usize].phase == ClaimPhase::Bound {
            continue;
        }
        let labels = sim.cluster.nodes.labels[n.ix()].clone();
        let node_name = sim.cluster.nodes.names[n.ix()].clone();
        let storage = &sim.cluster.storage;
        if let Some(v) = storage.find_volume(c, Some((&labels, &node_name))) {
            bind(sim, c, v);
        } else if storage.can_provision_on(c, &labels, &node_name) {
            let zone = labels.get(ZONE_LABEL).cloned();
            let v = provision(sim, c, zone);
            bind(sim, c, v);
        }
    }
}

/// Deletes claim `c`; a dynamically provisioned volume is deleted with it (reclaimPolicy
/// Delete) and its zone capacity returns; a static volume becomes Released (not reused).
pub fn delete_claim(sim: &mut Simulation, c: PvcIdx) {
    let storage = &mut sim.cluster.storage;
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
    sim.record_event(
        "PersistentVolumeClaim",
        &name,
        "Normal",
        "Deleted",
        format!("persistentvolumeclaim {name:?} deleted"),
    );
}
