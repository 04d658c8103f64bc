//! `k8sim compare` and run outputs: a snapshot of the seed run's CSVs, determinism across repeated runs
//! and rayon thread counts, comparison aggregation, seed parsing, the progress bar.

#[allow(dead_code)]
mod common;

use k8sim::cli::compare::{compare_scenario, parse_seeds};
use k8sim::cli::progress::Progress;
use k8sim::cli::run::run_scenario;
use k8sim::input::scenario;
use k8sim::output::results_dir::read_comparison;
use std::path::PathBuf;
use std::time::Duration;

fn temp(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("k8sim-compare-{}-{tag}", std::process::id()));
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The committed snapshot of the seed run's CSVs: every file's header and first rows.
const SNAPSHOT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/snapshots/seed-42-csv-heads.txt"
);

/// Data rows of each CSV kept in the snapshot.
const SNAPSHOT_ROWS: usize = 3;

/// The output contract (docs/metrics.md): the column names and the first rows of every CSV
/// of `k8sim run --seed 42` on the built-in scenario match tests/snapshots/. A change must
/// be deliberate: review the diff, then rewrite the file with
/// `K8SIM_UPDATE_SNAPSHOTS=1 cargo test --test compare_runs seed_run_csv_snapshot`.
#[test]
fn seed_run_csv_snapshot() {
    let out = temp("snapshot");
    let sc = scenario::load_builtin().unwrap();
    let (_, dir) = run_scenario(&sc, 42, "default", &out).unwrap();
    let mut actual = String::new();
    for (name, bytes) in common::files(&dir)
        .iter()
        .filter(|(n, _)| n.ends_with(".csv"))
    {
        actual.push_str(&format!("== {name}\n"));
        for line in String::from_utf8_lossy(bytes)
            .lines()
            .take(1 + SNAPSHOT_ROWS)
        {
            actual.push_str(line);
            actual.push('\n');
        }
    }
    std::fs::remove_dir_all(&out).unwrap();
    if std::env::var("K8SIM_UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
        std::fs::write(SNAPSHOT, &actual).unwrap();
        return;
    }
    let expected =
        std::fs::read_to_string(SNAPSHOT).unwrap_or_else(|e| panic!("cannot read {SNAPSHOT}: {e}"));
    if let Some((i, (want, got))) = expected
        .lines()
        .zip(actual.lines())
        .enumerate()
        .find(|(_, (a, b))| a != b)
    {
        panic!(
            "seed run CSVs differ from {SNAPSHOT} at line {}:\n  expected: {want}\n  actual:   {got}\n\
             if the change is intended, rerun with K8SIM_UPDATE_SNAPSHOTS=1",
            i + 1
        );
    }
    assert_eq!(
        expected.lines().count(),
        actual.lines().count(),
        "seed run CSVs differ from {SNAPSHOT} in length (files added or removed); \
         if the change is intended, rerun with K8SIM_UPDATE_SNAPSHOTS=1"
    );
}

/// The seed scenario run twice gives byte-identical folders (reproduce with
/// `k8sim run --seed 42`).
#[test]
fn seed_run_is_byte_identical() {
    let sc = scenario::load_builtin().unwrap();
    let (a, b) = (temp("twice-a"), temp("twice-b"));
    let (_, da) = run_scenario(&sc, 42, "default", &a).unwrap();
    let (_, db) = run_scenario(&sc, 42, "default", &b).unwrap();
    let (fa, fb) = (common::files(&da), common::files(&db));
    assert!(fa.contains_key("report.html") && fa.contains_key("summary.csv"));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (k, v) in &fa {
        assert!(v == &fb[k], "{k} differs between two runs of seed 42");
    }
    std::fs::remove_dir_all(&a).unwrap();
    std::fs::remove_dir_all(&b).unwrap();
}

