//! `kubectl get` of pods, nodes, deployments, statefulsets, jobs, cronjobs and pvc.

use super::format::{self, age, pod_ip, table, Selector};
use super::{Output, Request};
use crate::cluster::{PodId, PodPhase};
use crate::model::resources::{CPU, MEMORY};
use crate::sim::Simulation;
use serde_json::{json, Value};

/// The pods kubectl would list now: not yet removed from the API (deleted pods stay while
/// Terminating; finished pods stay until deleted).
pub fn visible_pods(sim: &Simulation) -> Vec<PodId> {
    (0..sim.cluster.pods.len())
        .map(|i| PodId(i as u32))
        .filter(|p| {
            let pod = &sim.cluster.pods[p.ix()];
            // A deleted Job's pods go with it (background cascading deletion).
            let owner_gone = matches!(pod.owner, crate::cluster::Owner::Job(j) if sim.workloads.jobs[j as usize].deleted);
            !owner_gone && !(pod.deleting && (pod.released || pod.node.is_none()))
        })
        .collect()
}

/// The STATUS column of a pod (kubectl's printPod reason logic).
pub fn pod_status(sim: &Simulation, p: PodId) -> String {
    let pod = &sim.cluster.pods[p.ix()];
    if pod.deleting {
        return "Terminating".into();
    }
    let st = sim.kubelets.status.get(&p);
    match pod.phase {
        PodPhase::Pending => {
            if pod.node.is_some() {
                "ContainerCreating".into()
            } else if !pod.spec.scheduling_gates.is_empty() {
                "SchedulingGated".into()
            } else {
                "Pending".into()
            }
        }
        PodPhase::Running => match st {
            Some(s) if s.waiting_until.is_some_and(|t| t > sim.now()) => "CrashLoopBackOff".into(),
            _ => "Running".into(),
        },
        PodPhase::Succeeded => "Completed".into(),
        PodPhase::Failed => st
            .and_then(|s| s.last.as_ref())
            .map(|l| l.reason.clone())
            .unwrap_or_else(|| "Error".into()),
    }
}

/// The RESTARTS column (`3 (12s ago)`).
pub fn restarts(sim: &Simulation, p: PodId) -> String {
    let pod = &sim.cluster.pods[p.ix()];
    match sim.kubelets.status.get(&p).and_then(|s| s.last.as_ref()) {
        Some(l) if pod.restarts > 0 => format!("{} ({} ago)", pod.restarts, age(sim, l.finished)),
        _ => pod.restarts.to_string(),
    }
}

fn in_namespace(req: &Request, ns: &str) -> bool {
    req.all_namespaces || req.namespace == ns
}

fn kind_of(word: &str) -> Option<&'static str> {
    Some(match word.to_ascii_lowercase().as_str() {
        "pod" | "pods" | "po" => "pods",
        "node" | "nodes" | "no" => "nodes",
        "deployment" | "deployments" | "deploy" => "deployments",
        "statefulset" | "statefulsets" | "sts" => "statefulsets",
        "job" | "jobs" => "jobs",
        "cronjob" | "cronjobs" | "cj" => "cronjobs",
        "persistentvolumeclaim" | "persistentvolumeclaims" | "pvc" => "pvc",
        _ => return None,
    })
}

/// One row of a listing: namespace, name, table cells, wide extra cells, JSON object.
struct Row {
    namespace: String,
    name: String,
    cells: Vec<String>,
    wide: Vec<String>,
    object: Value,
}

