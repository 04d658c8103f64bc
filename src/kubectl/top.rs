//! `kubectl top pods|nodes` from metrics-server's latest scrape, in kubectl's columns
//! (staging/src/k8s.io/kubectl/pkg/metricsutil/metrics_printer.go: cpu in millicores
//! `250m`, memory in `Mi`, node percentages of allocatable rounded down).

use super::format::table;
use super::Request;
use crate::model::resources::{CPU, MEMORY};
use crate::sim::usage::UsageModel;
use crate::sim::Simulation;

const NO_METRICS_API: &str = "error: Metrics API not available: metrics not available: usage is not modelled \
     (add a `usage:` section or the k8sim.io/cpu-usage annotation to model it; see `get`/`describe node` \
     for allocated requests)";

fn cpu(millis: i64) -> String {
    format!("{millis}m")
}

fn memory(bytes: i64) -> String {
    format!("{}Mi", bytes / (1024 * 1024))
}

/// `kubectl top nodes|pods`: an error, as against a cluster without metrics-server, when
/// the scenario models no usage.
pub fn top(sim: &Simulation, req: &Request) -> Result<String, String> {
    let kind = req.args.first().map(|w| w.to_ascii_lowercase());
    let usage = match kind.as_deref() {
        Some("node" | "nodes" | "no" | "pod" | "pods" | "po") => sim
            .usage
            .as_ref()
            .ok_or_else(|| NO_METRICS_API.to_string())?,
        Some(other) => {
            return Err(format!(
                "error: unknown command {other:?} for \"kubectl top\": expected node or pod"
            ))
        }
        None => return Err("error: kubectl top needs a resource: node or pod".to_string()),
    };
    match kind.as_deref() {
        Some("node" | "nodes" | "no") => Ok(top_nodes(sim, usage)),
        _ => top_pods(sim, usage, req),
    }
}

fn top_pods(sim: &Simulation, usage: &UsageModel, req: &Request) -> Result<String, String> {
    let mut rows: Vec<(String, String, Vec<String>)> = Vec::new();
    for (id, p) in sim.cluster.pods().iter() {
        if !(req.all_namespaces || req.namespace == p.namespace) || p.gone {
            continue;
        }
        if let Some(m) = usage.pod_metrics(id) {
            let cells = vec![p.name.clone(), cpu(m.cpu_millis), memory(m.memory_bytes)];
            rows.push((p.namespace.clone(), p.name.clone(), cells));
        }
    }
    if rows.is_empty() {
        return Err(format!(
            "error: metrics not available yet (metrics-server scrapes every {} s)",
            crate::sim::usage::metrics_server::METRIC_RESOLUTION_MS / 1000
        ));
    }
    rows.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    let (header, rows): (&[&str], Vec<Vec<String>>) = if req.all_namespaces {
        let rows = rows
            .into_iter()
            .map(|(ns, _, c)| std::iter::once(ns).chain(c).collect())
            .collect();
        (&["NAMESPACE", "NAME", "CPU(cores)", "MEMORY(bytes)"], rows)
    } else {
        let rows = rows.into_iter().map(|(_, _, c)| c).collect();
        (&["NAME", "CPU(cores)", "MEMORY(bytes)"], rows)
    };
    Ok(table(header, &rows))
}

fn top_nodes(sim: &Simulation, usage: &UsageModel) -> String {
    let c = &sim.cluster;
    let mut rows = Vec::new();
    for n in c.nodes().indices() {
        if !c.nodes().present()[n.ix()] {
            continue;
        }
        let (cpu_millis, memory_bytes) = usage.node_metrics(c, n).unwrap_or((0, 0));
        let alloc = c.nodes().allocatable()[n.ix()];
        let pct = |v: i64, a: i64| if a > 0 { v * 100 / a } else { 0 };
        rows.push(vec![
            c.nodes().names()[n.ix()].clone(),
            cpu(cpu_millis),
            format!("{}%", pct(cpu_millis, alloc.get(CPU))),
            memory(memory_bytes),
            format!("{}%", pct(memory_bytes, alloc.get(MEMORY))),
        ]);
    }
    table(
        &["NAME", "CPU(cores)", "CPU%", "MEMORY(bytes)", "MEMORY%"],
        &rows,
    )
}
