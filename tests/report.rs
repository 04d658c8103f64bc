//! Tests of the plots and HTML report rendered from a results folder's CSV files.

#[allow(dead_code)]
mod common;

use std::fs;
use std::path::Path;

use common::{png_colours, temp_dir, write_run, SUMMARY_HEADER};
use k8sim::output::report::{render_comparison, render_comparison_with_runs, render_report};
use k8sim::output::results_dir::ReportError;

const RUN_PLOTS: [(&str, &str); 5] = [
    ("allocation", "Cluster allocation over time"),
    ("pods", "Pods by phase and scheduler queue over time"),
    ("sched_latency_cdf", "Scheduling latency CDF"),
    ("nodes_cpu_heatmap", "Per-node CPU allocation over time"),
    (
        "nodes_memory_heatmap",
        "Per-node memory allocation over time",
    ),
];

fn assert_plot(dir: &Path, stem: &str, title: &str) {
    let png = dir.join("plots").join(format!("{stem}.png"));
    let svg = dir.join("plots").join(format!("{stem}.svg"));
    assert!(
        fs::metadata(&png).unwrap().len() > 1000,
        "{}",
        png.display()
    );
    let colours = png_colours(&png);
    assert!(colours > 10, "{}: only {colours} colours", png.display());
    let svg = fs::read_to_string(&svg).unwrap();
    assert!(svg.starts_with("<svg"), "{stem}.svg");
    assert!(svg.contains("<text"), "{stem}.svg has no text");
    assert!(svg.contains(title), "{stem}.svg lacks its title {title:?}");
}

#[test]
fn renders_plots_and_report() {
    let dir = temp_dir("run");
    write_run(&dir, "default", 1, 1.0);
    render_report(&dir).unwrap();
    for (stem, title) in RUN_PLOTS {
        assert_plot(&dir, stem, title);
    }
    let html = fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<table id=\"summary\">"));
    for value in ["0.385", "0.734", "88.500", "412", "smoke", "default"] {
        assert!(
            html.contains(&format!(">{value}<")),
            "summary value {value}"
        );
    }
    // every plot inlined, with links to its files
    assert_eq!(html.matches("<svg").count(), RUN_PLOTS.len());
    for (stem, _) in RUN_PLOTS {
        assert!(
            html.contains(&format!("href=\"plots/{stem}.png\"")),
            "{stem}"
        );
    }
    // relative links to the CSVs
    for csv in [
        "pods.csv",
        "timeseries.csv",
        "summary.csv",
        "events.csv",
        "workloads.csv",
    ] {
        assert!(html.contains(&format!("href=\"{csv}\"")), "{csv}");
    }
    // workloads.csv as a table, escaped; event counts
    assert!(html.contains("<h3>workloads.csv</h3>"));
    assert!(html.contains("&lt;batch&gt;") && !html.contains("<batch>"));
    assert!(html.contains("FailedScheduling"));
    // self-contained
    assert!(!html.contains("http://") && !html.contains("https://"));
    assert!(!html.contains("<script") && !html.contains("src="));
}

#[test]
fn rendering_is_deterministic() {
    let a = temp_dir("det-a");
    let b = temp_dir("det-b");
    write_run(&a, "default", 1, 1.0);
    write_run(&b, "default", 1, 1.0);
    render_report(&a).unwrap();
    render_report(&b).unwrap();
    let first = fs::read(a.join("report.html")).unwrap();
    assert_eq!(first, fs::read(b.join("report.html")).unwrap());
    for (stem, _) in RUN_PLOTS {
        for ext in ["svg", "png"] {
            let name = format!("plots/{stem}.{ext}");
            assert_eq!(
                fs::read(a.join(&name)).unwrap(),
                fs::read(b.join(&name)).unwrap(),
                "{name}"
            );
        }
    }
    render_report(&a).unwrap();
    assert_eq!(first, fs::read(a.join("report.html")).unwrap());
}

#[test]
fn optional_files_may_be_absent() {
    let dir = temp_dir("minimal");
    write_run(&dir, "default", 1, 1.0);
    for f in ["nodes_timeseries.csv", "events.csv", "workloads.csv"] {
        fs::remove_file(dir.join(f)).unwrap();
    }
    render_report(&dir).unwrap();
    let html = fs::read_to_string(dir.join("report.html")).unwrap();
    assert_eq!(html.matches("<svg").count(), 3);
    assert!(html.contains("No events.csv"));
}

#[test]
fn empty_run_still_renders() {
    let dir = temp_dir("empty-run");
    write_run(&dir, "default", 1, 1.0);
    let header = |f: &str| {
        let text = fs::read_to_string(dir.join(f)).unwrap();
        text.lines().next().unwrap().to_owned() + "\n"
    };
    for f in [
        "pods.csv",
        "timeseries.csv",
        "nodes_timeseries.csv",
        "events.csv",
    ] {
        fs::write(dir.join(f), header(f)).unwrap();
    }
    render_report(&dir).unwrap();
    assert!(fs::read_to_string(dir.join("plots/sched_latency_cdf.svg"))
        .unwrap()
        .contains("no data"));
}

