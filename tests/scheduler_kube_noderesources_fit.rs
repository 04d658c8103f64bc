//! NodeResourcesFit Filter tables ported from kube-scheduler's
//! pkg/scheduler/framework/plugins/noderesources/fit_test.go (TestEnoughRequests,
//! TestNotEnoughRequests, TestStorageRequests), each case named after its source case and
//! checked for the exact list of reasons ("Too many pods", "Insufficient <resource>").
//!
//! The Go tables' node: allocatable cpu 10m, memory 20, pods 32, example.com/aaa 5,
//! ephemeral-storage 20, hugepages-2Mi 5 (pods 1 and nothing else for
//! TestNotEnoughRequests); one existing pod holds the node's current requests.
//!
//! Not ported: "skip checking ignored extended resource" (NodeResourcesFitArgs
//! `ignoredResources` is not taken) and TestPreFilterDisabled (k8sim's framework always
//! runs PreFilter first).

mod sched_common;

use k8sim::model::resources::{ResourceIdx, ResourceNames, CPU, EPHEMERAL_STORAGE, MEMORY, PODS};
use k8sim::scheduler::framework::Code;
use k8sim::scheduler::plugins::node_resources_fit::{NodeResourcesFit, ScoringStrategy};
use sched_common::{cluster, filter_statuses, p, NodeBuilder, PodBuilder};

/// example.com/aaa.
const A: ResourceIdx = ResourceIdx(4);
/// example.com/bbb (the node has none).
const B: ResourceIdx = ResourceIdx(5);
/// kubernetes.io/something, or subdomain.kubernetes.io/something (the node has none).
const K: ResourceIdx = ResourceIdx(6);
/// hugepages-2Mi.
const H: ResourceIdx = ResourceIdx(7);

/// The resource names, with `k_name` in slot [`K`].
fn names(k_name: &str) -> ResourceNames {
    let mut n = ResourceNames::default();
    for name in [
        "example.com/aaa",
        "example.com/bbb",
        k_name,
        "hugepages-2Mi",
    ] {
        n.intern(name).expect("a free slot");
    }
    n
}

fn node() -> NodeBuilder {
    NodeBuilder::new("node")
        .cpu(10)
        .mem(20)
        .pods(32)
        .res(A, 5)
        .res(EPHEMERAL_STORAGE, 20)
        .res(H, 5)
}

/// A container requesting cpu and memory plus `extra`.
fn c(cpu: i64, mem: i64, extra: &[(ResourceIdx, i64)]) -> Vec<(ResourceIdx, i64)> {
    let mut v = vec![(CPU, cpu), (MEMORY, mem)];
    v.extend_from_slice(extra);
    v
}

/// A pod with these containers and init containers.
fn pod(containers: &[Vec<(ResourceIdx, i64)>], inits: &[Vec<(ResourceIdx, i64)>]) -> PodBuilder {
    let b = containers.iter().fold(p(), |b, r| b.req_map(r));
    inits.iter().fold(b, |b, r| b.init_req_map(r))
}

/// `Insufficient <name>`.
fn insufficient(name: &str) -> String {
    format!("Insufficient {name}")
}

/// (name, incoming pod, the existing pod's requests, expected reasons)
type Case = (
    &'static str,
    PodBuilder,
    Vec<(ResourceIdx, i64)>,
    Vec<String>,
);

fn run(cases: Vec<Case>, node: impl Fn() -> NodeBuilder, k_name: &str) {
    let plugin = NodeResourcesFit::new(ScoringStrategy::LeastAllocated, names(k_name));
    for (name, incoming, existing, want) in cases {
        let c = cluster(vec![node()], vec![("node", p().req_map(&existing).build())]);
        let got = &filter_statuses(&plugin, &incoming.build(), &c)[0];
        if want.is_empty() {
            assert!(got.is_success(), "case {name:?}: {got:?}");
        } else {
            assert_eq!(got.code, Code::Unschedulable, "case {name:?}");
            assert_eq!(got.reasons, want, "case {name:?}");
        }
    }
}

