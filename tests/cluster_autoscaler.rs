//! The Cluster Autoscaler end to end, with hand-computable cases: unschedulable pods bring
//! up exactly the nodes binpacking says after the provisioning time, a group's max caps
//! it, an emptied node goes after the unneeded time and not before, the delay after a
//! scale-up holds scale-down back, a `safe-to-evict: "false"` pod keeps its node, and bad
//! input is refused with file, line and field. Behaviour and defaults follow
//! kubernetes/autoscaler cluster-autoscaler (FAQ.md "How does scale-down work?", "What
//! types of pods can prevent CA from removing a node?", "What are the parameters to CA?";
//! core/scaleup, estimator/binpacking_estimator.go, processors/status/eventing_scale_up_processor.go).

use k8sim::input::scenario::load_in_memory;
use k8sim::sim::Simulation;
use std::path::Path;

/// A Deployment `web` of `replicas` pods of 1 cpu (with `annotations` on its template).
fn web(replicas: u32, annotations: &str) -> String {
    web_in("default", replicas, annotations, "")
}

/// [`web`] in `namespace`, with `spec` lines added to the pod spec.
fn web_in(namespace: &str, replicas: u32, annotations: &str, spec: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web, namespace: {namespace}}}\nspec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}, annotations: {{{annotations}}}}}\n    spec:\n{spec}      containers:\n        - name: c\n          image: nginx\n          resources: {{requests: {{cpu: \"1\", memory: 100Mi}}}}\n"
    )
}

/// A scenario with one autoscaled group `pool` of 2-cpu nodes.
fn scenario(group: &str, extra: &str, duration: &str) -> String {
    format!(
        "name: ca\nduration: {duration}\ncluster:\n  nodes:\n    - name: pool\n      allocatable: {{cpu: \"2\", memory: 8Gi}}\n{group}workloads: [web.yaml]\n{extra}"
    )
}

fn run(text: &str, manifest: &str) -> Simulation {
    let files: [(&str, &[u8]); 1] = [("web.yaml", manifest.as_bytes())];
    let sc = load_in_memory(Path::new("/virtual/ca.yaml"), text, &files)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut sim = Simulation::new(&sc, 1, "default").unwrap();
    sim.run().unwrap();
    sim
}

fn present_nodes(sim: &Simulation) -> usize {
    sim.cluster.nodes().present().iter().filter(|p| **p).count()
}

fn records(sim: &Simulation) -> Vec<(u64, &'static str, u32, u32)> {
    let ca = sim.autoscaler.as_ref().expect("autoscaled");
    ca.records
        .iter()
        .map(|r| (r.time.as_millis(), r.action, r.nodes_before, r.nodes_after))
        .collect()
}

const POOL_1_10: &str =
    "      count: 1\n      autoscaling: {min: 1, max: 10}\n      provisioning: 60s\n";

/// 7 pods of 1 cpu, one 2-cpu node: 2 bind, 5 are unschedulable. The first scan after
/// their failed attempt (t = 10 s; the scan at 0 s runs before any attempt) packs them
/// first-fit decreasing onto 2-cpu template nodes: ceil(5 / 2) = 3 nodes, 1 -> 4. The
/// nodes register 60 s later (70 s), and every pod is bound from then on.
#[test]
fn unschedulable_pods_bring_up_exactly_the_nodes_needed_after_provisioning() {
    let sim = run(&scenario(POOL_1_10, "", "5m"), &web(7, ""));
    assert_eq!(records(&sim), vec![(10_000, "scale_up", 1, 4)]);
    assert_eq!(present_nodes(&sim), 4);
    let late: Vec<u64> = sim
        .cluster
        .pods()
        .values()
        .map(|p| p.times.scheduled.expect("every pod bound").as_millis())
        .filter(|t| *t > 0)
        .collect();
    assert_eq!(late.len(), 5);
    assert!(late.iter().all(|t| *t >= 70_000), "{late:?}");
    let registered: Vec<u64> = sim
        .recorder
        .events
        .iter()
        .filter(|e| e.reason == "RegisteredNode")
        .map(|e| e.time.as_millis())
        .collect();
    assert_eq!(registered, vec![70_000; 3]);
    let triggered = sim
        .recorder
        .events
        .iter()
        .filter(|e| e.reason == "TriggeredScaleUp")
        .map(|e| e.message.as_str())
        .collect::<Vec<_>>();
    assert_eq!(
        triggered,
        vec!["pod triggered scale-up: [{pool 1->4 (max: 10)}]"; 5]
    );
    // One second before the nodes register, only the first node is there.
    let early = run(&scenario(POOL_1_10, "", "69s"), &web(7, ""));
    assert_eq!(present_nodes(&early), 1);
}

/// max 3: 1 -> 3 (2 new nodes for 4 pods); the fifth pod cannot be helped and gets CA's
/// NotTriggerScaleUp with the group's reason counted.
#[test]
fn the_group_max_caps_the_scale_up() {
    let group = "      count: 1\n      autoscaling: {min: 1, max: 3}\n      provisioning: 60s\n";
    let sim = run(&scenario(group, "", "5m"), &web(7, ""));
    assert_eq!(records(&sim), vec![(10_000, "scale_up", 1, 3)]);
    assert_eq!(present_nodes(&sim), 3);
    let unbound = sim
        .cluster
        .pods()
        .values()
        .filter(|p| p.node.is_none())
        .count();
    assert_eq!(unbound, 1);
    assert!(sim
        .recorder
        .events
        .iter()
        .any(|e| e.reason == "NotTriggerScaleUp"
            && e.message == "pod didn't trigger scale-up: 1 max node group size reached"));
}

const SCALE_IN_AT_5M: &str =
    "timeline:\n  - at: 5m\n    kubectl: scale deployment web --replicas=1\n";

/// Scaled 7 -> 1 at 300 s: the three added nodes are empty at the scan of 310 s and stay
/// unneeded; after scale_down_unneeded_time (10 m) they go, in bulk (empty nodes), at
/// 910 s (the delay after the 10 s scale-up ended at 610 s). At 909 s all 4 are still
/// there.
#[test]
fn an_emptied_node_goes_after_the_unneeded_time_and_not_before() {
    let sim = run(&scenario(POOL_1_10, SCALE_IN_AT_5M, "20m"), &web(7, ""));
    assert_eq!(
        records(&sim),
        vec![
            (10_000, "scale_up", 1, 4),
            (910_000, "scale_down", 4, 3),
            (910_000, "scale_down", 3, 2),
            (910_000, "scale_down", 2, 1),
        ]
    );
    assert_eq!(present_nodes(&sim), 1);
    // A planned removal is not a fault: faults.csv and the `faults` figure stay empty.
    assert!(
        sim.lifecycle.faults.is_empty(),
        "{:?}",
        sim.lifecycle.faults
    );
    let before = run(&scenario(POOL_1_10, SCALE_IN_AT_5M, "909s"), &web(7, ""));
    assert_eq!(present_nodes(&before), 4);
}

/// Scaled in at 80 s with scale_down_unneeded_time 1m: the nodes are unneeded from 80 s
/// and ripe at 140 s, but scale_down_delay_after_add (10 m after the 10 s scale-up) holds
/// them until the scan at 610 s.
#[test]
fn the_delay_after_a_scale_up_holds_scale_down_back() {
    let extra = "autoscaler:\n  scale_down_unneeded_time: 1m\ntimeline:\n  - at: 80s\n    kubectl: scale deployment web --replicas=1\n";
    let sim = run(&scenario(POOL_1_10, extra, "15m"), &web(7, ""));
    let downs: Vec<u64> = records(&sim)
        .iter()
        .filter(|r| r.1 == "scale_down")
        .map(|r| r.0)
        .collect();
    assert_eq!(downs, vec![610_000; 3]);
}

/// Two 4-cpu nodes (min 1), two 1-cpu pods spread one per node: each node is at 25 %
/// (< 50 %) and its pod fits the other, so one node goes after 10 m (the scan at 600 s:
/// unneeded since 0 s). With `safe-to-evict: "false"` on the pods neither may go.
#[test]
fn a_pod_not_safe_to_evict_keeps_its_node() {
    let group = "      count: 2\n      autoscaling: {min: 1, max: 3}\n";
    let text = scenario(group, "", "15m").replace("cpu: \"2\"", "cpu: \"4\"");
    let movable = run(&text, &web(2, ""));
    assert_eq!(downs(&movable), vec![(600_000, 2, 1)]);
    let pinned = run(
        &text,
        &web(
            2,
            "cluster-autoscaler.kubernetes.io/safe-to-evict: \"false\"",
        ),
    );
    assert_eq!(downs(&pinned), vec![]);
    assert_eq!(present_nodes(&pinned), 2);
}

/// The scale-downs of a run: (time ms, size before, size after).
fn downs(sim: &Simulation) -> Vec<(u64, u32, u32)> {
    records(sim)
        .iter()
        .filter(|r| r.1 == "scale_down")
        .map(|r| (r.0, r.2, r.3))
        .collect()
}

/// Two 4-cpu nodes as in [`a_pod_not_safe_to_evict_keeps_its_node`], with `manifest`:
/// each row's pods keep their node (FAQ: "What types of pods can prevent CA from removing
/// a node?"), so nothing is removed in 15 min.
#[test]
fn pods_ca_will_not_move_keep_their_nodes() {
    let group = "      count: 2\n      autoscaling: {min: 1, max: 3}\n";
    let text = scenario(group, "", "15m").replace("cpu: \"2\"", "cpu: \"4\"");
    let pdb = "---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web}\nspec:\n  minAvailable: 2\n  selector: {matchLabels: {app: web}}\n";
    let empty_dir = "      volumes:\n        - name: scratch\n          emptyDir: {}\n";
    let table = [
        ("restrictive PDB", format!("{}{pdb}", web(2, ""))),
        ("kube-system without PDB", web_in("kube-system", 2, "", "")),
        ("local storage", web_in("default", 2, "", empty_dir)),
    ];
    for (case, manifest) in table {
        let sim = run(&text, &manifest);
        assert_eq!(downs(&sim), vec![], "{case}");
    }
    // The local volume listed in safe-to-evict-local-volumes no longer blocks.
    let listed = web_in(
        "default",
        2,
        "cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes: scratch",
        empty_dir,
    );
    assert_eq!(downs(&run(&text, &listed)), vec![(600_000, 2, 1)]);
}

/// A bare pod (no controller) keeps its node; the other, empty node goes after 10 m.
#[test]
fn a_bare_pod_keeps_its_node_an_empty_node_goes() {
    let group = "      count: 2\n      autoscaling: {min: 0, max: 3}\n";
    let text = scenario(group, "", "15m");
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: lone}\nspec:\n  containers:\n    - name: c\n      image: nginx\n      resources: {requests: {cpu: 500m}}\n";
    let sim = run(&text, pod);
    assert_eq!(downs(&sim), vec![(600_000, 2, 1)]);
    let lone = sim
        .cluster
        .pods()
        .values()
        .find(|p| p.name == "lone")
        .unwrap();
    assert!(sim.cluster.nodes().present()[lone.node.unwrap().ix()]);
}

/// Nodes that take 20 m to provision never register within max_node_provision_time
/// (15 m): at 10 s + 900 s = 910 s the three requests fail and the group is backed off
/// for 5 m; the pods get "in backoff after failed scale-up"; at 1210 s CA tries again.
#[test]
fn nodes_not_ready_within_max_provision_time_fail_and_back_off() {
    let group = "      count: 1\n      autoscaling: {min: 1, max: 10}\n      provisioning: 20m\n";
    let sim = run(&scenario(group, "", "1300s"), &web(7, ""));
    assert_eq!(
        records(&sim),
        vec![
            (10_000, "scale_up", 1, 4),
            (910_000, "failed", 4, 3),
            (910_000, "failed", 3, 2),
            (910_000, "failed", 2, 1),
            (1_210_000, "scale_up", 1, 4),
        ]
    );
    assert!(sim
        .recorder
        .events
        .iter()
        .any(|e| e.reason == "NotTriggerScaleUp"
            && e.message == "pod didn't trigger scale-up: 1 in backoff after failed scale-up"));
    assert!(sim
        .recorder
        .events
        .iter()
        .any(|e| e.reason == "ScaleUpTimedOut"));
}

/// max_nodes_total 3 counts every node: 1 -> 3 although the group's max is 10.
#[test]
fn max_nodes_total_caps_the_cluster() {
    let extra = "autoscaler:\n  max_nodes_total: 3\n";
    let sim = run(&scenario(POOL_1_10, extra, "2m"), &web(7, ""));
    assert_eq!(records(&sim), vec![(10_000, "scale_up", 1, 3)]);
}

/// The priority expander takes the group of the highest tier, least-waste (the default)
/// the group whose new nodes stay fullest: 5 pods of 1 cpu need 3 nodes of 2 cpu
/// (waste 1/6 cpu) or 2 of 4 cpu (waste 3/8 cpu); memory 8Gi vs 16Gi per node.
#[test]
fn expanders_choose_the_group() {
    let groups = "      count: 1\n      autoscaling: {min: 1, max: 10}\n    - name: big\n      count: 0\n      allocatable: {cpu: \"4\", memory: 16Gi}\n      autoscaling: {min: 0, max: 10}\n";
    let least_waste = run(&scenario(groups, "", "2m"), &web(7, ""));
    let group_of = |sim: &Simulation| sim.autoscaler.as_ref().unwrap().records[0].group.clone();
    assert_eq!(group_of(&least_waste), "pool");
    let extra =
        "autoscaler:\n  expander: priority\n  priorities:\n    10: [\"^big$\"]\n    1: [\".*\"]\n";
    let priority = run(&scenario(groups, extra, "2m"), &web(7, ""));
    assert_eq!(group_of(&priority), "big");
    assert_eq!(records(&priority), vec![(10_000, "scale_up", 0, 2)]);
}

/// A run without an autoscaled group has no Cluster Autoscaler at all.
#[test]
fn no_autoscaled_group_no_autoscaler() {
    let sim = run(&scenario("      count: 1\n", "", "1m"), &web(1, ""));
    assert!(sim.autoscaler.is_none());
}

/// Bad input: (group lines, extra sections, expected field, expected words).
#[test]
fn bad_autoscaling_input_names_file_line_and_field() {
    let table: &[(&str, &str, &str, &str)] = &[
        (
            "      count: 1\n      autoscaling: {min: 3, max: 2}\n",
            "",
            "cluster.nodes[0].autoscaling",
            "min (3) must not exceed max (2)",
        ),
        (
            "      count: 5\n      autoscaling: {min: 1, max: 2}\n",
            "",
            "cluster.nodes[0].autoscaling",
            "within [min, max]",
        ),
        (
            "      count: 1\n      autoscaling: {min: 1, max: 2}\n      provisioning: soon\n",
            "",
            "cluster.nodes[0].provisioning",
            "",
        ),
        (
            "      count: 1\n      provisioning: 60s\n",
            "",
            "cluster.nodes[0].provisioning",
            "needs `autoscaling",
        ),
        (
            "      count: 1\n",
            "autoscaler:\n  scan_interval: 10s\n",
            "autoscaler",
            "needs a node group",
        ),
        (
            POOL_1_10,
            "autoscaler:\n  expander: cheapest\n",
            "autoscaler.expander",
            "unknown expander \"cheapest\"",
        ),
        (
            POOL_1_10,
            "autoscaler:\n  scale_down_utilization_threshold: 1.5\n",
            "autoscaler.scale_down_utilization_threshold",
            "between 0 and 1",
        ),
        (
            POOL_1_10,
            "autoscaler:\n  priorities:\n    10: [\"pool(\"]\n",
            "autoscaler.priorities.10",
            "invalid regular expression",
        ),
        (
            POOL_1_10,
            "autoscaler:\n  scan_intervall: 10s\n",
            "",
            "scan_intervall",
        ),
    ];
    for (group, extra, field, words) in table {
        let text = scenario(group, extra, "5m");
        let files: [(&str, &[u8]); 1] = [("web.yaml", web(1, "").into_bytes().leak())];
        let err = load_in_memory(Path::new("/virtual/ca.yaml"), &text, &files)
            .expect_err(&format!("{group}{extra} must be refused"));
        let e = err.to_string();
        assert!(e.contains("/virtual/ca.yaml:"), "{e}");
        assert!(e.contains(field), "{field}: {e}");
        assert!(e.contains(words), "{words}: {e}");
    }
    // A group with no shape (no allocatable) is refused even when autoscaled.
    let text = "name: ca\ncluster:\n  nodes:\n    - name: pool\n      count: 1\n      autoscaling: {min: 1, max: 2}\n";
    let e = load_in_memory(Path::new("/virtual/ca.yaml"), text, &[])
        .expect_err("no shape")
        .to_string();
    assert!(e.contains("cluster.nodes[0].allocatable.cpu"), "{e}");
}

/// The cloud bills a machine from the scale-up request, not from when it registers
/// (docs/autoscaling.md): the case above with the group priced at 1 per node-hour over
/// 5 min. The first node is billed 300 s; the 3 machines asked for at 10 s are billed
/// 290 s each, 60 s of it provisioning: 300 + 3 × 290 = 1,170 node-seconds = 0.325 h.
#[test]
fn machines_are_billed_from_the_scale_up_request() {
    let group = "      count: 1\n      autoscaling: {min: 1, max: 10}\n      provisioning: 60s\n      cost_per_hour: 1.0\n";
    let sim = run(&scenario(group, "", "5m"), &web(7, ""));
    let totals = sim.recorder.node_groups.totals(300_000);
    assert_eq!(totals.len(), 1);
    assert!((totals[0].node_hours - 0.325).abs() < 1e-9, "{totals:?}");
    assert_eq!(totals[0].cost, Some(totals[0].node_hours));
    assert_eq!((totals[0].nodes_min, totals[0].nodes_max), (1, 4));
}
