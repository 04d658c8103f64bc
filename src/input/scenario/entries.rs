//! The `timeline:` section: times (`at`, `every`, `until`), kubectl lines, node, zone and
//! random-fault entries, validated against the cluster and the workloads.

use super::{raw, Source, TimelineEntry};
use crate::engine::SimTime;
use crate::input::duration::parse_duration_ms;
use crate::input::error::InputError;
use crate::input::limits::{self, MAX_TIMELINE_ENTRIES};
use crate::input::manifest::convert::run_duration;
use crate::input::manifest::{self, Located, Object};
use crate::input::timeline::{parse_kubectl, Action, ApplySource};
use crate::model::node::NodeSpec;
use crate::model::pod::RunDuration;
use crate::model::resources::ResourceNames;
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
    let mut out = Vec::new();
    let mut node_names: BTreeSet<String> = nodes.iter().map(|n| n.name.clone()).collect();
    let mut group_counts: BTreeMap<String, u32> = BTreeMap::new();
    for n in nodes {
        if let Some(g) = &n.group {
            *group_counts.entry(g.clone()).or_default() += 1;
        }
    }
    let mut known: BTreeSet<(&'static str, String, String)> = objects
        .iter()
        .map(|o| {
            let (ns, name) = o.object.key();
            (o.object.kind(), ns.to_string(), name.to_string())
        })
        .collect();
    // Timeline firings so far (an `every` entry counts each repeat), kept under the
    // ceiling before any is materialised.
    let mut firings: u64 = 0;
    for (index, e) in entries.iter().enumerate() {
        let field = format!("timeline[{index}]");
        let line = [
            e.at.as_ref().map(|s| s.referenced.line()),
            e.every.as_ref().map(|s| s.referenced.line()),
            e.kubectl.as_ref().map(|s| s.referenced.line()),
            e.node.as_ref().map(|s| s.referenced.line()),
            e.zone.as_ref().map(|s| s.referenced.line()),
            e.faults.as_ref().map(|s| s.referenced.line()),
        ]
        .into_iter()
        .flatten()
        .min();
        let mut fail = |field: String, msg: String| {
            errors.push(InputError::new(
                path,
                line,
                field,
                format!("timeline entry {index}: {msg}"),
            ))
        };
        let time = |s: &Spanned<String>, what: &str| -> Result<u64, String> {
            let ms = parse_duration_ms(&s.value).map_err(|m| format!("{what}: {m}"))?;
            if ms > duration_ms {
                return Err(format!(
                    "{what} {} is beyond the scenario's duration ({} s)",
                    s.value,
                    duration_ms as f64 / 1000.0
                ));
            }
            Ok(ms)
        };
        // When: `at`, or `every` (+ `until`, default the end) starting at `at` (default 0).
        let times: Vec<u64> = match (&e.at, &e.every) {
            (None, None) => {
                fail(
                    field.clone(),
                    "expected `at: TIME` or `every: PERIOD`".into(),
                );
                continue;
            }
            (at, None) => {
                if e.until.is_some() {
                    fail(format!("{field}.until"), "`until` needs `every`".into());
                    continue;
                }
                match time(at.as_ref().expect("at is set"), "at") {
                    Ok(t) => {
                        firings += 1;
                        vec![t]
                    }
                    Err(m) => {
                        fail(format!("{field}.at"), m);
                        continue;
                    }
                }
            }
            (at, Some(every)) => {
                let start = match at.as_ref().map(|a| time(a, "at")).unwrap_or(Ok(0)) {
                    Ok(t) => t,
                    Err(m) => {
                        fail(format!("{field}.at"), m);
                        continue;
                    }
                };
                let period = match parse_duration_ms(&every.value) {
                    Ok(p) if p > 0 => p,
                    Ok(_) => {
                        fail(
                            format!("{field}.every"),
                            "expected a positive period".into(),
                        );
                        continue;
                    }
                    Err(m) => {
                        fail(format!("{field}.every"), m);
                        continue;
                    }
                };
                let until = match e
                    .until
                    .as_ref()
                    .map(|u| time(u, "until"))
                    .unwrap_or(Ok(duration_ms))
                {
                    Ok(t) => t,
                    Err(m) => {
                        fail(format!("{field}.until"), m);
                        continue;
                    }
                };
                if until < start {
                    // Such an entry would never fire: say so rather than ignore it.
                    fail(
                        format!("{field}.until"),
                        format!(
                            "`until` ({} s) is before `at` ({} s): the entry would never fire",
                            until as f64 / 1000.0,
                            start as f64 / 1000.0
                        ),
                    );
                    continue;
                }
                // Counted before the times are materialised: `every: 1ms` over a year is
                // refused, not allocated.
                let repeats = (until - start) / period + 1;
                if firings + repeats > MAX_TIMELINE_ENTRIES as u64 {
                    fail(
                        format!("{field}.every"),
                        format!(
                            "every {} from {} s to {} s repeats {repeats} times: {}",
                            every.value,
                            start as f64 / 1000.0,
                            until as f64 / 1000.0,
                            limits::over(
                                firings + repeats,
                                MAX_TIMELINE_ENTRIES as u64,
                                "timeline firings per scenario"
                            )
                        ),
                    );
                    continue;
                }
                firings += repeats;
                (0..)
                    .map(|k| start + k * period)
                    .take_while(|t| *t <= until)
                    .collect()
            }
        };
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
            fail(
                field.clone(),
                "expected exactly one of `kubectl`, `node`, `zone` or `faults`".into(),
            );
            continue;
        }
        let action = if let Some(k) = &e.kubectl {
            match parse_kubectl(&k.value) {
                Ok(a) => a,
                Err(msg) => {
                    fail(
                        format!("{field}.kubectl"),
                        format!("{msg} (in `{}`)", k.value),
                    );
                    continue;
                }
            }
        } else if let Some(n) = &e.node {
            let n = &n.value;
            match (&n.fail, &n.recover, &n.add, &n.remove) {
                (Some(f), None, None, None) if n.count.is_none() => Action::NodeFail(f.clone()),
                (None, Some(r), None, None) if n.count.is_none() => Action::NodeRecover(r.clone()),
                (None, None, Some(g), None) => Action::NodeAdd {
                    group: g.clone(),
                    count: n.count.unwrap_or(1),
                },
                (None, None, None, Some(r)) if n.count.is_none() => Action::NodeRemove(r.clone()),
                _ => {
                    fail(
                        format!("{field}.node"),
                        "expected exactly one of fail, recover, add (with optional count) or remove".into(),
                    );
                    continue;
                }
            }
        } else if let Some(z) = &e.zone {
            let z = &z.value;
            let label = z.label.clone().unwrap_or_else(|| ZONE_LABEL.to_string());
            match (&z.fail, &z.recover) {
                (Some(v), None) => Action::ZoneFail {
                    label,
                    value: v.clone(),
                },
                (None, Some(v)) => Action::ZoneRecover {
                    label,
                    value: v.clone(),
                },
                _ => {
                    fail(
                        format!("{field}.zone"),
                        "expected exactly one of fail or recover".into(),
                    );
                    continue;
                }
            }
        } else {
            let f = &e.faults.as_ref().expect("one is set").value;
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
                (Ok(mtbf), Ok(mttr)) => Action::RandomFaults {
                    group: f.group.clone(),
                    mtbf,
                    mttr,
                },
                (Err(m), _) => {
                    fail(format!("{field}.faults.mtbf"), m);
                    continue;
                }
                (_, Err(m)) => {
                    fail(format!("{field}.faults.mttr"), m);
                    continue;
                }
            }
        };
        // Fill in the objects of apply/create/run/delete -f.
        let action = match action {
            Action::Apply { source: src, .. } => {
                match timeline_objects(source, &src, resources, objects) {
                    Ok(objs) => {
                        for o in &objs {
                            let (ns, name) = o.key();
                            known.insert((o.kind(), ns.to_string(), name.to_string()));
                        }
                        Action::Apply {
                            source: src,
                            objects: objs,
                        }
                    }
                    Err(errs) => {
                        let msg: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
                        fail(format!("{field}.kubectl"), msg.join("; "));
                        continue;
                    }
                }
            }
            Action::DeleteFile { file, .. } => {
                match timeline_objects(source, &ApplySource::File(file.clone()), resources, objects)
                {
                    Ok(objs) => Action::DeleteFile {
                        file,
                        targets: objs
                            .iter()
                            .map(|o| {
                                let (ns, name) = o.key();
                                (o.kind(), ns.to_string(), name.to_string())
                            })
                            .collect(),
                    },
                    Err(errs) => {
                        let msg: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
                        fail(format!("{field}.kubectl"), msg.join("; "));
                        continue;
                    }
                }
            }
            other => other,
        };
        // Referenced nodes and objects must exist at load time.
        let object_missing = |kind: &str, ns: &str, name: &str| {
            let k = known
                .iter()
                .any(|(k, n, m)| *k == kind && n == ns && m == name);
            (!k).then(|| {
                format!("no {kind} named {name:?} in namespace {ns:?} among the workloads")
            })
        };
        let missing = match &action {
            Action::NodeFail(n)
            | Action::NodeRecover(n)
            | Action::NodeRemove(n)
            | Action::Cordon { node: n, .. }
            | Action::Drain { node: n, .. }
            | Action::Label { node: n, .. }
            | Action::Taint { node: n, .. } => {
                (!node_names.contains(n)).then(|| format!("no node named {n:?} in the cluster"))
            }
            Action::NodeAdd { group, .. } | Action::RandomFaults { group, .. } => (!group_counts
                .contains_key(group))
            .then(|| format!("no node group named {group:?} in cluster.nodes")),
            Action::ZoneFail { label, value } | Action::ZoneRecover { label, value } => {
                (!nodes.iter().any(|n| n.labels.get(label) == Some(value)))
                    .then(|| format!("no node labelled {label}={value}"))
            }
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
            } => object_missing(kind, namespace, name),
            Action::Delete {
                kind,
                name,
                namespace,
                ..
            } => (*kind != "Pod")
                .then(|| object_missing(kind, namespace, name))
                .flatten(),
            Action::RolloutUndo {
                name, namespace, ..
            }
            | Action::RolloutPause {
                name, namespace, ..
            } => object_missing("Deployment", namespace, name),
            Action::Apply { .. } | Action::DeleteFile { .. } => None,
        };
        if let Some(msg) = missing {
            fail(field, msg);
            continue;
        }
        if let Action::NodeAdd { group, count } = &action {
            let c = group_counts.get_mut(group).expect("checked above");
            for k in 0..*count {
                node_names.insert(format!("{group}-{}", *c + k));
            }
            *c += count;
        }
        for at in times {
            out.push(TimelineEntry {
                at: SimTime::from_millis(at),
                action: action.clone(),
                index,
                line: line.unwrap_or(0),
            });
        }
    }
    if firings > MAX_TIMELINE_ENTRIES as u64 {
        errors.push(InputError::new(
            path,
            None,
            "timeline",
            limits::over(
                firings,
                MAX_TIMELINE_ENTRIES as u64,
                "timeline firings per scenario",
            ),
        ));
    }
    out.sort_by_key(|e| (e.at, e.index));
    out
}
