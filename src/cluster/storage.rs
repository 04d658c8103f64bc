//! Live storage state: StorageClasses, PersistentVolumes and PersistentVolumeClaims with
//! their binding, plus the per-zone capacity of dynamic provisioning. The binder that
//! changes it lives in `controllers::volume`; the scheduler's volume plugins only read it.

use super::{Cluster, NodeIdx, Pod, PodId};
use crate::engine::SimTime;
use crate::model::labels::{Labels, NodeSelectorTerm};
use crate::model::workload::{
    PersistentVolume, PersistentVolumeClaim, StorageClass, VolumeBindingMode,
};
use std::collections::BTreeMap;

/// The node and PV label naming a zone.
pub const ZONE_LABEL: &str = "topology.kubernetes.io/zone";
/// StorageClass annotation giving the capacity dynamic provisioning has per zone, e.g.
/// `"zone-a=100Gi,zone-b=50Gi"`; zones not listed cannot provision. Absent: unlimited,
/// everywhere.
pub const ZONE_CAPACITY_ANNOTATION: &str = "k8sim.io/zone-capacity";
/// The provisioner of statically provisioned local volumes (no dynamic provisioning).
pub const NO_PROVISIONER: &str = "kubernetes.io/no-provisioner";

/// Index of a claim in [`Storage::pvcs`].
pub type PvcIdx = u32;
/// Index of a volume in [`Storage::pvs`].
pub type PvIdx = u32;

/// `PersistentVolumeClaim.status.phase`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimPhase {
    /// Not bound yet.
    Pending,
    /// Bound to a volume.
    Bound,
}

/// A live StorageClass.
#[derive(Debug, Clone)]
pub struct ClassState {
    /// The spec.
    pub spec: StorageClass,
    /// Capacity per zone in bytes (from [`ZONE_CAPACITY_ANNOTATION`]); `None`: unlimited.
    pub zone_capacity_bytes: Option<BTreeMap<String, i64>>,
    /// Bytes provisioned per zone so far ("" for volumes without a zone).
    pub provisioned_bytes: BTreeMap<String, i64>,
}

impl ClassState {
    /// True if the class provisions volumes dynamically.
    pub fn dynamic(&self) -> bool {
        !self.spec.provisioner.is_empty() && self.spec.provisioner != NO_PROVISIONER
    }

    /// True if `bytes` more can be provisioned in `zone` (`None`: a node without a zone).
    pub fn can_provision(&self, zone: Option<&str>, bytes: i64) -> bool {
        if !self.dynamic() {
            return false;
        }
        match &self.zone_capacity_bytes {
            None => true,
            Some(caps) => zone.is_some_and(|z| {
                let used = self.provisioned_bytes.get(z).copied().unwrap_or(0);
                caps.get(z).is_some_and(|cap| used + bytes <= *cap)
            }),
        }
    }
}

/// A live PersistentVolume.
#[derive(Debug, Clone)]
pub struct VolumeState {
    /// The spec (dynamic volumes get a generated one).
    pub spec: PersistentVolume,
    /// The claim bound to it.
    pub claim: Option<PvcIdx>,
    /// Created by dynamic provisioning.
    pub provisioned: bool,
    /// Deleted (reclaimPolicy Delete of a provisioned volume whose claim went).
    pub deleted: bool,
}

impl VolumeState {
    /// True if node (`labels`, `name`) satisfies the volume's node affinity and zone label.
    pub fn fits_node(&self, labels: &Labels, name: &str) -> bool {
        let affinity_ok = self.spec.node_affinity.is_empty()
            || self
                .spec
                .node_affinity
                .iter()
                .any(|t| t.matches(labels, name));
        affinity_ok && self.zone_ok(labels)
    }

    /// VolumeZone: a volume labelled with a zone only fits nodes of that zone.
    pub fn zone_ok(&self, labels: &Labels) -> bool {
        match self.spec.meta.labels.get(ZONE_LABEL) {
            None => true,
            Some(z) => labels.get(ZONE_LABEL) == Some(z),
        }
    }
}

/// A live PersistentVolumeClaim.
#[derive(Debug, Clone)]
pub struct ClaimState {
    /// The spec.
    pub spec: PersistentVolumeClaim,
    /// The resolved class name ("" for none).
    pub class: String,
    /// Phase.
    pub phase: ClaimPhase,
    /// The bound volume.
    pub volume: Option<PvIdx>,
    /// Created.
    pub created: SimTime,
    /// Bound.
    pub bound_at: Option<SimTime>,
    /// Deleted.
    pub deleted: bool,
    /// Who created it: `StatefulSet/<name>` or "" for a manifest.
    pub owner: String,
    /// Pods that used it, in order.
    pub users: Vec<PodId>,
}

impl ClaimState {
    /// True if the claim asks for ReadWriteOncePod.
    pub fn once_pod(&self) -> bool {
        self.spec
            .access_modes
            .iter()
            .any(|m| m == "ReadWriteOncePod")
    }

