//! Issue 18 item 4: memory follows the live objects, not simulated time. The committed
//! `scenarios/cronjob-year.yaml` (a per-minute CronJob of ten 20-second pods on three
//! nodes, default history limits) is run for two simulated days: the pod table, the
//! CronJob's Job list and the Jobs' tallies hold only what is live or kept by the history
//! limit, every other pod is a compact record, and the results equal those of the plain
//! path that keeps every pod to the end.

use k8sim::engine::SimTime;
use k8sim::input::scenario::load;
use k8sim::output::run_files;
use k8sim::sim::Simulation;
use std::path::{Path, PathBuf};

const DAYS: u64 = 2;

fn simulation(keep_every_pod: bool) -> Simulation {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/cronjob-year.yaml");
    let mut sc = load(&path).unwrap_or_else(|e| panic!("{e}"));
    sc.limits.end_time = SimTime::from_secs(DAYS * 86_400);
    let mut sim = Simulation::new(&sc, sc.seed, &sc.scheduler).unwrap();
    if keep_every_pod {
        sim.keep_every_pod();
    }
    sim.run().unwrap();
    sim
}

fn write(sim: &mut Simulation, tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("k8sim-longrun-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let summary = sim.summary();
    run_files::write_all(&sim.take_record(summary), &dir).unwrap();
    dir
}

/// After two days (2 × 1,440 + 1 runs, from time zero to the end inclusive, × 10 pods =
/// 28,810 pods), the pod table holds the pods
/// of the Jobs the history keeps (successfulJobsHistoryLimit 3, plus the running one and
/// one being deleted: at most 5 Jobs × 10 pods), not every pod ever made.
#[test]
fn a_long_cronjob_run_keeps_only_live_objects() {
    let sim = simulation(false);
    let pods = &sim.cluster.pods();
    assert_eq!(
        pods.len(),
        28_810,
        "one Job of ten pods a minute for two days"
    );
    assert!(
        pods.retained() <= 50,
        "{} pods still in the table",
        pods.retained()
    );
    assert_eq!(sim.retired.records.len() + pods.retained(), pods.len());
    let cronjob = &sim.workloads.cronjobs[0];
    assert!(
        cronjob.jobs.len() <= 5,
        "the CronJob lists {} Jobs",
        cronjob.jobs.len()
    );
    assert_eq!(
        cronjob.runs.len(),
        2_881,
        "every run stays a cronjobs.csv row"
    );
    let counting = sim
        .workloads
        .jobs
        .iter()
        .filter(|j| !j.pods.is_empty())
        .count();
    assert!(counting <= 5, "{counting} Jobs still hold pods");
    assert!(sim.kubelets.status.len() <= 50);
}

/// Retiring pods changes no output: every file equals the plain path's byte for byte.
#[test]
fn retiring_pods_changes_no_output() {
    let retired = write(&mut simulation(false), "retired");
    let kept = write(&mut simulation(true), "kept");
    let mut names: Vec<_> = std::fs::read_dir(&kept)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert!(names.len() >= 10, "{names:?}");
    for name in names {
        let a = std::fs::read(retired.join(&name)).unwrap();
        let b = std::fs::read(kept.join(&name)).unwrap();
        assert!(a == b, "{name:?} differs between the two paths");
    }
    std::fs::remove_dir_all(retired).unwrap();
    std::fs::remove_dir_all(kept).unwrap();
}
