//! Workload controllers, storage and per-workload CSVs, scenario by scenario; each test
//! names the Kubernetes behaviour it checks.

use k8sim::cluster::storage::ClaimPhase;
use k8sim::cluster::PodPhase;
use k8sim::controllers::cronjob::RunOutcome;
use k8sim::controllers::job::JobOutcome;
use k8sim::input::scenario::load;
use k8sim::sim::Simulation;
use std::fs;
use std::path::PathBuf;

/// Writes `scenario` (a scenario body without `workloads:`) and the manifest `objects`
/// into a fresh temp dir, then loads and runs it.
fn run(tag: &str, scenario: &str, objects: &str) -> Simulation {
    let sim = build(tag, scenario, objects);
    finish(sim)
}

fn build(tag: &str, scenario: &str, objects: &str) -> Simulation {
    let dir = temp(tag);
    fs::write(dir.join("objects.yaml"), objects).unwrap();
    let text = format!("{scenario}\nworkloads:\n  - objects.yaml\n");
    fs::write(dir.join("scenario.yaml"), text).unwrap();
    let sc = load(&dir.join("scenario.yaml")).unwrap_or_else(|e| panic!("{e}"));
    Simulation::new(&sc, sc.seed, &sc.scheduler).unwrap()
}

fn finish(mut sim: Simulation) -> Simulation {
    sim.run().unwrap();
    sim
}

