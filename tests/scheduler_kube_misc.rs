//! NodePorts, SchedulingGates, NodeName, NodeUnschedulable and ImageLocality tables ported from
//! kube-scheduler's plugin unit tests (pkg/scheduler/framework/plugins/...), each case
//! named after its source case, run through both the per-node and the batch path.

mod sched_common;

use k8sim::cluster::normalized_image_name;
use k8sim::model::labels::{TaintEffect, Toleration};
use k8sim::scheduler::framework::{Code, PreEnqueuePlugin};
use k8sim::scheduler::plugins::image_locality::ImageLocality;
use k8sim::scheduler::plugins::node_name::{self, NodeName};
use k8sim::scheduler::plugins::node_ports::{self, NodePorts};
use k8sim::scheduler::plugins::node_unschedulable::{NodeUnschedulable, ERR_REASON_UNSCHEDULABLE};
use k8sim::scheduler::plugins::scheduling_gates::SchedulingGates;
use sched_common::{
    bare, check_status, cluster, filter_statuses, p, scores, NodeBuilder, Want, MB,
};

type Ports = &'static [(&'static str, &'static str, i32)];

// nodeports/node_ports_test.go, TestNodePorts.
#[test]
fn node_ports_test_go() {
    let conflict: Want = Some((Code::Unschedulable, node_ports::ERR_REASON));
    let cases: Vec<(&str, Ports, Ports, Want)> = vec![
        ("nothing running", &[], &[], None),
        (
            "other port",
            &[("UDP", "127.0.0.1", 8080)],
            &[("UDP", "127.0.0.1", 9090)],
            None,
        ),
        (
            "same udp port",
            &[("UDP", "127.0.0.1", 8080)],
            &[("UDP", "127.0.0.1", 8080)],
            conflict,
        ),
        (
            "same tcp port",
            &[("TCP", "127.0.0.1", 8080)],
            &[("TCP", "127.0.0.1", 8080)],
            conflict,
        ),
        (
            "different host ip",
            &[("TCP", "127.0.0.1", 8080)],
            &[("TCP", "127.0.0.2", 8080)],
            None,
        ),
        (
            "different protocol",
            &[("UDP", "127.0.0.1", 8080)],
            &[("TCP", "127.0.0.1", 8080)],
            None,
        ),
        (
            "second udp port conflict",
            &[("UDP", "127.0.0.1", 8000), ("UDP", "127.0.0.1", 8080)],
            &[("UDP", "127.0.0.1", 8080)],
            conflict,
        ),
        (
            "first tcp port conflict",
            &[("TCP", "127.0.0.1", 8001), ("UDP", "127.0.0.1", 8080)],
            &[("TCP", "127.0.0.1", 8001), ("UDP", "127.0.0.1", 8081)],
            conflict,
        ),
        (
            "first tcp port conflict due to 0.0.0.0 hostIP",
            &[("TCP", "0.0.0.0", 8001)],
            &[("TCP", "127.0.0.1", 8001)],
            conflict,
        ),
        (
            "TCP hostPort conflict due to 0.0.0.0 hostIP",
            &[("TCP", "10.0.10.10", 8001), ("TCP", "0.0.0.0", 8001)],
            &[("TCP", "127.0.0.1", 8001)],
            conflict,
        ),
        (
            "second tcp port conflict to 0.0.0.0 hostIP",
            &[("TCP", "127.0.0.1", 8001)],
            &[("TCP", "0.0.0.0", 8001)],
            conflict,
        ),
        (
            "second different protocol",
            &[("UDP", "127.0.0.1", 8001)],
            &[("TCP", "0.0.0.0", 8001)],
            None,
        ),
        (
            "UDP hostPort conflict due to 0.0.0.0 hostIP",
            &[("UDP", "127.0.0.1", 8001)],
            &[("TCP", "0.0.0.0", 8001), ("UDP", "0.0.0.0", 8001)],
            conflict,
        ),
    ];
    for (name, want_ports, used, want) in cases {
        let existing = if used.is_empty() {
            vec![]
        } else {
            vec![("node1", p().host_ports(used).build())]
        };
        let c = cluster(vec![NodeBuilder::new("node1")], existing);
        let pod = if want_ports.is_empty() {
            p()
        } else {
            p().host_ports(want_ports)
        };
        let got = filter_statuses(&NodePorts, &pod.build(), &c);
        check_status(name, &got[0], want);
    }
}

// schedulinggates/scheduling_gates_test.go, TestPreEnqueue.
#[test]
fn scheduling_gates_pre_enqueue_test_go() {
    let ok = SchedulingGates.pre_enqueue(&p().build());
    assert!(ok.is_success(), "pod does not carry scheduling gates");
    let gated = SchedulingGates.pre_enqueue(&p().gate("foo").gate("bar").build());
    assert_eq!(
        gated.code,
        Code::UnschedulableAndUnresolvable,
        "pod carries scheduling gates"
    );
    assert_eq!(
        gated.reasons,
        vec!["waiting for scheduling gates: [foo bar]".to_string()]
    );
}

// nodename/node_name_test.go, TestNodeName.
#[test]
fn node_name_test_go() {
    let no: Want = Some((Code::UnschedulableAndUnresolvable, node_name::ERR_REASON));
    let cases = vec![
        ("no host specified", p(), None),
        ("host matches", p().node_name("foo"), None),
        ("host doesn't match", p().node_name("bar"), no),
    ];
    for (name, pod, want) in cases {
        let c = bare(vec![NodeBuilder::new("foo")]);
        let got = filter_statuses(&NodeName, &pod.build(), &c);
        check_status(name, &got[0], want);
    }
}

