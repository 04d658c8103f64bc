//! Loading a run folder: its required and optional CSV files parsed into [`RunResults`].

use std::borrow::Cow;
use std::fs;
use std::path::{Path, PathBuf};

use super::{
    files, read_events, read_node_group_series, read_node_groups, read_nodes, read_timeseries,
    CsvRow, CsvTable, ReportError, Summary,
};
use crate::cluster::PodPhase;
use crate::metrics::node_groups::{NodeGroupSeries, NodeGroupTotals};
use crate::metrics::pod_record::{PodRecord, PodRecords, PodUsagePeaks};
use crate::metrics::run_record::RunRecord;
use crate::metrics::{EventRecord, NodeSample, Sample};
use crate::output::run_files::WrittenFiles;

/// Everything read from a run folder `results/<scenario>/<scheduler>/seed-<n>/`, or taken
/// from the [`RunRecord`] of the run that writes it (then its rows are borrowed).
#[derive(Debug, Clone)]
pub struct RunResults<'a> {
    /// The folder.
    pub dir: PathBuf,
    /// `summary.csv`.
    pub summary: Summary,
    /// `pods.csv`.
    pub pods: Cow<'a, PodRecords>,
    /// `timeseries.csv`, in file order. Views draw its ratios as written (six decimals).
    pub timeseries: Cow<'a, [Sample]>,
    /// Whether the samples have the scheduler queue length (folders written before the
    /// column existed have not).
    pub has_sched_queue_len: bool,
    /// `nodes_timeseries.csv`, if present, [`NodeSample::node`] indexing `node_names`.
    pub nodes: Option<Cow<'a, [NodeSample]>>,
    /// Node names by node index.
    pub node_names: Cow<'a, [String]>,
    /// `events.csv`, if present.
    pub events: Option<Cow<'a, [EventRecord]>>,
    /// `node_groups.csv`, if present (folders written before it existed have none).
    /// Views show its figures as written (six decimals).
    pub node_groups: Option<Cow<'a, [NodeGroupTotals]>>,
    /// `node_groups_timeseries.csv`, if present.
    pub node_group_series: Option<Cow<'a, NodeGroupSeries>>,
    /// Any other CSV file of the folder (e.g. `workloads.csv`), sorted by file name.
    pub extra: Cow<'a, [CsvTable]>,
    /// The names of all the CSV files of the folder, sorted.
    pub csv_names: Cow<'a, [String]>,
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

impl RunResults<'static> {
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
        let samples = read_timeseries(&dir.join(files::TIMESERIES))?;
        let nodes = optional(files::NODES_TIMESERIES)
            .map(|p| read_nodes(&p))
            .transpose()?;
        let (nodes, node_names) = match nodes {
            Some(n) => (Some(Cow::Owned(n.samples)), Cow::Owned(n.node_names)),
            None => (None, Cow::Owned(Vec::new())),
        };
        Ok(Self {
            dir: dir.to_path_buf(),
            summary: read_summary(&dir.join(files::SUMMARY))?,
            pods: Cow::Owned(read_pods(&dir.join(files::PODS))?),
            timeseries: Cow::Owned(samples.samples),
            has_sched_queue_len: samples.has_sched_queue_len,
            nodes,
            node_names,
            events: optional(files::EVENTS)
                .map(|p| read_events(&p).map(Cow::Owned))
                .transpose()?,
            node_groups: optional(files::NODE_GROUPS)
                .map(|p| read_node_groups(&p).map(Cow::Owned))
                .transpose()?,
            node_group_series: optional(files::NODE_GROUPS_TIMESERIES)
                .map(|p| read_node_group_series(&p).map(Cow::Owned))
                .transpose()?,
            extra: Cow::Owned(read_extra(dir)?),
            csv_names: Cow::Owned(csv_files(dir)?),
        })
    }
}

impl<'a> RunResults<'a> {
    /// The results of the run of `record`, whose CSV files `written` are already written
    /// into `dir`: pods, samples, events and node groups borrowed from the record (views
    /// show the figures the files round to six decimals as written, so they match a
    /// [`Self::load`] of the folder), the other tables as `written` built them. Reads no file.
    pub fn from_record(record: &'a RunRecord, written: &'a WrittenFiles, dir: &Path) -> Self {
        RunResults {
            dir: dir.to_path_buf(),
            summary: Summary {
                fields: (record.summary.fields().into_iter())
                    .map(|(k, v)| (k.to_owned(), v.to_csv()))
                    .collect(),
            },
            pods: Cow::Borrowed(&record.pods),
            timeseries: Cow::Borrowed(&record.samples),
            has_sched_queue_len: true,
            nodes: record.node_samples.as_deref().map(Cow::Borrowed),
            node_names: Cow::Borrowed(&record.node_names),
            events: (record.events.writes_file()).then_some(Cow::Borrowed(&record.events[..])),
            node_groups: Some(Cow::Borrowed(&record.summary.node_groups)),
            node_group_series: Some(Cow::Borrowed(&record.node_group_series)),
            extra: Cow::Borrowed(&written.extra),
            csv_names: Cow::Borrowed(&written.csv_names),
        }
    }
}

