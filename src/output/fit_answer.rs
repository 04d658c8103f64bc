//! The answer of `k8sim fit` as text, CSV or JSON (docs/fit.md).

use super::run_files::q;
use crate::sim::fit::FitReport;
use crate::sim::Simulation;
use std::fmt::Write as _;

/// What `k8sim fit` found, ready to render.
pub struct FitAnswer<'a> {
    /// The simulation at the moment looked at (for node names, scheduler and seed).
    pub sim: &'a Simulation,
    /// Kind of the object whose pod was copied.
    pub kind: &'a str,
    /// Its namespace.
    pub namespace: &'a str,
    /// Its name.
    pub name: &'a str,
    /// The copies placed.
    pub report: &'a FitReport,
    /// The moment, s.
    pub at_s: f64,
    /// The `--max` bound.
    pub max: u32,
}

impl FitAnswer<'_> {
    /// (node name, copies) for every node present at the moment.
    fn nodes(&self) -> impl Iterator<Item = (&str, u32)> {
        let nodes = &self.sim.cluster.nodes();
        self.report
            .per_node
            .iter()
            .filter(|(n, _)| nodes.present()[n.ix()])
            .map(|(n, c)| (nodes.names()[n.ix()].as_str(), *c))
    }

    /// Why the next copy does not fit, or that `--max` stopped the search.
    fn reason(&self) -> String {
        match &self.report.reason {
            Some(r) => r.clone(),
            None => format!("stopped at --max {}", self.max),
        }
    }

    /// A sentence, the reason for the next copy and a per-node table.
    pub fn text(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(
            o,
            "{} more replicas of {} {}/{} fit at {} s (scheduler {}, seed {})",
            self.report.placed,
            self.kind,
            self.namespace,
            self.name,
            self.at_s,
            self.sim.scheduler_name,
            self.sim.seed
        );
        let _ = writeln!(o, "next replica: {}", self.reason());
        let width = self.nodes().map(|(n, _)| n.len()).max().unwrap_or(0).max(4);
        let _ = writeln!(o, "{:<width$}  replicas", "node");
        for (node, count) in self.nodes() {
            let _ = writeln!(o, "{node:<width$}  {count}");
        }
        o
    }

    /// `kind,name,replicas,reason`: a `node` row per node, then the `total` row.
    pub fn csv(&self) -> String {
        let mut o = String::from("kind,name,replicas,reason\n");
        for (node, count) in self.nodes() {
            let _ = writeln!(o, "node,{},{count},", q(node));
        }
        let _ = writeln!(
            o,
            "total,{},{},{}",
            q(self.name),
            self.report.placed,
            q(&self.reason())
        );
        o
    }

    /// One JSON object.
    pub fn json(&self) -> String {
        let nodes: Vec<serde_json::Value> = self
            .nodes()
            .map(|(node, count)| serde_json::json!({"node": node, "replicas": count}))
            .collect();
        let v = serde_json::json!({
            "kind": self.kind,
            "namespace": self.namespace,
            "name": self.name,
            "at_s": self.at_s,
            "scheduler": self.sim.scheduler_name,
            "seed": self.sim.seed,
            "replicas": self.report.placed,
            "next_replica": self.reason(),
            "max_reached": self.report.reason.is_none(),
            "nodes": nodes,
        });
        format!("{v:#}\n")
    }
}
