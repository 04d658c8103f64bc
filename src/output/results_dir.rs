//! Reading a results folder's CSV files into typed tables, with errors naming file, line and column.

use std::fs;
use std::path::{Path, PathBuf};

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

/// A CSV file read as text, every row checked to have as many fields as the header.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvTable {
    /// The file it was read from.
    pub path: PathBuf,
    /// The header's column names.
    pub header: Vec<String>,
    /// The data rows, in file order.
    pub rows: Vec<CsvRow>,
}

/// One data row of a [`CsvTable`].
#[derive(Debug, Clone, PartialEq)]
pub struct CsvRow {
    /// The 1-based line of the file where the row starts.
    pub line: u64,
    /// The fields, one per header column.
    pub fields: Vec<String>,
}

impl CsvTable {
    /// Reads a CSV file with a header line; fails on an empty file or a row whose
    /// field count differs from the header's.
    pub fn read(path: &Path) -> Result<Self, ReportError> {
        let bytes = fs::read(path).map_err(|source| ReportError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes.as_slice());
        let mut header: Option<Vec<String>> = None;
        let mut rows = Vec::new();
        let mut record = csv::StringRecord::new();
        loop {
            let line = reader.position().line();
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(source) => {
                    let line = source.position().map_or(line, |p| p.line());
                    return Err(ReportError::Csv {
                        path: path.to_path_buf(),
                        line,
                        source,
                    });
                }
            }
            let line = record.position().map_or(line, |p| p.line());
            let fields: Vec<String> = record.iter().map(str::to_owned).collect();
            match &header {
                None => header = Some(fields),
                Some(h) if h.len() != fields.len() => {
                    return Err(ReportError::ColumnCount {
                        path: path.to_path_buf(),
                        line,
                        expected: h.len(),
                        found: fields.len(),
                    })
                }
                Some(_) => rows.push(CsvRow { line, fields }),
            }
        }
        let header = header.ok_or_else(|| ReportError::EmptyFile {
            path: path.to_path_buf(),
        })?;
        Ok(Self {
            path: path.to_path_buf(),
            header,
            rows,
        })
    }

    /// Returns the index of each named column, failing on the first one missing.
    pub fn columns<const N: usize>(&self, names: [&str; N]) -> Result<[usize; N], ReportError> {
        let mut out = [0; N];
        for (slot, name) in out.iter_mut().zip(names) {
            *slot = self
                .column(name)
                .ok_or_else(|| ReportError::MissingColumn {
                    path: self.path.clone(),
                    column: name.to_owned(),
                    found: self.header.join(","),
                })?;
        }
        Ok(out)
    }

    /// Returns the index of a column by name, if present.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    fn bad(&self, row: &CsvRow, col: usize, expected: &'static str) -> ReportError {
        ReportError::BadValue {
            path: self.path.clone(),
            line: row.line,
            column: col + 1,
            name: self.header[col].clone(),
            value: row.fields[col].clone(),
            expected,
        }
    }

    /// Parses a field as a finite number.
    pub fn f64(&self, row: &CsvRow, col: usize) -> Result<f64, ReportError> {
        self.opt_f64(row, col)?
            .ok_or_else(|| self.bad(row, col, "a number"))
    }

    /// Parses a field as a finite number, an empty field giving `None`.
    pub fn opt_f64(&self, row: &CsvRow, col: usize) -> Result<Option<f64>, ReportError> {
        let text = row.fields[col].trim();
        if text.is_empty() {
            return Ok(None);
        }
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Some(v)),
            _ => Err(self.bad(row, col, "a number")),
        }
    }

    /// Parses a field as a non-negative integer.
    pub fn u64(&self, row: &CsvRow, col: usize) -> Result<u64, ReportError> {
        row.fields[col]
            .trim()
            .parse::<u64>()
            .map_err(|_| self.bad(row, col, "a non-negative integer"))
    }

    /// Returns a field as text.
    pub fn text(&self, row: &CsvRow, col: usize) -> String {
        row.fields[col].clone()
    }

    /// Returns a field as text, an empty field giving `None`.
    pub fn opt_text(&self, row: &CsvRow, col: usize) -> Option<String> {
        let t = &row.fields[col];
        (!t.is_empty()).then(|| t.clone())
    }
}

