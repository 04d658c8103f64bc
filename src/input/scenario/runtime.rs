//! The `runtime:` section: how long the kubelet and the scheduler take, run durations and
//! container crashes by workload.

use super::{duration_field, raw};
use crate::input::duration::parse_duration_ms;
use crate::input::error::InputError;
use crate::input::manifest::convert::run_duration;
use crate::model::pod::RunDuration;
use crate::model::runtime::{
    CrashModel, RuntimeModel, DEFAULT_IMAGE_CHECK_MS, DEFAULT_TERMINATION_MS,
};
use serde_saphyr::Spanned;
use std::collections::BTreeMap;
use std::path::Path;

/// Validates the `runtime:` section.
pub(super) fn runtime_model(
    path: &Path,
    raw: &raw::Runtime,
    errors: &mut Vec<InputError>,
) -> RuntimeModel {
    let image_pull_ms = duration_field(path, errors, &raw.image_pull, "runtime.image_pull", 5_000);
    let image_check_ms = duration_field(
        path,
        errors,
        &raw.image_check,
        "runtime.image_check",
        DEFAULT_IMAGE_CHECK_MS,
    );
    let mut runtime = RuntimeModel {
        image_pull_ms,
        image_check_ms: image_check_ms.min(image_pull_ms),
        image_pull_workers: image_pull_workers(path, raw, errors),
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
        default_termination: RunDuration::Fixed(DEFAULT_TERMINATION_MS),
        terminations: BTreeMap::new(),
        crashes: BTreeMap::new(),
        recorded_lifetimes: BTreeMap::new(),
    };
    if let Some(d) = &raw.default_termination {
        match run_duration(&d.value) {
            Ok(v) => runtime.default_termination = v,
            Err(e) => errors.push(InputError::new(
                path,
                Some(d.referenced.line()),
                "runtime.default_termination",
                e,
            )),
        }
    }
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
    durations_by_workload(
        path,
        &raw.run_duration,
        "run_duration",
        errors,
        &mut runtime.run_durations,
    );
    durations_by_workload(
        path,
        &raw.termination,
        "termination",
        errors,
        &mut runtime.terminations,
    );
    runtime
}

/// Pull workers per node from `serialize_image_pulls` and `max_parallel_image_pulls`, with
/// the kubelet's validation (pkg/kubelet/apis/config/validation: maxParallelImagePulls
/// must be positive and may exceed 1 only with serializeImagePulls false).
fn image_pull_workers(
    path: &Path,
    raw: &raw::Runtime,
    errors: &mut Vec<InputError>,
) -> Option<u32> {
    let serialize = raw.serialize_image_pulls.unwrap_or(true);
    let Some(max) = &raw.max_parallel_image_pulls else {
        return if serialize { Some(1) } else { None };
    };
    let line = Some(max.referenced.line());
    let field = "runtime.max_parallel_image_pulls";
    if max.value < 1 || max.value > u32::MAX as i64 {
        errors.push(InputError::new(
            path,
            line,
            field,
            format!("expected a positive number, found {}", max.value),
        ));
        return Some(1);
    }
    if serialize && max.value > 1 {
        errors.push(InputError::new(
            path,
            line,
            field,
            "cannot be larger than 1 unless serialize_image_pulls is false",
        ));
        return Some(1);
    }
    Some(max.value as u32)
}

/// Parses a `runtime.<key>: {workload: duration}` map into `out`.
fn durations_by_workload(
    path: &Path,
    raw: &BTreeMap<String, Spanned<String>>,
    key: &str,
    errors: &mut Vec<InputError>,
    out: &mut BTreeMap<String, RunDuration>,
) {
    for (workload, d) in raw {
        match run_duration(&d.value) {
            Ok(v) => {
                out.insert(workload.clone(), v);
            }
            Err(e) => errors.push(InputError::new(
                path,
                Some(d.referenced.line()),
                format!("runtime.{key}.{workload}"),
                e,
            )),
        }
    }
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
