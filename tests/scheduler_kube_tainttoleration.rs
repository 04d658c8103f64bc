//! TaintToleration and NodeUnschedulable tables ported from kube-scheduler's
//! pkg/scheduler/framework/plugins/tainttoleration/taint_toleration_test.go and
//! nodeunschedulable/node_unschedulable_test.go, each case named after its source case.
//!
//! Not ported: the `Gt`/`Lt` toleration cases (TaintTolerationComparisonOperators is an
//! alpha feature k8sim does not model: its tolerations are Equal or Exists), and the
//! queueing-hint tables (k8sim's queue requeues on cluster events without per-plugin
//! hints). Filter cases compare status codes: kube has changed the untolerated-taint
//! message between releases.

mod sched_common;

use k8sim::model::labels::{TaintEffect, Toleration};
use k8sim::scheduler::framework::Code;
use k8sim::scheduler::plugins::node_unschedulable::{NodeUnschedulable, ERR_REASON_UNSCHEDULABLE};
use k8sim::scheduler::plugins::taint_toleration::TaintToleration;
use sched_common::{bare, check_status, filter_statuses, scores, NodeBuilder, PodBuilder, Want};

use TaintEffect::{NoSchedule, PreferNoSchedule};

/// `key=value` (operator Equal) with an optional effect.
fn equal(key: &str, value: &str, effect: Option<TaintEffect>) -> Toleration {
    Toleration {
        key: key.into(),
        exists: false,
        value: value.into(),
        effect,
        toleration_seconds: None,
    }
}

/// `key Exists` with an optional effect.
fn exists(key: &str, effect: Option<TaintEffect>) -> Toleration {
    Toleration {
        exists: true,
        ..equal(key, "", effect)
    }
}

fn pod(tolerations: Vec<Toleration>) -> PodBuilder {
    tolerations
        .into_iter()
        .fold(PodBuilder::new("pod1"), |b, t| b.tolerate(t))
}

fn node(name: &str, taints: &[(&str, &str, TaintEffect)]) -> NodeBuilder {
    taints
        .iter()
        .fold(NodeBuilder::new(name), |b, (k, v, e)| b.taint(k, v, *e))
}

// tainttoleration/taint_toleration_test.go, TestTaintTolerationScore: the count of
// untolerated PreferNoSchedule taints, reversed and scaled so the lowest count gets 100.
#[test]
fn taint_toleration_score_test_go() {
    let arm = ("cpu-type", "arm64", PreferNoSchedule);
    let ssd = ("disk-type", "ssd", PreferNoSchedule);
    let cases: Vec<(&str, PodBuilder, Vec<NodeBuilder>, Vec<i64>)> = vec![
        (
            "node with taints tolerated by the pod, gets a higher score than those node with intolerable taints",
            pod(vec![equal("foo", "bar", Some(PreferNoSchedule))]),
            vec![
                node("nodeA", &[("foo", "bar", PreferNoSchedule)]),
                node("nodeB", &[("foo", "blah", PreferNoSchedule)]),
            ],
            vec![100, 0],
        ),
        (
            "the nodes that all of their taints are tolerated by the pod, get the same score, no matter how many tolerable taints a node has",
            pod(vec![
                equal("cpu-type", "arm64", Some(PreferNoSchedule)),
                equal("disk-type", "ssd", Some(PreferNoSchedule)),
            ]),
            vec![node("nodeA", &[]), node("nodeB", &[arm]), node("nodeC", &[arm, ssd])],
            vec![100, 100, 100],
        ),
        (
            // Untolerated counts 0, 1, 2: 100 - 100 * count / 2 = 100, 50, 0.
            "the more intolerable taints a node has, the lower score it gets.",
            pod(vec![equal("foo", "bar", Some(PreferNoSchedule))]),
            vec![node("nodeA", &[]), node("nodeB", &[arm]), node("nodeC", &[arm, ssd])],
            vec![100, 50, 0],
        ),
        (
            "only taints and tolerations that have effect PreferNoSchedule are checked by taints-tolerations priority function",
            pod(vec![
                equal("cpu-type", "arm64", Some(NoSchedule)),
                equal("disk-type", "ssd", Some(NoSchedule)),
            ]),
            vec![
                node("nodeA", &[]),
                node("nodeB", &[("cpu-type", "arm64", NoSchedule)]),
                node("nodeC", &[arm, ssd]),
            ],
            vec![100, 100, 0],
        ),
        (
            "Default behaviour No taints and tolerations, lands on node with no taints",
            pod(vec![]),
            vec![node("nodeA", &[]), node("nodeB", &[arm])],
            vec![100, 0],
        ),
    ];
    for (name, p, nodes, want) in cases {
        let c = bare(nodes);
        assert_eq!(
            scores(&TaintToleration, &p.build(), &c),
            want,
            "case {name:?}"
        );
    }
}

