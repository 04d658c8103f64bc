//! Building a simulation from a validated scenario.

use super::event::Event;
use super::scheduling::SchedulerState;
use super::{Simulation, UNSCHEDULABLE_FLUSH_MS};
use crate::cluster::{Cluster, Owner, Pod};
use crate::controllers::{cronjob, deployment, job, replicaset, statefulset, Workloads};
use crate::engine::{Engine, RngStreams, SimTime, Stream};
use crate::input::manifest::Object;
use crate::input::scenario::Scenario;
use crate::kubelet::Kubelets;
use crate::metrics::Recorder;
use crate::scheduler::{self, ConfigError};
use std::collections::BTreeSet;

/// Per-node samples are kept only while nodes × samples stays below this.
const MAX_NODE_SAMPLES: u64 = 2_000_000;

/// Why a simulation cannot start.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// Bad scheduler choice.
    #[error(transparent)]
    Scheduler(#[from] ConfigError),
    /// A workload that passed loading cannot be instantiated.
    #[error("{0}")]
    Workload(String),
}

impl Simulation {
    /// Builds a simulation of `scenario` with `seed`, using the scheduler profile
    /// `scheduler` (a built-in name).
    pub fn new(scenario: &Scenario, seed: u64, scheduler: &str) -> Result<Simulation, SetupError> {
        Simulation::new_with_limits(scenario, seed, scheduler, scenario.limits)
    }

    /// Like [`Simulation::new`] with other engine limits (e.g. an earlier end time, to look
    /// at the cluster at that moment).
    pub fn new_with_limits(
        scenario: &Scenario,
        seed: u64,
        scheduler: &str,
        limits: crate::engine::Limits,
    ) -> Result<Simulation, SetupError> {
        let streams = RngStreams::new(seed);
        let profile = scheduler::builtin_profile(scheduler, &scenario.resources)?;
        let mut cluster = Cluster::default();
        for n in &scenario.nodes {
            cluster.add_node(n.clone());
        }
        let duration_ms = scenario.limits.end_time.as_millis();
        let samples = duration_ms / scenario.sample_every_ms + 2;
        let recorder = Recorder {
            sample_nodes: samples * scenario.nodes.len() as u64 <= MAX_NODE_SAMPLES,
            ..Recorder::default()
        };
        let mut sim = Simulation {
            engine: Engine::new(limits),
            kubelets: Kubelets::new(cluster.nodes.len(), &streams),
            lifecycle: super::node_lifecycle::NodeLifecycle::new(cluster.nodes.len(), &streams),
            cluster,
            workloads: Workloads::default(),
            scheduler: SchedulerState::new(vec![profile], streams.stream(Stream::Scheduler)),
            runtime: scenario.runtime.clone(),
            recorder,
            start_epoch_s: scenario.start_epoch_s,
            scenario_name: scenario.name.clone(),
            scheduler_name: scheduler.to_string(),
            seed,
            gpu: scenario.resources.lookup("nvidia.com/gpu"),
            pods_pending: 0,
            pods_running: 0,
            timeline: scenario.timeline.clone(),
            sample_every_ms: scenario.sample_every_ms,
            name_rng: streams.stream(Stream::PodNames),
            pending_syncs: BTreeSet::new(),
        };
        sim.engine.schedule_in(0, Event::Sample);
        sim.engine
            .schedule_in(UNSCHEDULABLE_FLUSH_MS, Event::UnschedulableFlush);
        for (i, entry) in scenario.timeline.iter().enumerate() {
            sim.engine
                .schedule_at(entry.at, Event::Timeline(i as u32))
                .expect("timeline times are validated >= 0");
        }
        for located in &scenario.objects {
            instantiate(&mut sim, &located.object)?;
        }
        Ok(sim)
    }
}

/// Creates the controller (or pod) for one manifest object at the current time.
pub fn instantiate(sim: &mut Simulation, object: &Object) -> Result<(), SetupError> {
    match object {
        Object::Pod(p) => {
            let mut pod = Pod::new(
                p.meta.name.clone(),
                p.meta.namespace.clone(),
                p.template.labels.clone(),
                Owner::None,
                p.template.spec.clone(),
                sim.engine.now(),
            );
            pod.workload = p.meta.name.clone();
            sim.create_pod(pod, "Pod", "");
        }
        Object::Deployment(d) => {
            deployment::add(sim, d.clone());
        }
        Object::ReplicaSet(r) => {
            replicaset::add(
                sim,
                replicaset::ReplicaSetState {
                    name: r.meta.name.clone(),
                    namespace: r.meta.namespace.clone(),
                    replicas: r.replicas,
                    template: r.template.clone(),
                    min_ready_seconds: r.min_ready_seconds,
                    deployment: None,
                    revision: 1,
                    pods: Vec::new(),
                    deleted: false,
                    created: sim.engine.now(),
                    workload: r.meta.name.clone(),
                },
            );
        }
        Object::StatefulSet(s) => {
            statefulset::add(sim, s.clone());
        }
        Object::Job(j) => {
            job::add(
                sim,
                j.meta.name.clone(),
                j.meta.namespace.clone(),
                j.spec.clone(),
                None,
                j.meta.name.clone(),
            );
        }
        Object::CronJob(c) => {
            let cron = cronjob::parse_schedule(&c.schedule).map_err(SetupError::Workload)?;
            let tz =
                cronjob::parse_time_zone(c.time_zone.as_deref()).map_err(SetupError::Workload)?;
            cronjob::add(sim, c.clone(), cron, tz);
        }
        // Storage, priority classes and DaemonSets are read and validated; their
        // behaviour lands with the controllers work.
        Object::DaemonSet(_)
        | Object::PersistentVolume(_)
        | Object::PersistentVolumeClaim(_)
        | Object::StorageClass(_)
        | Object::PriorityClass(_)
        | Object::Node(_) => {}
        Object::Service(s) => sim.lifecycle.services.push(s.clone()),
        Object::PodDisruptionBudget(p) => sim.lifecycle.pdbs.push(p.clone()),
    }
    let _ = SimTime::ZERO;
    Ok(())
}
