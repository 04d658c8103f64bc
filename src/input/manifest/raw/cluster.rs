//! Raw cluster objects: Nodes (with taints), PersistentVolumes, PersistentVolumeClaims,
//! StorageClasses and PriorityClasses.

use super::*;

/// A taint.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Taint {
    /// key.
    pub key: String,
    /// value.
    pub value: String,
    /// effect.
    pub effect: Option<Spanned<String>>,
    // Kubernetes fields accepted but not simulated: their values are never read.
    #[serde(rename = "timeAdded")]
    pub time_added_: NotSimulated,
}

/// A PVC spec.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct PvcSpec {
    /// storageClassName.
    pub storage_class_name: Option<String>,
    /// accessModes.
    pub access_modes: Vec<String>,
    /// resources.
    pub resources: ResourceRequirements,
    /// volumeName.
    pub volume_name: Option<String>,
    // Kubernetes fields accepted but not simulated: their values are never read.
    #[serde(rename = "selector")]
    pub selector_: NotSimulated,
    #[serde(rename = "volumeMode")]
    pub volume_mode_: NotSimulated,
    #[serde(rename = "dataSource")]
    pub data_source_: NotSimulated,
    #[serde(rename = "dataSourceRef")]
    pub data_source_ref_: NotSimulated,
    #[serde(rename = "volumeAttributesClassName")]
    pub volume_attributes_class_name_: NotSimulated,
}

/// A PersistentVolumeClaim.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct PersistentVolumeClaim {
    /// metadata.
    pub metadata: Meta,
    /// spec.
    pub spec: PvcSpec,
    // Kubernetes fields accepted but not simulated: their values are never read.
    #[serde(rename = "apiVersion")]
    pub api_version_: NotSimulated,
    #[serde(rename = "kind")]
    pub kind_: NotSimulated,
    #[serde(rename = "status")]
    pub status_: NotSimulated,
}

/// PV node affinity.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct VolumeNodeAffinity {
    /// required.
    pub required: Option<NodeSelector>,
}

/// A PV spec.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct PvSpec {
    /// capacity.
    pub capacity: RawResourceList,
    /// storageClassName.
    pub storage_class_name: String,
    /// accessModes.
    pub access_modes: Vec<String>,
    /// nodeAffinity.
    pub node_affinity: Option<VolumeNodeAffinity>,
    // Kubernetes fields accepted but not simulated: their values are never read.
    #[serde(rename = "gcePersistentDisk")]
    pub gce_persistent_disk_: NotSimulated,
    #[serde(rename = "awsElasticBlockStore")]
    pub aws_elastic_block_store_: NotSimulated,
    #[serde(rename = "hostPath")]
    pub host_path_: NotSimulated,
    #[serde(rename = "glusterfs")]
    pub glusterfs_: NotSimulated,
    #[serde(rename = "nfs")]
    pub nfs_: NotSimulated,
    #[serde(rename = "rbd")]
    pub rbd_: NotSimulated,
    #[serde(rename = "iscsi")]
    pub iscsi_: NotSimulated,
    #[serde(rename = "cinder")]
    pub cinder_: NotSimulated,
    #[serde(rename = "cephfs")]
    pub cephfs_: NotSimulated,
    #[serde(rename = "fc")]
    pub fc_: NotSimulated,
    #[serde(rename = "flocker")]
    pub flocker_: NotSimulated,
    #[serde(rename = "flexVolume")]
    pub flex_volume_: NotSimulated,
    #[serde(rename = "azureFile")]
    pub azure_file_: NotSimulated,
    #[serde(rename = "vsphereVolume")]
    pub vsphere_volume_: NotSimulated,
    #[serde(rename = "quobyte")]
    pub quobyte_: NotSimulated,
    #[serde(rename = "azureDisk")]
    pub azure_disk_: NotSimulated,
    #[serde(rename = "photonPersistentDisk")]
    pub photon_persistent_disk_: NotSimulated,
    #[serde(rename = "portworxVolume")]
    pub portworx_volume_: NotSimulated,
    #[serde(rename = "scaleIO")]
    pub scale_io_: NotSimulated,
    #[serde(rename = "local")]
    pub local_: NotSimulated,
    #[serde(rename = "storageos")]
    pub storageos_: NotSimulated,
    #[serde(rename = "csi")]
    pub csi_: NotSimulated,
    #[serde(rename = "claimRef")]
    pub claim_ref_: NotSimulated,
    #[serde(rename = "persistentVolumeReclaimPolicy")]
    pub persistent_volume_reclaim_policy_: NotSimulated,
    #[serde(rename = "mountOptions")]
    pub mount_options_: NotSimulated,
    #[serde(rename = "volumeMode")]
    pub volume_mode_: NotSimulated,
    #[serde(rename = "volumeAttributesClassName")]
    pub volume_attributes_class_name_: NotSimulated,
}