fn error_of(dir: &Path) -> (ReportError, String) {
    let e = render_report(dir).unwrap_err();
    let text = e.to_string();
    (e, text)
}

#[test]
fn folder_without_results_is_an_error() {
    let dir = temp_dir("empty");
    let (e, text) = error_of(&dir);
    assert!(matches!(e, ReportError::NotResults { .. }), "{text}");
    assert!(text.contains("missing summary.csv"), "{text}");
    let (e, text) = error_of(&dir.join("nope"));
    assert!(matches!(e, ReportError::NotResults { .. }), "{text}");
    assert!(text.contains("no such directory"), "{text}");
}

#[test]
fn truncated_csv_names_file_and_line() {
    let dir = temp_dir("truncated");
    write_run(&dir, "default", 1, 1.0);
    let path = dir.join("timeseries.csv");
    let text = fs::read_to_string(&path).unwrap();
    // cut in the middle of line 5
    let cut = text.lines().take(4).map(|l| l.len() + 1).sum::<usize>() + 7;
    fs::write(&path, &text[..cut]).unwrap();
    let (e, text) = error_of(&dir);
    assert!(
        matches!(
            e,
            ReportError::ColumnCount {
                line: 5,
                expected: 8,
                ..
            }
        ),
        "{text}"
    );
    assert!(
        text.contains("timeseries.csv:5: expected 8 fields"),
        "{text}"
    );
}

#[test]
fn missing_header_names_file_and_column() {
    let dir = temp_dir("noheader");
    write_run(&dir, "default", 1, 1.0);
    let path = dir.join("pods.csv");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.split_once('\n').unwrap().1).unwrap();
    let (e, text) = error_of(&dir);
    assert!(matches!(e, ReportError::MissingColumn { .. }), "{text}");
    assert!(
        text.contains("pods.csv:1: header lacks column `name`"),
        "{text}"
    );

    fs::write(&path, "").unwrap();
    let (e, text) = error_of(&dir);
    assert!(matches!(e, ReportError::EmptyFile { .. }), "{text}");
    assert!(text.contains("pods.csv:1: missing header line"), "{text}");
}

#[test]
fn non_numeric_value_names_file_line_and_column() {
    let dir = temp_dir("nonnumeric");
    write_run(&dir, "default", 1, 1.0);
    let path = dir.join("pods.csv");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.replacen(",2.000,", ",two,", 1)).unwrap();
    let (e, text) = error_of(&dir);
    assert!(
        matches!(
            e,
            ReportError::BadValue {
                line: 3,
                column: 6,
                ..
            }
        ),
        "{text}"
    );
    assert!(
        // Times read exactly into milliseconds, so the column says what a time looks like.
        text.contains(
            "pods.csv:3:6: column `created_s`: \"two\" is not seconds with at most three decimals (e.g. 12.345)"
        ),
        "{text}"
    );

    write_run(&dir, "default", 1, 1.0);
    let path = dir.join("summary.csv");
    fs::write(
        &path,
        format!("{SUMMARY_HEADER}\nsmoke,default,x,30,27,3,9,0,1,1,1,1,1,1,1,1,1,1,1,0,1,1,1,1\n"),
    )
    .unwrap();
    let (_, text) = error_of(&dir);
    assert!(text.contains("summary.csv:2:3: column `seed`"), "{text}");
}

#[test]
fn summary_must_have_one_row() {
    let dir = temp_dir("tworows");
    write_run(&dir, "default", 1, 1.0);
    let path = dir.join("summary.csv");
    let text = fs::read_to_string(&path).unwrap();
    let row = text.lines().nth(1).unwrap().to_owned();
    fs::write(&path, format!("{text}{row}\n")).unwrap();
    let (e, text) = error_of(&dir);
    assert!(
        matches!(e, ReportError::RowCount { found: 2, .. }),
        "{text}"
    );
}

/// Writes `<root>/smoke/{default,binpack}/seed-{1,2}/` and `<root>/smoke/compare/comparison.csv`.
fn write_comparison(root: &Path) -> std::path::PathBuf {
    let scenario = root.join("smoke");
    for (scheduler, scale) in [("default", 1.0), ("binpack", 1.2)] {
        for seed in [1, 2] {
            write_run(
                &scenario.join(scheduler).join(format!("seed-{seed}")),
                scheduler,
                seed,
                scale + seed as f64 * 0.05,
            );
        }
    }
    let compare = scenario.join("compare");
    fs::create_dir_all(&compare).unwrap();
    fs::write(
        compare.join("comparison.csv"),
        "scheduler,runs,pods_unschedulable_mean,pods_unschedulable_std,sched_latency_mean_s_mean,sched_latency_mean_s_std,sched_latency_p95_s_mean,sched_latency_p95_s_std,cpu_allocated_avg_mean,cpu_allocated_avg_std,makespan_s_mean,makespan_s_std\n\
         default,2,3,0,0.404,0.019,0.760,0,0.734,0.012,88.5,1.5\n\
         binpack,2,2.5,0.5,0.481,0.019,0.912,0.05,0.801,0.02,84.25,2.75\n",
    )
    .unwrap();
    compare
}

