//! Image pulls per node, not per pod (issue 11 item 3), as the kubelet's image manager
//! makes them (pkg/kubelet/images: image_manager.go EnsureImageExists, puller.go
//! serialImagePuller / parallelImagePuller): an image present or being pulled is not
//! pulled again, pulls are serialised per node unless `serialize_image_pulls: false`,
//! `imagePullPolicy: Always` costs a manifest check and `Never` without the image fails
//! with ErrImageNeverPull. Start times are computed by hand: scheduling and binding take
//! 0 s, a pull `image_pull`, a check `image_check`, a container start 1 s.

use k8sim::input::scenario::load;
use k8sim::sim::Simulation;
use std::fs;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

fn temp(tag: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "k8sim-pulls-{}-{tag}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn scenario(tag: &str, node_extra: &str, runtime: &str) -> String {
    format!(
        "name: {tag}\nseed: 1\nduration: 5m\ncluster:\n  nodes:\n    - {{name: solo, allocatable: {{cpu: \"64\", memory: 256Gi, pods: 110}}{node_extra}}}\nruntime:\n  image_pull: 30s\n  container_start: 1s\n{runtime}workloads: [objects.yaml]\n"
    )
}

fn run(tag: &str, node_extra: &str, runtime: &str, objects: &str) -> Simulation {
    let dir = temp(tag);
    fs::write(dir.join("objects.yaml"), objects).unwrap();
    fs::write(
        dir.join("scenario.yaml"),
        scenario(tag, node_extra, runtime),
    )
    .unwrap();
    let sc = load(&dir.join("scenario.yaml")).unwrap_or_else(|e| panic!("{e}"));
    let mut sim = Simulation::new(&sc, sc.seed, &sc.scheduler).unwrap();
    sim.run().unwrap();
    sim
}

/// Bare pods, in this order, as (name, image, extra container fields).
fn pods(list: &[(&str, &str, &str)]) -> String {
    list.iter()
        .map(|(name, image, extra)| {
            format!("---\napiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec:\n  containers:\n  - {{name: c, image: \"{image}\"{extra}}}\n")
        })
        .collect()
}

/// Start time (s) of each pod by name, in creation order.
fn started(sim: &Simulation) -> Vec<(String, Option<f64>)> {
    sim.cluster
        .pods()
        .values()
        .map(|p| (p.name.clone(), p.times.started.map(|t| t.as_secs_f64())))
        .collect()
}

fn expect(list: &[(&str, f64)]) -> Vec<(String, Option<f64>)> {
    list.iter()
        .map(|(n, t)| (n.to_string(), Some(*t)))
        .collect()
}