/// One pod of `pods.csv`; times in seconds of simulated time, `None` when it did not happen.
#[derive(Debug, Clone, PartialEq)]
pub struct PodRecord {
    /// Pod name.
    pub name: String,
    /// Namespace.
    pub namespace: String,
    /// Kind of the owning object (e.g. `Deployment`, `Job`), may be empty.
    pub owner_kind: String,
    /// Name of the owning object, may be empty.
    pub owner: String,
    /// Node it was bound to.
    pub node: Option<String>,
    /// Creation time.
    pub created_s: f64,
    /// Binding time.
    pub scheduled_s: Option<f64>,
    /// Container start time.
    pub started_s: Option<f64>,
    /// Readiness time.
    pub ready_s: Option<f64>,
    /// Completion or deletion time.
    pub finished_s: Option<f64>,
    /// Final phase.
    pub phase: String,
    /// Scheduling attempts.
    pub attempts: u64,
    /// Container restarts.
    pub restarts: u64,
    /// CPU request in millicores.
    pub cpu_request_millis: u64,
    /// Memory request in bytes.
    pub memory_request_bytes: u64,
    /// GPU request in milli-GPUs.
    pub gpu_request_millis: u64,
}

impl PodRecord {
    /// Scheduling latency (`scheduled_s - created_s`), if the pod was scheduled.
    pub fn sched_latency_s(&self) -> Option<f64> {
        self.scheduled_s.map(|s| s - self.created_s)
    }
}

/// One sample of `timeseries.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterSample {
    /// Sample time in seconds.
    pub time_s: f64,
    /// Pods waiting to be scheduled.
    pub pods_pending: u64,
    /// Pods running.
    pub pods_running: u64,
    /// Fraction of allocatable CPU requested by bound pods (0..1).
    pub cpu_allocated_ratio: f64,
    /// Fraction of allocatable memory requested by bound pods (0..1).
    pub memory_allocated_ratio: f64,
    /// Fraction of allocatable GPU requested by bound pods (0 without GPUs).
    pub gpu_allocated_ratio: f64,
    /// Nodes with at least one pod.
    pub nodes_used: u64,
    /// Ready nodes.
    pub nodes_ready: u64,
}

/// One sample of `nodes_timeseries.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeSample {
    /// Sample time in seconds.
    pub time_s: f64,
    /// Node name.
    pub node: String,
    /// Fraction of the node's allocatable CPU requested (0..1).
    pub cpu_allocated_ratio: f64,
    /// Fraction of the node's allocatable memory requested (0..1).
    pub memory_allocated_ratio: f64,
}

/// One row of `events.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRecord {
    /// Event time in seconds.
    pub time_s: f64,
    /// Event type (`Normal`, `Warning`).
    pub kind: String,
    /// Short reason (e.g. `FailedScheduling`).
    pub reason: String,
    /// Kind of the object concerned.
    pub object_kind: String,
    /// Name of the object concerned.
    pub object: String,
    /// Free-text message.
    pub message: String,
}

/// The one-row `summary.csv`, kept as ordered (column, value) pairs.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Every column in file order with its value (numbers checked to parse).
    pub fields: Vec<(String, String)>,
}

