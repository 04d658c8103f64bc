//! Workload objects (Deployment, ReplicaSet, StatefulSet, Job, CronJob, DaemonSet), storage
//! objects and priority classes, validated and typed.

use super::labels::{LabelSelector, Labels, NodeSelectorTerm};
use super::pod::PodSpec;
use std::sync::Arc;

/// Object metadata the simulator uses.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ObjectMeta {
    /// metadata.name.
    pub name: String,
    /// metadata.namespace ("default" when absent).
    pub namespace: String,
    /// metadata.labels.
    pub labels: Labels,
    /// metadata.annotations.
    pub annotations: Labels,
}

/// A pod template: labels plus a shared spec.
#[derive(Debug, Clone, PartialEq)]
pub struct PodTemplate {
    /// Template labels.
    pub labels: Labels,
    /// Template annotations.
    pub annotations: Labels,
    /// The spec, shared by every pod created from it.
    pub spec: Arc<PodSpec>,
    /// Names of the pod's local volumes (emptyDir, hostPath): the Cluster Autoscaler does
    /// not move such pods unless told to.
    pub local_volumes: Vec<String>,
    /// A stable hash of the template (Deployment's pod-template-hash), 10 chars max.
    pub hash: String,
}

/// An integer or a percentage (`intstr.IntOrString`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntOrPercent {
    /// Absolute number.
    Int(i32),
    /// Percentage of the desired replicas.
    Percent(i32),
}

impl IntOrPercent {
    /// Resolves against `total`, rounding up or down (`intstr.GetScaledValueFromIntOrPercent`).
    pub fn resolve(&self, total: i32, round_up: bool) -> i32 {
        match *self {
            IntOrPercent::Int(v) => v,
            IntOrPercent::Percent(p) => {
                let num = p as i64 * total as i64;
                if round_up {
                    ((num + 99) / 100) as i32
                } else {
                    (num / 100) as i32
                }
            }
        }
    }
}

/// Deployment strategy.
#[derive(Debug, Clone, PartialEq)]
pub enum DeploymentStrategy {
    /// Rolling update with surge and unavailability bounds.
    RollingUpdate {
        /// maxSurge (default 25%).
        max_surge: IntOrPercent,
        /// maxUnavailable (default 25%).
        max_unavailable: IntOrPercent,
    },
    /// Kill all old pods before creating new ones.
    Recreate,
}

/// A Deployment.
#[derive(Debug, Clone, PartialEq)]
pub struct Deployment {
    /// Metadata.
    pub meta: ObjectMeta,
    /// spec.replicas (default 1).
    pub replicas: i32,
    /// spec.selector.
    pub selector: LabelSelector,
    /// spec.template.
    pub template: PodTemplate,
    /// spec.strategy.
    pub strategy: DeploymentStrategy,
    /// spec.revisionHistoryLimit (default 10).
    pub revision_history_limit: i32,
    /// spec.minReadySeconds.
    pub min_ready_seconds: i32,
    /// spec.progressDeadlineSeconds (default 600).
    pub progress_deadline_seconds: i32,
    /// spec.paused.
    pub paused: bool,
}

/// A bare ReplicaSet.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicaSet {
    /// Metadata.
    pub meta: ObjectMeta,
    /// spec.replicas (default 1).
    pub replicas: i32,
    /// spec.selector.
    pub selector: LabelSelector,
    /// spec.template.
    pub template: PodTemplate,
    /// spec.minReadySeconds.
    pub min_ready_seconds: i32,
}

/// StatefulSet pod management policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PodManagementPolicy {
    /// One at a time, in ordinal order.
    OrderedReady,
    /// All at once.
    Parallel,
}

/// What happens to PVCs when the StatefulSet is deleted or scaled down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PvcRetentionPolicy {
    /// whenDeleted: Delete (true) or Retain (false, default).
    pub delete_when_deleted: bool,
    /// whenScaled: Delete (true) or Retain (false, default).
    pub delete_when_scaled: bool,
}

/// StatefulSet update strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatefulSetUpdate {
    /// Rolling update from the highest ordinal down to `partition`.
    RollingUpdate {
        /// Ordinals below this keep the old revision.
        partition: i32,
        /// maxUnavailable (default 1).
        max_unavailable: IntOrPercent,
    },
    /// Pods are updated only when deleted.
    OnDelete,
}

