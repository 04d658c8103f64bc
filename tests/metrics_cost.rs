//! Cost per node group (issue 15 item 4, docs/metrics.md "Cost"): node-hours and cost per
//! group and in total, exact across node additions and removals, both spellings of the
//! price, bad prices refused, and the two node group files written and read back.

#[allow(dead_code)]
mod common;

use k8sim::cli::compare::compare_scenario;
use k8sim::cli::run::run_scenario;
use k8sim::engine::SimTime;
use k8sim::input::scenario;
use k8sim::metrics::direction::{better, Better};
use k8sim::metrics::node_groups::NodeGroupTotals;
use k8sim::output::node_group_files::{NODE_GROUPS_HEADER, NODE_GROUPS_TIMESERIES_HEADER};
use k8sim::output::results_dir::{read_comparison, RunResults};
use k8sim::output::terminal::comparison_table;
use k8sim::scenario::Scenario;
use k8sim::sim::Simulation;
use std::path::{Path, PathBuf};

fn data(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/metrics")
        .join(file)
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-9, "{a} != {b}");
}

/// tests/data/metrics/two-groups-cost.yaml, 2 h: group `a` at 1.0 per node-hour has 2
/// nodes, 3 from 30 min to 90 min; group `b` at 0.25 has 1 node throughout.
///   a: 2 nodes × 2 h + 1 node × (90 − 30) min = 4 + 1 = 5 node-hours → cost 5 × 1.0 = 5.0
///   b: 1 node × 2 h = 2 node-hours → cost 2 × 0.25 = 0.5
///   total: 7 node-hours, cost 5.5; a's average 5 node-hours / 2 h = 2.5 nodes.
/// Samples every 7 min (84 and 91 min bracket the removal): the figures follow the events.
#[test]
fn two_groups_node_hours_and_cost_are_exact() {
    let sc = scenario::load(&data("two-groups-cost.yaml")).unwrap_or_else(|e| panic!("{e}"));
    let mut sim = Simulation::new(&sc, sc.seed, "default").unwrap();
    sim.run().unwrap();
    let s = sim.summary();
    close(s.node_hours, 7.0);
    close(s.cost.unwrap(), 5.5);
    let expected = [
        NodeGroupTotals {
            group: "a".into(),
            cost_per_hour: Some(1.0),
            nodes_initial: 2,
            nodes_min: 2,
            nodes_max: 3,
            nodes_avg: 2.5,
            node_hours: 5.0,
            cost: Some(5.0),
        },
        NodeGroupTotals {
            group: "b".into(),
            cost_per_hour: Some(0.25),
            nodes_initial: 1,
            nodes_min: 1,
            nodes_max: 1,
            nodes_avg: 1.0,
            node_hours: 2.0,
            cost: Some(0.5),
        },
    ];
    assert_eq!(s.node_groups, expected);
    // The sample at 35 min (5th, every 7 min) sees 3 nodes of `a` costing 3.0 per hour and
    // 2 × 0.5 h + 3 × (5/60) h = 1.25 spent so far; the one at 91 min sees 2 nodes again.
    let series = &sim.recorder.node_groups.series;
    assert_eq!(series.groups, ["a", "b"]);
    let at = |min: u64, group: u32| {
        series
            .samples
            .iter()
            .find(|x| x.time == SimTime::from_secs(min * 60) && x.group == group)
            .unwrap_or_else(|| panic!("no sample of group {group} at {min} min"))
    };
    let a35 = at(35, 0);
    assert_eq!((a35.nodes_present, a35.nodes_ready), (3, 3));
    close(a35.cost_per_hour_total.unwrap(), 3.0);
    close(a35.cost_so_far.unwrap(), 1.25);
    assert_eq!(at(91, 0).nodes_present, 2);
    close(at(91, 1).cost_so_far.unwrap(), 0.25 * 91.0 / 60.0);
}

/// Both files are written, with the documented headers, and `report` reads them back
/// into the records they were written from.
#[test]
fn node_group_files_round_trip() {
    let sc = scenario::load(&data("two-groups-cost.yaml")).unwrap_or_else(|e| panic!("{e}"));
    let out = common::temp_dir("cost-files");
    let (summary, dir) = run_scenario(&sc, 1, "default", &out).unwrap();
    let text = std::fs::read_to_string(dir.join("node_groups.csv")).unwrap();
    assert_eq!(
        text,
        format!(
            "{NODE_GROUPS_HEADER}\n\
             a,1.000000,2,2,3,2.500000,5.000000,5.000000\n\
             b,0.250000,1,1,1,1.000000,2.000000,0.500000\n"
        )
    );
    let series = std::fs::read_to_string(dir.join("node_groups_timeseries.csv")).unwrap();
    assert!(series.starts_with(&format!(
        "{NODE_GROUPS_TIMESERIES_HEADER}\n0.000,a,2,2,2.000000,0.000000,0\n0.000,b,1,1,0.250000,0.000000,0\n"
    )));
    let run = RunResults::load(&dir).unwrap();
    assert_eq!(
        run.node_groups.as_deref(),
        Some(summary.node_groups.as_slice())
    );
    let read = run.node_group_series.unwrap();
    assert_eq!(read.groups, ["a", "b"]);
    // 2 h / 7 min: samples at 0, 7, ..., 119 min and the end, two groups each.
    assert_eq!(read.samples.len(), 2 * (18 + 1));
    assert!(run
        .extra
        .iter()
        .all(|t| !t.path.ends_with("node_groups.csv")));
    assert!(dir.join("plots/node_groups.svg").is_file());
    assert!(dir.join("plots/cost.svg").is_file());
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(
        html.contains("id=\"node-groups-table\""),
        "no node group table"
    );
}

