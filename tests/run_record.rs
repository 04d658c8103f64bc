//! Issue 12 (4): a run ends in a `RunRecord` that the writers, plots and report read in
//! memory; the results-folder reader parses pods.csv back into the same `PodRecord`s, and
//! the report rendered from memory is the report rendered from the folder, byte for byte.

use k8sim::input::scenario;
use k8sim::metrics::pod_record::{PodRecord, PodRecords};
use k8sim::metrics::run_record::RunRecord;
use k8sim::output::report::{render_record_report, render_report};
use k8sim::output::results_dir::read_pods;
use k8sim::output::run_files::write_all;
use k8sim::sim::Simulation;
use std::convert::Infallible;
use std::fs;
use std::path::{Path, PathBuf};

fn temp(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("k8sim-record-{}-{tag}", std::process::id()));
    if dir.exists() {
        fs::remove_dir_all(&dir).unwrap();
    }
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// The autoscaling example: HPAs, a usage model (usage peaks and throttling in pods.csv),
/// an autoscaled node group.
fn autoscaling_record() -> RunRecord {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/autoscaling.yaml");
    let sc = scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut sim = Simulation::new(&sc, sc.seed, &sc.scheduler).unwrap();
    sim.run().unwrap();
    let summary = sim.summary();
    sim.take_record(summary)
}

fn rows(pods: &PodRecords) -> Vec<PodRecord> {
    let mut out = Vec::new();
    let _ = pods.try_for_each(|p| {
        out.push(p.clone());
        Ok::<(), Infallible>(())
    });
    out
}

#[test]
fn pods_written_then_read_back_are_the_records() {
    let record = autoscaling_record();
    let dir = temp("pods");
    write_all(&record, &dir).unwrap();
    let written = rows(&record.pods);
    let read = rows(&read_pods(&dir.join("pods.csv")).unwrap());
    assert!(!written.is_empty());
    // The usage columns and the exact times are part of the round trip: the example has a
    // usage model, so some pod has peaks and a throttled figure to read back.
    assert!(written.iter().any(|p| p.usage.is_some()));
    assert!(written.iter().any(|p| p.finished.is_some()));
    assert_eq!(read.len(), written.len());
    for (r, w) in read.iter().zip(&written) {
        assert_eq!(r, w, "pod {}", w.name);
    }
}

#[test]
fn report_from_memory_is_the_report_from_the_folder() {
    let record = autoscaling_record();
    let (memory, folder) = (temp("memory"), temp("folder"));
    write_all(&record, &memory).unwrap();
    for e in fs::read_dir(&memory).unwrap() {
        let p = e.unwrap().path();
        fs::copy(&p, folder.join(p.file_name().unwrap())).unwrap();
    }
    render_record_report(&record, &memory).unwrap();
    render_report(&folder).unwrap();
    let html = |d: &Path| fs::read(d.join("report.html")).unwrap();
    assert_eq!(html(&memory), html(&folder), "report.html differs");
    let mut plots: Vec<_> = fs::read_dir(memory.join("plots"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    plots.sort();
    // allocation, pods, latency CDF, node groups, cost, replicas: PNG and SVG each.
    assert!(plots.len() >= 8, "{plots:?}");
    for name in plots {
        let a = fs::read(memory.join("plots").join(&name)).unwrap();
        let b = fs::read(folder.join("plots").join(&name)).unwrap();
        assert!(a == b, "plots/{} differs", name.to_string_lossy());
    }
}
