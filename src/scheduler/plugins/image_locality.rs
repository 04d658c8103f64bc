//! ImageLocality: prefers nodes that already hold the pod's images, scaled by how widely
//! each image is spread (pkg/scheduler/framework/plugins/imagelocality).
//!
//! An image counts with its recorded size (`Cluster::image_sizes`, from the node's
//! reported images); an image of unknown size counts as
//! [`ImageLocality::image_size_bytes`] (default 500 MiB).

use super::names;
use crate::cluster::{Cluster, ImageId, NodeIdx, Pod};
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
    if cluster.image_node_count().iter().all(|c| *c == 0) {
        return false;
    }
    pod.spec.images().any(|img| {
        cluster
            .lookup_image(img)
            .is_some_and(|id| cluster.image_node_count()[id.0 as usize] > 0)
    })
}

/// CycleState key of [`PreScoreState`].
const PRE_SCORE_KEY: &str = "PreScoreImageLocality";

/// What PreScore computes once per cycle: per container (init containers first) whose
/// image the cluster knows, the image and its scaled score; and the number of containers.
/// Score then only asks each node which of these images it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreScoreState {
    /// (image, `size × nodesHaving / totalNodes`) per container with a known image.
    pub images: Vec<(ImageId, i64)>,
    /// Number of containers (init and app).
    pub containers: usize,
}

/// kube's `scaledImageScore`: the image's size scaled by the share of nodes holding it.
fn scaled_image_score(size_bytes: i64, nodes_having: usize, total_nodes: usize) -> i64 {
    let spread = nodes_having as f64 / total_nodes as f64;
    (size_bytes as f64 * spread) as i64
}

impl ImageLocality {
    /// The size counted for image `id`: its recorded size, or the configured default.
    fn size_of(&self, cluster: &Cluster, id: ImageId) -> i64 {
        match cluster.image_sizes()[id.0 as usize] {
            0 => self.image_size_bytes,
            known => known,
        }
    }

    /// PreScore's per-cycle state from the maintained per-image node counts
    /// (`Cluster::image_node_count`) and the cached number of present nodes.
    pub fn pre_score_state(&self, pod: &Pod, cluster: &Cluster) -> PreScoreState {
        let total_nodes = cluster.present_node_count().max(1);
        let mut state = PreScoreState {
            images: Vec::new(),
            containers: 0,
        };
        for img in pod.spec.images() {
            state.containers += 1;
            if let Some(id) = cluster.lookup_image(img) {
                let having = cluster.image_node_count()[id.0 as usize] as usize;
                let scaled = scaled_image_score(self.size_of(cluster, id), having, total_nodes);
                state.images.push((id, scaled));
            }
        }
        state
    }

    /// The score of node `n` from PreScore's state.
    fn score_with(state: &PreScoreState, cluster: &Cluster, n: NodeIdx) -> i64 {
        let sum = state
            .images
            .iter()
            .filter(|(id, _)| cluster.has_image(n, *id))
            .map(|(_, scaled)| scaled)
            .sum();
        calculate_priority(sum, state.containers)
    }

    /// The straightforward score of node `n`, kept as the reference for the fast path
    /// (`tests/scheduler_image_locality.rs` checks both agree): counts the present nodes
    /// and, per container, the present nodes holding its image, by scanning every node's
    /// image list.
    pub fn score_reference(&self, pod: &Pod, cluster: &Cluster, n: NodeIdx) -> i64 {
        let present = &cluster.nodes().present();
        let holds = |m: NodeIdx, id| cluster.nodes().images()[m.ix()].binary_search(&id).is_ok();
        let total_nodes = present.iter().filter(|p| **p).count().max(1);
        let mut sum = 0i64;
        let mut containers = 0;
        for img in pod.spec.images() {
            containers += 1;
            let Some(id) = cluster.lookup_image(img) else {
                continue;
            };
            if holds(n, id) {
                let having = cluster
                    .nodes()
                    .indices()
                    .filter(|m| present[m.ix()] && holds(*m, id))
                    .count();
                sum += scaled_image_score(self.size_of(cluster, id), having, total_nodes);
            }
        }
        calculate_priority(sum, containers)
    }
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

    /// Skips when no node holds any of the pod's images (every node would score 0);
    /// otherwise computes each image's scaled score once ([`PreScoreState`]).
    fn pre_score(
        &self,
        state: &mut CycleState,
        pod: &Pod,
        cluster: &Cluster,
        _nodes: &[NodeIdx],
    ) -> Status {
        if !any_image_present(pod, cluster) {
            return Status::skip();
        }
        state.write(PRE_SCORE_KEY, self.pre_score_state(pod, cluster));
        Status::success()
    }

    /// `sum over containers on the node of size × nodesHaving / totalNodes`, then
    /// [`calculate_priority`] (kube's `sumImageScores` / `scaledImageScore`).
    fn score(&self, state: &CycleState, pod: &Pod, cluster: &Cluster, n: NodeIdx) -> i64 {
        match state.read::<PreScoreState>(PRE_SCORE_KEY) {
            Some(s) => Self::score_with(s, cluster, n),
            None => Self::score_with(&self.pre_score_state(pod, cluster), cluster, n),
        }
    }

    /// [`ScorePlugin::score`] for every node, reading PreScore's state once.
    fn score_all(
        &self,
        state: &CycleState,
        pod: &Pod,
        cluster: &Cluster,
        nodes: &[NodeIdx],
        out: &mut [i64],
    ) {
        let computed;
        let s = match state.read::<PreScoreState>(PRE_SCORE_KEY) {
            Some(s) => s,
            None => {
                computed = self.pre_score_state(pod, cluster);
                &computed
            }
        };
        for (o, n) in out.iter_mut().zip(nodes) {
            *o = Self::score_with(s, cluster, *n);
        }
    }
}
