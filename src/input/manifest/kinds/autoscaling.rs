//! Converter for HorizontalPodAutoscaler (`autoscaling/v2` and `autoscaling/v1`): kube's
//! API validation (pkg/apis/autoscaling/validation/validation.go) and defaulting
//! (pkg/apis/autoscaling/v2/defaults.go), plus the limits of what k8sim simulates.

use crate::input::manifest::convert::{self as cv, Ctx};
use crate::input::manifest::raw;
use crate::model::autoscaling::*;
use serde_saphyr::Spanned;

/// The utilization target when an HPA names no metric (`autoscaling.DefaultCPUUtilization`).
const DEFAULT_CPU_UTILIZATION: i32 = 80;

/// An `autoscaling/v2` HorizontalPodAutoscaler.
pub fn hpa_v2(ctx: &mut Ctx, r: &raw::HorizontalPodAutoscalerV2) -> HorizontalPodAutoscaler {
    let meta = cv::meta(ctx, &r.metadata, "HorizontalPodAutoscaler");
    let s = &r.spec;
    let target = scale_target(ctx, &s.scale_target_ref);
    let (min_replicas, max_replicas) = replicas(ctx, &s.min_replicas, &s.max_replicas);
    let mut metrics: Vec<ResourceMetric> = s
        .metrics
        .iter()
        .enumerate()
        .filter_map(|(i, m)| metric(ctx, m, &format!("spec.metrics[{i}]")))
        .collect();
    if s.metrics.is_empty() {
        metrics.push(default_metric(DEFAULT_CPU_UTILIZATION));
    }
    let behavior = s.behavior.as_ref().map(|b| Behavior {
        scale_up: rules(
            ctx,
            &b.scale_up,
            "spec.behavior.scaleUp",
            ScalingRules::default_scale_up(),
        ),
        scale_down: rules(
            ctx,
            &b.scale_down,
            "spec.behavior.scaleDown",
            ScalingRules::default_scale_down(),
        ),
    });
    HorizontalPodAutoscaler {
        meta,
        target,
        min_replicas,
        max_replicas,
        metrics,
        behavior,
    }
}

/// An `autoscaling/v1` HorizontalPodAutoscaler, converted to v2 as the API server does:
/// `targetCPUUtilizationPercentage` (default 80) becomes a cpu Utilization metric.
pub fn hpa_v1(ctx: &mut Ctx, r: &raw::HorizontalPodAutoscalerV1) -> HorizontalPodAutoscaler {
    let meta = cv::meta(ctx, &r.metadata, "HorizontalPodAutoscaler");
    let s = &r.spec;
    let target = scale_target(ctx, &s.scale_target_ref);
    let (min_replicas, max_replicas) = replicas(ctx, &s.min_replicas, &s.max_replicas);
    let utilization = match &s.target_cpu_utilization_percentage {
        None => DEFAULT_CPU_UTILIZATION,
        Some(v) => positive(
            ctx,
            v,
            "spec.targetCPUUtilizationPercentage",
            "must be greater than 0",
        ),
    };
    HorizontalPodAutoscaler {
        meta,
        target,
        min_replicas,
        max_replicas,
        metrics: vec![default_metric(utilization)],
        behavior: None,
    }
}

/// A cpu Utilization metric.
fn default_metric(utilization: i32) -> ResourceMetric {
    ResourceMetric {
        resource: MetricResource::Cpu,
        target: MetricTarget::Utilization(utilization),
    }
}

/// `v` if it is at least 1, else an error with kube's `message` (and 1).
fn positive(ctx: &mut Ctx, v: &Spanned<i64>, field: &str, message: &str) -> i32 {
    if v.value < 1 || v.value > i32::MAX as i64 {
        let line = ctx.line_of(v);
        ctx.error(line, field, format!("{message}, found {}", v.value));
        return 1;
    }
    v.value as i32
}

/// minReplicas (default 1, at least 1) and maxReplicas (required, at least 1, not below
/// minReplicas).
fn replicas(ctx: &mut Ctx, min: &Option<Spanned<i64>>, max: &Option<Spanned<i64>>) -> (i32, i32) {
    let min_replicas = match min {
        None => 1,
        Some(v) => positive(
            ctx,
            v,
            "spec.minReplicas",
            "must be greater than or equal to 1",
        ),
    };
    let Some(max) = max else {
        ctx.error(
            ctx.doc_line,
            "spec.maxReplicas",
            "required: expected an integer of at least 1",
        );
        return (min_replicas, min_replicas);
    };
    let max_replicas = positive(ctx, max, "spec.maxReplicas", "must be greater than 0");
    if max_replicas < min_replicas {
        let line = ctx.line_of(max);
        ctx.error(
            line,
            "spec.maxReplicas",
            format!("must be greater than or equal to `minReplicas` ({min_replicas}), found {max_replicas}"),
        );
        return (min_replicas, min_replicas);
    }
    (min_replicas, max_replicas)
}

