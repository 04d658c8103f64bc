//! Raw pod specs: containers, resources, volumes, affinity, tolerations and spread constraints.

use super::*;

/// A weighted node selector term.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct PreferredSchedulingTerm {
    /// weight.
    pub weight: i32,
    /// preference.
    pub preference: NodeSelectorTerm,
}

/// Node affinity.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct NodeAffinity {
    /// required.
    pub required_during_scheduling_ignored_during_execution: Option<NodeSelector>,
    /// preferred.
    pub preferred_during_scheduling_ignored_during_execution: Vec<PreferredSchedulingTerm>,
}

/// A pod affinity term.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct PodAffinityTerm {
    /// labelSelector.
    pub label_selector: Option<LabelSelector>,
    /// namespaces.
    pub namespaces: Vec<String>,
    /// namespaceSelector.
    pub namespace_selector: Option<LabelSelector>,
    /// topologyKey.
    pub topology_key: String,
    // Kubernetes fields accepted but not simulated: their values are never read.
    #[serde(rename = "matchLabelKeys")]
    pub match_label_keys_: NotSimulated,
    #[serde(rename = "mismatchLabelKeys")]
    pub mismatch_label_keys_: NotSimulated,
}

/// A weighted pod affinity term.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct WeightedPodAffinityTerm {
    /// weight.
    pub weight: i32,
    /// podAffinityTerm.
    pub pod_affinity_term: PodAffinityTerm,
}

/// Pod affinity or anti-affinity.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct PodAffinity {
    /// required.
    pub required_during_scheduling_ignored_during_execution: Vec<PodAffinityTerm>,
    /// preferred.
    pub preferred_during_scheduling_ignored_during_execution: Vec<WeightedPodAffinityTerm>,
}

/// affinity.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Affinity {
    /// nodeAffinity.
    pub node_affinity: Option<NodeAffinity>,
    /// podAffinity.
    pub pod_affinity: Option<PodAffinity>,
    /// podAntiAffinity.
    pub pod_anti_affinity: Option<PodAffinity>,
}

/// A toleration.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Toleration {
    /// key.
    pub key: String,
    /// operator.
    pub operator: Option<Spanned<String>>,
    /// value.
    pub value: String,
    /// effect.
    pub effect: Option<Spanned<String>>,
    /// tolerationSeconds.
    pub toleration_seconds: Option<i64>,
}

/// A topology spread constraint.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct TopologySpreadConstraint {
    /// maxSkew.
    pub max_skew: Option<Spanned<i32>>,
    /// topologyKey.
    pub topology_key: String,
    /// whenUnsatisfiable.
    pub when_unsatisfiable: Option<Spanned<String>>,
    /// labelSelector.
    pub label_selector: Option<LabelSelector>,
    /// minDomains.
    pub min_domains: Option<i32>,
    /// nodeAffinityPolicy.
    pub node_affinity_policy: Option<String>,
    /// nodeTaintsPolicy.
    pub node_taints_policy: Option<String>,
    /// matchLabelKeys.
    pub match_label_keys: Vec<String>,
}

/// Container resources.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct ResourceRequirements {
    /// requests.
    pub requests: RawResourceList,
    /// limits.
    pub limits: RawResourceList,
    // Kubernetes fields accepted but not simulated: their values are never read.
    #[serde(rename = "claims")]
    pub claims_: NotSimulated,
}

/// A container port.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct ContainerPort {
    /// containerPort.
    pub container_port: i32,
    /// hostPort.
    pub host_port: i32,
    /// protocol.
    pub protocol: Option<String>,
    /// hostIP.
    #[serde(rename = "hostIP")]
    pub host_ip: String,
    // Kubernetes fields accepted but not simulated: their values are never read.
    #[serde(rename = "name")]
    pub name_: NotSimulated,
}

