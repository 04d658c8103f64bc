//! The simulation: wires the engine, the cluster, the controllers, the kubelet model and the
//! scheduler together and dispatches the closed set of events.

pub mod actions;
mod autoscaler_context;
pub mod availability;
mod budget;
mod controller_context;
pub mod drain;
pub mod event;
pub mod fit;
pub mod invariants;
mod kubelet_context;
pub mod liveness;
pub mod node_lifecycle;
pub mod pod_counts;
mod pod_record;
pub mod projection;
mod replica_tally;
pub mod retire;
mod run_error;
mod run_record;
mod run_summary;
mod run_tables;
mod sampling;
pub mod scheduling;
pub mod setup;
pub mod usage;
pub mod waits;

use crate::cluster::{Cluster, Owner, Pod, PodId, PodPhase};
use crate::controllers::ControllerRef;
use crate::controllers::{self, Workloads};
use crate::engine::{Engine, SimTime};
use crate::kubelet::{self, KubeletTimer, Kubelets};
use crate::metrics::{EventRecord, Recorder};
use crate::model::resources::ResourceIdx;
use crate::model::runtime::RuntimeModel;
use crate::scenario::TimelineEntry;
use event::Event;
use rand_xoshiro::Xoshiro256PlusPlus;
use scheduling::SchedulerState;
use std::collections::{BTreeMap, BTreeSet};

pub use run_error::RunError;

/// How often the scheduler flushes pods left unschedulable too long (kube: every 30 s).
pub const UNSCHEDULABLE_FLUSH_MS: u64 = 30_000;

/// A running simulation.
pub struct Simulation {
    /// Clock and event queue.
    pub engine: Engine<Event>,
    /// Nodes and pods.
    pub cluster: Cluster,
    /// Controller state.
    pub workloads: Workloads,
    /// Scheduler state.
    pub scheduler: SchedulerState,
    /// Kubelet state.
    pub kubelets: Kubelets,
    /// Runtime model.
    pub runtime: RuntimeModel,
    /// Metrics and events.
    pub recorder: Recorder,
    /// Wall-clock instant of time zero (Unix seconds), for cron.
    pub start_epoch_s: i64,
    /// Scenario name.
    pub scenario_name: String,
    /// Scheduler profile name.
    pub scheduler_name: String,
    /// Seed.
    pub seed: u64,
    /// Slot of the GPU resource (`nvidia.com/gpu`), if used.
    pub gpu: Option<ResourceIdx>,
    /// Node lifecycle, faults, Services, PDBs and drains.
    pub lifecycle: node_lifecycle::NodeLifecycle,
    /// Pods in phase Pending and in phase Running (not being deleted).
    pub pod_counts: pod_counts::PodCounts,
    /// The Cluster Autoscaler, when a node group is autoscaled.
    pub autoscaler: Option<Box<crate::autoscaler::Autoscaler>>,
    /// The liveness guard.
    pub liveness: liveness::Liveness,
    /// The invariant checker (cheap checks always, every invariant under `--check`).
    pub invariants: invariants::Invariants,
    /// The run's memory and wall-clock ceilings.
    budget: budget::BudgetWatch,
    /// Why the run stopped before its end time (a `limits.max_memory` or
    /// `limits.max_wall` ceiling): its results are partial.
    pub partial: Option<String>,
    /// The scenario file, for the command that reproduces a stopped run.
    pub source: std::path::PathBuf,
    /// Resource usage, when the scenario models it.
    pub usage: Option<usage::UsageModel>,
    timeline: Vec<TimelineEntry>,
    sample_every_ms: u64,
    warmup: SimTime,
    name_rng: Xoshiro256PlusPlus,
    pending_syncs: BTreeSet<ControllerRef>,
    /// What is kept of the pods that left the pod table.
    pub retired: retire::RetiredPods,
    /// Pods orphaned from a ReplicaSet, with that ReplicaSet (its pod list and counts
    /// still hold them).
    replica_orphans: BTreeMap<PodId, u32>,
}

