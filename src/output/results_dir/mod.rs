//! Reading a results folder's CSV files into typed tables, with errors naming file, line and column.

mod comparison;
mod csv_table;
mod node_groups;
mod records;
mod run;
mod samples;

use std::path::PathBuf;

pub use self::comparison::{discover_runs, read_comparison, Comparison, ComparisonRow};
pub use self::csv_table::{CsvRow, CsvTable};
pub use self::node_groups::{read_node_group_series, read_node_groups};
pub use self::records::Summary;
pub use self::run::{csv_files, read_pods, read_summary, RunResults};
pub use self::samples::{read_events, read_nodes, read_timeseries, ReadNodeSamples, ReadSamples};

/// Errors raised while reading a results folder or rendering its plots and report.
///
/// Positions are 1-based: `line` is the line of the CSV file, `column` the field number.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The folder does not exist or holds no results.
    #[error("{}: not a results folder: {reason}", path.display())]
    NotResults {
        /// The folder that was given.
        path: PathBuf,
        /// What is missing.
        reason: String,
    },
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file being read or written.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The CSV file is empty: not even a header line.
    #[error("{}:1: missing header line (the file is empty)", path.display())]
    EmptyFile {
        /// The CSV file.
        path: PathBuf,
    },
    /// The header line lacks a column the file must have.
    #[error("{}:1: header lacks column `{column}` (found header: {found})", path.display())]
    MissingColumn {
        /// The CSV file.
        path: PathBuf,
        /// The missing column's name.
        column: String,
        /// The header line as read.
        found: String,
    },
    /// A row has a different number of fields than the header (e.g. a truncated file).
    #[error("{}:{line}: expected {expected} fields as in the header, found {found} (truncated or malformed row)", path.display())]
    ColumnCount {
        /// The CSV file.
        path: PathBuf,
        /// The line of the row.
        line: u64,
        /// Number of header columns.
        expected: usize,
        /// Number of fields in the row.
        found: usize,
    },
    /// A field does not hold a value of the column's type.
    #[error("{}:{line}:{column}: column `{name}`: {value:?} is not {expected}", path.display())]
    BadValue {
        /// The CSV file.
        path: PathBuf,
        /// The line of the row.
        line: u64,
        /// The field number.
        column: usize,
        /// The column's name.
        name: String,
        /// The field as read.
        value: String,
        /// What the column holds.
        expected: &'static str,
    },
    /// The CSV parser failed (e.g. invalid UTF-8 or an unterminated quote).
    #[error("{}:{line}: {source}", path.display())]
    Csv {
        /// The CSV file.
        path: PathBuf,
        /// The line where parsing failed.
        line: u64,
        /// The underlying error.
        #[source]
        source: csv::Error,
    },
    /// A file that must hold exactly one data row holds another number of rows.
    #[error("{}: expected exactly one data row, found {found}", path.display())]
    RowCount {
        /// The CSV file.
        path: PathBuf,
        /// Number of data rows found.
        found: usize,
    },
    /// Drawing a plot failed.
    #[error("{}: cannot draw plot: {message}", path.display())]
    Plot {
        /// The plot file being drawn.
        path: PathBuf,
        /// The drawing backend's message.
        message: String,
    },
}

/// File names of a run folder.
pub mod files {
    /// Per-pod lifecycle table.
    pub const PODS: &str = "pods.csv";
    /// Cluster-wide time series.
    pub const TIMESERIES: &str = "timeseries.csv";
    /// Per-node allocation time series.
    pub const NODES_TIMESERIES: &str = "nodes_timeseries.csv";
    /// One-row run summary.
    pub const SUMMARY: &str = "summary.csv";
    /// Kubernetes-style events.
    pub const EVENTS: &str = "events.csv";
    /// Per node group sizes, node-hours and cost.
    pub const NODE_GROUPS: &str = "node_groups.csv";
    /// Per node group nodes and cost over time.
    pub const NODE_GROUPS_TIMESERIES: &str = "node_groups_timeseries.csv";
    /// Scheduler comparison table of a comparison folder.
    pub const COMPARISON: &str = "comparison.csv";
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::path::PathBuf;

    use super::*;

