//! The scenario file: cluster, scheduler, workloads, runtime model, timeline, metrics,
//! seed, start and duration. Raw serde structs first, then validation into [`Scenario`].

mod entries;
mod nodes;
mod objects;
mod raw;
mod replay;
mod runtime;

pub use entries::ZONE_LABEL;
pub use runtime::{CrashModel, RuntimeModel};

use super::duration::parse_duration_ms;
use super::error::{InputError, InputErrors};
use super::manifest::{self, Located, Object};
use super::overrides::{self, LineMap, ManifestText, Override};
use super::timeline::{Action, ApplySource};
use super::yaml::{parse_document, split_documents};
use crate::engine::{Limits, SimTime};
use crate::model::node::NodeSpec;
use crate::model::resources::ResourceNames;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The built-in default scenario (the seed note's workloads), embedded in the binary.
pub const BUILTIN_SEED: &[(&str, &str)] = &[
    ("seed.yaml", include_str!("../../../scenarios/seed.yaml")),
    (
        "seed/nginx-deployment.yaml",
        include_str!("../../../scenarios/seed/nginx-deployment.yaml"),
    ),
    (
        "seed/my-stateful-app.yaml",
        include_str!("../../../scenarios/seed/my-stateful-app.yaml"),
    ),
    (
        "seed/pi-cronjob.yaml",
        include_str!("../../../scenarios/seed/pi-cronjob.yaml"),
    ),
];

/// The display path of the built-in scenario.
pub const BUILTIN_PATH: &str = "<built-in>/seed.yaml";

/// A timeline action at a time, with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEntry {
    /// When it runs.
    pub at: SimTime,
    /// What it does.
    pub action: Action,
    /// Index in the timeline list.
    pub index: usize,
    /// Line in the scenario file.
    pub line: u64,
}

/// A validated scenario.
#[derive(Debug)]
pub struct Scenario {
    /// Scenario name (folder name of the results).
    pub name: String,
    /// Default seed.
    pub seed: u64,
    /// Wall-clock instant of simulated time zero, seconds since the Unix epoch (UTC).
    pub start_epoch_s: i64,
    /// Nodes.
    pub nodes: Vec<NodeSpec>,
    /// Scheduler: a built-in profile name or a path to a KubeSchedulerConfiguration.
    pub scheduler: String,
    /// Workload and storage objects, in file order.
    pub objects: Vec<Located>,
    /// Known kinds seen but not simulated.
    pub not_simulated: BTreeMap<String, usize>,
    /// Warnings to print.
    pub warnings: Vec<String>,
    /// Runtime model.
    pub runtime: RuntimeModel,
    /// Timeline, sorted by time (stable).
    pub timeline: Vec<TimelineEntry>,
    /// Metrics sampling period, ms.
    pub sample_every_ms: u64,
    /// Engine limits (end time = duration).
    pub limits: Limits,
    /// Resource names interned while reading.
    pub resources: ResourceNames,
    /// Where it was read from.
    pub source: PathBuf,
    /// Price of one node-hour by node group name (node groups with `price_per_hour`).
    pub price_per_hour: BTreeMap<String, f64>,
    /// Image sizes in bytes by image name (`cluster.image_sizes`), as nodes report them in
    /// `status.images[].sizeBytes`; ImageLocality assumes 500 MiB for others.
    pub image_sizes: BTreeMap<String, i64>,
}

/// Where scenario files come from: the disk, or the embedded built-in scenario.
enum Source<'a> {
    Disk(&'a Path),
    Builtin,
}

impl Source<'_> {
    fn path_of(&self, rel: &str) -> PathBuf {
        match self {
            Source::Disk(dir) => dir.join(rel),
            Source::Builtin => Path::new("<built-in>").join(rel),
        }
    }

    fn read_bytes(&self, rel: &str) -> Result<Vec<u8>, String> {
        let path = self.path_of(rel);
        match self {
            Source::Disk(_) => {
                std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))
            }
            Source::Builtin => Err(format!(
                "{} is not part of the built-in scenario",
                path.display()
            )),
        }
    }

    fn read(&self, rel: &str) -> Result<(PathBuf, String), String> {
        let path = self.path_of(rel);
        match self {
            Source::Disk(_) => std::fs::read_to_string(&path)
                .map(|t| (path.clone(), t))
                .map_err(|e| format!("cannot read {}: {e}", path.display())),
            Source::Builtin => BUILTIN_SEED
                .iter()
                .find(|(name, _)| *name == rel)
                .map(|(_, text)| (path.clone(), text.to_string()))
                .ok_or_else(|| format!("{} is not part of the built-in scenario", path.display())),
        }
    }
}

/// Loads the built-in default scenario.
pub fn load_builtin() -> Result<Scenario, InputErrors> {
    load_builtin_with(&[])
}

