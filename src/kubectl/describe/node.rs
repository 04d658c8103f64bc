//! `kubectl describe node`: the node's fields, conditions, capacity, its non-terminated
//! pods with their requests and limits, the allocated totals and events.

use super::events::events_section;
use super::{indented_table, Page};
use crate::cluster::PodId;
use crate::engine::SimTime;
use crate::kubectl::format::{self, age, bytes, cpu, describe_time};
use crate::kubectl::get::KUBELET_VERSION;
use crate::metrics::EventRecord;
use crate::model::resources::{Resources, CPU, EPHEMERAL_STORAGE, MEMORY, PODS};
use crate::sim::Simulation;
use std::fmt::Write as _;

/// `kubectl describe node` of node `n`.
pub(super) fn describe_node(sim: &Simulation, n: usize) -> String {
    let t = &sim.cluster.nodes();
    let mut page = Page::new(20);
    write_identity(&mut page, sim, n);
    write_conditions_and_addresses(&mut page.out, sim, n);
    write_capacity(&mut page.out, t.allocatable()[n]);
    let pods: Vec<PodId> = t.pods()[n]
        .iter()
        .copied()
        .filter(|p| !sim.cluster.pods()[p.ix()].phase.is_terminal())
        .collect();
    let _ = writeln!(
        page.out,
        "Non-terminated Pods:          ({} in total)",
        pods.len()
    );
    let totals = write_pods(&mut page.out, sim, &pods, t.allocatable()[n]);
    write_allocated(&mut page.out, &totals, t.allocatable()[n]);
    let events: Vec<&EventRecord> = sim
        .recorder
        .events
        .iter()
        .filter(|e| e.object_kind == "Node" && e.object == t.names()[n])
        .collect();
    page.out.push_str(&events_section(sim, &events));
    page.out
}

/// Name, roles, labels, creation time, taints and whether the node is cordoned.
fn write_identity(page: &mut Page, sim: &Simulation, n: usize) {
    let t = &sim.cluster.nodes();
    page.field("Name", &t.names()[n]);
    page.field("Roles", "<none>");
    page.field_lines(
        "Labels",
        t.labels()[n].iter().map(|(k, v)| format!("{k}={v}")),
    );
    page.field("CreationTimestamp", &describe_time(sim, SimTime::ZERO));
    let taints = t.taints()[n].iter().map(|x| {
        if x.value.is_empty() {
            format!("{}:{}", x.key, x.effect.as_str())
        } else {
            format!("{}={}:{}", x.key, x.value, x.effect.as_str())
        }
    });
    page.field_lines("Taints", taints);
    page.field("Unschedulable", &t.unschedulable()[n].to_string());
}

/// The Ready condition (posted or unknown) and the node's addresses.
fn write_conditions_and_addresses(o: &mut String, sim: &Simulation, n: usize) {
    let t = &sim.cluster.nodes();
    let _ = writeln!(
        o,
        "Conditions:\n  Type    Status   Reason                Message"
    );
    if t.ready()[n] {
        let _ = writeln!(
            o,
            "  Ready   True     KubeletReady          kubelet is posting ready status"
        );
    } else {
        let _ = writeln!(
            o,
            "  Ready   Unknown  NodeStatusUnknown     Kubelet stopped posting node status."
        );
    }
    let _ = writeln!(
        o,
        "Addresses:\n  InternalIP:  {}\n  Hostname:    {}",
        format::node_ip(n as u32),
        t.names()[n]
    );
}

/// Capacity and Allocatable (both the allocatable figures) and the System Info.
fn write_capacity(o: &mut String, alloc: Resources) {
    for title in ["Capacity", "Allocatable"] {
        let _ = writeln!(
            o,
            "{title}:\n  cpu:                {}\n  ephemeral-storage:  {}\n  memory:             {}\n  pods:               {}",
            cpu(alloc.get(CPU)),
            bytes(alloc.get(EPHEMERAL_STORAGE)),
            bytes(alloc.get(MEMORY)),
            alloc.get(PODS)
        );
    }
    let _ = writeln!(
        o,
        "System Info:\n  Kubelet Version:            {KUBELET_VERSION}"
    );
}

