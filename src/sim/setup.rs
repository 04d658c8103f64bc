//! Building a simulation from a validated scenario.

use super::event::Event;
use super::scheduling::SchedulerState;
use super::{Simulation, UNSCHEDULABLE_FLUSH_MS};
use crate::cluster::{Cluster, Owner, Pod};
use crate::controllers::{
    cronjob, daemonset, deployment, job, replicaset, statefulset, volume, Workloads,
};
use crate::engine::{Engine, RngStreams, SimTime, Stream};
use crate::kubelet::Kubelets;
use crate::metrics::Recorder;
use crate::scenario::object::Object;
use crate::scenario::Scenario;
use crate::scheduler::choice::SchedulerChoice;
use crate::scheduler::plugins::registry::Registry;
use crate::scheduler::{self, ConfigError};
use std::collections::BTreeSet;

/// Per-node samples are kept only while nodes × samples stays below this.
pub const MAX_NODE_SAMPLES: u64 = 2_000_000;

/// Why a simulation cannot start.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// Bad scheduler choice.
    #[error(transparent)]
    Scheduler(#[from] ConfigError),
    /// A workload that passed loading cannot be instantiated.
    #[error("{0}")]
    Workload(String),
    /// The run's projected size is already over its limits.
    #[error("{0}")]
    TooLarge(String),
}

/// Refuses a run whose projected size is over `limits` (and `limits.max_memory`) before
/// anything is allocated. `k8sim validate` calls it too.
pub fn check_size(scenario: &Scenario, limits: &crate::engine::Limits) -> Result<(), SetupError> {
    let projected = super::projection::project(scenario);
    super::projection::check(&projected, limits, &scenario.budget)
        .map_err(|e| SetupError::TooLarge(format!("error: {}: {e}", scenario.source.display())))
}

/// The scheduler profiles of `scheduler` for `scenario`: a built-in policy's, or those of
/// a parsed KubeSchedulerConfiguration (`input::scheduler_config::resolve` reads the file).
/// `k8sim validate` calls it too, so it rejects exactly what a run rejects.
pub fn scheduler_profiles(
    scenario: &Scenario,
    scheduler: &SchedulerChoice,
    registry: &Registry,
) -> Result<Vec<scheduler::profile::Profile>, SetupError> {
    match scheduler {
        SchedulerChoice::Named(name) if scheduler::is_builtin(name) => {
            Ok(vec![scheduler::builtin_profile_with(
                name,
                &scenario.resources,
                registry,
            )?])
        }
        SchedulerChoice::Named(name) => Err(ConfigError::UnknownProfile(name.clone()).into()),
        SchedulerChoice::Configured {
            config, resources, ..
        } => Ok(scheduler::config::build_profiles(
            config, registry, resources,
        )?),
    }
}

impl Simulation {
    /// Builds a simulation of `scenario` with `seed`, using `scheduler`: a built-in
    /// policy name (optionally `+drf`, as `&str`) or a parsed KubeSchedulerConfiguration
    /// (see [`SchedulerChoice`]). Reads no file.
    pub fn new(
        scenario: &Scenario,
        seed: u64,
        scheduler: impl Into<SchedulerChoice>,
    ) -> Result<Simulation, SetupError> {
        Simulation::with_registry(scenario, seed, scheduler, &Registry::in_tree())
    }

    /// As [`Simulation::new`], with out-of-tree plugins added to `registry`.
    pub fn with_registry(
        scenario: &Scenario,
        seed: u64,
        scheduler: impl Into<SchedulerChoice>,
        registry: &Registry,
    ) -> Result<Simulation, SetupError> {
        Simulation::build(scenario, seed, scheduler.into(), registry, scenario.limits)
    }

    /// As [`Simulation::with_registry`] with other engine limits (`k8sim plan` looks at
    /// the cluster at the fault time to pick the busiest node).
    pub fn with_registry_and_limits(
        scenario: &Scenario,
        seed: u64,
        scheduler: impl Into<SchedulerChoice>,
        registry: &Registry,
        limits: crate::engine::Limits,
    ) -> Result<Simulation, SetupError> {
        Simulation::build(scenario, seed, scheduler.into(), registry, limits)
    }

