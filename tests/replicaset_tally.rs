//! Issue 14: a ReplicaSet's status counts come from a tally the simulation keeps as its
//! pods change, not from a walk over every pod it ever had. `--check` compares each tally
//! with the walk after every event; these tests run churny scenarios under it, show that
//! a tally put out of step is caught, and pin minReadySeconds' timing (kube's
//! pkg/controller/replicaset/replica_set_utils.go calculateStatus counts a Ready pod as
//! available once it has been Ready for minReadySeconds; pkg/api/v1/pod/util.go
//! IsPodAvailable).

#[allow(dead_code)]
mod common;

use k8sim::controllers::replicaset;
use k8sim::input::scenario::load;
use k8sim::sim::{RunError, Simulation};
use std::fs;

/// A simulation of `scenario` (its `workloads: [objects.yaml]` holding `objects`).
fn simulation(tag: &str, scenario: &str, objects: &str, check: bool) -> Simulation {
    let dir = common::temp_dir(tag);
    fs::write(dir.join("objects.yaml"), objects).unwrap();
    fs::write(dir.join("scenario.yaml"), scenario).unwrap();
    let mut sc = load(&dir.join("scenario.yaml")).unwrap_or_else(|e| panic!("{e}"));
    sc.check_invariants = check;
    Simulation::new(&sc, sc.seed, &sc.scheduler).unwrap()
}

/// A Deployment (or, with `kind: ReplicaSet`, a bare ReplicaSet) `name` of 1-cpu pods.
fn workload(kind: &str, name: &str, replicas: u32, min_ready_s: u32, extra: &str) -> String {
    format!(
        "---\napiVersion: apps/v1\nkind: {kind}\nmetadata: {{name: {name}}}\nspec:\n  replicas: {replicas}\n  minReadySeconds: {min_ready_s}\n{extra}  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n    spec:\n      containers:\n      - {{name: c, image: \"registry.example/{name}:1\", resources: {{requests: {{cpu: \"1\", memory: 1Gi}}}}}}\n"
    )
}

fn churn_objects() -> String {
    [
        workload("Deployment", "web", 6, 30, ""),
        workload("Deployment", "api", 4, 0, "  strategy: {type: Recreate}\n"),
        workload("Deployment", "edge", 3, 5, ""),
        workload("ReplicaSet", "batch", 3, 10, ""),
        workload("ReplicaSet", "spare", 2, 0, ""),
    ]
    .concat()
}

/// Crashing containers, node and zone failures, faults, rollouts, scaling both ways,
/// a drain and orphaning deletes of a bare ReplicaSet and of a Deployment.
const CHURN: &str = "name: churn\nseed: 7\nduration: 50m\ncluster:\n  nodes:\n    - {name: a, count: 4, allocatable: {cpu: \"4\", memory: 16Gi, pods: 110}, labels: {topology.kubernetes.io/zone: za}}\n    - {name: b, count: 3, allocatable: {cpu: \"8\", memory: 32Gi, pods: 110}, labels: {topology.kubernetes.io/zone: zb}}\nruntime:\n  image_pull: 5s\n  container_start: 1s\n  default_termination: 20s\n  crashes:\n    web: {probability: 0.5, after: exp(4m)}\n    batch: {probability: 0.5, after: exp(3m)}\nworkloads: [objects.yaml]\ntimeline:\n  - at: 3m\n    kubectl: scale deployment web --replicas=10\n  - at: 5m\n    kubectl: set image deployment/web c=registry.example/web:2\n  - at: 6m\n    faults: {group: b, mtbf: exp(15m), mttr: 2m}\n  - at: 7m\n    node: {fail: a-1}\n  - at: 9m\n    kubectl: rollout restart deployment api\n  - at: 11m\n    node: {recover: a-1}\n  - at: 13m\n    kubectl: scale replicaset batch --replicas=6\n  - at: 15m\n    kubectl: scale deployment web --replicas=3\n  - at: 17m\n    kubectl: drain a-0 --ignore-daemonsets --force --delete-emptydir-data --timeout=5m\n  - at: 19m\n    kubectl: set image deployment/edge c=registry.example/edge:2\n  - at: 20m\n    kubectl: delete replicaset spare --cascade=orphan\n  - at: 22m\n    zone: {fail: za}\n  - at: 26m\n    zone: {recover: za}\n  - at: 28m\n    kubectl: delete deployment edge --cascade=orphan\n  - at: 30m\n    kubectl: scale replicaset batch --replicas=1\n  - at: 33m\n    kubectl: rollout restart deployment web\n  - at: 38m\n    kubectl: delete deployment api --cascade=background\nmetrics:\n  sample_every: 30s\n";

/// The last ReplicaSet whose top-level workload is `workload`.
fn last_replicaset_of(sim: &Simulation, workload: &str) -> u32 {
    let sets = &sim.workloads.replicasets;
    sets.iter().rposition(|r| r.workload == workload).unwrap() as u32
}

