//! `kubectl get hpa`: NAME REFERENCE TARGETS MINPODS MAXPODS REPLICAS AGE, with kubectl's
//! TARGETS wording (printers.go `formatHPAMetrics`: `cpu: 60%/50%`, `<unknown>/50%`).

use super::{in_namespace, Listing, Row};
use crate::controllers::hpa::status::MetricValue;
use crate::controllers::hpa::HpaState;
use crate::kubectl::format::age;
use crate::kubectl::selector::Selector;
use crate::kubectl::Request;
use crate::model::autoscaling::{MetricResource, MetricTarget, ResourceMetric};
use crate::sim::Simulation;
use serde_json::json;

/// A milli-unit amount as a Kubernetes quantity: cpu `250m` or `2`; memory in the
/// largest binary suffix that divides it (`200Mi`), else bytes.
pub fn quantity(resource: MetricResource, milli: i64) -> String {
    match resource {
        MetricResource::Cpu if milli % 1000 == 0 => (milli / 1000).to_string(),
        MetricResource::Cpu => format!("{milli}m"),
        MetricResource::Memory => {
            let bytes = milli / 1000;
            for (suffix, unit) in [("Gi", 1i64 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)] {
                if bytes != 0 && bytes % unit == 0 {
                    return format!("{}{suffix}", bytes / unit);
                }
            }
            bytes.to_string()
        }
    }
}

/// One metric as `current/target`.
pub fn metric_target(m: &ResourceMetric, current: Option<MetricValue>) -> String {
    let name = m.resource.as_str();
    match m.target {
        MetricTarget::Utilization(t) => match current.and_then(|c| c.utilization) {
            Some(u) => format!("{name}: {u}%/{t}%"),
            None => format!("{name}: <unknown>/{t}%"),
        },
        MetricTarget::AverageValueMilli(t) => {
            let target = quantity(m.resource, t);
            match current {
                Some(c) => format!("{name}: {}/{target}", quantity(m.resource, c.average_milli)),
                None => format!("{name}: <unknown>/{target}"),
            }
        }
    }
}

/// The TARGETS column: up to three metrics, then `+ N more...`.
pub fn targets(h: &HpaState) -> String {
    let metrics = &h.spec.metrics;
    let shown: Vec<String> = metrics
        .iter()
        .zip(&h.status.current_metrics)
        .take(3)
        .map(|(m, c)| metric_target(m, *c))
        .collect();
    let mut s = shown.join(", ");
    if metrics.len() > 3 {
        s += &format!(" + {} more...", metrics.len() - 3);
    }
    s
}

/// `kubectl get hpa`.
pub(super) fn hpas(sim: &Simulation, req: &Request, selector: Option<&Selector>) -> Listing {
    let mut rows = Vec::new();
    for h in &sim.workloads.hpas {
        let meta = &h.spec.meta;
        if h.deleted
            || !in_namespace(req, &meta.namespace)
            || selector.is_some_and(|s| !s.matches(&meta.labels))
        {
            continue;
        }
        let reference = format!("{}/{}", h.spec.target.kind.as_str(), h.spec.target.name);
        rows.push(Row {
            namespace: meta.namespace.clone(),
            name: meta.name.clone(),
            cells: vec![
                meta.name.clone(),
                reference,
                targets(h),
                h.spec.min_replicas.to_string(),
                h.spec.max_replicas.to_string(),
                h.status.current_replicas.to_string(),
                age(sim, h.created),
            ],
            wide: Vec::new(),
            object: json!({
                "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                "metadata": {"name": meta.name, "namespace": meta.namespace, "labels": meta.labels},
                "spec": {"scaleTargetRef": {"kind": h.spec.target.kind.as_str(), "name": h.spec.target.name},
                         "minReplicas": h.spec.min_replicas, "maxReplicas": h.spec.max_replicas},
                "status": {"currentReplicas": h.status.current_replicas, "desiredReplicas": h.status.desired_replicas},
            }),
        });
    }
    (
        &[
            "NAME",
            "REFERENCE",
            "TARGETS",
            "MINPODS",
            "MAXPODS",
            "REPLICAS",
            "AGE",
        ],
        &[],
        "horizontalpodautoscalers.autoscaling",
        rows,
    )
}
