//! The `usage:` section (resource usage per workload: levels, steps, a daily curve, a CSV
//! series, noise) and the `k8sim.io/cpu-usage`/`k8sim.io/memory-usage` pod template
//! annotations, validated into [`UsageSpec`]s keyed by workload name.

use super::{ReadError, Source};
use crate::input::duration::parse_duration_ms;
use crate::input::error::InputError;
use crate::input::manifest::raw::Scalar;
use crate::model::usage::{
    parse_quantity, Amount, DailyCurve, Demand, UsageLevels, UsageResource, UsageSpec, UsageStep,
    DAY_MS,
};
use crate::model::workload::PodTemplate;
use crate::scenario::object::{Located, Object};
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;
use std::path::Path;

/// The annotation giving a pod's CPU usage (`300m`, `"1.5"` or `60%` of its request).
pub const CPU_USAGE_ANNOTATION: &str = "k8sim.io/cpu-usage";
/// The annotation giving a pod's memory usage (`200Mi` or `60%` of its request).
pub const MEMORY_USAGE_ANNOTATION: &str = "k8sim.io/memory-usage";

/// The level fields of a `usage:` entry or a step, as written.
struct RawLevels<'a> {
    cpu: &'a Option<Spanned<Scalar>>,
    total_cpu: &'a Option<Spanned<Scalar>>,
    memory: &'a Option<Spanned<Scalar>>,
    total_memory: &'a Option<Spanned<Scalar>>,
}

/// One `usage:` entry as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUsage {
    pub cpu: Option<Spanned<Scalar>>,
    pub total_cpu: Option<Spanned<Scalar>>,
    pub memory: Option<Spanned<Scalar>>,
    pub total_memory: Option<Spanned<Scalar>>,
    #[serde(default)]
    pub steps: Vec<Spanned<RawStep>>,
    pub daily: Option<Spanned<RawDaily>>,
    pub series: Option<Spanned<String>>,
    pub noise: Option<Spanned<f64>>,
}

/// A `steps:` entry as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    pub at: Spanned<String>,
    pub cpu: Option<Spanned<Scalar>>,
    pub total_cpu: Option<Spanned<Scalar>>,
    pub memory: Option<Spanned<Scalar>>,
    pub total_memory: Option<Spanned<Scalar>>,
}

/// `daily:` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDaily {
    pub peak_at: Spanned<String>,
    pub trough: Spanned<f64>,
}

/// The level fields of a [`RawUsage`] or a [`RawStep`].
macro_rules! raw_levels {
    ($r:expr) => {
        RawLevels {
            cpu: &$r.cpu,
            total_cpu: &$r.total_cpu,
            memory: &$r.memory,
            total_memory: &$r.total_memory,
        }
    };
}

/// Where errors of one entry go.
struct At<'a> {
    file: &'a Path,
    field: String,
}

impl At<'_> {
    fn error(&self, errors: &mut Vec<InputError>, line: u64, sub: &str, msg: String) {
        let field = if sub.is_empty() {
            self.field.clone()
        } else {
            format!("{}.{sub}", self.field)
        };
        errors.push(InputError::new(self.file, Some(line), field, msg));
    }
}

/// Validates the `usage:` section against the workloads of the scenario (`objects`),
/// then adds the annotation forms of workloads the section does not name.
/// `applied` are the objects the timeline applies later (their names count, their
/// annotations are not read).
pub(super) fn usage_specs<'a>(
    path: &Path,
    source: &Source<'_>,
    raw: &BTreeMap<String, Spanned<RawUsage>>,
    objects: &'a [Located],
    applied: impl Iterator<Item = &'a Object>,
    errors: &mut Vec<InputError>,
) -> BTreeMap<String, UsageSpec> {
    let mut specs = BTreeMap::new();
    let names: Vec<&str> = objects
        .iter()
        .map(|l| &l.object)
        .chain(applied)
        .filter(|o| pod_template(o).is_some())
        .map(|o| o.key().1)
        .collect();
    for (name, entry) in raw {
        let at = At {
            file: path,
            field: format!("usage.{name}"),
        };
        let line = entry.referenced.line();
        if !names.contains(&name.as_str()) {
            let hint = crate::input::suggest::nearest(name, names.iter().copied())
                .map(|n| format!("; did you mean {n:?}?"))
                .unwrap_or_default();
            at.error(errors, line, "", format!("{name:?} names no workload or Pod of the scenario{hint} (expected the name of a Deployment, StatefulSet, DaemonSet, Job, CronJob, ReplicaSet or bare Pod)"));
            continue;
        }
        if let Some(spec) = entry_spec(&at, source, &entry.value, line, errors) {
            specs.insert(name.clone(), spec);
        }
    }
    for l in objects {
        let name = l.object.key().1;
        if specs.contains_key(name) {
            continue;
        }
        if let Some(levels) = annotation_levels(l, errors) {
            let spec = UsageSpec {
                levels,
                ..Default::default()
            };
            specs.insert(name.to_string(), spec);
        }
    }
    specs
}

