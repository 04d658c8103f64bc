//! PodTopologySpread Filter tables ported from kube-scheduler's
//! pkg/scheduler/framework/plugins/podtopologyspread/filtering_test.go (TestSingleConstraint,
//! TestMultipleConstraints, with their minDomains and nodeAffinityPolicy/nodeTaintsPolicy
//! cases), each case named after its source case. The Go tables expect one status code
//! per node; here they are spelt as a string, one letter per node in order:
//! `S` Success, `U` Unschedulable, `R` UnschedulableAndUnresolvable.
//!
//! k8sim always runs with the NodeInclusionPolicyInPodTopologySpread feature on (GA in
//! v1.33); the cases that run with it off use the default policies (nodeAffinity Honor,
//! nodeTaints Ignore), which give the same counts. As in kube's tables only this plugin
//! runs, so nodes that NodeAffinity or TaintToleration would reject can still pass.
//!
//! Not ported: TestPreFilterState, TestPreFilterStateAddPod/RemovePod and
//! TestPreFilterDisabled inspect kube's internal preFilterState (critical paths) or the
//! missing-state error; TestPodTopoSignatures tests kube's signature cache, which k8sim
//! does not have.

mod sched_common;

use k8sim::model::labels::{LabelSelector, SelectorOp, TaintEffect};
use k8sim::model::pod::WhenUnsatisfiable::DoNotSchedule;
use k8sim::scheduler::framework::Code;
use k8sim::scheduler::plugins::pod_topology_spread::PodTopologySpread;
use sched_common::{
    cluster, exists_selector, filter_statuses, labels, req, term, NodeBuilder, PodBuilder,
};

type L = &'static [(&'static str, &'static str)];

/// A node with exactly these labels (`st.MakeNode()` adds no hostname label).
fn node(name: &str, ls: L) -> NodeBuilder {
    NodeBuilder::new(name).labels(labels(ls))
}

/// The same node with the `node.kubernetes.io/unschedulable:NoSchedule` taint of the table.
fn tainted(b: NodeBuilder) -> NodeBuilder {
    b.taint(
        "node.kubernetes.io/unschedulable",
        "",
        TaintEffect::NoSchedule,
    )
}

/// node-a, node-b in zone1 and node-x, node-y in zone2, each with its `node` label.
fn four() -> Vec<NodeBuilder> {
    vec![
        node("node-a", &[("zone", "zone1"), ("node", "node-a")]),
        node("node-b", &[("zone", "zone1"), ("node", "node-b")]),
        node("node-x", &[("zone", "zone2"), ("node", "node-x")]),
        node("node-y", &[("zone", "zone2"), ("node", "node-y")]),
    ]
}

/// The four `node`-labelled nodes of the policy cases: a, b, x carry `foo`, y does not.
fn foo_abx() -> Vec<NodeBuilder> {
    vec![
        node("node-a", &[("node", "node-a"), ("foo", "")]),
        node("node-b", &[("node", "node-b"), ("foo", "")]),
        node("node-x", &[("node", "node-x"), ("foo", "")]),
        node("node-y", &[("node", "node-y")]),
    ]
}

/// The incoming pod `p` with empty-valued labels.
fn pod(ls: &[&str]) -> PodBuilder {
    ls.iter().fold(PodBuilder::new("p"), |b, l| b.label(l, ""))
}

fn foo() -> LabelSelector {
    exists_selector("foo")
}

fn bar() -> LabelSelector {
    exists_selector("bar")
}

