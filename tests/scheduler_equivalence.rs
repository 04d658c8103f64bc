//! Randomised equivalence of the scheduler's fast paths with the straightforward ones: on
//! seeded random clusters, every filter's batch `filter_all` equals its per-node `filter`,
//! every score plugin's `score_all` equals its per-node `score`, and `Profile::schedule`
//! picks the same node (and advances the rotating start the same way) as a reference
//! cycle written directly from kube's schedule_one.go with per-node calls only. The
//! score cache (`scheduler::score_cache`) is checked the same way across sequences of
//! decisions with binds, unbinds, cordons, taint changes and node additions/removals in
//! between, and every plugin's `CacheMode` is checked against its PreFilter/PreScore.

use k8sim::cluster::topology::NO_DOMAIN;
use k8sim::cluster::{Cluster, NodeIdx, Owner, Pod};
use k8sim::engine::SimTime;
use k8sim::model::labels::{LabelSelector, Labels, Taint, TaintEffect, Toleration};
use k8sim::model::node::NodeSpec;
use k8sim::model::pod::{
    Container, PodAffinityTerm, PodSpec, TopologySpreadConstraint, WhenUnsatisfiable,
};
use k8sim::model::resources::{ResourceNames, Resources, CPU, MEMORY, PODS};
use k8sim::scheduler::builtin_profile;
use k8sim::scheduler::framework::{CacheMode, Code, CycleState};
use k8sim::scheduler::profile::{num_feasible_nodes_to_find, Profile, Scratch};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::sync::Arc;

const ZONES: usize = 3;

