//! `autoscaler.csv`: what the Cluster Autoscaler did to each node group, one row per
//! scale-up, scale-down and failed node (written only when a group is autoscaled).

use crate::metrics::run_record::RunRecord;
use crate::output::results_dir::CsvTable;
use std::path::Path;

/// Header of autoscaler.csv.
pub const AUTOSCALER_HEADER: &str = "time_s,group,action,nodes_before,nodes_after,reason";

/// `autoscaler.csv` of the run of `record` in `dir`, if the run has a Cluster Autoscaler.
pub fn autoscaler_table(record: &RunRecord, dir: &Path) -> Option<CsvTable> {
    let records = record.autoscaler.as_ref()?;
    let rows = (records.iter())
        .map(|r| {
            vec![
                format!("{:.3}", r.time.as_secs_f64()),
                r.group.clone(),
                r.action.to_string(),
                r.nodes_before.to_string(),
                r.nodes_after.to_string(),
                r.reason.clone(),
            ]
        })
        .collect();
    Some(CsvTable::built(
        dir.join("autoscaler.csv"),
        AUTOSCALER_HEADER,
        rows,
    ))
}