/// A probe (only the timing matters here).
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Probe {
    /// initialDelaySeconds.
    pub initial_delay_seconds: i64,
    // Kubernetes fields accepted but not simulated: their values are never read.
    #[serde(rename = "exec")]
    pub exec_: NotSimulated,
    #[serde(rename = "httpGet")]
    pub http_get_: NotSimulated,
    #[serde(rename = "tcpSocket")]
    pub tcp_socket_: NotSimulated,
    #[serde(rename = "grpc")]
    pub grpc_: NotSimulated,
    #[serde(rename = "timeoutSeconds")]
    pub timeout_seconds_: NotSimulated,
    #[serde(rename = "periodSeconds")]
    pub period_seconds_: NotSimulated,
    #[serde(rename = "successThreshold")]
    pub success_threshold_: NotSimulated,
    #[serde(rename = "failureThreshold")]
    pub failure_threshold_: NotSimulated,
    #[serde(rename = "terminationGracePeriodSeconds")]
    pub termination_grace_period_seconds_: NotSimulated,
}

/// A volume mount.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct VolumeMount {
    /// name.
    pub name: String,
    // Kubernetes fields accepted but not simulated: their values are never read.
    #[serde(rename = "readOnly")]
    pub read_only_: NotSimulated,
    #[serde(rename = "recursiveReadOnly")]
    pub recursive_read_only_: NotSimulated,
    #[serde(rename = "mountPath")]
    pub mount_path_: NotSimulated,
    #[serde(rename = "subPath")]
    pub sub_path_: NotSimulated,
    #[serde(rename = "mountPropagation")]
    pub mount_propagation_: NotSimulated,
    #[serde(rename = "subPathExpr")]
    pub sub_path_expr_: NotSimulated,
}

/// A container.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Container {
    /// name.
    pub name: String,
    /// image.
    pub image: String,
    /// imagePullPolicy.
    pub image_pull_policy: Option<Spanned<String>>,
    /// resources.
    pub resources: ResourceRequirements,
    /// ports.
    pub ports: Vec<ContainerPort>,
    /// restartPolicy (sidecar init containers).
    pub restart_policy: Option<String>,
    /// readinessProbe.
    pub readiness_probe: Option<Probe>,
    /// volumeMounts.
    pub volume_mounts: Vec<VolumeMount>,
    // Kubernetes fields accepted but not simulated: their values are never read.
    #[serde(rename = "command")]
    pub command_: NotSimulated,
    #[serde(rename = "args")]
    pub args_: NotSimulated,
    #[serde(rename = "workingDir")]
    pub working_dir_: NotSimulated,
    #[serde(rename = "envFrom")]
    pub env_from_: NotSimulated,
    #[serde(rename = "env")]
    pub env_: NotSimulated,
    #[serde(rename = "resizePolicy")]
    pub resize_policy_: NotSimulated,
    #[serde(rename = "restartPolicyRules")]
    pub restart_policy_rules_: NotSimulated,
    #[serde(rename = "volumeDevices")]
    pub volume_devices_: NotSimulated,
    #[serde(rename = "livenessProbe")]
    pub liveness_probe_: NotSimulated,
    #[serde(rename = "startupProbe")]
    pub startup_probe_: NotSimulated,
    #[serde(rename = "lifecycle")]
    pub lifecycle_: NotSimulated,
    #[serde(rename = "terminationMessagePath")]
    pub termination_message_path_: NotSimulated,
    #[serde(rename = "terminationMessagePolicy")]
    pub termination_message_policy_: NotSimulated,
    #[serde(rename = "securityContext")]
    pub security_context_: NotSimulated,
    #[serde(rename = "stdin")]
    pub stdin_: NotSimulated,
    #[serde(rename = "stdinOnce")]
    pub stdin_once_: NotSimulated,
    #[serde(rename = "tty")]
    pub tty_: NotSimulated,
}