/// A PersistentVolume.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct PersistentVolume {
    /// metadata.
    pub metadata: Meta,
    /// spec.
    pub spec: PvSpec,
    // Kubernetes fields accepted but not simulated: their values are never read.
    #[serde(rename = "apiVersion")]
    pub api_version_: NotSimulated,
    #[serde(rename = "kind")]
    pub kind_: NotSimulated,
    #[serde(rename = "status")]
    pub status_: NotSimulated,
}

/// A topology selector term of a StorageClass.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct TopologySelectorTerm {
    /// matchLabelExpressions.
    pub match_label_expressions: Vec<TopologyRequirement>,
}

/// A topology requirement (key In values).
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct TopologyRequirement {
    /// key.
    pub key: String,
    /// values.
    pub values: Vec<String>,
}

/// A StorageClass.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct StorageClass {
    /// metadata.
    pub metadata: Meta,
    /// provisioner.
    pub provisioner: String,
    /// volumeBindingMode.
    pub volume_binding_mode: Option<Spanned<String>>,
    /// allowedTopologies.
    pub allowed_topologies: Vec<TopologySelectorTerm>,
    // Kubernetes fields accepted but not simulated: their values are never read.
    #[serde(rename = "apiVersion")]
    pub api_version_: NotSimulated,
    #[serde(rename = "kind")]
    pub kind_: NotSimulated,
    #[serde(rename = "parameters")]
    pub parameters_: NotSimulated,
    #[serde(rename = "reclaimPolicy")]
    pub reclaim_policy_: NotSimulated,
    #[serde(rename = "mountOptions")]
    pub mount_options_: NotSimulated,
    #[serde(rename = "allowVolumeExpansion")]
    pub allow_volume_expansion_: NotSimulated,
}

/// A PriorityClass.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct PriorityClass {
    /// metadata.
    pub metadata: Meta,
    /// value.
    pub value: Option<Spanned<i64>>,
    /// globalDefault.
    pub global_default: bool,
    /// preemptionPolicy.
    pub preemption_policy: Option<String>,
    // Kubernetes fields accepted but not simulated: their values are never read.
    #[serde(rename = "apiVersion")]
    pub api_version_: NotSimulated,
    #[serde(rename = "kind")]
    pub kind_: NotSimulated,
    #[serde(rename = "description")]
    pub description_: NotSimulated,
}

/// A node spec.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct NodeSpec {
    /// taints.
    pub taints: Vec<Taint>,
    /// unschedulable.
    pub unschedulable: bool,
    // Kubernetes fields accepted but not simulated: their values are never read.
    #[serde(rename = "podCIDR")]
    pub pod_cidr_: NotSimulated,
    #[serde(rename = "podCIDRs")]
    pub pod_cidrs_: NotSimulated,
    #[serde(rename = "providerID")]
    pub provider_id_: NotSimulated,
    #[serde(rename = "configSource")]
    pub config_source_: NotSimulated,
    #[serde(rename = "externalID")]
    pub external_id_: NotSimulated,
}

/// A node status.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct NodeStatus {
    /// allocatable.
    pub allocatable: RawResourceList,
    /// capacity (used when allocatable is absent).
    pub capacity: RawResourceList,
    // Kubernetes fields accepted but not simulated: their values are never read.
    #[serde(rename = "phase")]
    pub phase_: NotSimulated,
    #[serde(rename = "conditions")]
    pub conditions_: NotSimulated,
    #[serde(rename = "addresses")]
    pub addresses_: NotSimulated,
    #[serde(rename = "daemonEndpoints")]
    pub daemon_endpoints_: NotSimulated,
    #[serde(rename = "nodeInfo")]
    pub node_info_: NotSimulated,
    #[serde(rename = "images")]
    pub images_: NotSimulated,
    #[serde(rename = "volumesInUse")]
    pub volumes_in_use_: NotSimulated,
    #[serde(rename = "volumesAttached")]
    pub volumes_attached_: NotSimulated,
    #[serde(rename = "config")]
    pub config_: NotSimulated,
    #[serde(rename = "runtimeHandlers")]
    pub runtime_handlers_: NotSimulated,
    #[serde(rename = "features")]
    pub features_: NotSimulated,
    #[serde(rename = "declaredFeatures")]
    pub declared_features_: NotSimulated,
}

