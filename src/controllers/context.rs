//! What a controller may see and do. Every controller acts through a
//! [`ControllerContext`], which the simulation implements: the cluster is read-only, the
//! controllers' own state is theirs to update, and every change to the world (a pod created
//! or deleted, a claim bound, an event, a timer) is one of the context's methods. So a
//! controller cannot reach the scheduler's queues, the kubelets or the metrics, and the
//! pod counters and indexes stay in the simulation's hands.

use super::{ControllerRef, Workloads};
use crate::cluster::pod_metrics::PodMetrics;
use crate::cluster::storage::Storage;
use crate::cluster::{Cluster, Pod, PodId};
use crate::engine::SimTime;

/// The narrow view of the simulation a controller works with.
pub trait ControllerContext {
    /// The current simulated time.
    fn now(&self) -> SimTime;

    /// Wall-clock instant of time zero (Unix seconds), for cron schedules.
    fn start_epoch_s(&self) -> i64;

    /// Nodes, pods and storage, read-only.
    fn cluster(&self) -> &Cluster;

    /// Pod `p`'s latest sample from the resource metrics API (metrics-server), or `None`
    /// when it has none: not scraped yet, or no usage is modelled for it.
    fn pod_metrics(&self, p: PodId) -> Option<PodMetrics>;

    /// The state of every controller.
    fn workloads(&self) -> &Workloads;

    /// The state of every controller, to update.
    fn workloads_mut(&mut self) -> &mut Workloads;

    /// The cluster read-only and the controllers' state to update, both at once.
    fn cluster_and_workloads_mut(&mut self) -> (&Cluster, &mut Workloads);

    /// Claims, volumes and storage classes, to update: the volume controller binds and
    /// provisions, the StatefulSet controller creates its claims.
    fn storage_mut(&mut self) -> &mut Storage;

    /// Storage changed in a way that may let unschedulable pods fit (a claim bound or a
    /// volume provisioned): the scheduler retries them.
    fn storage_changed(&mut self);

    /// A pod name `<prefix>-<5 random chars>` that no live pod of `namespace` has.
    fn unique_pod_name(&mut self, namespace: &str, prefix: &str) -> String;

    /// Frees pod `p`'s name (a StatefulSet reuses an ordinal's name for its replacement).
    fn forget_pod_name(&mut self, p: PodId);

    /// Creates a pod (recording the owner's SuccessfulCreate event) and queues it for
    /// scheduling.
    fn create_pod(&mut self, pod: Pod, owner_kind: &'static str, owner_name: &str) -> PodId;

    /// Deletes pod `p` as a controller does, with the pod's own grace period (the owner
    /// records `SuccessfulDelete` when `reason` says so).
    fn delete_pod(&mut self, p: PodId, reason: &str);

    /// The API server's graceful DELETE of pod `p` with `grace_period_s` seconds
    /// (negative: the pod's own period), as the garbage collector issues it.
    fn delete_pod_with_grace(&mut self, p: PodId, grace_period_s: i64);

    /// Removes pod `p`'s owner reference (an orphaning delete of its owner).
    fn orphan_pod(&mut self, p: PodId);

    /// Retires gone pod `p` that its owner no longer tracks: it leaves the pod table as a
    /// record. False when it has to stay a while longer (see `Cluster::retire_pod`).
    fn retire_pod(&mut self, p: PodId) -> bool;

    /// Asks controller `c` to reconcile now (deduplicated).
    fn request_sync(&mut self, c: ControllerRef);

    /// Asks controller `c` to reconcile at `t` (now, if `t` has passed).
    fn sync_at(&mut self, t: SimTime, c: ControllerRef);

    /// Arms CronJob `cronjob`'s next scheduled time, `t` (not in the past).
    fn cron_tick_at(&mut self, t: SimTime, cronjob: u32);

    /// Records a Kubernetes-style event.
    fn record_event(
        &mut self,
        object_kind: &'static str,
        object: &str,
        kind: &'static str,
        reason: &str,
        message: String,
    );
}
