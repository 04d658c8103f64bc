//! `kubectl describe pod|node`, `kubectl logs` and `kubectl rollout history deployment`.

use super::format::{self, age, bytes, cpu, describe_time, pod_ip, table_padded};
use super::get::pod_status;
use super::Request;
use crate::cluster::{PodId, PodPhase};
use crate::metrics::EventRecord;
use crate::model::resources::{CPU, EPHEMERAL_STORAGE, MEMORY};
use crate::sim::node_lifecycle::{DEFAULT_TOLERATION_SECONDS, TAINT_NOT_READY, TAINT_UNREACHABLE};
use crate::sim::Simulation;
use std::fmt::Write as _;

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
fn events_section(sim: &Simulation, events: &[&EventRecord]) -> String {
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
    let mut all: Vec<Vec<String>> = vec![header.iter().map(|h| "-".repeat(h.len())).collect()];
    all.extend(rows);
    let mut body = String::new();
    for l in table_padded(&header, &all, 2).lines() {
        let _ = writeln!(body, "  {l}");
    }
    format!("Events:\n{body}")
}

fn find_pod(sim: &Simulation, req: &Request, name: &str) -> Result<PodId, String> {
    sim.cluster
        .pod_names
        .get(&(req.namespace.clone(), name.to_string()))
        .copied()
        .or_else(|| {
            super::get::visible_pods(sim).into_iter().rev().find(|p| {
                let pod = &sim.cluster.pods[p.ix()];
                pod.name == name && pod.namespace == req.namespace
            })
        })
        .ok_or_else(|| format!("Error from server (NotFound): pods {name:?} not found"))
}

fn pod_events(sim: &Simulation, p: PodId) -> Vec<&EventRecord> {
    let pod = &sim.cluster.pods[p.ix()];
    sim.recorder
        .events
        .iter()
        .filter(|e| {
            e.object_kind == "Pod"
                && e.object == pod.name
                && e.time >= pod.times.created
                && pod
                    .times
                    .finished
                    .is_none_or(|f| e.time <= f || pod.deleting)
        })
        .collect()
}

/// `kubectl describe pod NAME` / `kubectl describe node NAME`.
pub fn describe(sim: &Simulation, req: &Request) -> Result<String, String> {
    let kind = req
        .args
        .first()
        .ok_or("You must specify the type of resource to describe.")?;
    let name = req.args.get(1).ok_or("describe: expected a NAME")?;
    match kind.to_ascii_lowercase().as_str() {
        "pod" | "pods" | "po" => describe_pod(sim, find_pod(sim, req, name)?),
        "node" | "nodes" | "no" => {
            let n =
                sim.cluster.node_names.get(name).ok_or_else(|| {
                    format!("Error from server (NotFound): nodes {name:?} not found")
                })?;
            Ok(describe_node(sim, n.ix()))
        }
        other => Err(format!(
            "describe: k8sim describes pods and nodes, not {other:?}"
        )),
    }
}

