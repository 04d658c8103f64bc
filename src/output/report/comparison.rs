//! The report page of a comparison folder `results/<scenario>/compare/`: the verdict,
//! the summary per scheduler, plots and links to the runs.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::html::{
    escape, file_name, href, label_and_unit, page_start, push_links, push_plots, push_table,
    write_file,
};
use super::{PLOTS_DIR, REPORT_FILE};
use crate::output::decision;
use crate::output::plots::{render_comparison_plots, Plot};
use crate::output::results_dir::{
    csv_files, discover_runs, files, read_comparison, read_timeseries, Comparison, ReportError,
};

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

/// Builds the HTML of a comparison report.
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
    push_summary(&mut out, cmp);
    push_plots(&mut out, plots);
    push_runs(&mut out, compare_dir, runs);
    push_links(&mut out, csv_names, plots);
    out.push_str("</body>\n</html>\n");
    out
}

/// The Summary section: run counts, then each metric's mean ± std per scheduler.
fn push_summary(out: &mut String, cmp: &Comparison) {
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
    push_table(out, Some("summary"), &header, &rows);
    out.push_str("</section>\n");
}

/// The Runs section: a link to each run's report (or folder) when it lies under the
/// scenario folder, else its name.
fn push_runs(out: &mut String, compare_dir: &Path, runs: &[(String, PathBuf)]) {
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

/// Reads `comparison.csv` of `compare_dir`, which must have one.
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

/// Renders the plots and the page of a comparison from `cmp` and its run folders.
fn render_with(
    compare_dir: &Path,
    cmp: &Comparison,
    runs: &[(String, PathBuf)],
) -> Result<(), ReportError> {
    let series = runs
        .iter()
        .map(|(s, dir)| {
            let read = read_timeseries(&dir.join(files::TIMESERIES))?;
            Ok((s.clone(), read.samples))
        })
        .collect::<Result<Vec<_>, ReportError>>()?;
    let plots = render_comparison_plots(cmp, &series, &compare_dir.join(PLOTS_DIR))?;
    let html = comparison_html(compare_dir, cmp, runs, &plots, &csv_files(compare_dir)?);
    write_file(&compare_dir.join(REPORT_FILE), &html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short() {
        assert_eq!(fmt_num(3.0), "3.0");
        assert_eq!(fmt_num(0.123456), "0.1235");
        assert_eq!(fmt_num(12.34567), "12.346");
    }
}
