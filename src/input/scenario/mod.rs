//! The scenario file: cluster, scheduler, workloads, runtime model, timeline, metrics,
//! seed, start and duration. Raw serde structs first, then validation into [`Scenario`].

mod entries;
mod nodes;
mod objects;
mod raw;
mod replay;
mod runtime;

pub use crate::model::runtime::{CrashModel, RuntimeModel};
pub use entries::ZONE_LABEL;

use super::duration::parse_duration_ms;
use super::error::{InputError, InputErrors};
use super::limits;
use super::manifest::{self, Located, Object};
use super::overrides::{self, LineMap, ManifestText, Override};
use super::timeline::{Action, ApplySource};
use super::yaml::{parse_document, split_documents};
use crate::engine::{Budget, Limits, SimTime};
use crate::model::events_file::EventsFile;
use crate::model::node::NodeSpec;
use crate::model::resources::ResourceNames;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The built-in default scenario (the seed note's workloads), embedded in the binary.
pub const BUILTIN_SEED: &[(&str, &[u8])] = &[
    ("seed.yaml", include_bytes!("../../../scenarios/seed.yaml")),
    (
        "seed/nginx-deployment.yaml",
        include_bytes!("../../../scenarios/seed/nginx-deployment.yaml"),
    ),
    (
        "seed/my-stateful-app.yaml",
        include_bytes!("../../../scenarios/seed/my-stateful-app.yaml"),
    ),
    (
        "seed/pi-cronjob.yaml",
        include_bytes!("../../../scenarios/seed/pi-cronjob.yaml"),
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

/// The instant of simulated time zero when a scenario has no `start` (and replays no
/// trace): 2026-01-01T00:00:00Z, so nodes and CronJob times read as a plausible date
/// rather than 1970.
pub const DEFAULT_START_EPOCH_S: i64 = 1_767_225_600;

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
    /// Initial period left out of the availability figures (`metrics.warmup`), ms.
    pub warmup_ms: u64,
    /// Whether events.csv is written (`metrics.events`).
    pub events_file: EventsFile,
    /// Engine limits (end time = duration).
    pub limits: Limits,
    /// Memory and wall-clock ceilings (`limits.max_memory`, `limits.max_wall`).
    pub budget: Budget,
    /// Resource names interned while reading.
    pub resources: ResourceNames,
    /// Where it was read from.
    pub source: PathBuf,
    /// Price of one node-hour by node group name (node groups with `price_per_hour`).
    pub price_per_hour: BTreeMap<String, f64>,
    /// Image sizes in bytes by image name (`cluster.image_sizes`), as nodes report them in
    /// `status.images[].sizeBytes`; ImageLocality assumes 500 MiB for others.
    pub image_sizes: BTreeMap<String, i64>,
    /// Check every invariant after every event (`k8sim run --check`, the randomised
    /// scenario tests); not a scenario-file field.
    pub check_invariants: bool,
}

/// Where scenario files come from: the disk, or files held in memory (the embedded
/// built-in scenario, or a caller's, see [`load_in_memory`]).
enum Source<'a> {
    Disk(&'a Path),
    /// Files by the path the scenario writes, shown under the folder `root`.
    Memory {
        root: &'a Path,
        files: &'a [(&'a str, &'a [u8])],
    },
}

impl Source<'_> {
    /// The built-in scenario's files.
    fn builtin() -> Source<'static> {
        Source::Memory {
            root: Path::new("<built-in>"),
            files: BUILTIN_SEED,
        }
    }

    fn path_of(&self, rel: &str) -> PathBuf {
        match self {
            Source::Disk(dir) => dir.join(rel),
            Source::Memory { root, .. } => root.join(rel),
        }
    }

    fn read_bytes(&self, rel: &str) -> Result<Vec<u8>, String> {
        let path = self.path_of(rel);
        match self {
            Source::Disk(_) => limits::read_capped(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display())),
            Source::Memory { root, files } => files
                .iter()
                .find(|(name, _)| *name == rel)
                .map(|(_, bytes)| bytes.to_vec())
                .ok_or_else(|| {
                    format!(
                        "{} is not part of the {} scenario",
                        path.display(),
                        Self::memory_label(root)
                    )
                }),
        }
    }

    /// How errors call a scenario held in memory.
    fn memory_label(root: &Path) -> &'static str {
        if root == Path::new("<built-in>") {
            "built-in"
        } else {
            "in-memory"
        }
    }

    /// A manifest's text; a file that is not UTF-8 gets the same error, naming its own
    /// line and byte, as `k8sim validate` gives it directly.
    fn read(&self, rel: &str) -> Result<(PathBuf, String), ReadError> {
        let path = self.path_of(rel);
        let bytes = self.read_bytes(rel).map_err(ReadError::Io)?;
        manifest::utf8_text(&path, bytes)
            .map(|t| (path, t))
            .map_err(ReadError::NotText)
    }
}

