//! Resource usage at runtime: every kubelet housekeeping interval (10 s) and at every
//! step or series change point, each Running pod of a workload with a usage model gets
//! its CPU and memory demand; CPU over the container limit is throttled (the excess
//! accumulates as throttled CPU time), memory over the limit OOM-kills the container.
//! Usage is constant between evaluations. metrics-server scrapes every 60 s
//! ([`metrics_server`]). Nothing here runs when the scenario models no usage.

pub mod metrics_server;

use super::event::Event;
use super::Simulation;
use crate::cluster::pod_metrics::PodMetrics;
use crate::cluster::{Cluster, NodeIdx, PodId, PodPhase};
use crate::engine::{RngStreams, SimTime, Stream};
use crate::model::pod::PodSpec;
use crate::model::resources::{ResourceIdx, CPU, MEMORY};
use crate::model::usage::{pod_demand, PodShare, UsageSpec};
use metrics_server::{PodStore, Point, METRIC_RESOLUTION_MS};
use rand::Rng;
use std::collections::BTreeMap;

/// How often the kubelet evaluates usage (its housekeeping interval, 10 s).
pub const HOUSEKEEPING_MS: u64 = 10_000;

/// One pod's usage state.
#[derive(Debug, Clone, Default)]
pub struct PodUsage {
    /// CPU wanted at the last evaluation, millicores.
    pub cpu_demand_millis: i64,
    /// CPU used (demand capped at the limit), millicores.
    pub cpu_used_millis: i64,
    /// Working set, bytes.
    pub memory_bytes: i64,
    /// Whether the levels above are in force (the container was running).
    running: bool,
    /// Container the levels belong to (the pod's restart count).
    restarts_seen: u32,
    /// When that container started.
    container_start: SimTime,
    /// CPU used by that container, millicore-ms.
    cpu_cumulative: u64,
    /// CPU demand over the limit, millicore-ms, over the pod's life.
    pub throttled_millicore_ms: u64,
    /// Highest CPU used, millicores.
    pub cpu_peak_millis: i64,
    /// Highest working set, bytes.
    pub memory_peak_bytes: i64,
    store: PodStore,
}

impl PodUsage {
    /// CPU demand over the limit in CPU-seconds (millicore-ms / 1e6).
    pub fn throttled_s(&self) -> f64 {
        self.throttled_millicore_ms as f64 / 1e6
    }
}

/// The usage model of a run.
#[derive(Debug)]
pub struct UsageModel {
    specs: BTreeMap<String, UsageSpec>,
    /// Pods that ever had usage.
    pub pods: BTreeMap<PodId, PodUsage>,
    change_points: Vec<u64>,
    last_eval: SimTime,
    noise_key: u64,
    /// CPU used by all pods at the last evaluation, millicores.
    pub used_cpu_millis: i64,
    /// Memory used by all pods at the last evaluation, bytes.
    pub used_memory_bytes: i64,
    /// Containers OOM-killed so far.
    pub oom_kills: u64,
}

/// The pod's limit of `r`: the sum over its containers when every container sets one.
pub fn pod_limit(spec: &PodSpec, r: ResourceIdx) -> Option<i64> {
    let i = r.0 as usize;
    let all = !spec.containers.is_empty() && spec.containers.iter().all(|c| c.limited[i]);
    all.then(|| spec.containers.iter().map(|c| c.limits.get(r)).sum())
}

