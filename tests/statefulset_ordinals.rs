//! Issue 14: a StatefulSet sync reads its ordinals from an index the simulation keeps as
//! pods change (live, not Running and Ready, missing from the wanted range) instead of
//! walking every ordinal. These tests pin the semantics the index must keep, each run
//! under `--check`, which compares the index with a walk over the pods after every event
//! (kube's pkg/controller/statefulset/stateful_set_control.go updateStatefulSet: replicas
//! and condemned are sorted by ordinal; OrderedReady stops at the first pod that is not
//! Running and Ready; processCondemned deletes from the highest ordinal down).

#[allow(dead_code)]
mod common;

use k8sim::cluster::PodPhase;
use k8sim::input::scenario::load;
use k8sim::sim::Simulation;
use std::fs;

/// A run of StatefulSet `db` (`replicas`, `policy`, 3-cpu pods) on one 8-cpu node, with
/// `timeline` entries, checked after every event.
fn run(tag: &str, replicas: u32, policy: &str, timeline: &str) -> Simulation {
    let dir = common::temp_dir(tag);
    let sts = format!(
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {{name: db}}\nspec:\n  replicas: {replicas}\n  podManagementPolicy: {policy}\n  serviceName: db\n  selector: {{matchLabels: {{app: db}}}}\n  template:\n    metadata: {{labels: {{app: db}}}}\n    spec:\n      containers:\n      - {{name: db, image: \"postgres:16\", resources: {{requests: {{cpu: \"3\"}}}}}}\n"
    );
    fs::write(dir.join("db.yaml"), sts).unwrap();
    let scenario = format!(
        "name: {tag}\nseed: 3\nduration: 5m\ncluster:\n  nodes:\n    - name: n\n      allocatable: {{cpu: \"8\", memory: 32Gi, pods: 110}}\nruntime:\n  image_pull: 0s\n  container_start: 1s\n  default_termination: 5s\nworkloads: [db.yaml]\n{timeline}"
    );
    fs::write(dir.join("scenario.yaml"), scenario).unwrap();
    let mut sc = load(&dir.join("scenario.yaml")).unwrap_or_else(|e| panic!("{e}"));
    sc.check_invariants = true;
    let mut sim = Simulation::new(&sc, sc.seed, &sc.scheduler).unwrap();
    sim.run().unwrap_or_else(|e| panic!("{e}"));
    sim
}

/// (pod name, seconds) of the StatefulSet's create or delete events, in order.
fn pod_events(sim: &Simulation, verb: &str) -> Vec<(String, f64)> {
    let prefix = format!("{verb} Pod ");
    sim.recorder
        .events
        .iter()
        .filter(|e| e.object == "db")
        .filter_map(|e| {
            let rest = e.message.strip_prefix(&prefix)?;
            let name = rest.split(' ').next()?.to_string();
            Some((name, e.time.as_secs_f64()))
        })
        .collect()
}

fn named(pairs: &[(&str, f64)]) -> Vec<(String, f64)> {
    pairs.iter().map(|(n, t)| (n.to_string(), *t)).collect()
}

// Two 3-cpu pods fit the 8-cpu node, the third stays Pending. OrderedReady creates db-0,
// then db-1 once db-0 is Running and Ready (1 s container start), then db-2 once db-1 is;
// db-2 never schedules, so no db-3 is ever created: the walk stops at the first ordinal
// that is not Running and Ready even though it has a pod.
#[test]
fn ordered_ready_stops_at_a_pod_that_is_not_running_and_ready() {
    let sim = run("sts-ix-ordered", 4, "OrderedReady", "");
    assert_eq!(
        pod_events(&sim, "create"),
        named(&[("db-0", 0.0), ("db-1", 1.0), ("db-2", 2.0)])
    );
    let phases: Vec<(&str, PodPhase)> = (sim.cluster.pods().values())
        .map(|p| (p.name.as_str(), p.phase))
        .collect();
    assert_eq!(
        phases,
        [
            ("db-0", PodPhase::Running),
            ("db-1", PodPhase::Running),
            ("db-2", PodPhase::Pending)
        ]
    );
}

// Parallel creates every missing ordinal at once, lowest first, whether or not the lower
// ones are Ready (db-2 and db-3 stay Pending).
#[test]
fn parallel_creates_every_missing_ordinal_at_once() {
    let sim = run("sts-ix-parallel", 4, "Parallel", "");
    assert_eq!(
        pod_events(&sim, "create"),
        named(&[("db-0", 0.0), ("db-1", 0.0), ("db-2", 0.0), ("db-3", 0.0)])
    );
}

// Scale down condemns from the highest ordinal (db-3 Pending, then db-2 Pending), a
// deleted pod is recreated under its ordinal's name once the old one is gone (5 s
// termination), and a scale up fills exactly the missing ordinals, lowest first:
// 60 s scale to 2 -> delete db-3, db-2; 90 s delete db-0 -> gone at 95 s, new db-0;
// 120 s scale to 3 -> create db-2 (db-0 and db-1 are live; db-2 stays Pending).
#[test]
fn parallel_scale_down_delete_and_scale_up_touch_the_right_ordinals() {
    let timeline = "timeline:\n  - at: 60s\n    kubectl: scale statefulset db --replicas=2\n  - at: 90s\n    kubectl: delete pod db-0\n  - at: 120s\n    kubectl: scale statefulset db --replicas=3\n";
    let sim = run("sts-ix-scale", 4, "Parallel", timeline);
    assert_eq!(
        pod_events(&sim, "delete"),
        named(&[("db-3", 60.0), ("db-2", 60.0)])
    );
    let created = pod_events(&sim, "create");
    assert_eq!(
        created[4..],
        named(&[("db-0", 95.0), ("db-2", 120.0)])[..],
        "{created:?}"
    );
    let st = &sim.workloads.statefulsets[0];
    assert_eq!(st.ordinals.ready(), 2, "db-0 and db-1 Running and Ready");
    assert!(st.ordinals.missing().is_empty());
    assert!(st.ordinals.condemned().is_empty());
}