fn labels(pairs: &[(&str, String)]) -> Labels {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

/// A pod spec with one container; zero requests leave cpu/memory unset (non-zero defaults).
fn spec(rng: &mut Xoshiro256PlusPlus, big: bool) -> PodSpec {
    let mut c = Container::default();
    if rng.random_bool(0.85) {
        let cpu = if big {
            rng.random_range(1..40_000)
        } else {
            rng.random_range(1..4_000)
        };
        c.requests.set(CPU, cpu);
        c.requested[CPU.0 as usize] = true;
    }
    if rng.random_bool(0.85) {
        let mem = if big {
            rng.random_range(1..(200i64 << 30))
        } else {
            rng.random_range(1..(16i64 << 30))
        };
        c.requests.set(MEMORY, mem);
        c.requested[MEMORY.0 as usize] = true;
    }
    let mut s = PodSpec {
        containers: vec![c],
        scheduler_name: "default-scheduler".into(),
        ..Default::default()
    };
    if rng.random_bool(0.2) {
        s.tolerations.push(Toleration {
            key: "dedicated".into(),
            exists: true,
            value: String::new(),
            effect: None,
            toleration_seconds: None,
        });
    }
    s
}

/// A random cluster: odd capacities (some zero, some huge), cordons, taints, zones, and
/// existing pods bound where they fit.
fn random_cluster(rng: &mut Xoshiro256PlusPlus) -> Cluster {
    random_cluster_up_to(rng, 60)
}

/// [`random_cluster`] with up to `max_nodes - 1` nodes.
fn random_cluster_up_to(rng: &mut Xoshiro256PlusPlus, max_nodes: usize) -> Cluster {
    let mut c = Cluster::default();
    let nodes = rng.random_range(1..max_nodes);
    for i in 0..nodes {
        let mut alloc = Resources::ZERO;
        let cpu = match rng.random_range(0..10) {
            0 => 0,
            1 => 1,
            2 => rng.random_range(1..100),
            _ => rng.random_range(1_000..64_000),
        };
        let mem = match rng.random_range(0..10) {
            0 => 0,
            1 => rng.random_range(1i64 << 40..1i64 << 44),
            _ => rng.random_range(1i64 << 30..1i64 << 38),
        };
        alloc.set(CPU, cpu);
        alloc.set(MEMORY, mem);
        alloc.set(PODS, rng.random_range(1..20));
        let mut taints = Vec::new();
        if rng.random_bool(0.1) {
            let effect = if rng.random_bool(0.5) {
                TaintEffect::NoSchedule
            } else {
                TaintEffect::PreferNoSchedule
            };
            taints.push(Taint {
                key: "dedicated".into(),
                value: "x".into(),
                effect,
            });
        }
        let mut l = vec![("kubernetes.io/hostname", format!("node-{i}"))];
        if rng.random_bool(0.9) {
            l.push((
                "topology.kubernetes.io/zone",
                format!("zone-{}", rng.random_range(0..ZONES)),
            ));
        }
        c.add_node(NodeSpec {
            name: format!("node-{i}"),
            allocatable: alloc,
            labels: labels(&l),
            taints,
            unschedulable: rng.random_bool(0.05),
            images: Vec::new(),
            group: None,
        });
    }
    let pods = rng.random_range(0..nodes * 4);
    for i in 0..pods {
        let s = Arc::new(spec(rng, false).finish());
        let app = if rng.random_bool(0.5) { "web" } else { "db" };
        let pod = Pod::new(
            format!("existing-{i}"),
            "default".into(),
            labels(&[("app", app.into())]),
            Owner::None,
            s.clone(),
            SimTime::ZERO,
        );
        let n = NodeIdx(rng.random_range(0..nodes) as u32);
        if (c.nodes().requested()[n.ix()] + s.requests).fits_in(&c.nodes().allocatable()[n.ix()]) {
            let id = c.add_pod(pod);
            c.bind(id, n, SimTime::ZERO);
        }
    }
    c
}

/// The pod to schedule: plain, or with a zone spread constraint, or with required
/// anti-affinity to `app=db` per host; owned by a ReplicaSet half the time, which brings
/// in the system default spread constraints (hostname and zone, ScheduleAnyway).
fn random_pod(rng: &mut Xoshiro256PlusPlus) -> Pod {
    let big = rng.random_bool(0.3);
    let mut s = spec(rng, big);
    let web = LabelSelector {
        match_labels: labels(&[("app", "web".into())]),
        match_expressions: Vec::new(),
    };
    match rng.random_range(0..4) {
        0 => s
            .topology_spread_constraints
            .push(TopologySpreadConstraint {
                max_skew: rng.random_range(1..3),
                topology_key: "topology.kubernetes.io/zone".into(),
                when_unsatisfiable: if rng.random_bool(0.5) {
                    WhenUnsatisfiable::DoNotSchedule
                } else {
                    WhenUnsatisfiable::ScheduleAnyway
                },
                label_selector: web,
                min_domains: None,
                node_affinity_honor: true,
                node_taints_honor: false,
                match_label_keys: Vec::new(),
            }),
        1 => s.affinity.pod_anti_affinity.required.push(PodAffinityTerm {
            label_selector: LabelSelector {
                match_labels: labels(&[("app", "db".into())]),
                match_expressions: Vec::new(),
            },
            namespaces: Vec::new(),
            namespace_selector: None,
            topology_key: "kubernetes.io/hostname".into(),
        }),
        _ => {}
    }
    let owner = if rng.random_bool(0.5) {
        Owner::ReplicaSet(0)
    } else {
        Owner::None
    };
    Pod::new(
        "new".into(),
        "default".into(),
        labels(&[("app", "web".into())]),
        owner,
        Arc::new(s.finish()),
        SimTime::ZERO,
    )
}

/// Batch and per-node paths of every filter and score plugin of `profile` agree, and
/// each plugin's `CacheMode` agrees with its PreFilter/PreScore.
fn check_plugins(profile: &Profile, pod: &Pod, c: &Cluster, case: usize) {
    let mut state = CycleState::default();
    for f in &profile.filters {
        let fp = f.as_filter().unwrap();
        let code = fp.pre_filter(&mut state, pod, c).code;
        match fp.filter_cache_mode(pod, c) {
            CacheMode::Skip => assert_eq!(code, Code::Skip, "case {case}: {}", f.name()),
            CacheMode::PerNode => {
                assert_eq!(code, Code::Success, "case {case}: {}", f.name())
            }
            CacheMode::Constant => panic!("case {case}: filter {} is Constant", f.name()),
            // The full path decides (it may still skip).
            CacheMode::Unsupported => {}
        }
        if code != Code::Success {
            continue;
        }
        let mut batch = c.nodes().present().to_vec();
        fp.filter_all(&state, pod, c, &mut batch);
        let single: Vec<bool> = c
            .nodes()
            .indices()
            .map(|n| c.nodes().present()[n.ix()] && fp.filter(&state, pod, c, n).is_success())
            .collect();
        assert_eq!(batch, single, "case {case}: filter {}", f.name());
    }
    let nodes: Vec<NodeIdx> = c.nodes().indices().collect();
    for ws in &profile.scores {
        let sp = ws.plugin.as_score().unwrap();
        let mode = sp.score_cache_mode(pod, c);
        let skipped = sp.pre_score(&mut state, pod, c, &nodes).code == Code::Skip;
        // Unsupported leaves the decision to the full path, which may still skip.
        if mode != CacheMode::Unsupported {
            assert_eq!(
                skipped,
                mode == CacheMode::Skip,
                "case {case}: score {} cache mode {mode:?}",
                ws.plugin.name()
            );
        }
        if skipped {
            continue;
        }
        let mut batch = vec![0; nodes.len()];
        sp.score_all(&state, pod, c, &nodes, &mut batch);
        let single: Vec<i64> = nodes.iter().map(|n| sp.score(&state, pod, c, *n)).collect();
        assert_eq!(batch, single, "case {case}: score {}", ws.plugin.name());
        let mut normalized = batch.clone();
        sp.normalize_score(&state, pod, &mut normalized);
        match mode {
            CacheMode::PerNode => {
                assert_eq!(
                    normalized,
                    batch,
                    "case {case}: {} normalises",
                    ws.plugin.name()
                )
            }
            CacheMode::Constant => assert!(
                normalized.windows(2).all(|w| w[0] == w[1]),
                "case {case}: {} is not constant",
                ws.plugin.name()
            ),
            _ => {}
        }
    }
}

/// kube's scheduling cycle with per-node Filter and Score calls only.
fn reference_schedule(
    profile: &Profile,
    pod: &Pod,
    c: &Cluster,
    rng: &mut Xoshiro256PlusPlus,
    next_start: &mut usize,
) -> Option<NodeIdx> {
    let mut state = CycleState::default();
    let mut active = Vec::new();
    for f in &profile.filters {
        let fp = f.as_filter().unwrap();
        match fp.pre_filter(&mut state, pod, c).code {
            Code::Skip => {}
            Code::Success => active.push(fp),
            _ => return None,
        }
    }
    let n = c.nodes().len();
    let num_all = c.nodes().present().iter().filter(|p| **p).count();
    let to_find = num_feasible_nodes_to_find(profile.percentage_of_nodes_to_score, num_all);
    let start = if n == 0 { 0 } else { *next_start % n };
    let mut feasible = Vec::new();
    let mut examined = 0;
    for k in 0..n {
        let node = NodeIdx(((start + k) % n) as u32);
        examined += 1;
        if c.nodes().present()[node.ix()]
            && active
                .iter()
                .all(|f| f.filter(&state, pod, c, node).is_success())
        {
            feasible.push(node);
            if feasible.len() >= to_find {
                break;
            }
        }
    }
    if n > 0 {
        *next_start = (start + examined) % n;
    }
    match feasible.len() {
        0 => return None,
        1 => return Some(feasible[0]),
        _ => {}
    }
    let mut totals = vec![0i64; feasible.len()];
    for ws in &profile.scores {
        let sp = ws.plugin.as_score().unwrap();
        if sp.pre_score(&mut state, pod, c, &feasible).code == Code::Skip {
            continue;
        }
        let mut raw: Vec<i64> = feasible
            .iter()
            .map(|node| sp.score(&state, pod, c, *node))
            .collect();
        sp.normalize_score(&state, pod, &mut raw);
        for (t, r) in totals.iter_mut().zip(raw) {
            *t += r * ws.weight;
        }
    }
    let best = *totals.iter().max().unwrap();
    let ties: Vec<NodeIdx> = feasible
        .iter()
        .zip(&totals)
        .filter(|(_, t)| **t == best)
        .map(|(n, _)| *n)
        .collect();
    let pick = if ties.len() == 1 {
        0
    } else {
        rng.random_range(0..ties.len())
    };
    Some(ties[pick])
}

#[test]
fn batch_paths_and_chosen_node_match_the_straightforward_cycle() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(20_240_601);
    let policies = ["default", "most-allocated", "balanced", "tetris"];
    let mut decided = 0;
    for case in 0..1_500 {
        let c = random_cluster(&mut rng);
        let policy = policies[case % policies.len()];
        let mut profile = builtin_profile(policy, &ResourceNames::default()).unwrap();
        if rng.random_bool(0.5) {
            profile.percentage_of_nodes_to_score = 100;
        } else {
            profile.percentage_of_nodes_to_score = rng.random_range(0..100);
        }
        let mut scratch = Scratch::default();
        let seed = rng.random();
        let (mut fast_rng, mut ref_rng) = (
            Xoshiro256PlusPlus::seed_from_u64(seed),
            Xoshiro256PlusPlus::seed_from_u64(seed),
        );
        let start = rng.random_range(0..100);
        let (mut fast_start, mut ref_start) = (start, start);
        for _ in 0..3 {
            let pod = random_pod(&mut rng);
            check_plugins(&profile, &pod, &c, case);
            let fast = profile
                .schedule(&pod, &c, &mut fast_rng, &mut scratch, &mut fast_start)
                .ok();
            let reference = reference_schedule(&profile, &pod, &c, &mut ref_rng, &mut ref_start);
            assert_eq!(fast, reference, "case {case} ({policy}): chosen node");
            assert_eq!(fast_start, ref_start, "case {case}: next start index");
            decided += fast.is_some() as usize;
        }
    }
    assert!(decided > 1_000, "only {decided} pods found a node");
}