/// The files [`RunResults`] holds typed; the others are its `extra` tables.
const TYPED_FILES: [&str; 7] = [
    files::SUMMARY,
    files::PODS,
    files::TIMESERIES,
    files::NODES_TIMESERIES,
    files::EVENTS,
    files::NODE_GROUPS,
    files::NODE_GROUPS_TIMESERIES,
];

/// Reads every CSV file of `dir` but the [`TYPED_FILES`], sorted by name.
fn read_extra(dir: &Path) -> Result<Vec<CsvTable>, ReportError> {
    csv_files(dir)?
        .into_iter()
        .filter(|name| !TYPED_FILES.contains(&name.as_str()))
        .map(|name| CsvTable::read(&dir.join(name)))
        .collect()
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

/// Reads `pods.csv` into the records the run wrote it from. Times parse exactly into
/// milliseconds; the usage and termination columns, absent from folders written before they
/// existed, read as empty.
pub fn read_pods(path: &Path) -> Result<PodRecords, ReportError> {
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
    let usage = UsageColumns::find(&t);
    let reason = t.column("last_termination_reason");
    let mut pods = PodRecords::new();
    for r in &t.rows {
        pods.push(PodRecord {
            name: t.text(r, name),
            namespace: t.text(r, namespace),
            owner_kind: t.text(r, owner_kind),
            owner: t.text(r, owner),
            node: t.opt_text(r, node),
            created: t.time(r, created)?,
            scheduled: t.opt_time(r, scheduled)?,
            started: t.opt_time(r, started)?,
            ready: t.opt_time(r, ready)?,
            finished: t.opt_time(r, finished)?,
            phase: read_phase(&t, r, phase)?,
            attempts: t.int(r, attempts)?,
            restarts: t.int(r, restarts)?,
            cpu_request_millis: t.int(r, cpu)?,
            memory_request_bytes: t.int(r, mem)?,
            gpu_request_millis: t.int(r, gpu)?,
            usage: usage.map(|u| u.read(&t, r)).transpose()?.flatten(),
            last_termination_reason: reason.and_then(|c| t.opt_text(r, c)),
        });
    }
    Ok(pods)
}

/// A pod phase as pods.csv spells it.
fn read_phase(t: &CsvTable, r: &CsvRow, col: usize) -> Result<PodPhase, ReportError> {
    let phases = [
        PodPhase::Pending,
        PodPhase::Running,
        PodPhase::Succeeded,
        PodPhase::Failed,
    ];
    phases
        .into_iter()
        .find(|p| p.as_str() == r.fields[col])
        .ok_or_else(|| t.bad(r, col, "Pending, Running, Succeeded or Failed"))
}

/// The usage columns of pods.csv, when the file has them.
#[derive(Clone, Copy)]
struct UsageColumns {
    cpu_peak: usize,
    memory_peak: usize,
    throttled: usize,
}

impl UsageColumns {
    fn find(t: &CsvTable) -> Option<UsageColumns> {
        Some(UsageColumns {
            cpu_peak: t.column("cpu_usage_peak_millis")?,
            memory_peak: t.column("memory_usage_peak_bytes")?,
            throttled: t.column("cpu_throttled_s")?,
        })
    }

    /// A row's usage peaks: all three columns empty (no usage model) or all filled. The
    /// throttling is written in CPU-seconds with six decimals, so it reads back exactly in
    /// millicore-ms (1 CPU-second = 10^6 millicore-ms).
    fn read(self, t: &CsvTable, r: &CsvRow) -> Result<Option<PodUsagePeaks>, ReportError> {
        let Some(cpu_peak_millis) = t.opt_int(r, self.cpu_peak)? else {
            return Ok(None);
        };
        let throttled_s = t.f64(r, self.throttled)?;
        Ok(Some(PodUsagePeaks {
            cpu_peak_millis,
            memory_peak_bytes: t.int(r, self.memory_peak)?,
            throttled_millicore_ms: (throttled_s * 1e6).round() as u64,
        }))
    }
}
