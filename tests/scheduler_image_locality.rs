//! ImageLocality's fast path (per-image node counts kept by the cluster, the present-node
//! count cached, each image's scaled score computed once in PreScore) against the
//! straightforward path `ImageLocality::score_reference`, which counts the present nodes
//! and the nodes holding each image by scanning every node: the same scores on seeded
//! random clusters with image pulls and node removals in between, and the same placements
//! (through the score cache's partial cycle) as the full cycle of a default profile whose
//! ImageLocality is swapped for the reference.
//! Kube's rule (pkg/scheduler/framework/plugins/imagelocality/image_locality.go,
//! `sumImageScores`/`scaledImageScore`): `size × NumNodes / totalNumNodes` per container
//! whose image is on the node, where both counts are over the nodes in the snapshot.

use k8sim::cluster::{Cluster, NodeIdx, Owner, Pod};
use k8sim::engine::SimTime;
use k8sim::model::labels::Labels;
use k8sim::model::node::NodeSpec;
use k8sim::model::pod::{Container, PodSpec};
use k8sim::model::resources::{ResourceNames, Resources, CPU, MEMORY, PODS};
use k8sim::scheduler::builtin_profile;
use k8sim::scheduler::framework::{CacheMode, Code, CycleState, Plugin, ScorePlugin, Status};
use k8sim::scheduler::plugins::image_locality::ImageLocality;
use k8sim::scheduler::profile::{Profile, Scratch};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::sync::Arc;

const IMAGES: [&str; 5] = [
    "app:1",
    "app:2",
    "db",
    "docker.io/lib/cache:7",
    "big@sha256:ab",
];

fn hostname(i: usize) -> Labels {
    [("kubernetes.io/hostname".to_string(), format!("node-{i}"))]
        .into_iter()
        .collect()
}

fn node(i: usize, rng: &mut Xoshiro256PlusPlus) -> NodeSpec {
    let mut alloc = Resources::ZERO;
    alloc.set(CPU, rng.random_range(2_000..32_000));
    alloc.set(MEMORY, rng.random_range(1i64 << 32..1i64 << 36));
    alloc.set(PODS, 30);
    let images = IMAGES
        .iter()
        .filter(|_| rng.random_bool(0.2))
        .map(|s| s.to_string())
        .collect();
    NodeSpec {
        name: format!("node-{i}"),
        allocatable: alloc,
        labels: hostname(i),
        taints: Vec::new(),
        unschedulable: false,
        images,
        group: None,
    }
}

/// A cluster of up to `max_nodes - 1` nodes holding random images, some of known size.
fn random_cluster(rng: &mut Xoshiro256PlusPlus, max_nodes: usize) -> Cluster {
    let mut c = Cluster::default();
    for img in IMAGES {
        if rng.random_bool(0.5) {
            c.set_image_size(img, rng.random_range(1i64 << 20..3i64 << 30));
        }
    }
    for i in 0..rng.random_range(1..max_nodes) {
        c.add_node(node(i, rng));
    }
    c
}

/// A pod with one to three containers (sometimes an init container) of random images,
/// sometimes one no node has ever held.
fn random_pod(rng: &mut Xoshiro256PlusPlus, name: String) -> Pod {
    let container = |rng: &mut Xoshiro256PlusPlus| {
        let mut c = Container {
            image: if rng.random_bool(0.1) {
                "never-pulled:3".to_string()
            } else {
                IMAGES[rng.random_range(0..IMAGES.len())].to_string()
            },
            ..Default::default()
        };
        c.requests.set(CPU, rng.random_range(100..2_000));
        c.requested[CPU.0 as usize] = true;
        c
    };
    let containers = (0..rng.random_range(1..4))
        .map(|_| container(rng))
        .collect();
    let init_containers = if rng.random_bool(0.2) {
        vec![container(rng)]
    } else {
        Vec::new()
    };
    let spec = PodSpec {
        containers,
        init_containers,
        scheduler_name: "default-scheduler".into(),
        ..Default::default()
    };
    Pod::new(
        name,
        "default".into(),
        Labels::default(),
        Owner::None,
        Arc::new(spec.finish()),
        SimTime::ZERO,
    )
}

/// One random change: an image pulled onto a node, a node removed or brought back (as
/// `sim::node_lifecycle` does it), or a new node holding random images.
fn random_change(rng: &mut Xoshiro256PlusPlus, c: &mut Cluster) {
    let n = NodeIdx(rng.random_range(0..c.nodes().len()) as u32);
    match rng.random_range(0..4) {
        0 => {
            let id = c.image_id(IMAGES[rng.random_range(0..IMAGES.len())]);
            c.add_image(n, id);
        }
        1 if c.present_node_count() > 1 => c.set_node_present(n, false),
        2 => c.set_node_present(n, true),
        _ => {
            let i = c.nodes().len();
            let spec = node(i, rng);
            c.add_node(spec);
        }
    }
}

/// Fast scores (PreScore state, `score_all` and per-node `score`) equal the reference on
/// every node; returns whether PreScore ran (some node holds one of the pod's images).
fn check_scores(plugin: &ImageLocality, pod: &Pod, c: &Cluster, at: &str) -> bool {
    let nodes: Vec<NodeIdx> = c.nodes().indices().collect();
    let mut state = CycleState::default();
    let code = plugin.pre_score(&mut state, pod, c, &nodes).code;
    let reference: Vec<i64> = nodes
        .iter()
        .map(|n| plugin.score_reference(pod, c, *n))
        .collect();
    if code == Code::Skip {
        assert!(
            reference.iter().all(|s| *s == 0),
            "{at}: PreScore skipped but the reference scores {reference:?}"
        );
        return false;
    }
    let mut batch = vec![-1; nodes.len()];
    plugin.score_all(&state, pod, c, &nodes, &mut batch);
    assert_eq!(batch, reference, "{at}: score_all");
    let single: Vec<i64> = nodes
        .iter()
        .map(|n| plugin.score(&CycleState::default(), pod, c, *n))
        .collect();
    assert_eq!(single, reference, "{at}: score without PreScore state");
    true
}

