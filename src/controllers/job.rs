//! Job controller: runs pods until `completions` succeed with at most `parallelism` at
//! once; NonIndexed and Indexed completion modes; backoffLimit with the exponential
//! back-off between retries, backoffLimitPerIndex, podFailurePolicy on exit codes,
//! restartPolicy OnFailure (restarts count as failures), activeDeadlineSeconds,
//! ttlSecondsAfterFinished and suspend (pkg/controller/job: job_controller.go,
//! backoff_utils.go, pod_failure_policy.go).

use super::garbage_collector;
use super::job_tally::{FailureVerdict, JobTally};
use super::{ControllerContext, ControllerRef};
use crate::cluster::{Pod, PodId, PodPhase};
use crate::engine::SimTime;
use crate::model::pod::RestartPolicy;
use crate::model::workload::{CompletionMode, JobSpec, PodFailureAction, PropagationPolicy};
use std::sync::Arc;

/// How a Job ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobOutcome {
    /// All completions succeeded.
    Complete,
    /// backoffLimit exceeded or deadline passed.
    Failed,
}

/// A Job's state.
#[derive(Debug, Clone)]
pub struct JobState {
    /// Name.
    pub name: String,
    /// Namespace.
    pub namespace: String,
    /// The spec (shared with the CronJob's other Jobs).
    pub spec: Arc<JobSpec>,
    /// Owning CronJob, if any.
    pub cronjob: Option<u32>,
    /// Top-level workload name (the CronJob's for CronJob Jobs), for run durations.
    pub workload: String,
    /// Pods it created and has not retired.
    pub pods: Vec<PodId>,
    /// Number of pods it created.
    pub pods_created: usize,
    /// Earliest container start among its retired pods.
    pub retired_first_start: Option<SimTime>,
    /// Pods that succeeded.
    pub succeeded: i32,
    /// Pods that failed.
    pub failed: i32,
    /// Totals over its finished pods and the pods still open, so a sync costs
    /// O(open pods), not O(completions); none once the Job is deleted and its pods are
    /// retired (nothing counts any more).
    tally: Option<Box<JobTally>>,
    /// When it started.
    pub start: SimTime,
    /// When it finished.
    pub finished: Option<(SimTime, JobOutcome)>,
    /// Deleted.
    pub deleted: bool,
    /// Highest number of its pods active at once.
    pub max_active: i32,
    /// Container runs started so far (indexes `spec.exit_codes`).
    pub runs: u32,
}

impl JobState {
    /// Totals over its finished pods and its open pods. Panics once the Job is deleted
    /// and its pods retired (its controller no longer counts anything).
    pub fn tally(&self) -> &JobTally {
        self.tally.as_deref().expect("a retired Job has no tally")
    }

    /// Pod `p` of this Job changed phase, readiness or deletion: the next sync looks at it.
    pub fn pod_changed(&mut self, p: PodId) {
        if let Some(tally) = self.tally.as_mut() {
            tally.changed.insert(p);
        }
    }

    /// The Job's tally while it has one (until its pods are retired).
    pub fn tally_if_any(&self) -> Option<&JobTally> {
        self.tally.as_deref()
    }

    pub(super) fn tally_mut(&mut self) -> &mut JobTally {
        self.tally
            .as_deref_mut()
            .expect("a retired Job has no tally")
    }

    /// Keeps only `kept` of its pods (the others retired); with none left, its tally goes.
    pub(super) fn keep_pods(&mut self, kept: Vec<PodId>) {
        if kept.is_empty() {
            self.tally = None;
        } else if let Some(tally) = self.tally.as_mut() {
            tally.open.retain(|p| kept.contains(p));
            tally.changed.retain(|p| kept.contains(p));
        }
        self.pods = kept;
    }
}

/// First delay before re-creating a failed pod (DefaultJobPodFailureBackOff: 10 s).
pub const POD_FAILURE_BACKOFF_MS: u64 = 10_000;
/// Longest delay (MaxJobPodFailureBackOff: 10 min).
pub const MAX_POD_FAILURE_BACKOFF_MS: u64 = 600_000;

