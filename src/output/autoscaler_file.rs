//! `autoscaler.csv`: what the Cluster Autoscaler did to each node group, one row per
//! scale-up, scale-down and failed node (written only when a group is autoscaled).

use super::run_files::q;
use crate::metrics::run_record::RunRecord;
use std::io::Write;
use std::path::Path;

/// Header of autoscaler.csv.
pub const AUTOSCALER_HEADER: &str = "time_s,group,action,nodes_before,nodes_after,reason";

/// Writes `autoscaler.csv` into `dir` if the run has a Cluster Autoscaler.
pub fn write(record: &RunRecord, dir: &Path) -> std::io::Result<()> {
    let Some(records) = &record.autoscaler else {
        return Ok(());
    };
    let mut w = std::io::BufWriter::new(std::fs::File::create(dir.join("autoscaler.csv"))?);
    writeln!(w, "{AUTOSCALER_HEADER}")?;
    for r in records {
        writeln!(
            w,
            "{:.3},{},{},{},{},{}",
            r.time.as_secs_f64(),
            q(&r.group),
            r.action,
            r.nodes_before,
            r.nodes_after,
            q(&r.reason)
        )?;
    }
    w.flush()
}
