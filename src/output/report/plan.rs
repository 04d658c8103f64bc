//! The report page of a `k8sim plan` folder.

use std::fmt::Write as _;
use std::path::Path;

use super::html::{escape, page_start, push_plots_from, push_table, write_file};
use super::REPORT_FILE;
use crate::output::plots::Plot;
use crate::output::results_dir::ReportError;

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