/// One random change to the cluster between decisions, through the `Cluster` methods the
/// simulation uses (node removal as `sim::node_lifecycle` does it).
fn random_change(
    rng: &mut Xoshiro256PlusPlus,
    c: &mut Cluster,
    bound: &mut Vec<k8sim::cluster::PodId>,
) {
    let n = NodeIdx(rng.random_range(0..c.nodes().len()) as u32);
    match rng.random_range(0..10) {
        0..=2 if !bound.is_empty() => {
            let p = bound.swap_remove(rng.random_range(0..bound.len()));
            c.unbind(p);
        }
        3 => {
            let cordoned = !c.nodes().unschedulable()[n.ix()];
            c.set_unschedulable(n, cordoned);
        }
        4 => {
            let taints = match rng.random_range(0..3) {
                0 => Vec::new(),
                k => vec![Taint {
                    key: "dedicated".into(),
                    value: "x".into(),
                    effect: if k == 1 {
                        TaintEffect::NoSchedule
                    } else {
                        TaintEffect::PreferNoSchedule
                    },
                }],
            };
            c.set_taints(n, taints);
        }
        5 => {
            let mut alloc = Resources::ZERO;
            alloc.set(CPU, rng.random_range(1_000..64_000));
            alloc.set(MEMORY, rng.random_range(1i64 << 30..1i64 << 38));
            alloc.set(PODS, rng.random_range(1..20));
            let i = c.nodes().len();
            c.add_node(NodeSpec {
                name: format!("added-{i}"),
                allocatable: alloc,
                labels: labels(&[("kubernetes.io/hostname", format!("added-{i}"))]),
                taints: Vec::new(),
                unschedulable: false,
                images: Vec::new(),
                group: None,
            });
        }
        6 if c.present_node_count() > 1 => c.set_node_present(n, false),
        _ => {}
    }
}

