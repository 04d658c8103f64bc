//! Everything that writes files or terminal output: the CSVs of a run, plots, the HTML
//! report, the terminal summary, atomic results folders.

pub mod atomic;
pub mod availability_files;
pub mod comparison_files;
pub mod decision;
pub mod plots;
pub mod report;
pub mod results_dir;
pub mod run_files;
pub mod sweep_files;
pub mod terminal;
pub mod workload_files;
