//! Builds a [`Scenario`] from its text, one section after another, collecting every
//! error before giving up.

use super::{
    autoscaler, budget, check_projected_size, duration_field, entries, metrics_settings, nodes,
    objects, raw, replay, runtime, usage, Source, DEFAULT_START_EPOCH_S,
};

use crate::engine::{Limits, SimTime};
use crate::input::error::{InputError, InputErrors};
use crate::input::manifest::{self, ManifestSet};
use crate::input::overrides::ManifestText;
use crate::input::yaml::{parse_document, split_documents};
use crate::model::node::NodeSpec;
use crate::model::resources::ResourceNames;
use crate::scenario::action::{Action, ApplySource};
use crate::scenario::object::{Located, Object};
use crate::scenario::{Scenario, TimelineEntry};
use serde_saphyr::Spanned;
use std::path::Path;

/// Loads a scenario from its text; `edited` holds workload files (by the path written in
/// the scenario) whose text was changed by overrides.
pub(super) fn load_from(
    path: &Path,
    text: &str,
    source: Source<'_>,
    edited: &[(String, ManifestText)],
) -> Result<Scenario, InputErrors> {
    let raw = single_document(path, text)?;
    let mut errors: Vec<InputError> = Vec::new();
    let mut resources = ResourceNames::default();
    let name = scenario_name(path, &raw.name, &mut errors);
    let replays = replay::load_traces(
        path,
        &source,
        &raw.workloads,
        raw.timeline.len(),
        &mut resources,
        &mut errors,
    );
    let start_epoch_s = start_epoch_s(path, &raw.start, replays.start_ts, &mut errors);
    let duration_ms = scenario_duration_ms(path, &raw.duration, &replays, &mut errors);

    // Cluster: node groups, then Node manifests.
    let (mut nodes, price_per_hour, templates) =
        nodes::node_groups(path, &raw.cluster.nodes, &mut resources, &mut errors);
    let autoscaler = autoscaler::autoscaler(path, &raw, &templates, &price_per_hour, &mut errors);
    let image_sizes =
        nodes::image_sizes(path, &raw.cluster.image_sizes, &mut resources, &mut errors);
    let files = ScenarioFiles {
        path,
        source: &source,
        edited,
    };
    let (objects, mut set) = files.read_objects(&raw, &mut nodes, &mut resources, &mut errors);
    for (k, n) in replays.not_simulated {
        *set.not_simulated.entry(k).or_default() += n;
    }
    set.warnings.extend(replays.warnings);

    let mut runtime = runtime::runtime_model(path, &raw.runtime, &mut errors);
    runtime.recorded_lifetimes = replays.lifetimes;

    let mut known = objects.clone();
    known.extend(replays.applied);
    let mut timeline = files.timeline(
        &raw,
        duration_ms,
        &nodes,
        &known,
        &mut resources,
        &mut errors,
    );
    timeline.extend(replays.entries);
    timeline.sort_by_key(|e| (e.at, e.index));
    let mut usage = Default::default();
    if errors.is_empty() {
        // Only on otherwise valid input: a manifest with errors contributes no objects.
        check_run_duration_keys(path, &raw, &known, &timeline, &mut errors);
        let applied = timeline.iter().flat_map(|e| match &e.action {
            Action::Apply { objects, .. } => objects.as_slice(),
            _ => &[],
        });
        usage = usage::usage_specs(path, &source, &raw.usage, &known, applied, &mut errors);
    }
    let (sample_every_ms, warmup_ms, events_file) =
        metrics_settings(path, &raw.metrics, duration_ms, &mut errors);
    check_projected_size(path, duration_ms, sample_every_ms, &mut errors);
    let limits = limits(&raw.limits, duration_ms);
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
            .map_or_else(|| "default".to_string(), |s| s.value),
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
        autoscaler,
        usage,
        check_invariants: false,
    })
}

/// The scenario's one YAML document, parsed.
fn single_document(path: &Path, text: &str) -> Result<raw::Scenario, InputErrors> {
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
    Ok(parse_document(path, &docs[0])?)
}

/// `name:`, or the file's stem; it names the results folder, so it must stay one path
/// component (issue 18).
fn scenario_name(
    path: &Path,
    name: &Option<Spanned<String>>,
    errors: &mut Vec<InputError>,
) -> String {
    let (name, name_line) = match name {
        Some(n) => (n.value.clone(), Some(n.referenced.line())),
        None => (
            path.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "scenario".to_string()),
            None,
        ),
    };
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
    name
}

/// `start:` (an RFC 3339 instant) as a Unix second; without it, the first replayed
/// trace event's, or the default start.
fn start_epoch_s(
    path: &Path,
    start: &Option<Spanned<String>>,
    trace_start_ts: Option<i64>,
    errors: &mut Vec<InputError>,
) -> i64 {
    match start {
        None => trace_start_ts.unwrap_or(DEFAULT_START_EPOCH_S),
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
    }
}

/// `duration:` in ms: positive, and long enough for every replayed trace event.
fn scenario_duration_ms(
    path: &Path,
    duration: &Option<Spanned<String>>,
    replays: &replay::Replays,
    errors: &mut Vec<InputError>,
) -> u64 {
    // Without a `duration`, a replayed trace runs to its last event plus a minute.
    let default_duration =
        3_600_000.max(replays.span_ms + 60_000 * u64::from(replays.start_ts.is_some()));
    let duration_ms = duration_field(path, errors, duration, "duration", default_duration);
    if let Some(e) = replays
        .entries
        .iter()
        .find(|e| e.at.as_millis() > duration_ms)
    {
        errors.push(trace_event_beyond(path, e, duration_ms));
    }
    if duration_ms == 0 {
        errors.push(InputError::new(
            path,
            None,
            "duration",
            "expected a positive duration",
        ));
    }
    duration_ms
}

