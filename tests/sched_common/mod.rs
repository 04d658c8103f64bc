//! Builders and runners shared by the ported kube-scheduler plugin tables
//! (`tests/scheduler_kube_*.rs`): small fluent node and pod builders in the spirit of
//! kube's `st.MakeNode()` / `st.MakePod()`, a cluster factory, and helpers that run a
//! plugin's Filter or Score through both the per-node and the batch path.
#![allow(dead_code)]

use k8sim::cluster::{Cluster, NodeIdx, Owner, Pod};
use k8sim::engine::SimTime;
use k8sim::model::labels::{
    LabelSelector, Labels, NodeSelectorTerm, Requirement, SelectorOp, Taint, TaintEffect,
    Toleration,
};
use k8sim::model::node::NodeSpec;
use k8sim::model::pod::{
    Container, ContainerPort, PodAffinityTerm, PodSpec, TopologySpreadConstraint, WhenUnsatisfiable,
};
use k8sim::model::resources::{ResourceIdx, Resources, CPU, MEMORY, PODS};
use k8sim::scheduler::framework::{Code, CycleState, Plugin, Status};
use std::sync::Arc;

/// The first extended-resource slot (e.g. `nvidia.com/gpu`, `intel.com/foo`).
pub const EXT1: ResourceIdx = ResourceIdx(4);
/// The second extended-resource slot (e.g. `intel.com/bar`).
pub const EXT2: ResourceIdx = ResourceIdx(5);
/// 1 MiB, as kube's tests' `mb`.
pub const MB: i64 = 1024 * 1024;

/// A label map from pairs.
pub fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// `key op values`.
pub fn req(key: &str, op: SelectorOp, values: &[&str]) -> Requirement {
    Requirement {
        key: key.into(),
        op,
        values: values.iter().map(|v| v.to_string()).collect(),
    }
}

/// A node selector term of label expressions.
pub fn term(exprs: Vec<Requirement>) -> NodeSelectorTerm {
    NodeSelectorTerm {
        match_expressions: exprs,
        match_fields: Vec::new(),
    }
}

/// A label selector with matchLabels only.
pub fn selector(pairs: &[(&str, &str)]) -> LabelSelector {
    LabelSelector {
        match_labels: labels(pairs),
        match_expressions: Vec::new(),
    }
}

/// A label selector of match expressions only.
pub fn exprs_selector(exprs: Vec<Requirement>) -> LabelSelector {
    LabelSelector {
        match_labels: Labels::new(),
        match_expressions: exprs,
    }
}

/// A label selector with one `key Exists` expression (kube's `st.MakeLabelSelector().Exists`).
pub fn exists_selector(key: &str) -> LabelSelector {
    LabelSelector {
        match_labels: Labels::new(),
        match_expressions: vec![req(key, SelectorOp::Exists, &[])],
    }
}

/// Builds a node: `NodeBuilder::new("n1").cpu(4000).mem(10000).build()`.
pub struct NodeBuilder {
    /// The spec being built.
    pub spec: NodeSpec,
    /// Images with their sizes (bytes), registered on the cluster.
    pub image_sizes: Vec<(String, i64)>,
}

