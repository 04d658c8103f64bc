//! Score and filter tables ported from kube-scheduler's own plugin unit tests (each case
//! named after its source case, file cited per table), run against our plugins through
//! the framework traits on a Cluster built with small fluent builders.

use k8sim::cluster::{Cluster, NodeIdx, Owner, Pod};
use k8sim::engine::SimTime;
use k8sim::model::labels::{Labels, Taint, TaintEffect, Toleration};
use k8sim::model::node::NodeSpec;
use k8sim::model::pod::{Container, PodSpec};
use k8sim::model::resources::{ResourceNames, Resources, CPU, MEMORY, PODS};
use k8sim::scheduler::framework::{Code, CycleState, Plugin};
use k8sim::scheduler::plugins::node_resources_fit::{NodeResourcesFit, ScoringStrategy};
use k8sim::scheduler::plugins::taint_toleration::TaintToleration;
use std::sync::Arc;

/// Builds a node: `NodeBuilder::new("n1").cpu(4000).mem(10000).build()`.
struct NodeBuilder(NodeSpec);

impl NodeBuilder {
    fn new(name: &str) -> Self {
        let mut allocatable = Resources::ZERO;
        allocatable.set(PODS, 110);
        NodeBuilder(NodeSpec {
            name: name.into(),
            allocatable,
            labels: Labels::new(),
            taints: Vec::new(),
            unschedulable: false,
            images: Vec::new(),
            group: None,
        })
    }
    fn cpu(mut self, v: i64) -> Self {
        self.0.allocatable.set(CPU, v);
        self
    }
    fn mem(mut self, v: i64) -> Self {
        self.0.allocatable.set(MEMORY, v);
        self
    }
    fn taint(mut self, key: &str, value: &str, effect: TaintEffect) -> Self {
        self.0.taints.push(Taint {
            key: key.into(),
            value: value.into(),
            effect,
        });
        self
    }
    fn build(self) -> NodeSpec {
        self.0
    }
}

/// Builds a pod: `PodBuilder::new("p").req(1000, 2000).req(2000, 3000).build()`.
struct PodBuilder {
    name: String,
    spec: PodSpec,
}

impl PodBuilder {
    fn new(name: &str) -> Self {
        PodBuilder {
            name: name.into(),
            spec: PodSpec::default(),
        }
    }
    /// A container requesting cpu and memory (both explicit, as kube's `Req`).
    fn req(mut self, cpu: i64, mem: i64) -> Self {
        let mut c = Container::default();
        c.requests.set(CPU, cpu);
        c.requests.set(MEMORY, mem);
        c.requested[CPU.0 as usize] = true;
        c.requested[MEMORY.0 as usize] = true;
        self.spec.containers.push(c);
        self
    }
    /// A container with no requests (kube's `Container("container")`).
    fn container(mut self) -> Self {
        self.spec.containers.push(Container::default());
        self
    }
    fn toleration(mut self, key: &str, value: &str, effect: Option<TaintEffect>) -> Self {
        self.spec.tolerations.push(Toleration {
            key: key.into(),
            exists: false,
            value: value.into(),
            effect,
            toleration_seconds: None,
        });
        self
    }
    fn exists_toleration(mut self, key: &str, effect: Option<TaintEffect>) -> Self {
        self.spec.tolerations.push(Toleration {
            key: key.into(),
            exists: true,
            value: String::new(),
            effect,
            toleration_seconds: None,
        });
        self
    }
    fn build(self) -> Pod {
        Pod::new(
            self.name,
            "default".into(),
            Labels::new(),
            Owner::None,
            Arc::new(self.spec.finish()),
            SimTime::ZERO,
        )
    }
}