/// A PVC volume source.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct PvcSource {
    /// claimName.
    pub claim_name: String,
    // Kubernetes fields accepted but not simulated: their values are never read.
    #[serde(rename = "readOnly")]
    pub read_only_: NotSimulated,
}

/// A pod volume.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Volume {
    /// name.
    pub name: String,
    /// persistentVolumeClaim.
    pub persistent_volume_claim: Option<PvcSource>,
    // Kubernetes fields accepted but not simulated: their values are never read.
    #[serde(rename = "hostPath")]
    pub host_path_: NotSimulated,
    #[serde(rename = "emptyDir")]
    pub empty_dir_: NotSimulated,
    #[serde(rename = "gcePersistentDisk")]
    pub gce_persistent_disk_: NotSimulated,
    #[serde(rename = "awsElasticBlockStore")]
    pub aws_elastic_block_store_: NotSimulated,
    #[serde(rename = "gitRepo")]
    pub git_repo_: NotSimulated,
    #[serde(rename = "secret")]
    pub secret_: NotSimulated,
    #[serde(rename = "nfs")]
    pub nfs_: NotSimulated,
    #[serde(rename = "iscsi")]
    pub iscsi_: NotSimulated,
    #[serde(rename = "glusterfs")]
    pub glusterfs_: NotSimulated,
    #[serde(rename = "rbd")]
    pub rbd_: NotSimulated,
    #[serde(rename = "flexVolume")]
    pub flex_volume_: NotSimulated,
    #[serde(rename = "cinder")]
    pub cinder_: NotSimulated,
    #[serde(rename = "cephfs")]
    pub cephfs_: NotSimulated,
    #[serde(rename = "flocker")]
    pub flocker_: NotSimulated,
    #[serde(rename = "downwardAPI")]
    pub downward_api_: NotSimulated,
    #[serde(rename = "fc")]
    pub fc_: NotSimulated,
    #[serde(rename = "azureFile")]
    pub azure_file_: NotSimulated,
    #[serde(rename = "configMap")]
    pub config_map_: NotSimulated,
    #[serde(rename = "vsphereVolume")]
    pub vsphere_volume_: NotSimulated,
    #[serde(rename = "quobyte")]
    pub quobyte_: NotSimulated,
    #[serde(rename = "azureDisk")]
    pub azure_disk_: NotSimulated,
    #[serde(rename = "photonPersistentDisk")]
    pub photon_persistent_disk_: NotSimulated,
    #[serde(rename = "projected")]
    pub projected_: NotSimulated,
    #[serde(rename = "portworxVolume")]
    pub portworx_volume_: NotSimulated,
    #[serde(rename = "scaleIO")]
    pub scale_io_: NotSimulated,
    #[serde(rename = "storageos")]
    pub storageos_: NotSimulated,
    #[serde(rename = "csi")]
    pub csi_: NotSimulated,
    #[serde(rename = "ephemeral")]
    pub ephemeral_: NotSimulated,
    #[serde(rename = "image")]
    pub image_: NotSimulated,
}

/// A scheduling gate.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct SchedulingGate {
    /// name.
    pub name: String,
}

/// Pod-level resources (`spec.resources`, PodLevelResources, beta since Kubernetes 1.34).
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct PodResources {
    /// requests.
    pub requests: RawResourceList,
    /// limits.
    pub limits: RawResourceList,
    // Kubernetes fields accepted but not simulated: their values are never read.
    #[serde(rename = "claims")]
    pub claims_: NotSimulated,
}

