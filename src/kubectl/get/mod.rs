//! `kubectl get` of pods, nodes, deployments, statefulsets, jobs, cronjobs, pvc and hpa.

pub mod autoscaling;
mod core_v1;
mod workloads;

pub use core_v1::KUBELET_VERSION;

use super::format::{self, age, table};
use super::selector::Selector;
use super::{Output, Request};
use crate::cluster::{PodId, PodPhase};
use crate::sim::Simulation;
use serde_json::{json, Value};

/// The pods kubectl would list now: not yet removed from the API (deleted pods stay while
/// Terminating; finished pods stay until deleted).
pub fn visible_pods(sim: &Simulation) -> Vec<PodId> {
    (sim.cluster.pods().iter())
        .filter(|(_, pod)| !pod.gone)
        .map(|(id, _)| id)
        .collect()
}

/// The STATUS column of a pod (kubectl's printPod reason logic).
pub fn pod_status(sim: &Simulation, p: PodId) -> String {
    let pod = &sim.cluster.pods()[p.ix()];
    if pod.deleting {
        return "Terminating".into();
    }
    let st = sim.kubelets.status.get(&p);
    match pod.phase {
        PodPhase::Pending => {
            if sim.kubelets.never_pull.contains(&p) {
                "ErrImageNeverPull".into()
            } else if pod.node.is_some() {
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
    let pod = &sim.cluster.pods()[p.ix()];
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
        "horizontalpodautoscaler" | "horizontalpodautoscalers" | "hpa" => "hpa",
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
        "pods" => core_v1::pods(sim, req, selector),
        "nodes" => core_v1::nodes(sim, selector),
        "deployments" => workloads::deployments(sim, req, selector),
        "statefulsets" => workloads::statefulsets(sim, req, selector),
        "jobs" => workloads::jobs(sim, req, selector),
        "cronjobs" => workloads::cronjobs(sim, req, selector),
        "hpa" => autoscaling::hpas(sim, req, selector),
        _ => core_v1::pvcs(sim, req),
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

/// Header, wide header, singular resource name and rows of one kind.
type Listing = (
    &'static [&'static str],
    &'static [&'static str],
    &'static str,
    Vec<Row>,
);