/// A StatefulSet.
#[derive(Debug, Clone, PartialEq)]
pub struct StatefulSet {
    /// Metadata.
    pub meta: ObjectMeta,
    /// spec.replicas (default 1).
    pub replicas: i32,
    /// spec.selector.
    pub selector: LabelSelector,
    /// spec.template.
    pub template: PodTemplate,
    /// spec.serviceName.
    pub service_name: String,
    /// spec.podManagementPolicy.
    pub pod_management: PodManagementPolicy,
    /// spec.updateStrategy.
    pub update_strategy: StatefulSetUpdate,
    /// spec.volumeClaimTemplates.
    pub volume_claim_templates: Vec<PersistentVolumeClaim>,
    /// spec.ordinals.start.
    pub ordinals_start: i32,
    /// spec.persistentVolumeClaimRetentionPolicy.
    pub pvc_retention: PvcRetentionPolicy,
    /// spec.minReadySeconds.
    pub min_ready_seconds: i32,
    /// spec.revisionHistoryLimit.
    pub revision_history_limit: i32,
}

/// Job completion mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompletionMode {
    /// Any `completions` successes.
    NonIndexed,
    /// One success per index 0..completions.
    Indexed,
}

/// Action of a pod failure policy rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PodFailureAction {
    /// Fail the whole Job.
    FailJob,
    /// Do not count the failure against backoffLimit.
    Ignore,
    /// Count it (default behaviour).
    Count,
    /// Fail the index (with backoffLimitPerIndex).
    FailIndex,
}

/// A podFailurePolicy rule on container exit codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodFailureRule {
    /// The action.
    pub action: PodFailureAction,
    /// `In` (true) or `NotIn` (false).
    pub exit_codes_in: bool,
    /// The exit codes.
    pub exit_codes: Vec<i32>,
}

/// A Job spec (also a CronJob's jobTemplate).
#[derive(Debug, Clone, PartialEq)]
pub struct JobSpec {
    /// spec.completions (`None` = work queue: done when any pod succeeds and all finish).
    pub completions: Option<i32>,
    /// spec.parallelism (default 1).
    pub parallelism: i32,
    /// spec.completionMode.
    pub completion_mode: CompletionMode,
    /// spec.backoffLimit (default 6).
    pub backoff_limit: i32,
    /// spec.backoffLimitPerIndex.
    pub backoff_limit_per_index: Option<i32>,
    /// spec.activeDeadlineSeconds.
    pub active_deadline_seconds: Option<i64>,
    /// spec.ttlSecondsAfterFinished.
    pub ttl_seconds_after_finished: Option<i64>,
    /// spec.suspend.
    pub suspend: bool,
    /// spec.podFailurePolicy rules.
    pub pod_failure_rules: Vec<PodFailureRule>,
    /// spec.template.
    pub template: PodTemplate,
    /// Exit codes of the Job's successive container runs (pods and in-place restarts, in
    /// start order), from the template annotation `k8sim.io/exit-codes`; the last one
    /// repeats; empty: every run exits 0.
    pub exit_codes: Vec<i32>,
}

/// A Job.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    /// Metadata.
    pub meta: ObjectMeta,
    /// Spec.
    pub spec: JobSpec,
}

/// How deleting an owner treats its dependents (metav1.DeletionPropagation, applied by the
/// garbage collector).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PropagationPolicy {
    /// The owner goes at once; its dependents are deleted after it (kubectl's default).
    #[default]
    Background,
    /// The dependents are deleted first; the owner goes once they are gone.
    Foreground,
    /// The dependents lose their ownerReference and keep running.
    Orphan,
}

/// CronJob concurrency policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConcurrencyPolicy {
    /// Runs may overlap.
    Allow,
    /// Skip a run while the previous one is active.
    Forbid,
    /// Replace the active run with the new one.
    Replace,
}

/// A CronJob.
#[derive(Debug, Clone, PartialEq)]
pub struct CronJob {
    /// Metadata.
    pub meta: ObjectMeta,
    /// spec.schedule, as written.
    pub schedule: String,
    /// spec.timeZone.
    pub time_zone: Option<String>,
    /// spec.concurrencyPolicy.
    pub concurrency_policy: ConcurrencyPolicy,
    /// spec.startingDeadlineSeconds.
    pub starting_deadline_seconds: Option<i64>,
    /// spec.suspend.
    pub suspend: bool,
    /// spec.successfulJobsHistoryLimit (default 3).
    pub successful_jobs_history_limit: i32,
    /// spec.failedJobsHistoryLimit (default 1).
    pub failed_jobs_history_limit: i32,
    /// spec.jobTemplate.spec.
    pub job: JobSpec,
    /// spec.jobTemplate.metadata.labels.
    pub job_labels: Labels,
}

