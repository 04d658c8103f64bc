//! `kubectl describe pod|node|hpa`, `kubectl logs` and `kubectl rollout history deployment`.
//! The layout shared by both describe pages is here; each page has a module of its own.

mod events;
mod hpa;
mod node;
mod pod;

use super::format::{self, table_padded};
use super::Request;
use crate::cluster::{PodId, PodPhase};
use crate::metrics::EventRecord;
use crate::sim::Simulation;
use std::fmt::Write as _;

/// A describe page being written: `Key:` fields padded to a column `key_width` wide
/// (kubectl's tabwriter gives pods 18 and nodes 20), and free-form lines in `out`.
struct Page {
    /// The text so far.
    out: String,
    /// Width of the field-name column, colon included.
    key_width: usize,
}

impl Page {
    /// An empty page whose field names take `key_width` columns.
    fn new(key_width: usize) -> Page {
        Page {
            out: String::new(),
            key_width,
        }
    }

    /// Writes `Key:` padded to the key column, then `value`.
    fn field(&mut self, key: &str, value: &str) {
        let _ = writeln!(
            self.out,
            "{:<w$}{value}",
            format!("{key}:"),
            w = self.key_width
        );
    }

    /// A field with one value per line: the first beside the key (`<none>` when there is
    /// none), the others under it in the value column.
    fn field_lines(&mut self, key: &str, values: impl IntoIterator<Item = String>) {
        let mut values = values.into_iter();
        self.field(key, &values.next().unwrap_or_else(|| "<none>".into()));
        for v in values {
            let _ = writeln!(self.out, "{:<w$}{v}", "", w = self.key_width);
        }
    }
}

/// A describe table: the header, a dashed rule under each column name, then `rows`;
/// every line indented by two spaces.
fn indented_table(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut all: Vec<Vec<String>> = vec![header.iter().map(|h| "-".repeat(h.len())).collect()];
    all.extend(rows);
    let mut out = String::new();
    for l in table_padded(header, &all, 2).lines() {
        let _ = writeln!(out, "  {l}");
    }
    out
}

/// The pod `name` of the request's namespace: the live one, else the newest visible one.
fn find_pod(sim: &Simulation, req: &Request, name: &str) -> Result<PodId, String> {
    sim.cluster
        .pod_names()
        .get(&(req.namespace.clone(), name.to_string()))
        .copied()
        .or_else(|| {
            super::get::visible_pods(sim).into_iter().rev().find(|p| {
                let pod = &sim.cluster.pods()[p.ix()];
                pod.name == name && pod.namespace == req.namespace
            })
        })
        .ok_or_else(|| format!("Error from server (NotFound): pods {name:?} not found"))
}

/// The events recorded for pod `p` during its life (and while it is being deleted).
fn pod_events(sim: &Simulation, p: PodId) -> Vec<&EventRecord> {
    let pod = &sim.cluster.pods()[p.ix()];
    sim.recorder
        .events
        .iter()
        .filter(|e| {
            e.object_kind == "Pod"
                && e.object == pod.name
                && e.time >= pod.times.created
                && pod
                    .times
                    .finished
                    .is_none_or(|f| e.time <= f || pod.deleting)
        })
        .collect()
}

/// `kubectl describe pod NAME` / `kubectl describe node NAME`.
pub fn describe(sim: &Simulation, req: &Request) -> Result<String, String> {
    let kind = req
        .args
        .first()
        .ok_or("You must specify the type of resource to describe.")?;
    let name = req.args.get(1).ok_or("describe: expected a NAME")?;
    match kind.to_ascii_lowercase().as_str() {
        "pod" | "pods" | "po" => pod::describe_pod(sim, find_pod(sim, req, name)?),
        "node" | "nodes" | "no" => {
            let n =
                sim.cluster.node_names().get(name).ok_or_else(|| {
                    format!("Error from server (NotFound): nodes {name:?} not found")
                })?;
            Ok(node::describe_node(sim, n.ix()))
        }
        "hpa" | "horizontalpodautoscaler" | "horizontalpodautoscalers" => sim
            .workloads
            .hpas
            .iter()
            .find(|h| !h.deleted && h.spec.meta.name == *name && h.spec.meta.namespace == req.namespace)
            .map(|h| hpa::describe_hpa(sim, h))
            .ok_or_else(|| {
                format!("Error from server (NotFound): horizontalpodautoscalers.autoscaling {name:?} not found")
            }),
        other => Err(format!(
            "describe: k8sim describes pods, nodes and hpa, not {other:?}"
        )),
    }
}

/// `kubectl logs NAME`: the pod's simulated lifecycle, one line per event.
pub fn logs(sim: &Simulation, req: &Request) -> Result<String, String> {
    let name = req.args.first().ok_or("logs: expected a POD name")?;
    let p = find_pod(sim, req, name)?;
    let pod = &sim.cluster.pods()[p.ix()];
    if pod.node.is_none() || pod.times.started.is_none() {
        return Err(format!(
            "Error from server (BadRequest): container {:?} in pod {name:?} is waiting to start: {}",
            pod.spec.containers.first().map(|c| c.name.as_str()).unwrap_or(""),
            if pod.node.is_some() { "ContainerCreating" } else { "Pending" }
        ));
    }
    let mut o = String::new();
    for e in pod_events(sim, p) {
        let _ = writeln!(
            o,
            "{} k8sim: {}: {}",
            format::timestamp(sim, e.time),
            e.reason,
            e.message
        );
    }
    if pod.phase.is_terminal() {
        let code = if pod.phase == PodPhase::Succeeded {
            0
        } else {
            1
        };
        let _ = writeln!(
            o,
            "{} k8sim: container exited with code {code}",
            format::timestamp(sim, pod.times.finished.unwrap_or(sim.now()))
        );
    }
    Ok(o)
}

/// `kubectl rollout history deployment NAME`.
pub fn rollout_history(sim: &Simulation, req: &Request) -> Result<String, String> {
    if req.args.first().map(String::as_str) != Some("history") {
        return Err("rollout: k8sim shows `rollout history deployment NAME`".into());
    }
    let target = req
        .args
        .get(1)
        .ok_or("rollout history: expected deployment NAME")?;
    let (kind, name) = match target.split_once('/') {
        Some((k, n)) => (k.to_string(), n.to_string()),
        None => (
            target.clone(),
            req.args
                .get(2)
                .cloned()
                .ok_or("rollout history: expected a NAME")?,
        ),
    };
    if !matches!(kind.as_str(), "deployment" | "deployments" | "deploy") {
        return Err(format!(
            "rollout history: k8sim keeps history for deployments, not {kind:?}"
        ));
    }
    let d = sim
        .workloads
        .deployments
        .iter()
        .find(|d| !d.deleted && d.spec.meta.name == name && d.spec.meta.namespace == req.namespace)
        .ok_or_else(|| {
            format!("Error from server (NotFound): deployments.apps {name:?} not found")
        })?;
    let mut revs: Vec<i64> = d
        .replicasets
        .iter()
        .map(|r| &sim.workloads.replicasets[*r as usize])
        .filter(|r| !r.deleted)
        .map(|r| r.revision)
        .collect();
    revs.sort();
    let rows: Vec<Vec<String>> = revs
        .iter()
        .map(|r| vec![r.to_string(), "<none>".into()])
        .collect();
    Ok(format!(
        "deployment.apps/{name} \n{}\n",
        table_padded(&["REVISION", "CHANGE-CAUSE"], &rows, 2)
    ))
}