/// Why a file a scenario names could not be read.
enum ReadError {
    /// Missing, unreadable or over the size ceiling.
    Io(String),
    /// Not UTF-8 text: the error names the file itself.
    NotText(InputError),
}

impl ReadError {
    /// The error, placed at the scenario's `field` (line `line`) unless it names the file
    /// itself.
    fn at(self, file: &Path, line: Option<u64>, field: String) -> InputError {
        match self {
            ReadError::Io(e) => InputError::new(
                file,
                line,
                field,
                format!("{e} (expected a path relative to the scenario file)"),
            ),
            ReadError::NotText(e) => e,
        }
    }
}

/// Loads the built-in default scenario.
pub fn load_builtin() -> Result<Scenario, InputErrors> {
    load_builtin_with(&[])
}

/// Loads the built-in default scenario with `--set` overrides.
pub fn load_builtin_with(overrides: &[Override]) -> Result<Scenario, InputErrors> {
    let text = std::str::from_utf8(BUILTIN_SEED[0].1).expect("the built-in scenario is UTF-8");
    load_overridden(Path::new(BUILTIN_PATH), text, Source::builtin(), overrides)
}

/// Loads a scenario held in memory: `text` is the scenario (named `path` in errors) and
/// `files` the files it names (manifests, traces), by the path the scenario writes them.
/// Reads exactly as [`load`] does, without touching the disk (a fuzzer's entry point); a
/// `scheduler:` naming a KubeSchedulerConfiguration file is only read when the run starts.
pub fn load_in_memory(
    path: &Path,
    text: &str,
    files: &[(&str, &[u8])],
) -> Result<Scenario, InputErrors> {
    let root = path.parent().unwrap_or(Path::new(""));
    load_from(path, text, Source::Memory { root, files }, &[])
}

/// Loads a scenario file and every manifest it names.
pub fn load(path: &Path) -> Result<Scenario, InputErrors> {
    load_with(path, &[])
}

