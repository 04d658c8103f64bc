//! The autoscalers driven by modelled usage, end to end: pod usage → the kubelet →
//! metrics-server's scrape → the HorizontalPodAutoscaler → the Deployment's replicas →
//! (with an autoscaled node group) the Cluster Autoscaler's nodes. The expected figures
//! follow kube's replica formula, `desired = ceil(current × utilization / target)`
//! (pkg/controller/podautoscaler/replica_calculator.go, GetResourceReplicas), the default
//! scale-up limit of max(4 pods, 100 %) per 15 s and the 300 s scale-down stabilization
//! window (horizontal.go, the default HPAScalingRules of autoscaling/v2).

use k8sim::input::scenario::load_in_memory;
use k8sim::sim::Simulation;
use std::path::Path;

/// A Deployment `web` of 4 pods requesting 500m, and an HPA on it targeting 50 % CPU.
const WEB: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 4
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx
          resources: {requests: {cpu: 500m, memory: 100Mi}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 20
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
";

fn run(cluster: &str, duration: &str) -> Simulation {
    let text = format!(
        "name: hpa-e2e\nduration: {duration}\n{cluster}workloads: [web.yaml]\nusage:\n  web:\n    total_cpu: \"1\"\n    steps:\n      - {{at: 10m, total_cpu: \"3\"}}\n      - {{at: 40m, total_cpu: \"1\"}}\n"
    );
    let files: [(&str, &[u8]); 1] = [("web.yaml", WEB.as_bytes())];
    let sc = load_in_memory(Path::new("/virtual/hpa-e2e.yaml"), &text, &files)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut sim = Simulation::new(&sc, 1, "default").unwrap();
    sim.run().unwrap();
    sim
}

/// (time in s, new size) of every SuccessfulRescale of the HPA.
fn rescales(sim: &Simulation) -> Vec<(u64, u32)> {
    sim.recorder
        .events
        .iter()
        .filter(|e| e.reason == "SuccessfulRescale")
        .map(|e| {
            let size = e.message["New size: ".len()..].split(';').next().unwrap();
            (e.time.as_millis() / 1000, size.parse().unwrap())
        })
        .collect()
}

const FIXED_NODES: &str = "cluster:\n  nodes:\n    - name: pool\n      count: 4\n      allocatable: {cpu: \"4\", memory: 16Gi}\n";

/// 1 core shared by 4 pods is 250m each = 50 % of 500m: on target, no change. The step to
/// 3 cores at 600 s makes it 750m = 150 %: desired = ceil(4 × 150 / 50) = 12, limited by
/// the default scale-up rules to max(4 + 4, 2 × 4) = 8 first; it settles at 12 (3 cores /
/// 12 = 250m = 50 %, on target again). The step back to 1 core at 2400 s gives 83m = 17 %:
/// desired = ceil(12 × 16.7 / 50) = 4, held back by the 300 s stabilization window, so no
/// scale-down before 2700 s.
#[test]
fn a_usage_step_moves_the_hpa_by_kubes_formula_and_back_after_the_window() {
    let sim = run(FIXED_NODES, "60m");
    let events = rescales(&sim);
    assert!(events.len() >= 3, "{events:?}");
    let (t_up, first) = events[0];
    assert_eq!(first, 8, "{events:?}");
    // Seen at the first scrape after the step (60 s resolution) and the next 15 s sync.
    assert!((600..=600 + 60 + 15).contains(&t_up), "{events:?}");
    let ups: Vec<u32> = events.iter().filter(|e| e.0 < 2400).map(|e| e.1).collect();
    // 8 → 12 at the next sync (the 4 new pods count as 0 % while they have no sample:
    // (4 × 150 % + 4 × 0 %) / 8 = 75 % → ceil(8 × 75 / 50) = 12). Samples that still
    // average the minute before the new pods took load may overshoot for a while (an HPA
    // reacting to lagging metrics); the load settles on the formula's fixed point, 12.
    assert_eq!(ups[..2], [8, 12], "{events:?}");
    assert_eq!(ups.last(), Some(&12), "{events:?}");
    assert!(ups.iter().all(|n| *n <= 20), "{events:?}");
    let downs: Vec<&(u64, u32)> = events.iter().filter(|e| e.0 >= 2400).collect();
    assert_eq!(downs.len(), 1, "{events:?}");
    assert_eq!(downs[0].1, 4, "{events:?}");
    assert!((2700..=2700 + 60 + 15).contains(&downs[0].0), "{events:?}");
    assert_eq!(sim.workloads.deployments[0].spec.replicas, 4);
}

/// The same load on one 4-cpu node of an autoscaled group: 8 pods of 500m fit on it, the
/// next 4 of the 12 are unschedulable and the Cluster Autoscaler adds exactly one node
/// (4 × 500m = 2 cpu ≤ 4); after the load drops back to 4 pods that node is empty and
/// goes after the unneeded time.
#[test]
fn the_hpa_scale_up_brings_a_node_and_the_scale_down_takes_it_away() {
    let cluster = "cluster:\n  nodes:\n    - name: pool\n      count: 1\n      allocatable: {cpu: \"4\", memory: 16Gi}\n      autoscaling: {min: 1, max: 5}\n      provisioning: 60s\n";
    let sim = run(cluster, "90m");
    let ca = sim.autoscaler.as_ref().expect("autoscaled");
    let actions: Vec<(&str, u32, u32)> = ca
        .records
        .iter()
        .map(|r| (r.action, r.nodes_before, r.nodes_after))
        .collect();
    assert_eq!(
        actions,
        vec![("scale_up", 1, 2), ("scale_down", 2, 1)],
        "{actions:?}"
    );
    let down = ca.records[1].time.as_millis() / 1000;
    // Load drops at 2400 s, the HPA scales in after its 300 s window, then the node
    // must stay unneeded for 10 min: no removal before 2700 + 600 s.
    assert!(down >= 3300, "scale-down at {down} s");
}
