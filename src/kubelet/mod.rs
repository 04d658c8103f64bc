//! The kubelet model: image pulls per node ([`images`]), container start,
//! readiness, run-to-completion durations, container crashes with restartPolicy and the
//! CrashLoopBackOff restart back-off (10 s doubling to 5 min, reset after 10 min of
//! running: kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#container-restarts).

use crate::cluster::{NodeIdx, PodId, PodPhase};
use crate::engine::SimTime;
use crate::engine::Stream;
use crate::model::pod::{RestartPolicy, RunDuration};
use rand::Rng;
use rand_distr::{Distribution, Exp, LogNormal};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::collections::BTreeMap;

pub mod context;
pub mod images;
pub mod termination;

pub use context::{KubeletContext, KubeletTimer};

/// First restart back-off of a crashed container (kubelet `initialBackOff`).
pub const INITIAL_BACKOFF_MS: u64 = 10_000;
/// Maximum restart back-off (`MaxContainerBackOff`, 5 min).
pub const MAX_BACKOFF_MS: u64 = 300_000;
/// A container that ran this long without crashing gets its back-off reset (10 min).
pub const BACKOFF_RESET_MS: u64 = 600_000;

/// How a container last terminated (`lastState.terminated`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Termination {
    /// Exit code.
    pub exit_code: i32,
    /// Reason (`Error`, `OOMKilled`).
    pub reason: String,
    /// Started at.
    pub started: SimTime,
    /// Finished at.
    pub finished: SimTime,
}

/// Container state of a pod as the kubelet reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContainerStatus {
    /// Current restart back-off, ms (0: none yet).
    pub backoff_ms: u64,
    /// Waiting in back-off (`CrashLoopBackOff`) until this time.
    pub waiting_until: Option<SimTime>,
    /// When the current container run started.
    pub running_since: Option<SimTime>,
    /// The last termination.
    pub last: Option<Termination>,
}

/// Per-node kubelet state.
#[derive(Debug, Default)]
pub struct Kubelets {
    /// Each node's image puller.
    pub pullers: Vec<images::NodePuller>,
    /// Pods whose container cannot start: an image with `imagePullPolicy: Never` is not
    /// on the node (`ErrImageNeverPull`).
    pub never_pull: std::collections::BTreeSet<PodId>,
    /// Container status of pods that crashed at least once.
    pub status: BTreeMap<PodId, ContainerStatus>,
    /// Pods created so far per owner with recorded lifetimes (SimKube's pod sequence
    /// number, sk-driver/src/mutation.rs `MutationData::count`).
    recorded_seq: BTreeMap<(String, String), usize>,
    /// Recorded run time of each pod whose owner has recorded lifetimes (`None`: until
    /// deleted).
    recorded: BTreeMap<PodId, Option<u64>>,
    rng: Option<Xoshiro256PlusPlus>,
    fault_rng: Option<Xoshiro256PlusPlus>,
    termination_rng: Option<Xoshiro256PlusPlus>,
}

impl Kubelets {
    /// Drops every entry of pod `p` (a retired pod).
    pub fn forget_pod(&mut self, p: PodId) {
        self.never_pull.remove(&p);
        self.status.remove(&p);
        self.recorded.remove(&p);
    }

    /// Kubelets for `nodes` nodes with `pull_workers` image pull workers each (`None`:
    /// unlimited), drawing durations from `streams`.
    pub fn new(
        nodes: usize,
        pull_workers: Option<u32>,
        streams: &crate::engine::RngStreams,
    ) -> Self {
        Kubelets {
            pullers: vec![images::NodePuller::new(pull_workers); nodes],
            never_pull: std::collections::BTreeSet::new(),
            status: BTreeMap::new(),
            recorded_seq: BTreeMap::new(),
            recorded: BTreeMap::new(),
            rng: Some(streams.stream(Stream::Durations)),
            fault_rng: Some(streams.stream(Stream::PodFaults)),
            termination_rng: Some(streams.stream(Stream::Termination)),
        }
    }
}