/// A Node.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Node {
    /// metadata.
    pub metadata: Meta,
    /// spec.
    pub spec: NodeSpec,
    /// status.
    pub status: NodeStatus,
    // Kubernetes fields accepted but not simulated: their values are never read.
    #[serde(rename = "apiVersion")]
    pub api_version_: NotSimulated,
    #[serde(rename = "kind")]
    pub kind_: NotSimulated,
}

/// A Service: k8sim reads its selector (endpoints are the Ready pods it selects); the rest is
/// accepted and ignored.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Service {
    /// metadata.
    pub metadata: Meta,
    /// spec.
    pub spec: ServiceSpec,
    // Kubernetes fields accepted but not simulated: their values are never read.
    #[serde(rename = "apiVersion")]
    pub api_version_: NotSimulated,
    #[serde(rename = "kind")]
    pub kind_: NotSimulated,
    #[serde(rename = "status")]
    pub status_: NotSimulated,
}

/// A Service spec.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct ServiceSpec {
    /// selector.
    pub selector: BTreeMap<String, String>,
    // Kubernetes fields accepted but not simulated: their values are never read.
    #[serde(rename = "ports")]
    pub ports_: NotSimulated,
    #[serde(rename = "clusterIP")]
    pub cluster_ip_: NotSimulated,
    #[serde(rename = "clusterIPs")]
    pub cluster_ips_: NotSimulated,
    #[serde(rename = "type")]
    pub service_type_: NotSimulated,
    #[serde(rename = "externalIPs")]
    pub external_ips_: NotSimulated,
    #[serde(rename = "sessionAffinity")]
    pub session_affinity_: NotSimulated,
    #[serde(rename = "loadBalancerIP")]
    pub load_balancer_ip_: NotSimulated,
    #[serde(rename = "loadBalancerSourceRanges")]
    pub load_balancer_source_ranges_: NotSimulated,
    #[serde(rename = "externalName")]
    pub external_name_: NotSimulated,
    #[serde(rename = "externalTrafficPolicy")]
    pub external_traffic_policy_: NotSimulated,
    #[serde(rename = "healthCheckNodePort")]
    pub health_check_node_port_: NotSimulated,
    #[serde(rename = "publishNotReadyAddresses")]
    pub publish_not_ready_addresses_: NotSimulated,
    #[serde(rename = "sessionAffinityConfig")]
    pub session_affinity_config_: NotSimulated,
    #[serde(rename = "ipFamilies")]
    pub ip_families_: NotSimulated,
    #[serde(rename = "ipFamilyPolicy")]
    pub ip_family_policy_: NotSimulated,
    #[serde(rename = "allocateLoadBalancerNodePorts")]
    pub allocate_load_balancer_node_ports_: NotSimulated,
    #[serde(rename = "loadBalancerClass")]
    pub load_balancer_class_: NotSimulated,
    #[serde(rename = "internalTrafficPolicy")]
    pub internal_traffic_policy_: NotSimulated,
    #[serde(rename = "trafficDistribution")]
    pub traffic_distribution_: NotSimulated,
}

/// A policy/v1 PodDisruptionBudget.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct PodDisruptionBudget {
    /// metadata.
    pub metadata: Meta,
    /// spec.
    pub spec: PdbSpec,
    // Kubernetes fields accepted but not simulated: their values are never read.
    #[serde(rename = "apiVersion")]
    pub api_version_: NotSimulated,
    #[serde(rename = "kind")]
    pub kind_: NotSimulated,
    #[serde(rename = "status")]
    pub status_: NotSimulated,
}

/// A PodDisruptionBudget spec.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct PdbSpec {
    /// minAvailable.
    pub min_available: Option<Spanned<Scalar>>,
    /// maxUnavailable.
    pub max_unavailable: Option<Spanned<Scalar>>,
    /// selector.
    pub selector: Option<LabelSelector>,
    // Kubernetes fields accepted but not simulated: their values are never read.
    #[serde(rename = "unhealthyPodEvictionPolicy")]
    pub unhealthy_pod_eviction_policy_: NotSimulated,
}
