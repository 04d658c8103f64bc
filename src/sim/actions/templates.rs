//! Pod template edits of the timeline (`set image`, `set resources`, `rollout restart`).

use super::not_found;
use super::workloads::{find_deployment, find_statefulset};
use crate::controllers::deployment;
use crate::controllers::ControllerRef;
use crate::model::labels::Labels;
use crate::model::resources::amount;
use crate::model::resources::{CPU, MEMORY};
use crate::model::workload::template_hash;
use crate::model::workload::PodTemplate;
use crate::scenario::action::ResourceAssignment;
use crate::scenario::TimelineEntry;
use crate::sim::Simulation;
use std::sync::Arc;

/// Changes the pod template of a Deployment or StatefulSet, starting a rollout.
pub(super) fn edit_template(
    sim: &mut Simulation,
    entry: &TimelineEntry,
    kind: &str,
    ns: &str,
    name: &str,
    edit: impl FnOnce(&mut PodTemplate) -> Result<(), String>,
) {
    let template = match kind {
        "Deployment" => find_deployment(sim, ns, name)
            .map(|d| sim.workloads.deployments[d as usize].spec.template.clone()),
        "StatefulSet" => find_statefulset(sim, ns, name)
            .map(|s| sim.workloads.statefulsets[s as usize].spec.template.clone()),
        _ => None,
    };
    let Some(mut template) = template else {
        not_found(sim, entry, format!("{kind} {name:?} not found"));
        return;
    };
    if let Err(e) = edit(&mut template) {
        not_found(sim, entry, e);
        return;
    }
    let mut hashed: Labels = template.labels.clone();
    for (k, v) in &template.annotations {
        hashed.insert(format!("annotation:{k}"), v.clone());
    }
    template.hash = template_hash(&hashed, &template.spec);
    match kind {
        "Deployment" => {
            let d = find_deployment(sim, ns, name).expect("found above");
            deployment::set_template(sim, d, template);
        }
        _ => {
            let s = find_statefulset(sim, ns, name).expect("found above");
            sim.workloads.statefulsets[s as usize].set_template(template);
            sim.request_sync(ControllerRef::StatefulSet(s));
        }
    }
}

pub(super) fn set_images(t: &mut PodTemplate, images: &[(String, String)]) -> Result<(), String> {
    let mut spec = (*t.spec).clone();
    for (container, image) in images {
        let mut found = false;
        for c in spec
            .containers
            .iter_mut()
            .chain(spec.init_containers.iter_mut())
        {
            if container == "*" || c.name == *container {
                c.image = image.clone();
                found = true;
            }
        }
        if !found {
            return Err(format!("unable to find container named {container:?}"));
        }
    }
    t.spec = Arc::new(spec);
    Ok(())
}

pub(super) fn set_resources(
    t: &mut PodTemplate,
    container: Option<&str>,
    requests: &[ResourceAssignment],
    limits: &[ResourceAssignment],
) -> Result<(), String> {
    let mut spec = (*t.spec).clone();
    let slot = |name: &str| match name {
        "cpu" => CPU,
        "memory" => MEMORY,
        _ => crate::model::resources::EPHEMERAL_STORAGE,
    };
    let mut found = false;
    for c in spec.containers.iter_mut() {
        if container.is_some_and(|n| n != c.name && n != "*") {
            continue;
        }
        found = true;
        for (name, q) in requests {
            let r = slot(name);
            c.requests.set(r, amount(r, q));
            c.requested[r.0 as usize] = true;
        }
        for (name, q) in limits {
            let r = slot(name);
            c.limits.set(r, amount(r, q));
            c.limited[r.0 as usize] = true;
            if !c.requested[r.0 as usize] {
                c.requests.set(r, amount(r, q));
                c.requested[r.0 as usize] = true;
            }
        }
    }
    if !found {
        return Err(format!(
            "unable to find container named {:?}",
            container.unwrap_or("*")
        ));
    }
    t.spec = Arc::new(spec.finish());
    Ok(())
}
