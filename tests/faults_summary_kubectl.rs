//! Availability and disruption headline figures in summary.csv and the terminal summary
//! (the totals of availability.csv, faults.csv and services.csv), and kubectl views:
//! set-based `-l` selectors and `top` without a usage model.

use k8sim::input::scenario::load;

use k8sim::metrics::summary::Summary;
use k8sim::scenario::Scenario;
use k8sim::sim::Simulation;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

fn write_scenario(tag: &str, scenario: &str, manifests: &[(&str, &str)]) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "k8sim-faults2-{}-{tag}-{}",
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

/// Runs the scenario and writes its CSVs to `<dir>/out`.
fn run(tag: &str, scenario: &str, manifests: &[(&str, &str)]) -> (Scenario, Summary, PathBuf) {
    let path = write_scenario(tag, scenario, manifests);
    let sc = load(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut sim = Simulation::new(&sc, sc.seed, &sc.scheduler).unwrap();
    sim.run().unwrap();
    let out = path.parent().unwrap().join("out");
    fs::create_dir_all(&out).unwrap();
    let record = sim.take_record(sim.summary());
    k8sim::output::run_files::write_all(&record, &out).unwrap();
    (sc, record.summary, out)
}

/// The rows of a CSV as maps column -> value.
fn csv(path: &Path) -> Vec<Vec<(String, String)>> {
    let text = fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(String::from))
                .collect()
        })
        .collect()
}

fn col(row: &[(String, String)], name: &str) -> String {
    row.iter()
        .find(|(k, _)| k == name)
        .unwrap_or_else(|| panic!("no column {name}"))
        .1
        .clone()
}

fn num(row: &[(String, String)], name: &str) -> f64 {
    col(row, name).parse().unwrap_or(0.0)
}

const WEB: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {tier: front, env: prod}}
spec:
  replicas: 4
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, env: prod}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        resources: {requests: {cpu: "1", memory: 1Gi}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
"#;

const DB: &str = r#"
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, labels: {tier: back, env: qa}}
spec:
  replicas: 1
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db, env: qa}}
    spec:
      containers:
      - name: db
        image: postgres:16
        resources: {requests: {cpu: "1", memory: 1Gi}}
---
apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  selector: {app: db}
  ports: [{port: 5432}]
"#;

fn scenario(name: &str, timeline: &str) -> String {
    format!(
        "name: {name}\nduration: 30m\nworkloads: [web.yaml, db.yaml]\nruntime: {{image_pull: 0s, container_start: 0s}}\ncluster:\n  nodes:\n    - {{name: solo, allocatable: {{cpu: \"8\", memory: 32Gi}}, labels: {{zone: a}}}}\n    - {{name: spare, allocatable: {{cpu: \"8\", memory: 32Gi}}, labels: {{zone: b}}, taints: [{{key: spare, effect: NoSchedule}}]}}\n{timeline}"
    )
}

#[test]
fn a_node_failure_shows_in_summary_csv_as_the_totals_of_the_availability_csvs() {
    // Everything lands on `solo` (spare is tainted), which fails at 1 min and recovers
    // at 20 min: web and db lose every replica, both Services have no endpoint.
    let sc = scenario(
        "sumfail",
        "timeline:\n  - at: 1m\n    node: {fail: solo}\n  - at: 20m\n    node: {recover: solo}\n",
    );
    let (_, s, out) = run("sumfail", &sc, &[("web.yaml", WEB), ("db.yaml", DB)]);
    let avail = csv(&out.join("availability.csv"));
    let faults = csv(&out.join("faults.csv"));
    let services = csv(&out.join("services.csv"));
    let summary = csv(&out.join("summary.csv")).remove(0);

    assert_eq!(num(&summary, "faults"), faults.len() as f64);
    assert_eq!(faults.len(), 1);
    let below: f64 = avail.iter().map(|r| num(r, "time_below_desired_s")).sum();
    assert!(below > 2000.0, "web and db were down ~19 min each: {below}");
    assert_eq!(num(&summary, "workload_below_desired_s"), below);
    let lost: f64 = avail
        .iter()
        .map(|r| num(r, "replicas_lost_to_faults"))
        .sum();
    assert_eq!(lost, 5.0, "4 web pods and db-0 were on solo");
    assert_eq!(num(&summary, "replicas_lost_to_faults"), lost);
    let recover = num(&faults[0], "time_to_running_s");
    assert!(recover > 1000.0);
    assert_eq!(num(&summary, "time_to_recover_max_s"), recover);
    assert_eq!(num(&summary, "time_to_recover_mean_s"), recover);
    assert_eq!(num(&summary, "faults_unrecovered"), 0.0);
    // Tolerations of 300 s ran out at 410 s: every pod on solo was evicted.
    assert_eq!(num(&faults[0], "pods_evicted"), 5.0);
    assert_eq!(num(&summary, "pods_evicted_by_faults"), 5.0);
    let outage: f64 = services.iter().map(|r| num(r, "outage_s")).sum();
    assert!(outage > 2000.0);
    assert_eq!(num(&summary, "service_outage_s"), outage);

    let table = k8sim::output::terminal::summary_table(&s);
    assert!(table.contains("replicas lost to faults"), "{table}");
    assert!(
        table.contains(&format!("{:.3} / {:.3} s", recover, recover)),
        "{table}"
    );
    assert!(table.contains(&format!("{outage:.3} s")), "{table}");
}