    /// True if the claim may only be attached to one node (ReadWriteOnce or
    /// ReadWriteOncePod, and no ReadWriteMany / ReadOnlyMany).
    pub fn single_node(&self) -> bool {
        let m = &self.spec.access_modes;
        !m.iter()
            .any(|m| m == "ReadWriteMany" || m == "ReadOnlyMany")
            && m.iter()
                .any(|m| m == "ReadWriteOnce" || m == "ReadWriteOncePod")
    }
}

/// All storage objects.
#[derive(Debug, Clone, Default)]
pub struct Storage {
    /// StorageClasses.
    pub classes: Vec<ClassState>,
    /// PersistentVolumes.
    pub pvs: Vec<VolumeState>,
    /// PersistentVolumeClaims.
    pub pvcs: Vec<ClaimState>,
    /// Live claims by (namespace, name).
    pub pvc_names: BTreeMap<(String, String), PvcIdx>,
}

impl Storage {
    /// The class named `name`.
    pub fn class(&self, name: &str) -> Option<&ClassState> {
        self.classes.iter().find(|c| c.spec.meta.name == name)
    }

    /// The live claim `namespace/name`.
    pub fn claim(&self, namespace: &str, name: &str) -> Option<PvcIdx> {
        self.pvc_names
            .get(&(namespace.to_string(), name.to_string()))
            .copied()
    }

    /// The binding mode of claim `c` (`Immediate` for an unknown class or none, as kube's
    /// binder treats them).
    pub fn binding_mode(&self, c: PvcIdx) -> VolumeBindingMode {
        let class = &self.pvcs[c as usize].class;
        self.class(class)
            .map(|k| k.spec.binding_mode)
            .unwrap_or(VolumeBindingMode::Immediate)
    }

    /// True if unbound volume `v` can satisfy claim `c` (class, size, access modes).
    pub fn volume_matches(&self, v: PvIdx, c: PvcIdx) -> bool {
        let vol = &self.pvs[v as usize];
        let claim = &self.pvcs[c as usize];
        if vol.deleted || vol.claim.is_some() {
            return false;
        }
        if let Some(name) = &claim.spec.volume_name {
            if *name != vol.spec.meta.name {
                return false;
            }
        }
        vol.spec.storage_class == claim.class
            && vol.spec.storage_bytes >= claim.spec.storage_bytes
            && claim
                .spec
                .access_modes
                .iter()
                .all(|m| vol.spec.access_modes.contains(m))
    }

    /// The smallest unbound matching volume for claim `c` that fits the node
    /// (`labels`, `name`), or any node when `node` is `None`.
    pub fn find_volume(&self, c: PvcIdx, node: Option<(&Labels, &str)>) -> Option<PvIdx> {
        (0..self.pvs.len() as PvIdx)
            .filter(|v| self.volume_matches(*v, c))
            .filter(|v| node.is_none_or(|(l, n)| self.pvs[*v as usize].fits_node(l, n)))
            .min_by_key(|v| (self.pvs[*v as usize].spec.storage_bytes, *v))
    }

    /// True if claim `c` could be provisioned for a node with `labels` (its class provisions
    /// dynamically, its allowedTopologies admit the node, and the zone has capacity).
    pub fn can_provision_on(&self, c: PvcIdx, labels: &Labels, name: &str) -> bool {
        let claim = &self.pvcs[c as usize];
        let Some(class) = self.class(&claim.class) else {
            return false;
        };
        let topo_ok = class.spec.allowed_topologies.is_empty()
            || class
                .spec
                .allowed_topologies
                .iter()
                .any(|t: &NodeSelectorTerm| t.matches(labels, name));
        topo_ok
            && class.can_provision(
                labels.get(ZONE_LABEL).map(|s| s.as_str()),
                claim.spec.storage_bytes,
            )
    }

    /// Nodes holding live pods other than `pod` that use claim `c`.
    pub fn nodes_using(&self, cluster: &Cluster, c: PvcIdx, pod: &Pod) -> Vec<NodeIdx> {
        let mut nodes: Vec<NodeIdx> = self.pvcs[c as usize]
            .users
            .iter()
            .filter_map(|p| cluster.pods.get(*p))
            .filter(|p| p.is_active() && !p.released && p.name != pod.name)
            .filter_map(|p| p.node)
            .collect();
        nodes.sort();
        nodes.dedup();
        nodes
    }

    /// Parses a zone-capacity annotation value `zone=quantity[,zone=quantity...]`.
    pub fn parse_zone_capacity(text: &str) -> Result<BTreeMap<String, i64>, String> {
        let mut out = BTreeMap::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (zone, qty) = part
                .split_once('=')
                .ok_or_else(|| format!("expected zone=quantity, found {part:?}"))?;
            let q = crate::model::quantity::Quantity::parse(qty.trim())
                .map_err(|e| format!("bad quantity {qty:?} for zone {zone:?}: {e}"))?;
            out.insert(zone.trim().to_string(), q.value());
        }
        Ok(out)
    }
}