/// A cluster of `nodes` with `existing` pods bound to the named nodes.
fn cluster(nodes: Vec<NodeSpec>, existing: Vec<(&str, Pod)>) -> Cluster {
    let mut c = Cluster::default();
    // Cases that score overfull nodes: raise allocatable to what the existing pods request
    // so that binding them does not trip the over-commit assert.
    let mut requested: std::collections::BTreeMap<&str, Resources> = Default::default();
    for (node, pod) in &existing {
        *requested.entry(node).or_default() += pod.spec.requests;
    }
    for mut n in nodes {
        if let Some(r) = requested.get(n.name.as_str()) {
            n.allocatable = n.allocatable.max(r);
        }
        c.add_node(n);
    }
    for (i, (node, pod)) in existing.into_iter().enumerate() {
        let mut pod = pod;
        pod.name = format!("existing-{i}");
        pod.node = None;
        let id = c.add_pod(pod);
        let n = c.node_names()[node];
        c.bind(id, n, SimTime::ZERO);
    }
    c
}

/// PreScore, Score on every node, NormalizeScore: what kube's tests compare.
fn scores(plugin: &dyn Plugin, pod: &Pod, c: &Cluster) -> Vec<i64> {
    let s = plugin.as_score().expect("score plugin");
    let nodes: Vec<NodeIdx> = c.nodes().indices().collect();
    let mut state = CycleState::default();
    let st = s.pre_score(&mut state, pod, c, &nodes);
    let mut out: Vec<i64> = nodes.iter().map(|n| s.score(&state, pod, c, *n)).collect();
    if st.code != Code::Skip {
        s.normalize_score(&state, pod, &mut out);
    }
    let mut batch = vec![0; nodes.len()];
    s.score_all(&state, pod, c, &nodes, &mut batch);
    if st.code != Code::Skip {
        s.normalize_score(&state, pod, &mut batch);
    }
    assert_eq!(out, batch, "batch and per-node scores differ");
    out
}

fn fit(
    strategy: ScoringStrategy,
    weights: &[(k8sim::model::resources::ResourceIdx, i64)],
) -> NodeResourcesFit {
    let mut f = NodeResourcesFit::new(strategy, ResourceNames::default());
    if !weights.is_empty() {
        f.resources = weights.to_vec();
    }
    f
}

fn n(name: &str, cpu: i64, mem: i64) -> NodeSpec {
    NodeBuilder::new(name).cpu(cpu).mem(mem).build()
}

fn p() -> PodBuilder {
    PodBuilder::new("p")
}