#[test]
fn a_fault_free_run_shows_zero_disruption() {
    let sc = scenario("sumok", "");
    let (_, s, out) = run("sumok", &sc, &[("web.yaml", WEB), ("db.yaml", DB)]);
    let summary = csv(&out.join("summary.csv")).remove(0);
    for c in [
        "faults",
        "replicas_lost_to_faults",
        "time_to_recover_max_s",
        "time_to_recover_mean_s",
        "faults_unrecovered",
        "pods_evicted_by_faults",
    ] {
        assert_eq!(num(&summary, c), 0.0, "{c}");
    }
    // Only the first sample (t=0, before the pods started) is below desired.
    assert!(num(&summary, "workload_below_desired_s") <= 20.0);
    assert!(num(&summary, "service_outage_s") <= 20.0);
    assert_eq!(s.faults, 0);
    assert_eq!(s.pods_evicted_by_faults, 0);
}

/// `kubectl WORDS...`, then `-l SELECTOR` as one shell word when given.
fn kubectl(
    sc: &Scenario,
    at_ms: u64,
    line: &str,
    selector: Option<&str>,
) -> Result<String, String> {
    let mut words: Vec<String> = line.split(' ').map(String::from).collect();
    if let Some(s) = selector {
        words.extend(["-l".to_string(), s.to_string()]);
    }
    k8sim::cli::kubectl::view(sc, sc.seed, &sc.scheduler, at_ms, &words).map_err(|e| e.to_string())
}

fn names(out: &str) -> Vec<String> {
    out.lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next().map(String::from))
        .collect()
}

#[test]
fn set_based_selectors_filter_as_kubectl_parses_them() {
    let path = write_scenario(
        "sel",
        &scenario("sel", ""),
        &[("web.yaml", WEB), ("db.yaml", DB)],
    );
    let sc = load(&path).unwrap();
    let at = 120_000;
    let get = |sel: &str, kind: &str| {
        names(&kubectl(&sc, at, &format!("get {kind}"), Some(sel)).unwrap())
    };
    // `env in (prod,qa)` with and without spaces, as one shell word each.
    assert_eq!(get("env in (prod,qa)", "deployments"), vec!["web"]);
    assert_eq!(get("env in (qa)", "statefulsets"), vec!["db"]);
    assert_eq!(
        get("tier notin (front)", "deployments"),
        Vec::<String>::new()
    );
    assert_eq!(get("tier notin (back)", "deployments"), vec!["web"]);
    assert_eq!(get("app", "pods").len(), 5);
    assert_eq!(get("!app", "pods"), Vec::<String>::new());
    assert_eq!(get("app=web,env!=qa", "pods").len(), 4);
    assert_eq!(get("app==db", "pods"), vec!["db-0"]);
    // notin matches objects without the key (selector.go: NotIn on a missing label).
    assert_eq!(get("nothere notin (x)", "pods").len(), 5);
    assert_eq!(get("zone in (a, b),zone!=b", "nodes"), vec!["solo"]);
    assert_eq!(get("!zone", "nodes"), Vec::<String>::new());

    let err = |sel: &str| kubectl(&sc, at, "get pods", Some(sel)).unwrap_err();
    assert!(
        err("env in ()").contains("values set can't be empty"),
        "{}",
        err("env in ()")
    );
    assert!(
        err("env in (a").contains("expected: ',' or ')'"),
        "{}",
        err("env in (a")
    );
    assert!(
        err("env in prod").contains("expected: '('"),
        "{}",
        err("env in prod")
    );
    assert!(
        err("a=b c").contains("unable to parse requirement"),
        "{}",
        err("a=b c")
    );
}

#[test]
fn kubectl_top_says_metrics_are_not_available_instead_of_showing_requests() {
    let path = write_scenario(
        "top",
        &scenario("top", ""),
        &[("web.yaml", WEB), ("db.yaml", DB)],
    );
    let sc = load(&path).unwrap();
    for what in ["top nodes", "top pods", "top pod -A"] {
        let e = kubectl(&sc, 60_000, what, None).unwrap_err();
        assert!(
            e.contains("metrics not available: usage is not modelled"),
            "{e}"
        );
    }
    assert!(kubectl(&sc, 60_000, "top deployments", None)
        .unwrap_err()
        .contains("expected node or pod"));
}