/// Without any price the cost is unknown (empty), not 0, and there is no cost plot; the
/// node-hours are still counted per group.
#[test]
fn no_price_no_cost() {
    let sc = scenario::load_builtin().unwrap();
    let out = common::temp_dir("cost-none");
    let (summary, dir) = run_scenario(&sc, 42, "default", &out).unwrap();
    assert_eq!(summary.cost, None);
    // The seed scenario: 3 worker nodes for 1800 s = 1.5 node-hours.
    assert_eq!(summary.node_groups.len(), 1);
    close(summary.node_groups[0].node_hours, 1.5);
    assert_eq!(summary.node_groups[0].cost, None);
    let text = std::fs::read_to_string(dir.join("node_groups.csv")).unwrap();
    assert_eq!(
        text.lines().nth(1),
        Some("worker,,3,3,3,3.000000,1.500000,")
    );
    assert!(!dir.join("plots/cost.svg").exists());
}

fn load_text(tag: &str, group_lines: &str) -> Result<Scenario, String> {
    let dir = common::temp_dir(tag);
    let file = dir.join("s.yaml");
    std::fs::write(
        &file,
        format!(
            "name: s\ncluster:\n  nodes:\n    - name: n\n      allocatable: {{cpu: \"1\", memory: 1Gi}}\n{group_lines}"
        ),
    )
    .unwrap();
    scenario::load(&file).map_err(|e| e.to_string())
}

/// `cost_per_hour` is the documented name, `price_per_hour` the older spelling: both
/// price the group; both at once is an error naming both.
#[test]
fn both_spellings_and_not_both_at_once() {
    let new = load_text("cost-new", "      cost_per_hour: 0.5\n").unwrap();
    assert_eq!(new.price_per_hour.get("n"), Some(&0.5));
    let old = load_text("cost-old", "      price_per_hour: 0.5\n").unwrap();
    assert_eq!(old.price_per_hour.get("n"), Some(&0.5));
    let e = load_text(
        "cost-both",
        "      cost_per_hour: 0.5\n      price_per_hour: 0.5\n",
    )
    .unwrap_err();
    assert!(e.contains("s.yaml:7"), "{e}");
    assert!(e.contains("cluster.nodes[0].cost_per_hour"), "{e}");
    assert!(
        e.contains("both `cost_per_hour` and `price_per_hour`"),
        "{e}"
    );
}

/// A negative or NaN price is refused with the file, line and field as written.
#[test]
fn negative_and_nan_costs_are_refused() {
    let e = load_text("cost-neg", "      cost_per_hour: -0.5\n").unwrap_err();
    assert!(e.contains("s.yaml:6"), "{e}");
    assert!(e.contains("cluster.nodes[0].cost_per_hour"), "{e}");
    assert!(e.contains("non-negative"), "{e}");
    let e = load_text("cost-nan", "      cost_per_hour: .nan\n").unwrap_err();
    assert!(e.contains("cluster.nodes[0].cost_per_hour"), "{e}");
    assert!(e.contains("found NaN"), "{e}");
    let e = load_text("cost-inf", "      price_per_hour: .inf\n").unwrap_err();
    assert!(e.contains("cluster.nodes[0].price_per_hour"), "{e}");
}

/// `compare` keeps cost and node-hours per scheduler in comparison.csv and its table, and
/// ranks them lower-is-better.
#[test]
fn compare_reports_cost_per_scheduler() {
    assert_eq!(better("cost"), Some(Better::Lower));
    assert_eq!(better("node_hours"), Some(Better::Lower));
    let sc = scenario::load(&data("two-groups-cost.yaml")).unwrap_or_else(|e| panic!("{e}"));
    let out = common::temp_dir("cost-compare");
    let schedulers = vec!["default".to_owned(), "most-allocated".to_owned()];
    let outcome = compare_scenario(&sc, &schedulers, &[1, 2], &out, None).unwrap();
    let cmp = read_comparison(&outcome.dir.join("comparison.csv")).unwrap();
    let (cost, hours) = (
        cmp.metric("cost").unwrap(),
        cmp.metric("node_hours").unwrap(),
    );
    for row in &cmp.rows {
        // No pods: every run costs the same 5.5 for 7 node-hours (see above); std 0.
        assert_eq!(
            row.values[cost],
            (Some(5.5), Some(0.0)),
            "{}",
            row.scheduler
        );
        assert_eq!(
            row.values[hours],
            (Some(7.0), Some(0.0)),
            "{}",
            row.scheduler
        );
    }
    let table = comparison_table(&cmp);
    let line = table
        .lines()
        .find(|l| l.trim_start().starts_with("cost"))
        .unwrap();
    assert_eq!(line.matches("5.500 ± 0.000").count(), 2, "{table}");
}

/// docs/metrics.md lists both files' headers as written.
#[test]
fn headers_are_documented() {
    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/metrics.md"))
            .unwrap();
    for header in [NODE_GROUPS_HEADER, NODE_GROUPS_TIMESERIES_HEADER] {
        assert!(
            docs.contains(&format!("`{header}`")),
            "docs/metrics.md lacks `{header}`"
        );
    }
}