#[test]
fn fast_image_scores_equal_the_node_scan_reference_across_pulls_and_removals() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(20_261_203);
    let plugin = ImageLocality::default();
    let mut scored = 0;
    let mut nonzero = 0;
    for case in 0..200 {
        let mut c = random_cluster(&mut rng, 40);
        for step in 0..30 {
            let pod = random_pod(&mut rng, format!("p-{step}"));
            let at = format!("case {case} step {step} (seed 20261203)");
            if check_scores(&plugin, &pod, &c, &at) {
                scored += 1;
                nonzero += c
                    .nodes()
                    .indices()
                    .any(|n| plugin.score_reference(&pod, &c, n) > 0)
                    as usize;
            }
            random_change(&mut rng, &mut c);
        }
    }
    assert!(
        scored > 3_000 && nonzero > 1_000,
        "too few scored cycles: {scored} scored, {nonzero} with a non-zero score"
    );
}

/// ImageLocality with the straightforward per-node score.
struct ReferenceImageLocality(ImageLocality);

impl Plugin for ReferenceImageLocality {
    fn name(&self) -> &'static str {
        "ImageLocality"
    }
    fn as_score(&self) -> Option<&dyn ScorePlugin> {
        Some(self)
    }
}

impl ScorePlugin for ReferenceImageLocality {
    fn score_cache_mode(&self, pod: &Pod, cluster: &Cluster) -> CacheMode {
        self.0.score_cache_mode(pod, cluster)
    }
    fn pre_score(
        &self,
        state: &mut CycleState,
        pod: &Pod,
        cluster: &Cluster,
        nodes: &[NodeIdx],
    ) -> Status {
        self.0.pre_score(state, pod, cluster, nodes)
    }
    fn score(&self, _state: &CycleState, pod: &Pod, cluster: &Cluster, n: NodeIdx) -> i64 {
        self.0.score_reference(pod, cluster, n)
    }
}

/// The default profile with ImageLocality replaced by [`ReferenceImageLocality`].
fn reference_profile() -> Profile {
    let mut profile = builtin_profile("default", &ResourceNames::default()).unwrap();
    let slot = profile
        .scores
        .iter_mut()
        .find(|ws| ws.plugin.name() == "ImageLocality")
        .expect("the default profile scores ImageLocality");
    slot.plugin = Arc::new(ReferenceImageLocality(ImageLocality::default()));
    profile
}

#[test]
fn placements_match_a_profile_with_the_reference_image_locality() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(7_031_203);
    let fast = builtin_profile("default", &ResourceNames::default()).unwrap();
    let reference = reference_profile();
    let mut placed = 0;
    for case in 0..60 {
        let mut c = random_cluster(&mut rng, 120);
        let seed = rng.random();
        let mut rngs = (
            Xoshiro256PlusPlus::seed_from_u64(seed),
            Xoshiro256PlusPlus::seed_from_u64(seed),
        );
        let mut scratch = (Scratch::default(), Scratch::default());
        let (mut start_fast, mut start_ref) = (0, 0);
        for step in 0..50 {
            let pod = random_pod(&mut rng, format!("p-{case}-{step}"));
            let a = fast
                .schedule(&pod, &c, &mut rngs.0, &mut scratch.0, &mut start_fast)
                .ok();
            let b = reference
                .schedule_full(&pod, &c, &mut rngs.1, &mut scratch.1, &mut start_ref)
                .ok();
            assert_eq!(a, b, "case {case} step {step} (seed 7031203): chosen node");
            assert_eq!(start_fast, start_ref, "case {case} step {step}: next start");
            if let Some(n) = a {
                placed += 1;
                let images: Vec<String> = pod.spec.images().map(str::to_string).collect();
                let id = c.add_pod(pod);
                c.bind(id, n, SimTime::ZERO);
                for img in images {
                    let img = c.image_id(&img);
                    c.add_image(n, img);
                }
            }
            if rng.random_bool(0.2) {
                random_change(&mut rng, &mut c);
            }
        }
    }
    assert!(placed > 1_500, "only {placed} pods placed");
}

#[test]
fn removed_nodes_no_longer_count_as_holding_an_image() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    let mut c = Cluster::default();
    for i in 0..3 {
        let mut spec = node(i, &mut rng);
        spec.images = vec!["app:1".into()];
        c.add_node(spec);
    }
    let app = c.lookup_image("app:1").unwrap();
    assert_eq!(c.image_node_count()[app.0 as usize], 3);
    c.set_node_present(NodeIdx(2), false);
    assert_eq!(c.image_node_count()[app.0 as usize], 2);
    assert_eq!(c.present_node_count(), 2);
    // A pull recorded on a removed node does not count until the node is back.
    let other = c.image_id("db");
    c.add_image(NodeIdx(2), other);
    assert_eq!(c.image_node_count()[other.0 as usize], 0);
    c.set_node_present(NodeIdx(2), true);
    assert_eq!(c.image_node_count()[app.0 as usize], 3);
    assert_eq!(c.image_node_count()[other.0 as usize], 1);
}
