//! One termination model for every delete path (issue 11 item 2): a deleted pod is
//! Terminating — not ready, not available, holding its node's resources and its name —
//! until its containers exit after SIGTERM (`runtime.default_termination` /
//! `runtime.termination`), at most terminationGracePeriodSeconds later. Each test's
//! times are computed by hand from the scenario (image pull 0 s, container start 1 s,
//! scheduling and binding 0 s).

use k8sim::cluster::PodPhase;
use k8sim::controllers::replicaset;
use k8sim::input::scenario::load;
use k8sim::sim::Simulation;
use std::fs;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

fn temp(tag: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "k8sim-term-{}-{tag}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs one `solo` node (4 cpu) for `duration` with `objects` and `runtime` extra keys.
fn run(tag: &str, duration: &str, runtime: &str, objects: &str, timeline: &str) -> Simulation {
    let dir = temp(tag);
    fs::write(dir.join("objects.yaml"), objects).unwrap();
    let scenario = format!(
        "name: {tag}\nseed: 1\nduration: {duration}\ncluster:\n  nodes:\n    - {{name: solo, allocatable: {{cpu: \"4\", memory: 16Gi, pods: 110}}}}\nruntime:\n  image_pull: 0s\n  container_start: 1s\n{runtime}workloads: [objects.yaml]\ntimeline:\n{timeline}"
    );
    fs::write(dir.join("scenario.yaml"), scenario).unwrap();
    let sc = load(&dir.join("scenario.yaml")).unwrap_or_else(|e| panic!("{e}"));
    let mut sim = Simulation::new(&sc, sc.seed, &sc.scheduler).unwrap();
    sim.run().unwrap();
    sim
}

fn deployment(strategy: &str, replicas: u32, cpu: &str, pod_extra: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{app: web}}}}\n  strategy: {strategy}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec:\n{pod_extra}      containers:\n      - {{name: nginx, image: \"nginx:1\", resources: {{requests: {{cpu: \"{cpu}\"}}}}}}\n"
    )
}

const SET_IMAGE_AT_60S: &str = "  - at: 60s\n    kubectl: set image deployment/web nginx=nginx:2\n";

/// Creation times (s) of the pods whose image is `image`.
fn created_with(sim: &Simulation, image: &str) -> Vec<f64> {
    sim.cluster
        .pods()
        .values()
        .filter(|p| p.spec.containers[0].image == image)
        .map(|p| p.times.created.as_secs_f64())
        .collect()
}

/// Times (s) of the `Killing` events of each pod, in event order.
fn killed(sim: &Simulation) -> Vec<(String, f64)> {
    sim.recorder
        .events
        .iter()
        .filter(|e| e.reason == "Killing")
        .map(|e| (e.object.clone(), e.time.as_secs_f64()))
        .collect()
}

// recreate.go rolloutRecreate / oldPodsRunning: the new ReplicaSet is scaled up only once
// no old pod is running, and a Terminating pod is running. Old pods get SIGTERM at 60 s
// and exit 5 s later, so the new pods are created at 65 s (not at 60 s).
#[test]
fn recreate_waits_for_old_pods_to_exit_before_creating_new_ones() {
    let objects = deployment("{type: Recreate}", 2, "1", "");
    let rt = "  default_termination: 5s\n";
    let sim = run("recreate", "3m", rt, &objects, SET_IMAGE_AT_60S);
    assert_eq!(created_with(&sim, "nginx:1"), vec![0.0, 0.0]);
    assert_eq!(created_with(&sim, "nginx:2"), vec![65.0, 65.0]);
    // At 64 s both old pods are still Terminating on the node and nothing new exists.
    let sim = run("recreate-64", "64s", rt, &objects, SET_IMAGE_AT_60S);
    let terminating = sim
        .cluster
        .pods()
        .values()
        .filter(|p| p.is_terminating())
        .count();
    assert_eq!(terminating, 2);
    assert_eq!(created_with(&sim, "nginx:2"), Vec::<f64>::new());
    assert_eq!(
        sim.cluster.nodes().pods()[0].len(),
        2,
        "old pods hold the node"
    );
}

// The grace period caps the exit time (kuberuntime_container.go killContainer: SIGKILL
// when terminationGracePeriodSeconds runs out): a workload whose containers would take an
// hour (`termination: {web: 1h}`) with a 3 s grace period is gone at 63 s.
#[test]
fn termination_is_capped_by_the_grace_period() {
    let objects = deployment(
        "{type: Recreate}",
        2,
        "1",
        "      terminationGracePeriodSeconds: 3\n",
    );
    let rt = "  termination:\n    web: 1h\n";
    let sim = run("recreate-grace", "3m", rt, &objects, SET_IMAGE_AT_60S);
    assert_eq!(created_with(&sim, "nginx:2"), vec![63.0, 63.0]);
}

