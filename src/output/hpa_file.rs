//! hpa.csv: every HorizontalPodAutoscaler sync, one row per metric (docs/metrics.md).
//! Written for every run, with only its header when the scenario has no HPA.

use super::run_files::q;
use crate::controllers::hpa::status::MetricValue;
use crate::model::autoscaling::{MetricResource, MetricTarget, ResourceMetric};
use crate::sim::Simulation;
use std::io::Write;
use std::path::Path;

/// Header of hpa.csv.
pub const HPA_HEADER: &str =
    "time_s,namespace,name,target,current_replicas,desired_replicas,metric,current,target_value";

/// The metric column's name and its (current, target) in that unit: percent of request,
/// millicores or bytes. Current is empty when unknown.
fn metric_cells(m: &ResourceMetric, v: Option<MetricValue>) -> (String, String, String) {
    let name = m.resource.as_str();
    let unit_of = |milli: i64| match m.resource {
        MetricResource::Cpu => milli,
        MetricResource::Memory => milli / 1000,
    };
    match m.target {
        MetricTarget::Utilization(t) => (
            format!("{name}_utilization_percent"),
            v.and_then(|v| v.utilization)
                .map(|u| u.to_string())
                .unwrap_or_default(),
            t.to_string(),
        ),
        MetricTarget::AverageValueMilli(t) => {
            let unit = match m.resource {
                MetricResource::Cpu => "millis",
                MetricResource::Memory => "bytes",
            };
            (
                format!("{name}_average_{unit}"),
                v.map(|v| unit_of(v.average_milli).to_string())
                    .unwrap_or_default(),
                unit_of(t).to_string(),
            )
        }
    }
}

/// Writes hpa.csv.
pub fn write_hpa(sim: &Simulation, path: &Path) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(w, "{HPA_HEADER}")?;
    for h in &sim.workloads.hpas {
        let meta = &h.spec.meta;
        let target = format!("{}/{}", h.spec.target.kind.as_str(), h.spec.target.name);
        for r in &h.records {
            for (m, v) in h.spec.metrics.iter().zip(&r.metrics) {
                let (metric, current, target_value) = metric_cells(m, *v);
                writeln!(
                    w,
                    "{},{},{},{},{},{},{metric},{current},{target_value}",
                    r.at,
                    q(&meta.namespace),
                    q(&meta.name),
                    q(&target),
                    r.current_replicas,
                    r.desired_replicas,
                )?;
            }
        }
    }
    w.flush()
}
