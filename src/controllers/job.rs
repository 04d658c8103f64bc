//! Job controller: runs pods until `completions` succeed with at most `parallelism` at
//! once; NonIndexed and Indexed completion modes; backoffLimit
//! (pkg/controller/job/job_controller.go).

use crate::cluster::{Owner, Pod, PodId, PodPhase};
use crate::engine::SimTime;
use crate::model::workload::{CompletionMode, JobSpec};
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
    });
    sim.request_sync(ControllerRef::Job(idx));
    idx
}

/// True while the Job has not finished.
pub fn is_active(sim: &Simulation, j: u32) -> bool {
    let st = &sim.workloads.jobs[j as usize];
    st.finished.is_none() && !st.deleted
}

/// Reconciles Job `j`.
pub fn sync(sim: &mut Simulation, j: u32) {
    let st = &sim.workloads.jobs[j as usize];
    if st.finished.is_some() || st.deleted {
        if st.deleted {
            let pods: Vec<PodId> = st.pods.clone();
            for p in pods {
                if sim.cluster.pods[p.ix()].is_active() {
                    sim.delete_pod(p, "Deleted");
                }
            }
        }
        return;
    }
    // Count outcomes.
    let mut active: Vec<PodId> = Vec::new();
    let mut succeeded = 0;
    let mut failed = 0;
    let mut done_indexes = vec![false; st.succeeded_indexes.len()];
    let mut active_indexes = vec![false; st.succeeded_indexes.len()];
    for p in &st.pods {
        let pod = &sim.cluster.pods[p.ix()];
        match pod.phase {
            PodPhase::Succeeded => {
                succeeded += 1;
                if let Some(i) = pod.index {
                    done_indexes[i as usize] = true;
                }
            }
            PodPhase::Failed => failed += 1,
            _ if pod.deleting => {}
            _ => {
                active.push(*p);
                if let Some(i) = pod.index {
                    active_indexes[i as usize] = true;
                }
            }
        }
    }
    let spec = st.spec.clone();
    let indexed = spec.completion_mode == CompletionMode::Indexed;
    if indexed {
        succeeded = done_indexes.iter().filter(|d| **d).count() as i32;
    }
    let name = st.name.clone();
    {
        let st = &mut sim.workloads.jobs[j as usize];
        st.succeeded = succeeded;
        st.failed = failed;
        st.succeeded_indexes = done_indexes.clone();
        st.max_active = st.max_active.max(active.len() as i32);
    }
    let now = sim.engine.now();

    if failed > spec.backoff_limit {
        finish(
            sim,
            j,
            JobOutcome::Failed,
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit",
        );
        return;
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
    let complete = match spec.completions {
        Some(c) => succeeded >= c,
        // Work-queue Jobs complete once any pod succeeded and none is active.
        None => succeeded > 0 && active.is_empty(),
    };
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
    let want_active = match spec.completions {
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
    let mut next_index = 0usize;
    while to_create > 0 {
        let index = if indexed {
            while next_index < done_indexes.len()
                && (done_indexes[next_index] || active_indexes[next_index])
            {
                next_index += 1;
            }
            if next_index >= done_indexes.len() {
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