/// Existing pods: (node, labels), one pod each.
fn on(spec: &[(&'static str, &[&str])]) -> Vec<(&'static str, PodBuilder)> {
    spec.iter()
        .enumerate()
        .map(|(i, &(n, ls))| {
            let b = ls
                .iter()
                .fold(PodBuilder::new(&format!("e{i}")), |b, l| b.label(l, ""));
            (n, b)
        })
        .collect()
}

/// pods 2/1/0/3 with `foo` on node-a/b/x/y.
fn spread_2103() -> Vec<(&'static str, PodBuilder)> {
    on(&[
        ("node-a", &["foo"]),
        ("node-a", &["foo"]),
        ("node-b", &["foo"]),
        ("node-y", &["foo"]),
        ("node-y", &["foo"]),
        ("node-y", &["foo"]),
    ])
}

/// The pods of the policy cases: one `foo` pod on node-a, node-b and node-y.
fn aby() -> Vec<(&'static str, PodBuilder)> {
    on(&[
        ("node-a", &["foo"]),
        ("node-b", &["foo"]),
        ("node-y", &["foo"]),
    ])
}

type Case = (
    &'static str,
    PodBuilder,
    Vec<NodeBuilder>,
    Vec<(&'static str, PodBuilder)>,
    &'static str,
);

fn run(cases: Vec<Case>) {
    // kube's tables use `defaultingType: List` with no default constraints.
    let plugin = PodTopologySpread {
        default_constraints: Vec::new(),
        system_defaulted: false,
    };
    for (name, incoming, nodes, pods, want) in cases {
        // Names made unique across concatenated pod lists.
        let pods: Vec<(&str, _)> = pods
            .into_iter()
            .enumerate()
            .map(|(i, (n, b))| {
                let mut pod = b.build();
                pod.name = format!("{}-{i}", pod.name);
                (n, pod)
            })
            .collect();
        let c = cluster(nodes, pods);
        let got: String = filter_statuses(&plugin, &incoming.build(), &c)
            .iter()
            .map(|s| match s.code {
                Code::Success => 'S',
                Code::Unschedulable => 'U',
                Code::UnschedulableAndUnresolvable => 'R',
                other => panic!("case {name:?}: unexpected {other:?}"),
            })
            .collect();
        assert_eq!(got, want, "case {name:?}");
    }
}

// podtopologyspread/filtering_test.go, TestSingleConstraint. The rule: a node fits while
// matching pods in its domain + 1 (if the pod matches itself) - the global minimum <=
// maxSkew, the minimum being 0 while fewer than minDomains domains are eligible.
#[test]
fn single_constraint_test_go() {
    let zone = |b: PodBuilder, skew, sel| b.spread(skew, "zone", DoNotSchedule, sel);
    let by_node = |b: PodBuilder, skew, sel| b.spread(skew, "node", DoNotSchedule, sel);
    let three = || {
        vec![
            node("node-a", &[("node", "node-a")]),
            node("node-b", &[("node", "node-b")]),
            node("node-c", &[("node", "node-c")]),
        ]
    };
    let spread_221 = || {
        on(&[
            ("node-a", &["foo"]),
            ("node-a", &["foo"]),
            ("node-b", &["foo"]),
            ("node-b", &["foo"]),
            ("node-c", &["foo"]),
        ])
    };
    let zones_21 = || {
        on(&[
            ("node-a", &["foo"]),
            ("node-b", &["foo"]),
            ("node-y", &["foo"]),
        ])
    };
    let cases: Vec<Case> = vec![
        ("no existing pods", zone(pod(&["foo"]), 1, foo()), four(), vec![], "SSSS"),
        (
            "no existing pods, incoming pod doesn't match itself",
            zone(pod(&["foo"]), 1, bar()),
            four(),
            vec![],
            "SSSS",
        ),
        (
            // zone1 0 (other namespaces), zone2 2: node-x/y 2 + 1 - 0 > 1.
            "existing pods in a different namespace do not count",
            zone(pod(&["foo"]), 1, foo()),
            four(),
            vec![
                ("node-a", PodBuilder::new("p-a1").namespace("ns1").label("foo", "")),
                ("node-a", PodBuilder::new("p-b1").namespace("ns2").label("foo", "")),
                ("node-x", PodBuilder::new("p-x1").label("foo", "")),
                ("node-y", PodBuilder::new("p-y1").label("foo", "")),
            ],
            "SSUU",
        ),
        (
            // A nil labelSelector matches no pod, the incoming one included.
            "existing pods do not match null selector",
            zone(pod(&["foo"]), 1, LabelSelector::nothing()),
            four(),
            on(&[("node-x", &["foo"]), ("node-y", &["foo"])]),
            "SSSS",
        ),
        (
            "pods spread across zones as 3/3, all nodes fit",
            zone(pod(&["foo"]), 1, foo()),
            four(),
            spread_2103(),
            "SSSS",
        ),
        (
            // node-b's `zon` label leaves zone1 = 1, zone2 = 2.
            "pods spread across zones as 1/2 due to absence of label 'zone' on node-b",
            zone(pod(&["foo"]), 1, foo()),
            vec![
                node("node-a", &[("zone", "zone1"), ("node", "node-a")]),
                node("node-b", &[("zon", "zone1"), ("node", "node-b")]),
                node("node-x", &[("zone", "zone2"), ("node", "node-x")]),
                node("node-y", &[("zone", "zone2"), ("node", "node-y")]),
            ],
            on(&[
                ("node-a", &["foo"]),
                ("node-b", &["foo"]),
                ("node-x", &["foo"]),
                ("node-y", &["foo"]),
            ]),
            "SRUU",
        ),
        (
            "pod cannot be scheduled as all nodes don't have label 'rack'",
            pod(&["foo"]).spread(1, "rack", DoNotSchedule, foo()),
            vec![
                node("node-a", &[("zone", "zone1"), ("node", "node-a")]),
                node("node-x", &[("zone", "zone2"), ("node", "node-x")]),
            ],
            vec![],
            "RR",
        ),
        (
            "pods spread across nodes as 2/1/0/3, only node-x fits",
            by_node(pod(&["foo"]), 1, foo()),
            four(),
            spread_2103(),
            "UUSU",
        ),
        (
            "pods spread across nodes as 2/1/0/3, maxSkew is 2, node-b and node-x fit",
            by_node(pod(&["foo"]), 2, foo()),
            four(),
            spread_2103(),
            "USSU",
        ),
        (
            // No self-match: node-a 2 - 0 > 1 and node-y 3 - 0 > 1 still fail.
            "pods spread across nodes as 2/1/0/3, but pod doesn't match itself",
            by_node(pod(&["bar"]), 1, foo()),
            four(),
            spread_2103(),
            "USSU",
        ),
        (
            // Only node-a (2) and node-y (3) are eligible, so the minimum is 2.
            "incoming pod has nodeAffinity, pods spread as 2/~1~/~0~/3, hence node-a fits",
            by_node(
                pod(&["foo"]).required_node_affinity(vec![term(vec![req(
                    "node",
                    SelectorOp::In,
                    &["node-a", "node-y"],
                )])]),
                1,
                foo(),
            ),
            four(),
            spread_2103(),
            "SSSU",
        ),
        (
            "terminating Pods should be excluded",
            by_node(pod(&["foo"]), 1, foo()),
            vec![
                node("node-a", &[("node", "node-a")]),
                node("node-b", &[("node", "node-b")]),
            ],
            vec![
                ("node-a", PodBuilder::new("p-a").label("foo", "").terminating()),
                ("node-b", PodBuilder::new("p-b").label("foo", "")),
            ],
            "SU",
        ),
        (
            // node-b is not eligible: zone1 0, zone2 1.
            "incoming pod has nodeAffinity, pods spread as 0/~2~/0/1, hence node-a fits",
            zone(
                pod(&["foo"]).required_node_affinity(vec![term(vec![req(
                    "node",
                    SelectorOp::NotIn,
                    &["node-b"],
                )])]),
                1,
                foo(),
            ),
            four(),
            on(&[("node-b", &["foo"]), ("node-b", &["foo"]), ("node-y", &["foo"])]),
            "SSUU",
        ),
        (
            // 3 domains < minDomains 4, so the minimum is 0: 2 + 1 - 0 > 2 on a and b.
            "pods spread across nodes as 2/2/1, maxSkew is 2, and the number of domains < minDomains, then the third node fits",
            by_node(pod(&["foo"]), 2, foo()).min_domains(4),
            three(),
            spread_221(),
            "UUS",
        ),
        (
            "pods spread across nodes as 2/2/1, maxSkew is 2, and the number of domains > minDomains, then the all nodes fit",
            by_node(pod(&["foo"]), 2, foo()).min_domains(2),
            three(),
            spread_221(),
            "SSS",
        ),
        (
            "pods spread across zone as 2/1, maxSkew is 2 and the number of domains < minDomains, then the third and fourth nodes fit",
            zone(pod(&["foo"]), 2, foo()).min_domains(3),
            four(),
            zones_21(),
            "UUSS",
        ),
        (
            "pods spread across zone as 2/1, maxSkew is 2 and the number of domains > minDomains, then the all nodes fit",
            zone(pod(&["foo"]), 2, foo()).min_domains(1),
            four(),
            zones_21(),
            "SSSS",
        ),
        (
            // Honor: node-y (no `foo`) does not count, so 1/1/0 and the minimum is 0.
            "NodeAffinityPolicy honored with labelSelectors",
            by_node(pod(&["foo"]).node_selector("foo", ""), 1, foo()),
            foo_abx(),
            aby(),
            "UUSS",
        ),
        (
            "NodeAffinityPolicy ignored with labelSelectors",
            by_node(pod(&["foo"]).node_selector("foo", ""), 1, foo()).policies(false, false),
            foo_abx(),
            aby(),
            "UUSU",
        ),
        (
            "NodeAffinityPolicy honored with nodeAffinity",
            by_node(
                pod(&["foo"])
                    .required_node_affinity(vec![term(vec![req("foo", SelectorOp::In, &[""])])]),
                1,
                foo(),
            ),
            foo_abx(),
            aby(),
            "UUSS",
        ),
        (
            // The Go table's second case of this name, with nodeAffinity instead.
            "NodeAffinityPolicy ignored with labelSelectors",
            by_node(
                pod(&["foo"])
                    .required_node_affinity(vec![term(vec![req("foo", SelectorOp::In, &[""])])]),
                1,
                foo(),
            )
            .policies(false, false),
            foo_abx(),
            aby(),
            "UUSU",
        ),
        (
            "NodeTaintsPolicy honored",
            by_node(pod(&["foo"]), 1, foo()).policies(true, true),
            vec![
                node("node-a", &[("node", "node-a"), ("foo", "")]),
                node("node-b", &[("node", "node-b"), ("foo", "")]),
                node("node-x", &[("node", "node-x"), ("foo", "")]),
                tainted(node("node-y", &[("node", "node-y")])),
            ],
            aby(),
            "UUSS",
        ),
        (
            "NodeTaintsPolicy ignored",
            by_node(pod(&["foo"]), 1, foo()),
            vec![
                node("node-a", &[("node", "node-a"), ("foo", "")]),
                node("node-b", &[("node", "node-b"), ("foo", "")]),
                node("node-x", &[("node", "node-x"), ("foo", "")]),
                tainted(node("node-y", &[("node", "node-y")])),
            ],
            aby(),
            "UUSU",
        ),
    ];
    run(cases);
}

// podtopologyspread/filtering_test.go, TestMultipleConstraints: a node must satisfy every
// constraint (the intersection of each constraint's feasible nodes).
#[test]
fn multiple_constraints_test_go() {
    let zone_node = |b: PodBuilder, zsel, nsel| {
        b.spread(1, "zone", DoNotSchedule, zsel)
            .spread(1, "node", DoNotSchedule, nsel)
    };
    let two_zone = |b: PodBuilder| {
        b.spread(1, "zone", DoNotSchedule, bar())
            .spread(1, "zone", DoNotSchedule, foo())
    };
    let zoned_foo = |y_foo: bool, b_foo: bool| {
        let mut y: Vec<(&'static str, &'static str)> = vec![("zone", "zone2"), ("node", "node-y")];
        if y_foo {
            y.push(("foo", ""));
        }
        let bl: L = if b_foo {
            &[("zone", "zone1"), ("node", "node-b"), ("foo", "")]
        } else {
            &[("zone", "zone1"), ("node", "node-b")]
        };
        vec![
            node(
                "node-a",
                &[("zone", "zone1"), ("node", "node-a"), ("foo", "")],
            ),
            node("node-b", bl),
            node(
                "node-x",
                &[("zone", "zone2"), ("node", "node-x"), ("foo", "")],
            ),
            NodeBuilder::new("node-y").labels(labels(&y)),
        ]
    };
    let mut spread_2104 = spread_2103();
    spread_2104.extend(on(&[("node-y", &["foo"])]));
    let two_zone_pods = |extra_y4: bool| {
        let mut v = on(&[
            ("node-a", &["foo", "bar"]),
            ("node-a", &["foo"]),
            ("node-b", &["foo", "bar"]),
            ("node-y", &["foo"]),
            ("node-y", &["foo", "bar"]),
            ("node-y", &["foo"]),
        ]);
        if extra_y4 {
            v.extend(on(&[("node-y", &["foo"])]));
        }
        v
    };
    let cases: Vec<Case> = vec![
        (
            "two Constraints on zone and node, spreads = [3/3, 2/1/0/3]",
            zone_node(pod(&["foo"]), foo(), foo()),
            four(),
            spread_2103(),
            "UUSU",
        ),
        (
            "two Constraints on zone and node, spreads = [3/4, 2/1/0/4]",
            zone_node(pod(&["foo"]), foo(), foo()),
            four(),
            spread_2104,
            "UUUU",
        ),
        (
            "Constraints hold different labelSelectors, spreads = [1/0, 1/0/0/1]",
            zone_node(pod(&["foo", "bar"]), foo(), bar()),
            four(),
            on(&[("node-a", &["foo"]), ("node-y", &["bar"])]),
            "UUSU",
        ),
        (
            "Constraints hold different labelSelectors, spreads = [1/0, 0/0/1/1]",
            zone_node(pod(&["foo", "bar"]), foo(), bar()),
            four(),
            on(&[("node-a", &["foo"]), ("node-x", &["bar"]), ("node-y", &["bar"])]),
            "UUUU",
        ),
        (
            "Constraints hold different labelSelectors, spreads = [2/3, 1/0/0/1]",
            zone_node(pod(&["foo", "bar"]), foo(), bar()),
            four(),
            on(&[
                ("node-a", &["foo"]),
                ("node-a", &["foo", "bar"]),
                ("node-y", &["foo"]),
                ("node-y", &["foo", "bar"]),
                ("node-y", &["foo"]),
            ]),
            "USUU",
        ),
        (
            "Constraints hold different labelSelectors but pod doesn't match itself on 'zone' constraint",
            zone_node(pod(&["bar"]), foo(), bar()),
            four(),
            on(&[("node-a", &["foo"]), ("node-x", &["bar"]), ("node-y", &["bar"])]),
            "SSUU",
        ),
        (
            "two Constraints on zone and node, absence of label 'node' on node-x, spreads = [1/1, 1/0/0/1]",
            zone_node(pod(&["foo"]), foo(), foo()),
            vec![
                node("node-a", &[("zone", "zone1"), ("node", "node-a")]),
                node("node-b", &[("zone", "zone1"), ("node", "node-b")]),
                node("node-x", &[("zone", "zone2")]),
                node("node-y", &[("zone", "zone2"), ("node", "node-y")]),
            ],
            on(&[("node-a", &["foo"]), ("node-y", &["foo"])]),
            "USRU",
        ),
        (
            "two node inclusion Constraints, zone: honor/ignore, node: ignore/ignore",
            pod(&["foo"])
                .node_selector("foo", "")
                .spread(1, "zone", DoNotSchedule, foo())
                .spread(1, "node", DoNotSchedule, foo())
                .policies(false, false),
            zoned_foo(false, true),
            aby(),
            "UUSU",
        ),
        (
            "two node inclusion Constraints, zone: honor/honor, node: honor/ignore",
            pod(&["foo"])
                .spread(1, "zone", DoNotSchedule, foo())
                .policies(true, true)
                .spread(1, "node", DoNotSchedule, foo()),
            {
                let mut n = zoned_foo(false, true);
                n[3] = tainted(node("node-y", &[("zone", "zone2"), ("node", "node-y")]));
                n
            },
            aby(),
            "UUSU",
        ),
        (
            "two node inclusion Constraints, zone: honor/ignore, node: honor/ignore",
            pod(&["foo"])
                .node_selector("foo", "")
                .spread(1, "zone", DoNotSchedule, foo())
                .spread(1, "node", DoNotSchedule, foo()),
            {
                let mut n = zoned_foo(true, false);
                let y = n.pop().unwrap();
                n.push(tainted(y));
                n
            },
            aby(),
            "USSU",
        ),
        (
            "two node inclusion Constraints, zone: honor/honor, node: ignore/ignore",
            pod(&["foo"])
                .node_selector("foo", "")
                .spread(1, "zone", DoNotSchedule, foo())
                .policies(true, true)
                .spread(1, "node", DoNotSchedule, foo())
                .policies(false, false),
            {
                let mut n = zoned_foo(true, false);
                let y = n.pop().unwrap();
                n.push(tainted(y));
                n
            },
            aby(),
            "UUSU",
        ),
        (
            "two Constraints on zone, spreads = [3/3, 2/1]",
            two_zone(pod(&["foo", "bar"])),
            four(),
            two_zone_pods(false),
            "UUSS",
        ),
        (
            "two Constraints on zone, spreads = [3/4, 2/1]",
            two_zone(pod(&["foo", "bar"])),
            four(),
            two_zone_pods(true),
            "UUUU",
        ),
    ];
    run(cases);
}

// The "null selector" cases above, from a manifest: a topologySpreadConstraint without a
// labelSelector counts no pod, not every pod (common.go converts the nil selector with
// metav1.LabelSelectorAsSelector, which is labels.Nothing()).
#[test]
fn manifest_constraint_without_label_selector_matches_nothing() {
    use k8sim::input::manifest::load_str;
    use k8sim::model::resources::ResourceNames;
    use k8sim::scenario::object::Object;
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {foo: ''}}\nspec:\n  topologySpreadConstraints:\n  - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule}\n  containers: [{name: c, image: i}]\n";
    let set = load_str(
        std::path::Path::new("m.yaml"),
        text,
        &mut ResourceNames::default(),
    )
    .unwrap();
    let Object::Pod(p) = &set.objects[0].object else {
        panic!("expected a pod")
    };
    let c = &p.template.spec.topology_spread_constraints[0];
    assert!(!c.label_selector.matches(&labels(&[("foo", "")])));
    assert!(!c.label_selector.matches(&labels(&[])));
}
