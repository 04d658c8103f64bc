//! Raw pod specs: containers, resources, volumes, affinity, tolerations and spread constraints.

use super::*;

/// A weighted node selector term.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub struct PreferredSchedulingTerm {
    /// weight.
    pub weight: i32,
    /// preference.
    pub preference: NodeSelectorTerm,
}

/// Node affinity.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeAffinity {
    /// required.
    pub required_during_scheduling_ignored_during_execution: Option<NodeSelector>,
    /// preferred.
    pub preferred_during_scheduling_ignored_during_execution: Vec<PreferredSchedulingTerm>,
}

/// A pod affinity term.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub struct PodAffinityTerm {
    /// labelSelector.
    pub label_selector: Option<LabelSelector>,
    /// namespaces.
    pub namespaces: Vec<String>,
    /// namespaceSelector.
    pub namespace_selector: Option<LabelSelector>,
    /// topologyKey.
    pub topology_key: String,
}

/// A weighted pod affinity term.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub struct WeightedPodAffinityTerm {
    /// weight.
    pub weight: i32,
    /// podAffinityTerm.
    pub pod_affinity_term: PodAffinityTerm,
}

/// Pod affinity or anti-affinity.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub struct PodAffinity {
    /// required.
    pub required_during_scheduling_ignored_during_execution: Vec<PodAffinityTerm>,
    /// preferred.
    pub preferred_during_scheduling_ignored_during_execution: Vec<WeightedPodAffinityTerm>,
}

/// affinity.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
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
#[serde(rename_all = "camelCase", default)]
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
#[serde(rename_all = "camelCase", default)]
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
#[serde(rename_all = "camelCase", default)]
pub struct ResourceRequirements {
    /// requests.
    pub requests: RawResourceList,
    /// limits.
    pub limits: RawResourceList,
}

/// A container port.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
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
}

/// A probe (only the timing matters here).
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub struct Probe {
    /// initialDelaySeconds.
    pub initial_delay_seconds: i64,
}

/// A volume mount.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub struct VolumeMount {
    /// name.
    pub name: String,
}

/// A container.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
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
}

/// A PVC volume source.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub struct PvcSource {
    /// claimName.
    pub claim_name: String,
}

/// A pod volume.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub struct Volume {
    /// name.
    pub name: String,
    /// persistentVolumeClaim.
    pub persistent_volume_claim: Option<PvcSource>,
}

/// A scheduling gate.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub struct SchedulingGate {
    /// name.
    pub name: String,
}

/// Pod-level resources (`spec.resources`, PodLevelResources, beta since Kubernetes 1.34).
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub struct PodResources {
    /// requests.
    pub requests: RawResourceList,
    /// limits.
    pub limits: RawResourceList,
}

/// A pod spec.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
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
}

/// A pod template.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub struct PodTemplate {
    /// metadata.
    pub metadata: Meta,
    /// spec.
    pub spec: PodSpec,
}

/// A bare Pod.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct Pod {
    /// metadata.
    pub metadata: Meta,
    /// spec.
    pub spec: PodSpec,
}
