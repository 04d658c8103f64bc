//! What the kubelet may see and do. The kubelet model acts through a [`KubeletContext`],
//! which the simulation implements: it reads the cluster and the runtime model, keeps its
//! own per-node state, reports its pods' status, and sets timers for what happens next on
//! the node. It cannot reach the scheduler, the controllers' state or the metrics; a pod's
//! phase (and the pod counters that follow it) changes only through the context.

use super::Kubelets;
use crate::cluster::{Cluster, ImageId, NodeIdx, PodId, PodStatusMut};
use crate::engine::SimTime;
use crate::model::runtime::RuntimeModel;

/// Something the kubelet expects to happen on a node after a delay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KubeletTimer {
    /// The pod's images are on the node.
    ImagePulled {
        /// Pod.
        pod: PodId,
        /// Pod generation the timer belongs to.
        generation: u32,
    },
    /// An image pull on a node may have ended.
    ImagePullDone {
        /// Node.
        node: NodeIdx,
        /// Image.
        image: ImageId,
    },
    /// The pod's containers are running.
    ContainerStarted {
        /// Pod.
        pod: PodId,
        /// Pod generation.
        generation: u32,
    },
    /// The pod's readiness probe succeeds.
    PodReady {
        /// Pod.
        pod: PodId,
        /// Pod generation.
        generation: u32,
    },
    /// The pod's containers exit.
    PodFinished {
        /// Pod.
        pod: PodId,
        /// Pod generation.
        generation: u32,
        /// Exit code 0.
        succeeded: bool,
    },
    /// A container exits with a failure.
    ContainerCrashed {
        /// Pod.
        pod: PodId,
        /// Pod generation.
        generation: u32,
    },
    /// A crashed container's back-off ends.
    ContainerRestart {
        /// Pod.
        pod: PodId,
        /// Pod generation.
        generation: u32,
    },
}

impl KubeletTimer {
    /// The pod the timer belongs to (none for a node's image pull).
    pub fn pod(&self) -> Option<PodId> {
        match *self {
            KubeletTimer::ImagePullDone { .. } => None,
            KubeletTimer::ImagePulled { pod, .. }
            | KubeletTimer::ContainerStarted { pod, .. }
            | KubeletTimer::PodReady { pod, .. }
            | KubeletTimer::PodFinished { pod, .. }
            | KubeletTimer::ContainerCrashed { pod, .. }
            | KubeletTimer::ContainerRestart { pod, .. } => Some(pod),
        }
    }
}

/// The narrow view of the simulation the kubelet model works with.
pub trait KubeletContext {
    /// The current simulated time.
    fn now(&self) -> SimTime;

    /// Nodes and pods, read-only.
    fn cluster(&self) -> &Cluster;

    /// How long pulls, starts, runs and terminations take.
    fn runtime(&self) -> &RuntimeModel;

    /// The kubelets' own state.
    fn kubelets(&mut self) -> &mut Kubelets;

    /// The kubelets' state and the runtime model, both at once.
    fn kubelets_and_runtime(&mut self) -> (&mut Kubelets, &RuntimeModel);

    /// Pod `p`'s status as its kubelet reports it (restarts, exit code, generation); its
    /// phase changes only through [`KubeletContext::containers_started`] and
    /// [`KubeletContext::pod_failed`], its readiness only through
    /// [`KubeletContext::pod_ready`] and [`KubeletContext::pod_unready`] (the owner's
    /// status counts follow those).
    fn pod_status(&mut self, p: PodId) -> PodStatusMut<'_>;

    /// The id of image `name` (interned on first use).
    fn image_id(&mut self, name: &str) -> ImageId;

    /// Image `image` is now on `node`.
    fn image_stored(&mut self, node: NodeIdx, image: ImageId);

    /// Sets a timer: `timer` happens `delay_ms` from now.
    fn after(&mut self, delay_ms: u64, timer: KubeletTimer);

    /// Pod `p`'s containers started: its phase is Running.
    fn containers_started(&mut self, p: PodId);

    /// Pod `p` became Ready.
    fn pod_ready(&mut self, p: PodId);

    /// Pod `p` is no longer Ready (its container stopped).
    fn pod_unready(&mut self, p: PodId);

    /// Pod `p`'s containers failed and will not restart (phase Failed).
    fn pod_failed(&mut self, p: PodId);

    /// Pod `p`'s status changed in a way its owner watches.
    fn notify_owner(&mut self, p: PodId);

    /// The exit code of pod `p`'s next container run (0 unless its Job lists codes).
    fn next_exit_code(&mut self, p: PodId) -> i32;

    /// Records a Kubernetes-style event about a pod.
    fn record_pod_event(&mut self, pod: &str, kind: &'static str, reason: &str, message: String);
}
