//! Resource usage end to end: totals shared by Ready pods, percentages of requests, steps,
//! CPU throttling, OOM kills with the crash-loop back-off, metrics-server's samples,
//! `kubectl top`, and bad `usage:` input.

use k8sim::cluster::{PodId, PodPhase};
use k8sim::input::scenario::load_in_memory;
use k8sim::scenario::Scenario;
use k8sim::sim::Simulation;
use std::path::Path;

/// A Deployment `web` with `replicas`, requests 500m/256Mi and limits `limits` (YAML).
fn web(replicas: u32, limits: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec:\n      containers:\n        - name: web\n          image: nginx\n          resources:\n            requests: {{cpu: 500m, memory: 256Mi}}\n            limits: {limits}\n"
    )
}

fn scenario(usage: &str, timeline: &str) -> String {
    format!(
        "name: usage\nduration: 5m\nworkloads: [web.yaml]\nruntime: {{image_pull: 0s, container_start: 0s}}\ncluster:\n  nodes:\n    - {{name: n, count: 2, allocatable: {{cpu: \"16\", memory: 64Gi}}}}\nusage:\n{usage}{timeline}"
    )
}

fn load(text: &str, files: &[(&str, &[u8])]) -> Result<Scenario, String> {
    load_in_memory(Path::new("/s/usage.yaml"), text, files).map_err(|e| e.to_string())
}

/// The scenario of `web(replicas, limits)` with `usage` and `timeline`.
fn web_scenario(replicas: u32, limits: &str, usage: &str, timeline: &str) -> Scenario {
    let w = web(replicas, limits);
    load(&scenario(usage, timeline), &[("web.yaml", w.as_bytes())]).unwrap()
}

fn run(sc: &Scenario) -> Simulation {
    let mut sim = Simulation::new(sc, 1, "default").unwrap();
    sim.run().unwrap();
    sim
}

fn running(sim: &Simulation) -> Vec<PodId> {
    (0..sim.cluster.pods().len())
        .map(|i| PodId(i as u32))
        .filter(|p| {
            let pod = &sim.cluster.pods()[p.ix()];
            pod.phase == PodPhase::Running && !pod.deleting
        })
        .collect()
}

#[test]
fn a_total_is_shared_by_the_ready_pods_and_scaling_up_halves_each_share() {
    let limits = "{cpu: \"2\", memory: 1Gi}";
    let usage = "  web: {total_cpu: \"3\", memory: 200Mi}\n";
    // total_cpu 3 over 3 Ready pods: 1000m each.
    let sim = run(&web_scenario(3, limits, usage, ""));
    let pods = running(&sim);
    assert_eq!(pods.len(), 3);
    for p in &pods {
        let u = &sim.usage.as_ref().unwrap().pods[p];
        assert_eq!(u.cpu_used_millis, 1000);
        assert_eq!(u.memory_bytes, 200 * 1024 * 1024);
        // metrics-server's last scrape at 300 s over the minute before: 1000m, 200Mi.
        let m = sim.usage.as_ref().unwrap().pod_metrics(*p).unwrap();
        assert_eq!((m.cpu_millis, m.memory_bytes), (1000, 200 * 1024 * 1024));
        assert_eq!((m.timestamp.as_millis(), m.window_ms), (300_000, 60_000));
    }
    // Scaled to 6 at 1 min: 3000m / 6 = 500m each.
    let timeline = "timeline:\n  - at: 1m\n    kubectl: scale deployment web --replicas=6\n";
    let sim = run(&web_scenario(3, limits, usage, timeline));
    let pods = running(&sim);
    assert_eq!(pods.len(), 6);
    for p in &pods {
        assert_eq!(sim.usage.as_ref().unwrap().pods[p].cpu_used_millis, 500);
        let m = sim.usage.as_ref().unwrap().pod_metrics(*p).unwrap();
        assert_eq!(m.cpu_millis, 500);
    }
    // timeseries: 6 × 500m used of 32 cores allocatable = 0.09375.
    let last = sim.recorder.samples.last().unwrap();
    assert!((last.cpu_used_ratio - 3000.0 / 32000.0).abs() < 1e-9);
}

