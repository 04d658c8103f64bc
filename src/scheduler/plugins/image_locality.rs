//! ImageLocality: prefers nodes that already hold the pod's images, scaled by how widely
//! each image is spread (pkg/scheduler/framework/plugins/imagelocality).
//!
//! An image counts with its recorded size (`Cluster::image_sizes`, from the node's
//! reported images); an image of unknown size counts as
//! [`ImageLocality::image_size_bytes`] (default 500 MiB).

use super::names;
use crate::cluster::{Cluster, NodeIdx, Pod};
use crate::scheduler::framework::{
    CacheMode, CycleState, Plugin, ScorePlugin, Status, MAX_NODE_SCORE,
};

const MB: i64 = 1024 * 1024;
/// Below this summed score a node gets 0 (kube: 23 MB).
pub const MIN_THRESHOLD: i64 = 23 * MB;
/// Per container, above this a node gets 100 (kube: 1000 MB).
pub const MAX_CONTAINER_THRESHOLD: i64 = 1000 * MB;

/// The ImageLocality plugin.
#[derive(Debug, Clone)]
pub struct ImageLocality {
    /// The size assumed for an image whose size is unknown, bytes.
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

/// True if some node holds one of the pod's images.
fn any_image_present(pod: &Pod, cluster: &Cluster) -> bool {
    if cluster.image_node_count.iter().all(|c| *c == 0) {
        return false;
    }
    pod.spec.images().any(|img| {
        cluster
            .lookup_image(img)
            .is_some_and(|id| cluster.image_node_count[id.0 as usize] > 0)
    })
}

impl ScorePlugin for ImageLocality {
    /// The scores depend on how many nodes hold each image: not cached unless skipped.
    fn score_cache_mode(&self, pod: &Pod, cluster: &Cluster) -> CacheMode {
        if any_image_present(pod, cluster) {
            CacheMode::Unsupported
        } else {
            CacheMode::Skip
        }
    }

    /// Skips when no node holds any of the pod's images: every node would score 0.
    fn pre_score(
        &self,
        _state: &mut CycleState,
        pod: &Pod,
        cluster: &Cluster,
        _nodes: &[NodeIdx],
    ) -> Status {
        if any_image_present(pod, cluster) {
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
                let size = match cluster.image_sizes[id.0 as usize] {
                    0 => self.image_size_bytes,
                    known => known,
                };
                sum += (size as f64 * spread) as i64;
            }
        }
        calculate_priority(sum, containers)
    }
}
