//! Timeline and faults: node failures and eviction, StatefulSet at-most-one, drain with a
//! PodDisruptionBudget, rollout undo, crash back-off, and load-time errors of bad entries.

use k8sim::cluster::{Owner, PodPhase};
use k8sim::input::scenario::load;
use k8sim::scenario::Scenario;
use k8sim::sim::Simulation;
use std::fs;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

fn write_scenario(tag: &str, scenario: &str, manifests: &[(&str, &str)]) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "k8sim-faults-{}-{tag}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    for (name, text) in manifests {
        fs::write(dir.join(name), text).unwrap();
    }
    let path = dir.join("scenario.yaml");
    fs::write(&path, scenario).unwrap();
    path
}

fn run(tag: &str, scenario: &str, manifests: &[(&str, &str)]) -> (Scenario, Simulation) {
    let path = write_scenario(tag, scenario, manifests);
    let sc = load(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut sim = Simulation::new(&sc, sc.seed, &sc.scheduler).unwrap();
    sim.run().unwrap();
    (sc, sim)
}

fn load_err(tag: &str, scenario: &str, manifests: &[(&str, &str)]) -> String {
    let path = write_scenario(tag, scenario, manifests);
    load(&path)
        .expect_err("the scenario should not load")
        .to_string()
}

fn event_times(sim: &Simulation, reason: &str) -> Vec<f64> {
    sim.recorder
        .events
        .iter()
        .filter(|e| e.reason == reason)
        .map(|e| e.time.as_secs_f64())
        .collect()
}

const WEB: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        resources: {requests: {cpu: "1", memory: 1Gi}}
"#;

const DB: &str = r#"
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 1
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
      - name: db
        image: postgres:16
        resources: {requests: {cpu: "1", memory: 1Gi}}
"#;

fn cluster(nodes: &str) -> String {
    format!("runtime: {{image_pull: 0s, container_start: 0s}}\ncluster:\n  nodes:\n{nodes}")
}

#[test]
fn a_node_failure_evicts_its_deployment_pods_after_300s_and_they_come_back_on_other_nodes() {
    let scenario = format!(
        "name: nodefail\nduration: 15m\nworkloads: [web.yaml]\n{}timeline:\n  - at: 1m\n    node: {{fail: worker-0}}\n",
        cluster("    - {name: worker, count: 3, allocatable: {cpu: \"4\", memory: 16Gi}}\n")
    );
    let (_, sim) = run("nodefail", &scenario, &[("web.yaml", WEB)]);
    let failed = sim.cluster.node_names()["worker-0"];
    // NotReady after the 50 s node-monitor grace period; evictions 300 s later
    // (DefaultTolerationSeconds).
    assert_eq!(event_times(&sim, "NodeNotReady")[0], 110.0);
    let evictions = event_times(&sim, "TaintManagerEviction");
    assert!(!evictions.is_empty(), "some web pod ran on worker-0");
    assert!(evictions.iter().all(|t| *t == 410.0), "{evictions:?}");
    let active: Vec<_> = sim
        .cluster
        .pods()
        .values()
        .filter(|p| p.is_active() && p.ready)
        .collect();
    assert_eq!(active.len(), 3);
    assert!(active.iter().all(|p| p.node != Some(failed)));
    // The evicted pods stay Terminating on the unreachable node.
    let terminating = sim
        .cluster
        .pods()
        .values()
        .filter(|p| p.deleting && !p.released && p.node == Some(failed))
        .count();
    assert_eq!(terminating, evictions.len());
}

#[test]
fn a_statefulset_pod_on_a_failed_node_is_not_duplicated_until_the_node_recovers() {
    let scenario = format!(
        "name: stsfail\nduration: 30m\nworkloads: [db.yaml]\n{}timeline:\n  - at: 1m\n    node: {{fail: solo}}\n  - at: 20m\n    node: {{recover: solo}}\n",
        cluster("    - {name: solo, allocatable: {cpu: \"4\", memory: 16Gi}}\n    - {name: spare, allocatable: {cpu: \"4\", memory: 16Gi}, taints: [{key: spare, effect: NoSchedule}]}\n")
    );
    // db-0 lands on `solo` (the spare node is tainted), then solo fails.
    let (_, sim) = run("stsfail", &scenario, &[("db.yaml", DB)]);
    let db_pods: Vec<_> = sim
        .cluster
        .pods()
        .values()
        .filter(|p| matches!(p.owner, Owner::StatefulSet(_)))
        .collect();
    assert_eq!(event_times(&sim, "TaintManagerEviction"), vec![410.0]);
    // No second db-0 while the first was Terminating on the unreachable node.
    assert_eq!(db_pods.len(), 2, "one replacement after recovery");
    assert!(db_pods[1].times.created.as_secs_f64() >= 1200.0);
    assert!(db_pods[1].is_active() && db_pods[1].ready);
}

#[test]
fn drain_stops_at_the_pdb_limit() {
    let pdb = r#"
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web-pdb}
spec:
  minAvailable: 2
  selector: {matchLabels: {app: web}}
"#;
    let scenario = format!(
        "name: drain\nduration: 10m\nworkloads: [web.yaml, pdb.yaml]\n{}timeline:\n  - at: 2m\n    kubectl: kubectl drain a --ignore-daemonsets --grace-period=5\n",
        cluster("    - {name: a, allocatable: {cpu: \"4\", memory: 16Gi}}\n    - {name: b, allocatable: {cpu: \"4\", memory: 16Gi}, unschedulable: true}\n")
    );
    let (_, sim) = run("drain", &scenario, &[("web.yaml", WEB), ("pdb.yaml", pdb)]);
    // 3 Ready, minAvailable 2: one disruption; the replacement cannot run anywhere.
    assert_eq!(event_times(&sim, "Evicted"), vec![120.0]);
    assert!(event_times(&sim, "EvictionRefused").len() >= 2);
    let a = sim.cluster.node_names()["a"];
    assert!(sim.cluster.nodes().unschedulable()[a.ix()]);
    assert_eq!(
        sim.cluster
            .pods()
            .values()
            .filter(|p| p.is_active() && p.node == Some(a))
            .count(),
        2
    );
}

