//! workload_waits.csv: per workload, how long its pods waited for a node, never-scheduled
//! pods counted until the end of the run (docs/metrics.md, "Waiting for a node").

use super::run_files::q;
use crate::metrics::run_record::RunRecord;
use std::io::Write;
use std::path::Path;

/// Header of workload_waits.csv.
pub const WORKLOAD_WAITS_HEADER: &str =
    "workload,kind,namespace,pods,never_scheduled,wait_p50_s,wait_p95_s,wait_max_s";

/// Writes workload_waits.csv into `dir`: one row per top-level workload, in (kind,
/// namespace, name) order.
pub fn write_workload_waits(record: &RunRecord, dir: &Path) -> std::io::Result<()> {
    let path = dir.join("workload_waits.csv");
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(w, "{WORKLOAD_WAITS_HEADER}")?;
    for (key, s) in &record.workload_waits {
        writeln!(
            w,
            "{},{},{},{},{},{:.3},{:.3},{:.3}",
            q(&key.name),
            key.kind,
            q(&key.namespace),
            s.pods,
            s.never_scheduled,
            s.wait.p50,
            s.wait.p95,
            s.wait.max
        )?;
    }
    w.flush()
}