    fn build(
        scenario: &Scenario,
        seed: u64,
        scheduler: SchedulerChoice,
        registry: &Registry,
        limits: crate::engine::Limits,
    ) -> Result<Simulation, SetupError> {
        let streams = RngStreams::new(seed);
        let profiles = scheduler_profiles(scenario, &scheduler, registry)?;
        check_size(scenario, &limits)?;
        let mut cluster = Cluster::default();
        for (image, bytes) in &scenario.image_sizes {
            cluster.set_image_size(image, *bytes);
        }
        for n in &scenario.nodes {
            cluster.add_node(n.clone());
        }
        let duration_ms = scenario.limits.end_time.as_millis();
        let samples = duration_ms / scenario.sample_every_ms + 2;
        let mut recorder = Recorder::new(
            samples * scenario.nodes.len() as u64 <= MAX_NODE_SAMPLES,
            scenario.price_per_hour.clone(),
        );
        recorder.events = crate::metrics::event_log::EventLog::new(scenario.events_file);
        let mut sim = Simulation {
            engine: Engine::new(limits),
            kubelets: Kubelets::new(
                cluster.nodes().len(),
                scenario.runtime.image_pull_workers,
                &streams,
            ),
            lifecycle: super::node_lifecycle::NodeLifecycle::new(cluster.nodes().len(), &streams),
            cluster,
            workloads: Workloads::default(),
            scheduler: SchedulerState::new(profiles, streams.stream(Stream::Scheduler)),
            runtime: scenario.runtime.clone(),
            recorder,
            start_epoch_s: scenario.start_epoch_s,
            scenario_name: scenario.name.clone(),
            scheduler_name: scheduler.name().to_string(),
            seed,
            gpu: scenario.resources.lookup("nvidia.com/gpu"),
            pod_counts: Default::default(),
            autoscaler: scenario
                .autoscaler
                .clone()
                .map(|spec| Box::new(crate::autoscaler::Autoscaler::new(spec, &streams))),
            timeline: scenario.timeline.clone(),
            sample_every_ms: scenario.sample_every_ms,
            warmup: SimTime::from_millis(scenario.warmup_ms),
            name_rng: streams.stream(Stream::PodNames),
            pending_syncs: BTreeSet::new(),
            retired: Default::default(),
            replica_orphans: Default::default(),
            liveness: super::liveness::Liveness::new(Default::default()),
            invariants: super::invariants::Invariants::new(if scenario.check_invariants {
                super::invariants::CheckLevel::Thorough
            } else {
                super::invariants::CheckLevel::Cheap
            }),
            budget: super::budget::BudgetWatch::new(scenario.budget),
            partial: None,
            source: scenario.source.clone(),
            usage: super::usage::UsageModel::new(&scenario.usage, &streams),
        };
        sim.engine.schedule_in(0, Event::Sample);
        if sim.autoscaler.is_some() {
            sim.engine
                .schedule_in(0, Event::Autoscaler(crate::autoscaler::Timer::Scan));
        }
        super::usage::start(&mut sim);
        sim.engine
            .schedule_in(UNSCHEDULABLE_FLUSH_MS, Event::UnschedulableFlush);
        for (i, entry) in scenario.timeline.iter().enumerate() {
            sim.engine
                .schedule_at(entry.at, Event::Timeline(i as u32))
                .expect("timeline times are validated >= 0");
        }
        // StorageClasses and PersistentVolumes first, so that claims find them.
        let (storage, rest): (Vec<_>, Vec<_>) = scenario.objects.iter().partition(|o| {
            matches!(
                o.object,
                Object::StorageClass(_) | Object::PersistentVolume(_)
            )
        });
        for located in storage.into_iter().chain(rest) {
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
                    desired_replicas_annotation: None,
                    max_replicas_annotation: None,
                    tally: Default::default(),
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
                std::sync::Arc::new(j.spec.clone()),
                None,
                j.meta.name.clone(),
            );
        }
        Object::CronJob(c) => {
            let cron =
                crate::model::cron::parse_schedule(&c.schedule).map_err(SetupError::Workload)?;
            let tz = crate::model::cron::parse_time_zone(c.time_zone.as_deref())
                .map_err(SetupError::Workload)?;
            cronjob::add(sim, c.clone(), cron, tz);
        }
        Object::DaemonSet(d) => {
            daemonset::add(sim, d.clone());
        }
        Object::PersistentVolume(v) => volume::add_volume(sim, v.clone()),
        Object::PersistentVolumeClaim(c) => {
            volume::add_claim(sim, c.clone(), String::new());
        }
        Object::StorageClass(c) => {
            volume::add_class(sim, c.clone()).map_err(SetupError::Workload)?
        }
        // Priority classes are resolved while loading; nodes are built from the cluster.
        Object::PriorityClass(_) | Object::Node(_) => {}
        Object::Service(s) => sim.lifecycle.services.push(s.clone()),
        Object::PodDisruptionBudget(p) => sim.lifecycle.pdbs.push(p.clone()),
        Object::HorizontalPodAutoscaler(h) => {
            crate::controllers::hpa::add(sim, h.clone());
        }
    }
    let _ = SimTime::ZERO;
    Ok(())
}
