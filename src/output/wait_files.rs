//! workload_waits.csv: per workload, how long its pods waited for a node, never-scheduled
//! pods counted until the end of the run (docs/metrics.md, "Waiting for a node").

use crate::metrics::run_record::RunRecord;
use crate::output::results_dir::CsvTable;
use std::path::Path;

/// Header of workload_waits.csv.
pub const WORKLOAD_WAITS_HEADER: &str =
    "workload,kind,namespace,pods,never_scheduled,wait_p50_s,wait_p95_s,wait_max_s";

/// workload_waits.csv of the run of `record` in `dir`: one row per top-level workload, in
/// (kind, namespace, name) order.
pub fn workload_waits_table(record: &RunRecord, dir: &Path) -> CsvTable {
    let rows = (record.workload_waits.iter())
        .map(|(key, s)| {
            vec![
                key.name.clone(),
                key.kind.to_string(),
                key.namespace.clone(),
                s.pods.to_string(),
                s.never_scheduled.to_string(),
                format!("{:.3}", s.wait.p50),
                format!("{:.3}", s.wait.p95),
                format!("{:.3}", s.wait.max),
            ]
        })
        .collect();
    CsvTable::built(dir.join("workload_waits.csv"), WORKLOAD_WAITS_HEADER, rows)
}
