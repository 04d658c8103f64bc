//! PodTopologySpread Score table ported from kube-scheduler's
//! pkg/scheduler/framework/plugins/podtopologyspread/scoring_test.go
//! (TestPodTopologySpreadScore), each case named after its source case; candidate nodes
//! are scored while "failed" nodes stay in the cluster.
//!
//! Not ported: "system defaulting, nodes don't have zone, pods match service" (k8sim
//! derives the default selector from the owning ReplicaSet/StatefulSet, not from
//! Services), "matchLabelKeys ignored when feature gate disabled" (k8sim always honours
//! matchLabelKeys), and the PreScore-state tables, which inspect kube's internal state.

mod sched_common;

use k8sim::cluster::NodeIdx;
use k8sim::model::labels::{LabelSelector, SelectorOp, TaintEffect};
use k8sim::model::pod::WhenUnsatisfiable::ScheduleAnyway;
use k8sim::scheduler::plugins::pod_topology_spread::PodTopologySpread;
use sched_common::{
    cluster, exists_selector, labels, p, req, scores_on, term, NodeBuilder, PodBuilder,
};

const HOST: &str = "kubernetes.io/hostname";

/// A node with the hostname label and, if given, a zone.
fn node(name: &str, zone: Option<&str>) -> NodeBuilder {
    let b = NodeBuilder::new(name);
    match zone {
        Some(z) => b.label("zone", z),
        None => b,
    }
}

/// Existing pods: (node, count, labels).
fn pods_on(spec: &[(&str, usize, &[&str])]) -> Vec<(String, PodBuilder)> {
    let mut out = Vec::new();
    for &(node, count, ls) in spec {
        for i in 0..count {
            let mut b = PodBuilder::new(&format!("p-{node}-{}-{i}", out.len()));
            for l in ls {
                b = b.label(l, "");
            }
            out.push((node.to_string(), b));
        }
    }
    out
}

type Case = (
    &'static str,
    PodBuilder,
    Vec<NodeBuilder>,
    Vec<(String, PodBuilder)>,
    usize,
    Vec<i64>,
);

