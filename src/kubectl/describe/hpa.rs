//! `kubectl describe hpa`: kubectl's HorizontalPodAutoscaler page (reference, metrics as
//! `current / target`, min/max, the target's pods, conditions and events).

use super::events::events_section;
use super::{indented_table, Page};
use crate::controllers::hpa::HpaState;
use crate::kubectl::format::{self, describe_time};
use crate::kubectl::get::autoscaling::quantity;
use crate::metrics::EventRecord;
use crate::model::autoscaling::MetricTarget;
use crate::sim::Simulation;
use std::fmt::Write as _;

/// The field-name column of the page (kubectl's tabwriter aligns on the metric lines).
const KEY_WIDTH: usize = 55;

/// `kubectl describe hpa` of `h`.
pub(super) fn describe_hpa(sim: &Simulation, h: &HpaState) -> String {
    let meta = &h.spec.meta;
    let mut page = Page::new(KEY_WIDTH);
    page.field("Name", &meta.name);
    page.field("Namespace", &meta.namespace);
    page.field("Labels", &format::labels(&meta.labels));
    page.field("Annotations", "<none>");
    page.field("CreationTimestamp", &describe_time(sim, h.created));
    let kind = h.spec.target.kind.as_str();
    page.field("Reference", &format!("{kind}/{}", h.spec.target.name));
    page.field("Metrics", "( current / target )");
    for (m, current) in h.spec.metrics.iter().zip(&h.status.current_metrics) {
        let name = m.resource.as_str();
        let (key, value) = match m.target {
            MetricTarget::Utilization(t) => {
                let now = match current {
                    Some(c) => format!(
                        "{}% ({})",
                        c.utilization.unwrap_or(0),
                        quantity(m.resource, c.average_milli)
                    ),
                    None => "<unknown>".to_string(),
                };
                (
                    format!("  resource {name} on pods  (as a percentage of request)"),
                    format!("{now} / {t}%"),
                )
            }
            MetricTarget::AverageValueMilli(t) => {
                let now = current.map_or("<unknown>".to_string(), |c| {
                    quantity(m.resource, c.average_milli)
                });
                (
                    format!("  resource {name} on pods"),
                    format!("{now} / {}", quantity(m.resource, t)),
                )
            }
        };
        page.field(&key, &value);
    }
    page.field("Min replicas", &h.spec.min_replicas.to_string());
    page.field("Max replicas", &h.spec.max_replicas.to_string());
    page.field(
        &format!("{kind} pods"),
        &format!(
            "{} current / {} desired",
            h.status.current_replicas, h.status.desired_replicas
        ),
    );
    let rows: Vec<Vec<String>> = h
        .status
        .conditions
        .iter()
        .map(|c| {
            let status = if c.status { "True" } else { "False" };
            vec![
                c.kind.to_string(),
                status.into(),
                c.reason.clone(),
                c.message.clone(),
            ]
        })
        .collect();
    if !rows.is_empty() {
        let _ = writeln!(page.out, "Conditions:");
        page.out.push_str(&indented_table(
            &["Type", "Status", "Reason", "Message"],
            rows,
        ));
    }
    let events: Vec<&EventRecord> = sim
        .recorder
        .events
        .iter()
        .filter(|e| e.object_kind == "HorizontalPodAutoscaler" && e.object == meta.name)
        .collect();
    page.out.push_str(&events_section(sim, &events));
    page.out
}