// noderesources/fit_test.go, TestEnoughRequests. A pod's request is the larger of its
// containers' sum and its largest init container, plus its overhead.
#[test]
fn enough_requests_test_go() {
    let cpu = || vec![insufficient("cpu")];
    let mem = || vec![insufficient("memory")];
    let ext_a = || vec![insufficient("example.com/aaa")];
    let huge = || vec![insufficient("hugepages-2Mi")];
    let empty = || vec![Vec::new()];
    let cases: Vec<Case> = vec![
        ("no resources requested always fits", p(), c(10, 20, &[]), vec![]),
        (
            "too many resources fails",
            pod(&[c(1, 1, &[])], &[]),
            c(10, 20, &[]),
            vec![insufficient("cpu"), insufficient("memory")],
        ),
        (
            // max(1, 3) = 3 > 10 - 8.
            "too many resources fails due to init container cpu",
            pod(&[c(1, 1, &[])], &[c(3, 1, &[])]),
            c(8, 19, &[]),
            cpu(),
        ),
        (
            "too many resources fails due to highest init container cpu",
            pod(&[c(1, 1, &[])], &[c(3, 1, &[]), c(2, 1, &[])]),
            c(8, 19, &[]),
            cpu(),
        ),
        (
            "too many resources fails due to init container memory",
            pod(&[c(1, 1, &[])], &[c(1, 3, &[])]),
            c(9, 19, &[]),
            mem(),
        ),
        (
            "too many resources fails due to highest init container memory",
            pod(&[c(1, 1, &[])], &[c(1, 3, &[]), c(1, 2, &[])]),
            c(9, 19, &[]),
            mem(),
        ),
        (
            "init container fits because it's the max, not sum, of containers and init containers",
            pod(&[c(1, 1, &[])], &[c(1, 1, &[])]),
            c(9, 19, &[]),
            vec![],
        ),
        (
            "multiple init containers fit because it's the max, not sum, of containers and init containers",
            pod(&[c(1, 1, &[])], &[c(1, 1, &[]), c(1, 1, &[])]),
            c(9, 19, &[]),
            vec![],
        ),
        ("both resources fit", pod(&[c(1, 1, &[])], &[]), c(5, 5, &[]), vec![]),
        ("one resource memory fits", pod(&[c(2, 1, &[])], &[]), c(9, 5, &[]), cpu()),
        ("one resource cpu fits", pod(&[c(1, 2, &[])], &[]), c(5, 19, &[]), mem()),
        ("equal edge case", pod(&[c(5, 1, &[])], &[]), c(5, 19, &[]), vec![]),
        (
            "equal edge case for init container",
            pod(&[c(4, 1, &[])], &[c(5, 1, &[])]),
            c(5, 19, &[]),
            vec![],
        ),
        ("extended resource fits", pod(&[vec![(A, 1)]], &[]), vec![], vec![]),
        (
            "extended resource fits for init container",
            pod(&empty(), &[vec![(A, 1)]]),
            vec![],
            vec![],
        ),
        (
            "extended resource capacity enforced",
            pod(&[c(1, 1, &[(A, 10)])], &[]),
            c(0, 0, &[(A, 0)]),
            ext_a(),
        ),
        (
            "extended resource capacity enforced for init container",
            pod(&empty(), &[c(1, 1, &[(A, 10)])]),
            c(0, 0, &[(A, 0)]),
            ext_a(),
        ),
        (
            "extended resource allocatable enforced",
            pod(&[c(1, 1, &[(A, 1)])], &[]),
            c(0, 0, &[(A, 5)]),
            ext_a(),
        ),
        (
            "extended resource allocatable enforced for init container",
            pod(&empty(), &[c(1, 1, &[(A, 1)])]),
            c(0, 0, &[(A, 5)]),
            ext_a(),
        ),
        (
            // 3 + 3 > 5 - 2.
            "extended resource allocatable enforced for multiple containers",
            pod(&[c(1, 1, &[(A, 3)]), c(1, 1, &[(A, 3)])], &[]),
            c(0, 0, &[(A, 2)]),
            ext_a(),
        ),
        (
            // max(3, 3) = 3 <= 5 - 2.
            "extended resource allocatable admits multiple init containers",
            pod(&empty(), &[c(1, 1, &[(A, 3)]), c(1, 1, &[(A, 3)])]),
            c(0, 0, &[(A, 2)]),
            vec![],
        ),
        (
            "extended resource allocatable enforced for multiple init containers",
            pod(&empty(), &[c(1, 1, &[(A, 6)]), c(1, 1, &[(A, 3)])]),
            c(0, 0, &[(A, 2)]),
            ext_a(),
        ),
        (
            "extended resource allocatable enforced for unknown resource",
            pod(&[c(1, 1, &[(B, 1)])], &[]),
            c(0, 0, &[]),
            vec![insufficient("example.com/bbb")],
        ),
        (
            "extended resource allocatable enforced for unknown resource for init container",
            pod(&empty(), &[c(1, 1, &[(B, 1)])]),
            c(0, 0, &[]),
            vec![insufficient("example.com/bbb")],
        ),
        (
            "kubernetes.io resource capacity enforced",
            pod(&[c(1, 1, &[(K, 10)])], &[]),
            c(0, 0, &[]),
            vec![insufficient("kubernetes.io/something")],
        ),
        (
            "hugepages resource capacity enforced",
            pod(&[c(1, 1, &[(H, 10)])], &[]),
            c(0, 0, &[(H, 0)]),
            huge(),
        ),
        (
            "hugepages resource capacity enforced for init container",
            pod(&empty(), &[c(1, 1, &[(H, 10)])]),
            c(0, 0, &[(H, 0)]),
            huge(),
        ),
        (
            "hugepages resource allocatable enforced for multiple containers",
            pod(&[c(1, 1, &[(H, 3)]), c(1, 1, &[(H, 3)])], &[]),
            c(0, 0, &[(H, 2)]),
            huge(),
        ),
        (
            // cpu 1 + 3 <= 10 - 5, memory 1 + 13 <= 20 - 5.
            "resources + pod overhead fits",
            pod(&[c(1, 1, &[])], &[]).overhead(&[(CPU, 3), (MEMORY, 13)]),
            c(5, 5, &[]),
            vec![],
        ),
        (
            // memory 1 + 15 = 16 > 20 - 5.
            "requests + overhead does not fit for memory",
            pod(&[c(1, 1, &[])], &[]).overhead(&[(CPU, 1), (MEMORY, 15)]),
            c(5, 5, &[]),
            mem(),
        ),
    ];
    run(cases, node, "kubernetes.io/something");

    // The one case of the table on subdomain.kubernetes.io/something.
    run(
        vec![(
            "kubernetes.io resource capacity enforced for init container",
            pod(&empty(), &[c(1, 1, &[(K, 10)])]),
            c(0, 0, &[]),
            vec![insufficient("subdomain.kubernetes.io/something")],
        )],
        node,
        "subdomain.kubernetes.io/something",
    );
}

