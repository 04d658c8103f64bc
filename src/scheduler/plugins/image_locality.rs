//! ImageLocality: prefers nodes that already hold the pod's images, scaled by how widely
//! each image is spread (pkg/scheduler/framework/plugins/imagelocality).
//!
//! The cluster model records which images a node holds but not their sizes, so every
//! image counts as [`ImageLocality::image_size_bytes`] (default 500 MiB).

use super::names;
use crate::cluster::{Cluster, NodeIdx, Pod};
use crate::scheduler::framework::{CycleState, Plugin, ScorePlugin, Status, MAX_NODE_SCORE};

const MB: i64 = 1024 * 1024;
/// Below this summed score a node gets 0 (kube: 23 MB).
pub const MIN_THRESHOLD: i64 = 23 * MB;
/// Per container, above this a node gets 100 (kube: 1000 MB).
pub const MAX_CONTAINER_THRESHOLD: i64 = 1000 * MB;

/// The ImageLocality plugin.
#[derive(Debug, Clone)]
pub struct ImageLocality {
    /// The size assumed for every image, bytes.
    pub image_size_bytes: i64,
}

impl Default for ImageLocality {
    fn default() -> Self {
        ImageLocality {
            image_size_bytes: 500 * MB,
        }
    }
}

impl Plugin for ImageLocality {
    fn name(&self) -> &'static str {
        names::IMAGE_LOCALITY
    }
    fn as_score(&self) -> Option<&dyn ScorePlugin> {
        Some(self)
    }
}

/// kube's `calculatePriority`: clamps the summed image score into
/// `[23 MB, 1000 MB × containers]` and maps it linearly onto 0..=100.
pub fn calculate_priority(sum_scores: i64, num_containers: usize) -> i64 {
    let max_threshold = MAX_CONTAINER_THRESHOLD * num_containers as i64;
    let s = sum_scores.clamp(MIN_THRESHOLD, max_threshold.max(MIN_THRESHOLD));
    if max_threshold <= MIN_THRESHOLD {
        return 0;
    }
    MAX_NODE_SCORE * (s - MIN_THRESHOLD) / (max_threshold - MIN_THRESHOLD)
}

impl ScorePlugin for ImageLocality {
    /// Skips when no node holds any of the pod's images: every node would score 0.
    fn pre_score(
        &self,
        _state: &mut CycleState,
        pod: &Pod,
        cluster: &Cluster,
        _nodes: &[NodeIdx],
    ) -> Status {
        let any = pod.spec.images().any(|img| {
            cluster
                .lookup_image(img)
                .is_some_and(|id| cluster.image_node_count[id.0 as usize] > 0)
        });
        if any {
            Status::success()
        } else {
            Status::skip()
        }
    }

    /// `sum over containers on the node of size × nodesHaving / totalNodes`, then
    /// [`calculate_priority`] (kube's `sumImageScores` / `scaledImageScore`).
    fn score(&self, _state: &CycleState, pod: &Pod, cluster: &Cluster, n: NodeIdx) -> i64 {
        let total_nodes = cluster.nodes.present.iter().filter(|p| **p).count().max(1);
        let mut sum = 0i64;
        let mut containers = 0;
        for img in pod.spec.images() {
            containers += 1;
            let Some(id) = cluster.lookup_image(img) else {
                continue;
            };
            if cluster.has_image(n, id) {
                let spread = cluster.image_node_count[id.0 as usize] as f64 / total_nodes as f64;
                sum += (self.image_size_bytes as f64 * spread) as i64;
            }
        }
        calculate_priority(sum, containers)
    }
}
