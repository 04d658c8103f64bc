//! Turns a decoded SimKube trace into simulator input: applied objects go through the
//! manifest converter, deleted objects become delete targets, timestamps become simulated
//! times relative to the first event, and pod lifecycles become per-owner run durations.

use super::raw::{self, PodLifecycleData, FORMAT_VERSION};
use crate::input::error::InputError;
use crate::input::manifest;
use crate::model::resources::ResourceNames;
use crate::scenario::object::Located;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One trace event, converted.
#[derive(Debug, Clone)]
pub struct ReplayEvent {
    /// Index in the trace's `events`.
    pub index: usize,
    /// Simulated time: seconds since the first event, in ms.
    pub at_ms: u64,
    /// Simulated objects created or updated (kinds k8sim does not simulate are counted in
    /// [`Replay::not_simulated`] instead).
    pub applied: Vec<Located>,
    /// (kind, namespace, name) of simulated objects deleted.
    pub deleted: Vec<(&'static str, String, String)>,
}

/// A SimKube trace turned into simulator input.
#[derive(Debug, Clone)]
pub struct Replay {
    /// The trace file.
    pub file: PathBuf,
    /// Unix second of the first event (simulated time zero).
    pub start_ts: i64,
    /// The events, in trace order.
    pub events: Vec<ReplayEvent>,
    /// Recorded pod run times by owner (namespace, name), in launch order: `Some(ms)` for a
    /// pod that finished after `ms`, `None` for one still running when the trace ended.
    pub lifetimes: BTreeMap<(String, String), Vec<Option<u64>>>,
    /// Kinds seen but not simulated, with how many objects of each.
    pub not_simulated: BTreeMap<String, usize>,
    /// Warnings (deprecated API versions, ...).
    pub warnings: Vec<String>,
}

/// Reads a `.sktrace` file.
pub fn load(path: &Path, resources: &mut ResourceNames) -> Result<Replay, Vec<InputError>> {
    let bytes = std::fs::read(path).map_err(|e| {
        vec![InputError::new(
            path,
            None,
            "",
            format!("cannot read SimKube trace: {e}"),
        )]
    })?;
    load_bytes(path, &bytes, resources)
}

/// Decodes a `.sktrace` file's bytes (named `path` in errors).
pub fn load_bytes(
    path: &Path,
    bytes: &[u8],
    resources: &mut ResourceNames,
) -> Result<Replay, Vec<InputError>> {
    let trace = decode(path, bytes)?;
    let mut errors = Vec::new();
    let mut replay = Replay {
        file: path.to_path_buf(),
        start_ts: 0,
        events: Vec::new(),
        lifetimes: lifetimes(&trace.pod_lifecycles),
        not_simulated: BTreeMap::new(),
        warnings: Vec::new(),
    };
    let mut previous_ts = None;
    for (i, value) in trace.events.into_iter().enumerate() {
        let field = format!("events[{i}]");
        let event: raw::TraceEvent = match serde_json::from_value(value) {
            Ok(e) => e,
            Err(e) => {
                errors.push(InputError::new(
                    path,
                    None,
                    field,
                    format!("expected {{ts, applied_objs, deleted_objs}}: {e}"),
                ));
                continue;
            }
        };
        if let Some(previous) = previous_ts.filter(|p| event.ts < *p) {
            errors.push(InputError::new(
                path,
                None,
                format!("{field}.ts"),
                format!(
                    "timestamps must not decrease: {} comes after {previous}",
                    event.ts
                ),
            ));
            continue;
        }
        if previous_ts.is_none() {
            replay.start_ts = event.ts;
        }
        previous_ts = Some(event.ts);
        let out = replay_event(path, i, &event, &mut replay, resources, &mut errors);
        replay.events.push(out);
    }
    if errors.is_empty() {
        Ok(replay)
    } else {
        Err(errors)
    }
}

/// The trace of format version [`FORMAT_VERSION`], its events still undecoded.
fn decode(path: &Path, bytes: &[u8]) -> Result<raw::Trace, Vec<InputError>> {
    let err = |field: &str, msg: String| vec![InputError::new(path, None, field, msg)];
    let header: raw::Header = rmp_serde::from_slice(bytes).map_err(|e| {
        err(
            "",
            format!("not a SimKube trace: expected a msgpack map with a `version` field ({e})"),
        )
    })?;
    match header.version {
        None => {
            return Err(err(
                "version",
                "missing field `version`: SimKube traces of format version 2 have one".into(),
            ))
        }
        Some(v) if v != FORMAT_VERSION => {
            return Err(err(
                "version",
                format!("unsupported SimKube trace format version {v}: expected {FORMAT_VERSION}"),
            ))
        }
        Some(_) => {}
    }
    rmp_serde::from_slice(bytes).map_err(|e| err("", format!("invalid SimKube trace: {e}")))
}

/// Converts event `i` of the trace: its time since the first event, and its applied and
/// deleted objects (kinds not simulated are counted in `replay`).
fn replay_event(
    path: &Path,
    i: usize,
    event: &raw::TraceEvent,
    replay: &mut Replay,
    resources: &mut ResourceNames,
    errors: &mut Vec<InputError>,
) -> ReplayEvent {
    let field = format!("events[{i}]");
    let mut out = ReplayEvent {
        index: i,
        at_ms: (event.ts - replay.start_ts) as u64 * 1000,
        applied: Vec::new(),
        deleted: Vec::new(),
    };
    for (j, obj) in event.applied_objs.iter().enumerate() {
        let name = format!("{}#{field}.applied_objs[{j}]", path.display());
        match convert_object(&name, obj, resources) {
            Ok(set) => {
                out.applied.extend(set.objects);
                merge(replay, set.not_simulated, set.warnings);
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    for (j, obj) in event.deleted_objs.iter().enumerate() {
        let name = format!("{}#{field}.deleted_objs[{j}]", path.display());
        match convert_object(&name, obj, resources) {
            Ok(set) => out.deleted.extend(set.objects.iter().map(|l| {
                let (ns, name) = l.object.key();
                (l.object.kind(), ns.to_string(), name.to_string())
            })),
            Err(mut e) => errors.append(&mut e),
        }
    }
    out
}

/// Adds an object's not-simulated kinds and warnings to the replay's.
fn merge(replay: &mut Replay, not_simulated: BTreeMap<String, usize>, mut warnings: Vec<String>) {
    for (k, n) in not_simulated {
        *replay.not_simulated.entry(k).or_default() += n;
    }
    replay.warnings.append(&mut warnings);
}

/// Runs one Kubernetes object (JSON) through the manifest converter: JSON is YAML, so the
/// object's pretty-printed JSON is read like a one-document manifest named `name`.
fn convert_object(
    name: &str,
    obj: &serde_json::Value,
    resources: &mut ResourceNames,
) -> Result<manifest::ManifestSet, Vec<InputError>> {
    let path = PathBuf::from(name);
    if !obj.is_object() {
        return Err(vec![InputError::new(
            &path,
            None,
            "",
            format!("expected a Kubernetes object (a map), found {obj}"),
        )]);
    }
    let text = serde_json::to_string_pretty(obj).expect("a JSON value always serializes");
    manifest::load_str(&path, &text, resources)
}

/// Flattens `pod_lifecycles` to one list per owner (namespace, name): the lifecycles of all
/// pod-spec hashes merged in start order (k8sim cannot recompute SimKube's pod-spec hash, so
/// an owner's pods are matched to lifecycles by launch order across hashes).
fn lifecycles_in_order(by_hash: &BTreeMap<u64, Vec<PodLifecycleData>>) -> Vec<Option<u64>> {
    let mut all: Vec<(i64, u64, usize, Option<u64>)> = Vec::new();
    for (hash, list) in by_hash {
        for (k, l) in list.iter().enumerate() {
            let (start, ms) = match *l {
                PodLifecycleData::Finished(s, e) => (s, Some((e - s).max(0) as u64 * 1000)),
                PodLifecycleData::Running(s) => (s, None),
                PodLifecycleData::Empty => (i64::MAX, None),
            };
            all.push((start, *hash, k, ms));
        }
    }
    all.sort();
    all.into_iter().map(|(.., ms)| ms).collect()
}

/// Recorded pod run times by owner (namespace, name), from the trace's `pod_lifecycles`.
fn lifetimes(
    pod_lifecycles: &BTreeMap<(String, String), BTreeMap<u64, Vec<PodLifecycleData>>>,
) -> BTreeMap<(String, String), Vec<Option<u64>>> {
    let mut out: BTreeMap<(String, String), Vec<Option<u64>>> = BTreeMap::new();
    for ((_gvk, ns_name), by_hash) in pod_lifecycles {
        let (ns, name) = ns_name.split_once('/').unwrap_or(("default", ns_name));
        out.entry((ns.to_string(), name.to_string()))
            .or_default()
            .extend(lifecycles_in_order(by_hash));
    }
    out
}
