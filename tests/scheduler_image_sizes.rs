//! `cluster.image_sizes` feeds ImageLocality the sizes nodes report in
//! `status.images[].sizeBytes`, so a large image already on a node can outweigh
//! LeastAllocated while a small one cannot (imagelocality/image_locality.go: scores scale
//! between 23 MiB and 1000 MiB per container, times the share of nodes holding the image).

use k8sim::input::scenario::load;
use k8sim::sim::Simulation;
use std::fs;

/// Runs two nodes, `n0` empty and `n1` 30 % full with `app:1` already pulled, and returns
/// the node the `web` pod (1 cpu, 1 GiB, image `app:1`) lands on.
fn node_of_web(image_sizes: &str) -> String {
    let dir = std::env::temp_dir().join(format!(
        "k8sim-image-sizes-{}-{}",
        std::process::id(),
        image_sizes.len()
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("pods.yaml"),
        r#"apiVersion: v1
kind: Pod
metadata: {name: filler}
spec:
  nodeName: n1
  containers:
  - name: c
    image: pause:1
    resources: {requests: {cpu: "3", memory: 3Gi}}
---
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: c
    image: app:1
    resources: {requests: {cpu: "1", memory: 1Gi}}
"#,
    )
    .unwrap();
    fs::write(
        dir.join("scenario.yaml"),
        format!(
            r#"name: image-sizes
duration: 1m
cluster:
  nodes:
    - name: n0
      allocatable: {{cpu: "10", memory: 10Gi}}
    - name: n1
      allocatable: {{cpu: "10", memory: 10Gi}}
      images: ["app:1"]
{image_sizes}
workloads: [pods.yaml]
"#
        ),
    )
    .unwrap();
    let sc = load(&dir.join("scenario.yaml")).unwrap_or_else(|e| panic!("{e}"));
    let mut sim = Simulation::new(&sc, sc.seed, &sc.scheduler).unwrap();
    sim.run().unwrap();
    let web = sim
        .cluster
        .pods()
        .values()
        .find(|p| p.name == "web")
        .unwrap();
    let node = web.node.expect("web is bound");
    fs::remove_dir_all(&dir).unwrap();
    sim.cluster.nodes().names()[node.ix()].clone()
}

#[test]
fn a_large_image_on_a_node_outweighs_least_allocated() {
    // n1: LeastAllocated (10-4)/10 = 60, ImageLocality (1000Mi × 1/2 − 23Mi) × 100 /
    // (1000Mi − 23Mi) = 48, Balanced 100 → 208; n0: 90 + 0 + 100 = 190.
    assert_eq!(node_of_web("  image_sizes: {\"app:1\": 1000Mi}"), "n1");
}

#[test]
fn a_small_image_on_a_node_does_not() {
    // 10Mi × 1/2 is below the 23 MiB threshold: ImageLocality 0, so n0 (90) beats n1 (60).
    assert_eq!(node_of_web("  image_sizes: {\"app:1\": 10Mi}"), "n0");
}

#[test]
fn a_bad_image_size_names_the_field() {
    let dir = std::env::temp_dir().join(format!("k8sim-image-sizes-bad-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("scenario.yaml"),
        "name: bad\nduration: 1m\ncluster:\n  nodes:\n    - name: n0\n      allocatable: {cpu: \"1\", memory: 1Gi}\n  image_sizes:\n    app:1: lots\n",
    )
    .unwrap();
    let err = load(&dir.join("scenario.yaml"))
        .expect_err("bad size")
        .to_string();
    fs::remove_dir_all(&dir).unwrap();
    assert!(err.contains("cluster.image_sizes.app:1"), "{err}");
    assert!(err.contains(":8:"), "{err}");
}
