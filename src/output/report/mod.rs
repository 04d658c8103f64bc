//! Self-contained HTML reports (inline SVG and CSS, no script, no URL fetched) of a results folder.
//! One module per page (a run, a comparison, a plan); `html` holds what they share.

mod comparison;
mod html;
mod plan;
mod run;

pub use comparison::{render_comparison, render_comparison_with_runs};
pub use html::escape;
pub use plan::render_plan_report;
pub use run::{render_record_report, render_report};

/// Name of the report file written into a results folder.
pub const REPORT_FILE: &str = "report.html";
/// Name of the folder, inside a results folder, that receives the PNG and SVG plots.
pub const PLOTS_DIR: &str = "plots";