/// The error for a replayed trace event `e` after the scenario's end.
fn trace_event_beyond(path: &Path, e: &TimelineEntry, duration_ms: u64) -> InputError {
    let name = match &e.action {
        Action::Apply {
            source: ApplySource::Trace(name),
            ..
        }
        | Action::DeleteFile { file: name, .. } => name.as_str(),
        _ => "a trace event",
    };
    InputError::new(
        path,
        Some(e.line),
        "duration",
        format!(
            "{name} happens at {} s, beyond the scenario's duration ({} s)",
            e.at.as_millis() / 1000,
            duration_ms / 1000
        ),
    )
}

/// Where the files the scenario names are read from: its source, or for a workload file
/// the overrides edited, their edited text.
struct ScenarioFiles<'a, 's> {
    path: &'a Path,
    source: &'a Source<'s>,
    edited: &'a [(String, ManifestText)],
}

impl ScenarioFiles<'_, '_> {
    /// Reads the manifests: Node objects join `nodes`; the other objects are returned,
    /// checked for duplicates and with their priorities resolved, beside the set's counts
    /// of kinds not simulated and its warnings.
    fn read_objects(
        &self,
        raw: &raw::Scenario,
        nodes: &mut Vec<NodeSpec>,
        resources: &mut ResourceNames,
        errors: &mut Vec<InputError>,
    ) -> (Vec<Located>, ManifestSet) {
        let mut set = self.read_all(raw, resources, errors);
        let mut objects = take_nodes(std::mem::take(&mut set.objects), nodes);
        objects::check_duplicates(nodes, &objects, self.path, errors);
        objects::resolve_priorities(&mut objects, errors);
        (objects, set)
    }

    /// The scenario's own timeline, its entries checked against the cluster's `nodes` and
    /// the `known` objects.
    fn timeline(
        &self,
        raw: &raw::Scenario,
        duration_ms: u64,
        nodes: &[NodeSpec],
        known: &[Located],
        resources: &mut ResourceNames,
        errors: &mut Vec<InputError>,
    ) -> Vec<TimelineEntry> {
        entries::timeline(
            self.path,
            self.source,
            &raw.timeline,
            duration_ms,
            nodes,
            known,
            resources,
            errors,
        )
    }

    /// Reads `cluster.manifests`, then the `workloads` that are not traces.
    fn read_all(
        &self,
        raw: &raw::Scenario,
        resources: &mut ResourceNames,
        errors: &mut Vec<InputError>,
    ) -> ManifestSet {
        let mut set = ManifestSet::default();
        let cluster = &raw.cluster.manifests;
        self.read_list(cluster, "cluster.manifests", &mut set, resources, errors);
        let manifests: Vec<Spanned<String>> = raw
            .workloads
            .iter()
            .filter(|w| !replay::is_trace(&w.value))
            .cloned()
            .collect();
        self.read_list(&manifests, "workloads", &mut set, resources, errors);
        set
    }

    /// Reads the files of `list` (the scenario's `field`) into `set`.
    fn read_list(
        &self,
        list: &[Spanned<String>],
        field: &str,
        set: &mut ManifestSet,
        resources: &mut ResourceNames,
        errors: &mut Vec<InputError>,
    ) {
        for (i, rel) in list.iter().enumerate() {
            let text = match self.edited.iter().find(|(r, _)| *r == rel.value) {
                Some((_, m)) if field == "workloads" => Ok((m.path.clone(), m.text.clone())),
                _ => self.source.read(&rel.value),
            };
            match text {
                Err(e) => errors.push(e.at(
                    self.path,
                    Some(rel.referenced.line()),
                    format!("{field}[{i}]"),
                )),
                Ok((mpath, mtext)) => match manifest::load_str(&mpath, &mtext, resources) {
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
    }
}

/// Node objects join the cluster's `nodes`; everything else (a workload or storage
/// object) is returned.
fn take_nodes(objects: Vec<Located>, nodes: &mut Vec<NodeSpec>) -> Vec<Located> {
    let mut others = Vec::new();
    for located in objects {
        match located.object {
            Object::Node(n) => nodes.push(n),
            _ => others.push(located),
        }
    }
    others
}

/// Checks `runtime.run_duration` keys against every object the run may hold: those
/// `known` at the start, and those the timeline applies.
fn check_run_duration_keys(
    path: &Path,
    raw: &raw::Scenario,
    known: &[Located],
    timeline: &[TimelineEntry],
    errors: &mut Vec<InputError>,
) {
    let applied = timeline.iter().flat_map(|e| match &e.action {
        Action::Apply { objects, .. } => objects.as_slice(),
        _ => &[],
    });
    objects::check_run_duration_keys(
        path,
        &raw.runtime.run_duration,
        known.iter().map(|l| &l.object).chain(applied),
        errors,
    );
}

/// The run's limits: the end at `duration_ms`, and `limits.max_events` if set.
fn limits(raw: &raw::LimitsRaw, duration_ms: u64) -> Limits {
    let mut limits = Limits {
        end_time: SimTime::from_millis(duration_ms),
        ..Limits::default()
    };
    if let Some(m) = raw.max_events {
        limits.max_events = m;
    }
    limits
}
