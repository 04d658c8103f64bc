//! Deployment and DaemonSet behaviour, and end-to-end runs of the real manifests in
//! ../shared/data/manifests (a failure under `CI=true` when absent, skipped with a notice
//! elsewhere).

mod prereq;

use k8sim::input::scenario::load;
use k8sim::sim::Simulation;
use std::fs;
use std::path::{Path, PathBuf};

fn temp(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("k8sim-apps-{}-{tag}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn run_files(tag: &str, scenario: &str, files: &[(&str, &str)]) -> Simulation {
    let dir = temp(tag);
    for (name, text) in files {
        fs::write(dir.join(name), text).unwrap();
    }
    fs::write(dir.join("scenario.yaml"), scenario).unwrap();
    let sc = load(&dir.join("scenario.yaml")).unwrap_or_else(|e| panic!("{e}"));
    let mut sim = Simulation::new(&sc, sc.seed, &sc.scheduler).unwrap();
    sim.run().unwrap();
    sim
}

const SCENARIO: &str = "name: t
seed: 3
duration: DURATION
cluster:
  nodes:
    - name: n
      count: 3
      allocatable: {cpu: \"8\", memory: 32Gi, pods: 110}
runtime:
  image_pull: 2s
  container_start: 1s
workloads:
  - objects.yaml
";

const WEB: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 4
  selector: {matchLabels: {app: web}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: nginx, image: nginx:1, readinessProbe: {initialDelaySeconds: 3}}
";

fn web(tag: &str, timeline: &str) -> Simulation {
    let scenario = format!(
        "{}timeline:\n{timeline}",
        SCENARIO.replace("DURATION", "5m")
    );
    run_files(tag, &scenario, &[("objects.yaml", WEB)])
}

// "Rolling update with maxSurge 1 maxUnavailable 0 never drops below the desired ready
// count", never has more than 5 pods, and pods are named <deploy>-<hash>-<5 chars>.
#[test]
fn rolling_update_max_surge_1_max_unavailable_0_keeps_desired_ready() {
    let sim = web(
        "surge",
        "  - at: 60s\n    kubectl: set image deployment/web nginx=nginx:2\n",
    );
    let d = &sim.workloads.deployments[0];
    // All four were Ready before the update at 60 s, and from then on the Ready count
    // never fell below desired (deployment rolling.go: maxUnavailable 0 scales the old
    // ReplicaSet down only by new pods that are available).
    let first_ready = d.tracker.first_ready.expect("web became Ready");
    assert!(
        first_ready.as_millis() < 60_000,
        "first Ready at {first_ready}"
    );
    let since_ready: Vec<_> = d
        .tracker
        .changes
        .iter()
        .filter(|(t, _, _)| *t >= first_ready)
        .collect();
    assert!(
        since_ready
            .iter()
            .all(|(_, desired, ready)| *desired == 4 && *ready >= 4),
        "{since_ready:?}"
    );
    // The rollout happened and finished: the new ReplicaSet owns all four Ready pods.
    let new_rs = d.replicasets.last().copied().expect("a new ReplicaSet");
    let new_ready = sim.workloads.replicasets[new_rs as usize]
        .pods
        .iter()
        .filter(|p| sim.cluster.pods()[p.ix()].ready && sim.cluster.pods()[p.ix()].is_active())
        .count();
    assert_eq!(new_ready, 4);
    // At most desired + maxSurge pods at once.
    let mut points: Vec<(u64, i32)> = Vec::new();
    for p in sim.cluster.pods().values() {
        points.push((p.times.created.as_millis(), 1));
        if let Some(f) = p.times.finished {
            points.push((f.as_millis(), -1));
        }
    }
    points.sort_by_key(|(t, d)| (*t, *d));
    let mut live = 0;
    for (_, d) in points {
        live += d;
        assert!(live <= 5);
    }
    let hashes: Vec<String> = sim
        .workloads
        .replicasets
        .iter()
        .map(|r| r.template.hash.clone())
        .collect();
    assert_eq!(hashes.len(), 2);
    for p in sim.cluster.pods().values() {
        let rest = p.name.strip_prefix("web-").unwrap();
        let (hash, suffix) = rest.rsplit_once('-').unwrap();
        assert!(hashes.contains(&hash.to_string()));
        assert_eq!(suffix.len(), 5);
    }
}

// "Rollout undo returns to the previous template hash" and the old ReplicaSet becomes the
// newest revision again.
#[test]
fn rollout_undo_returns_to_the_previous_template_hash() {
    let sim = web(
        "undo",
        "  - at: 60s\n    kubectl: set image deployment/web nginx=nginx:2\n  - at: 150s\n    kubectl: rollout undo deployment/web\n",
    );
    let first = &sim.workloads.replicasets[0];
    assert_eq!(
        sim.workloads.deployments[0].spec.template.hash,
        first.template.hash
    );
    assert_eq!(first.replicas, 4);
    assert_eq!(first.revision, 3);
    assert_eq!(sim.workloads.replicasets[1].replicas, 0);
}

// Proportional scaling (sync.go scale): scaling 4 -> 8 in the middle of a stuck rollout
// spreads the extra replicas by ReplicaSet size: allowed 8 + maxSurge 2 = 10, 6 exist;
// old 4 * 10 / 6 = 6.67 -> 7, new 2 * 10 / 6 = 3.33 -> 3.
#[test]
fn scaling_during_a_rollout_is_proportional() {
    let objects = WEB
        .replace(
            "maxSurge: 1, maxUnavailable: 0",
            "maxSurge: 2, maxUnavailable: 0",
        )
        .replace(
            "readinessProbe: {initialDelaySeconds: 3}",
            "resources: {requests: {cpu: \"2\"}}",
        );
    let scenario = "name: t
seed: 3
duration: 3m
cluster:
  nodes:
    - name: n
      allocatable: {cpu: \"9\", memory: 32Gi, pods: 110}
workloads:
  - objects.yaml
timeline:
  - at: 60s
    kubectl: set image deployment/web nginx=nginx:2
  - at: 90s
    kubectl: scale deployment web --replicas=8
";
    let sim = run_files("proportional", scenario, &[("objects.yaml", &objects)]);
    let rs: Vec<i32> = sim
        .workloads
        .replicasets
        .iter()
        .map(|r| r.replicas)
        .collect();
    assert_eq!(rs, vec![7, 3]);
}

// DaemonSet: one pod per eligible node; a NoSchedule taint keeps it off a node unless
// tolerated; the automatic tolerations let it stay on an unreachable node.
#[test]
fn daemonset_runs_one_pod_per_eligible_node() {
    let scenario = "name: t
seed: 1
duration: 2m
cluster:
  nodes:
    - name: w
      count: 2
      allocatable: {cpu: \"4\", memory: 8Gi, pods: 110}
      labels: {role: worker}
    - name: gpu
      allocatable: {cpu: \"4\", memory: 8Gi, pods: 110}
      labels: {role: worker}
      taints: [{key: gpu, value: \"true\", effect: NoSchedule}]
    - name: edge
      allocatable: {cpu: \"4\", memory: 8Gi, pods: 110}
      labels: {role: edge}
workloads:
  - objects.yaml
timeline:
  - at: 30s
    node: {fail: w-0}
";
    let objects = "apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      nodeSelector: {role: worker}
      containers: [{name: a, image: agent}]
";
    let sim = run_files("ds", scenario, &[("objects.yaml", objects)]);
    let nodes: Vec<&str> = sim
        .cluster
        .pods()
        .values()
        .map(|p| sim.cluster.nodes().names()[p.node.unwrap().ix()].as_str())
        .collect();
    assert_eq!(nodes, vec!["w-0", "w-1"]);
    assert!(sim.cluster.pods().values().all(|p| p.is_active()));
    assert!(sim.cluster.pods()[0].name.starts_with("agent-"));
}

fn manifests() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/manifests");
    let what = format!("{} (real manifests)", dir.display());
    prereq::available(dir.is_dir(), &what).then_some(dir)
}

fn real(tag: &str, file: &str) -> Option<Simulation> {
    let src = manifests()?.join(file);
    let text = fs::read_to_string(src).unwrap();
    let scenario = SCENARIO
        .replace("DURATION", "10m")
        .replace("count: 3", "count: 4");
    Some(run_files(tag, &scenario, &[("objects.yaml", &text)]))
}

// Cassandra: 3 ordered pods cassandra-0..2, each with its PVC cassandra-data-cassandra-<n>
// provisioned through the class named by the beta annotation.
#[test]
fn cassandra_statefulset_end_to_end() {
    let Some(sim) = real("cassandra", "k8s-examples-cassandra-statefulset.yaml") else {
        return;
    };
    let mut names: Vec<&str> = sim
        .cluster
        .pods()
        .values()
        .map(|p| p.name.as_str())
        .collect();
    names.sort();
    assert_eq!(names, vec!["cassandra-0", "cassandra-1", "cassandra-2"]);
    for n in 0..3 {
        let c = sim
            .cluster
            .storage()
            .claim("default", &format!("cassandra-data-cassandra-{n}"))
            .expect("claim exists");
        assert_eq!(sim.cluster.storage().pvcs[c as usize].class, "fast");
        assert!(sim.cluster.storage().pvcs[c as usize].volume.is_some());
    }
    let c0 = sim
        .cluster
        .pods()
        .values()
        .find(|p| p.name == "cassandra-0")
        .unwrap();
    let c1 = sim
        .cluster
        .pods()
        .values()
        .find(|p| p.name == "cassandra-1")
        .unwrap();
    assert!(c1.times.created >= c0.times.ready.unwrap());
}

// Guestbook and Online Boutique: every Deployment reaches its desired ready count with
// <deploy>-<hash>-<suffix> pod names.
#[test]
fn guestbook_and_online_boutique_end_to_end() {
    for (tag, file) in [
        ("guestbook", "k8s-examples-guestbook-all-in-one.yaml"),
        ("boutique", "online-boutique-kubernetes-manifests.yaml"),
    ] {
        let Some(sim) = real(tag, file) else {
            return;
        };
        assert!(!sim.workloads.deployments.is_empty());
        for d in &sim.workloads.deployments {
            let &(_, desired, ready) = d.tracker.changes.last().unwrap();
            assert_eq!(ready, desired, "{tag}: {}", d.spec.meta.name);
        }
    }
}
