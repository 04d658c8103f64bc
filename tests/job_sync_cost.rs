//! Issue 18 item 4: a Job sync costs O(open pods), not O(completions). A Job with
//! `completions: 100000` and `parallelism: 50` keeps at most `parallelism` pods open, sizes
//! no per-index table unless Indexed, and its incremental totals equal a recount of its pods.

use k8sim::cluster::PodPhase;
use k8sim::input::scenario::load;
use k8sim::sim::Simulation;
use std::fs;

fn run(tag: &str, mode: &str, exit_codes: &str) -> Simulation {
    let dir = std::env::temp_dir().join(format!("k8sim-jobcost-{}-{tag}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    let job = format!(
        "apiVersion: batch/v1\nkind: Job\nmetadata: {{name: big}}\nspec:\n  completionMode: {mode}\n  completions: 100000\n  parallelism: 50\n  backoffLimit: 1000000\n  template:\n    metadata:\n      annotations: {{k8sim.io/exit-codes: \"{exit_codes}\"}}\n    spec:\n      restartPolicy: Never\n      containers: [{{name: w, image: busybox, resources: {{requests: {{cpu: 10m}}}}}}]\n"
    );
    fs::write(dir.join("job.yaml"), job).unwrap();
    fs::write(
        dir.join("s.yaml"),
        "name: jobcost\nseed: 1\nduration: 5m\nworkloads: [job.yaml]\ncluster:\n  nodes:\n    - {name: a, count: 2, allocatable: {cpu: \"8\", memory: 32Gi, pods: 110}}\nruntime:\n  image_pull: 0s\n  container_start: 1s\n  run_duration:\n    big: 5s\n",
    )
    .unwrap();
    let sc = load(&dir.join("s.yaml")).unwrap_or_else(|e| panic!("{e}"));
    let mut sim = Simulation::new(&sc, sc.seed, &sc.scheduler).unwrap();
    sim.run().unwrap();
    fs::remove_dir_all(&dir).unwrap();
    sim
}

/// Succeeded and failed pods of Job 0, counted the old way: over every pod.
fn recount(sim: &Simulation) -> (i32, i32) {
    let job = &sim.workloads.jobs[0];
    let count = |phase| {
        job.pods
            .iter()
            .filter(|p| sim.cluster.pods()[p.ix()].phase == phase)
            .count() as i32
    };
    (count(PodPhase::Succeeded), count(PodPhase::Failed))
}

#[test]
fn a_100000_completion_job_keeps_only_its_active_pods_open() {
    // One failure in four, so folding failures and the back-off are exercised too.
    let sim = run("nonindexed", "NonIndexed", "0,0,1,0");
    let job = &sim.workloads.jobs[0];
    assert!(job.pods.len() > 1000, "{} pods created", job.pods.len());
    assert!(
        job.tally().open.len() <= 50,
        "{} open",
        job.tally().open.len()
    );
    assert!(
        job.tally().done.is_empty(),
        "no per-index table for NonIndexed"
    );
    let (succeeded, failed) = recount(&sim);
    assert_eq!((job.succeeded, job.failed), (succeeded, failed));
    assert!(failed > 0);
}

#[test]
fn an_indexed_100000_completion_job_picks_indexes_without_scanning() {
    let sim = run("indexed", "Indexed", "0,1,0,0,0");
    let job = &sim.workloads.jobs[0];
    assert!(
        job.tally().open.len() <= 50,
        "{} open",
        job.tally().open.len()
    );
    let (succeeded, failed) = recount(&sim);
    assert_eq!((job.succeeded, job.failed), (succeeded, failed));
    // Failed indexes were retried: every index below the first never used has a
    // succeeded pod, or is open, or waits in the retry set.
    let mut covered = vec![false; job.tally().next_fresh as usize];
    for p in &job.pods {
        let pod = &sim.cluster.pods()[p.ix()];
        let i = pod.index.unwrap() as usize;
        if pod.phase == PodPhase::Succeeded || pod.is_active() {
            covered[i] = true;
        }
    }
    for i in &job.tally().retry {
        covered[*i as usize] = true;
    }
    assert!(covered.iter().all(|c| *c), "an index was lost");
    assert_eq!(
        job.tally().done_count,
        job.tally().done.iter().filter(|d| **d).count()
    );
}

/// The incremental count (a sync folds only the pods noted as changed) misses nothing:
/// under `--check` every event is followed by the invariant "a Job's ended or deleted open
/// pods are noted for its next sync", across failures with back-off, OnFailure restarts
/// (counted against the Job), podFailurePolicy with backoffLimitPerIndex, and a deadline
/// that deletes active pods; checking changes no result, and every feature took effect.
#[test]
fn the_incremental_job_count_sees_every_pod_change() {
    let dir = std::env::temp_dir().join(format!("k8sim-jobcheck-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    let job = |name: &str, extra: &str, restart: &str, codes: &str| {
        format!(
            "apiVersion: batch/v1\nkind: Job\nmetadata: {{name: {name}}}\nspec:\n  completions: 40\n  parallelism: 6\n{extra}  template:\n    metadata:\n      annotations: {{k8sim.io/exit-codes: \"{codes}\"}}\n    spec:\n      restartPolicy: {restart}\n      containers: [{{name: w, image: busybox, resources: {{requests: {{cpu: 100m}}}}}}]\n---\n"
        )
    };
    let manifests = [
        job("retry", "  backoffLimit: 100\n", "Never", "0,1,0,0"),
        job("restarts", "  backoffLimit: 100\n", "OnFailure", "1,0,0"),
        job(
            "indexed",
            "  completionMode: Indexed\n  backoffLimitPerIndex: 1\n  podFailurePolicy:\n    rules:\n    - action: FailIndex\n      onExitCodes: {operator: In, values: [3]}\n",
            "Never",
            "0,1,0,3,0",
        ),
        job("deadline", "  activeDeadlineSeconds: 45\n", "Never", "0"),
    ]
    .concat();
    fs::write(dir.join("jobs.yaml"), manifests).unwrap();
    fs::write(
        dir.join("s.yaml"),
        "name: jobcheck\nseed: 3\nduration: 20m\nworkloads: [jobs.yaml]\ncluster:\n  nodes:\n    - {name: a, count: 2, allocatable: {cpu: \"2\", memory: 8Gi, pods: 110}}\nruntime:\n  image_pull: 0s\n  container_start: 1s\n  run_duration:\n    retry: 5s\n    restarts: 7s\n    indexed: 4s\n    deadline: 20s\n",
    )
    .unwrap();
    let simulation = |check: bool| {
        let mut sc = load(&dir.join("s.yaml")).unwrap_or_else(|e| panic!("{e}"));
        sc.check_invariants = check;
        let mut sim = Simulation::new(&sc, sc.seed, &sc.scheduler).unwrap();
        sim.run().unwrap_or_else(|e| panic!("{e}"));
        sim
    };
    let checked = simulation(true);
    let plain = simulation(false);
    fs::remove_dir_all(&dir).unwrap();
    assert_eq!(checked.summary(), plain.summary());
    assert_eq!(checked.recorder.events, plain.recorder.events);
    let jobs = &checked.workloads.jobs;
    // Every feature above happened: failures counted, restarts counted as failures
    // (OnFailure), an index failed by the rule, the deadline ended a Job.
    assert!(
        jobs[0].failed > 0 && jobs[0].succeeded == 40,
        "{:?}",
        (jobs[0].failed, jobs[0].succeeded)
    );
    assert!(jobs[1].failed > 0, "OnFailure restarts count as failures");
    assert!(
        !jobs[2].tally().failed_by_rule.is_empty(),
        "FailIndex matched"
    );
    assert!(jobs[3]
        .finished
        .is_some_and(|(_, o)| o == k8sim::controllers::job::JobOutcome::Failed));
}