// stateful_set_control.go processCondemned: under OrderedReady the controller deletes the
// highest condemned ordinal and waits while it is Terminating; Parallel deletes them all
// at once. Each pod takes 5 s to exit: db-2 at 60 s, db-1 at 65 s, db-0 at 70 s.
#[test]
fn ordered_ready_scale_down_deletes_one_ordinal_and_waits_for_it_to_be_gone() {
    let sts = |policy: &str| {
        format!(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {{name: db}}\nspec:\n  replicas: 3\n  podManagementPolicy: {policy}\n  serviceName: db\n  selector: {{matchLabels: {{app: db}}}}\n  template:\n    metadata: {{labels: {{app: db}}}}\n    spec:\n      containers:\n      - {{name: db, image: \"postgres:16\", resources: {{requests: {{cpu: 500m}}}}}}\n"
        )
    };
    let rt = "  default_termination: 5s\n";
    let scale = "  - at: 60s\n    kubectl: scale statefulset db --replicas=0\n";
    let ordered = run("sts-ordered", "3m", rt, &sts("OrderedReady"), scale);
    let expected = |times: [f64; 3]| {
        ["db-2", "db-1", "db-0"]
            .iter()
            .zip(times)
            .map(|(n, t)| (n.to_string(), t))
            .collect::<Vec<_>>()
    };
    assert_eq!(killed(&ordered), expected([60.0, 65.0, 70.0]));
    let parallel = run("sts-parallel", "3m", rt, &sts("Parallel"), scale);
    assert_eq!(killed(&parallel), expected([60.0, 60.0, 60.0]));
}

// A rollout sees Terminating pods: they are not available and not in `replicas`
// (controller.FilterActivePods), they are counted as `terminatingReplicas`
// (controller.FilterTerminatingPods), and they keep their node's resources. Two 2-cpu
// pods fill the node; maxSurge 0 / maxUnavailable 1 deletes one old pod at 60 s, whose
// replacement is created at once but can only be placed when the old pod exits at 70 s.
#[test]
fn a_rollout_counts_terminating_pods_and_their_resources_stay_held() {
    let objects = deployment(
        "{type: RollingUpdate, rollingUpdate: {maxSurge: 0, maxUnavailable: 1}}",
        2,
        "2",
        "",
    );
    let rt = "  default_termination: 10s\n";
    let mid = run("rollout-65", "65s", rt, &objects, SET_IMAGE_AT_60S);
    let (old, new) = (0, 1);
    let c = replicaset::counts(&mid, old);
    assert_eq!((c.active, c.available, c.terminating), (1, 1, 1));
    let c = replicaset::counts(&mid, new);
    assert_eq!((c.active, c.available, c.terminating), (1, 0, 0));
    let pending: Vec<_> = mid
        .cluster
        .pods()
        .values()
        .filter(|p| p.node.is_none() && p.phase == PodPhase::Pending)
        .collect();
    assert_eq!(pending.len(), 1, "the replacement waits for the cpu");
    let sim = run("rollout", "5m", rt, &objects, SET_IMAGE_AT_60S);
    let mut new_pods: Vec<(f64, f64)> = sim
        .cluster
        .pods()
        .values()
        .filter(|p| p.spec.containers[0].image == "nginx:2")
        .map(|p| {
            (
                p.times.created.as_secs_f64(),
                p.times.scheduled.unwrap().as_secs_f64(),
            )
        })
        .collect();
    new_pods.sort_by(|a, b| a.partial_cmp(b).unwrap());
    // First new pod: created 60 s, placed 70 s, ready 71 s; that lets the second old pod
    // go at 71 s, which exits at 81 s, when the second new pod is placed.
    assert_eq!(new_pods, vec![(60.0, 70.0), (71.0, 81.0)]);
}

// Preemption deletes the victim with its own grace period (preemption.go
// prepareCandidate -> DeletePod); the preemptor binds when the victim's containers have
// exited (5 s), not when its 30 s grace period would end.
#[test]
fn preemption_victims_free_their_node_when_their_containers_exit() {
    let classes = "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: low}\nvalue: 10\n---\napiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: high}\nvalue: 1000\n---\n";
    let pod = |name: &str, class: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec:\n  priorityClassName: {class}\n  containers:\n  - {{name: c, image: \"nginx:1\", resources: {{requests: {{cpu: \"4\"}}}}}}\n"
        )
    };
    let dir = temp("preempt-files");
    fs::write(
        dir.join("urgent.yaml"),
        format!("{classes}{}", pod("urgent", "high")),
    )
    .unwrap();
    let objects = format!("{classes}{}", pod("victim", "low"));
    let timeline = format!(
        "  - at: 60s\n    kubectl: apply -f {}\n",
        dir.join("urgent.yaml").display()
    );
    let rt = "  termination:\n    victim: 5s\n";
    let sim = run("preempt", "3m", rt, &objects, &timeline);
    let urgent = sim
        .cluster
        .pods()
        .values()
        .find(|p| p.name == "urgent")
        .unwrap();
    assert_eq!(urgent.times.scheduled.map(|t| t.as_secs_f64()), Some(65.0));
    assert_eq!(killed(&sim), vec![("victim".to_string(), 60.0)]);
}

// daemon_controller.go podsShouldBeOnNode: a node whose daemon pod is Terminating gets no
// second pod (the terminating one still exists). The node loses the DaemonSet's label at
// 60 s (its pod gets SIGTERM and needs 4 s to exit) and gets it back at 62 s: the new
// pod is created when the old one is gone, at 64 s.
#[test]
fn a_daemon_pod_is_replaced_once_the_terminating_one_is_gone() {
    let ds = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n  selector: {matchLabels: {app: agent}}\n  template:\n    metadata: {labels: {app: agent}}\n    spec:\n      nodeSelector: {role: agent}\n      containers:\n      - {name: agent, image: \"agent:1\"}\n";
    let timeline = "  - at: 0s\n    kubectl: label node solo role=agent\n  - at: 60s\n    kubectl: label node solo role-\n  - at: 62s\n    kubectl: label node solo role=agent\n";
    let sim = run("ds", "3m", "  default_termination: 4s\n", ds, timeline);
    let created: Vec<f64> = sim
        .cluster
        .pods()
        .values()
        .map(|p| p.times.created.as_secs_f64())
        .collect();
    assert_eq!(created, vec![0.0, 64.0]);
    assert_eq!(killed(&sim).len(), 1);
}

// `kubectl delete pod` sends the same DELETE (kubectl delete.go: --grace-period overrides
// the pod's terminationGracePeriodSeconds, --force with 0 removes it at once): containers
// that would need 30 s to exit are killed when the 10 s grace period ends.
#[test]
fn kubectl_delete_follows_the_same_model_with_its_grace_period() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: solo-pod}\nspec:\n  containers:\n  - {name: c, image: \"nginx:1\"}\n";
    let rt = "  default_termination: 30s\n";
    let delete = "  - at: 60s\n    kubectl: delete pod solo-pod --grace-period=10\n";
    let state = |duration: &str, timeline: &str| {
        let sim = run("kubectl-delete", duration, rt, pod, timeline);
        let p = &sim.cluster.pods()[0];
        (p.is_terminating(), p.gone)
    };
    assert_eq!(state("69s", delete), (true, false));
    assert_eq!(state("70s", delete), (false, true));
    let force = "  - at: 60s\n    kubectl: delete pod solo-pod --grace-period=0 --force\n";
    assert_eq!(state("60s", force), (false, true));
}

// Bad runtime termination values are load-time errors naming the file, line and key.
#[test]
fn a_bad_termination_time_names_its_key() {
    for (runtime, field) in [
        (
            "  default_termination: soon\n",
            "runtime.default_termination",
        ),
        ("  termination:\n    web: -5s\n", "runtime.termination.web"),
    ] {
        let dir = temp("bad-termination");
        fs::write(
            dir.join("objects.yaml"),
            deployment("{type: Recreate}", 1, "1", ""),
        )
        .unwrap();
        let scenario = format!(
            "name: bad\nduration: 1m\ncluster:\n  nodes:\n    - {{name: solo, allocatable: {{cpu: \"4\"}}}}\nruntime:\n{runtime}workloads: [objects.yaml]\n"
        );
        fs::write(dir.join("scenario.yaml"), scenario).unwrap();
        let err = load(&dir.join("scenario.yaml")).unwrap_err().to_string();
        assert!(err.contains(field), "{err}");
        assert!(err.contains("scenario.yaml:"), "{err}");
    }
}
