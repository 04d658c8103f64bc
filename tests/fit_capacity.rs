//! `k8sim fit` (docs/fit.md): the number of extra replicas it reports is what a run that
//! really adds them can place — N all get a node, N + 1 leaves exactly one waiting — and
//! the next one's reason is kube-scheduler's FitError.

use k8sim::cli::fit::{fit_output, FitArgs, Format};
use k8sim::input::scenario;
use k8sim::scheduler::plugins::registry::Registry;
use k8sim::sim::waits::pod_waits;
use k8sim::sim::Simulation;
use std::fs;
use std::path::{Path, PathBuf};

/// Three 4-cpu nodes; `web` (two 1500m replicas) is running by 60 s; `extra` (1 cpu per
/// replica) starts at 0 replicas and TIMELINE may scale it.
const SCENARIO: &str = "name: fit
seed: 7
duration: 5m
cluster:
  nodes:
    - name: w
      count: 3
      allocatable: {cpu: \"4\", memory: 16Gi, pods: 110}
runtime:
  image_pull: 0s
  container_start: 1s
workloads:
  - objects.yaml
  - extra.yaml
TIMELINE";

const WEB: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: c, image: nginx, resources: {requests: {cpu: 1500m, memory: 1Gi}}}
";

const EXTRA: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: extra}
spec:
  replicas: 0
  selector: {matchLabels: {app: extra}}
  template:
    metadata: {labels: {app: extra}}
    spec:
      containers:
      - {name: c, image: nginx, resources: {requests: {cpu: \"1\", memory: 1Gi}}}
";

/// Writes the scenario (with `timeline`) into a fresh folder and returns its path.
fn write(tag: &str, timeline: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("k8sim-fit-{}-{tag}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("objects.yaml"), WEB).unwrap();
    fs::write(dir.join("extra.yaml"), EXTRA).unwrap();
    let text = SCENARIO.replace("TIMELINE", timeline);
    fs::write(dir.join("fit.yaml"), text).unwrap();
    dir
}

fn args(dir: &Path, output: Format) -> FitArgs {
    FitArgs {
        pod: dir.join("extra.yaml"),
        scenario: dir.join("fit.yaml"),
        at: Some("60s".into()),
        output,
        seed: None,
        scheduler: None,
        max: 10_000,
    }
}

/// Replicas of `extra` never bound at the end of a run that scales it to `n` at 60 s.
fn never_scheduled_after_scaling_to(n: u64) -> u64 {
    let timeline =
        format!("timeline:\n  - at: 60s\n    kubectl: scale deployment extra --replicas={n}\n");
    let dir = write(&format!("scale-{n}"), &timeline);
    let sc = scenario::load(&dir.join("fit.yaml")).unwrap_or_else(|e| panic!("{e}"));
    let mut sim = Simulation::new(&sc, sc.seed, "default").unwrap();
    sim.run().unwrap();
    let rows = pod_waits(&sim).by_workload();
    let extra = rows
        .iter()
        .find(|(k, _)| k.name == "extra")
        .expect("extra row");
    assert_eq!(extra.1.pods, n, "replicas created");
    fs::remove_dir_all(&dir).unwrap();
    extra.1.never_scheduled
}

#[test]
fn fit_agrees_with_a_run_that_adds_the_replicas() {
    let dir = write("fit", "");
    let json = fit_output(&args(&dir, Format::Json)).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let n = v["replicas"].as_u64().unwrap();
    // Hand count from the cluster at 60 s: each node takes ⌊free cpu / 1 cpu⌋ copies.
    let sc = scenario::load(&dir.join("fit.yaml")).unwrap();
    let mut limits = sc.limits;
    limits.end_time = k8sim::engine::SimTime::from_millis(60_000);
    let mut sim =
        Simulation::with_registry_and_limits(&sc, sc.seed, "default", &Registry::in_tree(), limits)
            .unwrap();
    sim.run().unwrap();
    let mut free = [4000i64; 3];
    for p in sim.cluster.pods().values().filter(|p| p.is_active()) {
        let node = p.node.expect("web is running at 60 s");
        free[node.ix()] -= p.spec.requests.get(k8sim::model::resources::CPU);
    }
    let hand: i64 = free.iter().map(|f| f / 1000).sum();
    assert_eq!(n as i64, hand, "free cpu per node {free:?}");
    let per_node: u64 = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["replicas"].as_u64().unwrap())
        .sum();
    assert_eq!(per_node, n);
    // kube's FitError wording (schedule_one.go FitError.Error()), no node left with 1 cpu.
    assert_eq!(
        v["next_replica"],
        "0/3 nodes are available: 3 Insufficient cpu."
    );
    assert_eq!(v["max_reached"], false);
    fs::remove_dir_all(&dir).unwrap();
    assert_eq!(never_scheduled_after_scaling_to(n), 0, "{n} replicas fit");
    assert_eq!(
        never_scheduled_after_scaling_to(n + 1),
        1,
        "{n} + 1 replicas"
    );
}

/// The CSV answer: one `node` row per node, then the `total` row with the reason.
#[test]
fn fit_csv_rows_sum_to_the_total() {
    let dir = write("csv", "");
    let csv = fit_output(&args(&dir, Format::Csv)).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "kind,name,replicas,reason");
    let nodes: Vec<&str> = lines[1..4].to_vec();
    assert!(nodes.iter().all(|l| l.starts_with("node,w-")), "{csv}");
    let sum: u64 = nodes
        .iter()
        .map(|l| l.split(',').nth(2).unwrap().parse::<u64>().unwrap())
        .sum();
    let total = lines[4].strip_prefix("total,extra,").expect("total row");
    assert_eq!(
        total,
        format!("{sum},0/3 nodes are available: 3 Insufficient cpu.")
    );
    fs::remove_dir_all(&dir).unwrap();
}

/// A manifest without a pod, or with several, is an error naming the file.
#[test]
fn fit_needs_exactly_one_pod_carrying_object() {
    let dir = write("bad", "");
    let mut a = args(&dir, Format::Text);
    a.pod = dir.join("two.yaml");
    fs::write(&a.pod, format!("{WEB}---\n{EXTRA}")).unwrap();
    let err = fit_output(&a).unwrap_err().to_string();
    assert!(
        err.contains("two.yaml") && err.contains("found several"),
        "{err}"
    );
    a.pod = dir.join("svc.yaml");
    let svc = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {selector: {app: web}}\n";
    fs::write(&a.pod, svc).unwrap();
    let err = fit_output(&a).unwrap_err().to_string();
    assert!(
        err.contains("svc.yaml") && err.contains("found none"),
        "{err}"
    );
    a.pod = dir.join("extra.yaml");
    a.at = Some("10m".into());
    let err = fit_output(&a).unwrap_err().to_string();
    assert!(err.contains("beyond the scenario's duration"), "{err}");
    fs::remove_dir_all(&dir).unwrap();
}
