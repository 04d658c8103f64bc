//! Experiment campaigns: the cells of a sweep (parameter combination × scheduler × seed),
//! how they are split into shards, and the statistics over seeds. No IO: `cli::sweep` runs
//! the cells, `output::sweep_files` writes and reads the files.

pub mod grid;
pub mod shard;
pub mod stats;
