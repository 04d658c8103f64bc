//! The scenario file: cluster, scheduler, workloads, runtime model, timeline, metrics,
//! seed, start and duration. Raw serde structs first, then validation into [`Scenario`].

mod autoscaler;
mod entries;
mod load;
mod nodes;
mod objects;
mod raw;
mod replay;
mod runtime;
mod usage;
mod usage_series;

pub use crate::model::runtime::{CrashModel, RuntimeModel};
pub use entries::ZONE_LABEL;

use crate::scenario::Scenario;
use load::load_from;

use super::duration::parse_duration_ms;
use super::error::{InputError, InputErrors};
use super::limits;
use super::manifest;
use super::overrides::{self, LineMap, ManifestText, Override};
use super::yaml::{parse_document, split_documents};
use crate::engine::Budget;
use crate::model::events_file::EventsFile;
use serde_saphyr::Spanned;
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

/// The instant of simulated time zero when a scenario has no `start` (and replays no
/// trace): 2026-01-01T00:00:00Z, so nodes and CronJob times read as a plausible date
/// rather than 1970.
pub const DEFAULT_START_EPOCH_S: i64 = 1_767_225_600;

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

/// An optional duration field, in ms: `default` when absent, or (with an error) when it
/// does not parse.
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