#[test]
fn score_cache_matches_the_reference_across_cluster_changes() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(20_261_127);
    let policies = ["default", "most-allocated", "balanced", "tetris"];
    let mut decided = 0;
    let mut cached = (0, 0, 0, 0);
    for case in 0..300 {
        let mut c = random_cluster_up_to(&mut rng, 400);
        let policy = policies[case % policies.len()];
        let mut profile = builtin_profile(policy, &ResourceNames::default()).unwrap();
        profile.percentage_of_nodes_to_score = if rng.random_bool(0.5) {
            100
        } else {
            rng.random_range(0..100)
        };
        let shapes: Vec<Pod> = (0..3).map(|_| random_pod(&mut rng)).collect();
        let mut scratch = Scratch::default();
        let seed = rng.random();
        let (mut fast_rng, mut ref_rng) = (
            Xoshiro256PlusPlus::seed_from_u64(seed),
            Xoshiro256PlusPlus::seed_from_u64(seed),
        );
        let start = rng.random_range(0..500);
        let (mut fast_start, mut ref_start) = (start, start);
        let mut bound = Vec::new();
        for step in 0..40 {
            let pod = &shapes[rng.random_range(0..shapes.len())];
            if step % 10 == 0 {
                check_plugins(&profile, pod, &c, case);
            }
            let fast = profile
                .schedule(pod, &c, &mut fast_rng, &mut scratch, &mut fast_start)
                .ok();
            let reference = reference_schedule(&profile, pod, &c, &mut ref_rng, &mut ref_start);
            assert_eq!(
                fast, reference,
                "case {case} step {step} ({policy}): chosen node"
            );
            assert_eq!(
                fast_start, ref_start,
                "case {case} step {step}: next start index"
            );
            if let Some(n) = fast {
                decided += 1;
                if rng.random_bool(0.7) {
                    let id = c.add_pod(Pod::new(
                        format!("bound-{step}"),
                        "default".into(),
                        labels(&[("app", "web".into())]),
                        Owner::None,
                        pod.spec.clone(),
                        SimTime::ZERO,
                    ));
                    c.bind(id, n, SimTime::ZERO);
                    bound.push(id);
                }
            }
            for _ in 0..rng.random_range(0..3) {
                random_change(&mut rng, &mut c, &mut bound);
            }
        }
        let st = scratch.cache_stats();
        cached.0 += st.decisions;
        cached.1 += st.rebuilds;
        cached.2 += st.node_updates;
        cached.3 += st.partial;
    }
    assert!(decided > 5_000, "only {decided} pods found a node");
    let (decisions, rebuilds, updates, partial) = cached;
    eprintln!(
        "score cache: {decisions} decisions, {partial} partial cycles, {rebuilds} rebuilds, \
         {updates} node updates"
    );
    assert!(
        decisions > 1_000 && partial > 1_000 && rebuilds > 100 && updates > 1_000,
        "cache barely used: {cached:?}"
    );
}