impl Summary {
    /// Columns of `summary.csv` that hold text rather than numbers.
    pub const TEXT_COLUMNS: [&'static str; 2] = ["scenario", "scheduler"];

    /// Returns the value of a column, if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
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
    /// Scheduler comparison table of a comparison folder.
    pub const COMPARISON: &str = "comparison.csv";
}

/// Everything read from a run folder `results/<scenario>/<scheduler>/seed-<n>/`.
#[derive(Debug, Clone, PartialEq)]
pub struct RunResults {
    /// The folder.
    pub dir: PathBuf,
    /// `summary.csv`.
    pub summary: Summary,
    /// `pods.csv`.
    pub pods: Vec<PodRecord>,
    /// `timeseries.csv`, in file order.
    pub timeseries: Vec<ClusterSample>,
    /// `nodes_timeseries.csv`, if present.
    pub nodes: Option<Vec<NodeSample>>,
    /// `events.csv`, if present.
    pub events: Option<Vec<EventRecord>>,
    /// Any other CSV file of the folder (e.g. `workloads.csv`), sorted by file name.
    pub extra: Vec<CsvTable>,
}

const SUMMARY_COLUMNS: [&str; 24] = [
    "scenario",
    "scheduler",
    "seed",
    "pods_created",
    "pods_scheduled",
    "pods_unschedulable",
    "pods_succeeded",
    "pods_failed",
    "sched_latency_mean_s",
    "sched_latency_p50_s",
    "sched_latency_p95_s",
    "sched_latency_p99_s",
    "sched_latency_max_s",
    "startup_latency_mean_s",
    "startup_latency_p50_s",
    "startup_latency_p95_s",
    "startup_latency_p99_s",
    "cpu_allocated_avg",
    "memory_allocated_avg",
    "gpu_allocated_avg",
    "nodes_used_avg",
    "makespan_s",
    "events_processed",
    "sim_end_s",
];

impl RunResults {
    /// Reads a run folder. `summary.csv`, `pods.csv` and `timeseries.csv` are required;
    /// `nodes_timeseries.csv` and `events.csv` are optional; other CSVs are read generically.
    pub fn load(dir: &Path) -> Result<Self, ReportError> {
        if !dir.is_dir() {
            return Err(ReportError::NotResults {
                path: dir.to_path_buf(),
                reason: "no such directory".into(),
            });
        }
        for required in [files::SUMMARY, files::PODS, files::TIMESERIES] {
            if !dir.join(required).is_file() {
                return Err(ReportError::NotResults {
                    path: dir.to_path_buf(),
                    reason: format!("missing {required}"),
                });
            }
        }
        let optional = |name: &str| {
            let p = dir.join(name);
            p.is_file().then_some(p)
        };
        Ok(Self {
            dir: dir.to_path_buf(),
            summary: read_summary(&dir.join(files::SUMMARY))?,
            pods: read_pods(&dir.join(files::PODS))?,
            timeseries: read_timeseries(&dir.join(files::TIMESERIES))?,
            nodes: optional(files::NODES_TIMESERIES)
                .map(|p| read_nodes(&p))
                .transpose()?,
            events: optional(files::EVENTS)
                .map(|p| read_events(&p))
                .transpose()?,
            extra: csv_files(dir)?
                .into_iter()
                .filter(|name| {
                    ![
                        files::SUMMARY,
                        files::PODS,
                        files::TIMESERIES,
                        files::NODES_TIMESERIES,
                        files::EVENTS,
                    ]
                    .contains(&name.as_str())
                })
                .map(|name| CsvTable::read(&dir.join(name)))
                .collect::<Result<_, _>>()?,
        })
    }
}

/// Lists the `*.csv` file names of a folder, sorted.
pub fn csv_files(dir: &Path) -> Result<Vec<String>, ReportError> {
    let io = |source| ReportError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".csv") && entry.path().is_file() {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// Reads `summary.csv`: exactly one row; every column but scenario and scheduler numeric or empty.
pub fn read_summary(path: &Path) -> Result<Summary, ReportError> {
    let t = CsvTable::read(path)?;
    t.columns(SUMMARY_COLUMNS)?;
    if t.rows.len() != 1 {
        return Err(ReportError::RowCount {
            path: path.to_path_buf(),
            found: t.rows.len(),
        });
    }
    let row = &t.rows[0];
    for (col, name) in t.header.iter().enumerate() {
        if !Summary::TEXT_COLUMNS.contains(&name.as_str()) {
            t.opt_f64(row, col)?;
        }
    }
    Ok(Summary {
        fields: t.header.iter().cloned().zip(row.fields.clone()).collect(),
    })
}

/// Reads `pods.csv`.
pub fn read_pods(path: &Path) -> Result<Vec<PodRecord>, ReportError> {
    let t = CsvTable::read(path)?;
    let [name, namespace, owner_kind, owner, node, created, scheduled, started, ready, finished, phase, attempts, restarts, cpu, mem, gpu] =
        t.columns([
            "name",
            "namespace",
            "owner_kind",
            "owner",
            "node",
            "created_s",
            "scheduled_s",
            "started_s",
            "ready_s",
            "finished_s",
            "phase",
            "attempts",
            "restarts",
            "cpu_request_millis",
            "memory_request_bytes",
            "gpu_request_millis",
        ])?;
    t.rows
        .iter()
        .map(|r| {
            Ok(PodRecord {
                name: t.text(r, name),
                namespace: t.text(r, namespace),
                owner_kind: t.text(r, owner_kind),
                owner: t.text(r, owner),
                node: t.opt_text(r, node),
                created_s: t.f64(r, created)?,
                scheduled_s: t.opt_f64(r, scheduled)?,
                started_s: t.opt_f64(r, started)?,
                ready_s: t.opt_f64(r, ready)?,
                finished_s: t.opt_f64(r, finished)?,
                phase: t.text(r, phase),
                attempts: t.u64(r, attempts)?,
                restarts: t.u64(r, restarts)?,
                cpu_request_millis: t.u64(r, cpu)?,
                memory_request_bytes: t.u64(r, mem)?,
                gpu_request_millis: t.u64(r, gpu)?,
            })
        })
        .collect()
}

/// Reads `timeseries.csv`.
pub fn read_timeseries(path: &Path) -> Result<Vec<ClusterSample>, ReportError> {
    let t = CsvTable::read(path)?;
    let [time, pending, running, cpu, mem, gpu, used, ready] = t.columns([
        "time_s",
        "pods_pending",
        "pods_running",
        "cpu_allocated_ratio",
        "memory_allocated_ratio",
        "gpu_allocated_ratio",
        "nodes_used",
        "nodes_ready",
    ])?;
    t.rows
        .iter()
        .map(|r| {
            Ok(ClusterSample {
                time_s: t.f64(r, time)?,
                pods_pending: t.u64(r, pending)?,
                pods_running: t.u64(r, running)?,
                cpu_allocated_ratio: t.f64(r, cpu)?,
                memory_allocated_ratio: t.f64(r, mem)?,
                gpu_allocated_ratio: t.f64(r, gpu)?,
                nodes_used: t.u64(r, used)?,
                nodes_ready: t.u64(r, ready)?,
            })
        })
        .collect()
}

/// Reads `nodes_timeseries.csv`.
pub fn read_nodes(path: &Path) -> Result<Vec<NodeSample>, ReportError> {
    let t = CsvTable::read(path)?;
    let [time, node, cpu, mem] = t.columns([
        "time_s",
        "node",
        "cpu_allocated_ratio",
        "memory_allocated_ratio",
    ])?;
    t.rows
        .iter()
        .map(|r| {
            Ok(NodeSample {
                time_s: t.f64(r, time)?,
                node: t.text(r, node),
                cpu_allocated_ratio: t.f64(r, cpu)?,
                memory_allocated_ratio: t.f64(r, mem)?,
            })
        })
        .collect()
}

/// Reads `events.csv`.
pub fn read_events(path: &Path) -> Result<Vec<EventRecord>, ReportError> {
    let t = CsvTable::read(path)?;
    let [time, kind, reason, object_kind, object, message] = t.columns([
        "time_s",
        "type",
        "reason",
        "object_kind",
        "object",
        "message",
    ])?;
    t.rows
        .iter()
        .map(|r| {
            Ok(EventRecord {
                time_s: t.f64(r, time)?,
                kind: t.text(r, kind),
                reason: t.text(r, reason),
                object_kind: t.text(r, object_kind),
                object: t.text(r, object),
                message: t.text(r, message),
            })
        })
        .collect()
}

/// One scheduler's row of `comparison.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonRow {
    /// Scheduler name.
    pub scheduler: String,
    /// Number of runs (seeds) aggregated.
    pub runs: u64,
    /// `(mean, std)` per metric, in the order of [`Comparison::metrics`]; `None` when empty.
    pub values: Vec<(Option<f64>, Option<f64>)>,
}

/// `comparison.csv` of a comparison folder: `scheduler,runs,<metric>_mean,<metric>_std,...`.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Metric names (without `_mean`/`_std`), in file order.
    pub metrics: Vec<String>,
    /// One row per scheduler, in file order.
    pub rows: Vec<ComparisonRow>,
}

