//! Job controller: runs pods until `completions` succeed with at most `parallelism` at
//! once; NonIndexed and Indexed completion modes; backoffLimit with the exponential
//! back-off between retries, backoffLimitPerIndex, podFailurePolicy on exit codes,
//! restartPolicy OnFailure (restarts count as failures), activeDeadlineSeconds,
//! ttlSecondsAfterFinished and suspend (pkg/controller/job: job_controller.go,
//! backoff_utils.go, pod_failure_policy.go).

use super::garbage_collector;
use crate::cluster::{Owner, Pod, PodId, PodPhase};
use crate::engine::SimTime;
use crate::model::pod::RestartPolicy;
use crate::model::workload::{CompletionMode, JobSpec, PodFailureAction, PropagationPolicy};
use crate::sim::event::ControllerRef;
use crate::sim::Simulation;

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
    /// The spec.
    pub spec: JobSpec,
    /// Owning CronJob, if any.
    pub cronjob: Option<u32>,
    /// Top-level workload name (the CronJob's for CronJob Jobs), for run durations.
    pub workload: String,
    /// Pods it created.
    pub pods: Vec<PodId>,
    /// Pods that succeeded.
    pub succeeded: i32,
    /// Pods that failed.
    pub failed: i32,
    /// Completion indexes that succeeded (Indexed mode).
    pub succeeded_indexes: Vec<bool>,
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
pub fn next_exit_code(sim: &mut Simulation, p: PodId) -> i32 {
    let crate::cluster::Owner::Job(j) = sim.cluster.pods[p.ix()].owner else {
        return 0;
    };
    let st = &mut sim.workloads.jobs[j as usize];
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
    sim: &mut Simulation,
    name: String,
    namespace: String,
    spec: JobSpec,
    cronjob: Option<u32>,
    workload: String,
) -> u32 {
    let idx = sim.workloads.jobs.len() as u32;
    let completions = spec.completions.unwrap_or(0).max(0) as usize;
    sim.workloads.jobs.push(JobState {
        name,
        namespace,
        spec,
        cronjob,
        workload,
        pods: Vec::new(),
        succeeded: 0,
        failed: 0,
        succeeded_indexes: vec![false; completions],
        start: sim.engine.now(),
        finished: None,
        deleted: false,
        max_active: 0,
        runs: 0,
    });
    sim.request_sync(ControllerRef::Job(idx));
    idx
}