#[test]
fn rollout_undo_to_revision_restores_that_template() {
    let scenario = format!(
        "name: undo\nduration: 10m\nworkloads: [web.yaml]\n{}timeline:\n  - at: 1m\n    kubectl: set image deployment/web web=nginx:1.28\n  - at: 2m\n    kubectl: kubectl set image deployment web web=nginx:1.29\n  - at: 3m\n    kubectl: rollout undo deployment web --to-revision=1\n",
        cluster("    - {name: worker, count: 3, allocatable: {cpu: \"4\", memory: 16Gi}}\n")
    );
    let (_, sim) = run("undo", &scenario, &[("web.yaml", WEB)]);
    let images: Vec<&str> = sim
        .cluster
        .pods()
        .values()
        .filter(|p| p.is_active())
        .map(|p| p.spec.containers[0].image.as_str())
        .collect();
    assert_eq!(images, vec!["nginx:1.27"; 3]);
    // 1.29 pods existed before the undo.
    assert!(sim
        .cluster
        .pods()
        .values()
        .any(|p| p.spec.containers[0].image == "nginx:1.29"));
}

#[test]
fn a_pod_that_crashes_3_times_shows_back_off_delays_10s_20s_40s() {
    let pod = r#"
apiVersion: v1
kind: Pod
metadata: {name: flaky}
spec:
  containers:
  - {name: app, image: busybox}
"#;
    let scenario = format!(
        "name: crash\nduration: 71s\nworkloads: [pod.yaml]\n{}",
        cluster("    - {name: n, allocatable: {cpu: \"4\", memory: 16Gi}}\n")
    )
    .replace(
        "container_start: 0s}",
        "container_start: 0s, crashes: {flaky: {after: 0s, exit_code: 2}}}",
    );
    let (_, sim) = run("crash", &scenario, &[("pod.yaml", pod)]);
    let starts = event_times(&sim, "Started");
    let gaps: Vec<f64> = starts.windows(2).map(|w| w[1] - w[0]).collect();
    assert_eq!(gaps, vec![10.0, 20.0, 40.0]);
    assert_eq!(event_times(&sim, "BackOff").len(), 4);
    let p = &sim.cluster.pods()[0];
    assert_eq!(p.restarts, 3);
    assert_eq!(p.phase, PodPhase::Running);
    let st = &sim.kubelets.status[&k8sim::cluster::PodId(0)];
    assert_eq!(st.last.as_ref().unwrap().exit_code, 2);
    assert_eq!(st.backoff_ms, 80_000);
}