/// `kubectl get KIND [NAME]`.
pub fn get(sim: &Simulation, req: &Request, selector: Option<&Selector>) -> Result<String, String> {
    let word = req
        .args
        .first()
        .ok_or("You must specify the type of resource to get.")?;
    let kind =
        kind_of(word).ok_or_else(|| format!("the server doesn't have a resource type {word:?}"))?;
    let name = req.args.get(1);
    let (header, wide_header, singular, mut rows) = match kind {
        "pods" => pods(sim, req, selector),
        "nodes" => nodes(sim, selector),
        "deployments" => deployments(sim, req, selector),
        "statefulsets" => statefulsets(sim, req, selector),
        "jobs" => jobs(sim, req, selector),
        "cronjobs" => cronjobs(sim, req, selector),
        _ => pvcs(sim, req),
    };
    if let Some(n) = name {
        rows.retain(|r| &r.name == n);
        if rows.is_empty() {
            return Err(format!(
                "Error from server (NotFound): {singular} {n:?} not found"
            ));
        }
    }
    let cluster_scoped = kind == "nodes";
    match req.output {
        Output::Json | Output::Yaml => {
            let v = if name.is_some() {
                rows.remove(0).object
            } else {
                json!({"apiVersion": "v1", "kind": "List", "items": rows.into_iter().map(|r| r.object).collect::<Vec<_>>(), "metadata": {"resourceVersion": ""}})
            };
            Ok(if req.output == Output::Json {
                serde_json::to_string_pretty(&v).expect("serialisable") + "\n"
            } else {
                format::yaml(&v)
            })
        }
        Output::Name => Ok(rows
            .iter()
            .map(|r| format!("{singular}/{}\n", r.name))
            .collect()),
        _ => {
            if rows.is_empty() {
                return Ok(if cluster_scoped || req.all_namespaces {
                    "No resources found\n".to_string()
                } else {
                    format!("No resources found in {} namespace.\n", req.namespace)
                });
            }
            let wide = req.output == Output::Wide;
            let mut h: Vec<&str> = Vec::new();
            if req.all_namespaces && !cluster_scoped {
                h.push("NAMESPACE");
            }
            h.extend_from_slice(header);
            if wide {
                h.extend_from_slice(wide_header);
            }
            let cells: Vec<Vec<String>> = rows
                .into_iter()
                .map(|r| {
                    let mut c = Vec::new();
                    if req.all_namespaces && !cluster_scoped {
                        c.push(r.namespace);
                    }
                    c.extend(r.cells);
                    if wide {
                        c.extend(r.wide);
                    }
                    c
                })
                .collect();
            Ok(table(&h, &cells))
        }
    }
}

type Listing = (
    &'static [&'static str],
    &'static [&'static str],
    &'static str,
    Vec<Row>,
);

