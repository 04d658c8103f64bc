//! Loading a run folder: its required and optional CSV files parsed into [`RunResults`].

use std::fs;
use std::path::{Path, PathBuf};

use super::{
    files, read_node_group_series, read_node_groups, ClusterSample, CsvTable, EventRecord,
    NodeSample, PodRecord, ReportError, Summary,
};
use crate::metrics::node_groups::{NodeGroupSeries, NodeGroupTotals};

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
    /// `node_groups.csv`, if present (folders written before it existed have none).
    pub node_groups: Option<Vec<NodeGroupTotals>>,
    /// `node_groups_timeseries.csv`, if present.
    pub node_group_series: Option<NodeGroupSeries>,
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
    /// `nodes_timeseries.csv`, `events.csv` and the node group files are optional; other
    /// CSVs are read generically.
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
            node_groups: optional(files::NODE_GROUPS)
                .map(|p| read_node_groups(&p))
                .transpose()?,
            node_group_series: optional(files::NODE_GROUPS_TIMESERIES)
                .map(|p| read_node_group_series(&p))
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
                        files::NODE_GROUPS,
                        files::NODE_GROUPS_TIMESERIES,
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
    // Named `queue_length` in folders written before the rename.
    let queue = t
        .column("sched_queue_len")
        .or_else(|| t.column("queue_length"));
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
                sched_queue_len: queue.map(|q| t.u64(r, q)).transpose()?,
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
