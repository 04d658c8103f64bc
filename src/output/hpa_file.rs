//! hpa.csv: every HorizontalPodAutoscaler sync, one row per metric (docs/metrics.md).
//! Written for every run, with only its header when the scenario has no HPA.

use super::run_files::q;
use crate::metrics::run_record::RunRecord;
use std::io::Write;
use std::path::Path;

/// Header of hpa.csv.
pub const HPA_HEADER: &str =
    "time_s,namespace,name,target,current_replicas,desired_replicas,metric,current,target_value";

/// Writes hpa.csv.
pub fn write_hpa(record: &RunRecord, path: &Path) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(w, "{HPA_HEADER}")?;
    for r in &record.hpa {
        writeln!(
            w,
            "{},{},{},{},{},{},{},{},{}",
            r.time,
            q(&r.namespace),
            q(&r.name),
            q(&r.target),
            r.current_replicas,
            r.desired_replicas,
            r.metric,
            r.current.map(|c| c.to_string()).unwrap_or_default(),
            r.target_value,
        )?;
    }
    w.flush()
}