#[test]
fn pod_topology_spread_score_test_go() {
    let foo = || exists_selector("foo");
    let bar = || exists_selector("bar");
    let on_node = |skew| {
        p().label("foo", "")
            .spread(skew, HOST, ScheduleAnyway, foo())
    };
    let four = || {
        vec![
            node("node-a", None),
            node("node-b", None),
            node("node-c", None),
            node("node-d", None),
        ]
    };
    let zoned = || {
        vec![
            node("node-a", Some("zone1")),
            node("node-b", Some("zone1")),
            node("node-x", Some("zone2")),
            node("node-y", Some("zone2")),
        ]
    };
    let zone_and_node = || {
        p().label("foo", "")
            .label("bar", "")
            .spread(1, "zone", ScheduleAnyway, foo())
            .spread(1, HOST, ScheduleAnyway, bar())
    };
    // (name, pod, nodes (candidates first), existing pods, number of candidates, want)
    let cases: Vec<Case> = vec![
        ("one constraint on node, all nodes have the same number of matching pods",
         on_node(1), vec![node("node-a", None), node("node-b", None)],
         pods_on(&[("node-a", 1, &["foo"]), ("node-b", 1, &["foo"])]), 2, vec![100, 100]),
        ("one constraint on node, all 4 nodes are candidates, maxSkew=2",
         on_node(2), four(), pods_on(&[("node-a", 2, &["foo"]), ("node-b", 1, &["foo"]), ("node-d", 3, &["foo"])]),
         4, vec![33, 66, 100, 16]),
        ("one constraint on node, all 4 nodes are candidates, maxSkew=3",
         on_node(3), four(),
         pods_on(&[("node-a", 4, &["foo"]), ("node-b", 3, &["foo"]), ("node-c", 2, &["foo"]), ("node-d", 1, &["foo"])]),
         4, vec![44, 66, 77, 100]),
        ("one constraint on node, 3 out of 4 nodes are candidates",
         on_node(1), vec![node("node-a", None), node("node-b", None), node("node-x", None), node("node-y", None)],
         pods_on(&[("node-a", 4, &["foo"]), ("node-b", 2, &["foo"]), ("node-x", 1, &["foo"]), ("node-y", 3, &["foo"])]),
         3, vec![33, 83, 100]),
        ("one constraint on node, 3 out of 4 nodes are candidates, one node doesn't match topology key",
         on_node(1),
         vec![node("node-a", None), NodeBuilder::new("node-b").labels(labels(&[("n", "node-b")])),
              node("node-x", None), node("node-y", None)],
         pods_on(&[("node-a", 4, &["foo"]), ("node-b", 2, &["foo"]), ("node-x", 1, &["foo"]), ("node-y", 3, &["foo"])]),
         3, vec![16, 0, 100]),
        ("one constraint on zone, 3 out of 4 nodes are candidates",
         p().label("foo", "").spread(1, "zone", ScheduleAnyway, foo()), zoned(),
         pods_on(&[("node-a", 4, &["foo"]), ("node-b", 2, &["foo"]), ("node-x", 1, &["foo"]), ("node-y", 3, &["foo"])]),
         3, vec![75, 75, 100]),
        ("two Constraints on zone and node, 2 out of 4 nodes are candidates",
         p().label("foo", "").spread(1, "zone", ScheduleAnyway, foo()).spread(1, HOST, ScheduleAnyway, foo()),
         vec![node("node-a", Some("zone1")), node("node-x", Some("zone2")),
              node("node-b", Some("zone1")), node("node-y", Some("zone2"))],
         pods_on(&[("node-a", 2, &["foo"]), ("node-b", 1, &["foo"]), ("node-x", 2, &["foo"]), ("node-y", 4, &["foo"])]),
         2, vec![100, 63]),
        ("two Constraints on zone and node, with different labelSelectors",
         zone_and_node(), zoned(),
         pods_on(&[("node-a", 1, &["foo"]), ("node-b", 1, &["foo", "bar"]), ("node-y", 1, &["foo"]), ("node-y", 1, &["bar"])]),
         4, vec![60, 20, 100, 60]),
        ("two Constraints on zone and node, with different labelSelectors, some nodes have 0 pods",
         zone_and_node(), zoned(),
         pods_on(&[("node-b", 1, &["bar"]), ("node-x", 1, &["foo"]), ("node-y", 1, &["foo", "bar"])]),
         4, vec![100, 60, 40, 0]),
    ];
    run(cases);
}

/// Scores the first `candidates` nodes with kube's `defaultingType: System` plugin.
fn run(cases: Vec<Case>) {
    for (name, pod, nodes, existing, candidates, want) in cases {
        let existing: Vec<(String, _)> =
            existing.into_iter().map(|(n, b)| (n, b.build())).collect();
        let c = cluster(nodes, existing);
        let cand: Vec<NodeIdx> = (0..candidates as u32).map(NodeIdx).collect();
        let got = scores_on(&PodTopologySpread::default(), &pod.build(), &c, &cand);
        assert_eq!(got, want, "case {name:?}");
    }
}

/// A node with exactly these labels (no hostname label).
fn bare_node(name: &str, ls: &[(&str, &str)]) -> NodeBuilder {
    NodeBuilder::new(name).labels(labels(ls))
}

/// One existing pod with the given name, node and empty-valued labels.
fn one(node: &str, name: &str, ls: &[&str]) -> (String, PodBuilder) {
    let b = ls.iter().fold(PodBuilder::new(name), |b, l| b.label(l, ""));
    (node.to_string(), b)
}

