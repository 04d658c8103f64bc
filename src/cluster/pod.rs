//! A live pod: identity, owner, shared spec, phase, placement and lifecycle times.

use super::NodeIdx;
use crate::engine::SimTime;
use crate::model::labels::Labels;
use crate::model::pod::PodSpec;
use std::sync::Arc;

/// Index of a pod in `Cluster::pods`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PodId(pub u32);

impl PodId {
    /// As a vector index.
    #[inline]
    pub fn ix(self) -> usize {
        self.0 as usize
    }
}

/// The controller that owns a pod (index into that controller's table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Owner {
    /// A bare pod.
    None,
    /// A ReplicaSet.
    ReplicaSet(u32),
    /// A StatefulSet.
    StatefulSet(u32),
    /// A Job.
    Job(u32),
    /// A DaemonSet.
    DaemonSet(u32),
}

/// `v1.PodPhase`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PodPhase {
    /// Accepted, not all containers running yet (includes scheduling and image pulls).
    Pending,
    /// Bound and containers running.
    Running,
    /// All containers terminated successfully.
    Succeeded,
    /// All containers terminated, at least one failed.
    Failed,
}

impl PodPhase {
    /// Kubernetes' spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            PodPhase::Pending => "Pending",
            PodPhase::Running => "Running",
            PodPhase::Succeeded => "Succeeded",
            PodPhase::Failed => "Failed",
        }
    }

    /// Succeeded or Failed.
    pub fn is_terminal(&self) -> bool {
        matches!(self, PodPhase::Succeeded | PodPhase::Failed)
    }
}

/// When things happened to a pod.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PodTimes {
    /// Created.
    pub created: SimTime,
    /// Bound to a node.
    pub scheduled: Option<SimTime>,
    /// Containers started (Running).
    pub started: Option<SimTime>,
    /// Ready condition became true.
    pub ready: Option<SimTime>,
    /// Terminated (Succeeded, Failed or deleted).
    pub finished: Option<SimTime>,
}

/// A live pod.
#[derive(Debug, Clone)]
pub struct Pod {
    /// Name.
    pub name: String,
    /// Namespace.
    pub namespace: String,
    /// Labels, shared by every live pod of its label class (`Cluster::add_pod` swaps in
    /// the class's copy: one map per class instead of one per pod).
    pub labels: Arc<Labels>,
    /// Owner.
    pub owner: Owner,
    /// Spec shared with its template.
    pub spec: Arc<PodSpec>,
    /// Phase.
    pub phase: PodPhase,
    /// Node it is bound to.
    pub node: Option<NodeIdx>,
    /// Lifecycle times.
    pub times: PodTimes,
    /// Scheduling attempts.
    pub attempts: u32,
    /// Container restarts.
    pub restarts: u32,
    /// Ready condition.
    pub ready: bool,
    /// Deletion requested (deletionTimestamp set).
    pub deleting: bool,
    /// Node resources have been released.
    pub released: bool,
    /// Deletion finished: the pod object is gone from the API (its name is free).
    pub gone: bool,
    /// Bumped whenever pending lifecycle events of this pod become stale.
    pub generation: u32,
    /// StatefulSet ordinal or Job completion index.
    pub index: Option<i32>,
    /// Name of the workload that set its run duration (for the runtime model).
    pub workload: String,
    /// Owner's revision (template hash) this pod was made from.
    pub revision: String,
    /// Exit code of the last container run (run-to-completion pods).
    pub exit_code: Option<i32>,
}

impl Pod {
    /// A fresh Pending pod.
    pub fn new(
        name: String,
        namespace: String,
        labels: Labels,
        owner: Owner,
        spec: Arc<PodSpec>,
        now: SimTime,
    ) -> Pod {
        Pod {
            name,
            namespace,
            labels: Arc::new(labels),
            owner,
            spec,
            phase: PodPhase::Pending,
            node: None,
            times: PodTimes {
                created: now,
                ..Default::default()
            },
            attempts: 0,
            restarts: 0,
            ready: false,
            deleting: false,
            released: false,
            gone: false,
            generation: 0,
            index: None,
            workload: String::new(),
            revision: String::new(),
            exit_code: None,
        }
    }

    /// Not terminated and not being deleted: counts towards a controller's replicas.
    pub fn is_active(&self) -> bool {
        !self.phase.is_terminal() && !self.deleting
    }

    /// Being deleted but not gone yet (kubectl's `Terminating`): its containers are
    /// stopping and it still holds its node's resources and its name.
    pub fn is_terminating(&self) -> bool {
        self.deleting && !self.gone
    }
}
