//! NodeResourcesBalancedAllocation and NodeResourcesFit RequestedToCapacityRatio tables
//! ported from kube-scheduler's unit tests (pkg/scheduler/framework/plugins/noderesources
//! and helper), each case named after its source case; scores are checked through both
//! the per-node and the batch path.

mod sched_common;

use k8sim::model::resources::{ResourceIdx, ResourceNames, CPU, MEMORY};
use k8sim::scheduler::plugins::balanced_allocation::BalancedAllocation;
use k8sim::scheduler::plugins::node_resources_fit::{
    broken_linear, NodeResourcesFit, ScoringStrategy,
};
use sched_common::{cluster, n, p, scores, NodeBuilder, PodBuilder, EXT1, EXT2, MB};

/// kube's `cpuOnly` pod spec: 1000m + 2000m cpu, explicit 0 memory.
fn cpu_only() -> PodBuilder {
    p().req(1000, 0).req(2000, 0)
}

/// kube's `cpuAndMemory` pod spec: 1000m/2000 + 2000m/3000.
fn cpu_and_memory() -> PodBuilder {
    p().req(1000, 2000).req(2000, 3000)
}

/// kube's `cpuAndMemoryAndGPU`: as cpuAndMemory plus 3 nvidia.com/gpu in the second container.
fn cpu_and_memory_and_gpu() -> PodBuilder {
    p().req(1000, 2000)
        .req_map(&[(CPU, 2000), (MEMORY, 3000), (EXT1, 3)])
}

/// kube's `makeNode(name, cpu, mem, scalar)` with 8 nvidia.com/gpu when `gpu`.
fn node(name: &str, cpu: i64, mem: i64, gpu: bool) -> NodeBuilder {
    let b = n(name, cpu, mem);
    if gpu {
        b.res(EXT1, 8)
    } else {
        b
    }
}

// pkg/scheduler/framework/plugins/noderesources/balanced_allocation_test.go,
// TestNodeResourcesBalancedAllocation (the DRA cases need DRA, which k8sim does not model;
// the best-effort PreScore Skip case is `balanced_allocation_skips_best_effort_pods`).
#[test]
fn balanced_allocation_test_go() {
    let default = BalancedAllocation::default();
    let with_gpu = BalancedAllocation {
        resources: vec![(CPU, 1), (MEMORY, 1), (EXT1, 1)],
    };
    let cases = vec![
        // node1: cpu 3000/4000 = .75, mem .5 -> std .125 -> 87; node2: .5/.5 -> 100.
        (
            "nothing scheduled, resources requested, differently sized nodes",
            &default,
            cpu_and_memory(),
            vec![
                node("node1", 4000, 10000, false),
                node("node2", 6000, 10000, false),
            ],
            vec![],
            vec![87, 100],
        ),
        (
            "resources requested, pods scheduled with resources",
            &default,
            cpu_and_memory(),
            vec![
                node("node1", 10000, 20000, false),
                node("node2", 10000, 20000, false),
            ],
            vec![
                ("node1", cpu_only().build()),
                ("node2", cpu_and_memory().build()),
            ],
            vec![82, 95],
        ),
        (
            "resources requested, pods scheduled with resources, differently sized nodes",
            &default,
            cpu_and_memory(),
            vec![
                node("node1", 10000, 20000, false),
                node("node2", 10000, 50000, false),
            ],
            vec![
                ("node1", cpu_only().build()),
                ("node2", cpu_and_memory().build()),
            ],
            vec![82, 80],
        ),
        (
            "requested resources at node capacity",
            &default,
            cpu_only(),
            vec![
                node("node1", 6000, 10000, false),
                node("node2", 6000, 10000, false),
            ],
            vec![
                ("node1", cpu_only().build()),
                ("node2", cpu_and_memory().build()),
            ],
            vec![50, 75],
        ),
        (
            "include scalar resource on a node for balanced resource allocation",
            &with_gpu,
            p().req_map(&[(MEMORY, 0), (EXT1, 1)]),
            vec![
                node("node1", 3500, 40000, true),
                node("node2", 3500, 40000, true),
            ],
            vec![
                ("node2", cpu_and_memory().build()),
                ("node1", cpu_and_memory_and_gpu().build()),
            ],
            vec![70, 65],
        ),
        (
            "node without the scalar resource should skip the scalar resource",
            &with_gpu,
            cpu_and_memory(),
            vec![
                node("node1", 3500, 40000, true),
                node("node2", 3500, 40000, false),
            ],
            vec![],
            vec![63, 63],
        ),
        (
            "resources requested, pods scheduled with resources if PreScore not called",
            &default,
            cpu_and_memory(),
            vec![
                node("node1", 10000, 20000, false),
                node("node2", 10000, 20000, false),
            ],
            vec![
                ("node1", cpu_only().build()),
                ("node2", cpu_and_memory().build()),
            ],
            vec![82, 95],
        ),
    ];
    for (name, plugin, pod, nodes, existing, want) in cases {
        let c = cluster(nodes, existing);
        assert_eq!(scores(plugin, &pod.build(), &c), want, "case {name:?}");
    }
}

