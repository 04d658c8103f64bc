//! The runtime model: how long the kubelet and the scheduler take, run durations and
//! container crashes by workload (read from a scenario's `runtime:` section).

use crate::model::pod::RunDuration;
use std::collections::BTreeMap;

/// How the kubelet and the scheduler spend simulated time.
#[derive(Debug, Clone, PartialEq)]
pub struct RuntimeModel {
    /// Time to pull an image not yet on the node, ms.
    pub image_pull_ms: u64,
    /// Time the registry manifest check of `imagePullPolicy: Always` takes when the image
    /// is already on the node, ms (at most `image_pull_ms`: a pull starts with that check).
    pub image_check_ms: u64,
    /// How many pulls a node's kubelet runs at once: 1 with `serializeImagePulls: true`
    /// (the default), `maxParallelImagePulls` without it, `None` for no limit.
    pub image_pull_workers: Option<u32>,
    /// Time from image present to container running, ms.
    pub container_start_ms: u64,
    /// Time one scheduling cycle takes, ms.
    pub scheduling_ms: u64,
    /// Time binding takes, ms.
    pub binding_ms: u64,
    /// Run duration of run-to-completion pods that have none of their own, ms.
    pub default_run_ms: u64,
    /// Run durations by workload name (Job, CronJob, Deployment, ... or pod name).
    pub run_durations: BTreeMap<String, RunDuration>,
    /// How long containers take to exit after SIGTERM when the workload has no time of its
    /// own (capped by the pod's terminationGracePeriodSeconds).
    pub default_termination: RunDuration,
    /// Time to exit after SIGTERM by workload name (or pod name).
    pub terminations: BTreeMap<String, RunDuration>,
    /// Container crashes by workload name (or pod name).
    pub crashes: BTreeMap<String, CrashModel>,
    /// Recorded run times (SimKube trace) by owner (namespace, workload or pod name), in
    /// launch order: the i-th pod of the owner runs for entry `i % len` (`None`: until
    /// deleted).
    pub recorded_lifetimes: BTreeMap<(String, String), Vec<Option<u64>>>,
}

/// How a workload's containers crash: each time a container starts, with `probability`
/// it exits after a time drawn from `after` with `exit_code`.
#[derive(Debug, Clone, PartialEq)]
pub struct CrashModel {
    /// Chance that a container run ends in a crash.
    pub probability: f64,
    /// Time from start to the crash.
    pub after: RunDuration,
    /// Exit code (137 for OOMKilled).
    pub exit_code: i32,
    /// Termination reason (`Error` or `OOMKilled`).
    pub reason: String,
}

/// Default time of the manifest check `imagePullPolicy: Always` makes for an image already
/// on the node: a registry token and a manifest request, about half a second.
pub const DEFAULT_IMAGE_CHECK_MS: u64 = 500;

/// Default time a container takes to exit after SIGTERM: a server that handles the
/// signal (nginx's fast shutdown, a Go or Java server closing its listeners) stops within
/// about a second. A container whose PID 1 ignores SIGTERM (a shell script, `sleep`) is
/// only killed when the grace period ends: give such workloads `termination: 30s`.
pub const DEFAULT_TERMINATION_MS: u64 = 1_000;

impl Default for RuntimeModel {
    fn default() -> Self {
        RuntimeModel {
            image_pull_ms: 5_000,
            image_check_ms: DEFAULT_IMAGE_CHECK_MS,
            image_pull_workers: Some(1),
            container_start_ms: 1_000,
            scheduling_ms: 0,
            binding_ms: 0,
            default_run_ms: 30_000,
            run_durations: BTreeMap::new(),
            default_termination: RunDuration::Fixed(DEFAULT_TERMINATION_MS),
            terminations: BTreeMap::new(),
            crashes: BTreeMap::new(),
            recorded_lifetimes: BTreeMap::new(),
        }
    }
}