/// From-scratch recount of `Cluster::topology` (kube's counting rule: a pod counts while
/// bound, not released, not being deleted and on a present node) compared with the
/// incrementally maintained index.
fn check_topology_index(c: &Cluster, step: &str) {
    let t = &c.topology();
    let counted = |i: usize| {
        let p = &c.pods()[i];
        p.node
            .is_some_and(|n| !p.released && !p.deleting && c.nodes().present()[n.ix()])
    };
    for i in 0..c.pods().len() {
        assert_eq!(t.counted[i], counted(i), "{step}: pod {i} counted flag");
    }
    let classes = c.label_class_count();
    let mut node_counts = vec![vec![0u32; c.nodes().len()]; classes];
    let mut anti = Vec::new();
    for i in (0..c.pods().len()).filter(|i| counted(*i)) {
        node_counts[c.pod_label_class()[i] as usize][c.pods()[i].node.unwrap().ix()] += 1;
        if !c.pods()[i]
            .spec
            .affinity
            .pod_anti_affinity
            .required
            .is_empty()
        {
            anti.push(i as u32);
        }
    }
    let mut listed: Vec<u32> = t.anti_pods.iter().map(|p| p.0).collect();
    listed.sort();
    assert_eq!(listed, anti, "{step}: pods with required anti-affinity");
    let mut live: Vec<u32> = t.live_classes.clone();
    live.sort();
    let want_live: Vec<u32> = (0..classes as u32)
        .filter(|k| node_counts[*k as usize].iter().any(|v| *v > 0))
        .collect();
    assert_eq!(live, want_live, "{step}: live classes");
    for (k, row) in node_counts.iter().enumerate() {
        assert_eq!(
            t.class_total.get(k).copied().unwrap_or(0),
            row.iter().sum::<u32>(),
            "{step}: class {k} total"
        );
        for (n, v) in row.iter().enumerate() {
            assert_eq!(
                t.node_count(k as u32, NodeIdx(n as u32)),
                *v,
                "{step}: class {k} on node {n}"
            );
        }
    }
    for key in &t.keys {
        let mut nodes_in = vec![0u32; key.domain_count()];
        let mut per_domain = vec![vec![0u32; key.domain_count()]; classes];
        for n in 0..c.nodes().len() {
            let d = key.domain_of[n];
            match c.nodes().labels()[n].get(&key.key) {
                Some(v) if c.nodes().present()[n] => {
                    assert_eq!(
                        &key.values[d as usize], v,
                        "{step}: {} of node {n}",
                        key.key
                    );
                    nodes_in[d as usize] += 1;
                    for (k, row) in node_counts.iter().enumerate() {
                        per_domain[k][d as usize] += row[n];
                    }
                }
                _ => assert_eq!(d, NO_DOMAIN, "{step}: {} of node {n}", key.key),
            }
        }
        assert_eq!(
            key.nodes_in, nodes_in,
            "{step}: nodes per {} domain",
            key.key
        );
        assert_eq!(
            key.nodes_with_key,
            nodes_in.iter().sum::<u32>(),
            "{step}: nodes with {}",
            key.key
        );
        for (k, row) in per_domain.iter().enumerate() {
            for (d, v) in row.iter().enumerate() {
                assert_eq!(
                    key.count(k as u32, d as u32),
                    *v,
                    "{step}: class {k} in {} domain {d}",
                    key.key
                );
            }
        }
    }
    let present = c.nodes().present().iter().filter(|p| **p).count() as u32;
    assert_eq!(t.present_nodes, present, "{step}: present nodes");
}