/// Loads the built-in default scenario with `--set` overrides.
pub fn load_builtin_with(overrides: &[Override]) -> Result<Scenario, InputErrors> {
    let text = BUILTIN_SEED[0].1;
    load_overridden(Path::new(BUILTIN_PATH), text, Source::Builtin, overrides)
}

/// Loads a scenario file and every manifest it names.
pub fn load(path: &Path) -> Result<Scenario, InputErrors> {
    load_with(path, &[])
}

/// Loads a scenario file and every manifest it names, with `--set` overrides applied to
/// their text first (an override that names nothing is an error).
pub fn load_with(path: &Path, overrides: &[Override]) -> Result<Scenario, InputErrors> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| InputError::new(path, None, "", format!("cannot read scenario: {e}")))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    load_overridden(path, &text, Source::Disk(dir), overrides)
}

/// Applies `overrides` to the scenario text and its workload manifests, loads the result,
/// and reports errors at the lines of the files as written.
fn load_overridden(
    path: &Path,
    text: &str,
    source: Source<'_>,
    overrides: &[Override],
) -> Result<Scenario, InputErrors> {
    if overrides.is_empty() {
        return load_from(path, text, source, &[]);
    }
    let as_errors = |errs: Vec<(String, String)>| {
        InputErrors(
            errs.into_iter()
                .map(|(field, msg)| InputError::new(path, None, field, format!("--set: {msg}")))
                .collect(),
        )
    };
    let (text, lines) = overrides::apply_to_scenario(text, overrides).map_err(as_errors)?;
    let mut manifests = Vec::new();
    if overrides.iter().any(Override::is_workload) {
        let raw: raw::Scenario = match split_documents(&text).first() {
            Some(doc) => parse_document(path, doc)?,
            None => raw::Scenario::default(),
        };
        for rel in raw.workloads.iter().filter(|w| !replay::is_trace(&w.value)) {
            // A file that cannot be read is reported by the loader below.
            if let Ok((mpath, mtext)) = source.read(&rel.value) {
                manifests.push((
                    rel.value.clone(),
                    ManifestText {
                        path: mpath,
                        text: mtext,
                        lines: LineMap::default(),
                    },
                ));
            }
        }
        let mut texts: Vec<ManifestText> = manifests.iter().map(|(_, m)| m.clone()).collect();
        overrides::apply_to_manifests(&mut texts, overrides).map_err(as_errors)?;
        for ((_, m), edited) in manifests.iter_mut().zip(texts) {
            *m = edited;
        }
    }
    load_from(path, &text, source, &manifests).map_err(|mut e| {
        lines.remap(path, &mut e.0);
        for (_, m) in &manifests {
            m.lines.remap(&m.path, &mut e.0);
        }
        e
    })
}

fn duration_field(
    file: &Path,
    errors: &mut Vec<InputError>,
    v: &Option<Spanned<String>>,
    field: &str,
    default: u64,
) -> u64 {
    match v {
        None => default,
        Some(s) => match parse_duration_ms(&s.value) {
            Ok(ms) => ms,
            Err(e) => {
                errors.push(InputError::new(file, Some(s.referenced.line()), field, e));
                default
            }
        },
    }
}

