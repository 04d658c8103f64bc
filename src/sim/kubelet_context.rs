//! The simulation as the kubelet model sees it: [`KubeletContext`] implemented over
//! [`Simulation`]; the kubelet's timers become `Event::Kubelet` events.

use super::event::Event;
use super::Simulation;
use crate::cluster::{Cluster, ImageId, NodeIdx, PodId, PodStatusMut};
use crate::controllers;
use crate::engine::SimTime;
use crate::kubelet::{KubeletContext, KubeletTimer, Kubelets};
use crate::model::runtime::RuntimeModel;

impl KubeletContext for Simulation {
    fn now(&self) -> SimTime {
        self.engine.now()
    }

    fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    fn runtime(&self) -> &RuntimeModel {
        &self.runtime
    }

    fn kubelets(&mut self) -> &mut Kubelets {
        &mut self.kubelets
    }

    fn kubelets_and_runtime(&mut self) -> (&mut Kubelets, &RuntimeModel) {
        (&mut self.kubelets, &self.runtime)
    }

    fn pod_status(&mut self, p: PodId) -> PodStatusMut<'_> {
        self.cluster.pod_status_mut(p)
    }

    fn image_id(&mut self, name: &str) -> ImageId {
        self.cluster.image_id(name)
    }

    fn image_stored(&mut self, node: NodeIdx, image: ImageId) {
        self.cluster.add_image(node, image);
    }

    fn after(&mut self, delay_ms: u64, timer: KubeletTimer) {
        self.engine.schedule_in(delay_ms, Event::Kubelet(timer));
    }

    fn containers_started(&mut self, p: PodId) {
        self.pod_started(p);
    }

    fn pod_ready(&mut self, p: PodId) {
        Simulation::pod_ready(self, p);
    }

    fn pod_unready(&mut self, p: PodId) {
        Simulation::pod_unready(self, p);
    }

    fn pod_failed(&mut self, p: PodId) {
        self.pod_failed_on_node(p);
    }

    fn notify_owner(&mut self, p: PodId) {
        Simulation::notify_owner(self, p);
    }

    fn next_exit_code(&mut self, p: PodId) -> i32 {
        controllers::job::next_exit_code(self, p)
    }

    fn record_pod_event(&mut self, pod: &str, kind: &'static str, reason: &str, message: String) {
        self.record_event("Pod", pod, kind, reason, message);
    }
}