impl Comparison {
    /// Index of a metric in [`Comparison::metrics`].
    pub fn metric(&self, name: &str) -> Option<usize> {
        self.metrics.iter().position(|m| m == name)
    }
}

/// Reads `comparison.csv`; every `<metric>_mean` column must have its `<metric>_std`.
pub fn read_comparison(path: &Path) -> Result<Comparison, ReportError> {
    let t = CsvTable::read(path)?;
    let [scheduler, runs] = t.columns(["scheduler", "runs"])?;
    let mut metrics = Vec::new();
    let mut cols = Vec::new();
    for (i, h) in t.header.iter().enumerate() {
        if let Some(m) = h.strip_suffix("_mean") {
            let std = t
                .column(&format!("{m}_std"))
                .ok_or_else(|| ReportError::MissingColumn {
                    path: path.to_path_buf(),
                    column: format!("{m}_std"),
                    found: t.header.join(","),
                })?;
            metrics.push(m.to_owned());
            cols.push((i, std));
        }
    }
    let rows = t
        .rows
        .iter()
        .map(|r| {
            Ok(ComparisonRow {
                scheduler: t.text(r, scheduler),
                runs: t.u64(r, runs)?,
                values: cols
                    .iter()
                    .map(|&(m, s)| Ok((t.opt_f64(r, m)?, t.opt_f64(r, s)?)))
                    .collect::<Result<_, ReportError>>()?,
            })
        })
        .collect::<Result<_, ReportError>>()?;
    Ok(Comparison { metrics, rows })
}