fn temp(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("k8sim-ctrl-{}-{tag}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Starts at the Unix epoch so that CronJob Job names (`<cronjob>-<minutes since the
/// epoch>`, cronjob_controllerv2.go getJobName) count from 0.
const CLUSTER: &str = "name: t
seed: 7
start: 1970-01-01T00:00:00Z
duration: DURATION
cluster:
  nodes:
    - name: a
      allocatable: {cpu: \"8\", memory: 32Gi, pods: 110}
      labels: {topology.kubernetes.io/zone: zone-a}
    - name: b
      allocatable: {cpu: \"8\", memory: 32Gi, pods: 110}
      labels: {topology.kubernetes.io/zone: zone-b}
runtime:
  image_pull: 0s
  container_start: 1s
";

fn cluster(duration: &str) -> String {
    CLUSTER.replace("DURATION", duration)
}

/// [`cluster`] with a 30 s run duration for the Job named `work` (a `run_duration` key
/// must name a workload of the scenario).
fn job_cluster(duration: &str) -> String {
    format!("{}  run_duration:\n    work: 30s\n", cluster(duration))
}

fn events<'a>(sim: &'a Simulation, reason: &str) -> Vec<&'a k8sim::metrics::EventRecord> {
    sim.recorder
        .events
        .iter()
        .filter(|e| e.reason == reason)
        .collect()
}

const WEB_STS: &str = "apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard
  annotations: {storageclass.kubernetes.io/is-default-class: \"true\"}
provisioner: example.com/disk
volumeBindingMode: WaitForFirstConsumer
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: nginx
        readinessProbe: {initialDelaySeconds: 5}
        volumeMounts: [{name: www, mountPath: /usr/share/nginx/html}]
  volumeClaimTemplates:
  - metadata: {name: www}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
";

// Kubernetes docs, StatefulSet basics: "the StatefulSet controller created web-1 only
// after web-0 was Running and Ready" (OrderedReady).
#[test]
fn ordered_ready_creates_web_1_only_after_web_0_is_ready() {
    let sim = run("ordered", &cluster("2m"), WEB_STS);
    let pod = |n: &str| sim.cluster.pods().values().find(|p| p.name == n).unwrap();
    let (w0, w1, w2) = (pod("web-0"), pod("web-1"), pod("web-2"));
    assert!(w1.times.created >= w0.times.ready.unwrap());
    assert!(w2.times.created >= w1.times.ready.unwrap());
    assert!(w0.times.ready.unwrap().as_millis() >= 6_000); // 1 s start + 5 s probe
                                                           // One PVC per ordinal, www-web-<n>, bound by WaitForFirstConsumer in the pod's zone.
    for n in 0..3 {
        let c = sim
            .cluster
            .storage()
            .claim("default", &format!("www-web-{n}"))
            .unwrap();
        let claim = &sim.cluster.storage().pvcs[c as usize];
        assert_eq!(claim.phase, ClaimPhase::Bound);
        let vol = &sim.cluster.storage().pvs[claim.volume.unwrap() as usize];
        let node = pod(&format!("web-{n}")).node.unwrap();
        assert_eq!(
            vol.spec.meta.labels.get("topology.kubernetes.io/zone"),
            sim.cluster.nodes().labels()[node.ix()].get("topology.kubernetes.io/zone")
        );
    }
}

// "The PVC www-web-1 is re-used by the new web-1": deleting the pod keeps its claim and
// the replacement, pinned by the volume's zone, mounts the same one.
#[test]
fn the_pvc_www_web_1_is_reused_by_the_new_web_1() {
    let scenario = format!(
        "{}timeline:\n  - at: 60s\n    kubectl: delete pod web-1\n",
        cluster("3m")
    );
    let sim = run("reuse", &scenario, WEB_STS);
    let web1: Vec<_> = sim
        .cluster
        .pods()
        .values()
        .filter(|p| p.name == "web-1")
        .collect();
    assert_eq!(web1.len(), 2, "web-1 was replaced under the same name");
    let c = sim.cluster.storage().claim("default", "www-web-1").unwrap();
    let claim = &sim.cluster.storage().pvcs[c as usize];
    assert_eq!(claim.users.len(), 2, "both web-1 pods used www-web-1");
    let zone = |p: &k8sim::cluster::Pod| {
        sim.cluster.nodes().labels()[p.node.unwrap().ix()]["topology.kubernetes.io/zone"].clone()
    };
    assert_eq!(zone(web1[0]), zone(web1[1]));
    assert_eq!(sim.cluster.storage().pvcs.len(), 3, "no new claim");
}

// "Scale down removes the highest ordinal first", one at a time; whenScaled Retain keeps
// the claims.
#[test]
fn scale_down_removes_the_highest_ordinal_first() {
    let scenario = format!(
        "{}timeline:\n  - at: 60s\n    kubectl: scale statefulset web --replicas=1\n",
        cluster("2m")
    );
    let sim = run("scaledown", &scenario, WEB_STS);
    let kills: Vec<String> = sim
        .recorder
        .events
        .iter()
        .filter(|e| e.reason == "SuccessfulDelete" && e.object == "web")
        .map(|e| e.message.clone())
        .collect();
    // stateful_pod_control.go recordPodEvent: "delete Pod web-2 in StatefulSet web successful".
    assert_eq!(
        kills,
        vec![
            "delete Pod web-2 in StatefulSet web successful",
            "delete Pod web-1 in StatefulSet web successful"
        ]
    );
    assert!(sim
        .cluster
        .storage()
        .claim("default", "www-web-2")
        .is_some());
}

// persistentVolumeClaimRetentionPolicy whenScaled: Delete removes the condemned claims.
#[test]
fn retention_when_scaled_delete_removes_claims() {
    let objects = WEB_STS.replace(
        "  volumeClaimTemplates:",
        "  persistentVolumeClaimRetentionPolicy: {whenScaled: Delete}\n  volumeClaimTemplates:",
    );
    let scenario = format!(
        "{}timeline:\n  - at: 60s\n    kubectl: scale statefulset web --replicas=1\n",
        cluster("2m")
    );
    let sim = run("retention", &scenario, &objects);
    assert!(sim
        .cluster
        .storage()
        .claim("default", "www-web-0")
        .is_some());
    assert!(sim
        .cluster
        .storage()
        .claim("default", "www-web-1")
        .is_none());
    assert!(sim
        .cluster
        .storage()
        .claim("default", "www-web-2")
        .is_none());
}

// A template reverted mid-rollout is the update revision again, and kube's rolling update
// replaces every pod not at the update revision (stateful_set_control.go
// updateStatefulSet: `getPodRevision(replicas[target]) != updateRevision.Name`), whatever
// the current revision is: the pods already moved to nginx:2 go back to nginx.
#[test]
fn a_template_reverted_mid_rollout_rolls_the_updated_pods_back() {
    let scenario = format!(
        "{}timeline:\n  - at: 60s\n    kubectl: set image statefulset/web nginx=nginx:2\n  - at: 75s\n    kubectl: set image statefulset/web nginx=nginx\n",
        cluster("5m")
    );
    let sim = run("revert", &scenario, WEB_STS);
    let updated = sim
        .cluster
        .pods()
        .values()
        .filter(|p| p.spec.containers[0].image == "nginx:2")
        .count();
    assert!(updated > 0, "the rollout had begun before the revert");
    for n in ["web-0", "web-1", "web-2"] {
        let live = sim.cluster.pods().values().rfind(|p| p.name == n).unwrap();
        assert_eq!(live.spec.containers[0].image, "nginx", "{n}");
    }
}

// RollingUpdate with partition 1 updates web-2 then web-1 (reverse ordinal order) and
// leaves web-0 at the old revision; spec.ordinals.start shifts the names.
#[test]
fn rolling_update_with_partition_goes_in_reverse_ordinal_order() {
    let objects = WEB_STS.replace(
        "  replicas: 3\n",
        "  replicas: 3\n  updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 1}}\n",
    );
    let scenario = format!(
        "{}timeline:\n  - at: 60s\n    kubectl: set image statefulset/web nginx=nginx:2\n",
        cluster("3m")
    );
    let sim = run("partition", &scenario, &objects);
    let order: Vec<&str> = sim
        .cluster
        .pods()
        .values()
        .filter(|p| p.times.created.as_millis() >= 60_000)
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(order, vec!["web-2", "web-1"]);
    let live = |n: &str| {
        sim.cluster
            .pods()
            .values()
            .rfind(|p| p.name == n)
            .unwrap()
            .spec
            .containers[0]
            .image
            .clone()
    };
    assert_eq!(live("web-0"), "nginx");
    assert_eq!(live("web-2"), "nginx:2");

    let shifted = WEB_STS.replace("  replicas: 3\n", "  replicas: 2\n  ordinals: {start: 5}\n");
    let sim = run("ordinals", &cluster("1m"), &shifted);
    let names: Vec<&str> = sim
        .cluster
        .pods()
        .values()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, vec!["web-5", "web-6"]);
}

// A PVC naming an unknown StorageClass stays Pending with the provisioner's event, and
// its pod stays Pending with kube's FailedScheduling reason.
#[test]
fn pvc_with_unknown_storage_class_stays_pending() {
    let objects = "apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  storageClassName: gold
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: Pod
metadata: {name: db}
spec:
  containers: [{name: db, image: postgres}]
  volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]
";
    let sim = run("unknownclass", &cluster("1m"), objects);
    let failed = events(&sim, "ProvisioningFailed");
    assert_eq!(
        failed[0].message,
        "storageclass.storage.k8s.io \"gold\" not found"
    );
    assert_eq!(sim.cluster.pods()[0].phase, PodPhase::Pending);
    let sched = events(&sim, "FailedScheduling");
    assert!(
        sched[0]
            .message
            .contains("pod has unbound immediate PersistentVolumeClaims"),
        "{}",
        sched[0].message
    );
}

// A static PV with node affinity to node b pins the pod using its claim to node b
// (VolumeBinding), and an Immediate class with capacity only in zone-b provisions there
// and pins the pod to zone-b (VolumeZone).
#[test]
fn volume_node_affinity_and_zone_pin_the_pod() {
    let objects = "apiVersion: v1
kind: PersistentVolume
metadata: {name: local-b}
spec:
  capacity: {storage: 10Gi}
  accessModes: [ReadWriteOnce]
  storageClassName: local
  nodeAffinity:
    required:
      nodeSelectorTerms:
      - matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [b]}]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: local-claim}
