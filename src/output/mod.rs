//! Outputs of a simulation run: reading results folders, plots and the HTML report.

pub mod plots;
pub mod report;
pub mod results_dir;