#[test]
fn crash_back_off_is_capped_at_5_minutes_and_reset_after_10_minutes_running() {
    use k8sim::engine::SimTime;
    use k8sim::kubelet::next_backoff_ms;
    let t = |s: u64| SimTime::from_millis(s * 1000);
    assert_eq!(next_backoff_ms(0, t(0), t(1)), 10_000);
    assert_eq!(next_backoff_ms(160_000, t(0), t(1)), 300_000);
    assert_eq!(next_backoff_ms(300_000, t(0), t(1)), 300_000);
    assert_eq!(next_backoff_ms(300_000, t(0), t(600)), 10_000);
}

fn bad(tag: &str, line: &str) -> String {
    let scenario = format!(
        "name: bad\nduration: 1h\nworkloads: [web.yaml]\n{}timeline:\n  - at: 1m\n    kubectl: scale deployment web --replicas=2\n  - at: 2m\n    {line}\n",
        cluster("    - {name: worker, count: 2, allocatable: {cpu: \"4\", memory: 16Gi}}\n")
    );
    load_err(tag, &scenario, &[("web.yaml", WEB)])
}

#[test]
fn bad_timeline_entries_are_load_time_errors_naming_index_and_line() {
    let cases = [
        (
            "verb",
            "kubectl: frobnicate deployment web",
            "unsupported kubectl verb",
        ),
        (
            "flag",
            "kubectl: scale deployment web --replicas=2 --bogus=1",
            "unknown flag: --bogus",
        ),
        (
            "replicas",
            "kubectl: scale deployment web --replicas=-1",
            "--replicas",
        ),
        (
            "node",
            "node: {fail: worker-9}",
            "no node named \"worker-9\"",
        ),
        (
            "object",
            "kubectl: scale deployment nope --replicas=1",
            "no Deployment named \"nope\"",
        ),
        (
            "drainflag",
            "kubectl: drain worker-0 --replicas=3",
            "unknown flag: --replicas",
        ),
    ];
    for (tag, line, expected) in cases {
        let err = bad(tag, line);
        assert!(err.contains("timeline[1]"), "{tag}: {err}");
        assert!(err.contains("timeline entry 1"), "{tag}: {err}");
        assert!(err.contains("scenario.yaml:11"), "{tag}: {err}");
        assert!(err.contains(expected), "{tag}: {err}");
    }
    let scenario = format!(
        "name: bad\nduration: 10m\n{}timeline:\n  - at: 11m\n    node: {{fail: worker-0}}\n",
        cluster("    - {name: worker, count: 2, allocatable: {cpu: \"4\", memory: 16Gi}}\n")
    );
    let err = load_err("late", &scenario, &[]);
    assert!(err.contains("timeline[0].at"), "{err}");
    assert!(err.contains("beyond the scenario's duration"), "{err}");
}

