//! Checks across the loaded objects: duplicate names, PriorityClass resolution and the
//! workload names `runtime.run_duration` refers to.

use crate::input::error::InputError;
use crate::model::node::NodeSpec;
use crate::scenario::object::{Located, Object};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Rejects two nodes, or two objects of one kind and namespace, with the same name.
pub(super) fn check_duplicates(
    nodes: &[NodeSpec],
    objects: &[Located],
    path: &Path,
    errors: &mut Vec<InputError>,
) {
    let mut seen = BTreeSet::new();
    for n in nodes {
        if !seen.insert(n.name.clone()) {
            errors.push(InputError::new(
                path,
                None,
                "cluster.nodes",
                format!("duplicate node name {:?}", n.name),
            ));
        }
    }
    let mut seen = BTreeMap::new();
    for o in objects {
        let (ns, name) = o.object.key();
        let key = (o.object.kind(), ns.to_string(), name.to_string());
        if let Some((file, line)) = seen.insert(key, (o.file.clone(), o.line)) {
            errors.push(InputError::new(
                &o.file,
                Some(o.line),
                "metadata.name",
                format!(
                    "duplicate {} {:?} (first defined at {}:{line})",
                    o.object.kind(),
                    name,
                    file.display()
                ),
            ));
        }
    }
}

/// Resolves `priorityClassName` into a priority (admission's Priority plugin), including the
/// two built-in system classes and a `globalDefault` class.
pub(super) fn resolve_priorities(objects: &mut [Located], errors: &mut Vec<InputError>) {
    resolve_priorities_with(&[], objects, errors);
}

/// As [`resolve_priorities`], with the PriorityClasses of `base` known too (objects a
/// timeline entry applies later are admitted against the scenario's classes).
pub(super) fn resolve_priorities_with(
    base: &[Located],
    objects: &mut [Located],
    errors: &mut Vec<InputError>,
) {
    let mut classes: BTreeMap<String, (i32, bool)> = BTreeMap::new();
    classes.insert("system-cluster-critical".into(), (2_000_000_000, true));
    classes.insert("system-node-critical".into(), (2_000_001_000, true));
    let mut global_default: Option<(i32, bool)> = None;
    for o in base.iter().chain(objects.iter()) {
        if let Object::PriorityClass(pc) = &o.object {
            classes.insert(pc.name.clone(), (pc.value, pc.preempts));
            if pc.global_default {
                global_default = Some((pc.value, pc.preempts));
            }
        }
    }
    for o in objects.iter_mut() {
        let (file, line) = (o.file.clone(), o.line);
        let mut fix = |t: &mut crate::model::workload::PodTemplate| {
            let resolved = match &t.spec.priority_class_name {
                Some(name) => match classes.get(name) {
                    Some(v) => Some(*v),
                    None => {
                        errors.push(InputError::new(
                            &file,
                            Some(line),
                            "spec.priorityClassName",
                            format!("no PriorityClass with name {name:?} was found"),
                        ));
                        None
                    }
                },
                None => global_default,
            };
            if let Some((value, preempts)) = resolved {
                let spec = std::sync::Arc::make_mut(&mut t.spec);
                spec.priority = value;
                spec.preempts = spec.preempts && preempts;
            }
        };
        match &mut o.object {
            Object::Pod(p) => fix(&mut p.template),
            Object::Deployment(d) => fix(&mut d.template),
            Object::ReplicaSet(r) => fix(&mut r.template),
            Object::StatefulSet(s) => fix(&mut s.template),
            Object::DaemonSet(d) => fix(&mut d.template),
            Object::Job(j) => fix(&mut j.spec.template),
            Object::CronJob(c) => fix(&mut c.job.template),
            _ => {}
        }
    }
}

/// Rejects a `runtime.run_duration` key that names no workload or bare Pod (a typo there
/// would silently leave the default duration in force). `objects` are all objects the
/// scenario can create, at start or from the timeline; a StatefulSet's pod `NAME-i` counts.
pub(super) fn check_run_duration_keys<'a>(
    path: &Path,
    keys: &BTreeMap<String, serde_saphyr::Spanned<String>>,
    objects: impl Iterator<Item = &'a Object>,
    errors: &mut Vec<InputError>,
) {
    if keys.is_empty() {
        return;
    }
    let mut names = BTreeSet::new();
    let mut stateful = BTreeSet::new();
    for o in objects {
        names.insert(o.key().1.to_string());
        if let Object::StatefulSet(s) = o {
            stateful.insert(s.meta.name.clone());
        }
    }
    let is_stateful_pod = |key: &str| {
        key.rsplit_once('-').is_some_and(|(set, ord)| {
            stateful.contains(set) && !ord.is_empty() && ord.bytes().all(|b| b.is_ascii_digit())
        })
    };
    for (key, value) in keys {
        if names.contains(key) || is_stateful_pod(key) {
            continue;
        }
        let hint = crate::input::suggest::nearest(key, names.iter().map(String::as_str))
            .map(|n| format!("; did you mean {n:?}?"))
            .unwrap_or_default();
        errors.push(InputError::new(
            path,
            Some(value.referenced.line()),
            format!("runtime.run_duration.{key}"),
            format!("{key:?} names no workload or Pod of the scenario{hint} (expected the name of a Job, CronJob, Deployment, StatefulSet, ... or a bare Pod)"),
        ));
    }
}