/// SplitMix64's finaliser: a well-mixed 64-bit value.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl UsageModel {
    /// The model of `specs`, or `None` when there are none (then nothing runs).
    pub fn new(specs: &BTreeMap<String, UsageSpec>, streams: &RngStreams) -> Option<UsageModel> {
        if specs.is_empty() {
            return None;
        }
        let mut change_points: Vec<u64> = specs
            .values()
            .flat_map(|s| s.steps.iter().map(|st| st.at_ms))
            .collect();
        change_points.sort_unstable();
        change_points.dedup();
        Some(UsageModel {
            specs: specs.clone(),
            pods: BTreeMap::new(),
            change_points,
            last_eval: SimTime::ZERO,
            noise_key: streams.stream(Stream::Usage).random(),
            used_cpu_millis: 0,
            used_memory_bytes: 0,
            oom_kills: 0,
        })
    }

    /// The usage key of pod `p`: its workload's name, or its own.
    fn key_of<'a>(&self, cluster: &'a Cluster, p: PodId) -> Option<&'a str> {
        let pod = &cluster.pods()[p.ix()];
        [pod.workload.as_str(), pod.name.as_str()]
            .into_iter()
            .find(|k| self.specs.contains_key(*k))
    }

    /// The noise factor of pod `p` at `now`: `1 + noise * u`, u uniform in [-1, 1] from a
    /// hash of the run's key, the pod and the instant.
    fn noise_factor(&self, noise: f64, p: PodId, now: SimTime) -> f64 {
        if noise == 0.0 {
            return 1.0;
        }
        let h = mix(self.noise_key ^ mix(u64::from(p.0) ^ mix(now.as_millis())));
        let u = (h >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0;
        1.0 + noise * u
    }

    /// Time after `now` of the next evaluation: the next housekeeping tick or change point.
    fn next_eval(&self, now: u64) -> u64 {
        let tick = (now / HOUSEKEEPING_MS + 1) * HOUSEKEEPING_MS;
        let change = self.change_points.iter().find(|&&c| c > now).copied();
        change.map_or(tick, |c| c.min(tick))
    }

    /// The latest metrics-server sample of pod `p`.
    pub fn pod_metrics(&self, p: PodId) -> Option<PodMetrics> {
        self.pods.get(&p).and_then(|u| u.store.served())
    }

    /// The sum of the served samples of the pods on `node`: (cpu millicores, memory
    /// bytes), `None` when no pod there has one.
    pub fn node_metrics(&self, cluster: &Cluster, node: NodeIdx) -> Option<(i64, i64)> {
        let mut sum: Option<(i64, i64)> = None;
        for (p, u) in &self.pods {
            if cluster.pods()[p.ix()].node != Some(node) {
                continue;
            }
            if let Some(m) = u.store.served() {
                let s = sum.get_or_insert((0, 0));
                s.0 += m.cpu_millis;
                s.1 += m.memory_bytes;
            }
        }
        sum
    }
}

/// Schedules the first evaluation (at time zero) when usage is modelled.
pub fn start(sim: &mut Simulation) {
    if sim.usage.is_some() {
        sim.engine.schedule_in(0, Event::UsageTick);
    }
}

/// An evaluation: the interval since the last one is accounted at the old levels, then
/// the new levels are worked out (OOM kills follow), metrics-server scrapes on its
/// resolution, and the next evaluation is scheduled.
pub fn tick(sim: &mut Simulation) {
    let now = sim.now();
    let Some(mut model) = sim.usage.take() else {
        return;
    };
    account(&mut model, &sim.cluster, now);
    let oom = evaluate(&mut model, sim, now);
    if now.as_millis().is_multiple_of(METRIC_RESOLUTION_MS) {
        scrape(&mut model, now);
    }
    model.oom_kills += oom.len() as u64;
    let next = model.next_eval(now.as_millis());
    sim.usage = Some(model);
    for p in oom {
        crate::kubelet::container_oom_killed(sim, p);
    }
    if next <= sim.engine.limits().end_time.as_millis() {
        sim.engine
            .schedule_at(SimTime::from_millis(next), Event::UsageTick)
            .expect("the next evaluation is after now");
    }
}

/// Accounts the interval since the last evaluation: CPU used and throttled by pods whose
/// container still runs (one that stopped meanwhile contributes nothing for it).
fn account(model: &mut UsageModel, cluster: &Cluster, now: SimTime) {
    let dt = now.millis_since(model.last_eval);
    model.last_eval = now;
    for (p, u) in model.pods.iter_mut() {
        let pod = &cluster.pods()[p.ix()];
        if !u.running || pod.phase != PodPhase::Running || pod.restarts != u.restarts_seen {
            continue;
        }
        u.cpu_cumulative += u.cpu_used_millis as u64 * dt;
        u.throttled_millicore_ms += (u.cpu_demand_millis - u.cpu_used_millis) as u64 * dt;
    }
}