#[test]
fn every_until_repeats_an_entry_and_node_add_makes_new_nodes() {
    let scenario = format!(
        "name: every\nduration: 10m\nworkloads: [web.yaml]\n{}timeline:\n  - every: 2m\n    at: 1m\n    until: 7m\n    kubectl: rollout restart deployment web\n  - at: 30s\n    node: {{add: worker, count: 2}}\n  - at: 8m\n    kubectl: cordon worker-2\n",
        cluster("    - {name: worker, count: 2, allocatable: {cpu: \"4\", memory: 16Gi}}\n")
    );
    let path = write_scenario("every", &scenario, &[("web.yaml", WEB)]);
    let sc = load(&path).unwrap();
    let restarts: Vec<u64> = sc
        .timeline
        .iter()
        .filter(|e| e.index == 0)
        .map(|e| e.at.as_millis() / 1000)
        .collect();
    assert_eq!(restarts, vec![60, 180, 300, 420]);
    let mut sim = Simulation::new(&sc, 1, "default").unwrap();
    sim.run().unwrap();
    assert_eq!(sim.cluster.nodes().len(), 4);
    let n2 = sim.cluster.node_names()["worker-2"];
    assert!(sim.cluster.nodes().unschedulable()[n2.ix()]);
    // Each restart made a new ReplicaSet.
    assert_eq!(sim.workloads.replicasets.len(), 5);
}