/// A required string field's value, or an error naming it.
fn required<'a>(
    ctx: &mut Ctx,
    v: &'a Option<Spanned<String>>,
    line: u64,
    field: &str,
    what: &str,
) -> Option<&'a str> {
    match v {
        Some(s) if !s.value.is_empty() => Some(&s.value),
        _ => {
            ctx.error(line, field, format!("required: {what}"));
            None
        }
    }
}

/// spec.scaleTargetRef: a Deployment, StatefulSet or ReplicaSet by name.
fn scale_target(ctx: &mut Ctx, r: &Option<Spanned<raw::ScaleTargetRef>>) -> ScaleTargetRef {
    let fallback = ScaleTargetRef {
        kind: TargetKind::Deployment,
        name: String::new(),
    };
    let Some(r) = r else {
        ctx.error(
            ctx.doc_line,
            "spec.scaleTargetRef",
            "required: the workload to scale",
        );
        return fallback;
    };
    let line = ctx.line_of(r);
    let kind = required(
        ctx,
        &r.value.kind,
        line,
        "spec.scaleTargetRef.kind",
        "the kind of the workload",
    );
    let name = required(
        ctx,
        &r.value.name,
        line,
        "spec.scaleTargetRef.name",
        "the name of the workload",
    );
    let kind = match kind {
        None => TargetKind::Deployment,
        Some("Deployment") => TargetKind::Deployment,
        Some("StatefulSet") => TargetKind::StatefulSet,
        Some("ReplicaSet") => TargetKind::ReplicaSet,
        Some(other) => {
            let line = r.value.kind.as_ref().map_or(line, |k| ctx.line_of(k));
            ctx.error(
                line,
                "spec.scaleTargetRef.kind",
                format!("scale target kind {other:?} is not simulated: expected Deployment, StatefulSet or ReplicaSet"),
            );
            TargetKind::Deployment
        }
    };
    ScaleTargetRef {
        kind,
        name: name.unwrap_or_default().to_string(),
    }
}

/// One metric: only `type: Resource` on cpu or memory is simulated.
fn metric(ctx: &mut Ctx, m: &Spanned<raw::MetricSpec>, field: &str) -> Option<ResourceMetric> {
    let line = ctx.line_of(m);
    let kind = required(
        ctx,
        &m.value.type_,
        line,
        &format!("{field}.type"),
        "the metric type",
    )?;
    match kind {
        "Resource" => {}
        "Pods" | "Object" | "External" | "ContainerResource" => {
            let line = m.value.type_.as_ref().map_or(line, |t| ctx.line_of(t));
            ctx.error(
                line,
                &format!("{field}.type"),
                format!("metric type {kind} is not simulated: k8sim simulates type Resource (cpu, memory) only"),
            );
            return None;
        }
        other => {
            ctx.error(
                line,
                &format!("{field}.type"),
                format!("must be Resource, Pods, Object, External or ContainerResource, found {other:?}"),
            );
            return None;
        }
    }
    let Some(src) = &m.value.resource else {
        ctx.error(
            line,
            &format!("{field}.resource"),
            "required: must populate information for the given metric source",
        );
        return None;
    };
    let name = required(
        ctx,
        &src.name,
        line,
        &format!("{field}.resource.name"),
        "must specify a resource name",
    )?;
    let resource = match name {
        "cpu" => MetricResource::Cpu,
        "memory" => MetricResource::Memory,
        other => {
            let line = src.name.as_ref().map_or(line, |n| ctx.line_of(n));
            ctx.error(
                line,
                &format!("{field}.resource.name"),
                format!("resource {other:?} is not simulated: expected cpu or memory"),
            );
            return None;
        }
    };
    let Some(t) = &src.target else {
        ctx.error(
            line,
            &format!("{field}.resource.target"),
            "required: must specify a metric target",
        );
        return None;
    };
    let target = metric_target(ctx, t, resource, &format!("{field}.resource.target"))?;
    Some(ResourceMetric { resource, target })
}

