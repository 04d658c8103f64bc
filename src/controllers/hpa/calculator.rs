//! The replica calculator of kube's HPA (pkg/controller/podautoscaler/replica_calculator.go
//! `GetResourceReplicas`, `GetRawResourceReplicas`, `calcPlainMetricReplicas`, `groupPods`,
//! and metrics/utilization.go): from the pods of the target and their metrics, the replica
//! count one Resource metric proposes. Pure: the pods are handed in as [`PodView`]s.

use crate::engine::SimTime;
use crate::model::autoscaling::MetricTarget;

/// The controller's tunables (kube-controller-manager flags and their defaults).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CalculatorConfig {
    /// `--horizontal-pod-autoscaler-tolerance` (0.1).
    pub tolerance: f64,
    /// `--horizontal-pod-autoscaler-cpu-initialization-period` (5 min).
    pub cpu_initialization_period_ms: u64,
    /// `--horizontal-pod-autoscaler-initial-readiness-delay` (30 s).
    pub initial_readiness_delay_ms: u64,
}

impl Default for CalculatorConfig {
    fn default() -> Self {
        CalculatorConfig {
            tolerance: 0.1,
            cpu_initialization_period_ms: 5 * 60 * 1000,
            initial_readiness_delay_ms: 30 * 1000,
        }
    }
}

/// One metrics-server sample as the calculator needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    /// Usage in milli-units (millicores; for memory bytes × 1000, kube's `MilliValue`).
    pub value_milli: i64,
    /// When the sample was taken.
    pub timestamp: SimTime,
    /// The window the sample covers, in ms.
    pub window_ms: u64,
}

/// What the calculator sees of one pod selected by the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodView {
    /// deletionTimestamp set.
    pub deleting: bool,
    /// Phase Failed.
    pub failed: bool,
    /// Phase Pending.
    pub pending: bool,
    /// Ready condition true.
    pub ready: bool,
    /// status.startTime (None: not started by a kubelet yet).
    pub start: Option<SimTime>,
    /// lastTransitionTime of the Ready condition.
    pub ready_transition: SimTime,
    /// Sum of the containers' requests of the resource in milli-units; `Err(container)`
    /// names a container without one.
    pub request_milli: Result<i64, String>,
    /// The latest metrics sample, if metrics-server has one.
    pub sample: Option<Sample>,
}

/// A metric's proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proposal {
    /// Replicas proposed.
    pub replicas: i32,
    /// Current average utilization in percent of requests (Utilization targets only).
    pub utilization: Option<i32>,
    /// Current average value per pod, in milli-units.
    pub average_milli: i64,
}

/// How the ready pods with metrics, the unready and the missing ones split up.
#[derive(Debug, Default)]
struct Groups {
    /// Pods counted as ready (with metrics), by index into the pod list.
    ready: Vec<usize>,
    /// Pending or not yet ready (CPU) pods: set to 0 on a scale-up.
    unready: Vec<usize>,
    /// Pods without metrics: 100 % (or the target) on a scale-down, 0 on a scale-up.
    missing: Vec<usize>,
}

/// kube's `groupPods`: deleted and Failed pods are ignored; Pending pods are unready; a
/// pod without metrics is missing; for CPU a pod is unready while it is within the CPU
/// initialization period and either not ready or its sample predates one window after it
/// became ready, or, after that period, if it is not ready and never was (its Ready
/// condition last changed within the initial readiness delay of its start).
fn group_pods(pods: &[PodView], cpu: bool, cfg: &CalculatorConfig, now: SimTime) -> Groups {
    let mut g = Groups::default();
    for (i, pod) in pods.iter().enumerate() {
        if pod.deleting || pod.failed {
            continue;
        }
        if pod.pending {
            g.unready.push(i);
            continue;
        }
        let Some(sample) = pod.sample else {
            g.missing.push(i);
            continue;
        };
        if cpu && cpu_sample_unready(pod, &sample, cfg, now) {
            g.unready.push(i);
            continue;
        }
        g.ready.push(i);
    }
    g
}

/// The CPU part of `groupPods`.
fn cpu_sample_unready(
    pod: &PodView,
    sample: &Sample,
    cfg: &CalculatorConfig,
    now: SimTime,
) -> bool {
    let Some(start) = pod.start else {
        return true;
    };
    let start_ms = start.as_millis();
    if start_ms + cfg.cpu_initialization_period_ms > now.as_millis() {
        !pod.ready
            || sample.timestamp.as_millis() < pod.ready_transition.as_millis() + sample.window_ms
    } else {
        !pod.ready && start_ms + cfg.initial_readiness_delay_ms > pod.ready_transition.as_millis()
    }
}

/// Per pod index, the metric value taken into account (ready pods' samples at first).
type Values = Vec<(usize, i64)>;

