//! InterPodAffinity Filter and Score tables ported from kube-scheduler's
//! pkg/scheduler/framework/plugins/interpodaffinity/{filtering_test.go,scoring_test.go},
//! each case named after its source case and run through the per-node and batch paths.
//!
//! Not ported (features k8sim does not model):
//! - every case whose verdict depends on a namespaceSelector matching namespace *labels*
//!   (`affinity with NamespaceSelector`, `affinity with non-matching NamespaceSelector`,
//!   `anti-affinity with matching NamespaceSelector`, `anti-affinity with non-matching
//!   NamespaceSelector`, `Affinity symmetry with namespace selector`, `AntiAffinity symmetry
//!   with namespace selector`, both `Affinity with pods matching ...` pairs,
//!   `with matching NamespaceSelector`): namespaces carry no labels in k8sim, so a non-empty
//!   selector selects only the listed namespaces. The empty selector ("all namespaces") and
//!   explicit `namespaces` lists are modelled and ported.
//! - the invalid-label-syntax cases (`... fails PreFilter/PreScore with an invalid ...`):
//!   k8sim rejects such selectors when it reads the manifest, so the plugin never sees them.
//! - TestPreFilterDisabled (Filter without PreFilter is an internal error in kube; k8sim's
//!   framework always runs PreFilter first and a missing state means "no constraints").
//! - TestPreFilterStateAddRemovePod, TestPreFilterStateClone and
//!   TestGetTPMapMatchingIncomingAffinityAntiAffinity test kube's internal state layout;
//!   their observable effects are covered by the Filter cases below.
//!
//! Pods without a namespace in kube's tables all share the empty namespace; here they
//! share `default`, which is the same relation.

mod sched_common;

use k8sim::model::labels::{LabelSelector, SelectorOp};
use k8sim::model::pod::PodAffinityTerm;
use k8sim::scheduler::framework::Code;
use k8sim::scheduler::plugins::inter_pod_affinity::{
    InterPodAffinity, ERR_REASON_AFFINITY, ERR_REASON_ANTI_AFFINITY,
    ERR_REASON_EXISTING_ANTI_AFFINITY,
};
use sched_common::{
    aff_term, check_status, cluster, exists_selector, exprs_selector, filter_statuses, labels,
    pre_filter_code, pre_score_code, req, scores, NodeBuilder, PodBuilder, Want,
};

type L = &'static [(&'static str, &'static str)];

/// A node with exactly these labels (kube's test nodes carry no hostname label).
fn node(name: &str, ls: L) -> NodeBuilder {
    NodeBuilder::new(name).labels(labels(ls))
}

/// A pod with these labels.
fn pod(ls: L) -> PodBuilder {
    let mut b = PodBuilder::new("p");
    for (k, v) in ls {
        b = b.label(k, v);
    }
    b
}

fn sel_in(key: &str, vals: &[&str]) -> LabelSelector {
    exprs_selector(vec![req(key, SelectorOp::In, vals)])
}

fn sel_not_in(key: &str, vals: &[&str]) -> LabelSelector {
    exprs_selector(vec![req(key, SelectorOp::NotIn, vals)])
}

/// `security Exists, wrongkey DoesNotExist`.
fn sel_security_exists() -> LabelSelector {
    exprs_selector(vec![
        req("security", SelectorOp::Exists, &[]),
        req("wrongkey", SelectorOp::DoesNotExist, &[]),
    ])
}

/// A term over explicit namespaces and an optional namespace selector.
fn ns_term(
    sel: LabelSelector,
    key: &str,
    namespaces: &[&str],
    ns_selector: Option<LabelSelector>,
) -> PodAffinityTerm {
    PodAffinityTerm {
        namespaces: namespaces.iter().map(|s| s.to_string()).collect(),
        namespace_selector: ns_selector,
        ..aff_term(sel, key)
    }
}

fn existing(spec: Vec<(&str, PodBuilder)>) -> Vec<(String, k8sim::cluster::Pod)> {
    spec.into_iter()
        .map(|(n, b)| (n.to_string(), b.build()))
        .collect()
}

// ---------------------------------------------------------------------------------------
// filtering_test.go
// ---------------------------------------------------------------------------------------

const NODE1: L = &[("region", "r1"), ("zone", "z11")];
const SECURITYSCAN: L = &[("service", "securityscan")];
const S1: L = &[("security", "S1")];