impl NodeBuilder {
    /// A node with 110 pod slots and nothing else.
    pub fn new(name: &str) -> Self {
        let mut allocatable = Resources::ZERO;
        allocatable.set(PODS, 110);
        let mut l = Labels::new();
        l.insert("kubernetes.io/hostname".into(), name.into());
        NodeBuilder {
            spec: NodeSpec {
                name: name.into(),
                allocatable,
                labels: l,
                taints: Vec::new(),
                unschedulable: false,
                images: Vec::new(),
                group: None,
            },
            image_sizes: Vec::new(),
        }
    }
    /// Allocatable cpu, millicores.
    pub fn cpu(self, v: i64) -> Self {
        self.res(CPU, v)
    }
    /// Allocatable memory, bytes.
    pub fn mem(self, v: i64) -> Self {
        self.res(MEMORY, v)
    }
    /// Allocatable amount of any resource slot.
    pub fn res(mut self, r: ResourceIdx, v: i64) -> Self {
        self.spec.allocatable.set(r, v);
        self
    }
    /// Allocatable pod slots.
    pub fn pods(self, v: i64) -> Self {
        self.res(PODS, v)
    }
    /// A label.
    pub fn label(mut self, k: &str, v: &str) -> Self {
        self.spec.labels.insert(k.into(), v.into());
        self
    }
    /// Replaces all labels (kube's tests build nodes with exactly these labels).
    pub fn labels(mut self, l: Labels) -> Self {
        self.spec.labels = l;
        self
    }
    /// A taint.
    pub fn taint(mut self, key: &str, value: &str, effect: TaintEffect) -> Self {
        self.spec.taints.push(Taint {
            key: key.into(),
            value: value.into(),
            effect,
        });
        self
    }
    /// An image already on the node, with its size in bytes.
    pub fn image(mut self, name: &str, bytes: i64) -> Self {
        self.spec.images.push(name.into());
        self.image_sizes.push((name.into(), bytes));
        self
    }
    /// Finishes.
    pub fn build(self) -> NodeBuilder {
        self
    }
}

/// Builds a pod: `PodBuilder::new("p").req(1000, 2000).req(2000, 3000).build()`.
pub struct PodBuilder {
    name: String,
    namespace: String,
    labels: Labels,
    spec: PodSpec,
    deleting: bool,
}