/// How many events pass between two calls of `run_with_progress`'s callback.
pub const PROGRESS_EVERY_EVENTS: u64 = 64;

impl Simulation {
    /// The current simulated time.
    pub fn now(&self) -> SimTime {
        self.engine.now()
    }

    /// End of the warm-up period (`metrics.warmup`) that availability figures leave out.
    pub fn warmup(&self) -> SimTime {
        self.warmup
    }

    /// Records a Kubernetes-style event.
    pub fn record_event(
        &mut self,
        object_kind: &'static str,
        object: &str,
        kind: &'static str,
        reason: &str,
        message: String,
    ) {
        self.recorder.events.push(EventRecord {
            time: self.engine.now(),
            kind,
            reason: reason.to_string(),
            object_kind: object_kind.into(),
            object: object.to_string(),
            message,
        });
    }

    /// Asks controller `c` to reconcile now (deduplicated).
    pub fn request_sync(&mut self, c: ControllerRef) {
        if self.pending_syncs.insert(c) {
            self.engine.schedule_in(0, Event::Sync(c));
        }
    }

    /// Asks controller `c` to reconcile at `t`.
    pub fn sync_at(&mut self, t: SimTime, c: ControllerRef) {
        let at = t.max(self.engine.now());
        self.engine
            .schedule_at(at, Event::Sync(c))
            .expect("not in the past");
    }

    /// Notifies the owner of pod `p` that it changed.
    pub fn notify_owner(&mut self, p: PodId) {
        if let Some(c) = self
            .workloads
            .controller_of(self.cluster.pods()[p.ix()].owner)
        {
            self.request_sync(c);
        }
    }

    /// `<prefix>-<5 random chars>`, unique among live pods of `namespace`.
    pub fn unique_pod_name(&mut self, namespace: &str, prefix: &str) -> String {
        loop {
            let name = format!(
                "{prefix}-{}",
                controllers::random_suffix(&mut self.name_rng)
            );
            if !self
                .cluster
                .pod_names()
                .contains_key(&(namespace.to_string(), name.clone()))
            {
                return name;
            }
        }
    }

    /// Creates a pod (recording the owner's SuccessfulCreate event) and queues it for
    /// scheduling.
    pub fn create_pod(&mut self, pod: Pod, owner_kind: &'static str, owner_name: &str) -> PodId {
        let name = pod.name.clone();
        let id = self.cluster.add_pod(pod);
        kubelet::pod_created(self, id);
        self.pod_counts.created();
        if !owner_name.is_empty() {
            self.record_event(
                owner_kind,
                owner_name,
                "Normal",
                "SuccessfulCreate",
                owner_pod_event(owner_kind, owner_name, "create", &name),
            );
        }
        scheduling::enqueue(self, id);
        id
    }

    /// Deletes pod `p` as a controller does (the owner records `SuccessfulDelete` when
    /// `reason` says so): the same graceful DELETE as every other path, with the pod's
    /// own terminationGracePeriodSeconds ([`node_lifecycle::begin_termination`]).
    pub fn delete_pod(&mut self, p: PodId, reason: &str) {
        let pod = &self.cluster.pods()[p.ix()];
        if pod.deleting {
            return;
        }
        let (name, grace_ms) = (pod.name.clone(), pod.spec.termination_grace_ms);
        let (kind, owner) = self.workloads.owner_name(pod.owner);
        if !owner.is_empty() && reason == "SuccessfulDelete" {
            let owner = owner.to_string();
            self.record_event(
                kind,
                &owner,
                "Normal",
                reason,
                owner_pod_event(kind, &owner, "delete", &name),
            );
        }
        node_lifecycle::begin_termination(self, p, grace_ms);
    }