// imagelocality/image_locality_test.go, TestImageLocalityPriority (real image sizes;
// pod images without a tag match the nodes' `:latest` names).
#[test]
fn image_locality_priority_test_go() {
    let node403002000 = |n: &str| {
        NodeBuilder::new(n)
            .image("gcr.io/40:latest", 40 * MB)
            .image("gcr.io/300:latest", 300 * MB)
            .image("gcr.io/2000:latest", 2000 * MB)
    };
    let node25010 = |n: &str| {
        NodeBuilder::new(n)
            .image("gcr.io/250:latest", 250 * MB)
            .image("gcr.io/10:latest", 10 * MB)
    };
    let node60040900 = |n: &str| {
        NodeBuilder::new(n)
            .image("gcr.io/600:latest", 600 * MB)
            .image("gcr.io/40:latest", 40 * MB)
            .image("gcr.io/900:latest", 900 * MB)
    };
    let node300600900 = |n: &str| {
        NodeBuilder::new(n)
            .image("gcr.io/300:latest", 300 * MB)
            .image("gcr.io/600:latest", 600 * MB)
            .image("gcr.io/900:latest", 900 * MB)
    };
    let node400030 = |n: &str| {
        NodeBuilder::new(n)
            .image("gcr.io/4000:latest", 4000 * MB)
            .image("gcr.io/30:latest", 30 * MB)
    };
    let node203040 = |n: &str| {
        NodeBuilder::new(n)
            .image("gcr.io/20:latest", 20 * MB)
            .image("gcr.io/30:latest", 30 * MB)
            .image("gcr.io/40:latest", 40 * MB)
    };
    let test40250 = || p().image("gcr.io/40").image("gcr.io/250");
    let test40300 = || p().image("gcr.io/40").image("gcr.io/300");
    let test_min_max = || p().image("gcr.io/10").image("gcr.io/4000");
    let cases = vec![
        // node2: 100 * (250M/2 - 23M) / (1000M * 2 - 23M) = 5.
        (
            "two images spread on two nodes, prefer the larger image one",
            test40250(),
            vec![node403002000("node1"), node25010("node2")],
            vec![0, 5],
        ),
        (
            "two images on one node, prefer this node",
            test40300(),
            vec![node403002000("node1"), node25010("node2")],
            vec![7, 0],
        ),
        (
            "if exceed limit, use limit",
            test_min_max(),
            vec![node400030("node1"), node25010("node2")],
            vec![100, 0],
        ),
        (
            "if exceed limit, use limit (with node which has no images present)",
            test_min_max(),
            vec![
                node400030("node1"),
                node25010("node2"),
                NodeBuilder::new("node3"),
            ],
            vec![66, 0, 0],
        ),
        (
            "pod with multiple large images, node2 is preferred",
            p().image("gcr.io/300")
                .image("gcr.io/600")
                .image("gcr.io/900"),
            vec![
                node60040900("node1"),
                node300600900("node2"),
                NodeBuilder::new("node3"),
            ],
            vec![32, 36, 0],
        ),
        (
            "pod with multiple small images",
            p().image("gcr.io/30").image("gcr.io/40"),
            vec![node203040("node1"), node400030("node2")],
            vec![1, 0],
        ),
        (
            "include InitContainers: two images spread on two nodes, prefer the larger image one",
            p().image("gcr.io/30").init_image("gcr.io/300"),
            vec![node403002000("node1"), node203040("node2")],
            vec![6, 0],
        ),
    ];
    for (name, pod, nodes, want) in cases {
        let c = bare(nodes);
        let got = scores(&ImageLocality::default(), &pod.build(), &c);
        assert_eq!(got, want, "case {name:?}");
    }
}

// imagelocality/image_locality_test.go, TestNormalizedImageName: a reference without a
// tag or digest gets `:latest` (a registry port is not a tag); the digest is
// sha256("root"), as the Go test's getImageFakeDigest("root").
#[test]
fn normalized_image_name_test_go() {
    let digest = "root@sha256:4813494d137e1631bba301d5acab6e7bb7aa74ce1185d456565ef51d737677b2";
    let cases = [
        ("add :latest postfix 1", "root", "root:latest"),
        (
            "add :latest postfix 2",
            "gcr.io:5000/root",
            "gcr.io:5000/root:latest",
        ),
        ("keep it as is 1", "root:tag", "root:tag"),
        ("keep it as is 2", digest, digest),
    ];
    for (name, input, want) in cases {
        assert_eq!(normalized_image_name(input), want, "case {name:?}");
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
    let cases: Vec<(&str, sched_common::PodBuilder, NodeBuilder, Want)> =
        vec![
        (
            "Does not schedule pod to unschedulable node (node.Spec.Unschedulable==true)",
            p(),
            unschedulable(),
            no,
        ),
        ("Schedule pod to normal node", p(), NodeBuilder::new("n"), None),
        (
            "Schedule pod with toleration to unschedulable node (node.Spec.Unschedulable==true)",
            p().tolerate(Toleration {
                key: "node.kubernetes.io/unschedulable".into(),
                exists: false,
                value: String::new(),
                effect: Some(TaintEffect::NoSchedule),
                toleration_seconds: None,
            }),
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