/// A pod spec.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct PodSpec {
    /// containers.
    pub containers: Vec<Container>,
    /// initContainers.
    pub init_containers: Vec<Container>,
    /// overhead.
    pub overhead: RawResourceList,
    /// resources (pod-level requests and limits).
    pub resources: Option<Spanned<PodResources>>,
    /// nodeSelector.
    pub node_selector: BTreeMap<String, String>,
    /// affinity.
    pub affinity: Option<Affinity>,
    /// tolerations.
    pub tolerations: Vec<Toleration>,
    /// topologySpreadConstraints.
    pub topology_spread_constraints: Vec<TopologySpreadConstraint>,
    /// nodeName.
    pub node_name: Option<String>,
    /// schedulerName.
    pub scheduler_name: Option<String>,
    /// priority.
    pub priority: Option<i32>,
    /// priorityClassName.
    pub priority_class_name: Option<Spanned<String>>,
    /// preemptionPolicy.
    pub preemption_policy: Option<String>,
    /// restartPolicy.
    pub restart_policy: Option<Spanned<String>>,
    /// terminationGracePeriodSeconds.
    pub termination_grace_period_seconds: Option<i64>,
    /// schedulingGates.
    pub scheduling_gates: Vec<SchedulingGate>,
    /// volumes.
    pub volumes: Vec<Volume>,
    // Kubernetes fields accepted but not simulated: their values are never read.
    #[serde(rename = "ephemeralContainers")]
    pub ephemeral_containers_: NotSimulated,
    #[serde(rename = "activeDeadlineSeconds")]
    pub active_deadline_seconds_: NotSimulated,
    #[serde(rename = "dnsPolicy")]
    pub dns_policy_: NotSimulated,
    #[serde(rename = "serviceAccountName")]
    pub service_account_name_: NotSimulated,
    #[serde(rename = "serviceAccount")]
    pub service_account_: NotSimulated,
    #[serde(rename = "automountServiceAccountToken")]
    pub automount_service_account_token_: NotSimulated,
    #[serde(rename = "hostNetwork")]
    pub host_network_: NotSimulated,
    #[serde(rename = "hostPID")]
    pub host_pid_: NotSimulated,
    #[serde(rename = "hostIPC")]
    pub host_ipc_: NotSimulated,
    #[serde(rename = "shareProcessNamespace")]
    pub share_process_namespace_: NotSimulated,
    #[serde(rename = "securityContext")]
    pub security_context_: NotSimulated,
    #[serde(rename = "imagePullSecrets")]
    pub image_pull_secrets_: NotSimulated,
    #[serde(rename = "hostname")]
    pub hostname_: NotSimulated,
    #[serde(rename = "subdomain")]
    pub subdomain_: NotSimulated,
    #[serde(rename = "hostAliases")]
    pub host_aliases_: NotSimulated,
    #[serde(rename = "dnsConfig")]
    pub dns_config_: NotSimulated,
    #[serde(rename = "readinessGates")]
    pub readiness_gates_: NotSimulated,
    #[serde(rename = "runtimeClassName")]
    pub runtime_class_name_: NotSimulated,
    #[serde(rename = "enableServiceLinks")]
    pub enable_service_links_: NotSimulated,
    #[serde(rename = "setHostnameAsFQDN")]
    pub set_hostname_as_fqdn_: NotSimulated,
    #[serde(rename = "os")]
    pub os_: NotSimulated,
    #[serde(rename = "hostUsers")]
    pub host_users_: NotSimulated,
    #[serde(rename = "resourceClaims")]
    pub resource_claims_: NotSimulated,
    #[serde(rename = "hostnameOverride")]
    pub hostname_override_: NotSimulated,
    #[serde(rename = "workloadRef")]
    pub workload_ref_: NotSimulated,
}

/// A pod template.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct PodTemplate {
    /// metadata.
    pub metadata: Meta,
    /// spec.
    pub spec: PodSpec,
}

/// A bare Pod.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Pod {
    /// metadata.
    pub metadata: Meta,
    /// spec.
    pub spec: PodSpec,
    // Kubernetes fields accepted but not simulated: their values are never read.
    #[serde(rename = "apiVersion")]
    pub api_version_: NotSimulated,
    #[serde(rename = "kind")]
    pub kind_: NotSimulated,
    #[serde(rename = "status")]
    pub status_: NotSimulated,
}