/// A pod of one of a few (namespace, labels) classes, sometimes with required
/// anti-affinity or a spread constraint on a `rack` key (indexed when first added).
fn churn_pod(rng: &mut Xoshiro256PlusPlus, i: usize) -> Pod {
    let mut s = spec(rng, false);
    if rng.random_bool(0.15) {
        s.affinity.pod_anti_affinity.required.push(PodAffinityTerm {
            label_selector: LabelSelector {
                match_labels: labels(&[("app", "db".into())]),
                match_expressions: Vec::new(),
            },
            namespaces: Vec::new(),
            namespace_selector: None,
            topology_key: "kubernetes.io/hostname".into(),
        });
    }
    if rng.random_bool(0.1) {
        s.topology_spread_constraints
            .push(TopologySpreadConstraint {
                max_skew: 1,
                topology_key: "rack".into(),
                when_unsatisfiable: WhenUnsatisfiable::DoNotSchedule,
                label_selector: LabelSelector::default(),
                min_domains: None,
                node_affinity_honor: true,
                node_taints_honor: false,
                match_label_keys: Vec::new(),
            });
    }
    let app = ["web", "db", "cache"][rng.random_range(0..3)];
    let ns = if rng.random_bool(0.8) {
        "default"
    } else {
        "other"
    };
    Pod::new(
        format!("churn-{i}"),
        ns.into(),
        labels(&[("app", app.into())]),
        Owner::None,
        Arc::new(s.finish()),
        SimTime::ZERO,
    )
}

