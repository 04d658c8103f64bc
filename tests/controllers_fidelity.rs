//! Controller fidelity against the Kubernetes source: cascading deletion through the garbage
//! collector, the liveness guard, CronJob Forbid catch-up, OnFailure Job back-off and
//! ProgressDeadlineExceeded after completion; each test cites the code it follows.

use k8sim::cluster::{Owner, PodPhase};
use k8sim::controllers::garbage_collector::present;
use k8sim::controllers::ControllerRef;
use k8sim::engine::SimTime;
use k8sim::input::scenario::load;
use k8sim::sim::Simulation;
use std::fs;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Writes the scenario and its manifests into a fresh temp dir and loads it.
fn build(tag: &str, scenario: &str, manifests: &[(&str, &str)]) -> Simulation {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir: PathBuf = std::env::temp_dir().join(format!(
        "k8sim-fidelity-{}-{tag}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    for (name, text) in manifests {
        fs::write(dir.join(name), text).unwrap();
    }
    fs::write(dir.join("scenario.yaml"), scenario).unwrap();
    let sc = load(&dir.join("scenario.yaml")).unwrap_or_else(|e| panic!("{e}"));
    Simulation::new(&sc, sc.seed, &sc.scheduler).unwrap()
}

fn run(tag: &str, scenario: &str, manifests: &[(&str, &str)]) -> Simulation {
    let mut sim = build(tag, scenario, manifests);
    sim.run()
        .unwrap_or_else(|e| panic!("{tag}: the run did not finish: {e}"));
    sim
}

fn event_times(sim: &Simulation, reason: &str) -> Vec<f64> {
    sim.recorder
        .events
        .iter()
        .filter(|e| e.reason == reason)
        .map(|e| e.time.as_secs_f64())
        .collect()
}

const OLD: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: old}
spec:
  replicas: 1
  selector: {matchLabels: {app: old}}
  template:
    metadata: {labels: {app: old}}
    spec:
      containers:
      - name: web
        image: nginx
        resources: {requests: {cpu: \"1\", memory: 1Gi}}
";

/// The reproducer: one node, a one-replica Deployment `old`, a delete at 60 s and
/// `limits.max_events: 100000`; `extra` adds timeline entries.
fn old_scenario(duration: &str, delete: &str, extra: &str) -> String {
    format!(
        "name: cascade
duration: {duration}
limits: {{max_events: 100000}}
metrics: {{sample_every: 1s}}
runtime: {{image_pull: 0s, container_start: 0s}}
cluster:
  nodes:
    - {{name: solo, allocatable: {{cpu: \"4\", memory: 16Gi}}}}
workloads: [old.yaml]
timeline:
  - at: 60s
    kubectl: {delete}
{extra}"
    )
}

/// The first sample time (s) at or after `from_s` with no CPU requested on the cluster.
fn first_idle_sample(sim: &Simulation, from_s: f64) -> Option<f64> {
    sim.recorder
        .samples
        .iter()
        .map(|s| (s.time.as_secs_f64(), s.cpu_allocated_ratio))
        .find(|(t, cpu)| *t >= from_s && *cpu == 0.0)
        .map(|(t, _)| t)
}

// Regression (issue 11 item 1): `kubectl delete deployment old` made the deleted Deployment
// and its ReplicaSet ask each other to sync forever at t = 60 s until max_events. kubectl
// deletes with background propagation (delete_flags.go parseCascadingFlag default); the
// garbage collector then deletes the ReplicaSet and the pod (garbagecollector.go
// attemptToDeleteItem), and the pod stays Terminating for its grace period (30 s default).
#[test]
fn deleting_a_deployment_cascades_in_the_background_instead_of_stalling() {
    let sim = run(
        "background",
        &old_scenario("3m", "delete deployment old", ""),
        &[("old.yaml", OLD)],
    );
    assert_eq!(sim.now(), SimTime::from_secs(180), "time reached the end");
    assert!(
        first_idle_sample(&sim, 1.0).is_some_and(|t| t > 60.0),
        "the pod ran until 60 s"
    );
    // A few hundred events at most: samples, scheduling, one pod's life.
    assert!(
        sim.engine.processed() < 2_000,
        "{} events",
        sim.engine.processed()
    );
    assert!(!present(&sim, ControllerRef::Deployment(0)));
    assert!(!present(&sim, ControllerRef::ReplicaSet(0)));
    assert_eq!(
        sim.cluster.pods().len(),
        1,
        "no replacement pod was created"
    );
    let pod = &sim.cluster.pods()[0];
    assert!(pod.deleting && pod.released);
    assert_eq!(pod.times.finished, Some(SimTime::from_secs(60)));
    assert_eq!(event_times(&sim, "Killing"), vec![60.0]);
    // Terminating pods hold their resources until the containers exit, at the latest
    // when the 30 s grace period ends.
    let idle = first_idle_sample(&sim, 60.0).expect("the node empties");
    assert!(idle > 60.0 && idle <= 90.0, "node emptied at {idle} s");
}

// `kubectl delete -f FILE` of a file holding the Deployment behaves the same.
#[test]
fn delete_f_of_a_deployment_file_cascades() {
    let sim = run(
        "delete-f",
        &old_scenario("2m", "delete -f old.yaml", ""),
        &[("old.yaml", OLD)],
    );
    assert!(!present(&sim, ControllerRef::Deployment(0)));
    assert!(sim
        .cluster
        .pods()
        .values()
        .all(|p| p.deleting && p.released));
    assert_eq!(sim.cluster.pods().len(), 1);
}

// --cascade=orphan (and the deprecated --cascade=false): the Deployment goes, its
// ReplicaSet loses the ownerReference and keeps managing its pod (garbagecollector.go
// orphanDependents), so a pod deleted later is replaced by the ReplicaSet.
#[test]
fn orphan_keeps_the_replicaset_and_its_pod_running() {
    for flag in ["--cascade=orphan", "--cascade=false"] {
        let sim = run(
            "orphan",
            &old_scenario("2m", &format!("delete deployment old {flag}"), ""),
            &[("old.yaml", OLD)],
        );
        assert!(!present(&sim, ControllerRef::Deployment(0)), "{flag}");
        assert!(present(&sim, ControllerRef::ReplicaSet(0)), "{flag}");
        let rs = &sim.workloads.replicasets[0];
        assert_eq!(rs.deployment, None, "{flag}: the ownerReference is gone");
        assert_eq!(sim.cluster.pods().len(), 1);
        let pod = &sim.cluster.pods()[0];
        assert!(
            pod.is_active() && pod.ready,
            "{flag}: the pod keeps running"
        );
        assert_eq!(pod.owner, Owner::ReplicaSet(0));
        assert!(event_times(&sim, "Killing").is_empty());
    }
}

// An orphaned ReplicaSet still reconciles: deleting its pod at 90 s makes it create one.
#[test]
fn an_orphaned_replicaset_still_replaces_its_pods() {
    // Pod names are random but fixed by the seed: a first run tells the name.
    let first = run(
        "orphan-rs",
        &old_scenario("2m", "delete deployment old --cascade=orphan", ""),
        &[("old.yaml", OLD)],
    );
    let name = first.cluster.pods()[0].name.clone();
    let sim = run(
        "orphan-rs-2",
        &old_scenario(
            "2m",
            "delete deployment old --cascade=orphan",
            &format!("  - at: 90s\n    kubectl: delete pod {name}\n"),
        ),
        &[("old.yaml", OLD)],
    );
    assert_eq!(
        sim.cluster.pods().len(),
        2,
        "the ReplicaSet replaced its pod"
    );
    assert!(sim.cluster.pods()[1].is_active());
    assert_eq!(sim.cluster.pods()[1].times.created, SimTime::from_secs(90));
}

// --cascade=foreground: the Deployment and its ReplicaSet stay (being deleted) until the
// pod is gone, then both go (garbagecollector.go processDeletingDependentsItem; a
// dependent with dependents of its own is deleted in the foreground too).
#[test]
fn foreground_keeps_the_owner_until_its_pods_are_gone() {
    let at = |duration: &str| {
        // Containers that take the whole 30 s grace period to exit on SIGTERM.
        let scenario = old_scenario(duration, "delete deployment old --cascade=foreground", "")
            .replace(
                "container_start: 0s}",
                "container_start: 0s, default_termination: 30s}",
            );
        run("foreground", &scenario, &[("old.yaml", OLD)])
    };
    let during = at("70s");
    assert!(present(&during, ControllerRef::Deployment(0)));
    assert!(present(&during, ControllerRef::ReplicaSet(0)));
    let pod = &during.cluster.pods()[0];
    assert!(pod.deleting && !pod.released, "the pod is Terminating");
    let after = at("2m");
    assert!(!present(&after, ControllerRef::Deployment(0)));
    assert!(!present(&after, ControllerRef::ReplicaSet(0)));
    assert!(after.cluster.pods()[0].released);
    assert_eq!(after.cluster.pods().len(), 1);
}

const EVERY_KIND: &str = "apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: rs}
spec:
  replicas: 2
  selector: {matchLabels: {app: rs}}
  template:
    metadata: {labels: {app: rs}}
    spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: v1
kind: ReplicationController
metadata: {name: rc}
spec:
  replicas: 1
  template:
    metadata: {labels: {app: rc}}
    spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 2
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: c, image: postgres}]}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: c, image: agent}]}
---
apiVersion: batch/v1
kind: Job
metadata: {name: batch}
spec:
  completions: 4
  parallelism: 2
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: tick}
spec:
  schedule: \"*/1 * * * *\"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: c, image: busybox}]