/// A RequestedToCapacityRatio NodeResourcesFit; `shape` in kube's 0..=10 score units.
fn rtcr(shape: &[(i64, i64)], resources: Vec<(ResourceIdx, i64)>) -> NodeResourcesFit {
    let scaled = shape.iter().map(|&(u, s)| (u, s * 10)).collect();
    let mut f = NodeResourcesFit::new(
        ScoringStrategy::RequestedToCapacityRatio(scaled),
        ResourceNames::default(),
    );
    f.resources = resources;
    f
}

// pkg/scheduler/framework/plugins/noderesources/requested_to_capacity_ratio_test.go,
// TestRequestedToCapacityRatioScoringStrategy (shape 0->10, 100->0; cpu and memory).
#[test]
fn requested_to_capacity_ratio_scoring_strategy_test_go() {
    let f = rtcr(&[(0, 10), (100, 0)], vec![(CPU, 1), (MEMORY, 1)]);
    let cases = vec![
        ("nothing scheduled, nothing requested (default - least requested nodes have priority)",
         p(), vec![n("node1", 4000, 10000), n("node2", 4000, 10000)],
         vec![("node1", p().build()), ("node1", p().build())], vec![100, 100]),
        // cpu 75% -> 25, memory 50% -> 50: round(37.5) = 38.
        ("nothing scheduled, resources requested, differently sized nodes (default - least requested nodes have priority)",
         p().req(1000, 2000).req(2000, 3000), vec![n("node1", 4000, 10000), n("node2", 6000, 10000)],
         vec![("node1", p().build()), ("node1", p().build())], vec![38, 50]),
        ("no resources requested, pods scheduled with resources (default - least requested nodes have priority)",
         p(), vec![n("node1", 4000, 10000), n("node2", 6000, 10000)],
         vec![("node1", p().req(3000, 5000).build()), ("node2", p().req(3000, 5000).build())], vec![38, 50]),
    ];
    for (name, pod, nodes, existing, want) in cases {
        let c = cluster(nodes, existing);
        assert_eq!(scores(&f, &pod.build(), &c), want, "case {name:?}");
    }
}

// pkg/scheduler/framework/plugins/noderesources/requested_to_capacity_ratio_test.go,
// TestResourceBinPackingSingleExtended (shape 0->0, 100->1 on intel.com/foo only).
#[test]
fn resource_bin_packing_single_extended_test_go() {
    let f = rtcr(&[(0, 0), (100, 1)], vec![(EXT1, 1)]);
    let nodes = || {
        vec![
            n("node1", 4000, 10000 * MB).res(EXT1, 8),
            n("node2", 4000, 10000 * MB).res(EXT1, 4),
        ]
    };
    let foo = |v: i64| p().req_map(&[(EXT1, v)]);
    let cases = vec![
        ("nothing scheduled, nothing requested", p(), vec![], vec![0, 0]),
        // 2/8 = 25% -> 2; 2/4 = 50% -> 5.
        ("resources requested, pods scheduled with less resources",
         foo(2), vec![("node1", p().build())], vec![2, 5]),
        ("resources requested, pods scheduled with resources, on node with existing pod running ",
         foo(2), vec![("node2", foo(2).build())], vec![2, 10]),
        ("resources requested, pods scheduled with more resources",
         foo(4), vec![("node1", p().build())], vec![5, 10]),
    ];
    for (name, pod, existing, want) in cases {
        let c = cluster(nodes(), existing);
        assert_eq!(scores(&f, &pod.build(), &c), want, "case {name:?}");
    }
}

