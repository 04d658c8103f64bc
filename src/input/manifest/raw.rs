//! Serde structs that mirror the Kubernetes manifest format for the subset k8sim simulates.
//! Unknown fields are ignored, as `kubectl apply` would keep them but we do not need them.

use serde::{Deserialize, Deserializer};
use serde_saphyr::Spanned;
use std::collections::BTreeMap;

/// A scalar that may be written as a YAML number or string (quantities, int-or-string).
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar(pub String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number or a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// A map from resource name to quantity, each with its position.
pub type RawResourceList = BTreeMap<String, Spanned<Scalar>>;

/// apiVersion and kind, read first to pick the concrete type.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct TypeMeta {
    /// apiVersion.
    pub api_version: Option<Spanned<String>>,
    /// kind.
    pub kind: Option<Spanned<String>>,
}

/// metadata.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub struct Meta {
    /// name.
    pub name: Option<Spanned<String>>,
    /// generateName.
    pub generate_name: Option<String>,
    /// namespace.
    pub namespace: Option<String>,
    /// labels.
    pub labels: BTreeMap<String, String>,
    /// annotations.
    pub annotations: BTreeMap<String, String>,
}

/// A label selector.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub struct LabelSelector {
    /// matchLabels.
    pub match_labels: BTreeMap<String, String>,
    /// matchExpressions.
    pub match_expressions: Vec<Requirement>,
}

/// A selector requirement.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub struct Requirement {
    /// key.
    pub key: String,
    /// operator.
    pub operator: Option<Spanned<String>>,
    /// values.
    pub values: Vec<String>,
}

/// A node selector term.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeSelectorTerm {
    /// matchExpressions.
    pub match_expressions: Vec<Requirement>,
    /// matchFields.
    pub match_fields: Vec<Requirement>,
}

/// A node selector.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeSelector {
    /// nodeSelectorTerms.
    pub node_selector_terms: Vec<NodeSelectorTerm>,
}

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

/// Rolling update parameters.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub struct RollingUpdate {
    /// maxSurge.
    pub max_surge: Option<Spanned<Scalar>>,
    /// maxUnavailable.
    pub max_unavailable: Option<Spanned<Scalar>>,
    /// partition (StatefulSet).
    pub partition: Option<i32>,
}

/// A strategy (Deployment `strategy`, StatefulSet/DaemonSet `updateStrategy`).
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub struct Strategy {
    /// type.
    #[serde(rename = "type")]
    pub kind: Option<Spanned<String>>,
    /// rollingUpdate.
    pub rolling_update: Option<RollingUpdate>,
}

/// The spec of a Deployment, ReplicaSet, StatefulSet or DaemonSet.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct ControllerSpec {
    /// replicas.
    pub replicas: Option<Spanned<i64>>,
    /// selector.
    pub selector: Option<Spanned<LabelSelector>>,
    /// template.
    pub template: PodTemplate,
    /// strategy (Deployment).
    pub strategy: Strategy,
    /// updateStrategy (StatefulSet, DaemonSet).
    pub update_strategy: Strategy,
    /// revisionHistoryLimit.
    pub revision_history_limit: Option<i32>,
    /// minReadySeconds.
    pub min_ready_seconds: Option<i32>,
    /// progressDeadlineSeconds.
    pub progress_deadline_seconds: Option<i32>,
    /// paused.
    pub paused: bool,
    /// serviceName (StatefulSet).
    pub service_name: Option<String>,
    /// podManagementPolicy (StatefulSet).
    pub pod_management_policy: Option<Spanned<String>>,
    /// volumeClaimTemplates (StatefulSet).
    pub volume_claim_templates: Vec<PersistentVolumeClaim>,
    /// ordinals (StatefulSet).
    pub ordinals: Option<Ordinals>,
    /// persistentVolumeClaimRetentionPolicy (StatefulSet).
    pub persistent_volume_claim_retention_policy: Option<PvcRetention>,
}

/// StatefulSet ordinals.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub struct Ordinals {
    /// start.
    pub start: i32,
}

/// StatefulSet PVC retention policy.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub struct PvcRetention {
    /// whenDeleted.
    pub when_deleted: Option<String>,
    /// whenScaled.
    pub when_scaled: Option<String>,
}

/// A workload object with metadata and a controller spec.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct Controller {
    /// metadata.
    pub metadata: Meta,
    /// spec.
    pub spec: ControllerSpec,
}

/// A podFailurePolicy rule.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub struct PodFailureRule {
    /// action.
    pub action: Option<Spanned<String>>,
    /// onExitCodes.
    pub on_exit_codes: Option<OnExitCodes>,
}

/// onExitCodes.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub struct OnExitCodes {
    /// operator.
    pub operator: String,
    /// values.
    pub values: Vec<i32>,
}

/// podFailurePolicy.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub struct PodFailurePolicy {
    /// rules.
    pub rules: Vec<PodFailureRule>,
}

/// A Job spec.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
pub struct JobSpec {
    /// completions.
    pub completions: Option<Spanned<i64>>,
    /// parallelism.
    pub parallelism: Option<Spanned<i64>>,
    /// completionMode.
    pub completion_mode: Option<Spanned<String>>,
    /// backoffLimit.
    pub backoff_limit: Option<Spanned<i64>>,
    /// backoffLimitPerIndex.
    pub backoff_limit_per_index: Option<i32>,
    /// activeDeadlineSeconds.
    pub active_deadline_seconds: Option<i64>,
    /// ttlSecondsAfterFinished.
    pub ttl_seconds_after_finished: Option<i64>,
    /// suspend.
    pub suspend: bool,
    /// podFailurePolicy.
    pub pod_failure_policy: Option<PodFailurePolicy>,
    /// selector (ignored: generated).
    pub template: PodTemplate,
}

/// A Job.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct Job {
    /// metadata.
    pub metadata: Meta,
    /// spec.
    pub spec: JobSpec,
}

/// jobTemplate.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct JobTemplate {
    /// metadata.
    pub metadata: Meta,
    /// spec.
    pub spec: JobSpec,
}

/// A CronJob spec.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct CronJobSpec {
    /// schedule.
    pub schedule: Option<Spanned<String>>,
    /// timeZone.
    pub time_zone: Option<Spanned<String>>,
    /// concurrencyPolicy.
    pub concurrency_policy: Option<Spanned<String>>,
    /// startingDeadlineSeconds.
    pub starting_deadline_seconds: Option<i64>,
    /// suspend.
    pub suspend: bool,
    /// successfulJobsHistoryLimit.
    pub successful_jobs_history_limit: Option<i32>,
    /// failedJobsHistoryLimit.
    pub failed_jobs_history_limit: Option<i32>,
    /// jobTemplate.
    pub job_template: JobTemplate,
}

/// A CronJob.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct CronJob {
    /// metadata.
    pub metadata: Meta,
    /// spec.
    pub spec: CronJobSpec,
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

/// A ReplicationController's spec (equality-based selector as a plain map).
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct ReplicationControllerSpec {
    /// replicas.
    pub replicas: Option<Spanned<i64>>,
    /// selector (defaults to the template's labels).
    pub selector: Option<Spanned<BTreeMap<String, String>>>,
    /// template.
    pub template: PodTemplate,
    /// minReadySeconds.
    pub min_ready_seconds: Option<i32>,
}

/// A ReplicationController (v1).
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct ReplicationController {
    /// metadata.
    pub metadata: Meta,
    /// spec.
    pub spec: ReplicationControllerSpec,
}
