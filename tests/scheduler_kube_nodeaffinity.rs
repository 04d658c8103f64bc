//! NodeAffinity Filter and Score tables ported from kube-scheduler's
//! pkg/scheduler/framework/plugins/nodeaffinity/node_affinity_test.go, each case named
//! after its source case, run through both the per-node and the batch path.

mod sched_common;

use k8sim::model::labels::{NodeSelectorTerm, SelectorOp::*};
use k8sim::scheduler::framework::Code;
use k8sim::scheduler::plugins::node_affinity::{NodeAffinity, ERR_REASON_POD};
use sched_common::{
    bare, check_status, filter_statuses, labels, p, req, scores, term, NodeBuilder, Want,
};

const NO: Want = Some((Code::UnschedulableAndUnresolvable, ERR_REASON_POD));

fn name_term(names: &[&[&str]]) -> NodeSelectorTerm {
    NodeSelectorTerm {
        match_expressions: Vec::new(),
        match_fields: names.iter().map(|v| req("metadata.name", In, v)).collect(),
    }
}

// node_affinity_test.go, TestNodeAffinity (the AddedAffinity cases need plugin args
// k8sim does not take).
#[test]
fn node_affinity_filter_test_go() {
    let foo_bar = labels(&[("foo", "bar")]);
    let gpu = labels(&[("GPU", "NVIDIA-GRID-K1")]);
    let cases = vec![
        ("missing labels", p().node_selector("foo", "bar"), labels(&[]), "node1", NO),
        ("same labels", p().node_selector("foo", "bar"), foo_bar.clone(), "node1", None),
        ("node labels are superset", p().node_selector("foo", "bar"),
         labels(&[("foo", "bar"), ("baz", "blah")]), "node1", None),
        ("node labels are subset", p().node_selector("foo", "bar").node_selector("baz", "blah"),
         foo_bar.clone(), "node1", NO),
        ("Pod with matchExpressions using In operator that matches the existing node",
         p().required_node_affinity(vec![term(vec![req("foo", In, &["bar", "value2"])])]),
         foo_bar.clone(), "node1", None),
        ("Pod with matchExpressions using Gt operator that matches the existing node",
         p().required_node_affinity(vec![term(vec![req("kernel-version", Gt, &["0204"])])]),
         labels(&[("kernel-version", "0206")]), "node1", None),
        ("Pod with matchExpressions using NotIn operator that matches the existing node",
         p().required_node_affinity(vec![term(vec![req("mem-type", NotIn, &["DDR", "DDR2"])])]),
         labels(&[("mem-type", "DDR3")]), "node1", None),
        ("Pod with matchExpressions using Exists operator that matches the existing node",
         p().required_node_affinity(vec![term(vec![req("GPU", Exists, &[])])]),
         gpu.clone(), "node1", None),
        ("Pod with affinity that don't match node's labels won't schedule onto the node",
         p().required_node_affinity(vec![term(vec![req("foo", In, &["value1", "value2"])])]),
         foo_bar.clone(), "node1", NO),
        ("Pod with empty MatchExpressions is not a valid value will match no objects and won't schedule onto the node",
         p().required_node_affinity(vec![term(vec![])]), foo_bar.clone(), "node1", NO),
        ("Pod with no Affinity will schedule onto a node", p(), foo_bar.clone(), "node1", None),
        ("Pod with multiple matchExpressions ANDed that matches the existing node",
         p().required_node_affinity(vec![term(vec![req("GPU", Exists, &[]), req("GPU", NotIn, &["AMD", "INTER"])])]),
         gpu.clone(), "node1", None),
        ("Pod with multiple matchExpressions ANDed that doesn't match the existing node",
         p().required_node_affinity(vec![term(vec![req("GPU", Exists, &[]), req("GPU", In, &["AMD", "INTER"])])]),
         gpu.clone(), "node1", NO),
        ("Pod with multiple NodeSelectorTerms ORed in affinity, matches the node's labels and will schedule onto the node",
         p().required_node_affinity(vec![term(vec![req("foo", In, &["bar", "value2"])]),
                                         term(vec![req("diffkey", In, &["wrong", "value2"])])]),
         foo_bar.clone(), "node1", None),
        ("Pod with an Affinity and a PodSpec.NodeSelector(the old thing that we are deprecating) both are satisfied, will schedule onto the node",
         p().node_selector("foo", "bar").required_node_affinity(vec![term(vec![req("foo", Exists, &[])])]),
         foo_bar.clone(), "node1", None),
        ("Pod with an Affinity matches node's labels but the PodSpec.NodeSelector(the old thing that we are deprecating) is not satisfied, won't schedule onto the node",
         p().node_selector("foo", "bar").required_node_affinity(vec![term(vec![req("foo", Exists, &[])])]),
         labels(&[("foo", "barrrrrr")]), "node1", NO),
        ("Pod with an invalid value in Affinity term won't be scheduled onto the node",
         p().required_node_affinity(vec![term(vec![req("foo", NotIn, &["invalid value: ___@#$%^"])])]),
         foo_bar.clone(), "node1", NO),
        ("Pod with matchFields using In operator that matches the existing node",
         p().required_node_affinity(vec![name_term(&[&["node1"]])]), labels(&[]), "node1", None),
        ("Pod with matchFields using In operator that does not match the existing node",
         p().required_node_affinity(vec![name_term(&[&["node1"]])]), labels(&[]), "node2", NO),
        ("Pod with two terms: matchFields does not match, but matchExpressions matches",
         p().required_node_affinity(vec![name_term(&[&["node1"], &["node2"]]),
                                         term(vec![req("foo", In, &["bar"])])]),
         foo_bar.clone(), "node2", None),
    ];
    for (name, pod, node_labels, node_name, want) in cases {
        let c = bare(vec![NodeBuilder::new(node_name).labels(node_labels)]);
        let got = filter_statuses(&NodeAffinity, &pod.build(), &c);
        check_status(name, &got[0], want);
    }
}