/// Requests and limits summed over a node's non-terminated pods.
#[derive(Default)]
struct Totals {
    /// CPU requested, millicores.
    cpu_millis_requested: i64,
    /// CPU limits, millicores.
    cpu_millis_limits: i64,
    /// Memory requested, bytes.
    memory_bytes_requested: i64,
    /// Memory limits, bytes.
    memory_bytes_limits: i64,
    /// Ephemeral storage requested, bytes.
    ephemeral_bytes_requested: i64,
    /// Ephemeral storage limits, bytes.
    ephemeral_bytes_limits: i64,
}

/// `shown` followed by `value`'s share of `total` in whole percent (0 when `total` is 0).
fn with_percent(shown: String, value: i64, total: i64) -> String {
    let pct = if total > 0 { value * 100 / total } else { 0 };
    format!("{shown} ({pct}%)")
}

/// The table of `pods` with their CPU and memory requests and limits against the node's
/// allocatable `alloc`; returns the sums.
fn write_pods(o: &mut String, sim: &Simulation, pods: &[PodId], alloc: Resources) -> Totals {
    let mut totals = Totals::default();
    let mut rows = Vec::new();
    for p in pods {
        let pod = &sim.cluster.pods()[p.ix()];
        let limits = pod
            .spec
            .containers
            .iter()
            .fold(Resources::ZERO, |mut acc, c| {
                acc += c.limits;
                acc
            });
        let (rc, rm) = (pod.spec.requests.get(CPU), pod.spec.requests.get(MEMORY));
        let (lc, lm) = (limits.get(CPU), limits.get(MEMORY));
        totals.cpu_millis_requested += rc;
        totals.memory_bytes_requested += rm;
        totals.cpu_millis_limits += lc;
        totals.memory_bytes_limits += lm;
        totals.ephemeral_bytes_requested += pod.spec.requests.get(EPHEMERAL_STORAGE);
        totals.ephemeral_bytes_limits += limits.get(EPHEMERAL_STORAGE);
        rows.push(vec![
            pod.namespace.clone(),
            pod.name.clone(),
            with_percent(cpu(rc), rc, alloc.get(CPU)),
            with_percent(cpu(lc), lc, alloc.get(CPU)),
            with_percent(bytes(rm), rm, alloc.get(MEMORY)),
            with_percent(bytes(lm), lm, alloc.get(MEMORY)),
            age(sim, pod.times.created),
        ]);
    }
    let header = [
        "Namespace",
        "Name",
        "CPU Requests",
        "CPU Limits",
        "Memory Requests",
        "Memory Limits",
        "Age",
    ];
    o.push_str(&indented_table(&header, rows));
    totals
}

/// The Allocated resources table: `totals` against the node's allocatable `alloc`.
fn write_allocated(o: &mut String, totals: &Totals, alloc: Resources) {
    let _ = writeln!(
        o,
        "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)"
    );
    let (cpu_total, memory_total) = (alloc.get(CPU), alloc.get(MEMORY));
    let ephemeral_total = alloc.get(EPHEMERAL_STORAGE);
    let rows = vec![
        vec![
            "cpu".into(),
            with_percent(
                cpu(totals.cpu_millis_requested),
                totals.cpu_millis_requested,
                cpu_total,
            ),
            with_percent(
                cpu(totals.cpu_millis_limits),
                totals.cpu_millis_limits,
                cpu_total,
            ),
        ],
        vec![
            "memory".into(),
            with_percent(
                bytes(totals.memory_bytes_requested),
                totals.memory_bytes_requested,
                memory_total,
            ),
            with_percent(
                bytes(totals.memory_bytes_limits),
                totals.memory_bytes_limits,
                memory_total,
            ),
        ],
        vec![
            "ephemeral-storage".into(),
            with_percent(
                bytes(totals.ephemeral_bytes_requested),
                totals.ephemeral_bytes_requested,
                ephemeral_total,
            ),
            with_percent(
                bytes(totals.ephemeral_bytes_limits),
                totals.ephemeral_bytes_limits,
                ephemeral_total,
            ),
        ],
    ];
    o.push_str(&indented_table(&["Resource", "Requests", "Limits"], rows));
}
