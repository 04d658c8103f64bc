//! Foundation benchmarks: the event loop with 150k pending events, and one scheduling
//! decision of the first scheduler at 1k / 5k / 10k nodes.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use k8sim::cluster::{Cluster, Owner, Pod};
use k8sim::engine::{Engine, Limits, SimTime};
use k8sim::model::labels::Labels;
use k8sim::model::node::NodeSpec;
use k8sim::model::pod::{Container, PodSpec};
use k8sim::model::resources::{ResourceNames, Resources, CPU, MEMORY, PODS};
use k8sim::scheduler::builtin_profile;
use k8sim::scheduler::profile::Scratch;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use std::hint::black_box;
use std::sync::Arc;

/// Steady state: 150k events pending; each pop schedules one new event a pseudo-random
/// delay ahead, as a busy simulation does.
fn event_loop(c: &mut Criterion) {
    const PENDING: u64 = 150_000;
    const BATCH: u64 = 1_000_000;
    let mut g = c.benchmark_group("engine");
    g.throughput(Throughput::Elements(BATCH));
    g.bench_function("pop_push_150k_pending", |b| {
        let mut engine: Engine<u64> = Engine::new(Limits {
            max_events: u64::MAX,
            end_time: SimTime::MAX,
        });
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..PENDING {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            engine.schedule_in(x % 100_000, i);
        }
        b.iter(|| {
            for _ in 0..BATCH {
                let (_, ev) = engine.pop().unwrap().unwrap();
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                engine.schedule_in(x % 100_000, black_box(ev));
            }
        });
    });
    g.finish();
}

fn cluster(nodes: usize) -> Cluster {
    let mut c = Cluster::default();
    for i in 0..nodes {
        let mut alloc = Resources::ZERO;
        alloc.set(CPU, 32_000);
        alloc.set(MEMORY, 128 << 30);
        alloc.set(PODS, 110);
        let mut labels = Labels::new();
        labels.insert("kubernetes.io/hostname".into(), format!("node-{i}"));
        let n = c.add_node(NodeSpec {
            name: format!("node-{i}"),
            allocatable: alloc,
            labels,
            taints: vec![],
            unschedulable: false,
            images: vec![],
            group: None,
        });
        // Uneven load so that scores differ between nodes: one filler pod per node.
        let mut filler = Container::default();
        filler.requests.set(CPU, (i as i64 * 7919) % 30_000 + 1);
        filler
            .requests
            .set(MEMORY, (((i as i64 * 104_729) % 100) << 30) + 1);
        filler.requested[CPU.0 as usize] = true;
        filler.requested[MEMORY.0 as usize] = true;
        let spec = PodSpec {
            containers: vec![filler],
            scheduler_name: "default-scheduler".into(),
            ..Default::default()
        }
        .finish();
        let p = c.add_pod(Pod::new(
            format!("filler-{i}"),
            "default".into(),
            Labels::new(),
            Owner::None,
            Arc::new(spec),
            SimTime::ZERO,
        ));
        c.bind(p, n, SimTime::ZERO);
    }
    c
}

fn pod() -> Pod {
    let mut container = Container::default();
    container.requests.set(CPU, 500);
    container.requests.set(MEMORY, 1 << 30);
    container.requested[CPU.0 as usize] = true;
    container.requested[MEMORY.0 as usize] = true;
    let spec = PodSpec {
        containers: vec![container],
        scheduler_name: "default-scheduler".into(),
        ..Default::default()
    }
    .finish();
    Pod::new(
        "p".into(),
        "default".into(),
        Labels::new(),
        Owner::None,
        Arc::new(spec),
        SimTime::ZERO,
    )
}

/// One decision of the first scheduler (filters + LeastAllocated) with
/// percentageOfNodesToScore = 100.
fn decision(c: &mut Criterion) {
    let mut g = c.benchmark_group("first_scheduler_decision");
    for nodes in [1_000, 5_000, 10_000] {
        let cl = cluster(nodes);
        let mut profile = builtin_profile("default", &ResourceNames::default()).unwrap();
        profile.percentage_of_nodes_to_score = 100;
        let p = pod();
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        let mut scratch = Scratch::default();
        let mut next = 0;
        g.bench_with_input(BenchmarkId::from_parameter(nodes), &nodes, |b, _| {
            b.iter(|| {
                black_box(
                    profile
                        .schedule(&p, &cl, &mut rng, &mut scratch, &mut next)
                        .unwrap(),
                )
            })
        });
    }
    g.finish();
}

criterion_group!(benches, event_loop, decision);
criterion_main!(benches);