// node_affinity_test.go, TestNodeAffinityPriority (without the AddedAffinity cases).
#[test]
fn node_affinity_priority_test_go() {
    let label1 = labels(&[("foo", "bar")]);
    let label2 = labels(&[("key", "value")]);
    let label3 = labels(&[("az", "az1")]);
    let label4 = labels(&[("abc", "az11"), ("def", "az22")]);
    let label5 = labels(&[("foo", "bar"), ("key", "value"), ("az", "az1")]);
    let affinity1 = || p().preferred_node_affinity(2, term(vec![req("foo", In, &["bar"])]));
    let affinity2 = || {
        p().preferred_node_affinity(2, term(vec![req("foo", In, &["bar"])]))
            .preferred_node_affinity(4, term(vec![req("key", In, &["value"])]))
            .preferred_node_affinity(
                5,
                term(vec![
                    req("foo", In, &["bar"]),
                    req("key", In, &["value"]),
                    req("az", In, &["az1"]),
                ]),
            )
    };
    let cases = vec![
        ("all nodes are same priority as NodeAffinity is nil", p(),
         vec![("node1", &label1), ("node2", &label2), ("node3", &label3)], vec![0, 0, 0]),
        ("no node matches preferred scheduling requirements in NodeAffinity of pod so all nodes' priority is zero",
         affinity1(), vec![("node1", &label4), ("node2", &label2), ("node3", &label3)], vec![0, 0, 0]),
        ("only node1 matches the preferred scheduling requirements of pod",
         affinity1(), vec![("node1", &label1), ("node2", &label2), ("node3", &label3)], vec![100, 0, 0]),
        // raw 2, 11, 4 -> 18, 100, 36.
        ("all nodes matches the preferred scheduling requirements of pod but with different priorities ",
         affinity2(), vec![("node1", &label1), ("node5", &label5), ("node2", &label2)], vec![18, 100, 36]),
        ("calculate the priorities correctly even if PreScore is not called",
         affinity2(), vec![("node1", &label1), ("node5", &label5), ("node2", &label2)], vec![18, 100, 36]),
    ];
    for (name, pod, nodes, want) in cases {
        let nodes = nodes
            .into_iter()
            .map(|(n, l)| NodeBuilder::new(n).labels(l.clone()))
            .collect();
        let c = bare(nodes);
        assert_eq!(
            scores(&NodeAffinity, &pod.build(), &c),
            want,
            "case {name:?}"
        );
    }
}