type Case = (
    &'static str,
    Pod,
    Vec<NodeSpec>,
    Vec<(&'static str, Pod)>,
    Vec<(k8sim::model::resources::ResourceIdx, i64)>,
    Vec<i64>,
);

fn run_fit_cases(strategy: ScoringStrategy, cases: Vec<Case>) {
    for (name, pod, nodes, existing, weights, want) in cases {
        let c = cluster(nodes, existing);
        let got = scores(&fit(strategy.clone(), &weights), &pod, &c);
        assert_eq!(got, want, "case {name:?}");
    }
}

// pkg/scheduler/framework/plugins/noderesources/least_allocated_test.go,
// TestLeastAllocatedScoringStrategy.
#[test]
fn least_allocated_test_go() {
    let cases: Vec<Case> = vec![
        // cpu (4000-0)*100/4000 = 100, memory 100 -> 100.
        ("nothing scheduled, nothing requested", p().build(),
         vec![n("node1", 4000, 10000), n("node2", 4000, 10000)], vec![], vec![], vec![100, 100]),
        // node1: cpu (4000-3000)*100/4000 = 25, mem (10000-5000)*100/10000 = 50 -> 37.
        ("nothing scheduled, resources requested, differently sized nodes",
         p().req(1000, 2000).req(2000, 3000).build(),
         vec![n("node1", 4000, 10000), n("node2", 6000, 10000)], vec![], vec![], vec![37, 50]),
        ("no resources requested, pods scheduled", p().build(),
         vec![n("node1", 4000, 10000), n("node2", 4000, 10000)],
         vec![("node1", p().build()), ("node1", p().build()), ("node2", p().build()), ("node2", p().build())],
         vec![], vec![100, 100]),
        // node1: cpu (10000-6000)*100/10000 = 40, mem 100 -> 70; node2: 40, 75 -> 57.
        ("no resources requested, pods scheduled with resources", p().build(),
         vec![n("node1", 10000, 20000), n("node2", 10000, 20000)],
         vec![("node1", p().req(3000, 0).build()), ("node1", p().req(3000, 0).build()),
              ("node2", p().req(3000, 0).build()), ("node2", p().req(3000, 5000).build())],
         vec![], vec![70, 57]),
        ("resources requested, pods scheduled with resources",
         p().req(1000, 2000).req(2000, 3000).build(),
         vec![n("node1", 10000, 20000), n("node2", 10000, 20000)],
         vec![("node1", p().req(3000, 0).build()), ("node2", p().req(3000, 5000).build())],
         vec![], vec![57, 45]),
        ("resources requested, pods scheduled with resources, differently sized nodes",
         p().req(1000, 2000).req(2000, 3000).build(),
         vec![n("node1", 10000, 20000), n("node2", 10000, 50000)],
         vec![("node1", p().req(3000, 0).build()), ("node2", p().req(3000, 5000).build())],
         vec![], vec![57, 60]),
        // cpu (4000-6000) < 0 -> 0; node1 mem 100 -> 50; node2 mem 50 -> 25.
        ("requested resources exceed node capacity", p().req(3000, 0).build(),
         vec![n("node1", 4000, 10000), n("node2", 4000, 10000)],
         vec![("node1", p().req(3000, 0).build()), ("node2", p().req(3000, 5000).build())],
         vec![], vec![50, 25]),
        ("zero node resources, pods scheduled with resources", p().build(),
         vec![n("node1", 0, 0), n("node2", 0, 0)], vec![], vec![], vec![0, 0]),
        // (25*1 + 50*2) / 3 = 41; (50 + 100) / 3 = 50.
        ("nothing scheduled, resources requested with different weight on CPU and memory, differently sized nodes",
         p().req(1000, 2000).req(2000, 3000).build(),
         vec![n("node1", 4000, 10000), n("node2", 6000, 10000)], vec![],
         vec![(MEMORY, 2), (CPU, 1)], vec![41, 50]),
    ];
    run_fit_cases(ScoringStrategy::LeastAllocated, cases);
}

// pkg/scheduler/framework/plugins/noderesources/most_allocated_test.go,
// TestMostAllocatedScoringStrategy.
#[test]
fn most_allocated_test_go() {
    let cases: Vec<Case> = vec![
        (
            "nothing scheduled, nothing requested",
            p().build(),
            vec![n("node1", 4000, 10000), n("node2", 4000, 10000)],
            vec![],
            vec![],
            vec![0, 0],
        ),
        // node1: cpu 3000*100/4000 = 75, mem 50 -> 62; node2: 50, 50 -> 50.
        (
            "nothing scheduled, resources requested, differently sized nodes",
            p().req(1000, 2000).req(2000, 3000).build(),
            vec![n("node1", 4000, 10000), n("node2", 6000, 10000)],
            vec![],
            vec![],
            vec![62, 50],
        ),
        // node1: cpu 60, mem 0 -> 30; node2: 60, 25 -> 42.
        (
            "no resources requested, pods scheduled with resources",
            p().build(),
            vec![n("node1", 10000, 20000), n("node2", 10000, 20000)],
            vec![
                ("node1", p().req(3000, 0).build()),
                ("node1", p().req(3000, 0).build()),
                ("node2", p().req(3000, 0).build()),
                ("node2", p().req(3000, 5000).build()),
            ],
            vec![],
            vec![30, 42],
        ),
        (
            "resources requested, pods scheduled with resources",
            p().req(1000, 2000).req(2000, 3000).build(),
            vec![n("node1", 10000, 20000), n("node2", 10000, 20000)],
            vec![
                ("node1", p().req(3000, 0).build()),
                ("node2", p().req(3000, 5000).build()),
            ],
            vec![],
            vec![42, 55],
        ),
        // node1: cpu 5000/5000 = 100, mem 90 -> 95; node2: 50, 100 -> 75.
        (
            "resources requested equal node capacity",
            p().req(2000, 4000).req(3000, 5000).build(),
            vec![n("node1", 5000, 10000), n("node2", 10000, 9000)],
            vec![],
            vec![],
            vec![95, 75],
        ),
        // (75*1 + 50*2) / 3 = 58.
        (
            "nothing scheduled, resources requested, differently sized nodes (weighted)",
            p().req(1000, 2000).req(2000, 3000).build(),
            vec![n("node1", 4000, 10000), n("node2", 6000, 10000)],
            vec![],
            vec![(MEMORY, 2), (CPU, 1)],
            vec![58, 50],
        ),
        // node1: cpu 300/250 -> 100, mem 600Mi/1000Mi = 60 -> 80; node2: 40, 20 -> 30.
        (
            "no resources requested, pods scheduled, nonzero request for resource",
            p().container().build(),
            vec![
                n("node1", 250, 1000 * 1024 * 1024),
                n("node2", 250, 1000 * 1024 * 1024),
            ],
            vec![
                ("node1", p().container().build()),
                ("node1", p().container().build()),
            ],
            vec![],
            vec![80, 30],
        ),
    ];
    run_fit_cases(ScoringStrategy::MostAllocated, cases);
}

/// (case name, pod, taints per node, expected scores).
type ScoreCase = (&'static str, Pod, Vec<Vec<TaintSpec>>, Vec<i64>);

/// (key, value, effect) of a taint.
type TaintSpec = (&'static str, &'static str, TaintEffect);

fn taint_nodes(taints: Vec<Vec<(&str, &str, TaintEffect)>>) -> Vec<NodeSpec> {
    taints
        .into_iter()
        .enumerate()
        .map(|(i, ts)| {
            let mut b = NodeBuilder::new(&format!("node{}", (b'A' + i as u8) as char));
            for (k, v, e) in ts {
                b = b.taint(k, v, e);
            }
            b.build()
        })
        .collect()
}

// pkg/scheduler/framework/plugins/tainttoleration/taint_toleration_test.go,
// TestTaintTolerationScore.
#[test]
fn taint_toleration_score_test_go() {
    use TaintEffect::*;
    let cases: Vec<ScoreCase> = vec![
        ("node with taints tolerated by the pod, gets a higher score than those node with intolerable taints",
         p().toleration("foo", "bar", Some(PreferNoSchedule)).build(),
         vec![vec![("foo", "bar", PreferNoSchedule)], vec![("foo", "blah", PreferNoSchedule)]],
         vec![100, 0]),
        ("the nodes that all of their taints are tolerated by the pod, get the same score, no matter how many tolerable taints a node has",
         p().toleration("cpu-type", "arm64", Some(PreferNoSchedule)).toleration("disk-type", "ssd", Some(PreferNoSchedule)).build(),
         vec![vec![], vec![("cpu-type", "arm64", PreferNoSchedule)],
              vec![("cpu-type", "arm64", PreferNoSchedule), ("disk-type", "ssd", PreferNoSchedule)]],
         vec![100, 100, 100]),
        // 0, 1, 2 intolerable: 100 - 100*1/2 = 50, 100 - 100 = 0.
        ("the more intolerable taints a node has, the lower score it gets.",
         p().toleration("foo", "bar", Some(PreferNoSchedule)).build(),
         vec![vec![], vec![("cpu-type", "arm64", PreferNoSchedule)],
              vec![("cpu-type", "arm64", PreferNoSchedule), ("disk-type", "ssd", PreferNoSchedule)]],
         vec![100, 50, 0]),
        ("only taints and tolerations that have effect PreferNoSchedule are checked by taints-tolerations priority function",
         p().toleration("cpu-type", "arm64", Some(NoSchedule)).toleration("disk-type", "ssd", Some(NoSchedule)).build(),
         vec![vec![], vec![("cpu-type", "arm64", NoSchedule)],
              vec![("cpu-type", "arm64", PreferNoSchedule), ("disk-type", "ssd", PreferNoSchedule)]],
         vec![100, 100, 0]),
        ("Default behaviour No taints and tolerations, lands on node with no taints",
         p().build(),
         vec![vec![], vec![("cpu-type", "arm64", PreferNoSchedule)]],
         vec![100, 0]),
    ];
    for (name, pod, taints, want) in cases {
        let c = cluster(taint_nodes(taints), vec![]);
        assert_eq!(scores(&TaintToleration, &pod, &c), want, "case {name:?}");
    }
}

// pkg/scheduler/framework/plugins/tainttoleration/taint_toleration_test.go,
// TestTaintTolerationFilter (reason in v1.31 wording: "node(s) had untolerated taint {k: v}").
#[test]
fn taint_toleration_filter_test_go() {
    use TaintEffect::*;
    let cases: Vec<(&str, Pod, Vec<TaintSpec>, Option<&str>)> = vec![
        ("A pod having no tolerations can't be scheduled onto a node with nonempty taints",
         p().build(), vec![("dedicated", "user1", NoSchedule)],
         Some("node(s) had untolerated taint {dedicated: user1}")),
        ("A pod which can be scheduled on a dedicated node assigned to user1 with effect NoSchedule",
         p().toleration("dedicated", "user1", Some(NoSchedule)).build(),
         vec![("dedicated", "user1", NoSchedule)], None),
        ("A pod which can't be scheduled on a dedicated node assigned to user2 with effect NoSchedule",
         p().toleration("dedicated", "user2", Some(NoSchedule)).build(),
         vec![("dedicated", "user1", NoSchedule)],
         Some("node(s) had untolerated taint {dedicated: user1}")),
        ("A pod can be scheduled onto the node, with a toleration uses operator Exists that tolerates the taints on the node",
         p().exists_toleration("foo", Some(NoSchedule)).build(),
         vec![("foo", "bar", NoSchedule)], None),
        ("A pod has multiple tolerations, node has multiple taints, all the taints are tolerated, pod can be scheduled onto the node",
         p().toleration("dedicated", "user2", Some(NoSchedule)).exists_toleration("foo", Some(NoSchedule)).build(),
         vec![("dedicated", "user2", NoSchedule), ("foo", "bar", NoSchedule)], None),
        ("A pod has a toleration that keys and values match the taint on the node, but (non-empty) effect doesn't match, can't be scheduled onto the node",
         p().toleration("foo", "bar", Some(PreferNoSchedule)).build(),
         vec![("foo", "bar", NoSchedule)],
         Some("node(s) had untolerated taint {foo: bar}")),
        ("The pod has a toleration that keys and values match the taint on the node, the effect of toleration is empty, and the effect of taint is NoSchedule. Pod can be scheduled onto the node",
         p().toleration("foo", "bar", None).build(),
         vec![("foo", "bar", NoSchedule)], None),
        ("The pod has a toleration that key and value don't match the taint on the node, but the effect of taint on node is PreferNoSchedule. Pod can be scheduled onto the node",
         p().toleration("dedicated", "user2", Some(NoSchedule)).build(),
         vec![("dedicated", "user1", PreferNoSchedule)], None),
        ("The pod has no toleration, but the effect of taint on node is PreferNoSchedule. Pod can be scheduled onto the node",
         p().build(), vec![("dedicated", "user1", PreferNoSchedule)], None),
    ];
    for (name, pod, taints, want) in cases {
        let c = cluster(taint_nodes(vec![taints]), vec![]);
        let f = TaintToleration;
        let filter = f.as_filter().unwrap();
        let mut state = CycleState::default();
        let pre = filter.pre_filter(&mut state, &pod, &c);
        let st = if pre.code == Code::Skip {
            k8sim::scheduler::framework::Status::success()
        } else {
            filter.filter(&state, &pod, &c, NodeIdx(0))
        };
        match want {
            None => assert!(st.is_success(), "case {name:?}: {st:?}"),
            Some(reason) => {
                assert_eq!(st.code, Code::UnschedulableAndUnresolvable, "case {name:?}");
                assert_eq!(st.reasons, vec![reason.to_string()], "case {name:?}");
            }
        }
    }
}
