//! Issue 12 (4): a run ends in a `RunRecord` that the writers, plots and report read in
//! memory; the results-folder reader parses pods.csv back into the same `PodRecord`s, and
//! the report rendered from memory, which reads none of the run's files back, is the report
//! rendered from the folder, byte for byte.
//! Every typed reader gives back the rows it was written from (ratios as the six decimals
//! written, [`as_written`]).

use k8sim::input::scenario;
use k8sim::metrics::node_groups::NodeGroupSeries;
use k8sim::metrics::pod_record::{PodRecord, PodRecords};
use k8sim::metrics::run_record::RunRecord;
use k8sim::metrics::{NodeSample, Sample};
use k8sim::output::decimal::as_written;
use k8sim::output::report::{render_record_report, render_report};
use k8sim::output::results_dir::{
    read_events, read_node_group_series, read_node_groups, read_nodes, read_pods, read_timeseries,
};
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
    let written = write_all(&record, &memory).unwrap();
    // The example has an HPA, so hpa.csv has rows and the replicas plot is drawn from them.
    let hpa = written.extra.iter().find(|t| t.path.ends_with("hpa.csv"));
    assert!(!hpa.unwrap().rows.is_empty());
    for e in fs::read_dir(&memory).unwrap() {
        let p = e.unwrap().path();
        fs::copy(&p, folder.join(p.file_name().unwrap())).unwrap();
    }
    // The run path must read nothing back: its folder's CSV files are tampered with (one
    // removed, the others emptied to a bogus header) before rendering from memory, so a
    // report that read the folder (its listing, its tables, hpa.csv for the replicas plot)
    // would differ from the one rendered from the intact copy.
    for e in fs::read_dir(&memory).unwrap() {
        let p = e.unwrap().path();
        if p.file_name().unwrap() == "hpa.csv" {
            fs::remove_file(&p).unwrap();
        } else {
            fs::write(&p, "tampered\n").unwrap();
        }
    }
    render_record_report(&record, &written, &memory).unwrap();
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

/// The autoscaling record, its CSV files written into a fresh folder `tag`.
fn written_record(tag: &str) -> (RunRecord, PathBuf) {
    let record = autoscaling_record();
    let dir = temp(tag);
    write_all(&record, &dir).unwrap();
    (record, dir)
}

/// A cluster sample as timeseries.csv holds it: ratios with six decimals.
fn sample_as_written(s: &Sample) -> Sample {
    Sample {
        cpu_allocated_ratio: as_written(s.cpu_allocated_ratio),
        memory_allocated_ratio: as_written(s.memory_allocated_ratio),
        gpu_allocated_ratio: as_written(s.gpu_allocated_ratio),
        fragmentation_cpu_ratio: as_written(s.fragmentation_cpu_ratio),
        fragmentation_memory_ratio: as_written(s.fragmentation_memory_ratio),
        cpu_used_ratio: as_written(s.cpu_used_ratio),
        memory_used_ratio: as_written(s.memory_used_ratio),
        ..*s
    }
}

#[test]
fn samples_written_then_read_back_are_the_records() {
    let (record, dir) = written_record("samples");
    let read = read_timeseries(&dir.join("timeseries.csv")).unwrap();
    assert!(read.has_sched_queue_len);
    let written: Vec<Sample> = record.samples.iter().map(sample_as_written).collect();
    // The example has a usage model and pods waiting, so the columns appended after the
    // first format carry values that must come back, not zeros.
    assert!(written.iter().any(|s| s.cpu_used_ratio > 0.0));
    assert!(written.iter().any(|s| s.sched_queue_len > 0));
    assert_eq!(read.samples, written);
    // A value read back is already as written: rounding it again changes nothing.
    let again: Vec<Sample> = read.samples.iter().map(sample_as_written).collect();
    assert_eq!(again, read.samples);
}

#[test]
fn node_samples_written_then_read_back_are_the_records() {
    let (record, dir) = written_record("nodes");
    let read = read_nodes(&dir.join("nodes_timeseries.csv")).unwrap();
    let written = record
        .node_samples
        .as_ref()
        .expect("the example samples nodes");
    assert_eq!(read.samples.len(), written.len());
    // The autoscaled group adds nodes during the run: more than the first sample's nodes.
    assert!(read.node_names.len() > 1);
    for (r, w) in read.samples.iter().zip(written) {
        let as_written_sample = NodeSample {
            node: r.node,
            cpu_allocated_ratio: as_written(w.cpu_allocated_ratio),
            memory_allocated_ratio: as_written(w.memory_allocated_ratio),
            gpu_allocated_ratio: as_written(w.gpu_allocated_ratio),
            ..w.clone()
        };
        assert_eq!(*r, as_written_sample);
        assert_eq!(read.node_names[r.node as usize], record.node_name(w));
    }
}

#[test]
fn events_written_then_read_back_are_the_records() {
    let (record, dir) = written_record("events");
    assert!(record.events.writes_file());
    let read = read_events(&dir.join("events.csv")).unwrap();
    // Warnings (FailedScheduling) and messages with commas (quoted fields) come back too.
    assert!(read.iter().any(|e| e.kind == "Warning"));
    assert!(read.iter().any(|e| e.message.contains(',')));
    assert_eq!(read, record.events[..]);
}

#[test]
fn node_groups_written_then_read_back_are_the_records() {
    let (record, dir) = written_record("node-groups");
    let totals = read_node_groups(&dir.join("node_groups.csv")).unwrap();
    let written = &record.summary.node_groups;
    assert_eq!(totals.len(), written.len());
    for (r, w) in totals.iter().zip(written) {
        assert_eq!(r.group, w.group);
        assert_eq!(r.cost_per_hour, w.cost_per_hour.map(as_written));
        assert_eq!(r.nodes_avg, as_written(w.nodes_avg));
        assert_eq!(r.node_hours, as_written(w.node_hours));
        assert_eq!(r.cost, w.cost.map(as_written));
        assert_eq!(
            (r.nodes_initial, r.nodes_min, r.nodes_max),
            (w.nodes_initial, w.nodes_min, w.nodes_max)
        );
    }
    let series = read_node_group_series(&dir.join("node_groups_timeseries.csv")).unwrap();
    let mut expected: NodeGroupSeries = record.node_group_series.clone();
    for s in &mut expected.samples {
        s.cost_per_hour_total = s.cost_per_hour_total.map(as_written);
        s.cost_so_far = s.cost_so_far.map(as_written);
    }
    assert!(!expected.samples.is_empty());
    assert_eq!(series, expected);
}
