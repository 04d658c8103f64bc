//! The simulation as the controllers see it: [`ControllerContext`] implemented over
//! [`Simulation`], each method one of the simulation's own operations.

use super::event::Event;
use super::{scheduling, Simulation};
use crate::cluster::pod_metrics::PodMetrics;
use crate::cluster::storage::Storage;
use crate::cluster::{Cluster, Pod, PodId};
use crate::controllers::{ControllerContext, ControllerRef, Workloads};
use crate::engine::SimTime;

impl ControllerContext for Simulation {
    fn now(&self) -> SimTime {
        self.engine.now()
    }

    fn start_epoch_s(&self) -> i64 {
        self.start_epoch_s
    }

    fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    fn pod_metrics(&self, p: PodId) -> Option<PodMetrics> {
        self.usage.as_ref().and_then(|u| u.pod_metrics(p))
    }

    fn workloads(&self) -> &Workloads {
        &self.workloads
    }

    fn workloads_mut(&mut self) -> &mut Workloads {
        &mut self.workloads
    }

    fn cluster_and_workloads_mut(&mut self) -> (&Cluster, &mut Workloads) {
        (&self.cluster, &mut self.workloads)
    }

    fn storage_mut(&mut self) -> &mut Storage {
        self.cluster.storage_mut()
    }

    fn storage_changed(&mut self) {
        scheduling::cluster_changed(self);
    }

    fn unique_pod_name(&mut self, namespace: &str, prefix: &str) -> String {
        Simulation::unique_pod_name(self, namespace, prefix)
    }

    fn forget_pod_name(&mut self, p: PodId) {
        self.cluster.forget_name(p);
    }

    fn create_pod(&mut self, pod: Pod, owner_kind: &'static str, owner_name: &str) -> PodId {
        Simulation::create_pod(self, pod, owner_kind, owner_name)
    }

    fn delete_pod(&mut self, p: PodId, reason: &str) {
        Simulation::delete_pod(self, p, reason);
    }

    fn delete_pod_with_grace(&mut self, p: PodId, grace_period_s: i64) {
        Simulation::delete_pod_with_grace(self, p, grace_period_s);
    }

    fn orphan_pod(&mut self, p: PodId) {
        self.orphan(p);
    }

    fn retire_pod(&mut self, p: PodId) -> bool {
        Simulation::retire_pod(self, p)
    }

    fn request_sync(&mut self, c: ControllerRef) {
        Simulation::request_sync(self, c);
    }

    fn sync_at(&mut self, t: SimTime, c: ControllerRef) {
        Simulation::sync_at(self, t, c);
    }

    fn cron_tick_at(&mut self, t: SimTime, cronjob: u32) {
        self.engine
            .schedule_at(t, Event::CronTick(cronjob))
            .expect("a CronJob's next time is not in the past");
    }

    fn record_event(
        &mut self,
        object_kind: &'static str,
        object: &str,
        kind: &'static str,
        reason: &str,
        message: String,
    ) {
        Simulation::record_event(self, object_kind, object, kind, reason, message);
    }
}
