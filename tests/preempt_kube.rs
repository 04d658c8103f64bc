//! DefaultPreemption tables after kube-scheduler's
//! pkg/scheduler/framework/plugins/defaultpreemption/default_preemption_test.go:
//! TestPostFilter's cases (named after their source cases) run through the plugin's
//! PostFilter on a Cluster built with the shared builders and the default profile's
//! filters; pickOneNodeForPreemption's criteria one by one (framework/preemption); and
//! SelectVictimsOnNode's PDB-first reprieve order.
//!
//! Left out of TestPostFilter: the extender case (k8sim has no extenders), the two
//! "TestPlugin" cases (they inject errors from PreFilter AddPod/RemovePod extensions,
//! which k8sim's plugins do not have) and the PodGroup / workload-aware preemption cases
//! (alpha features not modelled).

mod sched_common;

use k8sim::cluster::{Cluster, DryRun, NodeIdx, PodId};
use k8sim::engine::SimTime;
use k8sim::model::resources::ResourceNames;
use k8sim::scheduler::builtin_profile;
use k8sim::scheduler::framework::{
    Code, NodeVerdict, Nominator, PdbBudget, PostFilterHandle, PostFilterPlugin, Status,
};
use k8sim::scheduler::plugins::default_preemption::{
    pick_one_node_for_preemption, select_victims_on_node, Candidate, DefaultPreemption,
};
use sched_common::{cluster, selector, NodeBuilder, PodBuilder};

const NEG: i32 = -100;
const LOW: i32 = 0;
const MID: i32 = 100;
const HIGH: i32 = 1000;
const VERY_HIGH: i32 = 10000;
const VIOLATING_KEY: &str = "test.kubernetes.io/is-violating-pdb";

/// kube's `onePodRes`: a node with room for one pod.
fn one_pod(name: &str) -> NodeBuilder {
    NodeBuilder::new(name).pods(1)
}

/// kube's `nodeRes`: 200m cpu, 400 bytes of memory.
fn node_res(name: &str) -> NodeBuilder {
    NodeBuilder::new(name).cpu(200).mem(400)
}

/// kube's `largeRes` request: 300m cpu, 300 bytes.
fn large(b: PodBuilder) -> PodBuilder {
    b.req(300, 300)
}

