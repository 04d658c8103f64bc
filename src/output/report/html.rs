//! The HTML building blocks every report page shares: the page head and its CSS,
//! escaping, links, tables, the plots section and the data-file list.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use super::PLOTS_DIR;
use crate::output::plots::Plot;
use crate::output::results_dir::{CsvTable, ReportError};

/// Most rows of an extra CSV shown as an HTML table; the rest is left to the linked file.
const MAX_TABLE_ROWS: usize = 500;

/// The CSS of every page (inlined: a report fetches nothing).
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
pub(super) fn href(path: &str) -> String {
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

/// Writes `text` to `path`.
pub(super) fn write_file(path: &Path, text: &str) -> Result<(), ReportError> {
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

/// Opens the page: doctype, head with `title` and the CSS, body.
pub(super) fn page_start(out: &mut String, title: &str) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(title)
    );
}

/// The plots section, the files being in the [`PLOTS_DIR`] folder next to the page.
pub(super) fn push_plots(out: &mut String, plots: &[Plot]) {
    push_plots_from(out, plots, &format!("{PLOTS_DIR}/"));
}

/// The plots section, the files being `<prefix><stem>.png|svg` relative to the page.
pub(super) fn push_plots_from(out: &mut String, plots: &[Plot], prefix: &str) {
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
pub(super) fn push_table(
    out: &mut String,
    id: Option<&str>,
    header: &[&str],
    rows: &[Vec<String>],
) {
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

/// A CSV file `name` as a table of at most [`MAX_TABLE_ROWS`] rows, linking to the file
/// when it has more.
pub(super) fn push_csv_table(out: &mut String, table: &CsvTable, name: &str) {
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

/// The Data files section: links to `names` and to the PNG and SVG of each plot.
pub(super) fn push_links(out: &mut String, names: &[String], plots: &[Plot]) {
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

/// Splits a summary column name into a readable label and its unit.
pub(super) fn label_and_unit(column: &str) -> (String, &'static str) {
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

/// The last component of `path` (empty when there is none).
pub(super) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
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
}
