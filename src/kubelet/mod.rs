//! The kubelet model: image pulls (serialised per node, cached), container start,
//! readiness, and run-to-completion durations.

use crate::cluster::{NodeIdx, PodId, PodPhase};
use crate::engine::Stream;
use crate::model::pod::{RestartPolicy, RunDuration};
use crate::sim::event::Event;
use crate::sim::Simulation;
use rand::Rng;
use rand_distr::{Distribution, Exp, LogNormal};
use rand_xoshiro::Xoshiro256PlusPlus;

/// Per-node kubelet state.
#[derive(Debug, Default)]
pub struct Kubelets {
    /// When each node's image puller is next free, ms (serializeImagePulls: true).
    pub puller_free_at_ms: Vec<u64>,
    rng: Option<Xoshiro256PlusPlus>,
}

impl Kubelets {
    /// Kubelets for `nodes` nodes drawing durations from `streams`.
    pub fn new(nodes: usize, streams: &crate::engine::RngStreams) -> Self {
        Kubelets {
            puller_free_at_ms: vec![0; nodes],
            rng: Some(streams.stream(Stream::Durations)),
        }
    }
}

/// Samples a run duration in ms.
pub fn sample(d: &RunDuration, rng: &mut impl Rng) -> u64 {
    match *d {
        RunDuration::Fixed(ms) => ms,
        RunDuration::Uniform(a, b) => {
            if b <= a {
                a
            } else {
                rng.random_range(a..=b)
            }
        }
        RunDuration::Exponential(mean) => {
            let e = Exp::new(1.0 / mean.max(1) as f64).expect("positive rate");
            e.sample(rng).round() as u64
        }
        RunDuration::LogNormal(median, sigma) => {
            let l = LogNormal::new((median.max(1) as f64).ln(), sigma.max(0.0))
                .expect("valid log-normal");
            l.sample(rng).round() as u64
        }
    }
}

/// The pod was bound to `node`: pull missing images (one at a time per node), then start.
pub fn pod_bound(sim: &mut Simulation, pod: PodId, node: NodeIdx) {
    let images: Vec<String> = sim.cluster.pods[pod.ix()]
        .spec
        .images()
        .map(|s| s.to_string())
        .collect();
    let mut missing = 0u64;
    for img in &images {
        let id = sim.cluster.image_id(img);
        if !sim.cluster.has_image(node, id) {
            missing += 1;
        }
    }
    let generation = sim.cluster.pods[pod.ix()].generation;
    let now = sim.engine.now().as_millis();
    if missing == 0 || sim.runtime.image_pull_ms == 0 {
        sim.engine.schedule_in(
            sim.runtime.container_start_ms,
            Event::ContainerStarted { pod, generation },
        );
        return;
    }
    let free_at = &mut sim.kubelets.puller_free_at_ms[node.ix()];
    let start = (*free_at).max(now);
    let done = start + missing * sim.runtime.image_pull_ms;
    *free_at = done;
    let name = sim.cluster.pods[pod.ix()].name.clone();
    sim.record_event(
        "Pod",
        &name,
        "Normal",
        "Pulling",
        format!("Pulling image {:?}", images[0]),
    );
    sim.engine
        .schedule_in(done - now, Event::ImagePulled { pod, generation });
}

/// Images are on the node: start the containers.
pub fn image_pulled(sim: &mut Simulation, pod: PodId) {
    let Some(node) = sim.cluster.pods[pod.ix()].node else {
        return;
    };
    let images: Vec<String> = sim.cluster.pods[pod.ix()]
        .spec
        .images()
        .map(|s| s.to_string())
        .collect();
    for img in &images {
        let id = sim.cluster.image_id(img);
        sim.cluster.add_image(node, id);
    }
    let name = sim.cluster.pods[pod.ix()].name.clone();
    sim.record_event(
        "Pod",
        &name,
        "Normal",
        "Pulled",
        format!("Successfully pulled image {:?}", images[0]),
    );
    let generation = sim.cluster.pods[pod.ix()].generation;
    sim.engine.schedule_in(
        sim.runtime.container_start_ms,
        Event::ContainerStarted { pod, generation },
    );
}

/// Containers are running: the pod is Running; schedule readiness and completion.
pub fn container_started(sim: &mut Simulation, pod: PodId) {
    let now = sim.engine.now();
    let p = &mut sim.cluster.pods[pod.ix()];
    p.phase = PodPhase::Running;
    if p.times.started.is_none() {
        p.times.started = Some(now);
    }
    let generation = p.generation;
    let delay = p.spec.readiness_delay_ms();
    let name = p.name.clone();
    let restart = p.spec.restart_policy;
    let run = p
        .spec
        .run_duration
        .clone()
        .or_else(|| sim.runtime.run_durations.get(&p.workload).cloned())
        .or_else(|| sim.runtime.run_durations.get(&p.name).cloned());
    sim.record_event(
        "Pod",
        &name,
        "Normal",
        "Started",
        "Started container".into(),
    );
    if delay == 0 {
        sim.pod_ready(pod);
    } else {
        sim.engine
            .schedule_in(delay, Event::PodReady { pod, generation });
    }
    // Only run-to-completion pods end by themselves.
    if restart != RestartPolicy::Always {
        let d = run.unwrap_or(RunDuration::Fixed(sim.runtime.default_run_ms));
        let rng = sim.kubelets.rng.as_mut().expect("kubelets are initialised");
        let ms = sample(&d, rng);
        let code = crate::controllers::job::next_exit_code(sim, pod);
        sim.cluster.pods[pod.ix()].exit_code = Some(code);
        sim.engine.schedule_in(
            ms,
            Event::PodFinished {
                pod,
                generation,
                succeeded: code == 0,
            },
        );
    }
    sim.notify_owner(pod);
}

/// Longest back-off between container restarts (kubelet MaxContainerBackOff: 5 min).
pub const MAX_CONTAINER_BACKOFF_MS: u64 = 300_000;

/// A container of a `restartPolicy: OnFailure` pod failed: the kubelet restarts it in
/// place after the crash-loop back-off (10 s doubling, at most 5 min) and the pod stays
/// Running. Returns false when the pod terminates instead.
pub fn restart_on_failure(sim: &mut Simulation, pod: PodId, succeeded: bool) -> bool {
    let p = &mut sim.cluster.pods[pod.ix()];
    if succeeded || p.spec.restart_policy != RestartPolicy::OnFailure {
        return false;
    }
    p.restarts += 1;
    p.ready = false;
    let backoff = (10_000u64 << (p.restarts - 1).min(16)).min(MAX_CONTAINER_BACKOFF_MS);
    let generation = p.generation;
    let name = p.name.clone();
    sim.record_event(
        "Pod",
        &name,
        "Warning",
        "BackOff",
        "Back-off restarting failed container".into(),
    );
    sim.engine
        .schedule_in(backoff, Event::ContainerStarted { pod, generation });
    sim.notify_owner(pod);
    true
}