    /// The API server's graceful DELETE of pod `p`: Terminating for `grace_period_s`
    /// seconds (negative: the pod's own `terminationGracePeriodSeconds`), at once with 0; a
    /// pod that already finished or was never bound has nothing to stop and goes at once.
    pub fn delete_pod_with_grace(&mut self, p: PodId, grace_period_s: i64) {
        let grace = node_lifecycle::grace_ms(self, p, grace_period_s);
        node_lifecycle::begin_termination(self, p, grace);
    }

    /// Force-deletes pod `p` (grace period 0, as pod garbage collection does): it is gone
    /// at once.
    pub fn force_delete_pod(&mut self, p: PodId) {
        node_lifecycle::begin_termination(self, p, 0);
    }

    /// Pod `p` became Ready.
    pub fn pod_ready(&mut self, p: PodId) {
        let now = self.engine.now();
        let before = self.replica_standing(p);
        let pod = &self.cluster.pods()[p.ix()];
        if pod.ready || !pod.is_active() {
            return;
        }
        let status = self.cluster.pod_status_mut(p);
        *status.ready = true;
        status.times.ready = Some(now);
        self.replica_changed(p, before);
        self.notify_owner(p);
    }

    /// Pod `p` is no longer Ready (a container stopped, or its node is not ready).
    pub fn pod_unready(&mut self, p: PodId) {
        let before = self.replica_standing(p);
        *self.cluster.pod_status_mut(p).ready = false;
        self.replica_changed(p, before);
    }

    /// Pod `p`'s containers started (again): its phase is Running.
    pub fn pod_started(&mut self, p: PodId) {
        let before = self.replica_standing(p);
        self.pod_counts.start(self.cluster.pod_status_mut(p).phase);
        self.replica_changed(p, before);
    }

    /// Pod `p`'s containers failed and will not restart (phase Failed).
    pub fn pod_failed_on_node(&mut self, p: PodId) {
        self.pod_finished(p, false);
    }

    fn pod_finished(&mut self, p: PodId, succeeded: bool) {
        let now = self.engine.now();
        let before = self.replica_standing(p);
        let status = self.cluster.pod_status_mut(p);
        let phase = if succeeded {
            PodPhase::Succeeded
        } else {
            PodPhase::Failed
        };
        self.pod_counts.finish(status.phase, phase);
        *status.ready = false;
        status.times.finished = Some(now);
        let name = status.name.to_string();
        self.replica_changed(p, before);
        self.cluster.unbind(p);
        let (reason, kind) = if succeeded {
            ("Completed", "Normal")
        } else {
            ("Failed", "Warning")
        };
        self.record_event(
            "Pod",
            &name,
            kind,
            reason,
            format!("Pod {}", reason.to_lowercase()),
        );
        self.notify_owner(p);
        scheduling::cluster_changed(self);
    }

    fn live(&self, p: PodId, generation: u32) -> bool {
        let pod = &self.cluster.pods()[p.ix()];
        pod.generation == generation && !pod.deleting
    }