impl PodBuilder {
    /// An empty pod in namespace `default` with no containers.
    pub fn new(name: &str) -> Self {
        PodBuilder {
            name: name.into(),
            namespace: "default".into(),
            labels: Labels::new(),
            spec: PodSpec {
                preempts: true,
                ..PodSpec::default()
            },
            deleting: false,
        }
    }
    /// A container requesting cpu and memory (both explicit, as kube's `Req`).
    pub fn req(self, cpu: i64, mem: i64) -> Self {
        self.req_map(&[(CPU, cpu), (MEMORY, mem)])
    }
    /// A container with explicit requests of the given slots.
    pub fn req_map(mut self, reqs: &[(ResourceIdx, i64)]) -> Self {
        let mut c = Container::default();
        for &(r, v) in reqs {
            c.requests.set(r, v);
            c.requested[r.0 as usize] = true;
        }
        self.spec.containers.push(c);
        self
    }
    /// An init container with explicit requests of the given slots.
    pub fn init_req_map(mut self, reqs: &[(ResourceIdx, i64)]) -> Self {
        let mut c = Container::default();
        for &(r, v) in reqs {
            c.requests.set(r, v);
            c.requested[r.0 as usize] = true;
        }
        self.spec.init_containers.push(c);
        self
    }
    /// Pod overhead (RuntimeClass) of the given slots.
    pub fn overhead(mut self, reqs: &[(ResourceIdx, i64)]) -> Self {
        for &(r, v) in reqs {
            self.spec.overhead.set(r, v);
        }
        self
    }
    /// A container with no requests running `image`.
    pub fn image(mut self, image: &str) -> Self {
        self.spec.containers.push(Container {
            image: image.into(),
            ..Container::default()
        });
        self
    }
    /// An init container running `image`.
    pub fn init_image(mut self, image: &str) -> Self {
        self.spec.init_containers.push(Container {
            image: image.into(),
            ..Container::default()
        });
        self
    }
    /// A container claiming host ports `(protocol, hostIP, port)`.
    pub fn host_ports(mut self, ports: &[(&str, &str, i32)]) -> Self {
        let c = Container {
            ports: ports
                .iter()
                .map(|(proto, ip, port)| ContainerPort {
                    container_port: *port,
                    host_port: *port,
                    protocol: proto.to_string(),
                    host_ip: ip.to_string(),
                })
                .collect(),
            ..Container::default()
        };
        self.spec.containers.push(c);
        self
    }
    /// A label.
    pub fn label(mut self, k: &str, v: &str) -> Self {
        self.labels.insert(k.into(), v.into());
        self
    }
    /// The namespace.
    pub fn namespace(mut self, ns: &str) -> Self {
        self.namespace = ns.into();
        self
    }
    /// A nodeSelector entry.
    pub fn node_selector(mut self, k: &str, v: &str) -> Self {
        self.spec.node_selector.insert(k.into(), v.into());
        self
    }
    /// Required node affinity terms (ORed).
    pub fn required_node_affinity(mut self, terms: Vec<NodeSelectorTerm>) -> Self {
        self.spec.affinity.node.required = Some(terms);
        self
    }
    /// A preferred node affinity term.
    pub fn preferred_node_affinity(mut self, weight: i32, t: NodeSelectorTerm) -> Self {
        self.spec.affinity.node.preferred.push((weight, t));
        self
    }
    /// spec.nodeName.
    pub fn node_name(mut self, n: &str) -> Self {
        self.spec.node_name = Some(n.into());
        self
    }
    /// A scheduling gate.
    pub fn gate(mut self, g: &str) -> Self {
        self.spec.scheduling_gates.push(g.into());
        self
    }
    /// Priority.
    pub fn priority(mut self, p: i32) -> Self {
        self.spec.priority = p;
        self
    }
    /// `preemptionPolicy: Never`.
    pub fn never_preempt(mut self) -> Self {
        self.spec.preempts = false;
        self
    }
    /// A topology spread constraint (kube's `SpreadConstraint(maxSkew, key, mode, selector, minDomains, ...)`).
    pub fn spread(
        mut self,
        max_skew: i32,
        key: &str,
        mode: WhenUnsatisfiable,
        sel: LabelSelector,
    ) -> Self {
        self.spec
            .topology_spread_constraints
            .push(TopologySpreadConstraint {
                max_skew,
                topology_key: key.into(),
                when_unsatisfiable: mode,
                label_selector: sel,
                min_domains: None,
                node_affinity_honor: true,
                node_taints_honor: false,
                match_label_keys: Vec::new(),
            });
        self
    }
    /// Sets nodeAffinityPolicy / nodeTaintsPolicy (`true` = Honor) on the last spread
    /// constraint.
    pub fn policies(mut self, affinity_honor: bool, taints_honor: bool) -> Self {
        if let Some(c) = self.spec.topology_spread_constraints.last_mut() {
            c.node_affinity_honor = affinity_honor;
            c.node_taints_honor = taints_honor;
        }
        self
    }
    /// A toleration `key Exists` for every effect (kube's `st.MakePod().Toleration(key)`).
    pub fn toleration(mut self, key: &str) -> Self {
        self.spec.tolerations.push(Toleration {
            key: key.into(),
            exists: true,
            value: String::new(),
            effect: None,
            toleration_seconds: None,
        });
        self
    }
    /// A toleration, given whole.
    pub fn tolerate(mut self, t: Toleration) -> Self {
        self.spec.tolerations.push(t);
        self
    }
    /// Marks the pod as being deleted (kube's `Terminating()`: a deletionTimestamp).
    pub fn terminating(mut self) -> Self {
        self.deleting = true;
        self
    }
    /// A required pod affinity term, given whole.
    pub fn affinity_term(mut self, t: PodAffinityTerm) -> Self {
        self.spec.affinity.pod_affinity.required.push(t);
        self
    }
    /// A required pod anti-affinity term, given whole.
    pub fn anti_affinity_term(mut self, t: PodAffinityTerm) -> Self {
        self.spec.affinity.pod_anti_affinity.required.push(t);
        self
    }
    /// A preferred pod affinity term, given whole.
    pub fn preferred_affinity_term(mut self, w: i32, t: PodAffinityTerm) -> Self {
        self.spec.affinity.pod_affinity.preferred.push((w, t));
        self
    }
    /// A preferred pod anti-affinity term, given whole.
    pub fn preferred_anti_affinity_term(mut self, w: i32, t: PodAffinityTerm) -> Self {
        self.spec.affinity.pod_anti_affinity.preferred.push((w, t));
        self
    }
    /// Sets matchLabelKeys on the last spread constraint.
    pub fn match_label_keys(mut self, keys: &[&str]) -> Self {
        if let Some(c) = self.spec.topology_spread_constraints.last_mut() {
            c.match_label_keys = keys.iter().map(|k| k.to_string()).collect();
        }
        self
    }
    /// Sets minDomains on the last spread constraint.
    pub fn min_domains(mut self, m: i32) -> Self {
        if let Some(c) = self.spec.topology_spread_constraints.last_mut() {
            c.min_domains = Some(m);
        }
        self
    }
    /// A required pod affinity term.
    pub fn pod_affinity(mut self, sel: LabelSelector, key: &str) -> Self {
        self.spec
            .affinity
            .pod_affinity
            .required
            .push(aff_term(sel, key));
        self
    }
    /// A required pod anti-affinity term.
    pub fn pod_anti_affinity(mut self, sel: LabelSelector, key: &str) -> Self {
        self.spec
            .affinity
            .pod_anti_affinity
            .required
            .push(aff_term(sel, key));
        self
    }
    /// A preferred pod affinity term.
    pub fn preferred_pod_affinity(mut self, w: i32, sel: LabelSelector, key: &str) -> Self {
        self.spec
            .affinity
            .pod_affinity
            .preferred
            .push((w, aff_term(sel, key)));
        self
    }
    /// A preferred pod anti-affinity term.
    pub fn preferred_pod_anti_affinity(mut self, w: i32, sel: LabelSelector, key: &str) -> Self {
        self.spec
            .affinity
            .pod_anti_affinity
            .preferred
            .push((w, aff_term(sel, key)));
        self
    }
    /// Finishes the pod.
    pub fn build(self) -> Pod {
        let mut pod = Pod::new(
            self.name,
            self.namespace,
            self.labels,
            Owner::None,
            Arc::new(self.spec.finish()),
            SimTime::ZERO,
        );
        pod.deleting = self.deleting;
        pod
    }
}