fn describe_pod(sim: &Simulation, p: PodId) -> Result<String, String> {
    let pod = &sim.cluster.pods[p.ix()];
    let mut o = String::new();
    let field = |o: &mut String, k: &str, v: &str| {
        let _ = writeln!(o, "{:<18}{v}", format!("{k}:"));
    };
    field(&mut o, "Name", &pod.name);
    field(&mut o, "Namespace", &pod.namespace);
    field(&mut o, "Priority", &pod.spec.priority.to_string());
    if let Some(pc) = &pod.spec.priority_class_name {
        field(&mut o, "Priority Class Name", pc);
    }
    field(&mut o, "Service Account", "default");
    let node = pod
        .node
        .map(|n| {
            format!(
                "{}/{}",
                sim.cluster.nodes.names[n.ix()],
                format::node_ip(n.0)
            )
        })
        .unwrap_or_else(|| "<none>".into());
    field(&mut o, "Node", &node);
    if let Some(t) = pod.times.scheduled {
        field(&mut o, "Start Time", &describe_time(sim, t));
    }
    let mut labels = pod.labels.iter().map(|(k, v)| format!("{k}={v}"));
    field(
        &mut o,
        "Labels",
        &labels.next().unwrap_or_else(|| "<none>".into()),
    );
    for l in labels {
        let _ = writeln!(o, "{:<18}{l}", "");
    }
    field(&mut o, "Annotations", "<none>");
    if pod.deleting {
        field(
            &mut o,
            "Status",
            &format!(
                "Terminating (lasts {})",
                age(sim, pod.times.finished.unwrap_or(sim.now()))
            ),
        );
    } else {
        field(&mut o, "Status", pod.phase.as_str());
    }
    let ip = pod_ip(sim, p).unwrap_or_default();
    field(&mut o, "IP", &ip);
    let (kind, owner) = sim.owner_of(p);
    if !owner.is_empty() {
        field(&mut o, "Controlled By", &format!("{kind}/{owner}"));
    }
    let st = sim.kubelets.status.get(&p);
    let _ = writeln!(o, "Containers:");
    for c in &pod.spec.containers {
        let _ = writeln!(o, "  {}:", c.name);
        let _ = writeln!(o, "    Image:          {}", c.image);
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
        let lim: Vec<String> = [(CPU, "cpu"), (MEMORY, "memory")]
            .iter()
            .filter(|(r, _)| c.limited[r.0 as usize])
            .map(|(r, n)| {
                let v = c.limits.get(*r);
                format!(
                    "      {n}:{}{}",
                    " ".repeat(8 - n.len()),
                    if *r == CPU { cpu(v) } else { bytes(v) }
                )
            })
            .collect();
        if !lim.is_empty() {
            let _ = writeln!(o, "    Limits:\n{}", lim.join("\n"));
        }
        let req: Vec<String> = [(CPU, "cpu"), (MEMORY, "memory")]
            .iter()
            .filter(|(r, _)| c.requested[r.0 as usize])
            .map(|(r, n)| {
                let v = c.requests.get(*r);
                format!(
                    "      {n}:{}{}",
                    " ".repeat(8 - n.len()),
                    if *r == CPU { cpu(v) } else { bytes(v) }
                )
            })
            .collect();
        if !req.is_empty() {
            let _ = writeln!(o, "    Requests:\n{}", req.join("\n"));
        }
    }
    let cond = |b: bool| if b { "True" } else { "False" };
    let started = pod.times.started.is_some();
    let _ = writeln!(o, "Conditions:\n  Type              Status");
    let _ = writeln!(o, "  PodScheduled      {}", cond(pod.node.is_some()));
    let _ = writeln!(o, "  Initialized       {}", cond(started));
    let _ = writeln!(o, "  ContainersReady   {}", cond(pod.ready));
    let _ = writeln!(o, "  Ready             {}", cond(pod.ready));
    field(&mut o, "QoS Class", pod.spec.qos_class().as_str());
    let sel = format::labels(&pod.spec.node_selector);
    field(&mut o, "Node-Selectors", &sel);
    // DefaultTolerationSeconds adds these when the pod has none for the keys.
    let mut tolerations: Vec<String> = pod
        .spec
        .tolerations
        .iter()
        .map(|t| {
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
        })
        .collect();
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
    let mut tol = tolerations.into_iter();
    field(
        &mut o,
        "Tolerations",
        &tol.next().unwrap_or_else(|| "<none>".into()),
    );
    for t in tol {
        let _ = writeln!(o, "{:<18}{t}", "");
    }
    o.push_str(&events_section(sim, &pod_events(sim, p)));
    Ok(o)
}