#[test]
fn a_percentage_of_the_request_then_a_step_over_the_limit_is_throttled() {
    // 60% of the 500m request = 300m; at 2 min a step to 1.5 cores against a 1-core limit:
    // 1000m used, 500m throttled for the 180 s from 120 s to the end at 300 s = 90 CPU-s.
    let usage =
        "  web:\n    cpu: 60%\n    memory: 100Mi\n    steps:\n      - {at: 2m, cpu: \"1.5\"}\n";
    let sim = run(&web_scenario(1, "{cpu: \"1\", memory: 1Gi}", usage, ""));
    let p = running(&sim)[0];
    let u = &sim.usage.as_ref().unwrap().pods[&p];
    assert_eq!((u.cpu_demand_millis, u.cpu_used_millis), (1500, 1000));
    assert_eq!(u.cpu_peak_millis, 1000);
    assert!((u.throttled_s() - 90.0).abs() < 1e-9, "{}", u.throttled_s());
    assert!((sim.summary().cpu_throttled_s - 90.0).abs() < 1e-9);
    // The last scrape (300 s) served the minute before it at the 1000m cap.
    let served = sim.usage.as_ref().unwrap().pod_metrics(p).unwrap();
    assert_eq!(served.cpu_millis, 1000);
}

#[test]
fn memory_over_the_limit_is_an_oom_kill_restarted_with_back_off() {
    // 300Mi used against a 256Mi limit: OOMKilled at the first evaluation, then again after
    // every restart, with the back-off doubling (10 s, 20 s, 40 s, ...).
    let usage = "  web: {cpu: 100m, memory: 300Mi}\n";
    let sim = run(&web_scenario(1, "{cpu: \"1\", memory: 256Mi}", usage, ""));
    let p = PodId(0);
    let pod = &sim.cluster.pods()[p.ix()];
    assert!(pod.restarts >= 2, "restarts {}", pod.restarts);
    let st = &sim.kubelets.status[&p];
    let last = st.last.as_ref().unwrap();
    assert_eq!((last.reason.as_str(), last.exit_code), ("OOMKilled", 137));
    assert!(st.backoff_ms >= 40_000, "back-off {}", st.backoff_ms);
    let backoffs = sim
        .recorder
        .events
        .iter()
        .filter(|e| e.reason == "BackOff" && e.object == pod.name)
        .count();
    assert_eq!(
        backoffs as u32,
        pod.restarts + u32::from(st.waiting_until.is_some())
    );
    assert_eq!(sim.summary().oom_kills, u64::from(backoffs as u32));
    // The working set never exceeds the limit.
    let u = &sim.usage.as_ref().unwrap().pods[&p];
    assert_eq!(u.memory_peak_bytes, 256 * 1024 * 1024);
}

#[test]
fn kubectl_top_shows_metrics_servers_last_scrape() {
    let usage = "  web: {total_cpu: \"3\", memory: 200Mi}\n";
    let sc = web_scenario(2, "{cpu: \"2\", memory: 1Gi}", usage, "");
    let top = |what: &str| {
        let words: Vec<String> = what.split(' ').map(String::from).collect();
        k8sim::cli::kubectl::view(&sc, 1, "default", 300_000, &words).unwrap()
    };
    let pods = top("top pods");
    let lines: Vec<&str> = pods.lines().collect();
    assert!(lines[0].starts_with("NAME") && lines[0].contains("CPU(cores)   MEMORY(bytes)"));
    assert_eq!(lines.len(), 3);
    // 3000m over 2 pods = 1500m; 200Mi each.
    assert!(
        lines[1].contains("1500m") && lines[1].ends_with("200Mi"),
        "{pods}"
    );
    let nodes = top("top nodes");
    assert!(nodes.starts_with("NAME"), "{nodes}");
    assert!(nodes.contains("CPU%") && nodes.contains("MEMORY%"));
    // Both pods on one node or one each: the nodes' CPU sums to 3000m.
    let total: i64 = nodes
        .lines()
        .skip(1)
        .map(|l| {
            l.split_whitespace()
                .nth(1)
                .unwrap()
                .trim_end_matches('m')
                .parse::<i64>()
                .unwrap()
        })
        .sum();
    assert_eq!(total, 3000);
}

