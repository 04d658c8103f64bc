//! hpa.csv: every HorizontalPodAutoscaler sync, one row per metric (docs/metrics.md).
//! Written for every run, with only its header when the scenario has no HPA.

use crate::metrics::run_record::RunRecord;
use crate::output::results_dir::CsvTable;
use std::path::Path;

/// Name of the file.
pub const HPA_FILE: &str = "hpa.csv";
/// Header of hpa.csv.
pub const HPA_HEADER: &str =
    "time_s,namespace,name,target,current_replicas,desired_replicas,metric,current,target_value";

/// hpa.csv of the run of `record` in folder `dir`, as written and as the report shows it.
pub fn hpa_table(record: &RunRecord, dir: &Path) -> CsvTable {
    let rows = (record.hpa.iter())
        .map(|r| {
            vec![
                r.time.to_string(),
                r.namespace.clone(),
                r.name.clone(),
                r.target.clone(),
                r.current_replicas.to_string(),
                r.desired_replicas.to_string(),
                r.metric.to_string(),
                r.current.map(|c| c.to_string()).unwrap_or_default(),
                r.target_value.to_string(),
            ]
        })
        .collect();
    CsvTable::built(dir.join(HPA_FILE), HPA_HEADER, rows)
}