/// Times (s) of the events with `reason`.
fn event_times(sim: &Simulation, reason: &str) -> Vec<f64> {
    let events = sim.recorder.events.iter();
    let with_reason = events.filter(|e| e.reason == reason);
    with_reason.map(|e| e.time.as_secs_f64()).collect()
}

#[test]
fn every_tally_equals_the_walk_after_every_event_of_a_churny_run() {
    let objects = churn_objects();
    let mut checked = simulation("churn", CHURN, &objects, true);
    checked.run().unwrap_or_else(|e| panic!("{e}"));
    // The run went through what moves a tally: rollouts made new ReplicaSets (5 from
    // the manifests' 3 Deployments and 2 ReplicaSets, plus web:2, api's restart, edge:2
    // and web's restart), containers crashed (BackOff), nodes went NotReady (pods marked
    // not Ready) and controllers deleted pods.
    assert!(checked.workloads.replicasets.len() >= 9);
    assert!(!event_times(&checked, "BackOff").is_empty());
    assert!(!event_times(&checked, "NodeNotReady").is_empty());
    assert!(!event_times(&checked, "SuccessfulDelete").is_empty());
    // A minReadySeconds ReplicaSet with Ready pods that are not all available at some
    // point is what makes availability time-dependent; web's pods all became available.
    let web_new = last_replicaset_of(&checked, "web");
    let c = replicaset::counts(&checked, web_new);
    assert_eq!((c.active, c.available), (3, 3), "{c:?}");
    // Checking changes nothing.
    let mut plain = simulation("churn-plain", CHURN, &objects, false);
    plain.run().unwrap();
    assert_eq!(checked.summary(), plain.summary());
    assert_eq!(checked.recorder.events, plain.recorder.events);
}

#[test]
fn a_tally_out_of_step_stops_a_checked_run() {
    let mut sim = simulation("corrupt", CHURN, &churn_objects(), true);
    // The bare ReplicaSets exist from the start; a pod it never made.
    let batch = last_replicaset_of(&sim, "batch") as usize;
    sim.workloads.replicasets[batch].tally.created();
    let err = sim.run().expect_err("the tally differs from the walk");
    let RunError::Invariant { invariant, .. } = &err else {
        panic!("not an invariant error: {err}");
    };
    assert_eq!(
        *invariant,
        "a ReplicaSet's tally equals a walk over its pods"
    );
}

/// One 4-cpu node, `web` (2 replicas, minReadySeconds 30, maxSurge 1, maxUnavailable 0),
/// a new image at 60 s; run for `duration`.
fn rollout(tag: &str, duration: &str) -> Simulation {
    let scenario = format!(
        "name: {tag}\nseed: 1\nduration: {duration}\ncluster:\n  nodes:\n    - {{name: solo, allocatable: {{cpu: \"4\", memory: 16Gi, pods: 110}}}}\nruntime:\n  image_pull: 0s\n  container_start: 1s\n  default_termination: 0s\nworkloads: [objects.yaml]\ntimeline:\n  - at: 60s\n    kubectl: set image deployment/web c=registry.example/web:2\n"
    );
    let strategy =
        "  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}\n";
    let mut sim = simulation(
        tag,
        &scenario,
        &workload("Deployment", "web", 2, 30, strategy),
        true,
    );
    sim.run().unwrap_or_else(|e| panic!("{e}"));
    sim
}

// Hand timeline (scheduling and image pull 0 s, start 1 s, Ready when started): the old
// pods are Ready at 1 s. At 60 s the new ReplicaSet surges one pod, Ready at 61 s,
// available at 61 + 30 = 91 s; then one old pod goes and the second new pod is created
// at 91 s, Ready at 92 s, available at 122 s, when the last old pod goes.
#[test]
fn min_ready_seconds_holds_the_rollout_until_new_pods_are_available() {
    let (old, new) = (0, 1);
    let at_90 = rollout("min-ready-90", "90s");
    let c = replicaset::counts(&at_90, new);
    assert_eq!((c.active, c.ready, c.available), (1, 1, 0), "{c:?}");
    assert_eq!(replicaset::counts(&at_90, old).active, 2);
    let at_100 = rollout("min-ready-100", "100s");
    let c = replicaset::counts(&at_100, new);
    // The second new pod has been Ready since 92 s: 8 s, not 30.
    assert_eq!((c.active, c.ready, c.available), (2, 2, 1), "{c:?}");
    assert_eq!(replicaset::counts(&at_100, old).active, 1);
    let done = rollout("min-ready-done", "3m");
    let deleted = event_times(&done, "SuccessfulDelete");
    assert_eq!(deleted, vec![91.0, 122.0]);
    let c = replicaset::counts(&done, new);
    assert_eq!((c.active, c.available), (2, 2));
}
