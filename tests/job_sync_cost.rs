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