/// Whether pod `p`'s container runs now (Running and not waiting in back-off), and since
/// when.
fn container_running(sim: &Simulation, p: PodId) -> Option<SimTime> {
    let pod = &sim.cluster.pods()[p.ix()];
    if pod.phase != PodPhase::Running || pod.node.is_none() {
        return None;
    }
    match sim.kubelets.status.get(&p) {
        Some(st) => st.running_since,
        None => pod.times.started,
    }
}

/// Ready pods per usage key (the pods a total is shared by).
fn ready_counts<'c>(
    model: &UsageModel,
    cluster: &'c Cluster,
    bound: &[PodId],
) -> BTreeMap<&'c str, u32> {
    let mut counts = BTreeMap::new();
    for &p in bound {
        let pod = &cluster.pods()[p.ix()];
        if pod.ready && !pod.deleting && pod.phase == PodPhase::Running {
            if let Some(k) = model.key_of(cluster, p) {
                *counts.entry(k).or_insert(0) += 1;
            }
        }
    }
    counts
}

/// The pods bound to a node, in pod order: only they can run, so an evaluation costs the
/// live pods, not every pod ever created.
fn bound_pods(cluster: &Cluster) -> Vec<PodId> {
    let mut bound: Vec<PodId> = cluster.nodes().pods().iter().flatten().copied().collect();
    bound.sort_unstable();
    bound
}

/// Works out every running pod's levels at `now`; returns the pods to OOM-kill.
fn evaluate(model: &mut UsageModel, sim: &Simulation, now: SimTime) -> Vec<PodId> {
    let bound = bound_pods(&sim.cluster);
    let ready = ready_counts(model, &sim.cluster, &bound);
    for u in model.pods.values_mut() {
        u.running = false;
    }
    let (mut cpu_total, mut memory_total) = (0, 0);
    let mut oom = Vec::new();
    for p in bound {
        let i = p.ix();
        let Some(key) = model.key_of(&sim.cluster, p) else {
            continue;
        };
        let Some(started) = container_running(sim, p) else {
            continue;
        };
        let spec = &model.specs[key];
        let pod = &sim.cluster.pods()[i];
        let daily = spec.daily.map_or(1.0, |d| d.factor(now.as_millis()));
        let share = PodShare {
            cpu_request_millis: pod.spec.requests.get(CPU),
            memory_request_bytes: pod.spec.requests.get(MEMORY),
            ready_pods: ready.get(key).copied().unwrap_or(0),
            ready: pod.ready && !pod.deleting,
            cpu_factor: daily * model.noise_factor(spec.noise, p, now),
        };
        let demand = pod_demand(&spec.levels_at(now.as_millis()), &share);
        let cpu_limit = pod_limit(&pod.spec, CPU);
        let memory_limit = pod_limit(&pod.spec, MEMORY);
        let restarts = pod.restarts;
        let u = model.pods.entry(p).or_default();
        if u.restarts_seen != restarts || u.container_start != started {
            u.restarts_seen = restarts;
            u.container_start = started;
            u.cpu_cumulative = 0;
        }
        if memory_limit.is_some_and(|l| demand.memory_bytes > l) {
            u.memory_peak_bytes = u.memory_peak_bytes.max(memory_limit.unwrap_or(0));
            oom.push(p);
            continue;
        }
        u.running = true;
        u.cpu_demand_millis = demand.cpu_millis;
        u.cpu_used_millis = cpu_limit.map_or(demand.cpu_millis, |l| demand.cpu_millis.min(l));
        u.memory_bytes = demand.memory_bytes;
        u.cpu_peak_millis = u.cpu_peak_millis.max(u.cpu_used_millis);
        u.memory_peak_bytes = u.memory_peak_bytes.max(u.memory_bytes);
        cpu_total += u.cpu_used_millis;
        memory_total += u.memory_bytes;
    }
    model.used_cpu_millis = cpu_total;
    model.used_memory_bytes = memory_total;
    oom
}

/// metrics-server scrapes every kubelet: each pod with a running container gives a point.
fn scrape(model: &mut UsageModel, now: SimTime) {
    for u in model.pods.values_mut() {
        let point = Point {
            at: now,
            cpu_cumulative: u.cpu_cumulative,
            memory_bytes: u.memory_bytes,
        };
        u.store.store(point, u.running.then_some(u.container_start));
    }
}
