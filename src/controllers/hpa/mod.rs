//! HorizontalPodAutoscaler controller (kube's pkg/controller/podautoscaler/horizontal.go
//! `reconcileAutoscaler`): every sync period it reads the target's scale, asks the
//! replica calculator for each metric's proposal (the largest wins), normalizes it with
//! the behavior or the older default rules, scales the target and writes status,
//! conditions and events.

pub mod behavior;
pub mod calculator;
pub mod status;
pub mod target;

use super::{ControllerContext, ControllerRef};
use crate::engine::SimTime;
use crate::model::autoscaling::{
    HorizontalPodAutoscaler, MetricResource, MetricTarget, ResourceMetric,
};
use behavior::{Bounds, History};
use calculator::CalculatorConfig;
use status::{HpaStatus, MetricValue, SyncRecord};
use target::Target;

/// `--horizontal-pod-autoscaler-sync-period` (15 s).
pub const SYNC_PERIOD_MS: u64 = 15_000;

/// Object kind used in events.
const KIND: &str = "HorizontalPodAutoscaler";

/// An HPA's state.
#[derive(Debug, Clone)]
pub struct HpaState {
    /// The HPA as written.
    pub spec: HorizontalPodAutoscaler,
    /// When it was created.
    pub created: SimTime,
    /// Deleted: it stops syncing.
    pub deleted: bool,
    /// Status.
    pub status: HpaStatus,
    /// Recommendation and scale-event histories.
    pub history: History,
    /// One record per sync, for hpa.csv.
    pub records: Vec<SyncRecord>,
    /// The last warning event (reason, message): a repeat is folded into it, as the
    /// event recorder's aggregation counts repeats on one Event.
    last_warning: Option<(&'static str, String)>,
}

/// Adds an HPA; it syncs now and then every sync period.
pub fn add(ctx: &mut impl ControllerContext, spec: HorizontalPodAutoscaler) -> u32 {
    let idx = ctx.workloads().hpas.len() as u32;
    let metrics = spec.metrics.len();
    let created = ctx.now();
    ctx.workloads_mut().hpas.push(HpaState {
        spec,
        created,
        deleted: false,
        status: HpaStatus {
            current_metrics: vec![None; metrics],
            ..HpaStatus::default()
        },
        history: History::default(),
        records: Vec::new(),
        last_warning: None,
    });
    ctx.request_sync(ControllerRef::Hpa(idx));
    idx
}

/// The metric's name in kube's rescale reasons and conditions.
pub fn metric_name(m: &ResourceMetric) -> String {
    match m.target {
        MetricTarget::Utilization(_) => {
            format!(
                "{} resource utilization (percentage of request)",
                m.resource.as_str()
            )
        }
        MetricTarget::AverageValueMilli(_) => format!("{} resource", m.resource.as_str()),
    }
}

/// One sync of HPA `h` (kube's `reconcileAutoscaler`), then the next one armed.
pub fn sync(ctx: &mut impl ControllerContext, h: u32) {
    if ctx.workloads().hpas[h as usize].deleted {
        return;
    }
    let now = ctx.now();
    ctx.sync_at(now.plus_millis(SYNC_PERIOD_MS), ControllerRef::Hpa(h));
    let (namespace, target_ref) = {
        let spec = &ctx.workloads().hpas[h as usize].spec;
        (spec.meta.namespace.clone(), spec.target.clone())
    };
    match target::find(ctx, &namespace, &target_ref) {
        Ok(t) => reconcile(ctx, h, t),
        Err(e) => {
            let st = &mut ctx.workloads_mut().hpas[h as usize];
            let message =
                format!("the HPA controller was unable to get the target's current scale: {e}");
            st.status
                .set_condition("AbleToScale", false, "FailedGetScale", message, now);
            warn(ctx, h, "FailedGetScale", e);
        }
    }
    record(ctx, h);
}

/// Reconciles HPA `h` against its found target `t`.
fn reconcile(ctx: &mut impl ControllerContext, h: u32, t: Target) {
    let now = ctx.now();
    let current = target::spec_replicas(ctx, t);
    let pods = target::pods(ctx, t);
    let status_replicas = target::status_replicas(ctx, &pods);
    let (min, max) = {
        let st = &mut ctx.workloads_mut().hpas[h as usize];
        st.status.current_replicas = status_replicas;
        let message = "the HPA controller was able to get the target's current scale".to_string();
        st.status
            .set_condition("AbleToScale", true, "SucceededGetScale", message, now);
        (st.spec.min_replicas, st.spec.max_replicas)
    };
    let (desired, reason) = if current == 0 && min != 0 {
        let message =
            "scaling is disabled since the replica count of the target is zero".to_string();
        let st = &mut ctx.workloads_mut().hpas[h as usize];
        st.status
            .set_condition("ScalingActive", false, "ScalingDisabled", message, now);
        st.status.desired_replicas = 0;
        return;
    } else if current > max {
        (
            max,
            "Current number of replicas above Spec.MaxReplicas".to_string(),
        )
    } else if current < min {
        (
            min,
            "Current number of replicas below Spec.MinReplicas".to_string(),
        )
    } else {
        match from_metrics(ctx, h, &pods, current) {
            Some(decided) => decided,
            None => return,
        }
    };
    ctx.workloads_mut().hpas[h as usize].status.desired_replicas = desired;
    if desired != current {
        rescale(ctx, h, t, current, desired, reason);
    }
}

/// The metrics' proposal normalized by the behavior, with the rescale reason; `None`
/// when every metric failed (or some failed and the rest would scale down).
fn from_metrics(
    ctx: &mut impl ControllerContext,
    h: u32,
    pods: &[crate::cluster::PodId],
    current: i32,
) -> Option<(i32, String)> {
    let now = ctx.now();
    let proposal = compute_replicas_for_metrics(ctx, h, pods, current)?;
    let (proposed, metric) = proposal;
    let reason = if proposed > current {
        format!("{metric} above target")
    } else {
        "All metrics below target".to_string()
    };
    let st = &mut ctx.workloads_mut().hpas[h as usize];
    let bounds = Bounds {
        current,
        min: st.spec.min_replicas,
        max: st.spec.max_replicas,
    };
    let normalized = match &st.spec.behavior {
        Some(b) => behavior::with_behavior(&mut st.history, b, bounds, proposed, now),
        None => behavior::without_behavior(&mut st.history, bounds, proposed, now),
    };
    let able = &normalized.able_to_scale;
    st.status.set_condition(
        "AbleToScale",
        true,
        able.reason,
        able.message.to_string(),
        now,
    );
    let limited = &normalized.scaling_limited;
    st.status.set_condition(
        "ScalingLimited",
        normalized.limited,
        limited.reason,
        limited.message.to_string(),
        now,
    );
    Some((normalized.replicas, reason))
}

/// kube's `computeReplicasForMetrics`: each metric's proposal, the largest with its
/// metric name; the status' current metrics and the ScalingActive condition.
fn compute_replicas_for_metrics(
    ctx: &mut impl ControllerContext,
    h: u32,
    pods: &[crate::cluster::PodId],
    current: i32,
) -> Option<(i32, String)> {
    let now = ctx.now();
    let metrics = ctx.workloads().hpas[h as usize].spec.metrics.clone();
    let cfg = CalculatorConfig::default();
    let mut best: Option<(i32, String)> = None;
    let mut first_error: Option<String> = None;
    let mut invalid = 0;
    let mut values = Vec::with_capacity(metrics.len());
    for m in &metrics {
        let views: Vec<_> = pods
            .iter()
            .map(|p| target::pod_view(ctx, *p, m.resource))
            .collect();
        let cpu = m.resource == MetricResource::Cpu;
        match calculator::resource_replicas(&views, current, cpu, m.target, &cfg, now) {
            Ok(p) => {
                values.push(Some(MetricValue {
                    utilization: p.utilization,
                    average_milli: p.average_milli,
                }));
                if best.as_ref().is_none_or(|(r, _)| p.replicas > *r) {
                    best = Some((p.replicas, metric_name(m)));
                }
            }
            Err(e) => {
                values.push(None);
                let what = match m.target {
                    MetricTarget::Utilization(_) => "utilization",
                    MetricTarget::AverageValueMilli(_) => "usage",
                };
                let resource = m.resource.as_str();
                let e = format!(
                    "failed to get {resource} resource metric value: failed to get {resource} {what}: unable to get metrics for resource {resource}: {e}"
                );
                warn(ctx, h, "FailedGetResourceMetric", e.clone());
                invalid += 1;
                first_error.get_or_insert(e);
            }
        }
    }
    ctx.workloads_mut().hpas[h as usize].status.current_metrics = values;
    let scales_down = best.as_ref().is_some_and(|(r, _)| *r < current);
    if let (Some(e), true) = (&first_error, invalid >= metrics.len() || scales_down) {
        let message = format!("the HPA was unable to compute the replica count: {e}");
        let st = &mut ctx.workloads_mut().hpas[h as usize];
        st.status.set_condition(
            "ScalingActive",
            false,
            "FailedGetResourceMetric",
            message,
            now,
        );
        let summary = format!(
            "invalid metrics ({invalid} invalid out of {}), first error is: {e}",
            metrics.len()
        );
        warn(ctx, h, "FailedComputeMetricsReplicas", summary);
        return None;
    }
    let (replicas, metric) = best.expect("at least one valid metric");
    let message =
        format!("the HPA was able to successfully calculate a replica count from {metric}");
    let st = &mut ctx.workloads_mut().hpas[h as usize];
    st.status
        .set_condition("ScalingActive", true, "ValidMetricFound", message, now);
    st.last_warning = None;
    Some((replicas, metric))
}

/// Scales the target, records `SuccessfulRescale` and the scale event.
fn rescale(
    ctx: &mut impl ControllerContext,
    h: u32,
    t: Target,
    current: i32,
    desired: i32,
    reason: String,
) {
    let now = ctx.now();
    target::scale(ctx, t, desired);
    let st = &mut ctx.workloads_mut().hpas[h as usize];
    if let Some(b) = &st.spec.behavior {
        behavior::store_scale_event(&mut st.history, b, current, desired, now);
    }
    st.status.last_scale_time = Some(now);
    let message = format!("the HPA controller was able to update the target scale to {desired}");
    st.status
        .set_condition("AbleToScale", true, "SucceededRescale", message, now);
    let name = st.spec.meta.name.clone();
    let message = format!("New size: {desired}; reason: {reason}");
    ctx.record_event(KIND, &name, "Normal", "SuccessfulRescale", message);
}

/// A Warning event, folded into the previous one when it repeats it.
fn warn(ctx: &mut impl ControllerContext, h: u32, reason: &'static str, message: String) {
    let st = &mut ctx.workloads_mut().hpas[h as usize];
    let key = Some((reason, message.clone()));
    if st.last_warning == key {
        return;
    }
    st.last_warning = key;
    let name = st.spec.meta.name.clone();
    ctx.record_event(KIND, &name, "Warning", reason, message);
}

/// Appends the sync's hpa.csv record.
fn record(ctx: &mut impl ControllerContext, h: u32) {
    let now = ctx.now();
    let st = &mut ctx.workloads_mut().hpas[h as usize];
    st.records.push(SyncRecord {
        at: now,
        current_replicas: st.status.current_replicas,
        desired_replicas: st.status.desired_replicas,
        metrics: st.status.current_metrics.clone(),
    });
}