// The case: 20 replicas on one node, a 30 s pull. The first pod pulls; the 19
// others wait for that pull, not for one pull each: all start at 30 + 1 = 31 s, so the
// startup p50 is 31 s (it was 91 s with a pull per pod).
#[test]
fn twenty_replicas_on_one_node_share_one_pull() {
    let objects = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 20\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - {name: nginx, image: \"nginx:1.27\"}\n";
    let sim = run("twenty", "", "", objects);
    let starts: Vec<Option<f64>> = sim
        .cluster
        .pods()
        .values()
        .map(|p| p.times.started.map(|t| t.as_secs_f64()))
        .collect();
    assert_eq!(starts, vec![Some(31.0); 20]);
    let summary = sim.summary();
    assert_eq!(summary.startup_latency.p50, 31.0);
    let pulling = sim
        .recorder
        .events
        .iter()
        .filter(|e| e.reason == "Pulling")
        .count();
    assert_eq!(pulling, 20, "every pod reports waiting for the pull");
}

// serializeImagePulls: true (the default): one pull at a time per node. a1 pulls a
// (0-30 s), b1 pulls b after it (30-60 s), a2 waits only for a's pull (30 s).
#[test]
fn serialised_pulls_queue_but_a_pod_waits_only_for_its_own_images_pull() {
    let objects = pods(&[("a1", "a:1", ""), ("b1", "b:1", ""), ("a2", "a:1", "")]);
    let sim = run("serial", "", "", &objects);
    assert_eq!(
        started(&sim),
        expect(&[("a1", 31.0), ("b1", 61.0), ("a2", 31.0)])
    );
}

// serializeImagePulls: false without a limit pulls a, b and c at once; with
// maxParallelImagePulls: 2, c waits for the first free worker (30 s) and ends at 60 s.
#[test]
fn parallel_pulls_follow_max_parallel_image_pulls() {
    let objects = pods(&[("a1", "a:1", ""), ("b1", "b:1", ""), ("c1", "c:1", "")]);
    let unlimited = run("parallel", "", "  serialize_image_pulls: false\n", &objects);
    assert_eq!(
        started(&unlimited),
        expect(&[("a1", 31.0), ("b1", 31.0), ("c1", 31.0)])
    );
    let two = run(
        "parallel-2",
        "",
        "  serialize_image_pulls: false\n  max_parallel_image_pulls: 2\n",
        &objects,
    );
    assert_eq!(
        started(&two),
        expect(&[("a1", 31.0), ("b1", 31.0), ("c1", 61.0)])
    );
}

// imagePullPolicy on an image already on the node: IfNotPresent starts at once (1 s);
// Always only checks the manifest (2 s here), and the checks queue on the serial puller
// (first 0-2 s, second 2-4 s); `nginx` without a tag defaults to Always
// (SetDefaults_Container).
#[test]
fn always_costs_a_manifest_check_on_a_present_image() {
    let objects = pods(&[
        ("present", "nginx:1.27", ""),
        ("always", "nginx:1.27", ", imagePullPolicy: Always"),
        ("untagged", "nginx", ""),
    ]);
    let sim = run(
        "always",
        ", images: [\"nginx:1.27\", nginx]",
        "  image_check: 2s\n",
        &objects,
    );
    assert_eq!(
        started(&sim),
        expect(&[("present", 1.0), ("always", 3.0), ("untagged", 5.0)])
    );
}

// imagePullPolicy: Never starts with the image present (1 s) and otherwise never starts:
// the kubelet reports ErrImageNeverPull (kuberuntime_image.go / image_manager.go).
#[test]
fn never_without_the_image_does_not_start() {
    let objects = pods(&[
        ("local", "tool:1", ", imagePullPolicy: Never"),
        ("missing", "other:1", ", imagePullPolicy: Never"),
    ]);
    let sim = run("never", ", images: [\"tool:1\"]", "", &objects);
    // kubectl shows the waiting reason as the pod's STATUS.
    let dir = temp("never-view");
    fs::write(dir.join("objects.yaml"), &objects).unwrap();
    fs::write(
        dir.join("scenario.yaml"),
        scenario("never", ", images: [\"tool:1\"]", ""),
    )
    .unwrap();
    let sc = load(&dir.join("scenario.yaml")).unwrap();
    let words: Vec<String> = ["get", "pods"].iter().map(|s| s.to_string()).collect();
    let get = k8sim::cli::kubectl::view(&sc, 1, "default", 60_000, &words).unwrap();
    let status = |pod: &str| {
        get.lines()
            .find(|l| l.starts_with(pod))
            .and_then(|l| l.split_whitespace().nth(2))
            .map(str::to_string)
    };
    assert_eq!(
        status("missing").as_deref(),
        Some("ErrImageNeverPull"),
        "{get}"
    );
    assert_eq!(status("local").as_deref(), Some("Running"), "{get}");
    assert_eq!(
        started(&sim),
        vec![
            ("local".to_string(), Some(1.0)),
            ("missing".to_string(), None)
        ]
    );
    let err: Vec<_> = sim
        .recorder
        .events
        .iter()
        .filter(|e| e.reason == "ErrImageNeverPull")
        .map(|e| (e.object.as_str(), e.message.as_str()))
        .collect();
    assert_eq!(
        err,
        vec![(
            "missing",
            "Container image \"other:1\" is not present with pull policy of Never"
        )]
    );
}

// kubelet config validation (pkg/kubelet/apis/config/validation): maxParallelImagePulls
// must be positive and may exceed 1 only with serializeImagePulls false.
#[test]
fn max_parallel_image_pulls_is_validated_as_the_kubelet_does() {
    for (runtime, message) in [
        (
            "  max_parallel_image_pulls: 3\n",
            "cannot be larger than 1 unless serialize_image_pulls is false",
        ),
        (
            "  serialize_image_pulls: false\n  max_parallel_image_pulls: 0\n",
            "expected a positive number, found 0",
        ),
    ] {
        let dir = temp("invalid");
        fs::write(dir.join("objects.yaml"), pods(&[("a", "a:1", "")])).unwrap();
        fs::write(dir.join("scenario.yaml"), scenario("invalid", "", runtime)).unwrap();
        let err = load(&dir.join("scenario.yaml")).unwrap_err().to_string();
        assert!(err.contains("runtime.max_parallel_image_pulls"), "{err}");
        assert!(err.contains(message), "{err}");
        assert!(err.contains("scenario.yaml:"), "{err}");
    }
}