// noderesources/fit_test.go, TestNotEnoughRequests: one pod slot, already taken.
#[test]
fn not_enough_requests_test_go() {
    let too_many = || vec!["Too many pods".to_string()];
    let one_slot = || NodeBuilder::new("node").cpu(10).mem(20).pods(1);
    let cases: Vec<Case> = vec![
        (
            "even without specified resources predicate fails when there's no space for additional pod",
            p(),
            c(10, 20, &[]),
            too_many(),
        ),
        (
            "even if both resources fit predicate fails when there's no space for additional pod",
            pod(&[c(1, 1, &[])], &[]),
            c(5, 5, &[]),
            too_many(),
        ),
        (
            "even for equal edge case predicate fails when there's no space for additional pod",
            pod(&[c(5, 1, &[])], &[]),
            c(5, 19, &[]),
            too_many(),
        ),
        (
            "even for equal edge case predicate fails when there's no space for additional pod due to init container",
            pod(&[c(5, 1, &[])], &[c(5, 1, &[])]),
            c(5, 19, &[]),
            too_many(),
        ),
    ];
    run(cases, one_slot, "kubernetes.io/something");
    // The existing pod really holds the only slot.
    let c = cluster(vec![one_slot()], vec![("node", p().build())]);
    assert_eq!(c.nodes().requested()[0].get(PODS), 1);
}

// noderesources/fit_test.go, TestStorageRequests.
#[test]
fn storage_requests_test_go() {
    let cases: Vec<Case> = vec![
        (
            "due to container scratch disk",
            pod(&[c(1, 1, &[])], &[]),
            c(10, 10, &[]),
            vec![insufficient("cpu")],
        ),
        ("pod fit", pod(&[c(1, 1, &[])], &[]), c(2, 10, &[]), vec![]),
        (
            "storage ephemeral local storage request exceeds allocatable",
            pod(&[vec![(EPHEMERAL_STORAGE, 25)]], &[]),
            c(2, 2, &[]),
            vec![insufficient("ephemeral-storage")],
        ),
        (
            "pod fits",
            pod(&[vec![(EPHEMERAL_STORAGE, 10)]], &[]),
            c(2, 2, &[]),
            vec![],
        ),
    ];
    run(cases, node, "kubernetes.io/something");
}
