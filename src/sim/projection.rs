//! A scenario's projected size, estimated before anything is allocated: nodes, pods at
//! once, pods surely created over the run (replicas, each Job's first wave, a CronJob's
//! runs × its first wave),
//! metric samples, and from them a floor on the events the run processes and the memory
//! it keeps. A run whose floor is already over `limits.max_events` or `limits.max_memory`
//! is refused before it starts, with the estimate in the message (`k8sim validate` says
//! the same).
//!
//! Both floors are lower bounds, not guesses: only pods the workloads create before the
//! first timeline entry that could delete, suspend or scale them count; every created pod
//! takes at least one scheduling event and keeps at least its slot in the pod table, its
//! record's offset and its label class until the run ends (a retired pod is no more than
//! that and its compact record), the pods asked for at once are whole `Pod`s together;
//! every sample is one event and one record (the randomised scenario test checks the floors
//! against real runs). Measured runs use several times more (about 8–11 events and 6–9
//! KB per pod, BENCHMARKS.md), so a refusal is never a false alarm.

use super::setup::MAX_NODE_SAMPLES;
use crate::cluster::Pod;
use crate::engine::budget::Budget;
use crate::engine::Limits;
use crate::metrics::{NodeSample, Sample};
use crate::model::cron::{parse_schedule, parse_time_zone};
use crate::model::thousands::thousands;
use crate::model::workload::{ConcurrencyPolicy, CronJob, JobSpec, PodManagementPolicy};
use crate::scenario::object::Object;
use crate::scenario::Scenario;
use chrono::{TimeZone, Utc};

/// Bytes of one node's rows in the node table and the simulation's per-node state: a
/// floor (names, labels and pod lists come on top).
const NODE_BYTES: u64 = 512;

/// Bytes every created pod keeps to the end of the run, retired or not: its pod table slot,
/// the offset of its record and its label class id.
const CREATED_POD_BYTES: u64 = (std::mem::size_of::<Option<Box<Pod>>>()
    + std::mem::size_of::<u64>()
    + std::mem::size_of::<u32>()) as u64;

/// Longest stretch of a CronJob's schedule walked to count its runs; longer runs scale
/// the count up linearly.
const CRON_WINDOW_MS: u64 = 7 * 86_400_000;

/// The projected size of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Projection {
    /// Nodes at the start.
    pub nodes: u64,
    /// Pods the workloads ask for at once (replicas, parallelism, one per node per
    /// DaemonSet, bare pods).
    pub pods_at_once: u64,
    /// Pods surely created over the whole run.
    pub pods_created: u64,
    /// Cluster samples.
    pub samples: u64,
    /// Per-node samples.
    pub node_samples: u64,
    /// Events processed, at least.
    pub events_floor: u64,
    /// Bytes kept until the end, at least.
    pub bytes_floor: u64,
}

impl std::fmt::Display for Projection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} nodes, {} pods at once, at least {} pods created, {} samples: at least {} events and {} MB",
            thousands(self.nodes),
            thousands(self.pods_at_once),
            thousands(self.pods_created),
            thousands(self.samples),
            thousands(self.events_floor),
            thousands(self.bytes_floor.div_ceil(1_000_000))
        )
    }
}

