//! The report page of a run folder `results/<scenario>/<scheduler>/seed-<n>/`: summary
//! cards and table, plots, pods, event counts and the other CSV tables.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use super::html::{
    escape, file_name, label_and_unit, page_start, push_csv_table, push_links, push_plots,
    push_table, write_file,
};
use super::{PLOTS_DIR, REPORT_FILE};
use crate::metrics::node_groups::NodeGroupTotals;
use crate::metrics::pod_record::{PodRecord, PodRecords};
use crate::metrics::run_record::RunRecord;
use crate::metrics::EventRecord;
use crate::output::decimal::as_written;
use crate::output::plots::{render_run_plots, Plot};
use crate::output::results_dir::{CsvTable, ReportError, RunResults, Summary};
use crate::output::run_files::WrittenFiles;
use std::convert::Infallible;

/// Number of slowest-to-schedule pods listed.
const SLOWEST_PODS: usize = 10;

/// The summary figures shown as cards: (summary column, label).
const CARDS: [(&str, &str); 8] = [
    ("pods_created", "pods created"),
    ("pods_scheduled", "pods scheduled"),
    ("pods_unschedulable", "pods unschedulable"),
    ("sched_latency_p95_s", "p95 scheduling latency (s)"),
    ("pods_never_scheduled", "pods never scheduled"),
    (
        "pending_age_p95_s",
        "p95 wait for a node, never-scheduled included (s)",
    ),
    ("cpu_allocated_avg", "mean CPU allocated (0–1)"),
    ("makespan_s", "makespan (s)"),
];

/// Renders the report of a run folder `results/<scenario>/<scheduler>/seed-<n>/`: reads its
/// CSV files, writes the plots as PNG and SVG into `dir/plots/` and a self-contained
/// `dir/report.html`. The same CSV files always give the same bytes.
pub fn render_report(dir: &Path) -> Result<(), ReportError> {
    render(&RunResults::load(dir)?)
}

/// Renders the report of the run of `record` into `dir`, where its CSV files were just
/// written (`written`): the same bytes as [`render_report`] of that folder, without reading
/// any of its files back.
pub fn render_record_report(
    record: &RunRecord,
    written: &WrittenFiles,
    dir: &Path,
) -> Result<(), ReportError> {
    render(&RunResults::from_record(record, written, dir))
}

/// Writes the plots and report.html of `run` into its folder.
fn render(run: &RunResults) -> Result<(), ReportError> {
    let plots = render_run_plots(run, &run.dir.join(PLOTS_DIR))?;
    let html = run_html(run, &plots, &run.csv_names);
    write_file(&run.dir.join(REPORT_FILE), &html)
}

/// Builds the HTML of a run report from its results and rendered plots.
fn run_html(run: &RunResults, plots: &[Plot], csv_names: &[String]) -> String {
    let mut out = String::new();
    push_heading(&mut out, &run.summary);
    push_summary(&mut out, &run.summary);
    push_node_groups(&mut out, run.node_groups.as_deref());
    push_plots(&mut out, plots);
    push_pods(&mut out, &run.pods);
    push_events(&mut out, run.events.as_deref());
    push_other_tables(&mut out, &run.extra);
    push_links(&mut out, csv_names, plots);
    out.push_str("</body>\n</html>\n");
    out
}

/// The summary value of column `key` (empty when absent).
fn summary_value(s: &Summary, key: &str) -> String {
    s.get(key).unwrap_or("").to_owned()
}

/// The page head, title line (scenario, scheduler, seed, end time) and the navigation.
fn push_heading(out: &mut String, s: &Summary) {
    let get = |k: &str| summary_value(s, k);
    let title = format!(
        "k8sim report: {} / {} / seed {}",
        get("scenario"),
        get("scheduler"),
        get("seed")
    );
    page_start(out, &title);
    let _ = write!(
        out,
        "<h1>k8sim report</h1>\n<p class=\"sub\">scenario <strong>{}</strong> · scheduler \
         <strong>{}</strong> · seed <strong>{}</strong> · simulated until {} s</p>\n",
        escape(&get("scenario")),
        escape(&get("scheduler")),
        escape(&get("seed")),
        escape(&get("sim_end_s"))
    );
    out.push_str(
        "<nav><a href=\"#summary-section\">Summary</a><a href=\"#node-groups\">Node groups</a>\
         <a href=\"#plots\">Plots</a>\
         <a href=\"#pods\">Pods</a><a href=\"#events\">Events</a>\
         <a href=\"#tables\">Other tables</a><a href=\"#files\">Data files</a></nav>\n",
    );
}