/// The usage ratio and the figures shown in the status.
#[derive(Debug, Clone, Copy)]
struct Usage {
    ratio: f64,
    utilization: Option<i32>,
    average_milli: i64,
}

/// metrics/utilization.go `GetResourceUtilizationRatio` (utilization truncated to whole
/// percent before the ratio) and `GetMetricUsageRatio` (average truncated to a
/// milli-unit).
fn usage(values: &Values, requests: &[i64], target: MetricTarget) -> Result<Usage, String> {
    let total: i64 = values.iter().map(|(_, v)| v).sum();
    let average_milli = total / values.len() as i64;
    match target {
        MetricTarget::Utilization(t) => {
            let requested: i64 = values.iter().map(|(i, _)| requests[*i]).sum();
            if requested == 0 {
                return Err("no metrics returned matched known pods".into());
            }
            let utilization = (total * 100 / requested) as i32;
            Ok(Usage {
                ratio: utilization as f64 / t as f64,
                utilization: Some(utilization),
                average_milli,
            })
        }
        MetricTarget::AverageValueMilli(t) => Ok(Usage {
            ratio: average_milli as f64 / t as f64,
            utilization: None,
            average_milli,
        }),
    }
}

/// The replicas a Resource metric proposes for a target with `current` replicas (its
/// spec.replicas), or kube's error message.
pub fn resource_replicas(
    pods: &[PodView],
    current: i32,
    cpu: bool,
    target: MetricTarget,
    cfg: &CalculatorConfig,
    now: SimTime,
) -> Result<Proposal, String> {
    if pods.iter().all(|p| p.sample.is_none()) {
        return Err("no metrics returned from resource metrics API".into());
    }
    if pods.is_empty() {
        return Err("no pods returned by selector while calculating replica count".into());
    }
    let groups = group_pods(pods, cpu, cfg, now);
    let requests = requests(pods, cpu, target)?;
    let mut values: Values = groups
        .ready
        .iter()
        .map(|&i| {
            (
                i,
                pods[i].sample.expect("ready pods have samples").value_milli,
            )
        })
        .collect();
    if values.is_empty() {
        return Err("did not receive metrics for any ready pods".into());
    }
    let first = usage(&values, &requests, target)?;
    let proposal = |replicas| Proposal {
        replicas,
        utilization: first.utilization,
        average_milli: first.average_milli,
    };
    let scale_up_with_unready = !groups.unready.is_empty() && first.ratio > 1.0;
    if !scale_up_with_unready && groups.missing.is_empty() {
        if (1.0 - first.ratio).abs() <= cfg.tolerance {
            return Ok(proposal(current));
        }
        return Ok(proposal(
            (first.ratio * groups.ready.len() as f64).ceil() as i32
        ));
    }
    fill_missing(&mut values, &groups.missing, &requests, first.ratio, target);
    if scale_up_with_unready {
        values.extend(groups.unready.iter().map(|&i| (i, 0)));
    }
    let second = usage(&values, &requests, target)?;
    let flips =
        (first.ratio < 1.0 && second.ratio > 1.0) || (first.ratio > 1.0 && second.ratio < 1.0);
    if (1.0 - second.ratio).abs() <= cfg.tolerance || flips {
        return Ok(proposal(current));
    }
    let replicas = (second.ratio * values.len() as f64).ceil() as i32;
    if (second.ratio < 1.0 && replicas > current) || (second.ratio > 1.0 && replicas < current) {
        return Ok(proposal(current));
    }
    Ok(proposal(replicas))
}

/// Missing pods on a scale-down count as using their full request (or the target when it
/// is above 100 %; for an AverageValue target, the target); on a scale-up as using 0.
fn fill_missing(
    values: &mut Values,
    missing: &[usize],
    requests: &[i64],
    ratio: f64,
    target: MetricTarget,
) {
    for &i in missing {
        let value = if ratio < 1.0 {
            match target {
                MetricTarget::Utilization(t) => requests[i] * i64::from(t.max(100)) / 100,
                MetricTarget::AverageValueMilli(t) => t,
            }
        } else if ratio > 1.0 {
            0
        } else {
            continue;
        };
        values.push((i, value));
    }
}

/// kube's `calculateRequests`, needed only for Utilization targets: every container
/// (and sidecar) must request the resource.
fn requests(pods: &[PodView], cpu: bool, target: MetricTarget) -> Result<Vec<i64>, String> {
    if !matches!(target, MetricTarget::Utilization(_)) {
        return Ok(vec![0; pods.len()]);
    }
    let resource = if cpu { "cpu" } else { "memory" };
    pods.iter()
        .map(|p| {
            p.request_milli.clone().map_err(|container| {
                format!("missing request for {resource} in container {container}")
            })
        })
        .collect()
}