spec:
  storageClassName: local
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 5Gi}}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: zonal
  annotations: {k8sim.io/zone-capacity: \"zone-b=5Gi\"}
provisioner: example.com/disk
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: zonal-claim}
spec:
  storageClassName: zonal
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 5Gi}}
---
apiVersion: v1
kind: Pod
metadata: {name: p-local}
spec:
  containers: [{name: c, image: busybox}]
  volumes: [{name: d, persistentVolumeClaim: {claimName: local-claim}}]
---
apiVersion: v1
kind: Pod
metadata: {name: p-zonal}
spec:
  containers: [{name: c, image: busybox}]
  volumes: [{name: d, persistentVolumeClaim: {claimName: zonal-claim}}]
";
    let scenario = cluster("1m").replace(
        "labels: {topology.kubernetes.io/zone: zone-b}",
        "labels: {topology.kubernetes.io/zone: zone-b, kubernetes.io/hostname: b}",
    );
    let sim = run("pin", &scenario, objects);
    for p in sim.cluster.pods().values() {
        assert_eq!(
            sim.cluster.nodes().names()[p.node.unwrap().ix()],
            "b",
            "{}",
            p.name
        );
    }
}

// Job: backoffLimit with exponential back-off (10 s, 20 s, ...) between retries; the Job
// fails with BackoffLimitExceeded once failures exceed the limit.
#[test]
fn job_retries_with_exponential_backoff_then_fails() {
    let objects = "apiVersion: batch/v1
kind: Job
metadata: {name: work}
spec:
  backoffLimit: 2
  template:
    metadata: {annotations: {k8sim.io/exit-codes: \"1\"}}
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox}]
";
    let sim = run("backoff", &job_cluster("10m"), objects);
    let pods = &sim.cluster.pods();
    assert_eq!(pods.len(), 3);
    // Each pod runs 1 s start + 30 s; the next is created 10 s, then 20 s after a failure.
    let gap = |i: usize| {
        pods[i]
            .times
            .created
            .millis_since(pods[i - 1].times.finished.unwrap())
    };
    assert_eq!(gap(1), 10_000);
    assert_eq!(gap(2), 20_000);
    let job = &sim.workloads.jobs[0];
    assert_eq!(job.finished.unwrap().1, JobOutcome::Failed);
    assert_eq!(events(&sim, "BackoffLimitExceeded").len(), 1);
}