/// A DaemonSet.
#[derive(Debug, Clone, PartialEq)]
pub struct DaemonSet {
    /// Metadata.
    pub meta: ObjectMeta,
    /// spec.selector.
    pub selector: LabelSelector,
    /// spec.template.
    pub template: PodTemplate,
    /// RollingUpdate maxUnavailable (default 1); `None` for OnDelete.
    pub max_unavailable: Option<IntOrPercent>,
}

/// Volume binding mode of a StorageClass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VolumeBindingMode {
    /// Bind (and provision) as soon as the claim exists.
    Immediate,
    /// Wait until a pod using the claim is scheduled.
    WaitForFirstConsumer,
}

/// A StorageClass.
#[derive(Debug, Clone, PartialEq)]
pub struct StorageClass {
    /// Metadata.
    pub meta: ObjectMeta,
    /// provisioner.
    pub provisioner: String,
    /// volumeBindingMode.
    pub binding_mode: VolumeBindingMode,
    /// The annotation `storageclass.kubernetes.io/is-default-class: "true"`.
    pub is_default: bool,
    /// allowedTopologies terms.
    pub allowed_topologies: Vec<NodeSelectorTerm>,
}

/// A PersistentVolumeClaim (or a StatefulSet volumeClaimTemplate).
#[derive(Debug, Clone, PartialEq)]
pub struct PersistentVolumeClaim {
    /// Metadata.
    pub meta: ObjectMeta,
    /// spec.storageClassName (`None`: the default class).
    pub storage_class: Option<String>,
    /// spec.accessModes.
    pub access_modes: Vec<String>,
    /// spec.resources.requests.storage, in bytes.
    pub storage_bytes: i64,
    /// spec.volumeName, if pre-bound.
    pub volume_name: Option<String>,
}

/// A PersistentVolume.
#[derive(Debug, Clone, PartialEq)]
pub struct PersistentVolume {
    /// Metadata.
    pub meta: ObjectMeta,
    /// spec.capacity.storage, in bytes.
    pub storage_bytes: i64,
    /// spec.storageClassName.
    pub storage_class: String,
    /// spec.accessModes.
    pub access_modes: Vec<String>,
    /// spec.nodeAffinity.required terms (ORed).
    pub node_affinity: Vec<NodeSelectorTerm>,
}

/// A PriorityClass.
#[derive(Debug, Clone, PartialEq)]
pub struct PriorityClass {
    /// Name.
    pub name: String,
    /// value.
    pub value: i32,
    /// globalDefault.
    pub global_default: bool,
    /// preemptionPolicy is not Never.
    pub preempts: bool,
}

/// A bare Pod manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct BarePod {
    /// Metadata.
    pub meta: ObjectMeta,
    /// The pod as a template (its own labels and spec).
    pub template: PodTemplate,
}

/// A Service: only its selector matters to k8sim (its endpoints are the Ready pods it
/// selects, as the EndpointSlice controller publishes them).
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// Metadata.
    pub meta: ObjectMeta,
    /// spec.selector (empty: a Service without selector, which has no managed endpoints).
    pub selector: Labels,
}

/// A PodDisruptionBudget (policy/v1).
#[derive(Debug, Clone, PartialEq)]
pub struct PodDisruptionBudget {
    /// Metadata.
    pub meta: ObjectMeta,
    /// spec.minAvailable.
    pub min_available: Option<IntOrPercent>,
    /// spec.maxUnavailable.
    pub max_unavailable: Option<IntOrPercent>,
    /// spec.selector (empty selects every pod of the namespace).
    pub selector: LabelSelector,
}

/// A pod-template-hash in Kubernetes' shape: FNV-32a of the template, printed in decimal and
/// encoded with `rand.SafeEncodeString`'s alphabet (k8s.io/apimachinery/pkg/util/rand).
pub fn template_hash(labels: &Labels, spec: &PodSpec) -> String {
    let text = format!("{labels:?}{spec:?}");
    let mut h: u32 = 0x811c_9dc5;
    for b in text.bytes() {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    h.to_string()
        .bytes()
        .map(|b| ALPHANUMS[b as usize % ALPHANUMS.len()] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_hash_uses_safe_alphabet() {
        let h = template_hash(&Default::default(), &PodSpec::default());
        assert!(!h.is_empty() && h.len() <= 10);
        assert!(h
            .bytes()
            .all(|b| b"bcdfghjklmnpqrstvwxz2456789".contains(&b)));
    }
}
