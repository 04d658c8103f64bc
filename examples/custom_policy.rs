//! A custom scheduling policy in Rust: a Filter that keeps pods off nodes labelled
//! `example.com/maintenance=true` and a Score that prefers the nodes with the fewest pods,
//! registered under its own name and enabled from a KubeSchedulerConfiguration.
//!
//! Run: `cargo run --release --example custom_policy`

use k8sim::cluster::{Cluster, NodeIdx, Pod};
use k8sim::scheduler::config::PluginArgs;
use k8sim::scheduler::framework::{
    Code, CycleState, FilterPlugin, Plugin, ScorePlugin, Status, MAX_NODE_SCORE,
};
use k8sim::scheduler::plugins::registry::Registry;
use k8sim::sim::Simulation;
use std::sync::Arc;

/// The plugin: one struct may implement several extension points.
struct FewestPods;

impl Plugin for FewestPods {
    fn name(&self) -> &'static str {
        "FewestPods"
    }
    // Declare the extension points it implements.
    fn as_filter(&self) -> Option<&dyn FilterPlugin> {
        Some(self)
    }
    fn as_score(&self) -> Option<&dyn ScorePlugin> {
        Some(self)
    }
}

impl FilterPlugin for FewestPods {
    fn filter(&self, _state: &CycleState, _pod: &Pod, cluster: &Cluster, n: NodeIdx) -> Status {
        let labels = &cluster.nodes().labels()[n.ix()];
        if labels.get("example.com/maintenance").map(String::as_str) == Some("true") {
            Status::new(
                Code::UnschedulableAndUnresolvable,
                "node(s) were in maintenance",
            )
        } else {
            Status::success()
        }
    }
}

impl ScorePlugin for FewestPods {
    /// Raw score: pods already on the node.
    fn score(&self, _state: &CycleState, _pod: &Pod, cluster: &Cluster, n: NodeIdx) -> i64 {
        cluster.nodes().pods()[n.ix()].len() as i64
    }

    /// Fewer pods is better: map onto 0..=100 with the emptiest node at 100 (the
    /// framework checks the range and applies the weight).
    fn normalize_score(&self, _state: &CycleState, _pod: &Pod, scores: &mut [i64]) {
        let max = scores.iter().copied().max().unwrap_or(0);
        for s in scores.iter_mut() {
            *s = if max == 0 {
                MAX_NODE_SCORE
            } else {
                MAX_NODE_SCORE - *s * MAX_NODE_SCORE / max
            };
        }
    }
}

const CONFIG: &str = "\
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
- schedulerName: default-scheduler
  plugins:
    filter:
      enabled:
      - name: FewestPods
    score:
      disabled:
      - name: '*'
      enabled:
      - name: FewestPods
        weight: 1
";

fn main() -> anyhow::Result<()> {
    // 1. Register the plugin next to the in-tree ones.
    let mut registry = Registry::in_tree();
    registry.register(
        "FewestPods",
        Box::new(|args, _resources| match args {
            PluginArgs::None => Ok(Arc::new(FewestPods) as Arc<dyn Plugin>),
            _ => Err("FewestPods takes no args".into()),
        }),
    );
    // 2. A KubeSchedulerConfiguration that enables it (a scenario's `scheduler:` may name
    //    such a file, relative to the scenario).
    let dir = std::env::temp_dir().join("k8sim-custom-policy");
    std::fs::create_dir_all(&dir)?;
    let config = dir.join("fewest-pods.yaml");
    std::fs::write(&config, CONFIG)?;
    // 3. Run the built-in seed scenario with it.
    let scenario = k8sim::input::scenario::load_builtin()?;
    let mut sim = Simulation::with_registry(
        &scenario,
        scenario.seed,
        config.to_str().expect("utf-8 path"),
        &registry,
    )?;
    sim.run()?;
    for (i, name) in sim.cluster.nodes().names().iter().enumerate() {
        println!("{name}: {} pods", sim.cluster.nodes().pods()[i].len());
    }
    Ok(())
}
