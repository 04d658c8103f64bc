//! `kubectl describe pod`: the pod's fields, its containers, conditions, tolerations
//! and events.

use super::events::events_section;
use super::{pod_events, Page};
use crate::cluster::{Pod, PodId, PodPhase};
use crate::kubectl::format::{self, age, bytes, cpu, describe_time, pod_ip};
use crate::kubectl::get::pod_status;
use crate::kubelet::ContainerStatus;
use crate::model::labels::Toleration;
use crate::model::pod::Container;
use crate::model::resources::{Resources, CPU, MAX_RESOURCES, MEMORY};
use crate::sim::node_lifecycle::{DEFAULT_TOLERATION_SECONDS, TAINT_NOT_READY, TAINT_UNREACHABLE};
use crate::sim::Simulation;
use std::fmt::Write as _;

/// `kubectl describe pod` of pod `p`.
pub(super) fn describe_pod(sim: &Simulation, p: PodId) -> Result<String, String> {
    let pod = &sim.cluster.pods()[p.ix()];
    let mut page = Page::new(18);
    write_identity(&mut page, sim, pod);
    write_status(&mut page, sim, p);
    let st = sim.kubelets.status.get(&p);
    let _ = writeln!(page.out, "Containers:");
    for c in &pod.spec.containers {
        write_container(&mut page.out, sim, p, c, st);
    }
    write_conditions(&mut page.out, pod);
    page.field("QoS Class", pod.spec.qos_class().as_str());
    page.field("Node-Selectors", &format::labels(&pod.spec.node_selector));
    page.field_lines("Tolerations", tolerations(pod));
    page.out.push_str(&events_section(sim, &pod_events(sim, p)));
    Ok(page.out)
}

/// Name, namespace, priority, service account, node, start time, labels, annotations.
fn write_identity(page: &mut Page, sim: &Simulation, pod: &Pod) {
    page.field("Name", &pod.name);
    page.field("Namespace", &pod.namespace);
    page.field("Priority", &pod.spec.priority.to_string());
    if let Some(pc) = &pod.spec.priority_class_name {
        page.field("Priority Class Name", pc);
    }
    page.field("Service Account", "default");
    let node = pod
        .node
        .map(|n| {
            format!(
                "{}/{}",
                sim.cluster.nodes().names()[n.ix()],
                format::node_ip(n.0)
            )
        })
        .unwrap_or_else(|| "<none>".into());
    page.field("Node", &node);
    if let Some(t) = pod.times.scheduled {
        page.field("Start Time", &describe_time(sim, t));
    }
    page.field_lines("Labels", pod.labels.iter().map(|(k, v)| format!("{k}={v}")));
    page.field("Annotations", "<none>");
}

/// Status (with how long a termination lasts), IP and the controlling owner.
fn write_status(page: &mut Page, sim: &Simulation, p: PodId) {
    let pod = &sim.cluster.pods()[p.ix()];
    if pod.deleting {
        page.field(
            "Status",
            &format!(
                "Terminating (lasts {})",
                age(sim, pod.times.finished.unwrap_or(sim.now()))
            ),
        );
    } else {
        page.field("Status", pod.phase.as_str());
    }
    page.field("IP", &pod_ip(sim, p).unwrap_or_default());
    let (kind, owner) = sim.owner_of(p);
    if !owner.is_empty() {
        page.field("Controlled By", &format!("{kind}/{owner}"));
    }
}

/// One container: image, state, last termination, readiness, restarts, limits and
/// requests. `st` is the kubelet's status of the pod's containers.
fn write_container(
    o: &mut String,
    sim: &Simulation,
    p: PodId,
    c: &Container,
    st: Option<&ContainerStatus>,
) {
    let pod = &sim.cluster.pods()[p.ix()];
    let _ = writeln!(o, "  {}:", c.name);
    let _ = writeln!(o, "    Image:          {}", c.image);
    write_container_state(o, sim, p, st);
    if let Some(l) = st.and_then(|s| s.last.as_ref()) {
        if pod.phase == PodPhase::Running {
            let _ = writeln!(
                o,
                "    Last State:     Terminated\n      Reason:       {}\n      Exit Code:    {}\n      Started:      {}\n      Finished:     {}",
                l.reason,
                l.exit_code,
                describe_time(sim, l.started),
                describe_time(sim, l.finished)
            );
        }
    }
    let _ = writeln!(
        o,
        "    Ready:          {}",
        if pod.ready { "True" } else { "False" }
    );
    let _ = writeln!(o, "    Restart Count:  {}", pod.restarts);
    write_quantities(o, "Limits", &c.limits, &c.limited);
    write_quantities(o, "Requests", &c.requests, &c.requested);
}