/// The delay before a new pod after `failures` consecutive failures: 10 s doubling per
/// failure, at most 10 min; none without failures.
pub fn failure_backoff_ms(failures: u32) -> u64 {
    if failures == 0 {
        return 0;
    }
    (POD_FAILURE_BACKOFF_MS << (failures - 1).min(16)).min(MAX_POD_FAILURE_BACKOFF_MS)
}

/// The exit code of the next container run of pod `p` (0 unless its Job lists codes).
pub fn next_exit_code(ctx: &mut impl ControllerContext, p: PodId) -> i32 {
    let crate::cluster::Owner::Job(j) = ctx.cluster().pods()[p.ix()].owner else {
        return 0;
    };
    let st = &mut ctx.workloads_mut().jobs[j as usize];
    let codes = &st.spec.exit_codes;
    let code = match codes.len() {
        0 => 0,
        n => codes[(st.runs as usize).min(n - 1)],
    };
    st.runs += 1;
    code
}

/// Adds a Job and returns its index.
pub fn add(
    ctx: &mut impl ControllerContext,
    name: String,
    namespace: String,
    spec: Arc<JobSpec>,
    cronjob: Option<u32>,
    workload: String,
) -> u32 {
    let idx = ctx.workloads().jobs.len() as u32;
    let indexes = match spec.completion_mode {
        CompletionMode::Indexed => spec.completions.unwrap_or(0).max(0) as usize,
        CompletionMode::NonIndexed => 0,
    };
    let now = ctx.now();
    ctx.workloads_mut().jobs.push(JobState {
        name,
        namespace,
        spec,
        cronjob,
        workload,
        pods: Vec::new(),
        pods_created: 0,
        retired_first_start: None,
        succeeded: 0,
        failed: 0,
        tally: Some(Box::new(JobTally::new(indexes))),
        start: now,
        finished: None,
        deleted: false,
        max_active: 0,
        runs: 0,
    });
    ctx.request_sync(ControllerRef::Job(idx));
    idx
}

/// True while the Job has not finished.
pub fn is_active(ctx: &impl ControllerContext, j: u32) -> bool {
    let st = &ctx.workloads().jobs[j as usize];
    st.finished.is_none() && !st.deleted
}

/// The podFailurePolicy rule matching exit code `code`, with its index.
fn matching_rule(spec: &JobSpec, code: i32) -> Option<(usize, PodFailureAction)> {
    spec.pod_failure_rules
        .iter()
        .enumerate()
        .find(|(_, r)| r.exit_codes.contains(&code) == r.exit_codes_in)
        .map(|(i, r)| (i, r.action))
}

/// A deleted or finished Job: reports to the garbage collector, which owns a deleted
/// Job's pods, and runs the TTL-after-finished controller. Returns false for a Job still
/// running.
fn sync_ended(ctx: &mut impl ControllerContext, j: u32) -> bool {
    let now = ctx.now();
    let st = &ctx.workloads().jobs[j as usize];
    if st.deleted {
        // Its pods are the garbage collector's.
        garbage_collector::deleted_owner_synced(ctx, ControllerRef::Job(j));
        super::job_retire::retire_gone_pods(ctx, j);
        return true;
    }
    let Some((at, _)) = st.finished else {
        return false;
    };
    // TTL-after-finished controller: deletes the Job in the foreground
    // (ttlafterfinished_controller.go processJob).
    if let Some(ttl) = st.spec.ttl_seconds_after_finished {
        let expiry = at.plus_millis(ttl.max(0) as u64 * 1000);
        if now >= expiry {
            garbage_collector::delete(ctx, ControllerRef::Job(j), PropagationPolicy::Foreground);
        } else {
            ctx.sync_at(expiry, ControllerRef::Job(j));
        }
    }
    true
}