#[test]
fn renders_comparison() {
    let root = temp_dir("compare");
    let compare = write_comparison(&root);
    render_comparison(&compare).unwrap();
    for (stem, title) in [
        (
            "compare_cpu_allocation",
            "CPU allocation over time by scheduler",
        ),
        (
            "compare_pending",
            "Pods in phase Pending over time by scheduler",
        ),
        ("compare_summary", "Mean scheduling latency"),
    ] {
        assert_plot(&compare, stem, title);
    }
    let svg = fs::read_to_string(compare.join("plots/compare_cpu_allocation.svg")).unwrap();
    assert!(svg.contains("default (2 seeds)") && svg.contains("binpack (2 seeds)"));
    let html = fs::read_to_string(compare.join("report.html")).unwrap();
    assert!(html.contains("<table id=\"summary\">"));
    assert!(html.contains("<th>binpack</th>") && html.contains("0.4810 ± 0.0190"));
    assert!(html.contains("href=\"../binpack/seed-2/\""));
    assert!(html.contains("href=\"comparison.csv\""));
    assert!(!html.contains("http://") && !html.contains("https://"));

    // explicit runs give the same result as discovery
    let first = fs::read(compare.join("report.html")).unwrap();
    let scenario = compare.parent().unwrap();
    let runs: Vec<(String, std::path::PathBuf)> = ["default", "binpack"]
        .iter()
        .flat_map(|s| [1, 2].map(|n| (s.to_string(), scenario.join(s).join(format!("seed-{n}")))))
        .collect();
    render_comparison_with_runs(&compare, &runs).unwrap();
    assert_eq!(first, fs::read(compare.join("report.html")).unwrap());
}

/// Regression: two identical CPU-allocation lines (a cluster total placement cannot change)
/// were drawn per scheduler, and bar panels equal for every scheduler were drawn.
#[test]
fn comparison_leaves_out_plots_that_cannot_differ() {
    let root = temp_dir("compare-same");
    let scenario = root.join("smoke");
    for scheduler in ["default", "binpack"] {
        for seed in [1, 2] {
            write_run(
                &scenario.join(scheduler).join(format!("seed-{seed}")),
                scheduler,
                seed,
                1.0 + seed as f64 * 0.05,
            );
        }
    }
    let compare = scenario.join("compare");
    fs::create_dir_all(&compare).unwrap();
    fs::write(
        compare.join("comparison.csv"),
        "scheduler,runs,pods_unschedulable_mean,pods_unschedulable_std,sched_latency_mean_s_mean,sched_latency_mean_s_std\n\
         default,2,0,0,0.404,0.019\n\
         binpack,2,0,0,0.481,0.019\n",
    )
    .unwrap();
    render_comparison(&compare).unwrap();
    assert!(!compare.join("plots/compare_cpu_allocation.svg").exists());
    let svg = fs::read_to_string(compare.join("plots/compare_summary.svg")).unwrap();
    assert!(svg.contains("Mean scheduling latency"));
    assert!(
        !svg.contains("Unschedulable pods"),
        "a panel equal (zero) everywhere was drawn"
    );
}

#[test]
fn comparison_without_csv_is_an_error() {
    let dir = temp_dir("compare-empty");
    let e = render_comparison(&dir).unwrap_err().to_string();
    assert!(e.contains("missing comparison.csv"), "{e}");
}

#[test]
fn large_inputs_stay_small() {
    use std::fmt::Write as _;
    let dir = temp_dir("large");
    write_run(&dir, "default", 1, 1.0);
    let mut ts = String::from("time_s,pods_pending,pods_running,cpu_allocated_ratio,memory_allocated_ratio,gpu_allocated_ratio,nodes_used,nodes_ready\n");
    for k in 0..50_000u64 {
        let _ = writeln!(
            ts,
            "{:.3},{},{},{:.4},0.5,0.25,3,4",
            k as f64 * 0.1,
            k % 17,
            k % 101,
            (k % 1000) as f64 / 1000.0
        );
    }
    fs::write(dir.join("timeseries.csv"), ts).unwrap();
    let mut nts = String::from("time_s,node,cpu_allocated_ratio,memory_allocated_ratio\n");
    for k in 0..500u64 {
        for n in 0..300u64 {
            let v = if (k / 50 + n) % 3 == 0 { 0.9 } else { 0.2 };
            let _ = writeln!(nts, "{:.3},node-{n:03},{v},{v}", k as f64 * 10.0);
        }
    }
    fs::write(dir.join("nodes_timeseries.csv"), nts).unwrap();
    render_report(&dir).unwrap();
    for stem in ["allocation", "pods", "nodes_cpu_heatmap"] {
        let size = fs::metadata(dir.join(format!("plots/{stem}.svg")))
            .unwrap()
            .len();
        assert!(size < 1_500_000, "{stem}.svg is {size} bytes");
    }
    // GPU line appears when a GPU is allocated
    let svg = fs::read_to_string(dir.join("plots/allocation.svg")).unwrap();
    assert!(svg.contains("GPU"));
    assert!(fs::metadata(dir.join("report.html")).unwrap().len() < 6_000_000);
}