    fn write_tmp(name: &str, content: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("k8sim-results-dir-{}-{name}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let p = dir.join("t.csv");
        fs::write(&p, content).unwrap();
        p
    }

    #[test]
    fn reads_rows_with_lines() {
        let p = write_tmp("ok", "a,b\n1,\n2,3\n");
        let t = CsvTable::read(&p).unwrap();
        assert_eq!(t.header, ["a", "b"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[1].line, 3);
        assert_eq!(t.opt_f64(&t.rows[0], 1).unwrap(), None);
        assert_eq!(t.f64(&t.rows[1], 1).unwrap(), 3.0);
    }

    #[test]
    fn errors_name_line_and_column() {
        let p = write_tmp("bad", "a,b\n1,2\n1,x\n");
        let t = CsvTable::read(&p).unwrap();
        let e = t.f64(&t.rows[1], 1).unwrap_err().to_string();
        assert!(
            e.ends_with("t.csv:3:2: column `b`: \"x\" is not a number"),
            "{e}"
        );
        let p = write_tmp("short", "a,b\n1,2\n1\n");
        let e = CsvTable::read(&p).unwrap_err().to_string();
        assert!(e.contains("t.csv:3: expected 2 fields"), "{e}");
        let p = write_tmp("empty", "");
        let e = CsvTable::read(&p).unwrap_err().to_string();
        assert!(e.contains("t.csv:1: missing header"), "{e}");
        let p = write_tmp("nocol", "a,b\n1,2\n");
        let t = CsvTable::read(&p).unwrap();
        let e = t.columns(["a", "c"]).unwrap_err().to_string();
        assert!(e.contains("t.csv:1: header lacks column `c`"), "{e}");
    }

    #[test]
    fn times_read_exactly_and_bad_times_name_line_and_column() {
        let p = write_tmp("times", "t,u\n12.345,a\n,b\n1.2345,c\n");
        let t = CsvTable::read(&p).unwrap();
        // 12.345 s is 12 * 1000 + 345 = 12345 ms, exactly.
        assert_eq!(t.time(&t.rows[0], 0).unwrap().as_millis(), 12_345);
        assert_eq!(t.opt_time(&t.rows[1], 0).unwrap(), None);
        let e = t.time(&t.rows[2], 0).unwrap_err().to_string();
        assert!(
            e.ends_with("t.csv:4:1: column `t`: \"1.2345\" is not seconds with at most three decimals (e.g. 12.345)"),
            "{e}"
        );
    }

    #[test]
    fn pods_with_a_bad_phase_name_line_and_column() {
        let header = "name,namespace,owner_kind,owner,node,created_s,scheduled_s,started_s,ready_s,finished_s,phase,attempts,restarts,cpu_request_millis,memory_request_bytes,gpu_request_millis";
        let p = write_tmp(
            "phase",
            &format!("{header}\np,default,,,,0.000,,,,,Lost,0,0,100,0,0\n"),
        );
        let e = read_pods(&p).unwrap_err().to_string();
        assert!(
            e.ends_with(
                "t.csv:2:11: column `phase`: \"Lost\" is not Pending, Running, Succeeded or Failed"
            ),
            "{e}"
        );
    }

    #[test]
    fn samples_and_events_with_bad_fields_name_line_and_column() {
        let p = write_tmp("ts-time", "time_s,pods_pending,pods_running,cpu_allocated_ratio,memory_allocated_ratio,gpu_allocated_ratio,nodes_used,nodes_ready\n0.000,0,0,0.5,0.5,0,1,1\n1.0001,0,0,0.5,0.5,0,1,1\n");
        let e = read_timeseries(&p).unwrap_err().to_string();
        assert!(e.ends_with("t.csv:3:1: column `time_s`: \"1.0001\" is not seconds with at most three decimals (e.g. 12.345)"), "{e}");
        let p = write_tmp(
            "nodes-ratio",
            "time_s,node,cpu_allocated_ratio,memory_allocated_ratio\n0.000,n1,half,0.5\n",
        );
        let e = read_nodes(&p).unwrap_err().to_string();
        assert!(
            e.ends_with("t.csv:2:3: column `cpu_allocated_ratio`: \"half\" is not a number"),
            "{e}"
        );
        let p = write_tmp(
            "events-type",
            "time_s,type,reason,object_kind,object,message\n1.000,Info,Scheduled,Pod,p,m\n",
        );
        let e = read_events(&p).unwrap_err().to_string();
        assert!(
            e.ends_with("t.csv:2:2: column `type`: \"Info\" is not Normal or Warning"),
            "{e}"
        );
    }

    #[test]
    fn old_timeseries_and_nodes_read_appended_columns_as_zero() {
        // Written before sched_queue_len, fragmentation, usage and per-node GPU existed.
        let p = write_tmp("ts-old", "time_s,pods_pending,pods_running,cpu_allocated_ratio,memory_allocated_ratio,gpu_allocated_ratio,nodes_used,nodes_ready\n2.500,3,4,0.25,0.5,0,1,2\n");
        let read = read_timeseries(&p).unwrap();
        assert!(!read.has_sched_queue_len);
        let s = &read.samples[0];
        // 2.500 s is 2 * 1000 + 500 = 2500 ms.
        assert_eq!(s.time.as_millis(), 2_500);
        assert_eq!((s.pods_pending, s.pods_running, s.nodes_ready), (3, 4, 2));
        assert_eq!(
            (s.sched_queue_len, s.nodes_present, s.cpu_used_ratio),
            (0, 0, 0.0)
        );
        // The column's name before the rename still counts as the queue length.
        let p = write_tmp("ts-queue", "time_s,pods_pending,pods_running,cpu_allocated_ratio,memory_allocated_ratio,gpu_allocated_ratio,nodes_used,nodes_ready,queue_length\n0.000,0,0,0,0,0,0,0,7\n");
        let read = read_timeseries(&p).unwrap();
        assert!(read.has_sched_queue_len);
        assert_eq!(read.samples[0].sched_queue_len, 7);
        let p = write_tmp("nodes-old", "time_s,node,cpu_allocated_ratio,memory_allocated_ratio\n0.000,b,0.1,0.2\n0.000,a,0.3,0.4\n5.000,b,0.5,0.6\n");
        let read = read_nodes(&p).unwrap();
        // Nodes numbered in order of first appearance: b is 0, a is 1.
        assert_eq!(read.node_names, ["b", "a"]);
        let nodes: Vec<u32> = read.samples.iter().map(|s| s.node).collect();
        assert_eq!(nodes, [0, 1, 0]);
        assert_eq!(read.samples[2].gpu_allocated_ratio, 0.0);
    }

    #[test]
    fn comparison_pairs_mean_and_std() {
        let p = write_tmp("cmp", "scheduler,runs,x_mean,x_std\ndefault,3,1.5,0.5\n");
        let c = read_comparison(&p).unwrap();
        assert_eq!(c.metrics, ["x"]);
        assert_eq!(c.rows[0].values, [(Some(1.5), Some(0.5))]);
        let p = write_tmp("cmp-bad", "scheduler,runs,x_mean\ndefault,3,1.5\n");
        let e = read_comparison(&p).unwrap_err().to_string();
        assert!(e.contains("header lacks column `x_std`"), "{e}");
    }
}
