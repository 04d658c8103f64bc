//! Metric definitions on tiny hand-computable scenarios (see docs/metrics.md): latency
//! percentiles, time-weighted averages, fragmentation, unschedulable pods, Job completion,
//! node-hours and cost.

use k8sim::input::scenario;
use k8sim::metrics::summary::Summary;
use k8sim::sim::Simulation;
use std::path::Path;

fn run(file: &str) -> (Simulation, Summary) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/metrics")
        .join(file);
    let sc = scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut sim = Simulation::new(&sc, sc.seed, "default").unwrap();
    sim.run().unwrap();
    let summary = sim.summary();
    (sim, summary)
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-9, "{a} != {b}");
}

/// Two 2-cpu nodes, three 1.5-cpu pods created at 0 s running 60 s after a 2 s start:
/// p1 and p2 bind at 0 s and finish at 62 s; p3 fails once ("2 Insufficient cpu"), binds
/// at 62 s, starts at 64 s and finishes at 124 s. The run lasts 200 s.
#[test]
fn three_pods_on_two_nodes() {
    let (_, s) = run("three-pods.yaml");
    assert_eq!(
        (s.pods_created, s.pods_scheduled, s.pods_succeeded),
        (3, 3, 3)
    );
    // Scheduling latencies [0, 0, 62]: nearest-rank p50 = 2nd value = 0, p95 = 62.
    close(s.sched_latency.p50, 0.0);
    close(s.sched_latency.p95, 62.0);
    close(s.sched_latency.mean, 62.0 / 3.0);
    // Startup latencies [2, 2, 64].
    close(s.startup_latency.p50, 2.0);
    close(s.startup_latency.max, 64.0);
    // cpu: 3000/4000 for 62 s, 1500/4000 for 62 s, 0 for 76 s -> (46.5 + 23.25) / 200.
    close(s.cpu_allocated_avg, 0.34875);
    // memory: 2Gi/8Gi for 62 s, 1Gi/8Gi for 62 s -> (15.5 + 7.75) / 200.
    close(s.memory_allocated_avg, 0.11625);
    // nodes used: 2 for 62 s, 1 for 62 s -> 186 / 200.
    close(s.nodes_used_avg, 0.93);
    assert_eq!(s.nodes_used_max, 2);
    // Pending: 3 pods for 2 s, p3 alone from 2 s to 64 s -> (6 + 62) / 200.
    close(s.pods_pending_avg, 0.34);
    assert_eq!(s.pods_pending_max, 3);
    // Scheduling queue: p3 waits from 0 s to 62 s -> 62 / 200.
    close(s.sched_queue_len_avg, 0.31);
    // Samples at 10..60 s: each node has 500m cpu and 3Gi free, p3 needs 1500m, so both
    // nodes' free capacity is fragmented: cpu 1000/4000, memory 6Gi/8Gi, for 60 of 200 s.
    close(s.fragmentation_cpu_avg, 0.25 * 60.0 / 200.0);
    close(s.fragmentation_memory_avg, 0.75 * 60.0 / 200.0);
    assert_eq!(s.failed_scheduling_events, 1);
    assert_eq!((s.preemptions, s.evictions), (0, 0));
    // 2 nodes × 200 s = 400 node-seconds; at 0.9 per node-hour that costs 0.1.
    close(s.node_hours, 400.0 / 3600.0);
    close(s.cost.unwrap(), 0.1);
    close(s.makespan_s.unwrap(), 124.0);
}

/// A Job of two completions, one pod at a time, each starting 2 s after creation and
/// computing 30 s: pod 1 runs 2..32 s, pod 2 is created at 32 s and runs 34..64 s, so the
/// Job completes 64 s after its creation.
#[test]
fn job_completion_time() {
    let (_, s) = run("one-job.yaml");
    assert_eq!((s.jobs_completed, s.jobs_failed), (1, 0));
    close(s.job_completion.p50, 64.0);
    close(s.job_completion.max, 64.0);
    close(s.makespan_s.unwrap(), 64.0);
    // No node group has a price: the cost is unknown, not zero.
    assert_eq!(s.cost, None);
    close(s.node_hours, 100.0 / 3600.0);
}

/// A negative price is refused with the file, line and field.
#[test]
fn negative_price_is_an_input_error() {
    let dir = std::env::temp_dir().join(format!("k8sim-metrics-price-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.yaml");
    std::fs::write(
        &file,
        "name: bad\ncluster:\n  nodes:\n    - name: n\n      allocatable: {cpu: \"1\", memory: 1Gi}\n      price_per_hour: -2\n",
    )
    .unwrap();
    let e = scenario::load(&file).unwrap_err().to_string();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(e.contains("bad.yaml:6"), "{e}");
    assert!(e.contains("cluster.nodes[0].price_per_hour"), "{e}");
    assert!(e.contains("non-negative"), "{e}");
}