/// A pod affinity term over the owner's namespace.
pub fn aff_term(sel: LabelSelector, key: &str) -> PodAffinityTerm {
    PodAffinityTerm {
        label_selector: sel,
        namespaces: Vec::new(),
        namespace_selector: None,
        topology_key: key.into(),
    }
}

/// A pod builder named `p`.
pub fn p() -> PodBuilder {
    PodBuilder::new("p")
}

/// A node with cpu and memory.
pub fn n(name: &str, cpu: i64, mem: i64) -> NodeBuilder {
    NodeBuilder::new(name).cpu(cpu).mem(mem)
}

/// A cluster of `nodes` with `existing` pods bound to the named nodes.
pub fn cluster<S: AsRef<str>>(nodes: Vec<NodeBuilder>, existing: Vec<(S, Pod)>) -> Cluster {
    let mut c = Cluster::default();
    // Cases that score overfull nodes: raise allocatable to what the existing pods request
    // so that binding them does not trip the over-commit assert.
    let mut requested: std::collections::BTreeMap<&str, Resources> = Default::default();
    for (node, pod) in &existing {
        *requested.entry(node.as_ref()).or_default() += pod.spec.requests;
    }
    for mut nb in nodes {
        for (img, size) in &nb.image_sizes {
            c.set_image_size(img, *size);
        }
        if let Some(r) = requested.get(nb.spec.name.as_str()) {
            nb.spec.allocatable = nb.spec.allocatable.max(r);
        }
        c.add_node(nb.spec);
    }
    for (i, (node, pod)) in existing.into_iter().enumerate() {
        let mut pod = pod;
        if pod.name == "p" {
            pod.name = format!("existing-{i}");
        }
        let id = c.add_pod(pod);
        let n = c.node_names()[node.as_ref()];
        c.bind(id, n, SimTime::ZERO);
    }
    c
}