    fn dispatch(&mut self, event: Event) {
        if event
            .pod()
            .is_some_and(|p| self.cluster.pods().is_retired(p))
        {
            // A stale timer of a pod that is gone and retired.
            return;
        }
        match event {
            Event::SchedulerCycle => scheduling::schedule_one(self),
            Event::BackoffFlush => scheduling::flush_backoff(self),
            Event::UnschedulableFlush => {
                scheduling::flush_unschedulable(self);
                self.engine
                    .schedule_in(UNSCHEDULABLE_FLUSH_MS, Event::UnschedulableFlush);
            }
            Event::Bind { pod, node } => {
                if self.cluster.pods()[pod.ix()].deleting {
                    return;
                }
                let name = self.cluster.pods()[pod.ix()].name.clone();
                let node_name = self.cluster.nodes().names()[node.ix()].clone();
                self.record_event(
                    "Pod",
                    &name,
                    "Normal",
                    "Scheduled",
                    format!(
                        "Successfully assigned {}/{name} to {node_name}",
                        self.cluster.pods()[pod.ix()].namespace
                    ),
                );
                controllers::volume::pod_bound(self, pod, node);
                self.notify_owner(pod);
                kubelet::pod_bound(self, pod, node);
            }
            Event::Kubelet(timer) => self.kubelet_timer(timer),
            Event::Sync(c) => {
                self.pending_syncs.remove(&c);
                match c {
                    ControllerRef::Deployment(i) => controllers::deployment::sync(self, i),
                    ControllerRef::ReplicaSet(i) => controllers::replicaset::sync(self, i),
                    ControllerRef::StatefulSet(i) => controllers::statefulset::sync(self, i),
                    ControllerRef::Job(i) => controllers::job::sync(self, i),
                    ControllerRef::CronJob(i) => controllers::cronjob::sync(self, i),
                    ControllerRef::DaemonSet(i) => controllers::daemonset::sync(self, i),
                    ControllerRef::Hpa(i) => controllers::hpa::sync(self, i),
                }
            }
            Event::CronTick(c) => controllers::cronjob::tick(self, c),
            Event::Timeline(i) => {
                let entry = self.timeline[i as usize].clone();
                actions::apply(self, &entry);
            }
            Event::Sample => {
                self.sample();
                self.engine.schedule_in(self.sample_every_ms, Event::Sample);
            }
            Event::NodeNotReady { node, epoch } => {
                node_lifecycle::node_not_ready(self, node, epoch)
            }
            Event::TaintEvict {
                pod,
                generation,
                epoch,
            } => node_lifecycle::taint_evict(self, pod, generation, epoch),
            Event::PermitTimeout { pod, wait } => scheduling::permit_timeout(self, pod, wait),
            Event::PodTerminated { pod, generation } => {
                node_lifecycle::pod_terminated(self, pod, generation)
            }
            Event::RandomFault { node, model, fail } => {
                node_lifecycle::random_fault(self, node, model, fail)
            }
            Event::DrainRetry(d) => drain::step(self, d),
            Event::Autoscaler(timer) => {
                if let Some(mut ca) = self.autoscaler.take() {
                    ca.on_timer(self, timer);
                    self.autoscaler = Some(ca);
                }
            }
            Event::UsageTick => usage::tick(self),
        }
    }

    /// A kubelet timer fired; timers of an older pod generation are stale.
    fn kubelet_timer(&mut self, timer: KubeletTimer) {
        match timer {
            KubeletTimer::ImagePulled { pod, generation } => {
                if self.live(pod, generation) {
                    kubelet::image_pulled(self, pod);
                }
            }
            KubeletTimer::ImagePullDone { node, image } => {
                kubelet::images::pull_done(self, node, image)
            }
            KubeletTimer::ContainerStarted { pod, generation } => {
                if self.live(pod, generation) {
                    kubelet::container_started(self, pod);
                }
            }
            KubeletTimer::PodReady { pod, generation } => {
                if self.live(pod, generation) {
                    self.pod_ready(pod);
                }
            }
            KubeletTimer::PodFinished {
                pod,
                generation,
                succeeded,
            } => {
                if self.live(pod, generation) && !kubelet::restart_on_failure(self, pod, succeeded)
                {
                    self.pod_finished(pod, succeeded);
                }
            }
            KubeletTimer::ContainerCrashed { pod, generation } => {
                if self.live(pod, generation) {
                    kubelet::container_crashed(self, pod);
                }
            }
            KubeletTimer::ContainerRestart { pod, generation } => {
                if self.live(pod, generation) {
                    kubelet::restart_container(self, pod);
                }
            }
        }
    }

    /// Runs until the end time (or until nothing is left to happen).
    pub fn run(&mut self) -> Result<(), RunError> {
        self.run_with_progress(|_, _| {})
    }

