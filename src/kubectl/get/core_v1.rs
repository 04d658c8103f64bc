//! `kubectl get` listings of core/v1 kinds: pods, nodes and persistent volume claims.

use super::{in_namespace, pod_status, restarts, visible_pods, Listing, Row};
use crate::kubectl::format::{self, age, pod_ip};
use crate::kubectl::selector::Selector;
use crate::kubectl::Request;
use crate::model::resources::{CPU, MEMORY};
use crate::sim::Simulation;
use serde_json::json;

/// `kubectl get pods`.
pub(super) fn pods(sim: &Simulation, req: &Request, selector: Option<&Selector>) -> Listing {
    let mut rows = Vec::new();
    for p in visible_pods(sim) {
        let pod = &sim.cluster.pods()[p.ix()];
        if !in_namespace(req, &pod.namespace) || selector.is_some_and(|s| !s.matches(&pod.labels)) {
            continue;
        }
        let n = pod.spec.containers.len();
        let ready = if pod.ready { n } else { 0 };
        let status = pod_status(sim, p);
        let ip = pod_ip(sim, p);
        let node = pod
            .node
            .map(|n| sim.cluster.nodes().names()[n.ix()].clone());
        let (owner_kind, owner) = sim.owner_of(p);
        let mut meta = json!({
            "name": pod.name, "namespace": pod.namespace, "labels": *pod.labels,
            "creationTimestamp": format::timestamp(sim, pod.times.created),
        });
        if !owner.is_empty() {
            meta["ownerReferences"] =
                json!([{"kind": owner_kind, "name": owner, "controller": true}]);
        }
        let object = json!({
            "apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": {
                "nodeName": node,
                "restartPolicy": format!("{:?}", pod.spec.restart_policy),
                "containers": pod.spec.containers.iter().map(|c| json!({
                    "name": c.name, "image": c.image,
                    "resources": {"requests": {"cpu": format::cpu(c.requests.get(CPU)), "memory": format::bytes(c.requests.get(MEMORY))}},
                })).collect::<Vec<_>>(),
            },
            "status": {
                "phase": pod.phase.as_str(),
                "podIP": ip,
                "conditions": [{"type": "Ready", "status": if pod.ready {"True"} else {"False"}}],
                "containerStatuses": pod.spec.containers.iter().map(|c| json!({
                    "name": c.name, "image": c.image, "ready": pod.ready, "restartCount": pod.restarts,
                })).collect::<Vec<_>>(),
            },
        });
        rows.push(Row {
            namespace: pod.namespace.clone(),
            name: pod.name.clone(),
            cells: vec![
                pod.name.clone(),
                format!("{ready}/{n}"),
                status,
                restarts(sim, p),
                age(sim, pod.times.created),
            ],
            wide: vec![
                ip.unwrap_or_else(|| "<none>".into()),
                node.unwrap_or_else(|| "<none>".into()),
                "<none>".into(),
                "<none>".into(),
            ],
            object,
        });
    }
    (
        &["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
        &["IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
        "pod",
        rows,
    )
}

/// The STATUS column of a node.
pub fn node_status(sim: &Simulation, n: usize) -> String {
    let mut s = if sim.cluster.nodes().ready()[n] {
        "Ready".to_string()
    } else {
        "NotReady".to_string()
    };
    if sim.cluster.nodes().unschedulable()[n] {
        s.push_str(",SchedulingDisabled");
    }
    s
}

/// The simulated kubelet version: the first patch release of the Kubernetes release
/// k8sim follows.
pub const KUBELET_VERSION: &str = concat!(crate::kubernetes_version!(), ".0");

/// `kubectl get nodes`.
pub(super) fn nodes(sim: &Simulation, selector: Option<&Selector>) -> Listing {
    let t = &sim.cluster.nodes();
    let mut rows = Vec::new();
    let mut order: Vec<usize> = (0..t.len()).filter(|n| t.present()[*n]).collect();
    order.sort_by(|a, b| t.names()[*a].cmp(&t.names()[*b]));
    for n in order {
        if selector.is_some_and(|s| !s.matches(&t.labels()[n])) {
            continue;
        }
        let roles = t.labels()[n]
            .keys()
            .filter_map(|k| k.strip_prefix("node-role.kubernetes.io/"))
            .collect::<Vec<_>>()
            .join(",");
        let object = json!({
            "apiVersion": "v1", "kind": "Node",
            "metadata": {"name": t.names()[n], "labels": t.labels()[n]},
            "spec": {
                "unschedulable": t.unschedulable()[n],
                "taints": t.taints()[n].iter().map(|x| json!({"key": x.key, "value": x.value, "effect": x.effect.as_str()})).collect::<Vec<_>>(),
            },
            "status": {
                "allocatable": {"cpu": format::cpu(t.allocatable()[n].get(CPU)), "memory": format::bytes(t.allocatable()[n].get(MEMORY))},
                "conditions": [{"type": "Ready", "status": if t.ready()[n] {"True"} else {"Unknown"}}],
                "addresses": [{"type": "InternalIP", "address": format::node_ip(n as u32)}],
            },
        });
        rows.push(Row {
            namespace: String::new(),
            name: t.names()[n].clone(),
            cells: vec![
                t.names()[n].clone(),
                node_status(sim, n),
                if roles.is_empty() {
                    "<none>".into()
                } else {
                    roles
                },
                age(sim, crate::engine::SimTime::ZERO),
                KUBELET_VERSION.into(),
            ],
            wide: vec![
                format::node_ip(n as u32),
                "<none>".into(),
                "k8sim".into(),
                "<none>".into(),
                "containerd://2.0.0".into(),
            ],
            object,
        });
    }
    (
        &["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
        &[
            "INTERNAL-IP",
            "EXTERNAL-IP",
            "OS-IMAGE",
            "KERNEL-VERSION",
            "CONTAINER-RUNTIME",
        ],
        "node",
        rows,
    )
}

/// `kubectl get pvc`: the claims of StatefulSet volumeClaimTemplates, all Bound.
pub(super) fn pvcs(sim: &Simulation, req: &Request) -> Listing {
    let mut rows = Vec::new();
    for s in &sim.workloads.statefulsets {
        let ns = &s.spec.meta.namespace;
        if !in_namespace(req, ns) {
            continue;
        }
        for claim in &s.claims {
            let template = s
                .spec
                .volume_claim_templates
                .iter()
                .find(|t| claim.starts_with(&format!("{}-", t.meta.name)));
            let (size, modes, class) = template
                .map(|t| {
                    (
                        format::bytes(t.storage_bytes),
                        t.access_modes
                            .iter()
                            .map(|m| match m.as_str() {
                                "ReadWriteOnce" => "RWO",
                                "ReadOnlyMany" => "ROX",
                                "ReadWriteMany" => "RWX",
                                "ReadWriteOncePod" => "RWOP",
                                _ => "?",
                            })
                            .collect::<Vec<_>>()
                            .join(","),
                        t.storage_class.clone().unwrap_or_else(|| "standard".into()),
                    )
                })
                .unwrap_or_default();
            let volume = format!("pvc-{claim}");
            rows.push(Row {
                namespace: ns.clone(),
                name: claim.clone(),
                cells: vec![
                    claim.clone(),
                    "Bound".into(),
                    volume,
                    size.clone(),
                    modes,
                    class.clone(),
                    "<unset>".into(),
                    age(sim, crate::engine::SimTime::ZERO),
                ],
                wide: vec!["Filesystem".into()],
                object: json!({
                    "apiVersion": "v1", "kind": "PersistentVolumeClaim",
                    "metadata": {"name": claim, "namespace": ns},
                    "spec": {"storageClassName": class, "resources": {"requests": {"storage": size}}},
                    "status": {"phase": "Bound"},
                }),
            });
        }
    }
    (
        &[
            "NAME",
            "STATUS",
            "VOLUME",
            "CAPACITY",
            "ACCESS MODES",
            "STORAGECLASS",
            "VOLUMEATTRIBUTESCLASS",
            "AGE",
        ],
        &["VOLUMEMODE"],
        "persistentvolumeclaim",
        rows,
    )
}
