//! The per-object rows of a [`RunRecord`](super::run_record::RunRecord): workloads, Jobs,
//! CronJob runs, claims, HPA syncs, availability, faults, Services and the Cluster
//! Autoscaler's actions, as plain data taken from the finished simulation. One type per
//! row of a run folder's file; the writers in `output/` only format them.

use crate::engine::SimTime;

/// One Deployment, StatefulSet or DaemonSet at the end of the run (workloads.csv), with its
/// desired/ready changes (workloads_timeseries.csv).
#[derive(Debug, Clone, PartialEq)]
pub struct WorkloadRow {
    /// `Deployment`, `StatefulSet` or `DaemonSet`.
    pub kind: &'static str,
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// Desired replicas at the end.
    pub desired: i32,
    /// Ready replicas at the end.
    pub ready: i32,
    /// maxUnavailable in pods.
    pub max_unavailable: i32,
    /// Share of the run with at least desired - maxUnavailable ready (0..1).
    pub availability: f64,
    /// First time all desired replicas were ready.
    pub first_ready: Option<SimTime>,
    /// Pods it ever created.
    pub pods_created: usize,
    /// Its live pods at the end, by name.
    pub live_pods: Vec<String>,
    /// Its claims (StatefulSets).
    pub claims: Vec<String>,
    /// (time, desired, ready) at every change.
    pub changes: Vec<(SimTime, i32, i32)>,
}

/// One Job (jobs.csv).
#[derive(Debug, Clone, PartialEq)]
pub struct JobRow {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// The CronJob that created it, empty for a Job of its own.
    pub cronjob: String,
    /// Created.
    pub created: SimTime,
    /// First pod started.
    pub first_start: Option<SimTime>,
    /// Complete or Failed.
    pub completion: Option<SimTime>,
    /// `Complete`, `Failed`, `Deleted` or `Running`.
    pub outcome: &'static str,
    /// spec.completions.
    pub completions: Option<i32>,
    /// spec.parallelism.
    pub parallelism: i32,
    /// Pods succeeded.
    pub succeeded: i32,
    /// Pods failed.
    pub failed: i32,
    /// Pods created.
    pub pods_created: usize,
    /// Most pods active at once.
    pub max_active: i32,
}

/// One scheduled time of a CronJob (cronjobs.csv).
#[derive(Debug, Clone, PartialEq)]
pub struct CronJobRunRow {
    /// Namespace.
    pub namespace: String,
    /// CronJob name.
    pub cronjob: String,
    /// The schedule's time.
    pub scheduled: SimTime,
    /// When its Job was created.
    pub started: Option<SimTime>,
    /// `Started`, `Skipped`, `Replaced` or `Missed`.
    pub outcome: &'static str,
    /// The Job's name, empty without one.
    pub job: String,
}

/// One PersistentVolumeClaim (pvcs.csv).
#[derive(Debug, Clone, PartialEq)]
pub struct PvcRow {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// Owning StatefulSet, empty for a claim of its own.
    pub owner: String,
    /// StorageClass.
    pub storage_class: String,
    /// `Pending` or `Bound`.
    pub phase: &'static str,
    /// Bound volume's name, empty when pending.
    pub volume: String,
    /// The volume's zone label, empty without one.
    pub zone: String,
    /// Requested storage, bytes.
    pub requested_bytes: i64,
    /// Created.
    pub created: SimTime,
    /// Bound.
    pub bound: Option<SimTime>,
    /// Deleted before the end.
    pub deleted: bool,
    /// Pods that used it, by name (consecutive repeats removed).
    pub used_by: Vec<String>,
}

/// One metric of one HorizontalPodAutoscaler sync (hpa.csv).
#[derive(Debug, Clone, PartialEq)]
pub struct HpaRow {
    /// The sync's time.
    pub time: SimTime,
    /// Namespace.
    pub namespace: String,
    /// HPA name.
    pub name: String,
    /// `Kind/name` of the scale target.
    pub target: String,
    /// Replicas found.
    pub current_replicas: i32,
    /// Replicas asked for.
    pub desired_replicas: i32,
    /// The metric column (`cpu_utilization_percent`, `memory_average_bytes`, ...).
    pub metric: String,
    /// Its current value in that unit, when known.
    pub current: Option<i64>,
    /// Its target in that unit.
    pub target_value: i64,
}

/// One workload's availability (availability.csv).
#[derive(Debug, Clone, PartialEq)]
pub struct AvailabilityRow {
    /// `Deployment` or `StatefulSet`.
    pub kind: &'static str,
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// Desired replicas.
    pub desired: i32,
    /// Time below desired after the warm-up, ms.
    pub below_desired_ms: u64,
    /// Replicas lost to node faults.
    pub replicas_lost: usize,
    /// Longest time below desired, ms (`None` when never below).
    pub time_to_recover_ms: Option<u64>,
}

/// One node fault episode (faults.csv).
#[derive(Debug, Clone, PartialEq)]
pub struct FaultRow {
    /// Node name.
    pub node: String,
    /// Cause.
    pub cause: &'static str,
    /// Start.
    pub start: SimTime,
    /// End, if it ended.
    pub end: Option<SimTime>,
    /// Pods lost.
    pub pods_lost: usize,
    /// Pods evicted.
    pub pods_evicted: usize,
    /// Time until the lost pods ran again elsewhere, ms.
    pub time_to_running_ms: Option<u64>,
}

/// One Service's endpoints over the run (services.csv, services_timeseries.csv).
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceRow {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// Fewest ready endpoints after the warm-up.
    pub min_ready_endpoints: u32,
    /// Time without a ready endpoint, ms.
    pub outage_ms: u64,
}

/// What the Cluster Autoscaler did to a group, one row of `autoscaler.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct ScaleRecord {
    /// When.
    pub time: SimTime,
    /// Node group.
    pub group: String,
    /// `scale_up`, `scale_down` or `failed`.
    pub action: &'static str,
    /// Group size (registered plus upcoming nodes) before.
    pub nodes_before: u32,
    /// Group size after.
    pub nodes_after: u32,
    /// Why.
    pub reason: String,
}

/// Ready endpoints of every Service at one availability sample (services_timeseries.csv).
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceSample {
    /// When.
    pub time: SimTime,
    /// Ready endpoints per Service, in [`ServiceRow`] order (missing: none).
    pub ready_endpoints: Vec<u32>,
}
