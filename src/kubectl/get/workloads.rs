//! `kubectl get` listings of workload kinds: deployments, statefulsets, jobs and cronjobs.

use super::{in_namespace, Listing, Row};
use crate::controllers::garbage_collector::present;
use crate::controllers::job::JobOutcome;
use crate::controllers::ControllerRef;
use crate::kubectl::format::{self, age};
use crate::kubectl::selector::Selector;
use crate::kubectl::Request;
use crate::sim::Simulation;
use serde_json::json;

/// The CONTAINERS and IMAGES wide columns of a pod template.
fn images(t: &crate::model::workload::PodTemplate) -> (String, String) {
    let c = &t.spec.containers;
    (
        c.iter()
            .map(|c| c.name.clone())
            .collect::<Vec<_>>()
            .join(","),
        c.iter()
            .map(|c| c.image.clone())
            .collect::<Vec<_>>()
            .join(","),
    )
}

/// `kubectl get deployments`.
pub(super) fn deployments(sim: &Simulation, req: &Request, selector: Option<&Selector>) -> Listing {
    let mut rows = Vec::new();
    for (i, d) in sim.workloads.deployments.iter().enumerate() {
        let meta = &d.spec.meta;
        if !present(sim, ControllerRef::Deployment(i as u32))
            || !in_namespace(req, &meta.namespace)
            || selector.is_some_and(|s| !s.matches(&meta.labels))
        {
            continue;
        }
        let (mut ready, mut updated, mut available) = (0, 0, 0);
        for &r in &d.replicasets {
            let rs = &sim.workloads.replicasets[r as usize];
            for p in &rs.pods {
                let pod = &sim.cluster.pods()[p.ix()];
                if !pod.is_active() {
                    continue;
                }
                if rs.template.hash == d.spec.template.hash {
                    updated += 1;
                }
                if pod.ready {
                    ready += 1;
                    available += 1;
                }
            }
        }
        let created = d
            .replicasets
            .first()
            .map(|r| sim.workloads.replicasets[*r as usize].created)
            .unwrap_or_default();
        let (containers, imgs) = images(&d.spec.template);
        rows.push(Row {
            namespace: meta.namespace.clone(),
            name: meta.name.clone(),
            cells: vec![
                meta.name.clone(),
                format!("{ready}/{}", d.spec.replicas),
                updated.to_string(),
                available.to_string(),
                age(sim, created),
            ],
            wide: vec![containers, imgs, format::labels(&d.spec.selector.match_labels)],
            object: json!({
                "apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": meta.name, "namespace": meta.namespace, "labels": meta.labels},
                "spec": {"replicas": d.spec.replicas, "paused": d.spec.paused, "selector": {"matchLabels": d.spec.selector.match_labels},
                         "template": {"metadata": {"labels": d.spec.template.labels}, "spec": {"containers": d.spec.template.spec.containers.iter().map(|c| json!({"name": c.name, "image": c.image})).collect::<Vec<_>>()}}},
                "status": {"replicas": updated.max(ready), "readyReplicas": ready, "updatedReplicas": updated, "availableReplicas": available},
            }),
        });
    }
    (
        &["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
        &["CONTAINERS", "IMAGES", "SELECTOR"],
        "deployment.apps",
        rows,
    )
}

/// `kubectl get statefulsets`.
pub(super) fn statefulsets(
    sim: &Simulation,
    req: &Request,
    selector: Option<&Selector>,
) -> Listing {
    let mut rows = Vec::new();
    for (i, s) in sim.workloads.statefulsets.iter().enumerate() {
        let meta = &s.spec.meta;
        if !present(sim, ControllerRef::StatefulSet(i as u32))
            || !in_namespace(req, &meta.namespace)
            || selector.is_some_and(|x| !x.matches(&meta.labels))
        {
            continue;
        }
        let ready = s
            .pods
            .values()
            .filter(|p| {
                let pod = &sim.cluster.pods()[p.ix()];
                pod.is_active() && pod.ready
            })
            .count();
        let created = s
            .pods
            .values()
            .map(|p| sim.cluster.pods()[p.ix()].times.created)
            .min()
            .unwrap_or_default();
        let (containers, imgs) = images(&s.spec.template);
        rows.push(Row {
            namespace: meta.namespace.clone(),
            name: meta.name.clone(),
            cells: vec![
                meta.name.clone(),
                format!("{ready}/{}", s.spec.replicas),
                age(sim, created),
            ],
            wide: vec![containers, imgs],
            object: json!({
                "apiVersion": "apps/v1", "kind": "StatefulSet",
                "metadata": {"name": meta.name, "namespace": meta.namespace, "labels": meta.labels},
                "spec": {"replicas": s.spec.replicas},
                "status": {"readyReplicas": ready},
            }),
        });
    }
    (
        &["NAME", "READY", "AGE"],
        &["CONTAINERS", "IMAGES"],
        "statefulset.apps",
        rows,
    )
}

