//! A plugin author's own `k8sim`: registers an out-of-tree Score plugin and hands over to
//! the full command line, so `compare`, `sweep`, `run`, ... all know the plugin. The
//! KubeSchedulerConfiguration `examples/most-pods.yaml` enables it; a scheduler path is
//! relative to the scenario:
//!
//! ```sh
//! cargo run --release --example plugin_cli -- compare scenarios/seed.yaml \
//!     --schedulers default,../examples/most-pods.yaml --seeds 1..3 --baseline default
//! ```

use k8sim::cluster::{Cluster, NodeIdx, Pod};
use k8sim::scheduler::config::PluginArgs;
use k8sim::scheduler::framework::{CycleState, Plugin, ScorePlugin, MAX_NODE_SCORE};
use k8sim::scheduler::plugins::registry::Registry;
use std::sync::Arc;

/// Packs pods by count: the node already holding the most pods scores highest.
struct MostPods;

impl Plugin for MostPods {
    fn name(&self) -> &'static str {
        "MostPods"
    }
    fn as_score(&self) -> Option<&dyn ScorePlugin> {
        Some(self)
    }
}

impl ScorePlugin for MostPods {
    /// Raw score: pods already on the node.
    fn score(&self, _state: &CycleState, _pod: &Pod, cluster: &Cluster, n: NodeIdx) -> i64 {
        cluster.nodes().pods()[n.ix()].len() as i64
    }

    /// The fullest node gets 100, an empty one 0 (the framework checks the range).
    fn normalize_score(&self, _state: &CycleState, _pod: &Pod, scores: &mut [i64]) {
        let max = scores.iter().copied().max().unwrap_or(0);
        for s in scores.iter_mut() {
            *s = if max == 0 {
                0
            } else {
                *s * MAX_NODE_SCORE / max
            };
        }
    }
}

fn main() {
    let mut registry = Registry::in_tree();
    registry.register(
        "MostPods",
        Box::new(|args, _resources| match args {
            PluginArgs::None => Ok(Arc::new(MostPods) as Arc<dyn Plugin>),
            _ => Err("MostPods takes no args".into()),
        }),
    );
    k8sim::cli::main_with_registry(registry)
}