/// One TestPostFilter case: the preemptor, the bound pods, the PDBs, each node's filter
/// code (nodes not listed are absent from the status map), and the expected nominated
/// node (`Some("")` clears the nomination, `None` keeps it) and status.
struct Case {
    name: &'static str,
    nodes: Vec<NodeBuilder>,
    pods: Vec<(&'static str, PodBuilder)>,
    pdbs: Vec<PdbBudget>,
    statuses: Vec<(&'static str, Code)>,
    preemptor: PodBuilder,
    want_node: Option<&'static str>,
    want_status: Status,
}

fn run_post_filter(case: Case) {
    let existing: Vec<(&str, k8sim::cluster::Pod)> = case
        .pods
        .into_iter()
        .map(|(node, b)| (node, b.build()))
        .collect();
    let allocatable: Vec<_> = case.nodes.iter().map(|n| n.spec.allocatable).collect();
    let mut c: Cluster = cluster(case.nodes, existing);
    // kube's snapshot keeps over-committed nodes as they are (the shared builder raises
    // allocatable to fit the existing pods).
    for (i, a) in allocatable.into_iter().enumerate() {
        c.set_allocatable(NodeIdx(i as u32), a);
    }
    let preemptor = case.preemptor.build();
    let pid = c.add_pod(preemptor.clone());
    let failed: Vec<NodeVerdict> = case
        .statuses
        .iter()
        .map(|(n, code)| NodeVerdict {
            node: c.node_names()[*n],
            status: Status {
                code: *code,
                reasons: Vec::new(),
            },
        })
        .collect();
    let profile = builtin_profile("default", &ResourceNames::default()).unwrap();
    let nominator = Nominator::default();
    let handle = PostFilterHandle {
        pod: pid,
        fits: &profile,
        pdbs: &case.pdbs,
        nominator: &nominator,
        preempted: &[],
    };
    let before: Vec<Vec<PodId>> = c.nodes().pods().to_vec();
    let requested = c.nodes().requested().to_vec();
    let (result, status) = DefaultPreemption::default().post_filter(
        &preemptor,
        &mut DryRun::new(&mut c),
        &failed,
        &handle,
    );
    assert_eq!(status, case.want_status, "case {:?}", case.name);
    let got = result.map(|r| r.nominated.map(|n| c.nodes().names()[n.ix()].clone()));
    let want = case
        .want_node
        .map(|n| (!n.is_empty()).then(|| n.to_string()));
    assert_eq!(got, want, "case {:?}", case.name);
    assert_eq!(
        c.nodes().pods(),
        before,
        "case {:?}: dry run restored",
        case.name
    );
    assert_eq!(c.nodes().requested(), requested, "case {:?}", case.name);
}

fn pod(name: &str) -> PodBuilder {
    PodBuilder::new(name)
}

fn unschedulable(msg: &str) -> Status {
    Status::new(Code::Unschedulable, msg)
}

fn pdb(value: &str, allowed: i32) -> PdbBudget {
    PdbBudget {
        namespace: "default".into(),
        selector: selector(&[(VIOLATING_KEY, value)]),
        disruptions_allowed: allowed,
    }
}

#[test]
fn test_post_filter_table() {
    let cases = vec![
        Case {
            name: "pod with higher priority can be made schedulable",
            nodes: vec![one_pod("node1")],
            pods: vec![("node1", pod("p1"))],
            pdbs: vec![],
            statuses: vec![("node1", Code::Unschedulable)],
            preemptor: pod("p").priority(HIGH),
            want_node: Some("node1"),
            want_status: Status::success(),
        },
        Case {
            name: "pod with tied priority is still unschedulable",
            nodes: vec![one_pod("node1")],
            pods: vec![("node1", pod("p1"))],
            pdbs: vec![],
            statuses: vec![("node1", Code::Unschedulable)],
            preemptor: pod("p"),
            want_node: Some(""),
            want_status: unschedulable(
                "preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
            ),
        },
        Case {
            name: "preemption should respect filteredNodesStatuses",
            nodes: vec![one_pod("node1")],
            pods: vec![("node1", pod("p1"))],
            pdbs: vec![],
            statuses: vec![("node1", Code::UnschedulableAndUnresolvable)],
            preemptor: pod("p").priority(HIGH),
            want_node: Some(""),
            want_status: unschedulable(
                "preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
            ),
        },
        Case {
            name: "preemption should respect absent NodeToStatusReader entry meaning UnschedulableAndUnresolvable",
            nodes: vec![one_pod("node1")],
            pods: vec![("node1", pod("p1"))],
            pdbs: vec![],
            statuses: vec![],
            preemptor: pod("p").priority(HIGH),
            want_node: Some(""),
            want_status: unschedulable(
                "preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
            ),
        },
        Case {
            name: "pod can be made schedulable on one node",
            nodes: vec![one_pod("node1"), one_pod("node2")],
            pods: vec![
                ("node1", pod("p1").priority(HIGH)),
                ("node2", pod("p2").priority(LOW)),
            ],
            pdbs: vec![],
            statuses: vec![("node1", Code::Unschedulable), ("node2", Code::Unschedulable)],
            preemptor: pod("p").priority(MID),
            want_node: Some("node2"),
            want_status: Status::success(),
        },
        Case {
            name: "pod can be made schedulable on minHighestPriority node",
            nodes: vec![one_pod("node1"), one_pod("node2")],
            pods: vec![
                (
                    "node1",
                    pod("p1").label(VIOLATING_KEY, "non-violating").priority(HIGH),
                ),
                ("node1", pod("p2").label(VIOLATING_KEY, "violating").priority(LOW)),
                ("node2", pod("p3").label(VIOLATING_KEY, "violating").priority(MID)),
            ],
            // minAvailable 100% leaves no disruption; the other allows MaxInt32.
            pdbs: vec![pdb("violating", 0), pdb("non-violating", i32::MAX)],
            statuses: vec![("node1", Code::Unschedulable), ("node2", Code::Unschedulable)],
            preemptor: pod("p").priority(VERY_HIGH),
            want_node: Some("node2"),
            want_status: Status::success(),
        },
        Case {
            name: "no candidate nodes found, no enough resource after removing low priority pods",
            nodes: vec![node_res("node1"), node_res("node2")],
            pods: vec![("node1", pod("p1")), ("node2", pod("p2"))],
            pdbs: vec![],
            statuses: vec![("node1", Code::Unschedulable), ("node2", Code::Unschedulable)],
            preemptor: large(pod("p").priority(HIGH)),
            want_node: Some(""),
            want_status: unschedulable(
                "preemption: 0/2 nodes are available: 2 Insufficient cpu.",
            ),
        },
        Case {
            name: "no candidate nodes found with mixed reasons, no lower priority pod and no enough CPU resource",
            nodes: vec![one_pod("node1"), node_res("node2"), one_pod("node3")],
            pods: vec![
                ("node1", pod("p1").priority(HIGH)),
                ("node2", pod("p2")),
                ("node3", pod("p3").priority(HIGH)),
            ],
            pdbs: vec![],
            statuses: vec![
                ("node1", Code::Unschedulable),
                ("node2", Code::Unschedulable),
                ("node3", Code::Unschedulable),
            ],
            preemptor: large(pod("p").priority(HIGH)),
            want_node: Some(""),
            want_status: unschedulable(
                "preemption: 0/3 nodes are available: 1 Insufficient cpu, 2 No preemption victims found for incoming pod.",
            ),
        },
        Case {
            name: "no candidate nodes found with mixed reason, 2 UnschedulableAndUnresolvable nodes and 2 nodes don't have enough CPU resource",
            nodes: vec![
                node_res("node1"),
                node_res("node2"),
                node_res("node3"),
                node_res("node4"),
            ],
            pods: vec![("node1", pod("p1")), ("node2", pod("p2"))],
            pdbs: vec![],
            statuses: vec![
                ("node1", Code::Unschedulable),
                ("node2", Code::Unschedulable),
                ("node4", Code::UnschedulableAndUnresolvable),
            ],
            preemptor: large(pod("p").priority(HIGH)),
            want_node: Some(""),
            want_status: unschedulable(
                "preemption: 0/4 nodes are available: 2 Insufficient cpu, 2 Preemption is not helpful for scheduling.",
            ),
        },
        Case {
            name: "preemptionPolicy Never (PodEligibleToPreemptOthers)",
            nodes: vec![one_pod("node1")],
            pods: vec![("node1", pod("p1"))],
            pdbs: vec![],
            statuses: vec![("node1", Code::Unschedulable)],
            preemptor: pod("p").priority(HIGH).never_preempt(),
            want_node: None,
            want_status: unschedulable("preemption: not eligible due to preemptionPolicy=Never."),
        },
    ];
    for case in cases {
        run_post_filter(case);
    }
}

/// A cluster of one node per victim list, every victim bound at `start` seconds.
fn candidates_cluster(nodes: &[&[(i32, u64)]]) -> (Cluster, Vec<Candidate>) {
    let mut builders = Vec::new();
    let mut existing = Vec::new();
    for (i, victims) in nodes.iter().enumerate() {
        let name = format!("node{}", i + 1);
        builders.push(NodeBuilder::new(&name).cpu(1000).mem(1000));
        for (j, (prio, _)) in victims.iter().enumerate() {
            existing.push((
                name.clone(),
                pod(&format!("p{}.{}", i + 1, j + 1))
                    .priority(*prio)
                    .build(),
            ));
        }
    }
    let mut c = cluster(builders, existing);
    let mut cands = Vec::new();
    for (i, victims) in nodes.iter().enumerate() {
        let n = NodeIdx(i as u32);
        let ids: Vec<PodId> = c.nodes().pods()[n.ix()].clone();
        for (id, (_, start)) in ids.iter().zip(victims.iter()) {
            c.pod_status_mut(*id).times.scheduled = Some(SimTime::from_secs(*start));
        }
        cands.push(Candidate {
            node: n,
            victims: ids,
            num_pdb_violations: 0,
        });
    }
    (c, cands)
}

/// pickOneNodeForPreemption's criteria, in kube's order (preemption.go; cases after
/// TestSelectBestCandidate).
#[test]
fn pick_one_node_for_preemption_criteria() {
    // "a pod that fits on both nodes when lower priority pods are preempted": equal
    // victims everywhere, so the first node.
    let (c, cands) = candidates_cluster(&[&[(MID, 0)], &[(MID, 0)]]);
    assert_eq!(pick_one_node_for_preemption(&c, &cands), Some(0));
    // "a pod that fits on a machine with no preemption" style: min highest priority.
    let (c, cands) = candidates_cluster(&[&[(HIGH, 0)], &[(MID, 0), (LOW, 0)]]);
    assert_eq!(pick_one_node_for_preemption(&c, &cands), Some(1));
    // "mixed priority pods are preempted, pick later StartTime one when priorities are
    // equal": min highest, then min sum of priorities.
    let (c, cands) = candidates_cluster(&[&[(MID, 0), (MID, 0)], &[(MID, 0), (LOW, 0)]]);
    assert_eq!(pick_one_node_for_preemption(&c, &cands), Some(1));
    // Negative priorities still count in the sum (each shifted by 2^31): fewer victims win.
    let (c, cands) = candidates_cluster(&[&[(NEG, 0), (NEG, 0)], &[(NEG, 0)]]);
    assert_eq!(pick_one_node_for_preemption(&c, &cands), Some(1));
    // Same priorities and sums: the fewest victims.
    let (c, cands) = candidates_cluster(&[&[(MID, 0), (LOW, 0), (LOW, 0)], &[(MID, 0), (LOW, 0)]]);
    assert_eq!(pick_one_node_for_preemption(&c, &cands), Some(1));
    // "pick later StartTime one when priorities are equal": latest earliest start time
    // among the highest-priority victims.
    let (c, cands) =
        candidates_cluster(&[&[(MID, 1), (LOW, 9)], &[(MID, 5), (LOW, 0)], &[(MID, 3)]]);
    // node3 has fewer victims; among node1/node2 node2's MID victim started later.
    assert_eq!(pick_one_node_for_preemption(&c, &cands), Some(2));
    let (c, cands) = candidates_cluster(&[&[(MID, 1), (LOW, 9)], &[(MID, 5), (LOW, 0)]]);
    assert_eq!(pick_one_node_for_preemption(&c, &cands), Some(1));
    // Fewest PDB violations comes before everything else.
    let (c, mut cands) = candidates_cluster(&[&[(LOW, 0)], &[(HIGH, 0), (HIGH, 0)]]);
    cands[0].num_pdb_violations = 1;
    assert_eq!(pick_one_node_for_preemption(&c, &cands), Some(1));
}

/// SelectVictimsOnNode reprieves PDB-violating pods first, then the others, most
/// important first (kube's "preemption with violation of the pdb with pod whose eviction
/// was processed" family of TestDryRunPreemption cases, without DisruptedPods).
#[test]
fn select_victims_on_node_reprieves_pdb_violating_pods_first() {
    // One node with room for two pods; the preemptor needs one slot. p1 (NEG, covered by
    // a PDB with no disruption left) is less important than p2 (LOW), yet reprieved first
    // when the PDB is there.
    let nodes = vec![NodeBuilder::new("node1").cpu(1000).mem(1000).pods(2)];
    let existing = vec![
        (
            "node1",
            pod("p1").priority(NEG).label(VIOLATING_KEY, "violating"),
        ),
        ("node1", pod("p2").priority(LOW)),
    ];
    let existing: Vec<_> = existing.into_iter().map(|(n, b)| (n, b.build())).collect();
    let mut c = cluster(nodes, existing);
    let preemptor = pod("p").priority(HIGH).build();
    let pid = c.add_pod(preemptor.clone());
    let profile = builtin_profile("default", &ResourceNames::default()).unwrap();
    let nominator = Nominator::default();
    for (pdbs, want_victim, want_violations) in
        [(vec![pdb("violating", 0)], "p2", 0), (vec![], "p1", 0)]
    {
        let handle = PostFilterHandle {
            pod: pid,
            fits: &profile,
            pdbs: &pdbs,
            nominator: &nominator,
            preempted: &[],
        };
        let n = c.node_names()["node1"];
        let (victims, violations) =
            select_victims_on_node(&preemptor, &mut DryRun::new(&mut c), n, &handle).expect("fits");
        let names: Vec<&str> = victims
            .iter()
            .map(|v| c.pods()[v.ix()].name.as_str())
            .collect();
        // Without a PDB, p2 (more important) is reprieved and p1 goes.
        assert_eq!(names, vec![want_victim], "pdbs {pdbs:?}");
        assert_eq!(violations, want_violations);
    }
    // When every choice violates a PDB the violation is counted.
    let handle_pdbs = vec![pdb("violating", 0)];
    let mut c2 = cluster(
        vec![NodeBuilder::new("node1").cpu(1000).mem(1000).pods(1)],
        vec![(
            "node1",
            pod("p1")
                .priority(LOW)
                .label(VIOLATING_KEY, "violating")
                .build(),
        )],
    );
    let pid2 = c2.add_pod(preemptor.clone());
    let handle = PostFilterHandle {
        pod: pid2,
        fits: &profile,
        pdbs: &handle_pdbs,
        nominator: &nominator,
        preempted: &[],
    };
    let n = c2.node_names()["node1"];
    let (victims, violations) =
        select_victims_on_node(&preemptor, &mut DryRun::new(&mut c2), n, &handle).unwrap();
    assert_eq!((victims.len(), violations), (1, 1));
}