/// The pod template of a workload object, with its field path.
fn pod_template(o: &Object) -> Option<(&PodTemplate, &'static str)> {
    match o {
        Object::Pod(p) => Some((&p.template, "")),
        Object::Deployment(d) => Some((&d.template, "spec.template.")),
        Object::ReplicaSet(r) => Some((&r.template, "spec.template.")),
        Object::StatefulSet(s) => Some((&s.template, "spec.template.")),
        Object::DaemonSet(d) => Some((&d.template, "spec.template.")),
        Object::Job(j) => Some((&j.spec.template, "spec.template.")),
        Object::CronJob(c) => Some((&c.job.template, "spec.jobTemplate.spec.template.")),
        _ => None,
    }
}

/// The per-pod levels of a workload's usage annotations, if it has any.
fn annotation_levels(l: &Located, errors: &mut Vec<InputError>) -> Option<UsageLevels> {
    let (template, prefix) = pod_template(&l.object)?;
    let mut levels = UsageLevels::default();
    for (key, resource) in [
        (CPU_USAGE_ANNOTATION, UsageResource::Cpu),
        (MEMORY_USAGE_ANNOTATION, UsageResource::Memory),
    ] {
        let Some(v) = template.annotations.get(key) else {
            continue;
        };
        match Amount::parse(v, resource) {
            Ok(a) => match resource {
                UsageResource::Cpu => levels.cpu = Some(Demand::PerPod(a)),
                UsageResource::Memory => levels.memory = Some(Demand::PerPod(a)),
            },
            Err(e) => errors.push(InputError::new(
                &l.file,
                Some(l.line),
                format!("{prefix}metadata.annotations.{key}"),
                e,
            )),
        }
    }
    levels.is_set().then_some(levels)
}

/// One entry's spec: levels, steps and series rows sorted by time, daily curve, noise.
fn entry_spec(
    at: &At<'_>,
    source: &Source<'_>,
    raw: &RawUsage,
    line: u64,
    errors: &mut Vec<InputError>,
) -> Option<UsageSpec> {
    let before = errors.len();
    let mut spec = UsageSpec {
        levels: levels(at, &raw_levels!(raw), line, "", errors),
        ..Default::default()
    };
    for (i, s) in raw.steps.iter().enumerate() {
        let sub = format!("steps[{i}]");
        let step_line = s.referenced.line();
        let at_ms = parse_duration_ms(&s.value.at.value).unwrap_or_else(|e| {
            at.error(
                errors,
                s.value.at.referenced.line(),
                &format!("{sub}.at"),
                e,
            );
            0
        });
        let levels = levels(at, &raw_levels!(s.value), step_line, &sub, errors);
        if !levels.is_set() {
            let msg = "a step sets nothing: expected cpu, total_cpu, memory or total_memory";
            at.error(errors, step_line, &sub, msg.into());
        }
        spec.steps.push(UsageStep { at_ms, levels });
    }
    if let Some(series) = &raw.series {
        spec.steps
            .extend(read_series(at, source, series, errors).unwrap_or_default());
    }
    spec.steps.sort_by_key(|s| s.at_ms);
    spec.daily = raw.daily.as_ref().map(|d| daily(at, d, errors));
    if let Some(n) = &raw.noise {
        if !(0.0..1.0).contains(&n.value) {
            let msg = format!(
                "expected a relative noise in 0..1 such as 0.1, got {}",
                n.value
            );
            at.error(errors, n.referenced.line(), "noise", msg);
        }
        spec.noise = n.value;
    }
    if !spec.levels.is_set() && spec.steps.is_empty() && raw.series.is_none() {
        let msg = "expected at least one of cpu, total_cpu, memory, total_memory, steps or series";
        at.error(errors, line, "", msg.into());
    }
    (errors.len() == before).then_some(spec)
}

