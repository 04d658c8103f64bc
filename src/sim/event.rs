//! The closed set of events the simulation schedules on the engine.

use crate::cluster::{NodeIdx, PodId};
use crate::controllers::ControllerRef;
use crate::kubelet::KubeletTimer;

/// Everything that can happen at a simulated instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The scheduler takes the next pod from its activeQ.
    SchedulerCycle,
    /// Pods whose back-off expired move to the activeQ.
    BackoffFlush,
    /// Periodic flush of pods parked as unschedulable for too long (every 30 s).
    UnschedulableFlush,
    /// Binding of a pod to a node completes.
    Bind {
        /// Pod.
        pod: PodId,
        /// Node.
        node: NodeIdx,
    },
    /// A kubelet timer: images pulled, containers started, ready, finished, crashed or
    /// restarted on a node.
    Kubelet(KubeletTimer),
    /// A controller reconciles.
    Sync(ControllerRef),
    /// A CronJob's schedule fires.
    CronTick(u32),
    /// A timeline entry runs.
    Timeline(u32),
    /// The metrics recorder samples the cluster.
    Sample,
    /// The node-monitor grace period of a failed node ran out.
    NodeNotReady {
        /// Node.
        node: NodeIdx,
        /// Node lifecycle epoch the timer belongs to.
        epoch: u32,
    },
    /// A pod's toleration of a NoExecute taint ran out.
    TaintEvict {
        /// Pod.
        pod: PodId,
        /// Pod generation.
        generation: u32,
        /// Node lifecycle epoch.
        epoch: u32,
    },
    /// A pod's graceful termination period ended.
    PodTerminated {
        /// Pod.
        pod: PodId,
        /// Pod generation.
        generation: u32,
    },
    /// A random node fault (or repair) happens.
    RandomFault {
        /// Node.
        node: NodeIdx,
        /// Index of the fault model.
        model: u32,
        /// Fail (true) or recover (false).
        fail: bool,
    },
    /// `kubectl drain` retries evictions.
    DrainRetry(u32),
    /// A Cluster Autoscaler timer (scan, node provisioned or timed out, drained node).
    Autoscaler(crate::autoscaler::Timer),
    /// A Permit plugin's wait for a pod may have run out.
    PermitTimeout {
        /// Pod.
        pod: PodId,
        /// Which wait of the pod (a pod may wait at Permit again after a rejection).
        wait: u32,
    },
    /// The kubelets evaluate resource usage (only when usage is modelled).
    UsageTick,
}

impl Event {
    /// Number of event kinds (each controller kind's sync counts as its own kind).
    pub const KINDS: usize = 29;

    /// The pod this event is about, if any (a timer of a pod that has since been retired
    /// finds nothing to do).
    pub fn pod(&self) -> Option<PodId> {
        match *self {
            Event::Bind { pod, .. }
            | Event::TaintEvict { pod, .. }
            | Event::PodTerminated { pod, .. }
            | Event::PermitTimeout { pod, .. } => Some(pod),
            Event::Kubelet(timer) => timer.pod(),
            _ => None,
        }
    }

    /// This event's kind, an index below [`Event::KINDS`].
    pub fn kind_index(&self) -> usize {
        match self {
            Event::Sync(c) => match c {
                ControllerRef::Deployment(_) => 0,
                ControllerRef::ReplicaSet(_) => 1,
                ControllerRef::StatefulSet(_) => 2,
                ControllerRef::Job(_) => 3,
                ControllerRef::CronJob(_) => 4,
                ControllerRef::DaemonSet(_) => 5,
                ControllerRef::Hpa(_) => 28,
            },
            Event::SchedulerCycle => 6,
            Event::BackoffFlush => 7,
            Event::UnschedulableFlush => 8,
            Event::Bind { .. } => 9,
            Event::Kubelet(timer) => match timer {
                KubeletTimer::ImagePulled { .. } => 10,
                KubeletTimer::ContainerStarted { .. } => 11,
                KubeletTimer::PodReady { .. } => 12,
                KubeletTimer::PodFinished { .. } => 13,
                KubeletTimer::ContainerCrashed { .. } => 22,
                KubeletTimer::ContainerRestart { .. } => 23,
                KubeletTimer::ImagePullDone { .. } => 25,
            },
            Event::CronTick(_) => 14,
            Event::Timeline(_) => 15,
            Event::Sample => 16,
            Event::NodeNotReady { .. } => 17,
            Event::TaintEvict { .. } => 18,
            Event::PodTerminated { .. } => 19,
            Event::RandomFault { .. } => 20,
            Event::DrainRetry(_) => 21,
            Event::PermitTimeout { .. } => 24,
            Event::Autoscaler(_) => 26,
            Event::UsageTick => 27,
        }
    }

    /// The name of kind `index` and whether it is a controller sync (the controller's
    /// kind is then the name).
    pub fn kind_name(index: usize) -> (&'static str, bool) {
        const NAMES: [&str; Event::KINDS] = [
            "Deployment",
            "ReplicaSet",
            "StatefulSet",
            "Job",
            "CronJob",
            "DaemonSet",
            "SchedulerCycle",
            "BackoffFlush",
            "UnschedulableFlush",
            "Bind",
            "ImagePulled",
            "ContainerStarted",
            "PodReady",
            "PodFinished",
            "CronTick",
            "Timeline",
            "Sample",
            "NodeNotReady",
            "TaintEvict",
            "PodTerminated",
            "RandomFault",
            "DrainRetry",
            "ContainerCrashed",
            "ContainerRestart",
            "PermitTimeout",
            "ImagePullDone",
            "ClusterAutoscaler",
            "UsageTick",
            "HorizontalPodAutoscaler",
        ];
        (NAMES[index], index < 6 || index == 26)
    }
}