/// `kubectl get jobs`.
pub(super) fn jobs(sim: &Simulation, req: &Request, selector: Option<&Selector>) -> Listing {
    let mut rows = Vec::new();
    for (i, job) in sim.workloads.jobs.iter().enumerate() {
        if !present(sim, ControllerRef::Job(i as u32)) || !in_namespace(req, &job.namespace) {
            continue;
        }
        let labels = job
            .pods
            .first()
            .map(|p| sim.cluster.pods()[p.ix()].labels.clone())
            .unwrap_or_default();
        if selector.is_some_and(|s| !s.matches(&labels)) {
            continue;
        }
        let active = job
            .pods
            .iter()
            .filter(|p| sim.cluster.pods()[p.ix()].is_active())
            .count();
        let completions = job.spec.completions.unwrap_or(1);
        let outcome = job.finished.map(|(_, o)| o);
        let (complete, failed) = (
            outcome == Some(JobOutcome::Complete),
            outcome == Some(JobOutcome::Failed),
        );
        // printers.go printJob: the Complete or Failed condition, else Terminating (being
        // deleted), Suspended or Running.
        let status = if complete {
            "Complete"
        } else if failed {
            "Failed"
        } else if job.deleted {
            "Terminating"
        } else if job.spec.suspend {
            "Suspended"
        } else {
            "Running"
        };
        let end = job
            .pods
            .iter()
            .filter_map(|p| sim.cluster.pods()[p.ix()].times.finished)
            .max()
            .filter(|_| complete || failed)
            .unwrap_or(sim.now());
        let (containers, imgs) = images(&job.spec.template);
        rows.push(Row {
            namespace: job.namespace.clone(),
            name: job.name.clone(),
            cells: vec![
                job.name.clone(),
                status.into(),
                format!("{}/{completions}", job.succeeded),
                format::human_duration(end.millis_since(job.start)),
                age(sim, job.start),
            ],
            wide: vec![containers, imgs],
            object: json!({
                "apiVersion": "batch/v1", "kind": "Job",
                "metadata": {"name": job.name, "namespace": job.namespace},
                "spec": {"completions": completions, "parallelism": job.spec.parallelism, "backoffLimit": job.spec.backoff_limit},
                "status": {"active": active, "succeeded": job.succeeded, "failed": job.failed},
            }),
        });
    }
    (
        &["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"],
        &["CONTAINERS", "IMAGES"],
        "job.batch",
        rows,
    )
}

/// `kubectl get cronjobs`.
pub(super) fn cronjobs(sim: &Simulation, req: &Request, selector: Option<&Selector>) -> Listing {
    let mut rows = Vec::new();
    for c in &sim.workloads.cronjobs {
        let meta = &c.spec.meta;
        if !in_namespace(req, &meta.namespace) || selector.is_some_and(|s| !s.matches(&meta.labels))
        {
            continue;
        }
        let active = c
            .jobs
            .iter()
            .filter(|j| crate::controllers::job::is_active(sim, **j))
            .count();
        // printers.go printCronJob: LAST SCHEDULE is status.lastScheduleTime, the scheduled
        // time of the newest Job it created.
        let last = (c.last_schedule)
            .map(|t| age(sim, t))
            .unwrap_or_else(|| "<none>".into());
        rows.push(Row {
            namespace: meta.namespace.clone(),
            name: meta.name.clone(),
            cells: vec![
                meta.name.clone(),
                c.spec.schedule.clone(),
                c.spec.time_zone.clone().unwrap_or_else(|| "<none>".into()),
                if c.spec.suspend { "True" } else { "False" }.into(),
                active.to_string(),
                last,
                age(sim, crate::engine::SimTime::ZERO),
            ],
            wide: vec![
                images(&c.spec.job.template).0,
                images(&c.spec.job.template).1,
            ],
            object: json!({
                "apiVersion": "batch/v1", "kind": "CronJob",
                "metadata": {"name": meta.name, "namespace": meta.namespace, "labels": meta.labels},
                "spec": {"schedule": c.spec.schedule, "suspend": c.spec.suspend},
                "status": {"active": active},
            }),
        });
    }
    (
        &[
            "NAME",
            "SCHEDULE",
            "TIMEZONE",
            "SUSPEND",
            "ACTIVE",
            "LAST SCHEDULE",
            "AGE",
        ],
        &["CONTAINERS", "IMAGES"],
        "cronjob.batch",
        rows,
    )
}
