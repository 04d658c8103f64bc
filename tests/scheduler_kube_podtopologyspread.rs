//! PodTopologySpread Score table ported from kube-scheduler's
//! pkg/scheduler/framework/plugins/podtopologyspread/scoring_test.go
//! (TestPodTopologySpreadScore, a representative subset), each case named after its
//! source case; candidate nodes are scored while "failed" nodes stay in the cluster.

mod sched_common;

use k8sim::cluster::NodeIdx;
use k8sim::model::pod::WhenUnsatisfiable::ScheduleAnyway;
use k8sim::scheduler::plugins::pod_topology_spread::PodTopologySpread;
use sched_common::{cluster, exists_selector, labels, p, scores_on, NodeBuilder, PodBuilder};

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
    for (name, pod, nodes, existing, candidates, want) in cases {
        let existing: Vec<(String, _)> =
            existing.into_iter().map(|(n, b)| (n, b.build())).collect();
        let c = cluster(nodes, existing);
        let cand: Vec<NodeIdx> = (0..candidates as u32).map(NodeIdx).collect();
        let got = scores_on(&PodTopologySpread::default(), &pod.build(), &c, &cand);
        assert_eq!(got, want, "case {name:?}");
    }
}