/// The Summary section: a card per [`CARDS`] figure, then every summary field.
fn push_summary(out: &mut String, s: &Summary) {
    out.push_str("<section id=\"summary-section\">\n<h2>Summary</h2>\n<div class=\"cards\">\n");
    for (key, label) in CARDS {
        let _ = writeln!(
            out,
            "<div class=\"card\"><div class=\"v\">{}</div><div class=\"k\">{}</div></div>",
            escape(&summary_value(s, key)),
            escape(label)
        );
    }
    out.push_str("</div>\n");
    let rows: Vec<Vec<String>> = s
        .fields
        .iter()
        .map(|(k, v)| {
            let (label, unit) = label_and_unit(k);
            vec![label, v.clone(), unit.to_owned()]
        })
        .collect();
    push_table(out, Some("summary"), &["metric", "value", "unit"], &rows);
    out.push_str("</section>\n");
}

/// The Node groups section (node_groups.csv): each group's sizes, node-hours and cost,
/// and the total; a note for folders written before the file existed.
fn push_node_groups(out: &mut String, groups: Option<&[NodeGroupTotals]>) {
    out.push_str("<section id=\"node-groups\">\n<h2>Node groups</h2>\n");
    let Some(groups) = groups else {
        out.push_str("<p class=\"note\">No node_groups.csv in this folder.</p>\n</section>\n");
        return;
    };
    // Figures as node_groups.csv holds them (six decimals), so the run's report and the
    // folder's agree.
    let opt = |v: Option<f64>| {
        v.map(|v| format!("{:.3}", as_written(v)))
            .unwrap_or_default()
    };
    let mut rows: Vec<Vec<String>> = groups
        .iter()
        .map(|g| {
            vec![
                g.group.clone(),
                opt(g.cost_per_hour),
                g.nodes_initial.to_string(),
                g.nodes_min.to_string(),
                g.nodes_max.to_string(),
                format!("{:.2}", as_written(g.nodes_avg)),
                format!("{:.3}", as_written(g.node_hours)),
                opt(g.cost),
            ]
        })
        .collect();
    let priced: Vec<f64> = groups
        .iter()
        .filter_map(|g| g.cost.map(as_written))
        .collect();
    let sum = |f: fn(&NodeGroupTotals) -> f64| groups.iter().map(|g| as_written(f(g))).sum::<f64>();
    rows.push(vec![
        "total".to_owned(),
        String::new(),
        groups
            .iter()
            .map(|g| g.nodes_initial)
            .sum::<u64>()
            .to_string(),
        String::new(),
        String::new(),
        format!("{:.2}", sum(|g| g.nodes_avg)),
        format!("{:.3}", sum(|g| g.node_hours)),
        (!priced.is_empty())
            .then(|| priced.iter().sum::<f64>())
            .map(|v| format!("{v:.3}"))
            .unwrap_or_default(),
    ]);
    let header = [
        "group",
        "cost per node-hour",
        "nodes at start",
        "min",
        "max",
        "avg",
        "node-hours",
        "cost",
    ];
    push_table(out, Some("node-groups-table"), &header, &rows);
    out.push_str(
        "<p class=\"note\">A node is billed from when it joins the cluster (Ready or not) \
         until it is removed. Cost is in the currency of <code>cost_per_hour</code>; empty \
         for groups without one.</p>\n</section>\n",
    );
}

