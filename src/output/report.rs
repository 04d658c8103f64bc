//! Self-contained HTML reports (inline SVG and CSS, no script, no URL fetched) of a results folder.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use super::decision;
use super::plots::{render_comparison_plots, render_run_plots, Plot};
use super::results_dir::{
    csv_files, discover_runs, files, read_comparison, read_timeseries, Comparison, CsvTable,
    ReportError, RunResults,
};

/// Name of the report file written into a results folder.
pub const REPORT_FILE: &str = "report.html";
/// Name of the folder, inside a results folder, that receives the PNG and SVG plots.
pub const PLOTS_DIR: &str = "plots";
/// Most rows of an extra CSV shown as an HTML table; the rest is left to the linked file.
const MAX_TABLE_ROWS: usize = 500;
/// Number of slowest-to-schedule pods listed.
const SLOWEST_PODS: usize = 10;

const STYLE: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;margin:0 auto;max-width:1100px;padding:1.5em;color:#222;background:#fff}
h1{margin-bottom:.1em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:1.8em}
.sub{color:#555;margin-top:0}
nav a{margin-right:1em}
table{border-collapse:collapse;margin:.8em 0;font-size:.92em}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left}
th{background:#f0f3f7}
td.num{text-align:right;font-variant-numeric:tabular-nums}
tbody tr:nth-child(even){background:#fafafa}
.cards{display:flex;flex-wrap:wrap;gap:.8em;margin:1em 0}
.card{border:1px solid #ccd;border-radius:6px;padding:.6em 1em;min-width:9em;background:#f7f9fc}
.card .v{font-size:1.5em;font-weight:600}.card .k{color:#555;font-size:.85em}
figure{margin:1.2em 0;border:1px solid #e3e3e3;border-radius:6px;padding:.6em}
figure svg{max-width:100%;height:auto;display:block}
figcaption{color:#444;font-size:.92em;margin-top:.4em}
.note{color:#666;font-style:italic}
";

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes a relative path for use in an `href`, leaving `/` and unreserved bytes.
fn href(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn write_file(path: &Path, text: &str) -> Result<(), ReportError> {
    fs::write(path, text).map_err(|source| ReportError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Prepares plotters' SVG for inlining in HTML (the namespace is implicit there).
fn inline_svg(svg: &str) -> String {
    svg.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1)
        .replacen(" xmlns:xlink=\"http://www.w3.org/1999/xlink\"", "", 1)
}

fn page_start(out: &mut String, title: &str) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(title)
    );
}

fn push_plots(out: &mut String, plots: &[Plot]) {
    push_plots_from(out, plots, &format!("{PLOTS_DIR}/"));
}

/// The plots section, the files being `<prefix><stem>.png|svg` relative to the page.
fn push_plots_from(out: &mut String, plots: &[Plot], prefix: &str) {
    out.push_str("<section id=\"plots\">\n<h2>Plots</h2>\n");
    for p in plots {
        let png = href(&format!("{prefix}{}.png", p.stem));
        let svg = href(&format!("{prefix}{}.svg", p.stem));
        let _ = write!(
            out,
            "<figure id=\"plot-{}\">\n{}\n<figcaption><strong>{}</strong>. {} \
             (<a href=\"{png}\">PNG</a>, <a href=\"{svg}\">SVG</a>)</figcaption>\n</figure>\n",
            escape(&p.stem),
            inline_svg(&p.svg),
            escape(&p.title),
            escape(&p.caption),
        );
    }
    out.push_str("</section>\n");
}

/// Writes a table; cells that parse as numbers (or `mean ± std`) are right-aligned.
fn push_table(out: &mut String, id: Option<&str>, header: &[&str], rows: &[Vec<String>]) {
    match id {
        Some(id) => {
            let _ = writeln!(out, "<table id=\"{}\">", escape(id));
        }
        None => out.push_str("<table>\n"),
    }
    out.push_str("<thead><tr>");
    for h in header {
        let _ = write!(out, "<th>{}</th>", escape(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            let number = cell.split(" ± ").next().unwrap_or_default();
            let class = if number.trim().parse::<f64>().is_ok() {
                " class=\"num\""
            } else {
                ""
            };
            let _ = write!(out, "<td{class}>{}</td>", escape(cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

fn push_csv_table(out: &mut String, table: &CsvTable, name: &str) {
    let header: Vec<&str> = table.header.iter().map(String::as_str).collect();
    let rows: Vec<Vec<String>> = table
        .rows
        .iter()
        .take(MAX_TABLE_ROWS)
        .map(|r| r.fields.clone())
        .collect();
    push_table(out, None, &header, &rows);
    if table.rows.len() > MAX_TABLE_ROWS {
        let _ = writeln!(
            out,
            "<p class=\"note\">First {MAX_TABLE_ROWS} of {} rows; see <a href=\"{}\">{}</a>.</p>",
            table.rows.len(),
            href(name),
            escape(name)
        );
    }
}

fn push_links(out: &mut String, names: &[String], plots: &[Plot]) {
    out.push_str("<section id=\"files\">\n<h2>Data files</h2>\n<ul>\n");
    for name in names {
        let _ = writeln!(
            out,
            "<li><a href=\"{}\">{}</a></li>",
            href(name),
            escape(name)
        );
    }
    for p in plots {
        for ext in ["png", "svg"] {
            let name = format!("{PLOTS_DIR}/{}.{ext}", p.stem);
            let _ = writeln!(
                out,
                "<li><a href=\"{}\">{}</a></li>",
                href(&name),
                escape(&name)
            );
        }
    }
    out.push_str("</ul>\n</section>\n");
}

/// Writes a plan folder's `report.html`: the answer line, the table of candidates, the
/// plots (`plan.png`, `plan_<k>.png` next to the page) and a link to `plan.csv`.
pub fn render_plan_report(
    dir: &Path,
    scenario: &str,
    answer: &str,
    header: &[&str],
    rows: &[Vec<String>],
    plots: &[Plot],
) -> Result<(), ReportError> {
    let mut out = String::new();
    page_start(&mut out, &format!("k8sim plan: {scenario}"));
    let _ = write!(
        out,
        "<h1>k8sim capacity plan</h1>\n<p class=\"sub\">scenario <strong>{}</strong></p>\n\
         <section id=\"answer\">\n<h2>Answer</h2>\n<p><strong>{}</strong></p>\n",
        escape(scenario),
        escape(answer)
    );
    push_table(&mut out, Some("candidates"), header, rows);
    out.push_str("</section>\n");
    push_plots_from(&mut out, plots, "");
    out.push_str(
        "<section id=\"files\">\n<h2>Data files</h2>\n<ul>\n\
         <li><a href=\"plan.csv\">plan.csv</a></li>\n</ul>\n</section>\n</body>\n</html>\n",
    );
    write_file(&dir.join(REPORT_FILE), &out)
}

/// Splits a summary column name into a readable label and its unit.
fn label_and_unit(column: &str) -> (String, &'static str) {
    let (base, unit) = if let Some(b) = column.strip_suffix("_s") {
        (b, "s")
    } else if column.ends_with("_ratio") || column.ends_with("allocated_avg") {
        (column, "ratio 0–1")
    } else if column.starts_with("pods_") {
        (column, "pods")
    } else if column.starts_with("nodes_") {
        (column, "nodes")
    } else {
        (column, "")
    };
    (base.replace('_', " "), unit)
}

/// Builds the HTML of a run report from its results and rendered plots.
fn run_html(run: &RunResults, plots: &[Plot], csv_names: &[String]) -> String {
    let s = &run.summary;
    let get = |k: &str| s.get(k).unwrap_or("").to_owned();
    let title = format!(
        "k8sim report: {} / {} / seed {}",
        get("scenario"),
        get("scheduler"),
        get("seed")
    );
    let mut out = String::new();
    page_start(&mut out, &title);
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
        "<nav><a href=\"#summary-section\">Summary</a><a href=\"#plots\">Plots</a>\
         <a href=\"#pods\">Pods</a><a href=\"#events\">Events</a>\
         <a href=\"#tables\">Other tables</a><a href=\"#files\">Data files</a></nav>\n",
    );

    out.push_str("<section id=\"summary-section\">\n<h2>Summary</h2>\n<div class=\"cards\">\n");
    for (key, label) in [
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
    ] {
        let _ = writeln!(
            out,
            "<div class=\"card\"><div class=\"v\">{}</div><div class=\"k\">{}</div></div>",
            escape(&get(key)),
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
    push_table(
        &mut out,
        Some("summary"),
        &["metric", "value", "unit"],
        &rows,
    );
    out.push_str("</section>\n");

    push_plots(&mut out, plots);

    out.push_str("<section id=\"pods\">\n<h2>Pods</h2>\n<h3>Final phase</h3>\n");
    let mut phases: BTreeMap<&str, u64> = BTreeMap::new();
    for p in &run.pods {
        *phases.entry(p.phase.as_str()).or_default() += 1;
    }
    let rows: Vec<Vec<String>> = phases
        .iter()
        .map(|(k, v)| vec![(*k).to_owned(), v.to_string()])
        .collect();
    push_table(&mut out, Some("phases"), &["phase", "pods"], &rows);
    let mut slow: Vec<(f64, &super::results_dir::PodRecord)> = run
        .pods
        .iter()
        .filter_map(|p| p.sched_latency_s().map(|l| (l, p)))
        .collect();
    slow.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
    if !slow.is_empty() {
        let _ = writeln!(out, "<h3>Slowest to schedule (top {SLOWEST_PODS})</h3>");
        let rows: Vec<Vec<String>> = slow
            .iter()
            .take(SLOWEST_PODS)
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
        push_table(
            &mut out,
            None,
            &["pod", "owner", "node", "latency (s)", "attempts"],
            &rows,
        );
    }
    out.push_str("</section>\n");

    out.push_str("<section id=\"events\">\n<h2>Events</h2>\n");
    match &run.events {
        None => out.push_str(
            "<p class=\"note\">No events.csv in this folder: a run writes it when it has at most \
             100,000 events, unless the scenario says <code>metrics.events: all</code> or \
             <code>none</code>.</p>\n",
        ),
        Some(events) => {
            let mut counts: BTreeMap<(&str, &str), (u64, f64)> = BTreeMap::new();
            for e in events {
                let c = counts
                    .entry((e.kind.as_str(), e.reason.as_str()))
                    .or_insert((0, e.time_s));
                c.0 += 1;
                c.1 = c.1.min(e.time_s);
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
            push_table(
                &mut out,
                Some("event-counts"),
                &["type", "reason", "count", "first at (s)"],
                &rows,
            );
        }
    }
    out.push_str("</section>\n");

    out.push_str("<section id=\"tables\">\n<h2>Other tables</h2>\n");
    if run.extra.is_empty() {
        out.push_str("<p class=\"note\">No other CSV files in this folder.</p>\n");
    }
    for t in &run.extra {
        let name = file_name(&t.path);
        let _ = writeln!(out, "<h3>{}</h3>", escape(&name));
        push_csv_table(&mut out, t, &name);
    }
    out.push_str("</section>\n");

    push_links(&mut out, csv_names, plots);
    out.push_str("</body>\n</html>\n");
    out
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Renders the report of a run folder `results/<scenario>/<scheduler>/seed-<n>/`: reads its
/// CSV files, writes the plots as PNG and SVG into `dir/plots/` and a self-contained
/// `dir/report.html`. The same CSV files always give the same bytes.
pub fn render_report(dir: &Path) -> Result<(), ReportError> {
    let run = RunResults::load(dir)?;
    let plots = render_run_plots(&run, &dir.join(PLOTS_DIR))?;
    let html = run_html(&run, &plots, &csv_files(dir)?);
    write_file(&dir.join(REPORT_FILE), &html)
}

/// Formats a mean or standard deviation for the comparison table.
fn fmt_num(v: f64) -> String {
    if v.abs() >= 100.0 || v == v.trunc() {
        format!("{v:.1}")
    } else if v.abs() >= 1.0 {
        format!("{v:.3}")
    } else {
        format!("{v:.4}")
    }
}

/// The comparison's verdict: the winner, then the figures that differ with their
/// direction and the best scheduler in bold, then the names of the figures equal for all.
fn push_verdict(out: &mut String, cmp: &Comparison) {
    let schedulers: Vec<String> = cmp.rows.iter().map(|r| r.scheduler.clone()).collect();
    let verdicts = decision::verdicts_from_comparison(cmp);
    out.push_str("<section id=\"verdict\">\n<h2>Verdict</h2>\n");
    if let Some(w) = decision::winner(&schedulers, &verdicts) {
        let _ = writeln!(
            out,
            "<p class=\"winner\"><strong>{}</strong></p>",
            escape(&w.line())
        );
    }
    let differing: Vec<&decision::FigureVerdict> = verdicts.iter().filter(|v| v.differs).collect();
    let _ = writeln!(
        out,
        "<p>Figures that differ between schedulers: {}; the best mean of each is in bold.</p>",
        differing.len()
    );
    if !differing.is_empty() {
        out.push_str("<table id=\"differing\">\n<thead><tr><th>figure</th><th>unit</th><th>better</th><th>best</th>");
        for s in &schedulers {
            let _ = write!(out, "<th>{}</th>", escape(s));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for v in &differing {
            let (label, unit) = label_and_unit(&v.figure);
            let better = v
                .better
                .map(|b| b.to_string())
                .unwrap_or_else(|| "–".into());
            let best = v.best.clone().unwrap_or_else(|| "–".into());
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{unit}</td><td>{better}</td><td>{}</td>",
                escape(&label),
                escape(&best)
            );
            for (m, s) in v.means.iter().zip(&schedulers) {
                match m {
                    Some(m) if v.best.as_ref() == Some(s) => {
                        let _ = write!(
                            out,
                            "<td class=\"num\"><strong>{}</strong></td>",
                            fmt_num(*m)
                        );
                    }
                    Some(m) => {
                        let _ = write!(out, "<td class=\"num\">{}</td>", fmt_num(*m));
                    }
                    None => out.push_str("<td>–</td>"),
                }
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n");
    }
    let equal = decision::equal_figures(&verdicts);
    if !equal.is_empty() {
        let _ = writeln!(
            out,
            "<p>Equal for every scheduler: {}.</p>",
            escape(&equal.join(", "))
        );
    }
    out.push_str("</section>\n");
}

fn comparison_html(
    compare_dir: &Path,
    cmp: &Comparison,
    runs: &[(String, PathBuf)],
    plots: &[Plot],
    csv_names: &[String],
) -> String {
    let scenario = compare_dir.parent().map(file_name).unwrap_or_default();
    let mut out = String::new();
    page_start(&mut out, &format!("k8sim comparison: {scenario}"));
    let _ = write!(
        out,
        "<h1>k8sim scheduler comparison</h1>\n<p class=\"sub\">scenario <strong>{}</strong> · {} \
         schedulers · {} runs</p>\n",
        escape(&scenario),
        cmp.rows.len(),
        runs.len()
    );
    push_verdict(&mut out, cmp);
    out.push_str(
        "<section id=\"summary-section\">\n<h2>Summary</h2>\n\
         <p>Mean ± standard deviation over seeds.</p>\n",
    );
    let mut header = vec!["metric", "unit"];
    header.extend(cmp.rows.iter().map(|r| r.scheduler.as_str()));
    let mut rows = vec![{
        let mut r = vec!["runs".to_owned(), String::new()];
        r.extend(cmp.rows.iter().map(|r| r.runs.to_string()));
        r
    }];
    for (i, m) in cmp.metrics.iter().enumerate() {
        let (label, unit) = label_and_unit(m);
        let mut r = vec![label, unit.to_owned()];
        r.extend(cmp.rows.iter().map(|row| match row.values[i] {
            (Some(mean), Some(std)) => format!("{} ± {}", fmt_num(mean), fmt_num(std)),
            (Some(mean), None) => fmt_num(mean),
            _ => "–".to_owned(),
        }));
        rows.push(r);
    }
    push_table(&mut out, Some("summary"), &header, &rows);
    out.push_str("</section>\n");
    push_plots(&mut out, plots);

    out.push_str("<section id=\"runs\">\n<h2>Runs</h2>\n<ul>\n");
    let scenario_dir = compare_dir.parent().unwrap_or(compare_dir);
    for (scheduler, dir) in runs {
        let rel = dir
            .strip_prefix(scenario_dir)
            .map(|r| format!("../{}", r.to_string_lossy()));
        let shown = format!("{scheduler}: {}", file_name(dir));
        match rel {
            Ok(rel) => {
                let target = if dir.join(REPORT_FILE).is_file() {
                    format!("{rel}/{REPORT_FILE}")
                } else {
                    format!("{rel}/")
                };
                let _ = writeln!(
                    out,
                    "<li><a href=\"{}\">{}</a></li>",
                    href(&target),
                    escape(&shown)
                );
            }
            Err(_) => {
                let _ = writeln!(out, "<li>{}</li>", escape(&shown));
            }
        }
    }
    out.push_str("</ul>\n</section>\n");
    push_links(&mut out, csv_names, plots);
    out.push_str("</body>\n</html>\n");
    out
}

/// Renders the report of a comparison folder `results/<scenario>/compare/` holding
/// `comparison.csv`: finds each scheduler's `seed-<n>` run folders next to it (see
/// [`discover_runs`]) and calls [`render_comparison_with_runs`].
pub fn render_comparison(compare_dir: &Path) -> Result<(), ReportError> {
    let cmp = comparison_of(compare_dir)?;
    let schedulers: Vec<String> = cmp.rows.iter().map(|r| r.scheduler.clone()).collect();
    let runs = discover_runs(compare_dir, &schedulers)?;
    render_with(compare_dir, &cmp, &runs)
}

/// Renders the report of a comparison folder from `comparison.csv` and the given run folders,
/// each `(scheduler, run folder)` holding a `timeseries.csv`: writes plots (one line per
/// scheduler, mean over its runs; bars of summary figures with ± std error bars) into
/// `compare_dir/plots/` and `compare_dir/report.html`, whose table `id="summary"` lists every
/// metric per scheduler.
pub fn render_comparison_with_runs(
    compare_dir: &Path,
    runs: &[(String, PathBuf)],
) -> Result<(), ReportError> {
    let cmp = comparison_of(compare_dir)?;
    render_with(compare_dir, &cmp, runs)
}

fn comparison_of(compare_dir: &Path) -> Result<Comparison, ReportError> {
    let path = compare_dir.join(files::COMPARISON);
    if !path.is_file() {
        return Err(ReportError::NotResults {
            path: compare_dir.to_path_buf(),
            reason: format!("missing {}", files::COMPARISON),
        });
    }
    read_comparison(&path)
}

fn render_with(
    compare_dir: &Path,
    cmp: &Comparison,
    runs: &[(String, PathBuf)],
) -> Result<(), ReportError> {
    let series = runs
        .iter()
        .map(|(s, dir)| Ok((s.clone(), read_timeseries(&dir.join(files::TIMESERIES))?)))
        .collect::<Result<Vec<_>, ReportError>>()?;
    let plots = render_comparison_plots(cmp, &series, &compare_dir.join(PLOTS_DIR))?;
    let html = comparison_html(compare_dir, cmp, runs, &plots, &csv_files(compare_dir)?);
    write_file(&compare_dir.join(REPORT_FILE), &html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_html() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn hrefs_are_percent_encoded() {
        assert_eq!(href("plots/a b.png"), "plots/a%20b.png");
        assert_eq!(href("x\"y"), "x%22y");
    }

    #[test]
    fn labels_have_units() {
        assert_eq!(
            label_and_unit("sched_latency_p95_s"),
            ("sched latency p95".to_owned(), "s")
        );
        assert_eq!(label_and_unit("pods_created").1, "pods");
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(fmt_num(3.0), "3.0");
        assert_eq!(fmt_num(0.123456), "0.1235");
        assert_eq!(fmt_num(12.34567), "12.346");
    }
}
