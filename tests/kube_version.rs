//! One Kubernetes version (issue 11 item 7): k8sim follows Kubernetes v1.36 in its version
//! strings, defaults and event wording.

use k8sim::input::scenario;
use k8sim::sim::Simulation;
use std::path::{Path, PathBuf};
use std::process::Command;

fn k8sim(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_k8sim"))
        .args(args)
        .output()
        .expect("k8sim runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn write_scenario(tag: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("k8sim-kube-version-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("scenario.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn version_names_the_kubernetes_release() {
    assert_eq!(
        k8sim(&["--version"]).trim(),
        format!(
            "k8sim {} (simulates Kubernetes v1.36)",
            env!("CARGO_PKG_VERSION")
        )
    );
    assert_eq!(k8sim::model::KUBERNETES_VERSION, "v1.36");
}

/// Nodes report the kubelet of the same release, created at the default start
/// (2026-01-01T00:00:00Z, not 1970) when the scenario gives none.
#[test]
fn nodes_report_kubelet_v1_36_and_the_default_start() {
    let sc =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_inputs/support/good-scenario.yaml");
    let wide = k8sim(&[
        "kubectl",
        sc.to_str().unwrap(),
        "--at",
        "1m",
        "--",
        "get",
        "nodes",
        "-o",
        "wide",
    ]);
    assert!(wide.contains("v1.36.0"), "{wide}");
    assert!(!wide.contains("v1.33"), "{wide}");
    let described = k8sim(&[
        "kubectl",
        sc.to_str().unwrap(),
        "--at",
        "1m",
        "--",
        "describe",
        "node",
        "worker-0",
    ]);
    assert!(
        described.contains("Kubelet Version:            v1.36.0"),
        "{described}"
    );
    assert!(described.contains("2026"), "{described}");
    assert!(!described.contains("1970"), "{described}");
    let loaded = scenario::load(&sc).unwrap();
    assert_eq!(loaded.start_epoch_s, scenario::DEFAULT_START_EPOCH_S);
    assert_eq!(scenario::DEFAULT_START_EPOCH_S, 1_767_225_600); // 2026-01-01T00:00:00Z
}

/// pkg/controller/statefulset/stateful_pod_control.go `recordPodEvent`: "create Pod db-0
/// in StatefulSet db successful"; ReplicaSets keep controller_utils.go's "Created pod: ...".
#[test]
fn statefulset_events_use_the_statefulset_controllers_words() {
    let sc = write_scenario(
        "sts",
        "name: sts\nduration: 5m\ncluster:\n  nodes:\n    - name: n\n      allocatable: {cpu: \"4\", memory: 8Gi}\nworkloads: [db.yaml]\ntimeline:\n  - at: 2m\n    kubectl: scale statefulset db --replicas=1\n",
    );
    std::fs::write(
        sc.parent().unwrap().join("db.yaml"),
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n  replicas: 2\n  serviceName: db\n  podManagementPolicy: Parallel\n  selector: {matchLabels: {app: db}}\n  template:\n    metadata: {labels: {app: db}}\n    spec:\n      containers: [{name: c, image: postgres}]\n",
    )
    .unwrap();
    let loaded = scenario::load(&sc).unwrap();
    let mut sim = Simulation::new(&loaded, 1, "default").unwrap();
    sim.run().unwrap();
    let messages: Vec<&str> = sim
        .recorder
        .events
        .iter()
        .filter(|e| e.object == "db")
        .map(|e| e.message.as_str())
        .collect();
    assert!(
        messages.contains(&"create Pod db-0 in StatefulSet db successful"),
        "{messages:?}"
    );
    assert!(
        messages.contains(&"delete Pod db-1 in StatefulSet db successful"),
        "{messages:?}"
    );
    assert!(
        !messages.iter().any(|m| m.starts_with("Created pod")),
        "{messages:?}"
    );
}

/// schedule_one.go `FitError.Error`: the PostFilter message is appended after a space
/// with no second period, so the nested preemption FitError ends in a single ".".
#[test]
fn failed_scheduling_with_preemption_ends_in_one_period() {
    let sc = write_scenario(
        "fit",
        "name: fit\nduration: 1m\ncluster:\n  nodes:\n    - name: n\n      allocatable: {cpu: \"1\", memory: 8Gi}\nworkloads: [pods.yaml]\n",
    );
    std::fs::write(
        sc.parent().unwrap().join("pods.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers: [{name: c, image: x, resources: {requests: {cpu: 800m}}}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec:\n  containers: [{name: c, image: x, resources: {requests: {cpu: 800m}}}]\n",
    )
    .unwrap();
    let loaded = scenario::load(&sc).unwrap();
    let mut sim = Simulation::new(&loaded, 1, "default").unwrap();
    sim.run().unwrap();
    let failed: Vec<&str> = sim
        .recorder
        .events
        .iter()
        .filter(|e| e.reason == "FailedScheduling")
        .map(|e| e.message.as_str())
        .collect();
    assert!(!failed.is_empty());
    for m in failed {
        assert_eq!(
            m,
            "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod."
        );
    }
}
