//! The runtime model: how long the kubelet and the scheduler take, run durations and
//! container crashes by workload.

use super::{duration_field, raw};
use crate::input::duration::parse_duration_ms;
use crate::input::error::InputError;
use crate::input::manifest::convert::run_duration;
use crate::model::pod::RunDuration;
use std::collections::BTreeMap;
use std::path::Path;

/// How the kubelet and the scheduler spend simulated time.
#[derive(Debug, Clone, PartialEq)]
pub struct RuntimeModel {
    /// Time to pull an image not yet on the node, ms.
    pub image_pull_ms: u64,
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
    /// Container crashes by workload name (or pod name).
    pub crashes: BTreeMap<String, CrashModel>,
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

impl Default for RuntimeModel {
    fn default() -> Self {
        RuntimeModel {
            image_pull_ms: 5_000,
            container_start_ms: 1_000,
            scheduling_ms: 0,
            binding_ms: 0,
            default_run_ms: 30_000,
            run_durations: BTreeMap::new(),
            crashes: BTreeMap::new(),
        }
    }
}

/// Validates the `runtime:` section.
pub(super) fn runtime_model(
    path: &Path,
    raw: &raw::Runtime,
    errors: &mut Vec<InputError>,
) -> RuntimeModel {
    let mut runtime = RuntimeModel {
        image_pull_ms: duration_field(path, errors, &raw.image_pull, "runtime.image_pull", 5_000),
        container_start_ms: duration_field(
            path,
            errors,
            &raw.container_start,
            "runtime.container_start",
            1_000,
        ),
        scheduling_ms: duration_field(path, errors, &raw.scheduling, "runtime.scheduling", 0),
        binding_ms: duration_field(path, errors, &raw.binding, "runtime.binding", 0),
        default_run_ms: duration_field(
            path,
            errors,
            &raw.default_run_duration,
            "runtime.default_run_duration",
            30_000,
        ),
        run_durations: BTreeMap::new(),
        crashes: BTreeMap::new(),
    };
    for (workload, c) in &raw.crashes {
        match crash_model(&c.value) {
            Ok(m) => {
                runtime.crashes.insert(workload.clone(), m);
            }
            Err(e) => errors.push(InputError::new(
                path,
                Some(c.referenced.line()),
                format!("runtime.crashes.{workload}"),
                e,
            )),
        }
    }
    for (workload, d) in &raw.run_duration {
        match run_duration(&d.value) {
            Ok(v) => {
                runtime.run_durations.insert(workload.clone(), v);
            }
            Err(e) => errors.push(InputError::new(
                path,
                Some(d.referenced.line()),
                format!("runtime.run_duration.{workload}"),
                e,
            )),
        }
    }
    runtime
}

fn crash_model(c: &raw::Crash) -> Result<CrashModel, String> {
    let after = match (&c.after, &c.mttf) {
        (Some(_), Some(_)) => return Err("give `after` or `mttf`, not both".into()),
        (Some(a), None) => run_duration(a).map_err(|e| format!("after: {e}"))?,
        (None, Some(m)) => {
            RunDuration::Exponential(parse_duration_ms(m).map_err(|e| format!("mttf: {e}"))?)
        }
        (None, None) => RunDuration::Fixed(0),
    };
    let probability = c.probability.unwrap_or(1.0);
    if !(0.0..=1.0).contains(&probability) {
        return Err(format!(
            "probability: expected a number in [0, 1], found {probability}"
        ));
    }
    let reason = c.reason.clone().unwrap_or_else(|| "Error".to_string());
    let exit_code = match reason.as_str() {
        "Error" => c.exit_code.unwrap_or(1),
        "OOMKilled" => c.exit_code.unwrap_or(137),
        other => {
            return Err(format!(
                "reason: expected Error or OOMKilled, found {other:?}"
            ))
        }
    };
    if exit_code == 0 {
        return Err("exit_code: a crash exits with a non-zero code".into());
    }
    Ok(CrashModel {
        probability,
        after,
        exit_code,
        reason,
    })
}
