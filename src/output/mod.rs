//! Everything that writes files or terminal output: the CSVs of a run, plots, the HTML
//! report, the terminal summary, atomic results folders.

pub mod atomic;
pub mod autoscaler_file;
pub mod availability_files;
pub mod comparison_files;
pub mod csv_line;
pub mod decimal;
pub mod decision;
pub mod fgd_files;
pub mod fit_answer;
pub mod hpa_file;
pub mod node_group_files;
pub mod plots;
pub mod report;
pub mod results_dir;
pub mod results_path;
pub mod run_files;
pub mod sweep_files;
pub mod table_file;
pub mod terminal;
pub mod wait_files;
pub mod workload_files;