fn pods(sim: &Simulation, req: &Request, selector: Option<&Selector>) -> Listing {
    let mut rows = Vec::new();
    for p in visible_pods(sim) {
        let pod = &sim.cluster.pods[p.ix()];
        if !in_namespace(req, &pod.namespace) || selector.is_some_and(|s| !s.matches(&pod.labels)) {
            continue;
        }
        let n = pod.spec.containers.len();
        let ready = if pod.ready { n } else { 0 };
        let status = pod_status(sim, p);
        let ip = pod_ip(sim, p);
        let node = pod.node.map(|n| sim.cluster.nodes.names[n.ix()].clone());
        let (owner_kind, owner) = sim.owner_of(p);
        let mut meta = json!({
            "name": pod.name, "namespace": pod.namespace, "labels": pod.labels,
            "creationTimestamp": format::timestamp(sim, pod.times.created),
        });
        if !owner.is_empty() {
            meta["ownerReferences"] =
                json!([{"kind": owner_kind, "name": owner, "controller": true}]);
        }
        let object = json!({
            "apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": {
                "nodeName": node,
                "restartPolicy": format!("{:?}", pod.spec.restart_policy),
                "containers": pod.spec.containers.iter().map(|c| json!({
                    "name": c.name, "image": c.image,
                    "resources": {"requests": {"cpu": format::cpu(c.requests.get(CPU)), "memory": format::bytes(c.requests.get(MEMORY))}},
                })).collect::<Vec<_>>(),
            },
            "status": {
                "phase": pod.phase.as_str(),
                "podIP": ip,
                "conditions": [{"type": "Ready", "status": if pod.ready {"True"} else {"False"}}],
                "containerStatuses": pod.spec.containers.iter().map(|c| json!({
                    "name": c.name, "image": c.image, "ready": pod.ready, "restartCount": pod.restarts,
                })).collect::<Vec<_>>(),
            },
        });
        rows.push(Row {
            namespace: pod.namespace.clone(),
            name: pod.name.clone(),
            cells: vec![
                pod.name.clone(),
                format!("{ready}/{n}"),
                status,
                restarts(sim, p),
                age(sim, pod.times.created),
            ],
            wide: vec![
                ip.unwrap_or_else(|| "<none>".into()),
                node.unwrap_or_else(|| "<none>".into()),
                "<none>".into(),
                "<none>".into(),
            ],
            object,
        });
    }
    (
        &["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
        &["IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
        "pod",
        rows,
    )
}

/// The STATUS column of a node.
pub fn node_status(sim: &Simulation, n: usize) -> String {
    let mut s = if sim.cluster.nodes.ready[n] {
        "Ready".to_string()
    } else {
        "NotReady".to_string()
    };
    if sim.cluster.nodes.unschedulable[n] {
        s.push_str(",SchedulingDisabled");
    }
    s
}

/// The simulated kubelet version.
pub const KUBELET_VERSION: &str = "v1.33.0";

fn nodes(sim: &Simulation, selector: Option<&Selector>) -> Listing {
    let t = &sim.cluster.nodes;
    let mut rows = Vec::new();
    let mut order: Vec<usize> = (0..t.len()).filter(|n| t.present[*n]).collect();
    order.sort_by(|a, b| t.names[*a].cmp(&t.names[*b]));
    for n in order {
        if selector.is_some_and(|s| !s.matches(&t.labels[n])) {
            continue;
        }
        let roles = t.labels[n]
            .keys()
            .filter_map(|k| k.strip_prefix("node-role.kubernetes.io/"))
            .collect::<Vec<_>>()
            .join(",");
        let object = json!({
            "apiVersion": "v1", "kind": "Node",
            "metadata": {"name": t.names[n], "labels": t.labels[n]},
            "spec": {
                "unschedulable": t.unschedulable[n],
                "taints": t.taints[n].iter().map(|x| json!({"key": x.key, "value": x.value, "effect": x.effect.as_str()})).collect::<Vec<_>>(),
            },
            "status": {
                "allocatable": {"cpu": format::cpu(t.allocatable[n].get(CPU)), "memory": format::bytes(t.allocatable[n].get(MEMORY))},
                "conditions": [{"type": "Ready", "status": if t.ready[n] {"True"} else {"Unknown"}}],
                "addresses": [{"type": "InternalIP", "address": format::node_ip(n as u32)}],
            },
        });
        rows.push(Row {
            namespace: String::new(),
            name: t.names[n].clone(),
            cells: vec![
                t.names[n].clone(),
                node_status(sim, n),
                if roles.is_empty() {
                    "<none>".into()
                } else {
                    roles
                },
                age(sim, crate::engine::SimTime::ZERO),
                KUBELET_VERSION.into(),
            ],
            wide: vec![
                format::node_ip(n as u32),
                "<none>".into(),
                "k8sim".into(),
                "<none>".into(),
                "containerd://2.0.0".into(),
            ],
            object,
        });
    }
    (
        &["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
        &[
            "INTERNAL-IP",
            "EXTERNAL-IP",
            "OS-IMAGE",
            "KERNEL-VERSION",
            "CONTAINER-RUNTIME",
        ],
        "node",
        rows,
    )
}

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

fn deployments(sim: &Simulation, req: &Request, selector: Option<&Selector>) -> Listing {
    let mut rows = Vec::new();
    for d in &sim.workloads.deployments {
        let meta = &d.spec.meta;
        if d.deleted
            || !in_namespace(req, &meta.namespace)
            || selector.is_some_and(|s| !s.matches(&meta.labels))
        {
            continue;
        }
        let (mut ready, mut updated, mut available) = (0, 0, 0);
        for &r in &d.replicasets {
            let rs = &sim.workloads.replicasets[r as usize];
            for p in &rs.pods {
                let pod = &sim.cluster.pods[p.ix()];
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

fn statefulsets(sim: &Simulation, req: &Request, selector: Option<&Selector>) -> Listing {
    let mut rows = Vec::new();
    for s in &sim.workloads.statefulsets {
        let meta = &s.spec.meta;
        if s.deleted
            || !in_namespace(req, &meta.namespace)
            || selector.is_some_and(|x| !x.matches(&meta.labels))
        {
            continue;
        }
        let ready = s
            .pods
            .values()
            .filter(|p| {
                let pod = &sim.cluster.pods[p.ix()];
                pod.is_active() && pod.ready
            })
            .count();
        let created = s
            .pods
            .values()
            .map(|p| sim.cluster.pods[p.ix()].times.created)
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

fn jobs(sim: &Simulation, req: &Request, selector: Option<&Selector>) -> Listing {
    let mut rows = Vec::new();
    for job in &sim.workloads.jobs {
        if job.deleted || !in_namespace(req, &job.namespace) {
            continue;
        }
        let labels = job
            .pods
            .first()
            .map(|p| sim.cluster.pods[p.ix()].labels.clone())
            .unwrap_or_default();
        if selector.is_some_and(|s| !s.matches(&labels)) {
            continue;
        }
        let active = job
            .pods
            .iter()
            .filter(|p| sim.cluster.pods[p.ix()].is_active())
            .count();
        let completions = job.spec.completions.unwrap_or(1);
        let complete = job.succeeded >= completions && active == 0;
        let failed = !complete && active == 0 && job.failed > job.spec.backoff_limit;
        let status = if complete {
            "Complete"
        } else if failed {
            "Failed"
        } else {
            "Running"
        };
        let end = job
            .pods
            .iter()
            .filter_map(|p| sim.cluster.pods[p.ix()].times.finished)
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

fn cronjobs(sim: &Simulation, req: &Request, selector: Option<&Selector>) -> Listing {
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
        let last = c
            .jobs
            .iter()
            .map(|j| sim.workloads.jobs[*j as usize].start)
            .max()
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

fn pvcs(sim: &Simulation, req: &Request) -> Listing {
    let mut rows = Vec::new();
    for s in &sim.workloads.statefulsets {
        let ns = &s.spec.meta.namespace;
        if !in_namespace(req, ns) {
            continue;
        }
        for claim in &s.claims {
            let template = s
                .spec
                .volume_claim_templates
                .iter()
                .find(|t| claim.starts_with(&format!("{}-", t.meta.name)));
            let (size, modes, class) = template
                .map(|t| {
                    (
                        format::bytes(t.storage_bytes),
                        t.access_modes
                            .iter()
                            .map(|m| match m.as_str() {
                                "ReadWriteOnce" => "RWO",
                                "ReadOnlyMany" => "ROX",
                                "ReadWriteMany" => "RWX",
                                "ReadWriteOncePod" => "RWOP",
                                _ => "?",
                            })
                            .collect::<Vec<_>>()
                            .join(","),
                        t.storage_class.clone().unwrap_or_else(|| "standard".into()),
                    )
                })
                .unwrap_or_default();
            let volume = format!("pvc-{claim}");
            rows.push(Row {
                namespace: ns.clone(),
                name: claim.clone(),
                cells: vec![
                    claim.clone(),
                    "Bound".into(),
                    volume,
                    size.clone(),
                    modes,
                    class.clone(),
                    "<unset>".into(),
                    age(sim, crate::engine::SimTime::ZERO),
                ],
                wide: vec!["Filesystem".into()],
                object: json!({
                    "apiVersion": "v1", "kind": "PersistentVolumeClaim",
                    "metadata": {"name": claim, "namespace": ns},
                    "spec": {"storageClassName": class, "resources": {"requests": {"storage": size}}},
                    "status": {"phase": "Bound"},
                }),
            });
        }
    }
    (
        &[
            "NAME",
            "STATUS",
            "VOLUME",
            "CAPACITY",
            "ACCESS MODES",
            "STORAGECLASS",
            "VOLUMEATTRIBUTESCLASS",
            "AGE",
        ],
        &["VOLUMEMODE"],
        "persistentvolumeclaim",
        rows,
    )
}