#[test]
fn bad_usage_input_names_file_line_field_and_what_was_expected() {
    let w = web(1, "{cpu: \"1\", memory: 1Gi}");
    let csv_bad: &[u8] = b"time,cpu,memory\n0,300m,100Mi\n20m,fast,\n";
    let csv_back: &[u8] = b"time,cpu\n10m,1\n5m,2\n";
    let cases: &[(&str, &str, &str)] = &[
        (
            "  web: {cpu: 1, colour: red}\n",
            "/s/usage.yaml:9: field `usage.web`",
            "unknown field \"colour\"",
        ),
        (
            "  api: {cpu: 1}\n",
            "field `usage.api`",
            "names no workload",
        ),
        (
            "  web: {cpu: lots}\n",
            "field `usage.web.cpu`",
            "expected a quantity",
        ),
        (
            "  web: {cpu: 1, total_cpu: 2}\n",
            "field `usage.web.cpu`",
            "not both",
        ),
        (
            "  web: {noise: 0.1}\n",
            "field `usage.web`",
            "expected at least one",
        ),
        (
            "  web: {cpu: 1, noise: 3}\n",
            "field `usage.web.noise`",
            "0..1",
        ),
        (
            "  web: {cpu: 1, daily: {peak_at: 25h, trough: 0.3}}\n",
            "usage.web.daily.peak_at",
            "below 24h",
        ),
        (
            "  web: {cpu: 1, steps: [{at: 1m}]}\n",
            "usage.web.steps[0]",
            "sets nothing",
        ),
        (
            "  web: {series: bad.csv}\n",
            "/s/bad.csv:3: field `cpu`",
            "expected a quantity",
        ),
        (
            "  web: {series: back.csv}\n",
            "/s/back.csv:3: field `time`",
            "does not come after",
        ),
        (
            "  web: {series: none.csv}\n",
            "field `usage.web.series`",
            "is not part of the in-memory scenario",
        ),
    ];
    for (usage, place, msg) in cases {
        let files: &[(&str, &[u8])] = &[
            ("web.yaml", w.as_bytes()),
            ("bad.csv", csv_bad),
            ("back.csv", csv_back),
        ];
        let e = load(&scenario(usage, ""), files).unwrap_err();
        assert!(e.contains(place) && e.contains(msg), "{usage}: {e}");
    }
}

#[test]
fn usage_annotations_model_per_pod_usage_and_bad_values_are_errors() {
    let annotated = web(1, "{cpu: \"1\", memory: 1Gi}").replace(
        "    metadata: {labels: {app: web}}",
        "    metadata:\n      labels: {app: web}\n      annotations: {k8sim.io/cpu-usage: 60%, k8sim.io/memory-usage: 100Mi}",
    );
    let text = "name: usage\nduration: 2m\nworkloads: [web.yaml]\nruntime: {image_pull: 0s, container_start: 0s}\ncluster:\n  nodes:\n    - {name: n, allocatable: {cpu: \"16\", memory: 64Gi}}\n";
    let sc = load(text, &[("web.yaml", annotated.as_bytes())]).unwrap();
    let sim = run(&sc);
    let u = &sim.usage.as_ref().unwrap().pods[&running(&sim)[0]];
    // 60% of 500m = 300m.
    assert_eq!(
        (u.cpu_used_millis, u.memory_bytes),
        (300, 100 * 1024 * 1024)
    );
    let bad = annotated.replace("60%", "plenty");
    let e = load(text, &[("web.yaml", bad.as_bytes())]).unwrap_err();
    assert!(
        e.contains("spec.template.metadata.annotations.k8sim.io/cpu-usage")
            && e.contains("expected a quantity"),
        "{e}"
    );
}