// pkg/scheduler/framework/plugins/noderesources/requested_to_capacity_ratio_test.go,
// TestResourceBinPackingMultipleExtended (intel.com/foo weight 3, intel.com/bar weight 5).
#[test]
fn resource_bin_packing_multiple_extended_test_go() {
    let f = rtcr(&[(0, 0), (100, 1)], vec![(EXT1, 3), (EXT2, 5)]);
    let nodes = || {
        vec![
            n("node1", 4000, 10000 * MB).res(EXT1, 8).res(EXT2, 4),
            n("node2", 4000, 10000 * MB).res(EXT1, 4).res(EXT2, 8),
        ]
    };
    let cases = vec![
        (
            "nothing scheduled, nothing requested",
            p(),
            vec![],
            vec![0, 0],
        ),
        // node1: foo 2/8 -> 2, bar 2/4 -> 5: round((2*3 + 5*5) / 8) = 4; node2: 3.
        (
            "resources requested, pods scheduled with less resources",
            p().req_map(&[(EXT1, 2), (EXT2, 2)]),
            vec![("node1", p().build())],
            vec![4, 3],
        ),
    ];
    for (name, pod, existing, want) in cases {
        let c = cluster(nodes(), existing);
        assert_eq!(scores(&f, &pod.build(), &c), want, "case {name:?}");
    }
}

// pkg/scheduler/framework/plugins/noderesources/requested_to_capacity_ratio_test.go
// (and helper/shape_score_test.go), TestBrokenLinearFunction: three shapes, each
// asserted at every listed utilisation.
#[test]
fn broken_linear_function_test_go() {
    type Shape = (&'static [(i64, i64)], &'static [(i64, i64)]);
    let cases: [(&str, Shape); 3] = [
        (
            "case_0",
            (
                &[(10, 1), (90, 9)],
                &[
                    (-10, 1),
                    (0, 1),
                    (9, 1),
                    (10, 1),
                    (15, 1),
                    (19, 1),
                    (20, 2),
                    (89, 8),
                    (90, 9),
                    (99, 9),
                    (100, 9),
                    (110, 9),
                ],
            ),
        ),
        (
            "case_1",
            (
                &[(0, 2), (40, 10), (100, 0)],
                &[
                    (-10, 2),
                    (0, 2),
                    (20, 6),
                    (30, 8),
                    (40, 10),
                    (70, 5),
                    (100, 0),
                    (110, 0),
                ],
            ),
        ),
        (
            "case_2",
            (
                &[(0, 2), (40, 2), (100, 2)],
                &[
                    (-10, 2),
                    (0, 2),
                    (20, 2),
                    (30, 2),
                    (40, 2),
                    (70, 2),
                    (100, 2),
                    (110, 2),
                ],
            ),
        ),
    ];
    for (name, (shape, assertions)) in cases {
        for &(u, want) in assertions {
            assert_eq!(broken_linear(shape, u), want, "{name}: p={u}");
        }
    }
}

// balanced_allocation_test.go, the best-effort case of v1.36: a pod that requests none of
// the scored resources makes PreScore return Skip (balanced_allocation.go PreScore,
// kubernetes/kubernetes#129138), so BalancedAllocation scores nothing for it.
#[test]
fn balanced_allocation_skips_best_effort_pods() {
    use k8sim::scheduler::framework::{CacheMode, Code, CycleState, ScorePlugin};
    let plugin = BalancedAllocation::default();
    let c = cluster(
        vec![
            node("node1", 4000, 10000, false),
            node("node2", 6000, 10000, false),
        ],
        Vec::<(&str, _)>::new(),
    );
    let nodes: Vec<_> = c.nodes().indices().collect();
    let best_effort = p().build();
    let st = plugin.pre_score(&mut CycleState::default(), &best_effort, &c, &nodes);
    assert_eq!(st.code, Code::Skip);
    assert_eq!(plugin.score_cache_mode(&best_effort, &c), CacheMode::Skip);
    // A pod with a request is scored as before.
    let requesting = cpu_and_memory().build();
    let st = plugin.pre_score(&mut CycleState::default(), &requesting, &c, &nodes);
    assert_eq!(st.code, Code::Success);
    assert_eq!(scores(&plugin, &requesting, &c), vec![87, 100]);
}
