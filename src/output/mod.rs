//! Everything that writes files or terminal output: the CSVs of a run, the terminal
//! summary, atomic results folders.

pub mod atomic;
pub mod run_files;
pub mod terminal;