/// Reconciles Job `j`: counts its pods, fails it (FailJob rule, backoff limit, deadline),
/// completes it, or brings its active pods to what it wants (suspend, scale down, create
/// after the failure back-off).
pub fn sync(ctx: &mut impl ControllerContext, j: u32) {
    if sync_ended(ctx, j) {
        return;
    }
    let spec = ctx.workloads().jobs[j as usize].spec.clone();
    let n_indexes = ctx.workloads().jobs[j as usize].tally().done.len();
    let counted = count_pods(ctx, j, &spec);
    let succeeded = record_status(ctx, j, &spec, &counted);
    let Counted {
        active,
        restarts,
        fail_job,
        ..
    } = counted;
    if failed_now(ctx, j, &spec, fail_job, restarts) {
        return;
    }
    let progress = index_progress(ctx, j, &spec, n_indexes);
    if finish_if_complete(ctx, j, &spec, succeeded, active, &progress) {
        return;
    }
    if spec.suspend {
        for p in open_pods(ctx, j) {
            ctx.delete_pod(p, "Suspended");
        }
        return;
    }
    let to_create = want_active(&spec, succeeded, progress.remaining) - active as i32;
    if to_create < 0 {
        delete_newest(ctx, open_pods(ctx, j), (-to_create) as usize);
        return;
    }
    if to_create > 0 {
        if let Some(ready_at) = backoff_until(ctx, j) {
            ctx.sync_at(ready_at, ControllerRef::Job(j));
            return;
        }
    }
    super::job_pods::create_pods(ctx, j, &spec, to_create as usize, &progress.failed_indexes);
    record_max_active(ctx, j);
}

/// Writes the Job's status counts from its tally and `counted` (OnFailure restarts count
/// as failures); returns its succeeded count (completed indexes for an Indexed Job).
fn record_status(
    ctx: &mut impl ControllerContext,
    j: u32,
    spec: &JobSpec,
    counted: &Counted,
) -> i32 {
    let indexed = spec.completion_mode == CompletionMode::Indexed;
    let on_failure = spec.template.spec.restart_policy == RestartPolicy::OnFailure;
    let st = &mut ctx.workloads_mut().jobs[j as usize];
    let succeeded = if indexed {
        st.tally().done_count as i32
    } else {
        st.tally().succeeded
    };
    st.succeeded = succeeded;
    st.failed = st.tally().failed
        + if on_failure {
            counted.all_restarts as i32
        } else {
            0
        };
    st.max_active = st.max_active.max(counted.active as i32);
    succeeded
}

/// Where the Job's indexes stand (none for a NonIndexed Job).
struct IndexProgress {
    /// Indexes failed past backoffLimitPerIndex: not retried.
    failed_indexes: std::collections::BTreeSet<u32>,
    /// Indexes neither done nor failed.
    remaining: i32,
    /// Number of indexes.
    count: usize,
}

/// backoffLimitPerIndex: an index whose failures exceed the limit is failed and not
/// retried; the global backoffLimit does not apply.
fn index_progress(
    ctx: &impl ControllerContext,
    j: u32,
    spec: &JobSpec,
    n_indexes: usize,
) -> IndexProgress {
    let tally = ctx.workloads().jobs[j as usize].tally();
    let failed_indexes = tally.failed_indexes(spec.backoff_limit_per_index);
    let remaining = (n_indexes - tally.done_count - failed_indexes.len()) as i32;
    IndexProgress {
        failed_indexes,
        remaining,
        count: n_indexes,
    }
}

/// Finishes the Job when its completions are reached: Complete, or Failed
/// (`FailedIndexes`) once no pod is active when some index failed; true when there is
/// nothing more to do this sync.
fn finish_if_complete(
    ctx: &mut impl ControllerContext,
    j: u32,
    spec: &JobSpec,
    succeeded: i32,
    active: usize,
    progress: &IndexProgress,
) -> bool {
    let complete = match spec.completions {
        Some(c) if spec.completion_mode == CompletionMode::Indexed => {
            progress.remaining == 0 && c as usize == progress.count
        }
        Some(c) => succeeded >= c,
        // Work-queue Jobs complete once any pod succeeded and none is active.
        None => succeeded > 0 && active == 0,
    };
    if !complete {
        return false;
    }
    if progress.failed_indexes.is_empty() {
        finish(ctx, j, JobOutcome::Complete, "Completed", "Job completed");
    } else if active == 0 {
        finish(
            ctx,
            j,
            JobOutcome::Failed,
            "FailedIndexes",
            "Job has failed indexes",
        );
    }
    true
}

