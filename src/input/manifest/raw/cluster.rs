//! Raw cluster objects: Nodes (with taints), PersistentVolumes, PersistentVolumeClaims,
//! StorageClasses and PriorityClasses.

use super::*;

/// A taint.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub struct Taint {
    /// key.
    pub key: String,
    /// value.
    pub value: String,
    /// effect.
    pub effect: Option<Spanned<String>>,
}

/// A PVC spec.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub struct PvcSpec {
    /// storageClassName.
    pub storage_class_name: Option<String>,
    /// accessModes.
    pub access_modes: Vec<String>,
    /// resources.
    pub resources: ResourceRequirements,
    /// volumeName.
    pub volume_name: Option<String>,
}

/// A PersistentVolumeClaim.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub struct PersistentVolumeClaim {
    /// metadata.
    pub metadata: Meta,
    /// spec.
    pub spec: PvcSpec,
}

/// PV node affinity.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub struct VolumeNodeAffinity {
    /// required.
    pub required: Option<NodeSelector>,
}

/// A PV spec.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct PvSpec {
    /// capacity.
    pub capacity: RawResourceList,
    /// storageClassName.
    pub storage_class_name: String,
    /// accessModes.
    pub access_modes: Vec<String>,
    /// nodeAffinity.
    pub node_affinity: Option<VolumeNodeAffinity>,
}

/// A PersistentVolume.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct PersistentVolume {
    /// metadata.
    pub metadata: Meta,
    /// spec.
    pub spec: PvSpec,
}

/// A topology selector term of a StorageClass.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct TopologySelectorTerm {
    /// matchLabelExpressions.
    pub match_label_expressions: Vec<TopologyRequirement>,
}

/// A topology requirement (key In values).
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct TopologyRequirement {
    /// key.
    pub key: String,
    /// values.
    pub values: Vec<String>,
}

/// A StorageClass.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct StorageClass {
    /// metadata.
    pub metadata: Meta,
    /// provisioner.
    pub provisioner: String,
    /// volumeBindingMode.
    pub volume_binding_mode: Option<Spanned<String>>,
    /// allowedTopologies.
    pub allowed_topologies: Vec<TopologySelectorTerm>,
}

/// A PriorityClass.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct PriorityClass {
    /// metadata.
    pub metadata: Meta,
    /// value.
    pub value: Option<Spanned<i64>>,
    /// globalDefault.
    pub global_default: bool,
    /// preemptionPolicy.
    pub preemption_policy: Option<String>,
}

/// A node spec.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeSpec {
    /// taints.
    pub taints: Vec<Taint>,
    /// unschedulable.
    pub unschedulable: bool,
}

/// A node status.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeStatus {
    /// allocatable.
    pub allocatable: RawResourceList,
    /// capacity (used when allocatable is absent).
    pub capacity: RawResourceList,
}

/// A Node.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct Node {
    /// metadata.
    pub metadata: Meta,
    /// spec.
    pub spec: NodeSpec,
    /// status.
    pub status: NodeStatus,
}

/// A Service: k8sim reads its selector (endpoints are the Ready pods it selects); the rest is
/// accepted and ignored.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct Service {
    /// metadata.
    pub metadata: Meta,
    /// spec.
    pub spec: ServiceSpec,
}

/// A Service spec.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct ServiceSpec {
    /// selector.
    pub selector: BTreeMap<String, String>,
}

/// A policy/v1 PodDisruptionBudget.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct PodDisruptionBudget {
    /// metadata.
    pub metadata: Meta,
    /// spec.
    pub spec: PdbSpec,
}

/// A PodDisruptionBudget spec.
#[derive(Debug, Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct PdbSpec {
    /// minAvailable.
    pub min_available: Option<Spanned<Scalar>>,
    /// maxUnavailable.
    pub max_unavailable: Option<Spanned<Scalar>>,
    /// selector.
    pub selector: Option<LabelSelector>,
}
