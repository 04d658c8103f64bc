//! The simulation as the Cluster Autoscaler sees it: [`AutoscalerContext`] implemented over
//! [`Simulation`], each method one of the simulation's own operations.

use super::event::Event;
use super::{drain, node_lifecycle, scheduling, Simulation};
use crate::autoscaler::context::CaEvent;
use crate::autoscaler::{AutoscalerContext, Timer};
use crate::cluster::{Cluster, NodeIdx, Owner, Pod, PodId, PodPhase};
use crate::engine::SimTime;
use crate::model::labels::{Taint, TaintEffect};
use crate::model::node::NodeSpec;
use crate::model::pod::RunDuration;
use crate::model::workload::PodTemplate;
use crate::scheduler::profile::Profile;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The taint CA puts on a node it is deleting (utils/taints: ToBeDeletedByClusterAutoscaler).
pub const TO_BE_DELETED_TAINT: &str = "ToBeDeletedByClusterAutoscaler";

impl AutoscalerContext for Simulation {
    fn now(&self) -> SimTime {
        self.engine.now()
    }

    fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    fn unschedulable_pods(&self) -> Vec<PodId> {
        let failed = &self.scheduler.failed_once;
        self.cluster
            .pods()
            .iter()
            .filter(|(id, p)| {
                failed.get(id.ix()).copied().unwrap_or(false)
                    && p.node.is_none()
                    && !p.deleting
                    && !p.gone
                    && p.phase == PodPhase::Pending
            })
            .map(|(id, _)| id)
            .collect()
    }

    fn profile_for(&self, pod: &Pod) -> Option<&Profile> {
        self.scheduler
            .profiles
            .iter()
            .find(|p| p.scheduler_name == pod.spec.scheduler_name)
    }

    fn pod_template(&self, p: PodId) -> Option<&PodTemplate> {
        let w = &self.workloads;
        match self.cluster.pods()[p.ix()].owner {
            Owner::None => None,
            Owner::ReplicaSet(r) => Some(&w.replicasets[r as usize].template),
            Owner::StatefulSet(s) => Some(&w.statefulsets[s as usize].current),
            Owner::Job(j) => Some(&w.jobs[j as usize].spec.template),
            Owner::DaemonSet(d) => Some(&w.daemonsets[d as usize].spec.template),
        }
    }

    fn has_pdb(&self, p: PodId) -> bool {
        let pod = &self.cluster.pods()[p.ix()];
        self.lifecycle
            .pdbs
            .iter()
            .any(|b| b.meta.namespace == pod.namespace && b.selector.matches(&pod.labels))
    }

    fn pdbs_allow(&self, pods: &[PodId]) -> bool {
        self.lifecycle.pdbs.iter().all(|b| {
            let taken = pods
                .iter()
                .filter(|p| {
                    let pod = &self.cluster.pods()[p.ix()];
                    pod.ready
                        && pod.namespace == b.meta.namespace
                        && b.selector.matches(&pod.labels)
                })
                .count() as i32;
            taken == 0 || taken <= drain::disruptions_allowed(self, b)
        })
    }

    fn sample_ms(&self, d: &RunDuration, rng: &mut Xoshiro256PlusPlus) -> u64 {
        crate::kubelet::sample(d, rng)
    }

    fn timer_at(&mut self, at: SimTime, timer: Timer) {
        self.engine
            .schedule_at(at, Event::Autoscaler(timer))
            .expect("an autoscaler timer is not in the past");
    }

    fn machine_requested(&mut self, group: &str) {
        self.recorder.node_groups.provisioning_started(group);
    }

    fn machine_request_closed(&mut self, group: &str) {
        self.recorder.node_groups.provisioning_ended(group);
    }

    fn add_node(&mut self, template: &NodeSpec) -> NodeIdx {
        let group = template.group.clone().unwrap_or_default();
        let k = self
            .cluster
            .nodes()
            .group()
            .iter()
            .filter(|g| g.as_deref() == Some(group.as_str()))
            .count();
        let mut spec = template.clone();
        spec.name = format!("{group}-{k}");
        spec.labels
            .insert("kubernetes.io/hostname".to_string(), spec.name.clone());
        let n = node_lifecycle::register_node(self, spec);
        scheduling::cluster_changed(self);
        n
    }

    fn taint_to_be_deleted(&mut self, n: NodeIdx) {
        let mut taints = self.cluster.nodes().taints()[n.ix()].clone();
        taints.push(Taint {
            key: TO_BE_DELETED_TAINT.to_string(),
            value: self.engine.now().as_millis().div_euclid(1000).to_string(),
            effect: TaintEffect::NoSchedule,
        });
        self.cluster.set_taints(n, taints);
    }

    fn untaint_to_be_deleted(&mut self, n: NodeIdx) {
        let mut taints = self.cluster.nodes().taints()[n.ix()].clone();
        taints.retain(|t| t.key != TO_BE_DELETED_TAINT);
        self.cluster.set_taints(n, taints);
        scheduling::cluster_changed(self);
    }

    fn evict(&mut self, p: PodId, grace_period_s: i64) -> bool {
        drain::evict(self, p, grace_period_s)
    }

    fn delete_node(&mut self, n: NodeIdx) {
        node_lifecycle::delete_node_object(self, n);
        scheduling::cluster_changed(self);
    }

    fn record_event(&mut self, e: CaEvent<'_>) {
        Simulation::record_event(self, e.object_kind, e.object, e.kind, e.reason, e.message);
    }
}
