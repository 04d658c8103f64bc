//! The `timeline:` section: times (`at`, `every`, `until`), kubectl lines, node, zone and
//! random-fault entries, validated against the cluster and the workloads.

use super::{raw, Source};

use crate::engine::SimTime;
use crate::input::duration::parse_duration_ms;
use crate::input::error::InputError;
use crate::input::limits::{self, MAX_TIMELINE_ENTRIES};
use crate::input::manifest;
use crate::input::manifest::convert::run_duration;
use crate::input::timeline::parse_kubectl;
use crate::model::node::NodeSpec;
use crate::model::pod::RunDuration;
use crate::model::resources::ResourceNames;
use crate::scenario::action::{Action, ApplySource};
use crate::scenario::object::{Located, Object};
use crate::scenario::TimelineEntry;
use serde_saphyr::Spanned;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The label a `zone:` entry selects nodes by when it names none.
pub const ZONE_LABEL: &str = "topology.kubernetes.io/zone";

/// Reads the objects an `apply -f` / `create` / `run` / `delete -f` entry names.
fn timeline_objects(
    source: &Source<'_>,
    src: &ApplySource,
    resources: &mut ResourceNames,
    scenario_objects: &[Located],
) -> Result<Vec<Object>, Vec<InputError>> {
    let (mpath, text) = match src {
        ApplySource::File(rel) => source
            .read(rel)
            .map_err(|e| vec![e.at(Path::new(rel), None, String::new())])?,
        ApplySource::Generated(yaml) => (PathBuf::from("<kubectl>"), yaml.clone()),
        ApplySource::Trace(name) => {
            return Err(vec![InputError::new(
                Path::new(name),
                None,
                "",
                "trace events are read with their trace",
            )])
        }
    };
    let mut set = manifest::load_str(&mpath, &text, resources)?;
    // Admission resolves priorityClassName for objects applied later too.
    let mut errors = Vec::new();
    super::objects::resolve_priorities_with(scenario_objects, &mut set.objects, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(set.objects.into_iter().map(|l| l.object).collect())
}

/// Validates the timeline: times, kubectl lines, node and zone actions, and that every
/// object or node an entry names exists (in the cluster, among the workloads, or created
/// by an earlier entry).
#[allow(clippy::too_many_arguments)]
pub(super) fn timeline(
    path: &Path,
    source: &Source<'_>,
    entries: &[raw::TimelineEntry],
    duration_ms: u64,
    nodes: &[NodeSpec],
    objects: &[Located],
    resources: &mut ResourceNames,
    errors: &mut Vec<InputError>,
) -> Vec<TimelineEntry> {
    let mut check = TimelineCheck {
        source,
        duration_ms,
        scenario_objects: objects,
        resources,
        known: Known::new(nodes, objects),
        firings: 0,
    };
    let mut out = Vec::new();
    for (index, e) in entries.iter().enumerate() {
        let line = entry_line(e);
        match check.entry(index, e) {
            Ok((times, action)) => out.extend(times.into_iter().map(|at| TimelineEntry {
                at: SimTime::from_millis(at),
                action: action.clone(),
                index,
                line: line.unwrap_or(0),
            })),
            Err(EntryError { field, msg }) => errors.push(InputError::new(
                path,
                line,
                field,
                format!("timeline entry {index}: {msg}"),
            )),
        }
    }
    if check.firings > MAX_TIMELINE_ENTRIES as u64 {
        errors.push(InputError::new(
            path,
            None,
            "timeline",
            limits::over(
                check.firings,
                MAX_TIMELINE_ENTRIES as u64,
                "timeline firings per scenario",
            ),
        ));
    }
    out.sort_by_key(|e| (e.at, e.index));
    out
}

/// The first line of a timeline entry: the lowest line among its keys.
fn entry_line(e: &raw::TimelineEntry) -> Option<u64> {
    [
        e.at.as_ref().map(|s| s.referenced.line()),
        e.every.as_ref().map(|s| s.referenced.line()),
        e.kubectl.as_ref().map(|s| s.referenced.line()),
        e.node.as_ref().map(|s| s.referenced.line()),
        e.zone.as_ref().map(|s| s.referenced.line()),
        e.faults.as_ref().map(|s| s.referenced.line()),
    ]
    .into_iter()
    .flatten()
    .min()
}

/// What is wrong with one timeline entry: the field, and the message (which the caller
/// prefixes with the entry's index).
struct EntryError {
    field: String,
    msg: String,
}

impl EntryError {
    fn new(field: impl Into<String>, msg: impl Into<String>) -> Self {
        EntryError {
            field: field.into(),
            msg: msg.into(),
        }
    }
}

/// The state the timeline is checked with, entry after entry.
struct TimelineCheck<'a, 's> {
    source: &'a Source<'s>,
    duration_ms: u64,
    scenario_objects: &'a [Located],
    resources: &'a mut ResourceNames,
    known: Known<'a>,
    /// Timeline firings so far (an `every` entry counts each repeat), kept under the
    /// ceiling before any is materialised.
    firings: u64,
}

impl TimelineCheck<'_, '_> {
    /// Checks one entry: the times it fires at, and its action with the objects it
    /// applies or deletes filled in.
    fn entry(
        &mut self,
        index: usize,
        e: &raw::TimelineEntry,
    ) -> Result<(Vec<u64>, Action), EntryError> {
        let field = format!("timeline[{index}]");
        let times = self.firing_times(e, &field)?;
        let action = entry_action(e, &field)?;
        let action = self.with_objects(action, &field)?;
        // Referenced nodes and objects must exist at load time.
        if let Some(msg) = self.known.missing(&action) {
            return Err(EntryError::new(field, msg));
        }
        self.known.add_nodes(&action);
        Ok((times, action))
    }

    /// A time of the entry (`at`, `until`), within the scenario's duration.
    fn time(&self, s: &Spanned<String>, what: &str) -> Result<u64, String> {
        let ms = parse_duration_ms(&s.value).map_err(|m| format!("{what}: {m}"))?;
        if ms > self.duration_ms {
            return Err(format!(
                "{what} {} is beyond the scenario's duration ({} s)",
                s.value,
                self.duration_ms as f64 / 1000.0
            ));
        }
        Ok(ms)
    }

    /// When the entry fires: `at`, or `every` (+ `until`, default the end) starting at
    /// `at` (default 0). Counts the firings.
    fn firing_times(
        &mut self,
        e: &raw::TimelineEntry,
        field: &str,
    ) -> Result<Vec<u64>, EntryError> {
        match (&e.at, &e.every) {
            (None, None) => Err(EntryError::new(
                field,
                "expected `at: TIME` or `every: PERIOD`",
            )),
            (Some(at), None) => {
                if e.until.is_some() {
                    return Err(EntryError::new(
                        format!("{field}.until"),
                        "`until` needs `every`",
                    ));
                }
                let t = self
                    .time(at, "at")
                    .map_err(|m| EntryError::new(format!("{field}.at"), m))?;
                self.firings += 1;
                Ok(vec![t])
            }
            (at, Some(every)) => self.repeated_times(at.as_ref(), every, e.until.as_ref(), field),
        }
    }

    /// The times of an `every` entry, from `at` to `until` (both included), refused when
    /// they would take the timeline over its ceiling.
    fn repeated_times(
        &mut self,
        at: Option<&Spanned<String>>,
        every: &Spanned<String>,
        until: Option<&Spanned<String>>,
        field: &str,
    ) -> Result<Vec<u64>, EntryError> {
        let start = at
            .map(|a| self.time(a, "at"))
            .unwrap_or(Ok(0))
            .map_err(|m| EntryError::new(format!("{field}.at"), m))?;
        let period = match parse_duration_ms(&every.value) {
            Ok(p) if p > 0 => p,
            Ok(_) => {
                return Err(EntryError::new(
                    format!("{field}.every"),
                    "expected a positive period",
                ))
            }
            Err(m) => return Err(EntryError::new(format!("{field}.every"), m)),
        };
        let until = until
            .map(|u| self.time(u, "until"))
            .unwrap_or(Ok(self.duration_ms))
            .map_err(|m| EntryError::new(format!("{field}.until"), m))?;
        if until < start {
            // Such an entry would never fire: say so rather than ignore it.
            return Err(EntryError::new(
                format!("{field}.until"),
                format!(
                    "`until` ({} s) is before `at` ({} s): the entry would never fire",
                    until as f64 / 1000.0,
                    start as f64 / 1000.0
                ),
            ));
        }
        // Counted before the times are materialised: `every: 1ms` over a year is
        // refused, not allocated.
        let repeats = (until - start) / period + 1;
        if self.firings + repeats > MAX_TIMELINE_ENTRIES as u64 {
            return Err(EntryError::new(
                format!("{field}.every"),
                format!(
                    "every {} from {} s to {} s repeats {repeats} times: {}",
                    every.value,
                    start as f64 / 1000.0,
                    until as f64 / 1000.0,
                    limits::over(
                        self.firings + repeats,
                        MAX_TIMELINE_ENTRIES as u64,
                        "timeline firings per scenario"
                    )
                ),
            ));
        }
        self.firings += repeats;
        Ok((0..)
            .map(|k| start + k * period)
            .take_while(|t| *t <= until)
            .collect())
    }

    /// Fills in the objects of apply/create/run/delete -f, and remembers the objects
    /// applied so later entries may name them.
    fn with_objects(&mut self, action: Action, field: &str) -> Result<Action, EntryError> {
        let read_error = |errs: Vec<InputError>| {
            let msg: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
            EntryError::new(format!("{field}.kubectl"), msg.join("; "))
        };
        Ok(match action {
            Action::Apply { source: src, .. } => {
                let objs =
                    timeline_objects(self.source, &src, self.resources, self.scenario_objects)
                        .map_err(read_error)?;
                for o in &objs {
                    self.known.objects.insert(object_key(o));
                }
                Action::Apply {
                    source: src,
                    objects: objs,
                }
            }
            Action::DeleteFile {
                file, propagation, ..
            } => {
                let objs = timeline_objects(
                    self.source,
                    &ApplySource::File(file.clone()),
                    self.resources,
                    self.scenario_objects,
                )
                .map_err(read_error)?;
                Action::DeleteFile {
                    file,
                    propagation,
                    targets: objs.iter().map(object_key).collect(),
                }
            }
            other => other,
        })
    }
}

/// An object's kind, namespace and name.
fn object_key(o: &Object) -> (&'static str, String, String) {
    let (ns, name) = o.key();
    (o.kind(), ns.to_string(), name.to_string())
}

/// The action of an entry: exactly one of `kubectl`, `node`, `zone` or `faults`.
fn entry_action(e: &raw::TimelineEntry, field: &str) -> Result<Action, EntryError> {
    let given = [
        e.kubectl.is_some(),
        e.node.is_some(),
        e.zone.is_some(),
        e.faults.is_some(),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    if given != 1 {
        return Err(EntryError::new(
            field,
            "expected exactly one of `kubectl`, `node`, `zone` or `faults`",
        ));
    }
    if let Some(k) = &e.kubectl {
        parse_kubectl(&k.value).map_err(|msg| {
            EntryError::new(
                format!("{field}.kubectl"),
                format!("{msg} (in `{}`)", k.value),
            )
        })
    } else if let Some(n) = &e.node {
        node_action(&n.value).ok_or_else(|| {
            EntryError::new(
                format!("{field}.node"),
                "expected exactly one of fail, recover, add (with optional count) or remove",
            )
        })
    } else if let Some(z) = &e.zone {
        zone_action(&z.value).ok_or_else(|| {
            EntryError::new(
                format!("{field}.zone"),
                "expected exactly one of fail or recover",
            )
        })
    } else {
        faults_action(&e.faults.as_ref().expect("one is set").value, field)
    }
}

/// A `node:` entry: fail, recover, add (with optional count) or remove; `None` unless
/// exactly one is given.
fn node_action(n: &raw::NodeAction) -> Option<Action> {
    match (&n.fail, &n.recover, &n.add, &n.remove) {
        (Some(f), None, None, None) if n.count.is_none() => Some(Action::NodeFail(f.clone())),
        (None, Some(r), None, None) if n.count.is_none() => Some(Action::NodeRecover(r.clone())),
        (None, None, Some(g), None) => Some(Action::NodeAdd {
            group: g.clone(),
            count: n.count.unwrap_or(1),
        }),
        (None, None, None, Some(r)) if n.count.is_none() => Some(Action::NodeRemove(r.clone())),
        _ => None,
    }
}

/// A `zone:` entry: fail or recover the nodes with a label value (by default the zone
/// label); `None` unless exactly one is given.
fn zone_action(z: &raw::ZoneAction) -> Option<Action> {
    let label = z.label.clone().unwrap_or_else(|| ZONE_LABEL.to_string());
    match (&z.fail, &z.recover) {
        (Some(v), None) => Some(Action::ZoneFail {
            label,
            value: v.clone(),
        }),
        (None, Some(v)) => Some(Action::ZoneRecover {
            label,
            value: v.clone(),
        }),
        _ => None,
    }
}

/// A `faults:` entry: random node failures in a group, with their mean time between
/// failures and to repair.
fn faults_action(f: &raw::RandomFaults, field: &str) -> Result<Action, EntryError> {
    // A zero mean time between failures would fail every node at every instant.
    let mtbf = run_duration(&f.mtbf).and_then(|d| match d {
        RunDuration::Fixed(0)
        | RunDuration::Exponential(0)
        | RunDuration::Uniform(_, 0)
        | RunDuration::LogNormal(0, _) => Err(format!(
            "mtbf {:?} is zero: expected a positive mean time between failures",
            f.mtbf
        )),
        d => Ok(d),
    });
    let mttr = run_duration(&f.mttr);
    match (mtbf, mttr) {
        (Ok(mtbf), Ok(mttr)) => Ok(Action::RandomFaults {
            group: f.group.clone(),
            mtbf,
            mttr,
        }),
        (Err(m), _) => Err(EntryError::new(format!("{field}.faults.mtbf"), m)),
        (_, Err(m)) => Err(EntryError::new(format!("{field}.faults.mttr"), m)),
    }
}

/// The nodes, node groups and objects timeline entries may name: those of the scenario,
/// and those earlier entries add.
struct Known<'a> {
    nodes: &'a [NodeSpec],
    node_names: BTreeSet<String>,
    /// Nodes per group, so nodes added to a group get the next names.
    group_counts: BTreeMap<String, u32>,
    objects: BTreeSet<(&'static str, String, String)>,
}

impl<'a> Known<'a> {
    /// What the scenario's cluster and workloads hold.
    fn new(nodes: &'a [NodeSpec], objects: &[Located]) -> Self {
        let mut group_counts: BTreeMap<String, u32> = BTreeMap::new();
        for n in nodes {
            if let Some(g) = &n.group {
                *group_counts.entry(g.clone()).or_default() += 1;
            }
        }
        Known {
            nodes,
            node_names: nodes.iter().map(|n| n.name.clone()).collect(),
            group_counts,
            objects: objects.iter().map(|o| object_key(&o.object)).collect(),
        }
    }

    /// Why an object the action names is not known, if it is not.
    fn object_missing(&self, kind: &str, ns: &str, name: &str) -> Option<String> {
        let k = self
            .objects
            .iter()
            .any(|(k, n, m)| *k == kind && n == ns && m == name);
        (!k).then(|| format!("no {kind} named {name:?} in namespace {ns:?} among the workloads"))
    }

    /// Why a node, node group, zone or object the action names does not exist, if one
    /// does not.
    fn missing(&self, action: &Action) -> Option<String> {
        match action {
            Action::NodeFail(n)
            | Action::NodeRecover(n)
            | Action::NodeRemove(n)
            | Action::Cordon { node: n, .. }
            | Action::Drain { node: n, .. }
            | Action::Label { node: n, .. }
            | Action::Taint { node: n, .. } => (!self.node_names.contains(n))
                .then(|| format!("no node named {n:?} in the cluster")),
            Action::NodeAdd { group, .. } | Action::RandomFaults { group, .. } => {
                (!self.group_counts.contains_key(group))
                    .then(|| format!("no node group named {group:?} in cluster.nodes"))
            }
            Action::ZoneFail { label, value } | Action::ZoneRecover { label, value } => (!self
                .nodes
                .iter()
                .any(|n| n.labels.get(label) == Some(value)))
            .then(|| format!("no node labelled {label}={value}")),
            Action::Scale {
                kind,
                name,
                namespace,
                ..
            }
            | Action::SetImage {
                kind,
                name,
                namespace,
                ..
            }
            | Action::SetResources {
                kind,
                name,
                namespace,
                ..
            }
            | Action::Patch {
                kind,
                name,
                namespace,
                ..
            }
            | Action::RolloutRestart {
                kind,
                name,
                namespace,
            } => self.object_missing(kind, namespace, name),
            Action::Delete {
                kind,
                name,
                namespace,
                ..
            } => (*kind != "Pod")
                .then(|| self.object_missing(kind, namespace, name))
                .flatten(),
            Action::RolloutUndo {
                name, namespace, ..
            }
            | Action::RolloutPause {
                name, namespace, ..
            } => self.object_missing("Deployment", namespace, name),
            Action::Apply { .. } | Action::DeleteFile { .. } => None,
        }
    }

    /// Names the nodes a `node: {add: GROUP}` entry adds, `GROUP-N` onwards.
    fn add_nodes(&mut self, action: &Action) {
        if let Action::NodeAdd { group, count } = action {
            let c = self.group_counts.get_mut(group).expect("checked above");
            for k in 0..*count {
                self.node_names.insert(format!("{group}-{}", *c + k));
            }
            *c += count;
        }
    }
}