/// Loads a scenario from its text; `edited` holds workload files (by the path written in
/// the scenario) whose text was changed by overrides.
fn load_from(
    path: &Path,
    text: &str,
    source: Source<'_>,
    edited: &[(String, ManifestText)],
) -> Result<Scenario, InputErrors> {
    let docs = split_documents(text);
    if docs.len() != 1 {
        return Err(InputError::new(
            path,
            None,
            "",
            format!(
                "expected exactly one YAML document in a scenario, found {}",
                docs.len()
            ),
        )
        .into());
    }
    let raw: raw::Scenario = parse_document(path, &docs[0])?;
    let mut errors: Vec<InputError> = Vec::new();
    let mut resources = ResourceNames::default();

    let name = raw.name.clone().unwrap_or_else(|| {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "scenario".to_string())
    });
    if name.is_empty() || name.contains(['/', '\\']) || name == "." || name == ".." {
        errors.push(InputError::new(
            path,
            Some(1),
            "name",
            "expected a non-empty name without slashes",
        ));
    }
    let replays = replay::load_traces(
        path,
        &source,
        &raw.workloads,
        raw.timeline.len(),
        &mut resources,
        &mut errors,
    );
    let start_epoch_s = match &raw.start {
        None => replays.start_ts.unwrap_or(0),
        Some(s) => match chrono::DateTime::parse_from_rfc3339(&s.value) {
            Ok(t) => t.timestamp(),
            Err(e) => {
                errors.push(InputError::new(
                    path,
                    Some(s.referenced.line()),
                    "start",
                    format!("expected an RFC 3339 instant such as 2026-01-01T00:00:00Z ({e})"),
                ));
                0
            }
        },
    };
    // Without a `duration`, a replayed trace runs to its last event plus a minute.
    let default_duration =
        3_600_000.max(replays.span_ms + 60_000 * u64::from(replays.start_ts.is_some()));
    let duration_ms = duration_field(
        path,
        &mut errors,
        &raw.duration,
        "duration",
        default_duration,
    );
    if let Some(e) = replays
        .entries
        .iter()
        .find(|e| e.at.as_millis() > duration_ms)
    {
        let name = match &e.action {
            Action::Apply {
                source: ApplySource::Trace(name),
                ..
            }
            | Action::DeleteFile { file: name, .. } => name.as_str(),
            _ => "a trace event",
        };
        errors.push(InputError::new(
            path,
            Some(e.line),
            "duration",
            format!(
                "{name} happens at {} s, beyond the scenario's duration ({} s)",
                e.at.as_millis() / 1000,
                duration_ms / 1000
            ),
        ));
    }
    if duration_ms == 0 {
        errors.push(InputError::new(
            path,
            None,
            "duration",
            "expected a positive duration",
        ));
    }

    // Cluster: node groups, then Node manifests.
    let (mut nodes, price_per_hour) =
        nodes::node_groups(path, &raw.cluster.nodes, &mut resources, &mut errors);
    let image_sizes =
        nodes::image_sizes(path, &raw.cluster.image_sizes, &mut resources, &mut errors);

    let mut set = manifest::ManifestSet::default();
    let mut read_manifests = |list: &[Spanned<String>],
                              field: &str,
                              errors: &mut Vec<InputError>| {
        for (i, rel) in list.iter().enumerate() {
            let text = match edited.iter().find(|(r, _)| *r == rel.value) {
                Some((_, m)) if field == "workloads" => Ok((m.path.clone(), m.text.clone())),
                _ => source.read(&rel.value),
            };
            match text {
                Err(e) => errors.push(InputError::new(
                    path,
                    Some(rel.referenced.line()),
                    format!("{field}[{i}]"),
                    format!("{e} (expected a path relative to the scenario file)"),
                )),
                Ok((mpath, mtext)) => match manifest::load_str(&mpath, &mtext, &mut resources) {
                    Ok(mut s) => {
                        set.objects.append(&mut s.objects);
                        for (k, n) in s.not_simulated {
                            *set.not_simulated.entry(k).or_default() += n;
                        }
                        set.warnings.append(&mut s.warnings);
                    }
                    Err(mut errs) => errors.append(&mut errs),
                },
            }
        }
    };
    read_manifests(&raw.cluster.manifests, "cluster.manifests", &mut errors);
    let manifests: Vec<Spanned<String>> = raw
        .workloads
        .iter()
        .filter(|w| !replay::is_trace(&w.value))
        .cloned()
        .collect();
    read_manifests(&manifests, "workloads", &mut errors);
    for (k, n) in replays.not_simulated {
        *set.not_simulated.entry(k).or_default() += n;
    }
    set.warnings.extend(replays.warnings);

    // Node objects join the cluster; everything else is a workload or storage object.
    let mut objects = Vec::new();
    for located in set.objects {
        match located.object {
            Object::Node(n) => nodes.push(n),
            _ => objects.push(located),
        }
    }
    objects::check_duplicates(&nodes, &objects, path, &mut errors);
    objects::resolve_priorities(&mut objects, &mut errors);

    let mut runtime = runtime::runtime_model(path, &raw.runtime, &mut errors);
    runtime.recorded_lifetimes = replays.lifetimes;

    let mut known = objects.clone();
    known.extend(replays.applied);
    let mut timeline = entries::timeline(
        path,
        &source,
        &raw.timeline,
        duration_ms,
        &nodes,
        &known,
        &mut resources,
        &mut errors,
    );
    timeline.extend(replays.entries);
    timeline.sort_by_key(|e| (e.at, e.index));
    let sample_every_ms = duration_field(
        path,
        &mut errors,
        &raw.metrics.sample_every,
        "metrics.sample_every",
        10_000,
    );
    if sample_every_ms == 0 {
        errors.push(InputError::new(
            path,
            None,
            "metrics.sample_every",
            "expected a positive duration",
        ));
    }
    let mut limits = Limits {
        end_time: SimTime::from_millis(duration_ms),
        ..Limits::default()
    };
    if let Some(m) = raw.limits.max_events {
        limits.max_events = m;
    }
    if !errors.is_empty() {
        return Err(InputErrors(errors));
    }
    Ok(Scenario {
        name,
        seed: raw.seed.unwrap_or(1),
        start_epoch_s,
        nodes,
        scheduler: raw
            .scheduler
            .map(|s| s.value)
            .unwrap_or_else(|| "default".to_string()),
        objects,
        not_simulated: set.not_simulated,
        warnings: set.warnings,
        runtime,
        timeline,
        sample_every_ms,
        limits,
        resources,
        source: path.to_path_buf(),
        price_per_hour,
        image_sizes,
    })
}