/// The container's `State:` block, from the pod's phase and status and the kubelet's
/// container status `st`.
fn write_container_state(o: &mut String, sim: &Simulation, p: PodId, st: Option<&ContainerStatus>) {
    let pod = &sim.cluster.pods()[p.ix()];
    let status = pod_status(sim, p);
    match (pod.phase, status.as_str()) {
        (PodPhase::Running, "CrashLoopBackOff") => {
            let _ = writeln!(
                o,
                "    State:          Waiting\n      Reason:       CrashLoopBackOff"
            );
        }
        (PodPhase::Running, _) => {
            let since = st.and_then(|s| s.running_since).or(pod.times.started);
            let _ = writeln!(o, "    State:          Running");
            if let Some(t) = since {
                let _ = writeln!(o, "      Started:      {}", describe_time(sim, t));
            }
        }
        (PodPhase::Pending, _) => {
            let reason = if pod.node.is_some() {
                "ContainerCreating"
            } else {
                "Pending"
            };
            let _ = writeln!(
                o,
                "    State:          Waiting\n      Reason:       {reason}"
            );
        }
        (_, _) => {
            let code = if pod.phase == PodPhase::Succeeded {
                0
            } else {
                st.and_then(|s| s.last.as_ref())
                    .map(|l| l.exit_code)
                    .unwrap_or(1)
            };
            let reason = if code == 0 {
                "Completed".to_string()
            } else {
                status.clone()
            };
            let _ = writeln!(o, "    State:          Terminated\n      Reason:       {reason}\n      Exit Code:    {code}");
        }
    }
}

/// The `Limits:` or `Requests:` block (`title`): cpu and memory, each only where `given`
/// marks it set; nothing when neither is.
fn write_quantities(
    o: &mut String,
    title: &str,
    values: &Resources,
    given: &[bool; MAX_RESOURCES],
) {
    let lines: Vec<String> = [(CPU, "cpu"), (MEMORY, "memory")]
        .iter()
        .filter(|(r, _)| given[r.0 as usize])
        .map(|(r, n)| {
            let v = values.get(*r);
            format!(
                "      {n}:{}{}",
                " ".repeat(8 - n.len()),
                if *r == CPU { cpu(v) } else { bytes(v) }
            )
        })
        .collect();
    if !lines.is_empty() {
        let _ = writeln!(o, "    {title}:\n{}", lines.join("\n"));
    }
}

/// The Conditions table: PodScheduled, Initialized, ContainersReady, Ready.
fn write_conditions(o: &mut String, pod: &Pod) {
    let cond = |b: bool| if b { "True" } else { "False" };
    let started = pod.times.started.is_some();
    let _ = writeln!(o, "Conditions:\n  Type              Status");
    let _ = writeln!(o, "  PodScheduled      {}", cond(pod.node.is_some()));
    let _ = writeln!(o, "  Initialized       {}", cond(started));
    let _ = writeln!(o, "  ContainersReady   {}", cond(pod.ready));
    let _ = writeln!(o, "  Ready             {}", cond(pod.ready));
}

/// The pod's tolerations as kubectl lists them, then the not-ready and unreachable ones
/// that DefaultTolerationSeconds adds when the pod has none for those keys.
fn tolerations(pod: &Pod) -> Vec<String> {
    let mut tolerations: Vec<String> = pod.spec.tolerations.iter().map(toleration).collect();
    for key in [TAINT_NOT_READY, TAINT_UNREACHABLE] {
        if !pod
            .spec
            .tolerations
            .iter()
            .any(|t| t.key == key || (t.key.is_empty() && t.exists))
        {
            tolerations.push(format!(
                "{key}:NoExecute op=Exists for {DEFAULT_TOLERATION_SECONDS}s"
            ));
        }
    }
    tolerations
}

/// One toleration as `key[=value][:effect][ op=Exists][ for Ns]`.
fn toleration(t: &Toleration) -> String {
    let mut s = t.key.clone();
    if !t.exists && !t.value.is_empty() {
        s.push_str(&format!("={}", t.value));
    }
    if let Some(e) = t.effect {
        s.push_str(&format!(":{}", e.as_str()));
    }
    if t.exists {
        s.push_str(" op=Exists");
    }
    if let Some(sec) = t.toleration_seconds {
        s.push_str(&format!(" for {sec}s"));
    }
    s
}
