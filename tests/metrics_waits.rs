//! Honest wait metrics (docs/metrics.md, "Waiting for a node"): pods that never get a node
//! count as waiting until the end of the run, per run and per workload; the phase-Pending
//! count and the scheduler's queue are different figures; `metrics.warmup` leaves the
//! start of a run out of the availability figures.

// Only `temp_dir` is used here; the other fixtures serve the report tests.
#[allow(dead_code)]
mod common;

use k8sim::cli::run::run_scenario;
use k8sim::input::scenario;
use k8sim::metrics::summary::Summary;
use k8sim::scenario::Scenario;
use k8sim::sim::Simulation;
use std::path::Path;

fn load(file: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/metrics")
        .join(file);
    scenario::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

fn summarize(sc: &Scenario) -> Summary {
    let mut sim = Simulation::new(sc, sc.seed, "default").unwrap();
    sim.run().unwrap();
    sim.summary()
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-9, "{a} != {b}");
}

/// The case: an under-provisioned cluster looked fast because
/// `sched_latency_*` only count pods that got a node. One 4-cpu node for 1800 s; `web` has
/// two 2-cpu replicas bound at 0 s and one that never fits; all three 8-cpu `big`
/// replicas never fit. Waits: [0, 0, 1800, 1800, 1800, 1800].
#[test]
fn never_scheduled_pods_wait_until_the_end_of_the_run() {
    let s = summarize(&load("never-fit.yaml"));
    assert_eq!((s.pods_created, s.pods_scheduled), (6, 2));
    // What hid the problem: both bound pods waited 0 s.
    close(s.sched_latency.max, 0.0);
    assert_eq!(s.waits.never_scheduled, 4);
    // Nearest rank over 6 waits: p50 = 3rd value (1800), p95 = p99 = 6th value (1800).
    close(s.waits.wait.p50, 1800.0);
    close(s.waits.wait.p95, 1800.0);
    close(s.waits.wait.p99, 1800.0);
    close(s.waits.wait.max, 1800.0);
}

/// workload_waits.csv has one row per Deployment: `big` (3 pods, none bound) waits the
/// whole 1800 s; `web` waits [0, 0, 1800], so p50 is the 2nd value (0) and p95 the 3rd.
#[test]
fn workload_waits_csv_rows() {
    let out = common::temp_dir("waits");
    let (summary, dir) = run_scenario(&load("never-fit.yaml"), 1, "default", &out).unwrap();
    let csv = std::fs::read_to_string(dir.join("workload_waits.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines,
        [
            "workload,kind,namespace,pods,never_scheduled,wait_p50_s,wait_p95_s,wait_max_s",
            "big,Deployment,default,3,3,1800.000,1800.000,1800.000",
            "web,Deployment,default,3,1,0.000,1800.000,1800.000",
        ]
    );
    // summary.csv carries the run-wide figures (in this order, after the waits' other
    // columns; later features append theirs after them).
    let text = std::fs::read_to_string(dir.join("summary.csv")).unwrap();
    let mut rows = text.lines();
    let header: Vec<&str> = rows.next().unwrap().split(',').collect();
    let values: Vec<&str> = rows.next().unwrap().split(',').collect();
    let tail: Vec<(&str, &str)> = header
        .into_iter()
        .zip(values)
        .rev()
        .filter(|(k, _)| k.starts_with("pending_age_") || *k == "pods_never_scheduled")
        .collect();
    assert_eq!(
        tail,
        [
            ("pending_age_max_s", "1800.000"),
            ("pending_age_p99_s", "1800.000"),
            ("pending_age_p95_s", "1800.000"),
            ("pending_age_p50_s", "1800.000"),
            ("pods_never_scheduled", "4"),
        ]
    );
    assert_eq!(summary.waits.never_scheduled, 4);
}

/// With every pod bound, the wait is the scheduling latency: three-pods.yaml binds two
/// pods at 0 s and the third at 62 s, so waits are [0, 0, 62] as in docs/metrics.md.
#[test]
fn waits_equal_scheduling_latency_when_every_pod_is_bound() {
    let s = summarize(&load("three-pods.yaml"));
    assert_eq!(s.waits.never_scheduled, 0);
    close(s.waits.wait.p50, s.sched_latency.p50);
    close(s.waits.wait.p50, 0.0);
    close(s.waits.wait.p95, 62.0);
    close(s.waits.wait.max, 62.0);
}

/// `pods_pending` counts phase Pending, which includes bound pods whose containers are
/// still starting; the scheduler's queue holds only pods without a node. In never-fit.yaml
/// `web`'s two bound pods are Pending for their 10 s container start, the four others for
/// the whole run: ∫ Pending = 2 × 10 + 4 × 1800 = 7220 pod-seconds; ∫ queue = 4 × 1800.
#[test]
fn pods_pending_is_the_phase_not_the_scheduler_queue() {
    let s = summarize(&load("never-fit.yaml"));
    close(s.pods_pending_avg, 7220.0 / 1800.0);
    close(s.sched_queue_len_avg, 4.0);
}

/// Availability is sampled every 10 s and `web` is Ready 2 s after creation, so the sample
/// at 0 s (0 of 2 Ready, no endpoint) stands for [0 s, 10 s). A warm-up removes the part
/// of that interval it covers from every availability figure.
#[test]
fn warmup_excludes_the_start_from_availability_figures() {
    let mut sc = load("warmup.yaml");
    assert_eq!(sc.warmup_ms, 5_000, "metrics.warmup: 5s is read");
    for (warmup_ms, below_s) in [(0, 10.0), (5_000, 5.0), (10_000, 0.0), (60_000, 0.0)] {
        sc.warmup_ms = warmup_ms;
        let mut sim = Simulation::new(&sc, sc.seed, "default").unwrap();
        sim.run().unwrap();
        let s = sim.summary();
        close(s.workload_below_desired_s, below_s);
        close(s.service_outage_s, below_s);
        close(s.warmup_s, warmup_ms as f64 / 1000.0);
        // The fewest ready endpoints: 0 while the start-up counts, 2 once it is left out.
        let min_endpoints = k8sim::sim::availability::service_outage(&sim, 0).0;
        assert_eq!(
            min_endpoints,
            if below_s > 0.0 { 0 } else { 2 },
            "warmup {warmup_ms} ms"
        );
    }
}

/// A warm-up as long as the run would leave nothing to measure: an error naming the file,
/// line and field.
#[test]
fn warmup_not_shorter_than_the_run_is_an_error() {
    let dir = common::temp_dir("warmup");
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/metrics");
    let text = std::fs::read_to_string(data.join("warmup.yaml"))
        .unwrap()
        .replace("warmup: 5s", "warmup: 5m");
    std::fs::write(dir.join("warmup.yaml"), text).unwrap();
    std::fs::copy(
        data.join("warmup-manifests.yaml"),
        dir.join("warmup-manifests.yaml"),
    )
    .unwrap();
    let err = scenario::load(&dir.join("warmup.yaml"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("warmup.yaml:19"), "{err}");
    assert!(err.contains("metrics.warmup"), "{err}");
    assert!(
        err.contains("shorter than the run's duration (300 s)"),
        "{err}"
    );
}