fn describe_node(sim: &Simulation, n: usize) -> String {
    let t = &sim.cluster.nodes;
    let mut o = String::new();
    let field = |o: &mut String, k: &str, v: &str| {
        let _ = writeln!(o, "{:<20}{v}", format!("{k}:"));
    };
    field(&mut o, "Name", &t.names[n]);
    field(&mut o, "Roles", "<none>");
    let mut labels = t.labels[n].iter().map(|(k, v)| format!("{k}={v}"));
    field(
        &mut o,
        "Labels",
        &labels.next().unwrap_or_else(|| "<none>".into()),
    );
    for l in labels {
        let _ = writeln!(o, "{:<20}{l}", "");
    }
    field(
        &mut o,
        "CreationTimestamp",
        &describe_time(sim, crate::engine::SimTime::ZERO),
    );
    let mut taints = t.taints[n].iter().map(|x| {
        if x.value.is_empty() {
            format!("{}:{}", x.key, x.effect.as_str())
        } else {
            format!("{}={}:{}", x.key, x.value, x.effect.as_str())
        }
    });
    field(
        &mut o,
        "Taints",
        &taints.next().unwrap_or_else(|| "<none>".into()),
    );
    for x in taints {
        let _ = writeln!(o, "{:<20}{x}", "");
    }
    field(&mut o, "Unschedulable", &t.unschedulable[n].to_string());
    let ready = t.ready[n];
    let _ = writeln!(
        o,
        "Conditions:\n  Type    Status   Reason                Message"
    );
    if ready {
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
        t.names[n]
    );
    let alloc = t.allocatable[n];
    let res = |o: &mut String, title: &str| {
        let _ = writeln!(
            o,
            "{title}:\n  cpu:                {}\n  ephemeral-storage:  {}\n  memory:             {}\n  pods:               {}",
            cpu(alloc.get(CPU)),
            bytes(alloc.get(EPHEMERAL_STORAGE)),
            bytes(alloc.get(MEMORY)),
            alloc.get(crate::model::resources::PODS)
        );
    };
    res(&mut o, "Capacity");
    res(&mut o, "Allocatable");
    let _ = writeln!(
        o,
        "System Info:\n  Kubelet Version:            {}",
        super::get::KUBELET_VERSION
    );
    let pods: Vec<PodId> = t.pods[n]
        .iter()
        .copied()
        .filter(|p| !sim.cluster.pods[p.ix()].phase.is_terminal())
        .collect();
    let _ = writeln!(o, "Non-terminated Pods:          ({} in total)", pods.len());
    let pct = |v: i64, total: i64| if total > 0 { v * 100 / total } else { 0 };
    let mut rows = Vec::new();
    let (mut cr, mut cl, mut mr, mut ml, mut er, mut el) = (0, 0, 0, 0, 0, 0);
    for p in &pods {
        let pod = &sim.cluster.pods[p.ix()];
        let limits = pod.spec.containers.iter().fold(
            crate::model::resources::Resources::ZERO,
            |mut acc, c| {
                acc += c.limits;
                acc
            },
        );
        let (rc, rm) = (pod.spec.requests.get(CPU), pod.spec.requests.get(MEMORY));
        let (lc, lm) = (limits.get(CPU), limits.get(MEMORY));
        cr += rc;
        mr += rm;
        cl += lc;
        ml += lm;
        er += pod.spec.requests.get(EPHEMERAL_STORAGE);
        el += limits.get(EPHEMERAL_STORAGE);
        rows.push(vec![
            pod.namespace.clone(),
            pod.name.clone(),
            format!("{} ({}%)", cpu(rc), pct(rc, alloc.get(CPU))),
            format!("{} ({}%)", cpu(lc), pct(lc, alloc.get(CPU))),
            format!("{} ({}%)", bytes(rm), pct(rm, alloc.get(MEMORY))),
            format!("{} ({}%)", bytes(lm), pct(lm, alloc.get(MEMORY))),
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
    let dashes: Vec<String> = header.iter().map(|h| "-".repeat(h.len())).collect();
    let mut all = vec![dashes];
    all.extend(rows);
    for l in table_padded(&header, &all, 2).lines() {
        let _ = writeln!(o, "  {l}");
    }
    let _ = writeln!(
        o,
        "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)"
    );
    let arows = vec![
        vec!["--------".into(), "--------".into(), "------".into()],
        vec![
            "cpu".into(),
            format!("{} ({}%)", cpu(cr), pct(cr, alloc.get(CPU))),
            format!("{} ({}%)", cpu(cl), pct(cl, alloc.get(CPU))),
        ],
        vec![
            "memory".into(),
            format!("{} ({}%)", bytes(mr), pct(mr, alloc.get(MEMORY))),
            format!("{} ({}%)", bytes(ml), pct(ml, alloc.get(MEMORY))),
        ],
        vec![
            "ephemeral-storage".into(),
            format!("{} ({}%)", bytes(er), pct(er, alloc.get(EPHEMERAL_STORAGE))),
            format!("{} ({}%)", bytes(el), pct(el, alloc.get(EPHEMERAL_STORAGE))),
        ],
    ];
    for l in table_padded(&["Resource", "Requests", "Limits"], &arows, 2).lines() {
        let _ = writeln!(o, "  {l}");
    }
    let events: Vec<&EventRecord> = sim
        .recorder
        .events
        .iter()
        .filter(|e| e.object_kind == "Node" && e.object == t.names[n])
        .collect();
    o.push_str(&events_section(sim, &events));
    o
}

/// `kubectl logs NAME`: the pod's simulated lifecycle, one line per event.
pub fn logs(sim: &Simulation, req: &Request) -> Result<String, String> {
    let name = req.args.first().ok_or("logs: expected a POD name")?;
    let p = find_pod(sim, req, name)?;
    let pod = &sim.cluster.pods[p.ix()];
    if pod.node.is_none() || pod.times.started.is_none() {
        return Err(format!(
            "Error from server (BadRequest): container {:?} in pod {name:?} is waiting to start: {}",
            pod.spec.containers.first().map(|c| c.name.as_str()).unwrap_or(""),
            if pod.node.is_some() { "ContainerCreating" } else { "Pending" }
        ));
    }
    let mut o = String::new();
    for e in pod_events(sim, p) {
        let _ = writeln!(
            o,
            "{} k8sim: {}: {}",
            format::timestamp(sim, e.time),
            e.reason,
            e.message
        );
    }
    if pod.phase.is_terminal() {
        let code = if pod.phase == PodPhase::Succeeded {
            0
        } else {
            1
        };
        let _ = writeln!(
            o,
            "{} k8sim: container exited with code {code}",
            format::timestamp(sim, pod.times.finished.unwrap_or(sim.now()))
        );
    }
    Ok(o)
}

/// `kubectl rollout history deployment NAME`.
pub fn rollout_history(sim: &Simulation, req: &Request) -> Result<String, String> {
    if req.args.first().map(String::as_str) != Some("history") {
        return Err("rollout: k8sim shows `rollout history deployment NAME`".into());
    }
    let target = req
        .args
        .get(1)
        .ok_or("rollout history: expected deployment NAME")?;
    let (kind, name) = match target.split_once('/') {
        Some((k, n)) => (k.to_string(), n.to_string()),
        None => (
            target.clone(),
            req.args
                .get(2)
                .cloned()
                .ok_or("rollout history: expected a NAME")?,
        ),
    };
    if !matches!(kind.as_str(), "deployment" | "deployments" | "deploy") {
        return Err(format!(
            "rollout history: k8sim keeps history for deployments, not {kind:?}"
        ));
    }
    let d = sim
        .workloads
        .deployments
        .iter()
        .find(|d| !d.deleted && d.spec.meta.name == name && d.spec.meta.namespace == req.namespace)
        .ok_or_else(|| {
            format!("Error from server (NotFound): deployments.apps {name:?} not found")
        })?;
    let mut revs: Vec<i64> = d
        .replicasets
        .iter()
        .map(|r| &sim.workloads.replicasets[*r as usize])
        .filter(|r| !r.deleted)
        .map(|r| r.revision)
        .collect();
    revs.sort();
    let rows: Vec<Vec<String>> = revs
        .iter()
        .map(|r| vec![r.to_string(), "<none>".into()])
        .collect();
    Ok(format!(
        "deployment.apps/{name} \n{}\n",
        table_padded(&["REVISION", "CHANGE-CAUSE"], &rows, 2)
    ))
}
