//! What the Cluster Autoscaler may see and do: the cluster read-only, the pods the
//! scheduler could not place, the scheduler profile's filters, PodDisruptionBudgets, and
//! as methods the changes CA makes (timers, nodes added from a group's template, nodes
//! tainted, pods evicted, nodes deleted, events). Implemented over the simulation in
//! `sim/autoscaler_context.rs`.

use super::Timer;
use crate::cluster::{Cluster, NodeIdx, Pod, PodId};
use crate::engine::SimTime;
use crate::model::node::NodeSpec;
use crate::model::pod::RunDuration;
use crate::model::workload::PodTemplate;
use crate::scheduler::profile::Profile;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The narrow view of the simulation the Cluster Autoscaler works with.
pub trait AutoscalerContext {
    /// The current simulated time.
    fn now(&self) -> SimTime;

    /// Nodes and pods, read-only.
    fn cluster(&self) -> &Cluster;

    /// Pods a scheduling attempt failed for (PodScheduled False, reason Unschedulable) that
    /// are still unbound and not being deleted, in pod order.
    fn unschedulable_pods(&self) -> Vec<PodId>;

    /// The scheduler profile that serves `pod`'s schedulerName, if any.
    fn profile_for(&self, pod: &Pod) -> Option<&Profile>;

    /// The template pod `p` was created from (its controller's), `None` for a bare pod.
    fn pod_template(&self, p: PodId) -> Option<&PodTemplate>;

    /// Whether a PodDisruptionBudget selects pod `p`.
    fn has_pdb(&self, p: PodId) -> bool;

    /// Whether the PodDisruptionBudgets allow evicting all of `pods` now.
    fn pdbs_allow(&self, pods: &[PodId]) -> bool;

    /// Draws a duration from `d` with `rng`, in ms.
    fn sample_ms(&self, d: &RunDuration, rng: &mut Xoshiro256PlusPlus) -> u64;

    /// Arms `timer` at `at` (not in the past).
    fn timer_at(&mut self, at: SimTime, timer: Timer);

    /// A machine of `group` was asked for: the cloud bills it from now until
    /// [`AutoscalerContext::machine_request_closed`].
    fn machine_requested(&mut self, group: &str);

    /// A machine asked for earlier registered as a node (billed as a node from now) or
    /// was given up after `--max-node-provision-time`.
    fn machine_request_closed(&mut self, group: &str);

    /// A node of a group registers, Ready, from the group's template.
    fn add_node(&mut self, template: &NodeSpec) -> NodeIdx;

    /// Taints node `n` `ToBeDeletedByClusterAutoscaler:NoSchedule`.
    fn taint_to_be_deleted(&mut self, n: NodeIdx);

    /// Takes the `ToBeDeletedByClusterAutoscaler` taint off node `n` again.
    fn untaint_to_be_deleted(&mut self, n: NodeIdx);

    /// Evicts pod `p` through the eviction API with `grace_period_s`; false if a PDB refuses.
    fn evict(&mut self, p: PodId, grace_period_s: i64) -> bool;

    /// Deletes node `n` (its remaining pods are garbage-collected).
    fn delete_node(&mut self, n: NodeIdx);

    /// Records a Kubernetes-style event.
    fn record_event(&mut self, event: CaEvent<'_>);
}

/// An event the Cluster Autoscaler records, in its own words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaEvent<'a> {
    /// Kind of the object it is about (`Pod`, `Node`, `ConfigMap`).
    pub object_kind: &'static str,
    /// Name of the object.
    pub object: &'a str,
    /// `Normal` or `Warning`.
    pub kind: &'static str,
    /// Reason (`TriggeredScaleUp`, `ScaleDown`, ...).
    pub reason: &'static str,
    /// Message.
    pub message: String,
}

/// The ConfigMap CA writes its status to and records cluster-wide events on.
pub const STATUS_CONFIGMAP: &str = "cluster-autoscaler-status";

impl CaEvent<'static> {
    /// An event on CA's status ConfigMap.
    pub fn status(kind: &'static str, reason: &'static str, message: String) -> Self {
        CaEvent {
            object_kind: "ConfigMap",
            object: STATUS_CONFIGMAP,
            kind,
            reason,
            message,
        }
    }
}
