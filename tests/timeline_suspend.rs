//! Timeline `kubectl patch cronjob NAME -p '{"spec":{"suspend":true|false}}'`: a suspended
//! CronJob starts no Jobs; on resume the CronJob controller (cronjob_controllerv2.go
//! syncCronJob) starts only the most recent missed schedule, and only within
//! startingDeadlineSeconds; an unsupported patch field is a load-time error.

use k8sim::controllers::cronjob::RunOutcome;
use k8sim::input::scenario::load;
use k8sim::sim::Simulation;
use std::fs;
use std::path::PathBuf;

const MIN: u64 = 60_000;

const CRON: &str = "apiVersion: batch/v1
kind: CronJob
metadata: {name: tick}
spec:
  schedule: \"*/1 * * * *\"
DEADLINE  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: tick, image: busybox}]
";

fn scenario_path(tag: &str, timeline: &str, deadline: Option<u32>) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("k8sim-suspend-{}-{tag}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    let deadline = deadline
        .map(|d| format!("  startingDeadlineSeconds: {d}\n"))
        .unwrap_or_default();
    fs::write(dir.join("cron.yaml"), CRON.replace("DEADLINE", &deadline)).unwrap();
    let scenario = format!(
        "name: {tag}\nseed: 1\nduration: 15m\nworkloads: [cron.yaml]\ncluster:\n  nodes:\n    - {{name: a, allocatable: {{cpu: \"8\", memory: 32Gi, pods: 110}}}}\nruntime:\n  image_pull: 0s\n  container_start: 1s\n  run_duration:\n    tick: 10s\ntimeline:\n{timeline}"
    );
    let path = dir.join("scenario.yaml");
    fs::write(&path, scenario).unwrap();
    path
}

fn run(tag: &str, timeline: &str, deadline: Option<u32>) -> Simulation {
    let path = scenario_path(tag, timeline, deadline);
    let sc = load(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut sim = Simulation::new(&sc, sc.seed, &sc.scheduler).unwrap();
    sim.run().unwrap();
    sim
}

/// (scheduled, started) in ms of every run of the CronJob that created a Job.
fn started(sim: &Simulation) -> Vec<(u64, u64)> {
    sim.workloads.cronjobs[0]
        .runs
        .iter()
        .filter(|r| r.job.is_some())
        .map(|r| (r.scheduled.as_millis(), r.started.unwrap().as_millis()))
        .collect()
}

#[test]
fn suspended_from_5m_to_10m_creates_no_jobs_in_between_and_resumes() {
    let sim = run(
        "pause",
        "  - at: 5m\n    kubectl: kubectl patch cronjob tick -p '{\"spec\":{\"suspend\":true}}'\n  - at: 10m\n    kubectl: patch cj/tick --type=merge -p '{\"spec\":{\"suspend\":false}}'\n",
        None,
    );
    let runs = started(&sim);
    assert!(
        runs.iter().all(|(s, _)| *s < 5 * MIN || *s >= 10 * MIN),
        "a Job was scheduled while suspended: {runs:?}"
    );
    // Before the suspend: one Job a minute.
    for m in 0..5 {
        assert!(
            runs.iter().any(|(s, _)| *s == m * MIN),
            "no Job at {m}m: {runs:?}"
        );
    }
    // After the resume: one Job a minute again, each started on time.
    for m in 10..=15 {
        assert!(
            runs.contains(&(m * MIN, m * MIN)),
            "no Job at {m}m: {runs:?}"
        );
    }
    // The schedules at 5m..9m were missed, not run late (a timeline entry applies before
    // a schedule tick of the same instant, so the 5m schedule finds the CronJob suspended).
    let missed: Vec<u64> = sim.workloads.cronjobs[0]
        .runs
        .iter()
        .filter(|r| r.outcome == RunOutcome::Missed)
        .map(|r| r.scheduled.as_millis() / MIN)
        .collect();
    assert_eq!(missed, vec![5, 6, 7, 8, 9]);
    assert!(!sim.workloads.cronjobs[0].spec.suspend);
}

/// "When .spec.suspend changes from true to false on an existing CronJob without a starting
/// deadline, the missed jobs are scheduled immediately": the controller starts the most
/// recent missed schedule (9m) at the resume (9m30s); the earlier ones stay missed.
#[test]
fn resume_starts_the_most_recent_missed_schedule_at_once() {
    let sim = run(
        "late",
        "  - at: 5m\n    kubectl: patch cronjob tick -p '{\"spec\":{\"suspend\":true}}'\n  - at: 570s\n    kubectl: patch cronjob tick --type=strategic -p '{\"spec\":{\"suspend\":false}}'\n",
        None,
    );
    let runs = started(&sim);
    assert!(runs.contains(&(9 * MIN, 9 * MIN + 30_000)), "{runs:?}");
    assert!(
        runs.iter().all(|(s, _)| *s <= 5 * MIN || *s >= 9 * MIN),
        "{runs:?}"
    );
}

/// With startingDeadlineSeconds 20, the 9m schedule is 30 s old at the resume: too late,
/// so it is missed (MissSchedule event) and the next Job is the one of 10m.
#[test]
fn resume_past_the_starting_deadline_waits_for_the_next_schedule() {
    let sim = run(
        "deadline",
        "  - at: 5m\n    kubectl: patch cronjob tick -p '{\"spec\":{\"suspend\":true}}'\n  - at: 570s\n    kubectl: patch cronjob tick -p '{\"spec\":{\"suspend\":false}}'\n",
        Some(20),
    );
    let runs = started(&sim);
    assert!(
        runs.iter().all(|(s, _)| *s <= 5 * MIN || *s >= 10 * MIN),
        "{runs:?}"
    );
    assert!(runs.contains(&(10 * MIN, 10 * MIN)), "{runs:?}");
    assert!(sim
        .recorder
        .events
        .iter()
        .any(|e| e.reason == "MissSchedule" && e.time.as_millis() == 9 * MIN + 30_000));
}

#[test]
fn unsupported_cronjob_patch_field_is_a_load_error_naming_the_entry() {
    for (patch, needle) in [
        (r#"{"spec":{"schedule":"*/5 * * * *"}}"#, "spec.schedule"),
        (r#"{"spec":{"replicas":2}}"#, "only spec.suspend"),
        (r#"{"spec":{"suspend":"yes"}}"#, "spec.suspend"),
    ] {
        let path = scenario_path(
            "bad",
            &format!("  - at: 1m\n    kubectl: kubectl patch cronjob tick -p '{patch}'\n"),
            None,
        );
        let e = load(&path)
            .expect_err("the scenario should not load")
            .to_string();
        assert!(e.contains("timeline[0].kubectl"), "{e}");
        assert!(e.contains(needle), "{e}");
    }
}