/// A cluster of `nodes` with no pods.
pub fn bare(nodes: Vec<NodeBuilder>) -> Cluster {
    cluster::<&str>(nodes, Vec::new())
}

/// PreScore, Score on every node, NormalizeScore — through the per-node path and the
/// batch path, which must agree; returns the scores (all 0 when PreScore skips, as the
/// framework gives a skipped plugin no score).
pub fn scores(plugin: &dyn Plugin, pod: &Pod, c: &Cluster) -> Vec<i64> {
    let nodes: Vec<NodeIdx> = c.nodes().indices().collect();
    scores_on(plugin, pod, c, &nodes)
}

/// As [`scores`], over the candidate `nodes` only (kube's tests' `nodes`, while their
/// `failedNodes` stay in the cluster but are not scored).
pub fn scores_on(plugin: &dyn Plugin, pod: &Pod, c: &Cluster, nodes: &[NodeIdx]) -> Vec<i64> {
    let s = plugin.as_score().expect("score plugin");
    let mut state = CycleState::default();
    let st = s.pre_score(&mut state, pod, c, nodes);
    if st.code == Code::Skip {
        return vec![0; nodes.len()];
    }
    let mut out: Vec<i64> = nodes.iter().map(|n| s.score(&state, pod, c, *n)).collect();
    s.normalize_score(&state, pod, &mut out);
    let mut batch = vec![0; nodes.len()];
    s.score_all(&state, pod, c, nodes, &mut batch);
    s.normalize_score(&state, pod, &mut batch);
    assert_eq!(out, batch, "batch and per-node scores differ");
    out
}

/// PreFilter then Filter on every node through the per-node path (returned) and the
/// batch path (checked to agree on feasibility). A PreFilter Skip means every node
/// passes; a PreFilter failure is returned for every node.
pub fn filter_statuses(plugin: &dyn Plugin, pod: &Pod, c: &Cluster) -> Vec<Status> {
    let f = plugin.as_filter().expect("filter plugin");
    let mut state = CycleState::default();
    let pre = f.pre_filter(&mut state, pod, c);
    let nodes: Vec<NodeIdx> = c.nodes().indices().collect();
    if pre.code == Code::Skip {
        return vec![Status::success(); nodes.len()];
    }
    if !pre.is_success() {
        return vec![pre; nodes.len()];
    }
    let per: Vec<Status> = nodes.iter().map(|n| f.filter(&state, pod, c, *n)).collect();
    let mut feasible = vec![true; nodes.len()];
    f.filter_all(&state, pod, c, &mut feasible);
    let want: Vec<bool> = per.iter().map(|s| s.is_success()).collect();
    assert_eq!(feasible, want, "batch and per-node filters differ");
    per
}

/// The expected outcome of a filter case: `None` fits, `Some((code, reason))` does not.
pub type Want = Option<(Code, &'static str)>;

/// Asserts a filter status against a [`Want`].
pub fn check_status(name: &str, got: &Status, want: Want) {
    match want {
        None => assert!(got.is_success(), "case {name:?}: {got:?}"),
        Some((code, reason)) => {
            assert_eq!(got.code, code, "case {name:?}: {got:?}");
            assert!(
                got.reasons.iter().any(|r| r == reason),
                "case {name:?}: want reason {reason:?}, got {got:?}"
            );
        }
    }
}

/// The code PreFilter returns for `pod` (kube's tests' `wantPreFilterStatus`).
pub fn pre_filter_code(plugin: &dyn Plugin, pod: &Pod, c: &Cluster) -> Code {
    let f = plugin.as_filter().expect("filter plugin");
    f.pre_filter(&mut CycleState::default(), pod, c).code
}

/// The code PreScore returns for `pod` over every node (kube's tests' `wantStatus`).
pub fn pre_score_code(plugin: &dyn Plugin, pod: &Pod, c: &Cluster) -> Code {
    let s = plugin.as_score().expect("score plugin");
    let nodes: Vec<NodeIdx> = c.nodes().indices().collect();
    s.pre_score(&mut CycleState::default(), pod, c, &nodes).code
}
