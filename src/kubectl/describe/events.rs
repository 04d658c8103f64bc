//! The Events section that ends both describe pages, in kube's wording.

use super::indented_table;
use crate::kubectl::format::age;
use crate::metrics::EventRecord;
use crate::sim::Simulation;

/// The component that reports an event with `reason` (kubectl's From column).
fn source(reason: &str) -> &'static str {
    match reason {
        "Scheduled" | "FailedScheduling" | "Preempted" => "default-scheduler",
        "TaintManagerEviction" => "taint-eviction-controller",
        "NodeNotReady" | "NodeReady" | "RegisteredNode" | "RemovingNode" => "node-controller",
        "SuccessfulCreate" | "SuccessfulDelete" => "controller",
        "ScalingReplicaSet" | "DeploymentRollback" => "deployment-controller",
        "Evicted" | "EvictionRefused" => "kubectl",
        "NodeSchedulable" | "NodeNotSchedulable" => "kubelet",
        _ => "kubelet",
    }
}

/// The Events section in kube's wording (`<none>` when empty).
pub(super) fn events_section(sim: &Simulation, events: &[&EventRecord]) -> String {
    if events.is_empty() {
        return "Events:  <none>\n".into();
    }
    // Consecutive repeats of a reason+message are folded as `Age (xN over T)`.
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut i = 0;
    while i < events.len() {
        let e = events[i];
        let mut j = i + 1;
        while j < events.len() && events[j].reason == e.reason && events[j].message == e.message {
            j += 1;
        }
        let last = events[j - 1];
        let when = if j - i > 1 {
            format!(
                "{} (x{} over {})",
                age(sim, last.time),
                j - i,
                age(sim, e.time)
            )
        } else {
            age(sim, e.time)
        };
        rows.push(vec![
            e.kind.to_string(),
            e.reason.clone(),
            when,
            source(&e.reason).to_string(),
            e.message.clone(),
        ]);
        i = j;
    }
    let header = ["Type", "Reason", "Age", "From", "Message"];
    format!("Events:\n{}", indented_table(&header, rows))
}
