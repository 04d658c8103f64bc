//! Raw workload specs: Deployment, ReplicaSet, StatefulSet, DaemonSet, ReplicationController, Job
//! and CronJob.

use super::*;

/// Rolling update parameters.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
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
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Strategy {
    /// type.
    #[serde(rename = "type")]
    pub kind: Option<Spanned<String>>,
    /// rollingUpdate.
    pub rolling_update: Option<RollingUpdate>,
}

/// The spec of a Deployment, ReplicaSet, StatefulSet or DaemonSet.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
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
    pub min_ready_seconds: Option<Spanned<i32>>,
    /// progressDeadlineSeconds.
    pub progress_deadline_seconds: Option<Spanned<i32>>,
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
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Ordinals {
    /// start.
    pub start: i32,
}

/// StatefulSet PVC retention policy.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct PvcRetention {
    /// whenDeleted.
    pub when_deleted: Option<String>,
    /// whenScaled.
    pub when_scaled: Option<String>,
}

/// A workload object with metadata and a controller spec.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Controller {
    /// metadata.
    pub metadata: Meta,
    /// spec.
    pub spec: ControllerSpec,
    // Kubernetes fields accepted but not simulated: their values are never read.
    #[serde(rename = "apiVersion")]
    pub api_version_: NotSimulated,
    #[serde(rename = "kind")]
    pub kind_: NotSimulated,
    #[serde(rename = "status")]
    pub status_: NotSimulated,
}

/// The spec of a ReplicationController (core/v1): an equality-only selector that defaults to
/// the template's labels.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct ReplicationControllerSpec {
    /// replicas.
    pub replicas: Option<Spanned<i64>>,
    /// selector.
    pub selector: Option<Spanned<BTreeMap<String, String>>>,
    /// template.
    pub template: Option<PodTemplate>,
    /// minReadySeconds.
    pub min_ready_seconds: Option<Spanned<i32>>,
}

/// A ReplicationController.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct ReplicationController {
    /// metadata.
    pub metadata: Meta,
    /// spec.
    pub spec: ReplicationControllerSpec,
    // Kubernetes fields accepted but not simulated: their values are never read.
    #[serde(rename = "apiVersion")]
    pub api_version_: NotSimulated,
    #[serde(rename = "kind")]
    pub kind_: NotSimulated,
    #[serde(rename = "status")]
    pub status_: NotSimulated,
}

/// A podFailurePolicy rule.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct PodFailureRule {
    /// action.
    pub action: Option<Spanned<String>>,
    /// onExitCodes.
    pub on_exit_codes: Option<OnExitCodes>,
    // Kubernetes fields accepted but not simulated: their values are never read.
    #[serde(rename = "onPodConditions")]
    pub on_pod_conditions_: NotSimulated,
}

/// onExitCodes.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct OnExitCodes {
    /// operator.
    pub operator: String,
    /// values.
    pub values: Vec<i32>,
    // Kubernetes fields accepted but not simulated: their values are never read.
    #[serde(rename = "containerName")]
    pub container_name_: NotSimulated,
}

/// podFailurePolicy.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct PodFailurePolicy {
    /// rules.
    pub rules: Vec<PodFailureRule>,
}

/// A Job spec.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
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
    // Kubernetes fields accepted but not simulated: their values are never read.
    #[serde(rename = "successPolicy")]
    pub success_policy_: NotSimulated,
    #[serde(rename = "maxFailedIndexes")]
    pub max_failed_indexes_: NotSimulated,
    #[serde(rename = "selector")]
    pub selector_: NotSimulated,
    #[serde(rename = "manualSelector")]
    pub manual_selector_: NotSimulated,
    #[serde(rename = "podReplacementPolicy")]
    pub pod_replacement_policy_: NotSimulated,
    #[serde(rename = "managedBy")]
    pub managed_by_: NotSimulated,
}

/// A Job.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Job {
    /// metadata.
    pub metadata: Meta,
    /// spec.
    pub spec: JobSpec,
    // Kubernetes fields accepted but not simulated: their values are never read.
    #[serde(rename = "apiVersion")]
    pub api_version_: NotSimulated,
    #[serde(rename = "kind")]
    pub kind_: NotSimulated,
    #[serde(rename = "status")]
    pub status_: NotSimulated,
}

/// jobTemplate.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct JobTemplate {
    /// metadata.
    pub metadata: Meta,
    /// spec.
    pub spec: JobSpec,
}

/// A CronJob spec.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
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
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct CronJob {
    /// metadata.
    pub metadata: Meta,
    /// spec.
    pub spec: CronJobSpec,
    // Kubernetes fields accepted but not simulated: their values are never read.
    #[serde(rename = "apiVersion")]
    pub api_version_: NotSimulated,
    #[serde(rename = "kind")]
    pub kind_: NotSimulated,
    #[serde(rename = "status")]
    pub status_: NotSimulated,
}
