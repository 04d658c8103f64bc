//! Reading timeseries.csv, nodes_timeseries.csv and events.csv back into the run record's
//! own rows ([`Sample`], [`NodeSample`], [`EventRecord`]): times exactly in milliseconds,
//! ratios as the six decimals written (see [`crate::output::decimal::as_written`]).

use std::path::Path;

use super::{CsvRow, CsvTable, ReportError};
use crate::metrics::{EventRecord, NodeSample, Sample};

/// The cluster samples of a timeseries.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadSamples {
    /// The samples in file order. Columns appended after the first format
    /// (`sched_queue_len` onwards) read as 0 in folders written before them.
    pub samples: Vec<Sample>,
    /// Whether the file has the scheduler queue length (`sched_queue_len`, or
    /// `queue_length` before the rename).
    pub has_sched_queue_len: bool,
}

/// The per-node samples of a nodes_timeseries.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadNodeSamples {
    /// The samples in file order, [`NodeSample::node`] indexing `node_names`.
    pub samples: Vec<NodeSample>,
    /// Node names numbered in order of first appearance.
    pub node_names: Vec<String>,
}

/// A column appended to a file after its first format: its value in a row, or 0 when the
/// file was written before the column existed.
fn appended<T: Default>(
    t: &CsvTable,
    r: &CsvRow,
    names: &[&str],
    read: impl Fn(&CsvTable, &CsvRow, usize) -> Result<T, ReportError>,
) -> Result<T, ReportError> {
    match names.iter().find_map(|name| t.column(name)) {
        Some(col) => read(t, r, col),
        None => Ok(T::default()),
    }
}

/// Reads `timeseries.csv` into the [`Sample`]s it was written from.
pub fn read_timeseries(path: &Path) -> Result<ReadSamples, ReportError> {
    let names = [
        "time_s",
        "pods_pending",
        "pods_running",
        "cpu_allocated_ratio",
        "memory_allocated_ratio",
        "gpu_allocated_ratio",
        "nodes_used",
        "nodes_ready",
    ];
    // Named `queue_length` in folders written before the rename.
    let queue = ["sched_queue_len", "queue_length"];
    let mut has_sched_queue_len = true;
    let samples = CsvTable::read_rows(path, names, |t, r, cols| {
        let [time, pending, running, cpu, mem, gpu, used, ready] = cols;
        has_sched_queue_len = queue.iter().any(|q| t.column(q).is_some());
        let ratio = |names: &[&str]| appended(t, r, names, CsvTable::f64);
        Ok(Sample {
            time: t.time(r, time)?,
            pods_pending: t.u64(r, pending)?,
            pods_running: t.u64(r, running)?,
            cpu_allocated_ratio: t.f64(r, cpu)?,
            memory_allocated_ratio: t.f64(r, mem)?,
            gpu_allocated_ratio: t.f64(r, gpu)?,
            nodes_used: t.u64(r, used)?,
            nodes_ready: t.u64(r, ready)?,
            sched_queue_len: appended(t, r, &queue, CsvTable::u64)?,
            fragmentation_cpu_ratio: ratio(&["fragmentation_cpu_ratio"])?,
            fragmentation_memory_ratio: ratio(&["fragmentation_memory_ratio"])?,
            nodes_present: appended(t, r, &["nodes_present"], CsvTable::u64)?,
            cpu_used_ratio: ratio(&["cpu_used_ratio"])?,
            memory_used_ratio: ratio(&["memory_used_ratio"])?,
        })
    })?;
    Ok(ReadSamples {
        samples,
        has_sched_queue_len,
    })
}

/// Reads `nodes_timeseries.csv` into the [`NodeSample`]s it was written from, the nodes
/// numbered in order of first appearance (`gpu_allocated_ratio` reads as 0 in folders
/// written before the column existed).
pub fn read_nodes(path: &Path) -> Result<ReadNodeSamples, ReportError> {
    let names = [
        "time_s",
        "node",
        "cpu_allocated_ratio",
        "memory_allocated_ratio",
    ];
    let mut node_names: Vec<String> = Vec::new();
    let mut index = std::collections::BTreeMap::new();
    let samples = CsvTable::read_rows(path, names, |t, r, [time, node, cpu, mem]| {
        let name = &r.fields[node];
        let node = *index.entry(name.clone()).or_insert_with(|| {
            node_names.push(name.clone());
            (node_names.len() - 1) as u32
        });
        Ok(NodeSample {
            time: t.time(r, time)?,
            node,
            cpu_allocated_ratio: t.f64(r, cpu)?,
            memory_allocated_ratio: t.f64(r, mem)?,
            gpu_allocated_ratio: appended(t, r, &["gpu_allocated_ratio"], CsvTable::f64)?,
        })
    })?;
    Ok(ReadNodeSamples {
        samples,
        node_names,
    })
}

/// Event types as events.csv spells them.
const EVENT_TYPES: [&str; 2] = ["Normal", "Warning"];

/// Reads `events.csv` into the [`EventRecord`]s it was written from.
pub fn read_events(path: &Path) -> Result<Vec<EventRecord>, ReportError> {
    let names = [
        "time_s",
        "type",
        "reason",
        "object_kind",
        "object",
        "message",
    ];
    CsvTable::read_rows(path, names, |t, r, cols| {
        let [time, kind, reason, object_kind, object, message] = cols;
        Ok(EventRecord {
            time: t.time(r, time)?,
            kind: (EVENT_TYPES.into_iter())
                .find(|k| *k == r.fields[kind])
                .ok_or_else(|| t.bad(r, kind, "Normal or Warning"))?,
            reason: t.text(r, reason),
            object_kind: t.text(r, object_kind).into(),
            object: t.text(r, object),
            message: t.text(r, message),
        })
    })
}
