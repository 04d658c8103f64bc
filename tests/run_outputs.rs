//! `--outputs csv` (issue 14): a run can write its CSVs alone, skipping the plots and
//! report.html, with the same CSV bytes as a full run; `compare` renders no per-run plots.
//! The progress bar's simulated-time wording, and `-q` hiding it.

use k8sim::cli::compare::compare_scenario;
use k8sim::cli::progress::{sim_time, Progress};
use k8sim::cli::run::{run_scenario, run_scenario_with, Outputs};
use k8sim::input::scenario;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn temp(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("k8sim-outputs-{}-{tag}", std::process::id()));
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The files directly in `dir` (name -> bytes) and whether it has a `plots/` folder.
fn listing(dir: &Path) -> (BTreeMap<String, Vec<u8>>, bool) {
    let mut files = BTreeMap::new();
    let mut plots = false;
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if p.is_dir() {
            plots |= name == "plots";
        } else {
            files.insert(name, std::fs::read(&p).unwrap());
        }
    }
    (files, plots)
}

#[test]
fn outputs_csv_writes_the_same_csvs_and_no_plots_or_report() {
    let sc = scenario::load_builtin().unwrap();
    let (full_out, csv_out) = (temp("all"), temp("csv"));
    let (_, full) = run_scenario(&sc, 7, "default", &full_out).unwrap();
    let (_, csv) =
        run_scenario_with(&sc, 7, "default", &csv_out, None, Outputs::Csv, false).unwrap();
    let (full_files, full_plots) = listing(&full);
    let (csv_files, csv_plots) = listing(&csv);
    assert!(full_plots && full_files.contains_key("report.html"));
    assert!(!csv_plots, "--outputs csv rendered plots");
    assert!(!csv_files.contains_key("report.html"));
    let full_csvs: BTreeMap<_, _> = full_files
        .into_iter()
        .filter(|(k, _)| k.ends_with(".csv"))
        .collect();
    assert!(full_csvs.contains_key("summary.csv") && full_csvs.contains_key("pods.csv"));
    assert_eq!(csv_files, full_csvs, "the CSVs differ from a full run's");
    std::fs::remove_dir_all(full_out).unwrap();
    std::fs::remove_dir_all(csv_out).unwrap();
}

#[test]
fn compare_renders_no_per_run_plots() {
    let sc = scenario::load_builtin().unwrap();
    let out = temp("compare");
    let outcome = compare_scenario(&sc, &["default".to_owned()], &[1, 2], &out, None).unwrap();
    assert_eq!(outcome.runs.len(), 2);
    for (_, dir) in &outcome.runs {
        let (files, plots) = listing(dir);
        assert!(files.contains_key("summary.csv"), "{}", dir.display());
        assert!(
            !plots && !files.contains_key("report.html"),
            "{}",
            dir.display()
        );
    }
    assert!(outcome.dir.join("report.html").is_file());
    std::fs::remove_dir_all(out).unwrap();
}

#[test]
fn progress_shows_simulated_time_like_the_issue() {
    assert_eq!(sim_time((6 * 3600 + 12 * 60) * 1000 + 999), "6h 12m");
    assert_eq!(sim_time(24 * 3600 * 1000), "24h");
    assert_eq!(sim_time(65_000), "1m 05s");
    assert_eq!(sim_time(10 * 60_000), "10m");
    assert_eq!(sim_time(42_000), "42s");
    assert_eq!(sim_time((2 * 86_400 + 3 * 3600) * 1000), "51h");
}

#[test]
fn quiet_progress_is_never_drawn() {
    let p = Progress::quiet(1, 60_000);
    p.set_phase("simulating", true);
    let mut t = p.run_tracker();
    t.update(k8sim::engine::SimTime::from_millis(30_000), 1_000);
    t.done(60_000, 2_000);
    assert!(p.is_hidden());
    p.finish();
}

/// `metrics.events` (issue 14, output volume): events.csv is written by default for a
/// small run, left out with `none`; the other files keep their bytes; the report says why
/// it is missing.
#[test]
fn metrics_events_none_leaves_out_events_csv_only() {
    let run = |set: &[&str], tag: &str| {
        let out = temp(tag);
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_k8sim"));
        cmd.args(["run", "tests/data/metrics/three-pods.yaml", "-q", "--out"])
            .arg(&out);
        for s in set {
            cmd.args(["--set", s]);
        }
        let o = cmd.output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let (files, _) = listing(&out.join("three-pods/default/seed-1"));
        let report =
            std::fs::read_to_string(out.join("three-pods/default/seed-1/report.html")).unwrap();
        std::fs::remove_dir_all(&out).unwrap();
        (files, report)
    };
    let (full, _) = run(&[], "events-auto");
    let (none, report) = run(&["metrics.events=none"], "events-none");
    assert!(
        full.contains_key("events.csv"),
        "a small run writes events.csv"
    );
    assert!(!none.contains_key("events.csv"));
    assert!(
        report.contains("metrics.events: all"),
        "the report says how to get it"
    );
    for (name, bytes) in &none {
        if name != "report.html" {
            assert!(full.get(name) == Some(bytes), "{name} differs");
        }
    }
}

/// Issue 14, "never frozen for more than a second": the run reports its progress every
/// `PROGRESS_EVERY_EVENTS` events (the bar throttles by wall time), not every 65,536, so
/// a run whose events are slow still moves its figures.
#[test]
fn a_run_reports_progress_every_few_events() {
    use k8sim::sim::{Simulation, PROGRESS_EVERY_EVENTS};
    let sc = k8sim::input::scenario::load(std::path::Path::new("scenarios/seed.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut sim = Simulation::new(&sc, sc.seed, &sc.scheduler).unwrap();
    let mut calls = Vec::new();
    sim.run_with_progress(|_, events| calls.push(events))
        .unwrap();
    let processed = sim.engine.processed();
    assert!(processed > 10 * PROGRESS_EVERY_EVENTS, "{processed} events");
    assert_eq!(calls.len() as u64, processed / PROGRESS_EVERY_EVENTS);
    assert!(calls
        .windows(2)
        .all(|w| w[1] - w[0] == PROGRESS_EVERY_EVENTS));
}