#[test]
fn kubectl_get_pods_at_a_time_matches_the_pods_csv_state_at_that_time() {
    let scenario = format!(
        "name: view\nduration: 10m\nworkloads: [web.yaml]\n{}timeline:\n  - at: 2m\n    kubectl: scale deployment web --replicas=5\n  - at: 4m\n    kubectl: scale deployment web --replicas=2\n",
        cluster("    - {name: worker, count: 3, allocatable: {cpu: \"4\", memory: 16Gi}}\n")
    );
    let path = write_scenario("view", &scenario, &[("web.yaml", WEB)]);
    let sc = load(&path).unwrap();
    let mut sim = Simulation::new(&sc, sc.seed, &sc.scheduler).unwrap();
    sim.run().unwrap();
    let out = path.parent().unwrap().join("out");
    fs::create_dir_all(&out).unwrap();
    let record = sim.take_record(sim.summary());
    k8sim::output::run_files::write_all(&record, &out).unwrap();
    let csv = fs::read_to_string(out.join("pods.csv")).unwrap();
    let rows: Vec<Vec<String>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    for at_s in [60.0, 150.0, 300.0] {
        let mut expected: Vec<String> = rows
            .iter()
            .filter(|r| {
                let created: f64 = r[5].parse().unwrap();
                let gone = r[9].parse::<f64>().map(|f| f <= at_s).unwrap_or(false);
                created <= at_s && !gone
            })
            .map(|r| {
                format!(
                    "{} {}",
                    r[0],
                    if r[7].parse::<f64>().is_ok_and(|s| s <= at_s) {
                        "Running"
                    } else {
                        "Pending"
                    }
                )
            })
            .collect();
        expected.sort();
        let words: Vec<String> = ["get", "pods", "-o", "wide"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let text =
            k8sim::cli::kubectl::view(&sc, sc.seed, &sc.scheduler, (at_s * 1000.0) as u64, &words)
                .unwrap();
        assert!(text.starts_with("NAME "), "{text}");
        let mut got: Vec<String> = text
            .lines()
            .skip(1)
            .map(|l| {
                let c: Vec<&str> = l.split_whitespace().collect();
                format!("{} {}", c[0], c[2])
            })
            .collect();
        got.sort();
        assert_eq!(got, expected, "at {at_s}s");
    }
}

#[test]
fn kubectl_describe_shows_eviction_events_and_allocated_resources() {
    let scenario = format!(
        "name: describe\nduration: 10m\nworkloads: [db.yaml]\n{}timeline:\n  - at: 1m\n    node: {{fail: solo}}\n",
        cluster("    - {name: solo, allocatable: {cpu: \"4\", memory: 16Gi}}\n")
    );
    let path = write_scenario("describe", &scenario, &[("db.yaml", DB)]);
    let sc = load(&path).unwrap();
    let w = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    let pod =
        k8sim::cli::kubectl::view(&sc, 1, "default", 600_000, &w("describe pod db-0")).unwrap();
    assert!(pod.contains("Status:           Terminating"), "{pod}");
    assert!(pod.contains("TaintManagerEviction"), "{pod}");
    assert!(
        pod.contains("taint-eviction-controller  Marking for deletion Pod default/db-0"),
        "{pod}"
    );
    assert!(
        pod.contains("node.kubernetes.io/unreachable:NoExecute op=Exists for 300s"),
        "{pod}"
    );
    let node =
        k8sim::cli::kubectl::view(&sc, 1, "default", 30_000, &w("describe node solo")).unwrap();
    assert!(node.contains("cpu                1 (25%)"), "{node}");
    assert!(node.contains("memory             1Gi (6%)"), "{node}");
    let get = k8sim::cli::kubectl::view(&sc, 1, "default", 600_000, &w("get nodes")).unwrap();
    assert!(get.contains("solo   NotReady"), "{get}");
}

#[test]
fn availability_csvs_count_the_outage_of_a_service_whose_only_pod_was_on_a_failed_node() {
    let svc = "apiVersion: v1\nkind: Service\nmetadata: {name: db}\nspec:\n  selector: {app: db}\n  ports: [{port: 5432}]\n";
    let scenario = format!(
        "name: avail\nduration: 30m\nworkloads: [db.yaml, svc.yaml]\n{}timeline:\n  - at: 1m\n    node: {{fail: solo}}\n  - at: 20m\n    node: {{recover: solo}}\n",
        cluster("    - {name: solo, allocatable: {cpu: \"4\", memory: 16Gi}}\n")
    );
    let path = write_scenario("avail", &scenario, &[("db.yaml", DB), ("svc.yaml", svc)]);
    let sc = load(&path).unwrap();
    let mut sim = Simulation::new(&sc, sc.seed, &sc.scheduler).unwrap();
    sim.run().unwrap();
    let out = path.parent().unwrap().join("out");
    fs::create_dir_all(&out).unwrap();
    let record = sim.take_record(sim.summary());
    k8sim::output::run_files::write_all(&record, &out).unwrap();
    // No endpoint in the first 10 s sample (db-0 not started yet), then none from the
    // NotReady at 110 s until the sample after the recovered node restarts db-0 at 1200 s.
    let services = fs::read_to_string(out.join("services.csv")).unwrap();
    assert_eq!(
        services,
        "namespace,name,min_ready_endpoints,outage_s\ndefault,db,0,1110.000\n"
    );
    let avail = fs::read_to_string(out.join("availability.csv")).unwrap();
    assert!(
        avail.contains("StatefulSet,default,db,1,1110.000,1,1100.000"),
        "{avail}"
    );
    let faults = fs::read_to_string(out.join("faults.csv")).unwrap();
    assert!(
        faults.contains("solo,node-fail,60.000,1200.000,1,1,1150.000"),
        "{faults}"
    );
}

/// Regression: DaemonSets must follow nodes added on the timeline ("pods follow node
/// add/remove", DaemonSet docs) — the hook was lost when node actions moved to the
/// lifecycle module.
#[test]
fn a_daemonset_gets_a_pod_on_a_node_added_by_the_timeline() {
    let scenario = format!(
        "{}workloads: [ds.yaml]\ntimeline:\n  - at: 1m\n    node: {{add: worker, count: 1}}\n",
        cluster("    - {name: worker, count: 2, allocatable: {cpu: \"4\", memory: 16Gi}}\n")
    );
    let ds = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n  selector: {matchLabels: {app: agent}}\n  template:\n    metadata: {labels: {app: agent}}\n    spec:\n      containers: [{name: a, image: agent, resources: {requests: {cpu: 10m}}}]\n";
    let (_, sim) = run("ds-add", &scenario, &[("ds.yaml", ds)]);
    let running = sim
        .cluster
        .pods()
        .values()
        .filter(|p| p.name.starts_with("agent-") && p.is_active() && p.node.is_some())
        .count();
    assert_eq!(running, 3);
}