/// The restart back-off after a crash at `now` of a container that started at `started`,
/// given the previous back-off (0: none): 10 s, doubling, at most 5 min; reset once the
/// container had run 10 min.
pub fn next_backoff_ms(previous_ms: u64, started: SimTime, now: SimTime) -> u64 {
    if previous_ms == 0 || now.millis_since(started) >= BACKOFF_RESET_MS {
        INITIAL_BACKOFF_MS
    } else {
        (previous_ms * 2).min(MAX_BACKOFF_MS)
    }
}

/// A pod was created: if its owner (namespace, workload) has recorded lifetimes (a
/// replayed SimKube trace), the owner's i-th pod gets lifetime `i % len`, as SimKube's
/// `lookup_pod_lifecycle` does (sk-store/src/store.rs: `data[seq % data.len()]`).
pub fn pod_created(ctx: &mut impl KubeletContext, pod: PodId) {
    let p = &ctx.cluster().pods()[pod.ix()];
    let key = (p.namespace.clone(), p.workload.clone());
    let (kubelets, runtime) = ctx.kubelets_and_runtime();
    let Some(list) = runtime.recorded_lifetimes.get(&key) else {
        return;
    };
    if list.is_empty() {
        return;
    }
    let seq = kubelets.recorded_seq.entry(key).or_default();
    let lifetime = list[*seq % list.len()];
    *seq += 1;
    kubelets.recorded.insert(pod, lifetime);
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

/// The pod was bound to `node`: ensure its images ([`images::ensure_images`]), then start.
pub fn pod_bound(ctx: &mut impl KubeletContext, pod: PodId, node: NodeIdx) {
    let generation = ctx.cluster().pods()[pod.ix()].generation;
    let now = ctx.now().as_millis();
    let name = ctx.cluster().pods()[pod.ix()].name.clone();
    ctx.kubelets().never_pull.remove(&pod);
    match images::ensure_images(ctx, pod, node) {
        images::Readiness::NeverPull(image) => {
            ctx.kubelets().never_pull.insert(pod);
            ctx.record_pod_event(
                &name,
                "Warning",
                "ErrImageNeverPull",
                format!("Container image {image:?} is not present with pull policy of Never"),
            );
        }
        images::Readiness::At {
            ready_ms,
            pulled: None,
        } => {
            debug_assert_eq!(ready_ms, now, "no image was waited for");
            ctx.after(
                ctx.runtime().container_start_ms,
                KubeletTimer::ContainerStarted { pod, generation },
            );
        }
        images::Readiness::At {
            ready_ms,
            pulled: Some(image),
        } => {
            ctx.record_pod_event(
                &name,
                "Normal",
                "Pulling",
                format!("Pulling image {image:?}"),
            );
            ctx.after(
                ready_ms - now,
                KubeletTimer::ImagePulled { pod, generation },
            );
        }
    }
}

/// Images are on the node: start the containers.
pub fn image_pulled(ctx: &mut impl KubeletContext, pod: PodId) {
    let images: Vec<String> = ctx.cluster().pods()[pod.ix()]
        .spec
        .images()
        .map(|s| s.to_string())
        .collect();
    let name = ctx.cluster().pods()[pod.ix()].name.clone();
    ctx.record_pod_event(
        &name,
        "Normal",
        "Pulled",
        format!("Successfully pulled image {:?}", images[0]),
    );
    let generation = ctx.cluster().pods()[pod.ix()].generation;
    ctx.after(
        ctx.runtime().container_start_ms,
        KubeletTimer::ContainerStarted { pod, generation },
    );
}

/// Containers are running: the pod is Running; schedule readiness and completion.
pub fn container_started(ctx: &mut impl KubeletContext, pod: PodId) {
    let now = ctx.now();
    ctx.containers_started(pod);
    let times = ctx.pod_status(pod).times;
    if times.started.is_none() {
        times.started = Some(now);
    }
    let p = &ctx.cluster().pods()[pod.ix()];
    let runtime = ctx.runtime();
    let generation = p.generation;
    let delay = p.spec.readiness_delay_ms();
    let name = p.name.clone();
    let restart = p.spec.restart_policy;
    let run = p
        .spec
        .run_duration
        .clone()
        .or_else(|| runtime.run_durations.get(&p.workload).cloned())
        .or_else(|| runtime.run_durations.get(&p.name).cloned());
    let crash = runtime
        .crashes
        .get(&p.workload)
        .or_else(|| runtime.crashes.get(&p.name))
        .cloned();
    let container = p
        .spec
        .containers
        .first()
        .map(|c| c.name.clone())
        .unwrap_or_default();
    ctx.record_pod_event(
        &name,
        "Normal",
        "Started",
        format!("Started container {container}"),
    );
    if let Some(st) = ctx.kubelets().status.get_mut(&pod) {
        st.running_since = Some(now);
        st.waiting_until = None;
    }
    if let Some(c) = crash {
        let rng = ctx
            .kubelets()
            .fault_rng
            .as_mut()
            .expect("kubelets are initialised");
        if c.probability >= 1.0 || rng.random::<f64>() < c.probability {
            let ms = sample(&c.after, rng);
            ctx.kubelets().status.entry(pod).or_default().running_since = Some(now);
            ctx.after(ms, KubeletTimer::ContainerCrashed { pod, generation });
        }
    }
    if delay == 0 {
        ctx.pod_ready(pod);
    } else {
        ctx.after(delay, KubeletTimer::PodReady { pod, generation });
    }
    // A recorded lifetime ends the pod as SimKube's pod-complete stage does (Succeeded,
    // whatever the restart policy); a pod recorded as still running runs until deleted.
    if let Some(recorded) = ctx.kubelets().recorded.get(&pod).copied() {
        if let Some(ms) = recorded {
            *ctx.pod_status(pod).exit_code = Some(0);
            ctx.after(
                ms,
                KubeletTimer::PodFinished {
                    pod,
                    generation,
                    succeeded: true,
                },
            );
        }
    } else if restart != RestartPolicy::Always {
        // Only run-to-completion pods end by themselves.
        let d = run.unwrap_or(RunDuration::Fixed(ctx.runtime().default_run_ms));
        let rng = ctx
            .kubelets()
            .rng
            .as_mut()
            .expect("kubelets are initialised");
        let ms = sample(&d, rng);
        let code = ctx.next_exit_code(pod);
        *ctx.pod_status(pod).exit_code = Some(code);
        ctx.after(
            ms,
            KubeletTimer::PodFinished {
                pod,
                generation,
                succeeded: code == 0,
            },
        );
    }
    ctx.notify_owner(pod);
}

/// The pod's container exited with a failure: under `Never` the pod fails; otherwise the
/// kubelet waits out the restart back-off (CrashLoopBackOff) and starts it again.
pub fn container_crashed(ctx: &mut impl KubeletContext, pod: PodId) {
    let p = &ctx.cluster().pods()[pod.ix()];
    if p.phase != PodPhase::Running {
        return;
    }
    let crash = ctx
        .runtime()
        .crashes
        .get(&p.workload)
        .or_else(|| ctx.runtime().crashes.get(&p.name))
        .cloned()
        .expect("only pods with a crash model crash");
    container_terminated(ctx, pod, crash.exit_code, &crash.reason);
}

/// Exit code of a container the kernel's OOM killer ended (128 + SIGKILL).
pub const OOM_KILLED_EXIT_CODE: i32 = 137;

/// The pod's memory went over its container limit: the container is OOM-killed (reason
/// `OOMKilled`, exit code 137) and restarted as a crash is ([`container_crashed`]).
pub fn container_oom_killed(ctx: &mut impl KubeletContext, pod: PodId) {
    if ctx.cluster().pods()[pod.ix()].phase != PodPhase::Running {
        return;
    }
    container_terminated(ctx, pod, OOM_KILLED_EXIT_CODE, "OOMKilled");
}

/// A running container exited with `exit_code` for `reason`: under `Never` the pod
/// fails; otherwise the crash-loop back-off, then a restart.
fn container_terminated(ctx: &mut impl KubeletContext, pod: PodId, exit_code: i32, reason: &str) {
    let now = ctx.now();
    let p = &ctx.cluster().pods()[pod.ix()];
    let name = p.name.clone();
    let namespace = p.namespace.clone();
    let restart = p.spec.restart_policy;
    let container = p
        .spec
        .containers
        .first()
        .map(|c| c.name.clone())
        .unwrap_or_default();
    let st = ctx.kubelets().status.entry(pod).or_default();
    let started = st.running_since.unwrap_or(now);
    st.last = Some(Termination {
        exit_code,
        reason: reason.to_string(),
        started,
        finished: now,
    });
    st.running_since = None;
    if restart == RestartPolicy::Never {
        ctx.pod_failed(pod);
        return;
    }
    let backoff = next_backoff_ms(st.backoff_ms, started, now);
    st.backoff_ms = backoff;
    st.waiting_until = Some(SimTime::from_millis(now.as_millis() + backoff));
    let was_ready = ctx.cluster().pods()[pod.ix()].ready;
    ctx.pod_unready(pod);
    let p = ctx.pod_status(pod);
    *p.generation += 1;
    let generation = *p.generation;
    ctx.record_pod_event(
        &name,
        "Warning",
        "BackOff",
        format!("Back-off restarting failed container {container} in pod {name}_{namespace}"),
    );
    if was_ready {
        ctx.notify_owner(pod);
    }
    ctx.after(backoff, KubeletTimer::ContainerRestart { pod, generation });
}

/// The back-off ended: the container is created and started again.
pub fn restart_container(ctx: &mut impl KubeletContext, pod: PodId) {
    let p = ctx.pod_status(pod);
    *p.restarts += 1;
    let generation = *p.generation;
    ctx.after(
        ctx.runtime().container_start_ms,
        KubeletTimer::ContainerStarted { pod, generation },
    );
    // The restart count is pod status its owner watches (a Job counts OnFailure
    // restarts against backoffLimit).
    ctx.notify_owner(pod);
}

/// The node came back after a failure: the kubelet starts the pod's containers again
/// (pulling images first if the pod had not started yet).
pub fn restart_after_node_reboot(ctx: &mut impl KubeletContext, pod: PodId) {
    let Some(node) = ctx.cluster().pods()[pod.ix()].node else {
        return;
    };
    if ctx.cluster().pods()[pod.ix()].phase == PodPhase::Pending {
        pod_bound(ctx, pod, node);
        return;
    }
    restart_container(ctx, pod);
}

/// A container of a `restartPolicy: OnFailure` pod failed: the kubelet restarts it in
/// place after the crash-loop back-off ([`next_backoff_ms`], shared with crashes) and the
/// pod stays Running. Returns false when the pod terminates instead.
pub fn restart_on_failure(ctx: &mut impl KubeletContext, pod: PodId, succeeded: bool) -> bool {
    let now = ctx.now();
    let p = &ctx.cluster().pods()[pod.ix()];
    if succeeded || p.spec.restart_policy != RestartPolicy::OnFailure {
        return false;
    }
    let st = ctx.kubelets().status.entry(pod).or_default();
    let started = st.running_since.unwrap_or(now);
    st.running_since = None;
    let backoff = next_backoff_ms(st.backoff_ms, started, now);
    st.backoff_ms = backoff;
    st.waiting_until = Some(SimTime::from_millis(now.as_millis() + backoff));
    ctx.pod_unready(pod);
    let p = ctx.pod_status(pod);
    *p.generation += 1;
    let generation = *p.generation;
    let name = p.name.to_string();
    ctx.record_pod_event(
        &name,
        "Warning",
        "BackOff",
        "Back-off restarting failed container".into(),
    );
    // The restart count rises when the back-off ends and the kubelet starts the
    // container again (restart_container), not at the crash.
    ctx.after(backoff, KubeletTimer::ContainerRestart { pod, generation });
    ctx.notify_owner(pod);
    true
}