// The rest of podtopologyspread/scoring_test.go, TestPodTopologySpreadScore. A node's raw
// score is round(sum over soft constraints of matching pods in its domain * ln(domains + 2)
// + maxSkew - 1); NormalizeScore maps it onto 100 * (max + min - raw) / max (all 100 when
// max is 0).
#[test]
fn pod_topology_spread_score_more_test_go() {
    let foo = || exists_selector("foo");
    let bar = || exists_selector("bar");
    let on_node = |skew| {
        p().label("foo", "")
            .spread(skew, HOST, ScheduleAnyway, foo())
    };
    let four = || {
        vec![
            node("node-a", None),
            node("node-b", None),
            node("node-c", None),
            node("node-d", None),
        ]
    };
    let spread_2103 = || {
        pods_on(&[
            ("node-a", 2, &["foo"]),
            ("node-b", 1, &["foo"]),
            ("node-d", 3, &["foo"]),
        ])
    };
    let by_node = |b: PodBuilder| b.spread(1, "node", ScheduleAnyway, foo());
    let abc = |c_foo: bool| {
        let mut c: Vec<(&str, &str)> = vec![("node", "node-c")];
        if c_foo {
            c.push(("foo", ""));
        }
        vec![
            bare_node("node-a", &[("node", "node-a"), ("foo", "")]),
            bare_node("node-b", &[("node", "node-b"), ("foo", "")]),
            bare_node("node-c", &c),
        ]
    };
    let abc_untainted_c = || {
        let mut n = vec![
            bare_node("node-a", &[("node", "node-a")]),
            bare_node("node-b", &[("node", "node-b")]),
        ];
        n.push(bare_node("node-c", &[("node", "node-c")]).taint(
            "node.kubernetes.io/unschedulable",
            "",
            TaintEffect::NoSchedule,
        ));
        n
    };
    let pods_2_1_1 = || {
        pods_on(&[
            ("node-a", 2, &["foo"]),
            ("node-b", 1, &["foo"]),
            ("node-c", 1, &["foo"]),
        ])
    };
    let zone4 = || {
        vec![
            node("node-a", Some("zone1")),
            node("node-b", Some("zone1")),
            node("node-c", Some("zone2")),
            node("node-d", Some("zone2")),
        ]
    };
    let foo_affinity = || vec![term(vec![req("foo", SelectorOp::In, &[""])])];
    let cases: Vec<Case> = vec![
        (
            "one constraint on node, no existing pods",
            on_node(1),
            vec![node("node-a", None), node("node-b", None)],
            vec![],
            2,
            vec![100, 100],
        ),
        (
            "one constraint on node, only one node is candidate",
            on_node(1),
            vec![node("node-a", None), node("node-b", None)],
            pods_on(&[("node-a", 2, &["foo"]), ("node-b", 1, &["foo"])]),
            1,
            vec![100],
        ),
        (
            // Weight ln(4 + 2) = 1.79; raw round(2w, 1w, 0, 3w) = 4, 2, 0, 5;
            // 100 * (5 + 0 - raw) / 5 = 20, 60, 100, 0.
            "one constraint on node, all 4 nodes are candidates",
            on_node(1),
            four(),
            spread_2103(),
            4,
            vec![20, 60, 100, 0],
        ),
        (
            "one constraint on node, null selector",
            p().label("foo", "")
                .spread(1, HOST, ScheduleAnyway, LabelSelector::nothing()),
            four(),
            spread_2103(),
            4,
            vec![100, 100, 100, 100],
        ),
        (
            "two Constraints on zone, 2 out of 4 nodes are candidates",
            p().label("foo", "")
                .label("bar", "")
                .spread(1, "zone", ScheduleAnyway, foo())
                .spread(1, "zone", ScheduleAnyway, bar()),
            vec![
                bare_node("node-a", &[("zone", "zone1")]),
                bare_node("node-x", &[("zone", "zone2")]),
                bare_node("node-b", &[("zone", "zone1")]),
                bare_node("node-y", &[("zone", "zone2")]),
            ],
            vec![
                one("node-a", "p-a1", &["foo", "bar"]),
                one("node-a", "p-a2", &["foo"]),
                one("node-b", "p-b1", &["foo", "bar"]),
                one("node-y", "p-y1", &["foo"]),
                one("node-y", "p-y2", &["foo", "bar"]),
                one("node-y", "p-y3", &["foo"]),
            ],
            2,
            vec![85, 100],
        ),
        (
            "two Constraints on zone and node, with different labelSelectors, 3 out of 4 nodes are candidates",
            p().label("foo", "")
                .label("bar", "")
                .spread(1, "zone", ScheduleAnyway, foo())
                .spread(1, HOST, ScheduleAnyway, bar()),
            vec![
                node("node-a", Some("zone1")),
                node("node-b", Some("zone1")),
                node("node-x", Some("zone2")),
                node("node-y", Some("zone2")),
            ],
            pods_on(&[
                ("node-a", 1, &["foo"]),
                ("node-b", 1, &["foo", "bar"]),
                ("node-y", 1, &["foo"]),
                ("node-y", 1, &["bar"]),
            ]),
            3,
            vec![50, 25, 100],
        ),
        (
            "existing pods in a different namespace do not count",
            on_node(1),
            vec![node("node-a", None), node("node-b", None)],
            vec![
                (
                    "node-a".to_string(),
                    PodBuilder::new("p-a1").namespace("ns1").label("foo", ""),
                ),
                one("node-a", "p-a2", &["foo"]),
                one("node-b", "p-b1", &["foo"]),
                one("node-b", "p-b2", &["foo"]),
            ],
            2,
            vec![100, 33],
        ),
        (
            "terminating Pods should be excluded",
            on_node(1),
            vec![node("node-a", None), node("node-b", None)],
            vec![
                (
                    "node-a".to_string(),
                    PodBuilder::new("p-a").label("foo", "").terminating(),
                ),
                one("node-b", "p-b", &["foo"]),
            ],
            2,
            vec![100, 0],
        ),
        (
            "minDomains has no effect when ScheduleAnyway",
            p().label("foo", "")
                .spread(2, "node", ScheduleAnyway, foo())
                .min_domains(10),
            vec![
                bare_node("node-a", &[("node", "node-a")]),
                bare_node("node-b", &[("node", "node-b")]),
                bare_node("node-c", &[("node", "node-c")]),
            ],
            pods_on(&[
                ("node-a", 2, &["foo"]),
                ("node-b", 2, &["foo"]),
                ("node-c", 1, &["foo"]),
            ]),
            3,
            vec![75, 75, 100],
        ),
        (
            "NodeAffinityPolicy honoed with labelSelectors",
            by_node(p().label("foo", "").node_selector("foo", "")),
            abc(false),
            pods_2_1_1(),
            3,
            vec![0, 33, 100],
        ),
        (
            "NodeAffinityPolicy ignored with labelSelectors",
            by_node(p().label("foo", "").node_selector("foo", "")).policies(false, false),
            abc(false),
            pods_2_1_1(),
            3,
            vec![66, 100, 100],
        ),
        (
            "NodeAffinityPolicy honoed with nodeAffinity",
            by_node(p().label("foo", "").required_node_affinity(foo_affinity())),
            abc(false),
            pods_2_1_1(),
            3,
            vec![0, 33, 100],
        ),
        (
            "NodeAffinityPolicy ignored with nodeAffinity",
            by_node(p().label("foo", "").required_node_affinity(foo_affinity()))
                .policies(false, false),
            abc(false),
            pods_2_1_1(),
            3,
            vec![66, 100, 100],
        ),
        (
            "NodeTaintsPolicy honored",
            by_node(p().label("foo", "")).policies(true, true),
            abc_untainted_c(),
            pods_2_1_1(),
            3,
            vec![0, 33, 100],
        ),
        (
            "NodeTaintsPolicy ignored",
            by_node(p().label("foo", "")),
            abc_untainted_c(),
            pods_2_1_1(),
            3,
            vec![66, 100, 100],
        ),
        (
            "matchLabelKeys ANDed with LabelSelector when LabelSelector is empty",
            p().label("foo", "")
                .label("bar", "")
                .spread(1, "zone", ScheduleAnyway, LabelSelector::default())
                .match_label_keys(&["foo"])
                .spread(1, HOST, ScheduleAnyway, LabelSelector::default())
                .match_label_keys(&["bar"]),
            zone4(),
            pods_on(&[
                ("node-a", 1, &["foo"]),
                ("node-b", 1, &["foo", "bar"]),
                ("node-c", 1, &["foo"]),
                ("node-c", 1, &["bar"]),
            ]),
            4,
            vec![60, 20, 60, 100],
        ),
        (
            "matchLabelKeys ANDed with LabelSelector when LabelSelector isn't empty",
            p().label("foo", "")
                .label("bar", "")
                .label("baz", "")
                .spread(1, "zone", ScheduleAnyway, foo())
                .spread(1, HOST, ScheduleAnyway, bar())
                .match_label_keys(&["baz"]),
            zone4(),
            pods_on(&[
                ("node-a", 1, &["foo"]),
                ("node-b", 1, &["foo", "bar", "baz"]),
                ("node-c", 1, &["foo"]),
                ("node-c", 1, &["bar"]),
                ("node-c", 1, &["bar", "baz"]),
            ]),
            4,
            vec![60, 20, 60, 100],
        ),
    ];
    run(cases);
}