// interpodaffinity/filtering_test.go, TestRequiredAffinitySingleNode: one node
// (region r1, zone z11); `want` is the Filter status, `skip` a PreFilter Skip.
#[test]
fn required_affinity_single_node_test_go() {
    let aff_un: Want = Some((Code::UnschedulableAndUnresolvable, ERR_REASON_AFFINITY));
    let anti: Want = Some((Code::Unschedulable, ERR_REASON_ANTI_AFFINITY));
    let ex_anti: Want = Some((Code::Unschedulable, ERR_REASON_EXISTING_ANTI_AFFINITY));
    let scan_in = || sel_in("service", &["securityscan", "value2"]);
    let antivirus = || sel_in("service", &["antivirusscan", "value2"]);
    // The existing pod `pod` of the Go table: service=securityscan on node1.
    let scan_pod = || vec![("node1", pod(SECURITYSCAN))];
    type Case = (
        &'static str,
        PodBuilder,
        Vec<(&'static str, PodBuilder)>,
        Want,
        bool,
    );
    let cases: Vec<Case> = vec![
        (
            "A pod that has no required pod affinity scheduling rules can schedule onto a node with no existing pods",
            pod(&[]),
            vec![],
            None,
            true,
        ),
        (
            "satisfies with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using In operator that matches the existing pod",
            pod(S1).pod_affinity(scan_in(), "region"),
            scan_pod(),
            None,
            false,
        ),
        (
            "satisfies the pod with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using not in operator in labelSelector that matches the existing pod",
            pod(S1).pod_affinity(sel_not_in("service", &["securityscan3", "value3"]), "region"),
            scan_pod(),
            None,
            false,
        ),
        (
            "Does not satisfy the PodAffinity with labelSelector because of diff Namespace",
            pod(S1).affinity_term(ns_term(scan_in(), "", &["DiffNameSpace"], None)),
            vec![("node1", pod(SECURITYSCAN).namespace("ns"))],
            aff_un,
            false,
        ),
        (
            "Doesn't satisfy the PodAffinity because of unmatching labelSelector with the existing pod",
            pod(SECURITYSCAN).pod_affinity(antivirus(), ""),
            scan_pod(),
            aff_un,
            false,
        ),
        (
            "satisfies the PodAffinity with different label Operators in multiple RequiredDuringSchedulingIgnoredDuringExecution ",
            pod(S1)
                .pod_affinity(
                    exprs_selector(vec![
                        req("service", SelectorOp::Exists, &[]),
                        req("wrongkey", SelectorOp::DoesNotExist, &[]),
                    ]),
                    "region",
                )
                .pod_affinity(
                    exprs_selector(vec![
                        req("service", SelectorOp::In, &["securityscan"]),
                        req("service", SelectorOp::NotIn, &["WrongValue"]),
                    ]),
                    "region",
                ),
            scan_pod(),
            None,
            false,
        ),
        (
            "The labelSelector requirements(items of matchExpressions) are ANDed, the pod cannot schedule onto the node because one of the matchExpression item don't match.",
            pod(S1)
                .pod_affinity(
                    exprs_selector(vec![
                        req("service", SelectorOp::Exists, &[]),
                        req("wrongkey", SelectorOp::DoesNotExist, &[]),
                    ]),
                    "region",
                )
                .pod_affinity(
                    exprs_selector(vec![
                        req("service", SelectorOp::In, &["securityscan2"]),
                        req("service", SelectorOp::NotIn, &["WrongValue"]),
                    ]),
                    "region",
                ),
            scan_pod(),
            aff_un,
            false,
        ),
        (
            "satisfies the PodAffinity and PodAntiAffinity with the existing pod",
            pod(S1)
                .pod_affinity(scan_in(), "region")
                .pod_anti_affinity(antivirus(), "node"),
            scan_pod(),
            None,
            false,
        ),
        (
            "satisfies the PodAffinity and PodAntiAffinity and PodAntiAffinity symmetry with the existing pod",
            pod(S1)
                .pod_affinity(scan_in(), "region")
                .pod_anti_affinity(antivirus(), "node"),
            vec![("node1", pod(SECURITYSCAN).pod_anti_affinity(antivirus(), "node"))],
            None,
            false,
        ),
        (
            "satisfies the PodAffinity but doesn't satisfy the PodAntiAffinity with the existing pod",
            pod(S1)
                .pod_affinity(scan_in(), "region")
                .pod_anti_affinity(scan_in(), "zone"),
            scan_pod(),
            anti,
            false,
        ),
        (
            "satisfies the PodAffinity and PodAntiAffinity but doesn't satisfy PodAntiAffinity symmetry with the existing pod",
            pod(SECURITYSCAN)
                .pod_affinity(scan_in(), "region")
                .pod_anti_affinity(antivirus(), "node"),
            vec![("node1", pod(SECURITYSCAN).pod_anti_affinity(scan_in(), "zone"))],
            ex_anti,
            false,
        ),
        (
            "pod matches its own Label in PodAffinity and that matches the existing pod Labels",
            pod(SECURITYSCAN).pod_affinity(sel_not_in("service", &["securityscan", "value2"]), "region"),
            vec![("node2", pod(SECURITYSCAN))],
            aff_un,
            false,
        ),
        (
            "verify that PodAntiAffinity from existing pod is respected when pod has no AntiAffinity constraints. doesn't satisfy PodAntiAffinity symmetry with the existing pod",
            pod(SECURITYSCAN),
            vec![("node1", pod(SECURITYSCAN).pod_anti_affinity(scan_in(), "zone"))],
            ex_anti,
            false,
        ),
        (
            "verify that PodAntiAffinity from existing pod is respected when pod has no AntiAffinity constraints. satisfy PodAntiAffinity symmetry with the existing pod",
            pod(SECURITYSCAN),
            vec![(
                "node1",
                pod(SECURITYSCAN).pod_anti_affinity(sel_not_in("service", &["securityscan", "value2"]), "zone"),
            )],
            None,
            true,
        ),
        (
            "satisfies the PodAntiAffinity with existing pod but doesn't satisfy PodAntiAffinity symmetry with incoming pod",
            pod(SECURITYSCAN)
                .pod_anti_affinity(exists_selector("service"), "region")
                .pod_anti_affinity(exists_selector("security"), "region"),
            vec![("node1", pod(S1).pod_anti_affinity(exists_selector("security"), "zone"))],
            anti,
            false,
        ),
        (
            "PodAntiAffinity symmetry check a1: incoming pod and existing pod partially match each other on AffinityTerms",
            pod(SECURITYSCAN)
                .pod_anti_affinity(exists_selector("service"), "zone")
                .pod_anti_affinity(exists_selector("security"), "zone"),
            vec![("node1", pod(S1).pod_anti_affinity(exists_selector("security"), "zone"))],
            anti,
            false,
        ),
        (
            "PodAntiAffinity symmetry check a2: incoming pod and existing pod partially match each other on AffinityTerms",
            pod(S1).pod_anti_affinity(exists_selector("security"), "zone"),
            vec![(
                "node1",
                pod(SECURITYSCAN)
                    .pod_anti_affinity(exists_selector("service"), "zone")
                    .pod_anti_affinity(exists_selector("security"), "zone"),
            )],
            ex_anti,
            false,
        ),
        (
            "PodAntiAffinity symmetry check b1: incoming pod and existing pod partially match each other on AffinityTerms",
            pod(&[("abc", ""), ("xyz", "")])
                .pod_anti_affinity(exists_selector("abc"), "zone")
                .pod_anti_affinity(exists_selector("def"), "zone"),
            vec![(
                "node1",
                pod(&[("def", ""), ("xyz", "")])
                    .pod_anti_affinity(exists_selector("abc"), "zone")
                    .pod_anti_affinity(exists_selector("def"), "zone"),
            )],
            anti,
            false,
        ),
        (
            "PodAntiAffinity symmetry check b2: incoming pod and existing pod partially match each other on AffinityTerms",
            pod(&[("def", ""), ("xyz", "")])
                .pod_anti_affinity(exists_selector("abc"), "zone")
                .pod_anti_affinity(exists_selector("def"), "zone"),
            vec![(
                "node1",
                pod(&[("abc", ""), ("xyz", "")])
                    .pod_anti_affinity(exists_selector("abc"), "zone")
                    .pod_anti_affinity(exists_selector("def"), "zone"),
            )],
            anti,
            false,
        ),
        (
            "anti-affinity with matching all NamespaceSelector",
            pod(S1)
                .namespace("subteam1.team1")
                .anti_affinity_term(ns_term(scan_in(), "zone", &[], Some(LabelSelector::default()))),
            vec![("node1", pod(SECURITYSCAN).namespace("subteam2.team1"))],
            anti,
            false,
        ),
    ];
    for (name, incoming, pods, want, skip) in cases {
        // "node2" only hosts the pod of the case that places one there; node1 is checked.
        let mut nodes = vec![node("node1", NODE1)];
        if pods.iter().any(|(n, _)| *n == "node2") {
            nodes.push(node("node2", &[]));
        }
        let c = cluster(nodes, existing(pods));
        let incoming = incoming.build();
        let pre = pre_filter_code(&InterPodAffinity::default(), &incoming, &c);
        assert_eq!(pre == Code::Skip, skip, "case {name:?}: PreFilter {pre:?}");
        let got = filter_statuses(&InterPodAffinity::default(), &incoming, &c);
        check_status(name, &got[0], want);
    }
}

const CHINA: L = &[("region", "China")];
const CHINA_AZ1: L = &[("region", "China"), ("az", "az1")];
const INDIA: L = &[("region", "India")];

/// `region r1, zone <z>, hostname <name>`.
fn rz(name: &'static str, zone: &'static str) -> NodeBuilder {
    NodeBuilder::new(name).labels(labels(&[
        ("region", "r1"),
        ("zone", zone),
        ("hostname", name),
    ]))
}

// interpodaffinity/filtering_test.go, TestRequiredAffinityMultipleNodes: one Filter
// status per node.
#[test]
fn required_affinity_multiple_nodes_test_go() {
    let aff_un: Want = Some((Code::UnschedulableAndUnresolvable, ERR_REASON_AFFINITY));
    let anti: Want = Some((Code::Unschedulable, ERR_REASON_ANTI_AFFINITY));
    let ex_anti: Want = Some((Code::Unschedulable, ERR_REASON_EXISTING_ANTI_AFFINITY));
    let three = || {
        vec![
            node("nodeA", CHINA),
            node("nodeB", CHINA_AZ1),
            node("nodeC", INDIA),
        ]
    };
    let ab_z1z1 = || vec![rz("nodeA", "z1"), rz("nodeB", "z1")];
    let ab_z1z2 = || vec![rz("nodeA", "z1"), rz("nodeB", "z2")];
    let foo_bar_scan: L = &[("foo", "bar"), ("service", "securityscan")];
    type Case = (
        &'static str,
        PodBuilder,
        Vec<(&'static str, PodBuilder)>,
        Vec<NodeBuilder>,
        Vec<Want>,
        bool,
    );
    let cases: Vec<Case> = vec![
        (
            "A pod can be scheduled onto all the nodes that have the same topology key & label value with one of them has an existing pod that matches the affinity rules",
            pod(&[]).pod_affinity(sel_in("foo", &["bar"]), "region"),
            vec![("nodeA", pod(&[("foo", "bar")]))],
            three(),
            vec![None, None, aff_un],
            false,
        ),
        (
            "The affinity rule is to schedule all of the pods of this collection to the same zone. The first pod of the collection should not be blocked from being scheduled onto any node, even there's no existing pod that matches the rule anywhere.",
            pod(foo_bar_scan)
                .pod_affinity(sel_in("foo", &["bar"]), "zone")
                .pod_affinity(sel_in("service", &["securityscan"]), "zone"),
            vec![("nodeA", pod(&[("foo", "bar")]))],
            vec![
                node("nodeA", &[("zone", "az1"), ("hostname", "h1")]),
                node("nodeB", &[("zone", "az2"), ("hostname", "h2")]),
            ],
            vec![None, None],
            false,
        ),
        (
            "The first pod of the collection can only be scheduled on nodes labelled with the requested topology keys",
            pod(foo_bar_scan)
                .pod_affinity(sel_in("foo", &["bar"]), "zone")
                .pod_affinity(sel_in("service", &["securityscan"]), "zone"),
            vec![("nodeA", pod(&[("foo", "bar")]))],
            vec![
                node("nodeA", &[("zoneLabel", "az1"), ("hostname", "h1")]),
                node("nodeB", &[("zoneLabel", "az2"), ("hostname", "h2")]),
            ],
            vec![aff_un, aff_un],
            false,
        ),
        (
            "NodeA and nodeB have same topologyKey and label value. NodeA has an existing pod that matches the inter pod affinity rule. The pod can not be scheduled onto nodeA and nodeB.",
            pod(&[]).pod_anti_affinity(sel_in("foo", &["abc"]), "region"),
            vec![("nodeA", pod(&[("foo", "abc")]))],
            vec![
                node("nodeA", &[("region", "r1"), ("hostname", "nodeA")]),
                node("nodeB", &[("region", "r1"), ("hostname", "nodeB")]),
            ],
            vec![anti, anti],
            false,
        ),
        (
            "This test ensures that anti-affinity matches a pod when any term of the anti-affinity rule matches a pod.",
            pod(&[])
                .pod_anti_affinity(sel_in("foo", &["abc"]), "region")
                .pod_anti_affinity(sel_in("service", &["securityscan"]), "zone"),
            vec![("nodeA", pod(&[("foo", "abc"), ("service", "securityscan")]))],
            ab_z1z2(),
            vec![anti, anti],
            false,
        ),
        (
            "NodeA and nodeB have same topologyKey and label value. NodeA has an existing pod that matches the inter pod affinity rule. The pod can not be scheduled onto nodeA and nodeB but can be scheduled onto nodeC",
            pod(&[]).pod_anti_affinity(sel_in("foo", &["abc"]), "region"),
            vec![("nodeA", pod(&[("foo", "abc")]))],
            three(),
            vec![anti, anti, None],
            false,
        ),
        (
            "NodeA and nodeB have same topologyKey and label value. NodeA has an existing pod that matches the inter pod affinity rule. The pod can not be scheduled onto nodeA, nodeB, but can be scheduled onto nodeC (NodeC has an existing pod that match the inter pod affinity rule but in different namespace)",
            pod(&[("foo", "123")])
                .namespace("NS1")
                .pod_anti_affinity(sel_in("foo", &["bar"]), "region"),
            vec![
                ("nodeA", pod(&[("foo", "bar")]).namespace("NS1")),
                (
                    "nodeC",
                    pod(&[])
                        .namespace("NS2")
                        .pod_anti_affinity(sel_in("foo", &["123"]), "region"),
                ),
            ],
            three(),
            vec![anti, anti, None],
            false,
        ),
        (
            "Test existing pod's anti-affinity: if an existing pod has a term with invalid topologyKey, labelSelector of the term is firstly checked, and then topologyKey of the term is also checked",
            pod(&[("foo", "")]),
            vec![(
                "nodeA",
                pod(&[]).pod_anti_affinity(exists_selector("foo"), "invalid-node-label"),
            )],
            ab_z1z1(),
            vec![None, None],
            true,
        ),
        (
            "Test incoming pod's anti-affinity: even if labelSelector matches, we still check if topologyKey matches",
            pod(&[])
                .node_name("nodeA")
                .pod_anti_affinity(exists_selector("foo"), "invalid-node-label"),
            vec![("nodeA", pod(&[("foo", "")]))],
            ab_z1z1(),
            vec![None, None],
            false,
        ),
        (
            "Test existing pod's anti-affinity: incoming pod wouldn't considered as a fit as it violates each existingPod's terms on all nodes",
            pod(&[("foo", ""), ("bar", "")]),
            vec![
                ("nodeA", pod(&[]).pod_anti_affinity(exists_selector("foo"), "zone")),
                ("nodeA", pod(&[]).pod_anti_affinity(exists_selector("bar"), "region")),
            ],
            ab_z1z2(),
            vec![ex_anti, ex_anti],
            false,
        ),
        (
            "Test incoming pod's anti-affinity: incoming pod wouldn't considered as a fit as it at least violates one anti-affinity rule of existingPod",
            pod(&[])
                .pod_anti_affinity(exists_selector("foo"), "zone")
                .pod_anti_affinity(exists_selector("bar"), "region"),
            vec![("nodeA", pod(&[("foo", "")])), ("nodeB", pod(&[("bar", "")]))],
            ab_z1z2(),
            vec![anti, anti],
            false,
        ),
        (
            "Test existing pod's anti-affinity: only when labelSelector and topologyKey both match, it's counted as a single term match - case when one term has invalid topologyKey",
            pod(&[("foo", ""), ("bar", "")]),
            vec![(
                "nodeA",
                pod(&[])
                    .pod_anti_affinity(exists_selector("foo"), "invalid-node-label")
                    .pod_anti_affinity(exists_selector("bar"), "zone"),
            )],
            ab_z1z2(),
            vec![ex_anti, None],
            false,
        ),
        (
            "Test incoming pod's anti-affinity: only when labelSelector and topologyKey both match, it's counted as a single term match - case when one term has invalid topologyKey",
            pod(&[])
                .pod_anti_affinity(exists_selector("foo"), "invalid-node-label")
                .pod_anti_affinity(exists_selector("bar"), "zone"),
            vec![("nodeA", pod(&[("foo", ""), ("bar", "")]))],
            ab_z1z2(),
            vec![anti, None],
            false,
        ),
        (
            "Test existing pod's anti-affinity: only when labelSelector and topologyKey both match, it's counted as a single term match - case when all terms have valid topologyKey",
            pod(&[("foo", ""), ("bar", "")]),
            vec![(
                "nodeA",
                pod(&[])
                    .pod_anti_affinity(exists_selector("foo"), "region")
                    .pod_anti_affinity(exists_selector("bar"), "zone"),
            )],
            ab_z1z2(),
            vec![ex_anti, ex_anti],
            false,
        ),
        (
            "Test incoming pod's anti-affinity: only when labelSelector and topologyKey both match, it's counted as a single term match - case when all terms have valid topologyKey",
            pod(&[])
                .pod_anti_affinity(exists_selector("foo"), "region")
                .pod_anti_affinity(exists_selector("bar"), "zone"),
            vec![("nodeA", pod(&[("foo", ""), ("bar", "")]))],
            ab_z1z2(),
            vec![anti, anti],
            false,
        ),
        (
            "Test existing pod's anti-affinity: existingPod on nodeA and nodeB has at least one anti-affinity term matches incoming pod, so incoming pod can only be scheduled to nodeC",
            pod(&[("foo", ""), ("bar", "")]),
            vec![
                (
                    "nodeA",
                    pod(&[])
                        .pod_anti_affinity(exists_selector("foo"), "zone")
                        .pod_anti_affinity(exists_selector("labelA"), "zone"),
                ),
                (
                    "nodeB",
                    pod(&[])
                        .pod_anti_affinity(exists_selector("bar"), "zone")
                        .pod_anti_affinity(exists_selector("labelB"), "zone"),
                ),
            ],
            vec![rz("nodeA", "z1"), rz("nodeB", "z2"), rz("nodeC", "z3")],
            vec![ex_anti, ex_anti, None],
            false,
        ),
        (
            "Test incoming pod's affinity: firstly check if all affinityTerms match, and then check if all topologyKeys match",
            pod(&[])
                .pod_affinity(exists_selector("foo"), "region")
                .pod_affinity(exists_selector("bar"), "zone"),
            vec![("nodeA", pod(&[("foo", ""), ("bar", "")]))],
            ab_z1z1(),
            vec![None, None],
            false,
        ),
        (
            "Test incoming pod's affinity: firstly check if all affinityTerms match, and then check if all topologyKeys match, and the match logic should be satisfied on the same pod",
            pod(&[])
                .pod_affinity(exists_selector("foo"), "region")
                .pod_affinity(exists_selector("bar"), "zone"),
            vec![("nodeA", pod(&[("foo", "")])), ("nodeB", pod(&[("bar", "")]))],
            ab_z1z2(),
            vec![aff_un, aff_un],
            false,
        ),
    ];
    for (name, incoming, pods, nodes, want, skip) in cases {
        let c = cluster(nodes, existing(pods));
        let incoming = incoming.build();
        let pre = pre_filter_code(&InterPodAffinity::default(), &incoming, &c);
        assert_eq!(pre == Code::Skip, skip, "case {name:?}: PreFilter {pre:?}");
        let got = filter_statuses(&InterPodAffinity::default(), &incoming, &c);
        assert_eq!(got.len(), want.len(), "case {name:?}");
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            check_status(&format!("{name} / node {i}"), g, w);
        }
    }
}

// ---------------------------------------------------------------------------------------
// scoring_test.go
// ---------------------------------------------------------------------------------------

const AZ1: L = &[("az", "az1")];
const AZ2: L = &[("az", "az2")];
const S2: L = &[("security", "S2")];

fn stay_with_s1_in_region(b: PodBuilder) -> PodBuilder {
    b.preferred_pod_affinity(5, sel_in("security", &["S1"]), "region")
}

fn stay_with_s2_in_region(b: PodBuilder) -> PodBuilder {
    b.preferred_pod_affinity(6, sel_in("security", &["S2"]), "region")
}

fn affinity3(b: PodBuilder) -> PodBuilder {
    b.preferred_pod_affinity(
        8,
        exprs_selector(vec![
            req("security", SelectorOp::NotIn, &["S1"]),
            req("security", SelectorOp::In, &["S2"]),
        ]),
        "region",
    )
    .preferred_pod_affinity(2, sel_security_exists(), "region")
}

fn hard_affinity(b: PodBuilder) -> PodBuilder {
    b.pod_affinity(sel_in("security", &["S1", "value2"]), "region")
        .pod_affinity(sel_security_exists(), "region")
}

fn away_from_s1_in_az(b: PodBuilder) -> PodBuilder {
    b.preferred_pod_anti_affinity(5, sel_in("security", &["S1"]), "az")
}

fn away_from_s2_in_az(b: PodBuilder) -> PodBuilder {
    b.preferred_pod_anti_affinity(5, sel_in("security", &["S2"]), "az")
}

fn stay_with_s1_in_region_away_from_s2_in_az(b: PodBuilder) -> PodBuilder {
    b.preferred_pod_affinity(8, sel_in("security", &["S1"]), "region")
        .preferred_pod_anti_affinity(5, sel_in("security", &["S2"]), "az")
}

/// A scoring case: expected scores, or `None` for a PreScore Skip.
type ScoreCase = (
    &'static str,
    PodBuilder,
    Vec<(&'static str, PodBuilder)>,
    Vec<NodeBuilder>,
    Option<Vec<i64>>,
);

fn run_score_cases(plugin: &InterPodAffinity, cases: Vec<ScoreCase>) {
    for (name, incoming, pods, nodes, want) in cases {
        let c = cluster(nodes, existing(pods));
        let incoming = incoming.build();
        let pre = pre_score_code(plugin, &incoming, &c);
        match want {
            None => assert_eq!(pre, Code::Skip, "case {name:?}"),
            Some(want) => {
                assert_eq!(pre, Code::Success, "case {name:?}");
                assert_eq!(scores(plugin, &incoming, &c), want, "case {name:?}");
            }
        }
    }
}

// interpodaffinity/scoring_test.go, TestPreferredAffinity (hardPodAffinityWeight 1).
// Raw scores are summed weights per topology value, then min-max scaled to 0..100.
#[test]
fn preferred_affinity_test_go() {
    let three = || {
        vec![
            node("node1", CHINA),
            node("node2", INDIA),
            node("node3", AZ1),
        ]
    };
    let cases: Vec<ScoreCase> = vec![
        (
            "all nodes are same priority as Affinity is nil",
            pod(S1),
            vec![],
            three(),
            None,
        ),
        (
            "Affinity: pod that matches topology key & pods in nodes will get high score comparing to otherswhich doesn't match either pods in nodes or in topology key",
            stay_with_s1_in_region(pod(S1)),
            vec![("node1", pod(S1)), ("node2", pod(S2)), ("node3", pod(S1))],
            three(),
            Some(vec![100, 0, 0]),
        ),
        (
            "All the nodes that have the same topology key & label value with one of them has an existing pod that match the affinity rules, have the same score",
            stay_with_s1_in_region(pod(&[])),
            vec![("node1", pod(S1))],
            vec![
                node("node1", CHINA),
                node("node2", CHINA_AZ1),
                node("node3", INDIA),
            ],
            Some(vec![100, 100, 0]),
        ),
        (
            // China holds 4 S2 pods (4*6 = 24), India 2 (12): 100, 0.
            "Affinity: nodes in one region has more matching pods comparing to other region, so the region which has more matches will get high score",
            stay_with_s2_in_region(pod(S1)),
            vec![
                ("node1", pod(S2)),
                ("node1", pod(S2)),
                ("node2", pod(S2)),
                ("node3", pod(S2)),
                ("node4", pod(S2)),
                ("node5", pod(S2)),
            ],
            vec![
                node("node1", CHINA),
                node("node2", INDIA),
                node("node3", CHINA),
                node("node4", CHINA),
                node("node5", INDIA),
            ],
            Some(vec![100, 0, 100, 100, 0]),
        ),
        (
            // China: the S1 pod matches only the weight-2 term (2); India: the S2 pod
            // matches both (8 + 2 = 10); node3 has no region (0): 2/10 = 20, 100, 0.
            "Affinity: different Label operators and values for pod affinity scheduling preference, including some match failures ",
            affinity3(pod(S1)),
            vec![("node1", pod(S1)), ("node2", pod(S2)), ("node3", pod(S1))],
            three(),
            Some(vec![20, 100, 0]),
        ),
        (
            "Affinity symmetry: considered only the preferredDuringSchedulingIgnoredDuringExecution in pod affinity symmetry",
            pod(S2),
            vec![
                ("node1", stay_with_s1_in_region(pod(S1))),
                ("node2", stay_with_s2_in_region(pod(S2))),
            ],
            three(),
            Some(vec![0, 100, 0]),
        ),
        (
            // Each existing pod's two required terms match the S1 pod on node1's side only
            // for the first; the second (security Exists) matches on both: China 2, India 1.
            "Affinity symmetry: considered RequiredDuringSchedulingIgnoredDuringExecution in pod affinity symmetry",
            pod(S1),
            vec![
                ("node1", hard_affinity(pod(S1))),
                ("node2", hard_affinity(pod(S2))),
            ],
            three(),
            Some(vec![100, 100, 0]),
        ),
        (
            "Anti Affinity: pod that does not match existing pods in node will get high score ",
            away_from_s1_in_az(pod(S1)),
            vec![("node1", pod(S1)), ("node2", pod(S2))],
            vec![node("node1", AZ1), node("node2", CHINA)],
            Some(vec![0, 100]),
        ),
        (
            "Anti Affinity: pod that does not match topology key & match the pods in nodes will get higher score comparing to others ",
            away_from_s1_in_az(pod(S1)),
            vec![("node1", pod(S1)), ("node2", pod(S1))],
            vec![node("node1", AZ1), node("node2", CHINA)],
            Some(vec![0, 100]),
        ),
        (
            "Anti Affinity: one node has more matching pods comparing to other node, so the node which has more unmatches will get high score",
            away_from_s1_in_az(pod(S1)),
            vec![("node1", pod(S1)), ("node1", pod(S1)), ("node2", pod(S2))],
            vec![node("node1", AZ1), node("node2", INDIA)],
            Some(vec![0, 100]),
        ),
        (
            "Anti Affinity symmetry: the existing pods in node which has anti affinity match will get high score",
            pod(S2),
            vec![
                ("node1", away_from_s2_in_az(pod(S1))),
                ("node2", away_from_s1_in_az(pod(S2))),
            ],
            vec![node("node1", AZ1), node("node2", AZ2)],
            Some(vec![0, 100]),
        ),
        (
            "Affinity and Anti Affinity: considered only preferredDuringSchedulingIgnoredDuringExecution in both pod affinity & anti affinity",
            stay_with_s1_in_region_away_from_s2_in_az(pod(S1)),
            vec![("node1", pod(S1)), ("node2", pod(S1))],
            vec![node("node1", CHINA), node("node2", AZ1)],
            Some(vec![100, 0]),
        ),
        (
            "Affinity and Anti Affinity: considering both affinity and anti-affinity, the pod to schedule and existing pods have the same labels",
            stay_with_s1_in_region_away_from_s2_in_az(pod(S1)),
            vec![
                ("node1", pod(S1)),
                ("node1", pod(S1)),
                ("node2", pod(S1)),
                ("node3", pod(S1)),
                ("node3", pod(S1)),
                ("node4", pod(S1)),
                ("node5", pod(S1)),
            ],
            vec![
                node("node1", CHINA_AZ1),
                node("node2", INDIA),
                node("node3", CHINA),
                node("node4", CHINA),
                node("node5", INDIA),
            ],
            Some(vec![100, 0, 100, 100, 0]),
        ),
        (
            // Affinity 8,0,0,0; anti-affinity 0,-5,0,0; affinity symmetry 0,0,8,0;
            // anti-affinity symmetry 0,0,0,-5: scaled 100, 0, 100, 0.
            "Affinity and Anti Affinity and symmetry: considered only preferredDuringSchedulingIgnoredDuringExecution in both pod affinity & anti affinity & symmetry",
            stay_with_s1_in_region_away_from_s2_in_az(pod(S1)),
            vec![
                ("node1", pod(S1)),
                ("node2", pod(S2)),
                ("node3", stay_with_s1_in_region_away_from_s2_in_az(pod(&[]))),
                ("node4", away_from_s1_in_az(pod(&[]))),
            ],
            vec![
                node("node1", CHINA),
                node("node2", AZ1),
                node("node3", INDIA),
                node("node4", AZ2),
            ],
            Some(vec![100, 0, 100, 0]),
        ),
        (
            "Avoid panic when partial nodes in a topology don't have pods with affinity",
            pod(S1),
            vec![
                ("node1", pod(S1)),
                ("node2", stay_with_s1_in_region_away_from_s2_in_az(pod(&[]))),
            ],
            vec![node("node1", CHINA), node("node2", CHINA)],
            Some(vec![0, 0]),
        ),
        (
            "Do not ignore preferred terms of existing pods",
            pod(S2),
            vec![
                ("node1", stay_with_s1_in_region_away_from_s2_in_az(pod(S1))),
                ("node2", stay_with_s2_in_region(pod(S2))),
            ],
            vec![node("node1", CHINA), node("node2", INDIA)],
            Some(vec![0, 100]),
        ),
        ("No nodes to score", pod(S2), vec![], vec![], None),
    ];
    run_score_cases(&InterPodAffinity::default(), cases);

    // The same table's `ignorePreferredTermsOfExistingPods: true` case.
    let ignore = InterPodAffinity {
        ignore_preferred_terms_of_existing_pods: true,
        ..InterPodAffinity::default()
    };
    run_score_cases(
        &ignore,
        vec![(
            "Ignore preferred terms of existing pods",
            pod(S2),
            vec![
                ("node1", stay_with_s1_in_region_away_from_s2_in_az(pod(S1))),
                ("node2", stay_with_s2_in_region(pod(S2))),
            ],
            vec![node("node1", CHINA), node("node2", INDIA)],
            None,
        )],
    );
}

// interpodaffinity/scoring_test.go, TestPreferredAffinityWithHardPodAffinitySymmetricWeight:
// existing pods' required affinity (namespaces ["", "subteam2.team2"] plus a namespace
// selector) scores hardPodAffinityWeight on their region. The Go table's empty namespace
// is `default` here, so the term lists `default` in its place.
#[test]
fn preferred_affinity_with_hard_pod_affinity_symmetric_weight_test_go() {
    let team1 = || exprs_selector(vec![req("team", SelectorOp::In, &["team1"])]);
    let hard = |b: PodBuilder| {
        b.affinity_term(ns_term(
            sel_in("service", &["S1"]),
            "region",
            &["default", "subteam2.team2"],
            Some(team1()),
        ))
    };
    let three = || {
        vec![
            node("node1", CHINA),
            node("node2", INDIA),
            node("node3", AZ1),
        ]
    };
    let s1: L = &[("service", "S1")];
    let existing = || vec![("node1", hard(pod(&[]))), ("node2", hard(pod(&[])))];
    let weight = |w: i64| InterPodAffinity {
        hard_pod_affinity_weight: w,
        ..InterPodAffinity::default()
    };
    let cases: Vec<(&str, i64, PodBuilder, Option<Vec<i64>>)> = vec![
        ("with default weight", 1, pod(s1), Some(vec![100, 100, 0])),
        ("with zero weight", 0, pod(s1), None),
        (
            "with no matching namespace",
            1,
            pod(s1).namespace("subteam1.team2"),
            None,
        ),
        (
            "with matching Namespaces",
            1,
            pod(s1).namespace("subteam2.team2"),
            Some(vec![100, 100, 0]),
        ),
    ];
    for (name, w, incoming, want) in cases {
        run_score_cases(
            &weight(w),
            vec![(name, incoming, existing(), three(), want)],
        );
    }
}