/// Finds the run folders of each scheduler of a comparison folder
/// `results/<scenario>/compare/`: the `seed-<n>` folders holding a `timeseries.csv`
/// under the sibling `results/<scenario>/<scheduler>/`, sorted by seed.
pub fn discover_runs(
    compare_dir: &Path,
    schedulers: &[String],
) -> Result<Vec<(String, PathBuf)>, ReportError> {
    let scenario_dir = compare_dir.parent().unwrap_or(compare_dir);
    let mut runs = Vec::new();
    for scheduler in schedulers {
        let dir = scenario_dir.join(scheduler);
        if !dir.is_dir() {
            continue;
        }
        let io = |source| ReportError::Io {
            path: dir.clone(),
            source,
        };
        let mut seeds = Vec::new();
        for entry in fs::read_dir(&dir).map_err(io)? {
            let entry = entry.map_err(io)?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(seed) = name
                .strip_prefix("seed-")
                .and_then(|s| s.parse::<u64>().ok())
            {
                if entry.path().join(files::TIMESERIES).is_file() {
                    seeds.push((seed, entry.path()));
                }
            }
        }
        seeds.sort();
        runs.extend(seeds.into_iter().map(|(_, p)| (scheduler.clone(), p)));
    }
    Ok(runs)
}

#[cfg(test)]
mod tests {
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