/// `validateMetricTarget` and the Resource source's rules: exactly one of
/// averageUtilization (>= 1) and averageValue (> 0).
fn metric_target(
    ctx: &mut Ctx,
    t: &Spanned<raw::MetricTarget>,
    resource: MetricResource,
    field: &str,
) -> Option<MetricTarget> {
    let line = ctx.line_of(t);
    let kind = required(
        ctx,
        &t.value.type_,
        line,
        &format!("{field}.type"),
        "must specify a metric target type",
    )?;
    if !matches!(kind, "Utilization" | "Value" | "AverageValue") {
        ctx.error(
            line,
            &format!("{field}.type"),
            format!("must be either Utilization, Value, or AverageValue, found {kind:?}"),
        );
        return None;
    }
    match (&t.value.average_utilization, &t.value.average_value) {
        (Some(_), Some(v)) => {
            let line = ctx.line_of(v);
            ctx.error(
                line,
                &format!("{field}.averageValue"),
                "may not set both a target raw value and a target utilization",
            );
            None
        }
        (None, None) => {
            ctx.error(
                line,
                &format!("{field}.averageUtilization"),
                "must set either a target raw value or a target utilization",
            );
            None
        }
        (Some(u), None) => Some(MetricTarget::Utilization(positive(
            ctx,
            u,
            &format!("{field}.averageUtilization"),
            "must be greater than 0",
        ))),
        (None, Some(v)) => {
            let q = cv::quantity(ctx, v, &format!("{field}.averageValue"))?;
            let amount = match resource {
                MetricResource::Cpu => q.milli_value(),
                MetricResource::Memory => q.value().saturating_mul(1000),
            };
            if amount <= 0 {
                let line = ctx.line_of(v);
                ctx.error(line, &format!("{field}.averageValue"), "must be positive");
                return None;
            }
            Some(MetricTarget::AverageValueMilli(amount))
        }
    }
}

/// One direction's rules, missing fields filled from `default` (`GenerateHPAScaleUpRules`
/// / `GenerateHPAScaleDownRules`), validated as `validateScalingRules`.
fn rules(
    ctx: &mut Ctx,
    r: &Option<raw::ScalingRules>,
    field: &str,
    default: ScalingRules,
) -> ScalingRules {
    let Some(r) = r else {
        return default;
    };
    if let Some(t) = &r.tolerance {
        let line = ctx.line_of(t);
        ctx.error(line, &format!("{field}.tolerance"), "a per-HPA tolerance (alpha HPAConfigurableTolerance) is not simulated: k8sim uses the controller's 0.1");
    }
    let stabilization_window_s = match &r.stabilization_window_seconds {
        None => default.stabilization_window_s,
        Some(v) if !(0..=3600).contains(&v.value) => {
            let line = ctx.line_of(v);
            ctx.error(
                line,
                &format!("{field}.stabilizationWindowSeconds"),
                format!("must be between 0 and 3600, found {}", v.value),
            );
            default.stabilization_window_s
        }
        Some(v) => v.value as i32,
    };
    let select_policy = match &r.select_policy {
        None => default.select_policy,
        Some(s) => match s.value.as_str() {
            "Max" => SelectPolicy::Max,
            "Min" => SelectPolicy::Min,
            "Disabled" => SelectPolicy::Disabled,
            other => {
                let line = ctx.line_of(s);
                ctx.error(
                    line,
                    &format!("{field}.selectPolicy"),
                    format!("must be one of Max, Min, Disabled, found {other:?}"),
                );
                default.select_policy
            }
        },
    };
    let policies = match &r.policies {
        None => default.policies,
        Some(list) if list.is_empty() => {
            ctx.error(
                ctx.doc_line,
                &format!("{field}.policies"),
                "must specify at least one Policy",
            );
            default.policies
        }
        Some(list) => list
            .iter()
            .enumerate()
            .filter_map(|(i, p)| policy(ctx, p, &format!("{field}.policies[{i}]")))
            .collect(),
    };
    ScalingRules {
        stabilization_window_s,
        select_policy,
        policies,
    }
}

/// `validateScalingPolicy`: type Pods or Percent, value > 0, 0 < periodSeconds <= 1800.
fn policy(ctx: &mut Ctx, p: &Spanned<raw::ScalingPolicy>, field: &str) -> Option<ScalingPolicy> {
    let line = ctx.line_of(p);
    let kind = match required(
        ctx,
        &p.value.type_,
        line,
        &format!("{field}.type"),
        "Pods or Percent",
    )? {
        "Pods" => PolicyKind::Pods,
        "Percent" => PolicyKind::Percent,
        other => {
            ctx.error(
                line,
                &format!("{field}.type"),
                format!("must be either Pods or Percent, found {other:?}"),
            );
            return None;
        }
    };
    let Some(value) = &p.value.value else {
        ctx.error(
            line,
            &format!("{field}.value"),
            "required: must be greater than zero",
        );
        return None;
    };
    let value = positive(
        ctx,
        value,
        &format!("{field}.value"),
        "must be greater than zero",
    );
    let Some(period) = &p.value.period_seconds else {
        ctx.error(
            line,
            &format!("{field}.periodSeconds"),
            "required: must be greater than zero",
        );
        return None;
    };
    if period.value > 1800 {
        let line = ctx.line_of(period);
        ctx.error(
            line,
            &format!("{field}.periodSeconds"),
            format!("must be less than or equal to 1800, found {}", period.value),
        );
        return None;
    }
    let period_s = positive(
        ctx,
        period,
        &format!("{field}.periodSeconds"),
        "must be greater than zero",
    );
    Some(ScalingPolicy {
        kind,
        value,
        period_s,
    })
}
