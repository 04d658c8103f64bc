//! The openb GPU trace CSVs: the input is a node list, then a `#@file pods` line, then a
//! pod list. Lists that parse are run as `k8sim experiment fgd` runs them, on small
//! inputs only: the workload built for a seed, then placed by every policy.
#![no_main]

use k8sim::gpu::frag::{typical_pods, FragModel};
use k8sim::gpu::model::{NodeSpec, MILLI};
use k8sim::gpu::openb::{parse_nodes, parse_pods};
use k8sim::gpu::policies::Policy;
use k8sim::gpu::sim::{build_workload, run};
use k8sim_fuzz::Bundle;
use libfuzzer_sys::fuzz_target;

/// Largest workload placed (arrivals); bigger ones take too long for a fuzz input.
const MAX_ARRIVALS: i64 = 2_000;

fuzz_target!(|data: &[u8]| {
    let bundle = Bundle::split(data);
    let Ok(node_text) = std::str::from_utf8(bundle.scenario) else {
        return;
    };
    let Ok((nodes, models)) = parse_nodes(node_text, "nodes.csv") else {
        return;
    };
    let Some(pod_text) = bundle
        .files
        .first()
        .and_then(|(_, b)| std::str::from_utf8(b).ok())
    else {
        return;
    };
    let Ok(pods) = parse_pods(pod_text, "pods.csv", &models) else {
        return;
    };
    // As the experiment's trace: GPU nodes only, sorted by name.
    let mut nodes: Vec<NodeSpec> = nodes.into_iter().filter(|n| n.gpus > 0).collect();
    nodes.sort_by(|a, b| a.name.cmp(&b.name));
    let capacity: i64 = nodes
        .iter()
        .map(|n| i64::from(n.gpus) * i64::from(MILLI))
        .sum();
    let smallest = pods
        .iter()
        .map(|p| p.total_gpu_milli())
        .filter(|m| *m > 0)
        .min();
    if pods.len() > 200 || smallest.is_some_and(|m| capacity * 2 / m > MAX_ARRIVALS) {
        return;
    }
    let frag = FragModel::new(&typical_pods(&pods, 95.0), models.names().len());
    let workload = build_workload(&pods, capacity, 1.3, 42);
    for policy in Policy::ALL {
        run(policy, &nodes, &pods, &workload, &frag, 42);
    }
});