// tainttoleration/taint_toleration_test.go, TestTaintTolerationFilter (Equal/Exists cases).
#[test]
fn taint_toleration_filter_test_go() {
    let user1 = ("dedicated", "user1", NoSchedule);
    let foo_bar = ("foo", "bar", NoSchedule);
    let cases: Vec<(&str, PodBuilder, NodeBuilder, bool)> = vec![
        (
            "A pod having no tolerations can't be scheduled onto a node with nonempty taints",
            pod(vec![]),
            node("nodeA", &[user1]),
            false,
        ),
        (
            "A pod which can be scheduled on a dedicated node assigned to user1 with effect NoSchedule",
            pod(vec![equal("dedicated", "user1", Some(NoSchedule))]),
            node("nodeA", &[user1]),
            true,
        ),
        (
            "A pod which can't be scheduled on a dedicated node assigned to user2 with effect NoSchedule",
            pod(vec![equal("dedicated", "user2", Some(NoSchedule))]),
            node("nodeA", &[user1]),
            false,
        ),
        (
            "A pod can be scheduled onto the node, with a toleration uses operator Exists that tolerates the taints on the node",
            pod(vec![exists("foo", Some(NoSchedule))]),
            node("nodeA", &[foo_bar]),
            true,
        ),
        (
            "A pod has multiple tolerations, node has multiple taints, all the taints are tolerated, pod can be scheduled onto the node",
            pod(vec![
                equal("dedicated", "user2", Some(NoSchedule)),
                exists("foo", Some(NoSchedule)),
            ]),
            node("nodeA", &[("dedicated", "user2", NoSchedule), foo_bar]),
            true,
        ),
        (
            "A pod has a toleration that keys and values match the taint on the node, but (non-empty) effect doesn't match, can't be scheduled onto the node",
            pod(vec![equal("foo", "bar", Some(PreferNoSchedule))]),
            node("nodeA", &[foo_bar]),
            false,
        ),
        (
            "The pod has a toleration that keys and values match the taint on the node, the effect of toleration is empty, and the effect of taint is NoSchedule. Pod can be scheduled onto the node",
            pod(vec![equal("foo", "bar", None)]),
            node("nodeA", &[foo_bar]),
            true,
        ),
        (
            "The pod has a toleration that key and value don't match the taint on the node, but the effect of taint on node is PreferNoSchedule. Pod can be scheduled onto the node",
            pod(vec![equal("dedicated", "user2", Some(NoSchedule))]),
            node("nodeA", &[("dedicated", "user1", PreferNoSchedule)]),
            true,
        ),
        (
            "The pod has no toleration, but the effect of taint on node is PreferNoSchedule. Pod can be scheduled onto the node",
            pod(vec![]),
            node("nodeA", &[("dedicated", "user1", PreferNoSchedule)]),
            true,
        ),
    ];
    for (name, p, n, fits) in cases {
        let c = bare(vec![n]);
        let got = filter_statuses(&TaintToleration, &p.build(), &c);
        if fits {
            assert!(got[0].is_success(), "case {name:?}: {:?}", got[0]);
        } else {
            assert_eq!(
                got[0].code,
                Code::UnschedulableAndUnresolvable,
                "case {name:?}"
            );
        }
    }
}

// nodeunschedulable/node_unschedulable_test.go, TestNodeUnschedulable.
#[test]
fn node_unschedulable_test_go() {
    let no: Want = Some((Code::UnschedulableAndUnresolvable, ERR_REASON_UNSCHEDULABLE));
    let unschedulable = || {
        let mut b = NodeBuilder::new("n");
        b.spec.unschedulable = true;
        b
    };
    let cases: Vec<(&str, PodBuilder, NodeBuilder, Want)> =
        vec![
        (
            "Does not schedule pod to unschedulable node (node.Spec.Unschedulable==true)",
            pod(vec![]),
            unschedulable(),
            no,
        ),
        ("Schedule pod to normal node", pod(vec![]), NodeBuilder::new("n"), None),
        (
            "Schedule pod with toleration to unschedulable node (node.Spec.Unschedulable==true)",
            pod(vec![equal("node.kubernetes.io/unschedulable", "", Some(NoSchedule))]),
            unschedulable(),
            None,
        ),
    ];
    for (name, p, n, want) in cases {
        let c = bare(vec![n]);
        let got = filter_statuses(&NodeUnschedulable, &p.build(), &c);
        check_status(name, &got[0], want);
    }
}
