//! Criterion benches of the scheduler: per plugin (batch filter/score over all nodes) and
//! per profile (one full scheduling decision) at 1k, 5k and 10k nodes.

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use k8sim::cluster::{Cluster, NodeIdx, Owner, Pod};
use k8sim::engine::SimTime;
use k8sim::model::labels::{LabelSelector, Labels};
use k8sim::model::node::NodeSpec;
use k8sim::model::pod::{
    Container, PodAffinityTerm, PodSpec, TopologySpreadConstraint, WhenUnsatisfiable,
};
use k8sim::model::resources::{ResourceNames, Resources, CPU, MEMORY, PODS};
use k8sim::scheduler::builtin_profile;
use k8sim::scheduler::framework::CycleState;
use k8sim::scheduler::profile::Scratch;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use std::sync::Arc;
use std::time::Duration;

fn labels(pairs: &[(&str, String)]) -> Labels {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn spec(cpu: i64, mem: i64) -> PodSpec {
    let mut c = Container::default();
    c.requests.set(CPU, cpu);
    c.requests.set(MEMORY, mem);
    c.requested[0] = true;
    c.requested[1] = true;
    PodSpec {
        containers: vec![c],
        scheduler_name: "default-scheduler".into(),
        ..Default::default()
    }
}

/// `nodes` nodes in 10 zones, each already running two pods labelled app=web.
fn cluster(nodes: usize) -> Cluster {
    let mut c = Cluster::default();
    for i in 0..nodes {
        let mut alloc = Resources::ZERO;
        alloc.set(CPU, 32_000);
        alloc.set(MEMORY, 128 << 30);
        alloc.set(PODS, 110);
        c.add_node(NodeSpec {
            name: format!("node-{i}"),
            allocatable: alloc,
            labels: labels(&[
                ("kubernetes.io/hostname", format!("node-{i}")),
                ("topology.kubernetes.io/zone", format!("zone-{}", i % 10)),
            ]),
            taints: Vec::new(),
            unschedulable: false,
            images: Vec::new(),
            group: None,
        });
    }
    let s = Arc::new(spec(500, 1 << 30).finish());
    for i in 0..nodes * 2 {
        let pod = Pod::new(
            format!("web-{i}"),
            "default".into(),
            labels(&[("app", "web".into())]),
            Owner::None,
            s.clone(),
            SimTime::ZERO,
        );
        let id = c.add_pod(pod);
        c.bind(id, NodeIdx(((i * 7919) % nodes) as u32), SimTime::ZERO);
    }
    c
}

fn pod(spec: PodSpec) -> Pod {
    Pod::new(
        "new".into(),
        "default".into(),
        labels(&[("app", "web".into())]),
        Owner::None,
        Arc::new(spec.finish()),
        SimTime::ZERO,
    )
}

fn web_selector() -> LabelSelector {
    LabelSelector {
        match_labels: labels(&[("app", "web".into())]),
        match_expressions: Vec::new(),
    }
}

fn plain() -> Pod {
    pod(spec(1000, 2 << 30))
}

fn spread() -> Pod {
    let mut s = spec(1000, 2 << 30);
    s.topology_spread_constraints
        .push(TopologySpreadConstraint {
            max_skew: 1,
            topology_key: "topology.kubernetes.io/zone".into(),
            when_unsatisfiable: WhenUnsatisfiable::DoNotSchedule,
            label_selector: web_selector(),
            min_domains: None,
            node_affinity_honor: true,
            node_taints_honor: false,
            match_label_keys: Vec::new(),
        });
    pod(s)
}

/// A ReplicaSet's pod: no constraint of its own, but kube's system default spread
/// (hostname maxSkew 3, zone maxSkew 5, ScheduleAnyway) applies to it.
fn replicaset_pod() -> Pod {
    Pod {
        owner: Owner::ReplicaSet(0),
        ..plain()
    }
}

fn anti_affinity() -> Pod {
    let mut s = spec(1000, 2 << 30);
    s.affinity.pod_anti_affinity.required.push(PodAffinityTerm {
        label_selector: LabelSelector {
            match_labels: labels(&[("app", "db".into())]),
            match_expressions: Vec::new(),
        },
        namespaces: Vec::new(),
        namespace_selector: None,
        topology_key: "kubernetes.io/hostname".into(),
    });
    pod(s)
}

fn bench_profiles(c: &mut Criterion) {
    let mut g = c.benchmark_group("profile_decision");
    g.measurement_time(Duration::from_secs(2)).sample_size(20);
    for nodes in [1_000usize, 5_000, 10_000] {
        let cl = cluster(nodes);
        for (name, p) in [
            ("plain", plain()),
            ("spread", spread()),
            ("anti_affinity", anti_affinity()),
            ("replicaset", replicaset_pod()),
        ] {
            for policy in ["default", "most-allocated", "balanced", "tetris"] {
                if name != "plain" && policy != "default" {
                    continue;
                }
                let mut profile = builtin_profile(policy, &ResourceNames::default()).unwrap();
                profile.percentage_of_nodes_to_score = 100;
                let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
                let mut scratch = Scratch::default();
                let mut start = 0;
                g.bench_with_input(
                    BenchmarkId::new(format!("{policy}/{name}"), nodes),
                    &nodes,
                    |b, _| {
                        b.iter(|| {
                            black_box(
                                profile
                                    .schedule(&p, &cl, &mut rng, &mut scratch, &mut start)
                                    .unwrap(),
                            )
                        })
                    },
                );
            }
        }
    }
    g.finish();
}

/// Plain pods under the default profile, 100%: the full cycle (what `schedule` does when
/// the score cache does not apply) and, with the cache, a decision followed by binding and
/// unbinding a pod of the same shape on the chosen node (two node changes per decision).
fn bench_plain_paths(c: &mut Criterion) {
    let mut g = c.benchmark_group("profile_decision");
    g.measurement_time(Duration::from_secs(2)).sample_size(20);
    for nodes in [1_000usize, 5_000, 10_000] {
        let mut cl = cluster(nodes);
        let mut profile = builtin_profile("default", &ResourceNames::default()).unwrap();
        profile.percentage_of_nodes_to_score = 100;
        let p = plain();
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        let mut scratch = Scratch::default();
        let mut start = 0;
        let id = cl.add_pod(Pod {
            name: "churn".into(),
            ..p.clone()
        });
        g.bench_with_input(
            BenchmarkId::new("default/plain_full_path", nodes),
            &nodes,
            |b, _| {
                b.iter(|| {
                    black_box(
                        profile
                            .schedule_full(&p, &cl, &mut rng, &mut scratch, &mut start)
                            .unwrap(),
                    )
                })
            },
        );
        g.bench_with_input(
            BenchmarkId::new("default/plain_bind_unbind", nodes),
            &nodes,
            |b, _| {
                b.iter(|| {
                    let n = profile
                        .schedule(&p, &cl, &mut rng, &mut scratch, &mut start)
                        .unwrap();
                    cl.bind(id, n, SimTime::ZERO);
                    // Back to pending, so that the same pod can be bound again.
                    cl.unbind_to_pending(id);
                    black_box(n)
                })
            },
        );
    }
    g.finish();
}

fn bench_plugins(c: &mut Criterion) {
    let mut g = c.benchmark_group("plugin");
    g.measurement_time(Duration::from_secs(2)).sample_size(20);
    let profile = builtin_profile("default", &ResourceNames::default()).unwrap();
    for nodes in [1_000usize, 5_000, 10_000] {
        let cl = cluster(nodes);
        let p = plain();
        let all: Vec<NodeIdx> = cl.nodes().indices().collect();
        for f in &profile.filters {
            let filter = f.as_filter().unwrap();
            let mut feasible = vec![true; nodes];
            g.bench_with_input(
                BenchmarkId::new(format!("filter/{}", f.name()), nodes),
                &nodes,
                |b, _| {
                    b.iter(|| {
                        let mut state = CycleState::default();
                        filter.pre_filter(&mut state, &p, &cl);
                        feasible.iter_mut().for_each(|x| *x = true);
                        filter.filter_all(&state, &p, &cl, &mut feasible);
                        black_box(&feasible);
                    })
                },
            );
        }
        for ws in &profile.scores {
            let score = ws.plugin.as_score().unwrap();
            let mut out = vec![0i64; nodes];
            g.bench_with_input(
                BenchmarkId::new(format!("score/{}", ws.plugin.name()), nodes),
                &nodes,
                |b, _| {
                    b.iter(|| {
                        let mut state = CycleState::default();
                        score.pre_score(&mut state, &p, &cl, &all);
                        score.score_all(&state, &p, &cl, &all, &mut out);
                        score.normalize_score(&state, &p, &mut out);
                        black_box(&out);
                    })
                },
            );
        }
    }
    g.finish();
}

criterion_group!(benches, bench_profiles, bench_plain_paths, bench_plugins);
criterion_main!(benches);