/// A comparison on 1 and on 2 worker threads writes the same bytes; comparison.csv has one
/// row per scheduler in the order asked, with mean and sample std over the seeds.
#[test]
fn comparison_is_identical_on_one_and_two_threads() {
    let sc = scenario::load_builtin().unwrap();
    let schedulers = vec!["most-allocated".to_owned(), "default".to_owned()];
    let seeds = [1, 2, 3];
    let mut outputs = Vec::new();
    for threads in [1, 2] {
        let out = temp(&format!("threads-{threads}"));
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let outcome = pool
            .install(|| compare_scenario(&sc, &schedulers, &seeds, &out, None))
            .unwrap();
        assert_eq!(outcome.runs.len(), 6);
        assert_eq!(outcome.dir, out.join("seed/compare"));
        outputs.push((out.clone(), common::files(&out)));
    }
    let (a, b) = (&outputs[0].1, &outputs[1].1);
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    // decision_cost.csv holds wall-clock times: the one file measured, not simulated.
    const MEASURED: &str = "seed/compare/decision_cost.csv";
    for (k, v) in a.iter().filter(|(k, _)| k.as_str() != MEASURED) {
        assert!(v == &b[k], "{k} differs between 1 and 2 threads");
    }
    let cost = String::from_utf8(a[MEASURED].clone()).unwrap();
    let rows: Vec<Vec<&str>> = cost.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(
        rows[0],
        [
            "scheduler",
            "runs",
            "decisions",
            "wall_s",
            "us_per_decision"
        ]
    );
    assert_eq!(rows.len(), 3, "one row per scheduler: {cost}");
    for (row, name) in rows[1..].iter().zip(["most-allocated", "default"]) {
        assert_eq!(row[0], name);
        assert_eq!(row[1], "3");
        let decisions: u64 = row[2].parse().unwrap();
        assert!(
            decisions >= 3 * 9,
            "the seed scenario places at least 9 pods per run: {cost}"
        );
        let us: f64 = row[4].parse().unwrap();
        assert!(us > 0.0, "{cost}");
    }
    let cmp = read_comparison(&outputs[0].0.join("seed/compare/comparison.csv")).unwrap();
    let names: Vec<&str> = cmp.rows.iter().map(|r| r.scheduler.as_str()).collect();
    assert_eq!(names, ["most-allocated", "default"]);
    assert!(cmp.rows.iter().all(|r| r.runs == 3));
    assert!(cmp.metric("seed").is_none(), "the seed is not averaged");
    // The seed scenario keeps every node busy under spreading; bin-packing uses fewer nodes.
    let used = cmp.metric("nodes_used_avg").unwrap();
    let (packed, spread) = (
        cmp.rows[0].values[used].0.unwrap(),
        cmp.rows[1].values[used].0.unwrap(),
    );
    assert!(
        packed < spread,
        "most-allocated {packed} vs default {spread}"
    );
    // pods_created per seed, read back from the run folders, give the mean and std.
    let created: Vec<f64> = seeds
        .iter()
        .map(|s| {
            let t = std::fs::read_to_string(
                outputs[0]
                    .0
                    .join(format!("seed/default/seed-{s}/summary.csv")),
            )
            .unwrap();
            t.lines()
                .nth(1)
                .unwrap()
                .split(',')
                .nth(3)
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    let mean = created.iter().sum::<f64>() / 3.0;
    let i = cmp.metric("pods_created").unwrap();
    assert!((cmp.rows[1].values[i].0.unwrap() - mean).abs() < 1e-6);
    assert!(outputs[0].1.contains_key("seed/compare/report.html"));
    assert!(outputs[0].1.contains_key("seed/compare/runs.csv"));
    for (out, _) in outputs {
        std::fs::remove_dir_all(out).unwrap();
    }
}

#[test]
fn unknown_scheduler_fails_before_running() {
    let sc = scenario::load_builtin().unwrap();
    let out = temp("unknown");
    let e =
        compare_scenario(&sc, &["default".into(), "no-such".into()], &[1], &out, None).unwrap_err();
    let msg = format!("{e:#}");
    assert!(msg.contains("no-such"), "{msg}");
    assert!(!out.join("seed/default").exists(), "nothing ran");
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn seeds_syntax() {
    assert_eq!(parse_seeds("1..5").unwrap(), [1, 2, 3, 4, 5]);
    assert_eq!(parse_seeds("1..=3").unwrap(), [1, 2, 3]);
    assert_eq!(parse_seeds("7, 2,7").unwrap(), [7, 2]);
    assert_eq!(parse_seeds("42").unwrap(), [42]);
    assert!(parse_seeds("5..1").unwrap_err().contains("empty range"));
    assert!(parse_seeds("a..3").unwrap_err().contains("\"a\""));
}

/// The bar is hidden at first and, when stderr is not a terminal (CI, pipes), stays hidden
/// even once it would be drawn.
#[test]
fn progress_bar_hidden_without_terminal() {
    let p = Progress::with_delay(2, 60_000, Duration::ZERO);
    assert!(p.is_hidden());
    let mut t = p.run_tracker();
    t.update(k8sim::engine::SimTime::from_millis(30_000), 1_000);
    t.done(60_000, 2_000);
    if !Progress::stderr_is_terminal() {
        assert!(p.is_hidden());
    }
    p.finish();
}