/// `daily:`: the peak's time of day (below 24 h) and the trough factor in 0..=1.
fn daily(at: &At<'_>, d: &Spanned<RawDaily>, errors: &mut Vec<InputError>) -> DailyCurve {
    let peak = &d.value.peak_at;
    let peak_at_ms = match parse_duration_ms(&peak.value) {
        Ok(ms) if ms < DAY_MS => ms,
        Ok(_) => {
            let msg = format!(
                "expected a time of day below 24h such as 14h, got {:?}",
                peak.value
            );
            at.error(errors, peak.referenced.line(), "daily.peak_at", msg);
            0
        }
        Err(e) => {
            at.error(errors, peak.referenced.line(), "daily.peak_at", e);
            0
        }
    };
    let trough = &d.value.trough;
    if !(0.0..=1.0).contains(&trough.value) {
        let msg = format!(
            "expected a factor in 0..1 such as 0.3, got {}",
            trough.value
        );
        at.error(errors, trough.referenced.line(), "daily.trough", msg);
    }
    DailyCurve {
        peak_at_ms,
        trough: trough.value,
    }
}

/// Levels as written: each resource per pod or as a total, not both.
fn levels(
    at: &At<'_>,
    raw: &RawLevels<'_>,
    line: u64,
    sub: &str,
    errors: &mut Vec<InputError>,
) -> UsageLevels {
    let field = |name: &str| {
        if sub.is_empty() {
            name.to_string()
        } else {
            format!("{sub}.{name}")
        }
    };
    let mut one = |per_pod: &Option<Spanned<Scalar>>,
                   total: &Option<Spanned<Scalar>>,
                   names: (&str, &str),
                   resource: UsageResource| {
        match (per_pod, total) {
            (Some(_), Some(_)) => {
                let msg = format!(
                    "set either {} (per pod) or {} (shared by the Ready pods), not both",
                    names.0, names.1
                );
                at.error(errors, line, &field(names.0), msg);
                None
            }
            (Some(v), None) => match Amount::parse(&v.value.0, resource) {
                Ok(a) => Some(Demand::PerPod(a)),
                Err(e) => {
                    at.error(errors, v.referenced.line(), &field(names.0), e);
                    None
                }
            },
            (None, Some(v)) => match parse_quantity(&v.value.0, resource) {
                Ok(q) => Some(Demand::Total(q)),
                Err(e) => {
                    at.error(errors, v.referenced.line(), &field(names.1), e);
                    None
                }
            },
            (None, None) => None,
        }
    };
    UsageLevels {
        cpu: one(
            raw.cpu,
            raw.total_cpu,
            ("cpu", "total_cpu"),
            UsageResource::Cpu,
        ),
        memory: one(
            raw.memory,
            raw.total_memory,
            ("memory", "total_memory"),
            UsageResource::Memory,
        ),
    }
}

/// Reads a `series:` CSV into steps; errors name the CSV file and its line.
fn read_series(
    at: &At<'_>,
    source: &Source<'_>,
    series: &Spanned<String>,
    errors: &mut Vec<InputError>,
) -> Option<Vec<UsageStep>> {
    let (csv_path, text) = match source.read(&series.value) {
        Ok(v) => v,
        Err(e) => {
            let field = format!("{}.series", at.field);
            errors.push(ReadError::at(
                e,
                at.file,
                Some(series.referenced.line()),
                field,
            ));
            return None;
        }
    };
    super::usage_series::parse(&csv_path, &text)
        .map_err(|e| errors.push(e))
        .ok()
}