";

// Every owner kind cascades (ReplicaSet, ReplicationController, StatefulSet, DaemonSet,
// Job, CronJob -> Job -> pods): at 150 s all their pods are Terminating or gone, nothing
// new is created afterwards, and the run reaches its end.
#[test]
fn deleting_every_owner_kind_cascades_to_its_pods() {
    let mut timeline = String::new();
    for target in [
        "rs rs",
        "rc rc",
        "statefulset db",
        "daemonset agent",
        "job batch",
        "cronjob tick",
    ] {
        timeline.push_str(&format!("  - at: 150s\n    kubectl: delete {target}\n"));
    }
    let scenario = format!(
        "name: kinds
duration: 5m
limits: {{max_events: 100000}}
runtime: {{image_pull: 0s, container_start: 0s, run_duration: {{batch: 100s, tick: 100s}}}}
cluster:
  nodes:
    - {{name: a, allocatable: {{cpu: \"16\", memory: 64Gi}}}}
    - {{name: b, allocatable: {{cpu: \"16\", memory: 64Gi}}}}
workloads: [all.yaml]
timeline:
{timeline}"
    );
    let sim = run("kinds", &scenario, &[("all.yaml", EVERY_KIND)]);
    assert_eq!(sim.now(), SimTime::from_secs(300));
    let cutoff = SimTime::from_secs(150);
    let mut owners_seen = std::collections::BTreeSet::new();
    for p in sim.cluster.pods().values() {
        owners_seen.insert(
            format!("{:?}", p.owner)
                .split('(')
                .next()
                .unwrap()
                .to_string(),
        );
        assert!(
            p.times.created <= cutoff,
            "{} created after the delete",
            p.name
        );
        assert!(
            p.deleting || p.phase.is_terminal(),
            "{} survived its owner's deletion",
            p.name
        );
        assert!(
            p.released || p.node.is_none(),
            "{} still holds its node",
            p.name
        );
    }
    // A deleted Job's gone pods have retired from the pod table: their records remain.
    let retired = &sim.retired.records;
    assert!(!retired.is_empty(), "the deleted Jobs' pods retired");
    retired
        .try_for_each(|r| {
            assert!(r.created <= cutoff && r.finished.is_some(), "{}", r.name);
            owners_seen.insert(r.owner_kind.clone());
            Ok::<_, ()>(())
        })
        .unwrap();
    assert_eq!(
        owners_seen.into_iter().collect::<Vec<_>>(),
        ["DaemonSet", "Job", "ReplicaSet", "StatefulSet"]
    );
    // The CronJob's Jobs went with it; its schedule stopped.
    let cron_jobs: Vec<_> = sim
        .workloads
        .jobs
        .iter()
        .filter(|j| j.cronjob.is_some())
        .collect();
    assert_eq!(cron_jobs.len(), 3, "Jobs at 0, 60 and 120 s");
    assert!(cron_jobs.iter().all(|j| j.deleted));
    assert!(sim.workloads.gc.waiting.is_empty());
}

// A Job deleted with --cascade=orphan leaves its running pod alone, without an owner.
#[test]
fn an_orphaned_job_pod_keeps_running_without_an_owner() {
    let job = "apiVersion: batch/v1
kind: Job
metadata: {name: batch}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox}]
";
    let scenario = "name: orphanjob
duration: 3m
runtime: {image_pull: 0s, container_start: 0s, run_duration: {batch: 100s}}
cluster:
  nodes:
    - {name: a, allocatable: {cpu: \"4\", memory: 16Gi}}
workloads: [job.yaml]
timeline:
  - at: 30s
    kubectl: delete job batch --cascade=orphan
";
    let sim = run("orphanjob", scenario, &[("job.yaml", job)]);
    let pod = &sim.cluster.pods()[0];
    assert_eq!(pod.owner, Owner::None);
    assert!(!pod.deleting);
    assert_eq!(
        pod.phase,
        PodPhase::Succeeded,
        "it ran its 100 s to the end"
    );
    assert_eq!(pod.times.finished, Some(SimTime::from_secs(100)));
}

/// A 20-replica Deployment `web` starting at time zero with no delays, so that many events
/// (and several syncs of each controller) happen at t = 0; `limits` is a scenario line.
fn burst_scenario(limits: &str) -> String {
    burst_scenario_sampled(limits, "1s")
}

/// The burst scenario with samples every `every` (a run is refused before it starts when
/// its samples alone pass `limits.max_events`).
fn burst_scenario_sampled(limits: &str, every: &str) -> String {
    format!(
        "name: burst
seed: 42
duration: 10m
{limits}
metrics: {{sample_every: {every}}}
runtime: {{image_pull: 0s, container_start: 0s}}
cluster:
  nodes:
    - {{name: a, allocatable: {{cpu: \"64\", memory: 64Gi, pods: 110}}}}
workloads: [web.yaml]
"
    )
}

const WEB: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 20
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
";

// The liveness guard, triggered on purpose by tightening its ceilings: at t = 0 the
// Deployment syncs, creates its ReplicaSet, whose sync asks the Deployment again; with at
// most one sync per object per instant that second sync stops the run with a message
// naming the object, the time, the seed and the command to reproduce it.
#[test]
fn the_liveness_guard_names_the_object_re_synced_at_one_instant() {
    let mut sim = build("guard-sync", &burst_scenario(""), &[("web.yaml", WEB)]);
    sim.liveness.limits.max_syncs_per_instant = 1;
    sim.liveness.limits.syncs_per_pod = 0;
    let err = sim.run().expect_err("the guard stops the run").to_string();
    assert!(
        err.starts_with("no progress: Deployment default/web re-synced 2 times at t = 0.000 s"),
        "{err}"
    );
    assert!(err.contains("seed 42"), "{err}");
    assert!(
        err.contains("reproduce with: k8sim run ") && err.contains("--seed 42 --scheduler default"),
        "{err}"
    );
}

// The other ceiling: too many events at one instant names the event kinds.
#[test]
fn the_liveness_guard_stops_too_many_events_at_one_instant() {
    let mut sim = build("guard-events", &burst_scenario(""), &[("web.yaml", WEB)]);
    sim.liveness.limits.max_events_per_instant = 50;
    let err = sim.run().expect_err("the guard stops the run").to_string();
    assert!(
        err.starts_with("no progress: 51 events at t = 0.000 s without time advancing (last: "),
        "{err}"
    );
    assert!(err.contains(", mostly "), "{err}");
    // Healthy runs stay far below the default ceilings.
    let sim = run("guard-default", &burst_scenario(""), &[("web.yaml", WEB)]);
    assert_eq!(sim.now(), SimTime::from_secs(600));
}

// limits.max_events says how far simulated time got and whether it was still advancing
// (issue 18 item 5).
#[test]
fn the_event_limit_message_says_whether_time_was_advancing() {
    let mut stuck = build(
        "limit-stuck",
        &burst_scenario_sampled("limits: {max_events: 60}", "1m"),
        &[("web.yaml", WEB)],
    );
    let err = stuck.run().expect_err("event limit").to_string();
    assert!(
        err.starts_with("event limit reached: 60 events processed before the end time (no progress: 60 events at t = 0.000 s, mostly "),
        "{err}"
    );
    assert!(err.contains("reproduce with: k8sim run "), "{err}");
    // One sample every two seconds after the burst: time advances until the limit.
    let mut moving = build(
        "limit-moving",
        &burst_scenario_sampled("limits: {max_events: 400}", "2s"),
        &[("web.yaml", WEB)],
    );
    let err = moving.run().expect_err("event limit").to_string();
    assert!(err.contains("(time still advancing: t = "), "{err}");
    assert!(moving.now() > SimTime::from_secs(60), "{err}");
}

// Regression (issue 11 item 6): a Deployment whose rollout completed reported
// ProgressDeadlineExceeded when a node failure made its pods unready. progress.go
// syncRolloutStatus skips the check once the rollout is complete (isCompleteDeployment:
// Replicas == UpdatedReplicas and reason NewReplicaSetAvailable). A Deployment that never
// completes (`stuck`, requests no node fits) still times out.
#[test]
fn a_completed_deployment_does_not_time_out_after_a_node_failure() {
    let manifests = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  progressDeadlineSeconds: 60
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx, resources: {requests: {cpu: \"3\"}}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: stuck}
spec:
  replicas: 1
  progressDeadlineSeconds: 60
  selector: {matchLabels: {app: stuck}}
  template:
    metadata: {labels: {app: stuck}}
    spec:
      containers: [{name: big, image: nginx, resources: {requests: {cpu: \"100\"}}}]
";
    let scenario = "name: deadline
duration: 15m
runtime: {image_pull: 0s, container_start: 0s}
cluster:
  nodes:
    - {name: a, allocatable: {cpu: \"4\", memory: 16Gi}}
    - {name: b, allocatable: {cpu: \"4\", memory: 16Gi}}
    - {name: c, allocatable: {cpu: \"4\", memory: 16Gi}}
workloads: [web.yaml]
timeline:
  - at: 2m
    node: {fail: a}
  - at: 2m
    node: {fail: b}
";
    let sim = run("deadline", scenario, &[("web.yaml", manifests)]);
    let exceeded: Vec<&str> = sim
        .recorder
        .events
        .iter()
        .filter(|e| e.reason == "ProgressDeadlineExceeded")
        .map(|e| e.object.as_str())
        .collect();
    assert_eq!(exceeded, ["stuck"]);
    // The failure did cost web its pods on a and b: replacements were created.
    assert!(
        sim.cluster
            .pods()
            .values()
            .filter(|p| p.workload == "web")
            .count()
            > 2
    );
}

// Regression (issue 11 item 4): with concurrencyPolicy Forbid a schedule skipped while a
// Job is active stays unmet (status.lastScheduleTime is not updated), and the active Job's
// completion syncs the CronJob, which starts the most recent unmet time at once
// (cronjob_controllerv2.go syncCronJob, mostRecentScheduleTime). With a `*/1` schedule and
// 70 s runs (+1 s container start) each Job starts when the previous one ends: at
// k * 71 s for k = 0..=50 (50 * 71 = 3550 s < 3600 s), so 51 Jobs in the hour, for the
// scheduled times floor(71 k / 60) minutes. Kubernetes gives "about 50 an hour".
#[test]
fn forbid_starts_the_skipped_schedule_when_the_active_job_ends() {
    let cronjob = "apiVersion: batch/v1
kind: CronJob
metadata: {name: pi}
spec:
  schedule: \"*/1 * * * *\"
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: pi, image: perl}]
";
    // Starts at the Unix epoch: Job names are `pi-<minutes since the epoch>`.
    let scenario = "name: forbid
start: 1970-01-01T00:00:00Z
duration: 1h
runtime: {image_pull: 0s, container_start: 1s, run_duration: {pi: 70s}}
cluster:
  nodes:
    - {name: a, allocatable: {cpu: \"4\", memory: 16Gi}}
workloads: [pi.yaml]
";
    let sim = run("forbid", scenario, &[("pi.yaml", cronjob)]);
    let jobs = &sim.workloads.jobs;
    assert_eq!(jobs.len(), 51);
    for (k, j) in jobs.iter().enumerate() {
        let k = k as u64;
        assert_eq!(j.start, SimTime::from_secs(71 * k), "{}", j.name);
        assert_eq!(
            j.name,
            format!("pi-{}", 71 * k / 60),
            "named after its schedule"
        );
    }
    // cronjobs.csv: one row per scheduled minute 0..=60, never repeated; a minute whose
    // Job started late is Started with its real start, superseded minutes stay Skipped.
    let runs = &sim.workloads.cronjobs[0].runs;
    let minutes: Vec<u64> = runs
        .iter()
        .map(|r| r.scheduled.as_millis() / 60_000)
        .collect();
    assert_eq!(minutes, (0..=60).collect::<Vec<u64>>());
    let started = runs.iter().filter(|r| r.started.is_some()).count();
    assert_eq!(started, 51);
    assert!(runs
        .iter()
        .all(|r| r.started.is_some()
            || r.outcome == k8sim::controllers::cronjob::RunOutcome::Skipped));
    assert_eq!(
        runs[1].started,
        Some(SimTime::from_secs(71)),
        "minute 1 ran at 71 s"
    );
    // `kubectl get cronjobs` LAST SCHEDULE is status.lastScheduleTime (printers.go
    // printCronJob), the scheduled time the controller last started (syncCronJob sets it
    // to the scheduled time, not the Job's start): the last Job started at 50 * 71 =
    // 3550 s for minute 59, so at 3600 s it shows 3600 - 3540 = 60 s, not 50 s.
    let req = k8sim::kubectl::parse(&["get".to_string(), "cronjobs".to_string()]).unwrap();
    let out = k8sim::kubectl::render(&sim, &req).unwrap();
    let header = out.lines().next().unwrap();
    let column = header
        .find("LAST SCHEDULE")
        .expect("a LAST SCHEDULE column");
    let row = out
        .lines()
        .find(|l| l.starts_with("pi "))
        .expect("a row for pi");
    let last_schedule = row[column..].split_whitespace().next();
    assert_eq!(last_schedule, Some("60s"), "{out}");
}

// Regression (issue 11 item 5): restartPolicy OnFailure restarts count when the kubelet
// starts the container again after its CrashLoopBackOff (10 s doubling, 5 min cap), and
// job_controller.go pastBackoffLimitOnFailure fails the Job once the restarts reach
// backoffLimit. With 1 s container start and 5 s runs the k-th restart happens at
// 6 k + (10 + 20 + ... ) s: 16, 42, 88, 174, 340 and 646 s (the 6th back-off is capped at
// 300 s), so backoffLimit 6 fails the Job at 646 s (Kubernetes: about 641 s, its restarts
// start faster than k8sim's 1 s container start).
#[test]
fn on_failure_restarts_count_after_the_back_off_and_fail_the_job_at_646s() {
    let job = "apiVersion: batch/v1
kind: Job
metadata: {name: work}
spec:
  backoffLimit: 6
  template:
    metadata: {annotations: {k8sim.io/exit-codes: \"1\"}}
    spec:
      restartPolicy: OnFailure
      containers: [{name: c, image: busybox}]
";
    let scenario = "name: onfailure
duration: 20m
runtime: {image_pull: 0s, container_start: 1s, run_duration: {work: 5s}}
cluster:
  nodes:
    - {name: a, allocatable: {cpu: \"4\", memory: 16Gi}}
workloads: [job.yaml]
";
    let sim = run("onfailure-limit", scenario, &[("job.yaml", job)]);
    let j = &sim.workloads.jobs[0];
    let (at, outcome) = j.finished.expect("the Job finished");
    assert_eq!(outcome, k8sim::controllers::job::JobOutcome::Failed);
    assert_eq!(at, SimTime::from_secs(646));
    assert_eq!(event_times(&sim, "BackoffLimitExceeded"), vec![646.0]);
    assert_eq!(sim.cluster.pods().len(), 1);
    assert_eq!(sim.cluster.pods()[0].restarts, 6);
    // The crashes come 5 s after each start: 6, 22, 48, 94, 180, 346 s (BackOff events).
    assert_eq!(
        event_times(&sim, "BackOff"),
        vec![6.0, 22.0, 48.0, 94.0, 180.0, 346.0]
    );
    // `kubectl get jobs` shows it Failed (printers.go printJob), not Running.
    let req = k8sim::kubectl::parse(&["get".to_string(), "jobs".to_string()]).unwrap();
    let out = k8sim::kubectl::render(&sim, &req).unwrap();
    let row = out
        .lines()
        .find(|l| l.starts_with("work "))
        .expect("a row for work");
    assert!(row.contains(" Failed "), "{out}");
}

// restartPolicy Never: the delay before a replacement pod doubles from 10 s and is capped
// at MaxJobPodFailureBackOff, 10 minutes (job_controller.go), not 6 minutes: with
// backoffLimit 7 the gaps are 10, 20, 40, 80, 160, 320 and 600 s (640 capped).
#[test]
fn never_pod_failure_back_off_is_capped_at_ten_minutes() {
    let job = "apiVersion: batch/v1
kind: Job
metadata: {name: work}
spec:
  backoffLimit: 7
  template:
    metadata: {annotations: {k8sim.io/exit-codes: \"1\"}}
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox}]
";
    let scenario = "name: never
duration: 30m
runtime: {image_pull: 0s, container_start: 1s, run_duration: {work: 5s}}
cluster:
  nodes:
    - {name: a, allocatable: {cpu: \"4\", memory: 16Gi}}
workloads: [job.yaml]
";
    let sim = run("never-cap", scenario, &[("job.yaml", job)]);
    let pods: Vec<_> = sim.cluster.pods().values().collect();
    assert_eq!(pods.len(), 8);
    let gaps: Vec<u64> = pods
        .windows(2)
        .map(|w| {
            w[1].times
                .created
                .millis_since(w[0].times.finished.unwrap())
                / 1000
        })
        .collect();
    assert_eq!(gaps, [10, 20, 40, 80, 160, 320, 600]);
    let (_, outcome) = sim.workloads.jobs[0].finished.expect("failed");
    assert_eq!(outcome, k8sim::controllers::job::JobOutcome::Failed);
}

// Regression (issue 11 item 7): MissSchedule names the missed time in RFC1123Z, in UTC
// (cronjob_controllerv2.go syncCronJob: "Missed scheduled time to start a job: %s",
// scheduledTime.UTC().Format(time.RFC1123Z)). Forbid with 90 s runs: the 00:01:00
// schedule is skipped while the first Job runs (0 s to 91 s) and, with
// startingDeadlineSeconds 10, is 31 s too late when that Job ends.
#[test]
fn miss_schedule_names_the_missed_time_in_rfc1123z_utc() {
    let cronjob = "apiVersion: batch/v1
kind: CronJob
metadata: {name: late}
spec:
  schedule: \"*/1 * * * *\"
  concurrencyPolicy: Forbid
  startingDeadlineSeconds: 10
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: late, image: perl}]
";
    let scenario = "name: miss
start: 2026-01-01T00:00:00Z
duration: 100s
runtime: {image_pull: 0s, container_start: 1s, run_duration: {late: 90s}}
cluster:
  nodes:
    - {name: a, allocatable: {cpu: \"4\", memory: 16Gi}}
workloads: [late.yaml]
";
    let sim = run("miss", scenario, &[("late.yaml", cronjob)]);
    let missed: Vec<&str> = sim
        .recorder
        .events
        .iter()
        .filter(|e| e.reason == "MissSchedule")
        .map(|e| e.message.as_str())
        .collect();
    assert_eq!(
        missed,
        ["Missed scheduled time to start a job: Thu, 01 Jan 2026 00:01:00 +0000"]
    );
}
