//! Checks across the loaded objects: duplicate names and PriorityClass resolution.

use crate::input::error::InputError;
use crate::input::manifest::{Located, Object};
use crate::model::node::NodeSpec;
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
    let mut classes: BTreeMap<String, (i32, bool)> = BTreeMap::new();
    classes.insert("system-cluster-critical".into(), (2_000_000_000, true));
    classes.insert("system-node-critical".into(), (2_000_001_000, true));
    let mut global_default: Option<(i32, bool)> = None;
    for o in objects.iter() {
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