/// The Pods section: pods per final phase, then the [`SLOWEST_PODS`] slowest to schedule.
fn push_pods(out: &mut String, pods: &PodRecords) {
    out.push_str("<section id=\"pods\">\n<h2>Pods</h2>\n<h3>Final phase</h3>\n");
    let mut phases: BTreeMap<&str, u64> = BTreeMap::new();
    let mut slow: Vec<(f64, PodRecord)> = Vec::with_capacity(SLOWEST_PODS + 1);
    let _ = pods.try_for_each(|p| {
        *phases.entry(p.phase.as_str()).or_default() += 1;
        if let Some(l) = p.sched_latency_s() {
            offer_slow(&mut slow, l, p);
        }
        Ok::<(), Infallible>(())
    });
    let rows: Vec<Vec<String>> = phases
        .iter()
        .map(|(k, v)| vec![(*k).to_owned(), v.to_string()])
        .collect();
    push_table(out, Some("phases"), &["phase", "pods"], &rows);
    if !slow.is_empty() {
        let _ = writeln!(out, "<h3>Slowest to schedule (top {SLOWEST_PODS})</h3>");
        let rows: Vec<Vec<String>> = slow
            .iter()
            .map(|(l, p)| {
                vec![
                    p.name.clone(),
                    format!("{}/{}", p.owner_kind, p.owner),
                    p.node.clone().unwrap_or_default(),
                    format!("{l:.3}"),
                    p.attempts.to_string(),
                ]
            })
            .collect();
        let header = ["pod", "owner", "node", "latency (s)", "attempts"];
        push_table(out, None, &header, &rows);
    }
    out.push_str("</section>\n");
}

/// Slowest to schedule first, then by name.
fn slow_order(a: (f64, &str), b: (f64, &str)) -> Ordering {
    b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1))
}

/// Keeps `slow` the [`SLOWEST_PODS`] slowest pods offered so far in [`slow_order`] (pods
/// equal in order stay in the order offered), copying only those that enter it.
fn offer_slow(slow: &mut Vec<(f64, PodRecord)>, latency_s: f64, pod: &PodRecord) {
    let key = (latency_s, pod.name.as_str());
    if let Some((l, worst)) = slow.last().filter(|_| slow.len() == SLOWEST_PODS) {
        if slow_order(key, (*l, &worst.name)) != Ordering::Less {
            return;
        }
    }
    let at = slow.partition_point(|(l, p)| slow_order((*l, &p.name), key) != Ordering::Greater);
    slow.insert(at, (latency_s, pod.clone()));
    slow.truncate(SLOWEST_PODS);
}

/// The Events section: events per type and reason with the first time each was seen,
/// or a note when the folder has no events.csv.
fn push_events(out: &mut String, events: Option<&[EventRecord]>) {
    out.push_str("<section id=\"events\">\n<h2>Events</h2>\n");
    match events {
        None => out.push_str(
            "<p class=\"note\">No events.csv in this folder: a run writes it when it has at most \
             100,000 events, unless the scenario says <code>metrics.events: all</code> or \
             <code>none</code>.</p>\n",
        ),
        Some(events) => {
            let mut counts: BTreeMap<(&str, &str), (u64, f64)> = BTreeMap::new();
            for e in events {
                let time_s = e.time.as_secs_f64();
                let c = counts
                    .entry((e.kind, e.reason.as_str()))
                    .or_insert((0, time_s));
                c.0 += 1;
                c.1 = c.1.min(time_s);
            }
            let rows: Vec<Vec<String>> = counts
                .iter()
                .map(|((k, r), (n, first))| {
                    vec![
                        (*k).to_owned(),
                        (*r).to_owned(),
                        n.to_string(),
                        format!("{first:.3}"),
                    ]
                })
                .collect();
            let header = ["type", "reason", "count", "first at (s)"];
            push_table(out, Some("event-counts"), &header, &rows);
        }
    }
    out.push_str("</section>\n");
}

/// The Other tables section: each other CSV file of the folder as a table.
fn push_other_tables(out: &mut String, extra: &[CsvTable]) {
    out.push_str("<section id=\"tables\">\n<h2>Other tables</h2>\n");
    if extra.is_empty() {
        out.push_str("<p class=\"note\">No other CSV files in this folder.</p>\n");
    }
    for t in extra {
        let name = file_name(&t.path);
        let _ = writeln!(out, "<h3>{}</h3>", escape(&name));
        push_csv_table(out, t, &name);
    }
    out.push_str("</section>\n");
}