/// Estimates `sc`'s size from its nodes, objects, duration and sampling period.
pub fn project(sc: &Scenario) -> Projection {
    let duration_ms = sc.limits.end_time.as_millis();
    let nodes = sc.nodes.len() as u64;
    let untouched_ms = workloads_untouched_ms(sc).min(duration_ms);
    let (mut at_once, mut created) = (0u64, 0u64);
    for located in &sc.objects {
        let (now, floor) = match &located.object {
            Object::Pod(_) => (1, 1),
            Object::Deployment(d) => replicas(d.replicas, true),
            Object::ReplicaSet(r) => replicas(r.replicas, true),
            Object::StatefulSet(s) => replicas(
                s.replicas,
                s.pod_management == PodManagementPolicy::Parallel,
            ),
            // Only on the nodes it tolerates and selects: no floor.
            Object::DaemonSet(_) => (nodes, 0),
            Object::Job(j) => {
                let first = job_wave(&j.spec);
                (first, first)
            }
            Object::CronJob(c) => {
                let mut runs = cron_runs(sc, c, untouched_ms);
                if c.concurrency_policy == ConcurrencyPolicy::Forbid {
                    // A Job that never ends forbids every later run.
                    runs = runs.min(1);
                }
                let first = job_wave(&c.job);
                (first.min(runs * first), runs.saturating_mul(first))
            }
            _ => (0, 0),
        };
        at_once = at_once.saturating_add(now);
        if untouched_ms > 0 {
            created = created.saturating_add(floor);
        }
    }
    // Samples at every period from time zero up to the end.
    let samples = duration_ms / sc.sample_every_ms.max(1);
    // The recorder's own rule for taking per-node samples.
    let node_samples = if (samples + 2).saturating_mul(nodes) <= MAX_NODE_SAMPLES {
        samples * nodes
    } else {
        0
    };
    let size = |n: usize| n as u64;
    Projection {
        nodes,
        pods_at_once: at_once,
        pods_created: created,
        samples,
        node_samples,
        events_floor: created.saturating_add(samples),
        bytes_floor: created
            .saturating_mul(CREATED_POD_BYTES)
            .saturating_add(at_once.saturating_mul(size(std::mem::size_of::<Pod>())))
            .saturating_add(samples.saturating_mul(size(std::mem::size_of::<Sample>())))
            .saturating_add(node_samples.saturating_mul(size(std::mem::size_of::<NodeSample>())))
            .saturating_add(nodes.saturating_mul(NODE_BYTES)),
    }
}

/// A run of `p` would certainly pass `limits.max_events` or `limits.max_memory`: the
/// message says which, with the estimate.
pub fn check(p: &Projection, limits: &Limits, budget: &Budget) -> Result<(), String> {
    if p.events_floor > limits.max_events {
        return Err(format!(
            "field `limits.max_events`: the run would process more events than the limit of {} (projected: {p}); raise limits.max_events, shorten the duration or sample less often",
            thousands(limits.max_events)
        ));
    }
    if let Some(max) = budget.max_memory_bytes {
        if p.bytes_floor > max {
            return Err(format!(
                "field `limits.max_memory`: the run would keep more than the limit of {} MB (projected: {p}); raise limits.max_memory or shorten the duration",
                thousands(max / 1_000_000)
            ));
        }
    }
    Ok(())
}

/// How long the workloads run as written: until the first timeline entry that may delete,
/// suspend, scale or replace one of them (node actions and faults never lower the pods a
/// controller creates).
fn workloads_untouched_ms(sc: &Scenario) -> u64 {
    sc.timeline
        .iter()
        .filter(|e| !e.action.acts_on_nodes())
        .map(|e| e.at.as_millis())
        .min()
        .unwrap_or(u64::MAX)
}

/// (pods at once, pods surely created) of a workload of `n` replicas: all of them when
/// they are created together, the first one when each waits for the one before
/// (OrderedReady).
fn replicas(n: i32, together: bool) -> (u64, u64) {
    let n = n.max(0) as u64;
    (n, if together { n } else { n.min(1) })
}

/// The pods a Job creates as soon as it starts: its parallelism, at most its completions.
/// Later ones depend on how the first end, so they are not part of the floor.
fn job_wave(spec: &JobSpec) -> u64 {
    let parallelism = spec.parallelism.max(0) as u64;
    spec.completions
        .map_or(parallelism, |c| parallelism.min(c.max(0) as u64))
}

/// Runs of CronJob `c` in the first `duration_ms` (none while suspended): its schedule walked over
/// the first week at most, scaled linearly beyond.
fn cron_runs(sc: &Scenario, c: &CronJob, duration_ms: u64) -> u64 {
    if c.suspend {
        return 0;
    }
    let (Ok(cron), Ok(tz)) = (
        parse_schedule(&c.schedule),
        parse_time_zone(c.time_zone.as_deref()),
    ) else {
        return 0;
    };
    let window = duration_ms.min(CRON_WINDOW_MS);
    let Some(start) = Utc.timestamp_opt(sc.start_epoch_s, 0).single() else {
        return 0;
    };
    let (mut t, end) = (
        start.with_timezone(&tz),
        (start + chrono::Duration::milliseconds(window as i64)).with_timezone(&tz),
    );
    let mut runs = 0u64;
    while let Ok(next) = cron.find_next_occurrence(&t, false) {
        if next > end {
            break;
        }
        runs += 1;
        t = next;
    }
    if window == 0 {
        return 0;
    }
    (runs as u128 * duration_ms as u128 / window as u128) as u64
}
