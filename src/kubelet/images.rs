//! Image pulls per node, as the kubelet's image manager makes them (pkg/kubelet/images:
//! image_manager.go EnsureImageExists, puller.go): an image already on the node needs no
//! pull under `IfNotPresent` and `Never` and only a manifest check under `Always`; an image
//! another pod is pulling is waited for, not pulled again; a pull (or check) waits for a
//! free pull worker of the node: one with `serializeImagePulls: true` (the default),
//! `maxParallelImagePulls` (or unlimited) without it. `Never` with the image absent fails
//! with `ErrImageNeverPull` and the container does not start.

use super::{KubeletContext, KubeletTimer};
use crate::cluster::{ImageId, NodeIdx, PodId};
use crate::model::pod::PullPolicy;
use std::collections::BTreeMap;

/// One node's image puller.
#[derive(Debug, Clone, Default)]
pub struct NodePuller {
    /// When each pull worker is next free, ms (empty: no limit on parallel pulls).
    workers_free_at_ms: Vec<u64>,
    /// Images being pulled and when each pull ends, ms.
    pulling: BTreeMap<ImageId, u64>,
}

impl NodePuller {
    /// A puller with `workers` pull workers (`None`: unlimited), none busy.
    pub fn new(workers: Option<u32>) -> Self {
        NodePuller {
            workers_free_at_ms: vec![0; workers.unwrap_or(0) as usize],
            pulling: BTreeMap::new(),
        }
    }

    /// Queues a request made at `at_ms` that keeps a worker busy for `ms`; returns when it
    /// ends. The worker free first takes it (the lowest index among equals).
    fn run(&mut self, at_ms: u64, ms: u64) -> u64 {
        let Some(worker) = self.workers_free_at_ms.iter_mut().min_by_key(|free| **free) else {
            return at_ms + ms;
        };
        let end = (*worker).max(at_ms) + ms;
        *worker = end;
        end
    }
}

/// How the images of a pod came to be on its node.
pub enum Readiness {
    /// Every image is there at this time (ms); `pulled` names the first image the pod
    /// waited for, if any.
    At {
        /// When the last image is ready, ms.
        ready_ms: u64,
        /// The first image waited for.
        pulled: Option<String>,
    },
    /// An image with `imagePullPolicy: Never` is not on the node.
    NeverPull(String),
}

/// Ensures every image of pod `p` on `node`, container by container in start order:
/// starts the pulls and manifest checks it needs and says when the last image is ready.
pub fn ensure_images(ctx: &mut impl KubeletContext, p: PodId, node: NodeIdx) -> Readiness {
    let now = ctx.now().as_millis();
    let containers: Vec<(String, PullPolicy)> = {
        let spec = &ctx.cluster().pods()[p.ix()].spec;
        spec.init_containers
            .iter()
            .chain(spec.containers.iter())
            .map(|c| (c.image.clone(), c.pull_policy))
            .collect()
    };
    let (pull_ms, check_ms) = (ctx.runtime().image_pull_ms, ctx.runtime().image_check_ms);
    let mut t = now;
    let mut pulled = None;
    for (image, policy) in containers {
        let id = ctx.image_id(&image);
        let present = ctx.cluster().has_image(node, id);
        let puller = &mut ctx.kubelets().pullers[node.ix()];
        let pulling = puller.pulling.get(&id).copied();
        let ready = match (policy, present, pulling) {
            (PullPolicy::Never, false, _) => return Readiness::NeverPull(image),
            (PullPolicy::Never, true, _) | (PullPolicy::IfNotPresent, true, _) => t,
            (PullPolicy::IfNotPresent, false, Some(end)) => end.max(t),
            // Always: the pull request finds the layers (or a pull under way) and only
            // checks the manifest.
            (PullPolicy::Always, true, _) => puller.run(t, check_ms),
            (PullPolicy::Always, false, Some(end)) => puller.run(t, check_ms).max(end),
            (_, false, None) => {
                let end = puller.run(t, pull_ms);
                puller.pulling.insert(id, end);
                ctx.after(end - now, KubeletTimer::ImagePullDone { node, image: id });
                end
            }
        };
        if ready > t && pulled.is_none() {
            pulled = Some(image);
        }
        t = t.max(ready);
    }
    Readiness::At {
        ready_ms: t,
        pulled,
    }
}

/// A pull on `node` may have ended: the image is on the node unless the pull was lost
/// (the node failed since).
pub fn pull_done(ctx: &mut impl KubeletContext, node: NodeIdx, image: ImageId) {
    let now = ctx.now().as_millis();
    let puller = &mut ctx.kubelets().pullers[node.ix()];
    if puller.pulling.get(&image) != Some(&now) {
        return;
    }
    puller.pulling.remove(&image);
    ctx.image_stored(node, image);
}

/// The node's kubelet stopped: pulls under way are lost (images already pulled stay).
pub fn node_failed(ctx: &mut impl KubeletContext, node: NodeIdx) {
    ctx.kubelets().pullers[node.ix()] = NodePuller::new(ctx.runtime().image_pull_workers);
}