/// How many pods the Job wants active: parallelism, capped by the completions (or
/// indexes) left; a work-queue Job wants none once a pod succeeded.
fn want_active(spec: &JobSpec, succeeded: i32, remaining_indexes: i32) -> i32 {
    match spec.completions {
        Some(_) if spec.completion_mode == CompletionMode::Indexed => {
            spec.parallelism.min(remaining_indexes)
        }
        Some(c) => spec.parallelism.min(c - succeeded),
        None if succeeded > 0 => 0,
        None => spec.parallelism,
    }
}

/// Deletes the `count` most recently created of the `active` pods.
fn delete_newest(ctx: &mut impl ControllerContext, mut active: Vec<PodId>, count: usize) {
    active.sort_by_key(|p| std::cmp::Reverse(ctx.cluster().pods()[p.ix()].times.created));
    for p in active.into_iter().take(count) {
        ctx.delete_pod(p, "SuccessfulDelete");
    }
}

/// Raises the Job's highest number of active pods to the count after this sync.
fn record_max_active(ctx: &mut impl ControllerContext, j: u32) {
    let (cluster, workloads) = ctx.cluster_and_workloads_mut();
    let st = &mut workloads.jobs[j as usize];
    let tally = st.tally();
    // Open pods are active but for those changed since the fold.
    let ended = (tally.changed.iter())
        .filter(|p| tally.open.contains(p) && !cluster.pods()[p.ix()].is_active())
        .count();
    let active_now = (tally.open.len() - ended) as i32;
    st.max_active = st.max_active.max(active_now);
}

/// The Job's open pods, in creation order.
fn open_pods(ctx: &impl ControllerContext, j: u32) -> Vec<PodId> {
    let tally = ctx.workloads().jobs[j as usize].tally();
    tally.open.iter().copied().collect()
}

/// What [`count_pods`] found among a Job's open pods.
struct Counted {
    /// Pods neither terminal nor deleting: the open pods after the fold.
    active: usize,
    /// Container restarts of the active (Pending or Running) pods.
    restarts: u32,
    /// Container restarts of all the Job's pods.
    all_restarts: u32,
    /// The message of the first pod failure a FailJob rule matched.
    fail_job: Option<String>,
}

/// Folds the Job's newly finished or deleted pods into its tally and counts the active
/// ones: O(changed pods), plus O(open pods) under OnFailure for their restarts.
fn count_pods(ctx: &mut impl ControllerContext, j: u32, spec: &JobSpec) -> Counted {
    let now = ctx.now();
    let on_failure = spec.template.spec.restart_policy == RestartPolicy::OnFailure;
    let (cluster, workloads) = ctx.cluster_and_workloads_mut();
    let st = &mut workloads.jobs[j as usize];
    let changed = std::mem::take(&mut st.tally_mut().changed);
    let mut fail_job = None;
    // In creation order, as a walk over the open pods would fold them.
    for p in changed {
        let tally = st.tally_mut();
        if !tally.open.contains(&p) {
            continue;
        }
        let pod = &cluster.pods()[p.ix()];
        match pod.phase {
            PodPhase::Succeeded => tally.fold_success(pod, pod.times.finished.unwrap_or(now)),
            PodPhase::Failed => {
                let verdict = failure_verdict(spec, pod, &mut fail_job);
                tally.fold_failure(pod, pod.times.finished.unwrap_or(now), verdict);
            }
            _ if pod.deleting => tally.fold_deleted(pod),
            _ => continue,
        }
        tally.open.remove(&p);
    }
    // Restarts matter only under OnFailure (backoffLimit, failed count): only then walk.
    let open = &st.tally().open;
    let restarts = if on_failure {
        open.iter().map(|p| cluster.pods()[p.ix()].restarts).sum()
    } else {
        0
    };
    Counted {
        active: open.len(),
        restarts,
        all_restarts: restarts + st.tally().restarts,
        fail_job,
    }
}