/// True while the Job has not finished.
pub fn is_active(sim: &Simulation, j: u32) -> bool {
    let st = &sim.workloads.jobs[j as usize];
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

/// Reconciles Job `j`.
pub fn sync(sim: &mut Simulation, j: u32) {
    let now = sim.engine.now();
    let st = &sim.workloads.jobs[j as usize];
    if st.deleted {
        // Its pods are the garbage collector's.
        garbage_collector::deleted_owner_synced(sim, ControllerRef::Job(j));
        return;
    }
    if let Some((at, _)) = st.finished {
        // TTL-after-finished controller: deletes the Job in the foreground
        // (ttlafterfinished_controller.go processJob).
        if let Some(ttl) = st.spec.ttl_seconds_after_finished {
            let expiry = at.plus_millis(ttl.max(0) as u64 * 1000);
            if now >= expiry {
                garbage_collector::delete(
                    sim,
                    ControllerRef::Job(j),
                    PropagationPolicy::Foreground,
                );
            } else {
                sim.sync_at(expiry, ControllerRef::Job(j));
            }
        }
        return;
    }
    let spec = st.spec.clone();
    let n_indexes = st.succeeded_indexes.len();
    let indexed = spec.completion_mode == CompletionMode::Indexed;
    let on_failure = spec.template.spec.restart_policy == RestartPolicy::OnFailure;
    // Count outcomes.
    let mut active: Vec<PodId> = Vec::new();
    let mut succeeded = 0;
    let mut failed = 0;
    let mut restarts = 0u32;
    let mut all_restarts = 0u32;
    let mut done_indexes = vec![false; n_indexes];
    let mut active_indexes = vec![false; n_indexes];
    let mut index_failures = vec![0i32; n_indexes];
    let mut fail_job: Option<String> = None;
    let mut failed_index_by_rule = vec![false; n_indexes];
    // (finished, succeeded) of counted terminal pods, for the back-off.
    let mut history: Vec<(SimTime, bool)> = Vec::new();
    for p in &st.pods {
        let pod = &sim.cluster.pods[p.ix()];
        all_restarts += pod.restarts;
        if matches!(pod.phase, PodPhase::Pending | PodPhase::Running) {
            // pastBackoffLimitOnFailure counts restarts of Pending and Running pods.
            restarts += pod.restarts;
        }
        match pod.phase {
            PodPhase::Succeeded => {
                succeeded += 1;
                if let Some(i) = pod.index {
                    done_indexes[i as usize] = true;
                }
                history.push((pod.times.finished.unwrap_or(now), true));
            }
            PodPhase::Failed => {
                let code = pod.exit_code.unwrap_or(1);
                let rule = matching_rule(&spec, code);
                match rule {
                    Some((_, PodFailureAction::Ignore)) => continue,
                    Some((i, PodFailureAction::FailJob)) if fail_job.is_none() => {
                        let container = spec
                            .template
                            .spec
                            .containers
                            .first()
                            .map(|c| c.name.as_str())
                            .unwrap_or("");
                        fail_job = Some(format!(
                            "Container {container} for pod {}/{} failed with exit code {code} matching FailJob rule at index {i}",
                            pod.namespace, pod.name
                        ));
                    }
                    Some((_, PodFailureAction::FailIndex)) => {
                        if let Some(x) = pod.index {
                            failed_index_by_rule[x as usize] = true;
                        }
                    }
                    _ => {}
                }
                failed += 1;
                if let Some(i) = pod.index {
                    index_failures[i as usize] += 1;
                }
                history.push((pod.times.finished.unwrap_or(now), false));
            }
            _ if pod.deleting => {}
            _ => {
                active.push(*p);
                if let Some(i) = pod.index {
                    active_indexes[i as usize] = true;
                }
            }
        }
    }
    if indexed {
        succeeded = done_indexes.iter().filter(|d| **d).count() as i32;
    }
    let name = st.name.clone();
    {
        let st = &mut sim.workloads.jobs[j as usize];
        st.succeeded = succeeded;
        st.failed = failed + if on_failure { all_restarts as i32 } else { 0 };
        st.succeeded_indexes = done_indexes.clone();
        st.max_active = st.max_active.max(active.len() as i32);
    }

    if let Some(message) = fail_job {
        finish(sim, j, JobOutcome::Failed, "PodFailurePolicy", &message);
        return;
    }
    // backoffLimitPerIndex: an index whose failures exceed the limit is failed and not
    // retried; the global backoffLimit does not apply.
    let mut failed_indexes = vec![false; n_indexes];
    if let Some(limit) = spec.backoff_limit_per_index {
        for i in 0..n_indexes {
            failed_indexes[i] =
                !done_indexes[i] && (failed_index_by_rule[i] || index_failures[i] > limit);
        }
    } else {
        // job_controller.go pastBackoffLimitOnFailure: the restarts the kubelet made
        // (counted when the container starts again after its back-off) reach the limit.
        let past_on_failure = on_failure
            && if spec.backoff_limit == 0 {
                restarts > 0
            } else {
                restarts as i32 >= spec.backoff_limit
            };
        let exceeded = past_on_failure || failed > spec.backoff_limit;
        if exceeded {
            finish(
                sim,
                j,
                JobOutcome::Failed,
                "BackoffLimitExceeded",
                "Job has reached the specified backoff limit",
            );
            return;
        }
    }
    if let Some(deadline) = spec.active_deadline_seconds {
        let end = sim.workloads.jobs[j as usize]
            .start
            .plus_millis(deadline.max(0) as u64 * 1000);
        if now >= end {
            finish(
                sim,
                j,
                JobOutcome::Failed,
                "DeadlineExceeded",
                "Job was active longer than specified deadline",
            );
            return;
        }
        sim.sync_at(end, ControllerRef::Job(j));
    }
    let any_failed_index = failed_indexes.iter().any(|f| *f);
    let complete = match spec.completions {
        Some(c) if indexed => {
            (0..n_indexes).all(|i| done_indexes[i] || failed_indexes[i]) && c as usize == n_indexes
        }
        Some(c) => succeeded >= c,
        // Work-queue Jobs complete once any pod succeeded and none is active.
        None => succeeded > 0 && active.is_empty(),
    };
    if complete && any_failed_index {
        if active.is_empty() {
            finish(
                sim,
                j,
                JobOutcome::Failed,
                "FailedIndexes",
                "Job has failed indexes",
            );
        }
        return;
    }
    if complete {
        finish(sim, j, JobOutcome::Complete, "Completed", "Job completed");
        return;
    }
    if spec.suspend {
        for p in active {
            sim.delete_pod(p, "Suspended");
        }
        return;
    }
    let remaining_indexes = (0..n_indexes)
        .filter(|i| !done_indexes[*i] && !failed_indexes[*i])
        .count() as i32;
    let want_active = match spec.completions {
        Some(_) if indexed => spec.parallelism.min(remaining_indexes),
        Some(c) => spec.parallelism.min(c - succeeded),
        None if succeeded > 0 => 0,
        None => spec.parallelism,
    };
    let mut to_create = want_active - active.len() as i32;
    if to_create < 0 {
        let mut extra = active;
        extra.sort_by_key(|p| std::cmp::Reverse(sim.cluster.pods[p.ix()].times.created));
        for p in extra.into_iter().take((-to_create) as usize) {
            sim.delete_pod(p, "SuccessfulDelete");
        }
        return;
    }
    // Exponential back-off after failures (backoff_utils.go): consecutive failures since
    // the last success delay new pods by 10 s, 20 s, 40 s ... up to 6 min.
    if to_create > 0 {
        history.sort();
        let failures = history.iter().rev().take_while(|(_, ok)| !ok).count() as u32;
        if let Some(&(last_failure, _)) = history.last().filter(|_| failures > 0) {
            let ready_at = last_failure.plus_millis(failure_backoff_ms(failures));
            if now < ready_at {
                sim.sync_at(ready_at, ControllerRef::Job(j));
                return;
            }
        }
    }
    let mut next_index = 0usize;
    while to_create > 0 {
        let index = if indexed {
            while next_index < n_indexes
                && (done_indexes[next_index]
                    || active_indexes[next_index]
                    || failed_indexes[next_index])
            {
                next_index += 1;
            }
            if next_index >= n_indexes {
                break;
            }
            active_indexes[next_index] = true;
            Some(next_index as i32)
        } else {
            None
        };
        create_pod(sim, j, &name, index);
        to_create -= 1;
    }
    let st = &mut sim.workloads.jobs[j as usize];
    let active_now = st
        .pods
        .iter()
        .filter(|p| sim.cluster.pods[p.ix()].is_active())
        .count() as i32;
    st.max_active = st.max_active.max(active_now);
}

fn finish(sim: &mut Simulation, j: u32, outcome: JobOutcome, reason: &str, message: &str) {
    let now = sim.engine.now();
    let st = &mut sim.workloads.jobs[j as usize];
    st.finished = Some((now, outcome));
    let name = st.name.clone();
    let pods = st.pods.clone();
    let cron = st.cronjob;
    let kind = if outcome == JobOutcome::Complete {
        "Normal"
    } else {
        "Warning"
    };
    sim.record_event("Job", &name, kind, reason, message.to_string());
    if outcome == JobOutcome::Failed {
        for p in pods {
            if sim.cluster.pods[p.ix()].is_active() {
                sim.delete_pod(p, "DeadlineExceeded");
            }
        }
    }
    if let Some(c) = cron {
        sim.request_sync(ControllerRef::CronJob(c));
    }
    if let Some(ttl) = sim.workloads.jobs[j as usize]
        .spec
        .ttl_seconds_after_finished
    {
        sim.sync_at(
            now.plus_millis(ttl.max(0) as u64 * 1000),
            ControllerRef::Job(j),
        );
    }
}

fn create_pod(sim: &mut Simulation, j: u32, job_name: &str, index: Option<i32>) {
    let st = &sim.workloads.jobs[j as usize];
    let namespace = st.namespace.clone();
    let prefix = match index {
        Some(i) => format!("{job_name}-{i}"),
        None => job_name.to_string(),
    };
    let name = sim.unique_pod_name(&namespace, &prefix);
    let st = &sim.workloads.jobs[j as usize];
    let mut labels = st.spec.template.labels.clone();
    labels.insert("job-name".to_string(), job_name.to_string());
    labels.insert(
        "batch.kubernetes.io/job-name".to_string(),
        job_name.to_string(),
    );
    if let Some(i) = index {
        labels.insert(
            "batch.kubernetes.io/job-completion-index".to_string(),
            i.to_string(),
        );
    }
    let mut pod = Pod::new(
        name,
        namespace,
        labels,
        Owner::Job(j),
        st.spec.template.spec.clone(),
        sim.engine.now(),
    );
    pod.index = index;
    pod.workload = st.workload.clone();
    let id = sim.create_pod(pod, "Job", job_name);
    sim.workloads.jobs[j as usize].pods.push(id);
}