/// Loads a scenario file and every manifest it names, with `--set` overrides applied to
/// their text first (an override that names nothing is an error).
pub fn load_with(path: &Path, overrides: &[Override]) -> Result<Scenario, InputErrors> {
    let bytes = limits::read_capped(path)
        .map_err(|e| InputError::new(path, None, "", format!("cannot read scenario: {e}")))?;
    let text = manifest::utf8_text(path, bytes)?;
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

/// The run's projected size against the ceilings, before anything is allocated: the
/// simulated duration, and the number of metric samples it would take.
fn check_projected_size(
    path: &Path,
    duration_ms: u64,
    sample_every_ms: u64,
    errors: &mut Vec<InputError>,
) {
    if duration_ms > limits::MAX_DURATION_MS {
        errors.push(InputError::new(
            path,
            None,
            "duration",
            limits::over(
                format!("{} s", duration_ms / 1000),
                limits::MAX_DURATION_MS / 1000,
                "seconds (ten years)",
            ),
        ));
    } else if sample_every_ms > 0 && duration_ms / sample_every_ms > limits::MAX_SAMPLES {
        let samples = duration_ms / sample_every_ms;
        errors.push(InputError::new(
            path,
            None,
            "metrics.sample_every",
            format!(
                "sampling every {sample_every_ms} ms over {} s would take {samples} samples: {}; sample less often",
                duration_ms / 1000,
                limits::over(samples, limits::MAX_SAMPLES, "metric samples per run")
            ),
        ));
    }
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

/// The `metrics:` section: (sampling period, warm-up) in ms and the events.csv policy. The
/// period must be positive and the warm-up shorter than the run.
fn metrics_settings(
    file: &Path,
    raw: &raw::Metrics,
    duration_ms: u64,
    errors: &mut Vec<InputError>,
) -> (u64, u64, EventsFile) {
    let every = &raw.sample_every;
    let sample_every_ms = duration_field(file, errors, every, "metrics.sample_every", 10_000);
    if sample_every_ms == 0 {
        let line = every.as_ref().map(|s| s.referenced.line());
        let msg = "expected a positive duration";
        errors.push(InputError::new(file, line, "metrics.sample_every", msg));
    }
    let warmup_ms = duration_field(file, errors, &raw.warmup, "metrics.warmup", 0);
    if warmup_ms > 0 && warmup_ms >= duration_ms {
        let line = raw.warmup.as_ref().map(|s| s.referenced.line());
        let msg = format!(
            "expected a warm-up shorter than the run's duration ({} s), got {} s",
            duration_ms as f64 / 1000.0,
            warmup_ms as f64 / 1000.0
        );
        errors.push(InputError::new(file, line, "metrics.warmup", msg));
    }
    let events_file = match &raw.events {
        None => EventsFile::Auto,
        Some(s) => EventsFile::parse(&s.value).unwrap_or_else(|e| {
            let line = Some(s.referenced.line());
            errors.push(InputError::new(file, line, "metrics.events", e));
            EventsFile::Auto
        }),
    };
    (sample_every_ms, warmup_ms, events_file)
}

/// `limits.max_memory` (a quantity of bytes, e.g. `2Gi`) and `limits.max_wall` (a
/// duration): both positive.
fn budget(file: &Path, raw: &raw::LimitsRaw, errors: &mut Vec<InputError>) -> Budget {
    let mut budget = Budget::default();
    if let Some(m) = &raw.max_memory {
        match crate::model::quantity::Quantity::parse(&m.value).map(|q| q.value()) {
            Ok(bytes) if bytes > 0 => budget.max_memory_bytes = Some(bytes as u64),
            _ => errors.push(InputError::new(
                file,
                Some(m.referenced.line()),
                "limits.max_memory",
                format!(
                    "expected a positive amount of memory such as 2Gi or 512Mi, got {:?}",
                    m.value
                ),
            )),
        }
    }
    if let Some(w) = &raw.max_wall {
        match parse_duration_ms(&w.value) {
            Ok(ms) if ms > 0 => budget.max_wall_ms = Some(ms),
            _ => errors.push(InputError::new(
                file,
                Some(w.referenced.line()),
                "limits.max_wall",
                format!(
                    "expected a positive duration such as 10m or 1h, got {:?}",
                    w.value
                ),
            )),
        }
    }
    budget
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

    let (name, name_line) = match &raw.name {
        Some(n) => (n.value.clone(), Some(n.referenced.line())),
        None => (
            path.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "scenario".to_string()),
            None,
        ),
    };
    // The name is the results folder: it must stay one path component (issue 18).
    if let Err(e) = crate::input::path_name::check(&name) {
        let origin = if name_line.is_some() {
            "scenario name"
        } else {
            "scenario name (taken from the file name, as `name:` is not set)"
        };
        errors.push(InputError::new(
            path,
            Some(name_line.unwrap_or(1)),
            "name",
            format!("{origin}: {e}"),
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
        None => replays.start_ts.unwrap_or(DEFAULT_START_EPOCH_S),
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
                Err(e) => {
                    errors.push(e.at(path, Some(rel.referenced.line()), format!("{field}[{i}]")))
                }
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
    let applied = timeline.iter().flat_map(|e| match &e.action {
        Action::Apply { objects, .. } => objects.as_slice(),
        _ => &[],
    });
    if errors.is_empty() {
        // Only on otherwise valid input: a manifest with errors contributes no objects.
        objects::check_run_duration_keys(
            path,
            &raw.runtime.run_duration,
            known.iter().map(|l| &l.object).chain(applied),
            &mut errors,
        );
    }
    let (sample_every_ms, warmup_ms, events_file) =
        metrics_settings(path, &raw.metrics, duration_ms, &mut errors);
    check_projected_size(path, duration_ms, sample_every_ms, &mut errors);
    let mut limits = Limits {
        end_time: SimTime::from_millis(duration_ms),
        ..Limits::default()
    };
    if let Some(m) = raw.limits.max_events {
        limits.max_events = m;
    }
    let budget = budget(path, &raw.limits, &mut errors);
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
        warmup_ms,
        events_file,
        limits,
        budget,
        resources,
        source: path.to_path_buf(),
        price_per_hour,
        image_sizes,
        check_invariants: false,
    })
}