/// How a sync counts failed pod `pod` (its podFailurePolicy rule); the first pod a FailJob
/// rule matches sets `fail_job`.
fn failure_verdict(spec: &JobSpec, pod: &Pod, fail_job: &mut Option<String>) -> FailureVerdict {
    let code = pod.exit_code.unwrap_or(1);
    match matching_rule(spec, code) {
        Some((_, PodFailureAction::Ignore)) => FailureVerdict::Ignored,
        Some((i, PodFailureAction::FailJob)) => {
            if fail_job.is_none() {
                let container = (spec.template.spec.containers.first())
                    .map(|c| c.name.as_str())
                    .unwrap_or("");
                *fail_job = Some(format!(
                    "Container {container} for pod {}/{} failed with exit code {code} matching FailJob rule at index {i}",
                    pod.namespace, pod.name
                ));
            }
            FailureVerdict::Counted { fail_index: false }
        }
        Some((_, PodFailureAction::FailIndex)) => FailureVerdict::Counted { fail_index: true },
        _ => FailureVerdict::Counted { fail_index: false },
    }
}

/// Ends the Job as Failed when a FailJob rule matched, the backoff limit is exceeded or
/// the active deadline passed (otherwise schedules a sync at the deadline); true if it did.
fn failed_now(
    ctx: &mut impl ControllerContext,
    j: u32,
    spec: &JobSpec,
    fail_job: Option<String>,
    restarts: u32,
) -> bool {
    let now = ctx.now();
    let failed = ctx.workloads().jobs[j as usize].tally().failed;
    let on_failure = spec.template.spec.restart_policy == RestartPolicy::OnFailure;
    if let Some(message) = fail_job {
        finish(ctx, j, JobOutcome::Failed, "PodFailurePolicy", &message);
        return true;
    }
    if spec.backoff_limit_per_index.is_none() {
        // job_controller.go pastBackoffLimitOnFailure: the restarts the kubelet made
        // to Pending and Running pods (counted when the container starts again after its
        // back-off) reach the limit.
        let past_on_failure = on_failure
            && if spec.backoff_limit == 0 {
                restarts > 0
            } else {
                restarts as i32 >= spec.backoff_limit
            };
        let exceeded = past_on_failure || failed > spec.backoff_limit;
        if exceeded {
            finish(
                ctx,
                j,
                JobOutcome::Failed,
                "BackoffLimitExceeded",
                "Job has reached the specified backoff limit",
            );
            return true;
        }
    }
    if let Some(deadline) = spec.active_deadline_seconds {
        let end = ctx.workloads().jobs[j as usize]
            .start
            .plus_millis(deadline.max(0) as u64 * 1000);
        if now >= end {
            finish(
                ctx,
                j,
                JobOutcome::Failed,
                "DeadlineExceeded",
                "Job was active longer than specified deadline",
            );
            return true;
        }
        ctx.sync_at(end, ControllerRef::Job(j));
    }
    false
}

/// Exponential back-off after failures (backoff_utils.go): consecutive failures since
/// the last success delay new pods by 10 s, 20 s, 40 s ... up to 10 min. The instant new
/// pods may start, when that is later than now.
fn backoff_until(ctx: &impl ControllerContext, j: u32) -> Option<SimTime> {
    let tally = ctx.workloads().jobs[j as usize].tally();
    let failures = tally.failures_since_success.len() as u32;
    let last_failure = tally.failures_since_success.iter().max()?;
    let ready_at = last_failure.plus_millis(failure_backoff_ms(failures));
    (ctx.now() < ready_at).then_some(ready_at)
}

fn finish(
    ctx: &mut impl ControllerContext,
    j: u32,
    outcome: JobOutcome,
    reason: &str,
    message: &str,
) {
    let now = ctx.now();
    let st = &mut ctx.workloads_mut().jobs[j as usize];
    st.finished = Some((now, outcome));
    let name = st.name.clone();
    let pods = st.pods.clone();
    let cron = st.cronjob;
    let kind = if outcome == JobOutcome::Complete {
        "Normal"
    } else {
        "Warning"
    };
    ctx.record_event("Job", &name, kind, reason, message.to_string());
    if outcome == JobOutcome::Failed {
        for p in pods {
            if ctx.cluster().pods()[p.ix()].is_active() {
                ctx.delete_pod(p, "DeadlineExceeded");
            }
        }
    }
    if let Some(c) = cron {
        ctx.request_sync(ControllerRef::CronJob(c));
    }
    if let Some(ttl) = ctx.workloads().jobs[j as usize]
        .spec
        .ttl_seconds_after_finished
    {
        ctx.sync_at(
            now.plus_millis(ttl.max(0) as u64 * 1000),
            ControllerRef::Job(j),
        );
    }
}