// restartPolicy OnFailure restarts the container in place: one pod, restarts counted,
// and the Job succeeds on the third run.
#[test]
fn on_failure_restarts_in_place() {
    let objects = "apiVersion: batch/v1
kind: Job
metadata: {name: work}
spec:
  template:
    metadata: {annotations: {k8sim.io/exit-codes: \"1,1,0\"}}
    spec:
      restartPolicy: OnFailure
      containers: [{name: c, image: busybox}]
";
    let sim = run("onfailure", &job_cluster("10m"), objects);
    assert_eq!(sim.cluster.pods().len(), 1);
    assert_eq!(sim.cluster.pods()[0].restarts, 2);
    assert_eq!(sim.cluster.pods()[0].phase, PodPhase::Succeeded);
    assert_eq!(
        sim.workloads.jobs[0].finished.unwrap().1,
        JobOutcome::Complete
    );
}

// podFailurePolicy: exit code 42 matches FailJob; exit code 3 is Ignored and retried
// without counting against backoffLimit 0.
#[test]
fn pod_failure_policy_fail_job_and_ignore() {
    let objects = |codes: &str| {
        format!(
            "apiVersion: batch/v1
kind: Job
metadata: {{name: work}}
spec:
  backoffLimit: 0
  podFailurePolicy:
    rules:
    - action: FailJob
      onExitCodes: {{operator: In, values: [42]}}
    - action: Ignore
      onExitCodes: {{operator: In, values: [3]}}
  template:
    metadata: {{annotations: {{k8sim.io/exit-codes: \"{codes}\"}}}}
    spec:
      restartPolicy: Never
      containers: [{{name: c, image: busybox}}]
"
        )
    };
    let sim = run("pfp-fail", &job_cluster("5m"), &objects("42"));
    assert_eq!(
        sim.workloads.jobs[0].finished.unwrap().1,
        JobOutcome::Failed
    );
    let ev = events(&sim, "PodFailurePolicy");
    assert!(ev[0].message.contains("matching FailJob rule at index 0"));
    let sim = run("pfp-ignore", &job_cluster("5m"), &objects("3,0"));
    assert_eq!(sim.cluster.pods().len(), 2);
    assert_eq!(
        sim.workloads.jobs[0].finished.unwrap().1,
        JobOutcome::Complete
    );
}

// parallelism 0 is valid and runs nothing; completions < 0 is a load error.
#[test]
fn parallelism_zero_runs_nothing_and_negative_completions_is_an_error() {
    let job = |c: i32, p: i32| {
        format!(
            "apiVersion: batch/v1\nkind: Job\nmetadata: {{name: w}}\nspec:\n  completions: {c}\n  parallelism: {p}\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{{name: c, image: busybox}}]\n"
        )
    };
    let sim = run("par0", &cluster("1m"), &job(3, 0));
    assert!(sim.cluster.pods().is_empty());
    assert!(sim.workloads.jobs[0].finished.is_none());
    let dir = temp("negcompl");
    fs::write(dir.join("objects.yaml"), job(-1, 1)).unwrap();
    fs::write(
        dir.join("scenario.yaml"),
        format!("{}workloads:\n  - objects.yaml\n", cluster("1m")),
    )
    .unwrap();
    let err = load(&dir.join("scenario.yaml")).unwrap_err().to_string();
    assert!(err.contains("completions"), "{err}");
}

const PI: &str = "apiVersion: batch/v1
kind: CronJob
metadata: {name: pi}
spec:
  schedule: \"*/1 * * * *\"
  concurrencyPolicy: POLICY
  jobTemplate:
    spec:
      completions: 10
      parallelism: 5
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: pi, image: perl}]
";

fn pi(policy: &str, run_s: u32) -> Simulation {
    let scenario = job_cluster("5m").replace("work: 30s", &format!("pi: {run_s}s"));
    run(
        &format!("pi-{policy}-{run_s}"),
        &scenario,
        &PI.replace("POLICY", policy),
    )
}

// The seed's pi CronJob: at most 5 pods of a Job at once, 10 completions per Job, Job
// names <cronjob>-<minutes since the epoch>.
#[test]
fn pi_runs_ten_completions_five_at_a_time() {
    let sim = pi("Allow", 20);
    let jobs = &sim.workloads.jobs;
    assert_eq!(jobs.len(), 6); // t = 0, 1, 2, 3, 4, 5 min
    for j in jobs.iter().filter(|j| j.finished.is_some()) {
        assert_eq!(j.succeeded, 10);
        assert!(
            j.max_active <= 5,
            "{} ran {} pods at once",
            j.name,
            j.max_active
        );
        assert_eq!(j.pods_created, 10);
    }
    assert_eq!(jobs[1].name, "pi-1");
}

// Allow: a run longer than a minute overlaps the next; Forbid skips it ("Forbid skips a
// run while the previous Job is active"); Replace deletes the active Job.
#[test]
fn concurrency_policies_allow_forbid_replace() {
    // Two waves of 5 pods of ~50 s each: a Job takes ~102 s.
    let allow = pi("Allow", 50);
    let overlapping = allow
        .workloads
        .jobs
        .windows(2)
        .any(|w| w[0].finished.is_none_or(|(t, _)| t > w[1].start));
    assert!(overlapping);
    let forbid = pi("Forbid", 50);
    let runs = &forbid.workloads.cronjobs[0].runs;
    assert!(runs.iter().any(|r| r.outcome == RunOutcome::Skipped));
    assert!(!events(&forbid, "JobAlreadyActive").is_empty());
    let replace = pi("Replace", 50);
    let runs = &replace.workloads.cronjobs[0].runs;
    assert!(runs.iter().any(|r| r.outcome == RunOutcome::Replaced));
    assert!(replace.workloads.jobs.iter().filter(|j| j.deleted).count() >= 1);
}

// An invalid schedule or timeZone is a load-time error naming the field.
#[test]
fn invalid_schedule_or_time_zone_is_a_load_error() {
    for (bad, field) in [
        (
            "  schedule: \"*/1 * * * *\"\n  timeZone: Mars/Olympus\n",
            "timeZone",
        ),
        ("  schedule: \"61 * * * *\"\n", "schedule"),
    ] {
        let objects = PI
            .replace("POLICY", "Allow")
            .replace("  schedule: \"*/1 * * * *\"\n", bad);
        let dir = temp(&format!("badcron-{field}"));
        fs::write(dir.join("objects.yaml"), objects).unwrap();
        fs::write(
            dir.join("scenario.yaml"),
            format!("{}workloads:\n  - objects.yaml\n", cluster("1m")),
        )
        .unwrap();
        let err = load(&dir.join("scenario.yaml")).unwrap_err().to_string();
        assert!(err.contains(field), "{err}");
    }
}