#[test]
fn incremental_topology_counts_match_a_recount_after_random_churn() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(77);
    for case in 0..150 {
        let mut c = random_cluster(&mut rng);
        check_topology_index(&c, &format!("case {case} start"));
        for step in 0..60 {
            let nodes = c.nodes().len() as u32;
            let op = rng.random_range(0..9);
            match op {
                0..=2 => {
                    let id = c.add_pod(churn_pod(&mut rng, c.pods().len()));
                    let n = NodeIdx(rng.random_range(0..nodes));
                    let req = c.pods()[id.ix()].spec.requests;
                    if c.nodes().present()[n.ix()]
                        && (c.nodes().requested()[n.ix()] + req)
                            .fits_in(&c.nodes().allocatable()[n.ix()])
                    {
                        c.bind(id, n, SimTime::ZERO);
                    }
                }
                3 if !c.pods().is_empty() => {
                    let p = k8sim::cluster::PodId(rng.random_range(0..c.pods().len() as u32));
                    c.unbind(p);
                }
                4 if !c.pods().is_empty() => {
                    let p = k8sim::cluster::PodId(rng.random_range(0..c.pods().len() as u32));
                    c.mark_deleting(p);
                }
                5 => {
                    let n = NodeIdx(rng.random_range(0..nodes));
                    let mut l = c.nodes().labels()[n.ix()].clone();
                    match rng.random_range(0..4) {
                        0 => l.remove("topology.kubernetes.io/zone"),
                        1 => l.insert("rack".into(), format!("rack-{}", rng.random_range(0..4))),
                        2 => l.remove("rack"),
                        _ => l.insert(
                            "topology.kubernetes.io/zone".into(),
                            format!("zone-{}", rng.random_range(0..ZONES + 1)),
                        ),
                    };
                    c.set_node_labels(n, l);
                }
                6 => {
                    let n = NodeIdx(rng.random_range(0..nodes));
                    let present = !c.nodes().present()[n.ix()] && rng.random_bool(0.5);
                    c.set_node_present(n, present);
                }
                7 => c.index_topology_key("kubernetes.io/os"),
                _ => {
                    let mut alloc = Resources::ZERO;
                    alloc.set(CPU, 8_000);
                    alloc.set(MEMORY, 32 << 30);
                    alloc.set(PODS, 10);
                    let mut l = vec![("kubernetes.io/hostname", format!("added-{step}"))];
                    if rng.random_bool(0.5) {
                        l.push(("rack", format!("rack-{}", rng.random_range(0..4))));
                    }
                    if rng.random_bool(0.5) {
                        l.push(("kubernetes.io/os", "linux".into()));
                    }
                    c.add_node(NodeSpec {
                        name: format!("added-{step}"),
                        allocatable: alloc,
                        labels: labels(&l),
                        taints: Vec::new(),
                        unschedulable: false,
                        images: Vec::new(),
                        group: None,
                    });
                }
            }
            check_topology_index(&c, &format!("case {case} step {step} op {op}"));
        }
        // The plugins' batch and per-node paths still agree on the churned cluster.
        let profile = builtin_profile("default", &ResourceNames::default()).unwrap();
        for _ in 0..3 {
            let pod = random_pod(&mut rng);
            check_plugins(&profile, &pod, &c, case);
        }
    }
}