    /// Runs, calling `progress(now, events)` every [`PROGRESS_EVERY_EVENTS`] events (the
    /// caller throttles by wall time: a slow event such as a sync creating 100,000 pods
    /// must not freeze the figures for seconds).
    pub fn run_with_progress(
        &mut self,
        mut progress: impl FnMut(SimTime, u64),
    ) -> Result<(), RunError> {
        loop {
            let event = match self.engine.pop() {
                Ok(Some((_, event))) => event,
                Ok(None) => break,
                Err(e) => return Err(self.stopped(e)),
            };
            let pods = self.cluster.pods().len();
            if let Err(stall) = self.liveness.observe(self.engine.now(), &event, pods) {
                return Err(self.stalled(stall, &event));
            }
            let kind = event.kind_index();
            if let Err(v) = self.invariants.observe_time(self.engine.now()) {
                return Err(self.broken(v, kind));
            }
            let sampled = matches!(event, Event::Sample);
            self.advance_integrals_before(event);
            self.dispatch(event);
            if let Err(v) = self.check_after_event(sampled) {
                return Err(self.broken(v, kind));
            }
            if self
                .engine
                .processed()
                .is_multiple_of(PROGRESS_EVERY_EVENTS)
            {
                progress(self.engine.now(), self.engine.processed());
            }
            // The budget is checked on the first event and every 65,536 after it.
            if self.engine.processed() & 0xFFFF == 1 {
                if let Some(reason) = self.budget.exceeded() {
                    self.partial = Some(format!(
                        "{reason}; stopped at t = {:.3} s of {:.3} s after {} events",
                        self.engine.now().as_secs_f64(),
                        self.engine.limits().end_time.as_secs_f64(),
                        liveness::thousands(self.engine.processed())
                    ));
                    break;
                }
            }
        }
        // Close the integrals and take a last sample at the end time.
        let end = self.engine.limits().end_time;
        if self.partial.is_none() && self.engine.now() < end {
            // Nothing left to happen: time still runs to the end.
            self.force_time(end);
        }
        self.advance_integrals();
        if self.recorder.samples.last().map(|s| s.time) != Some(self.engine.now()) {
            self.sample();
        }
        Ok(())
    }

    fn advance_integrals_before(&mut self, _event: Event) {
        self.advance_integrals();
    }

    fn force_time(&mut self, end: SimTime) {
        // Advance the clock by scheduling a no-op sample exactly at the end.
        self.engine
            .schedule_at(end, Event::Sample)
            .expect("end is not in the past");
        if let Ok(Some(_)) = self.engine.pop() {
            self.advance_integrals();
        }
    }

    /// Name of the owner of pod `p` as (kind, name), resolving ReplicaSets of Deployments to
    /// the ReplicaSet (as `kubectl` shows `Controlled By`).
    pub fn owner_of(&self, p: PodId) -> (&'static str, &str) {
        self.workloads.owner_name(self.cluster.pods()[p.ix()].owner)
    }

    /// True if pod `p` is owned by a controller.
    pub fn is_owned(&self, p: PodId) -> bool {
        self.cluster.pods()[p.ix()].owner != Owner::None
    }
}

/// The message of an owner's SuccessfulCreate/SuccessfulDelete event for a pod, in the
/// controller's own words: the StatefulSet controller's `recordPodEvent`
/// (pkg/controller/statefulset/stateful_pod_control.go: "create Pod db-0 in StatefulSet db
/// successful"), the shared PodControl's for the others
/// (pkg/controller/controller_utils.go: "Created pod: web-1x2y3").
fn owner_pod_event(owner_kind: &str, owner_name: &str, verb: &str, pod: &str) -> String {
    match (owner_kind, verb) {
        ("StatefulSet", _) => format!("{verb} Pod {pod} in StatefulSet {owner_name} successful"),
        (_, "create") => format!("Created pod: {pod}"),
        _ => format!("Deleted pod: {pod}"),
    }
}
