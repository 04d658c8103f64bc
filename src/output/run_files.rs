//! The CSV files of one run: pods.csv, timeseries.csv, nodes_timeseries.csv, summary.csv,
//! events.csv, unschedulable.csv, hpa.csv (plus the per-workload files of `workload_files` and
//! `wait_files`, and the node group files of `node_group_files`). Column names are a documented contract
//! (docs/metrics.md); new columns are only ever appended.

use crate::engine::SimTime;
use crate::metrics::pod_record::PodRecord;
use crate::metrics::run_record::RunRecord;
use crate::metrics::summary::Summary;
use crate::metrics::NodeSample;
use crate::output::csv_line::CsvLine;
use crate::output::results_dir::{files, CsvTable};
use std::io::Write;
use std::path::Path;

/// Header of pods.csv.
pub const PODS_HEADER: &str = "name,namespace,owner_kind,owner,node,created_s,scheduled_s,started_s,ready_s,finished_s,phase,attempts,restarts,cpu_request_millis,memory_request_bytes,gpu_request_millis,cpu_usage_peak_millis,memory_usage_peak_bytes,cpu_throttled_s,last_termination_reason";
/// Header of timeseries.csv.
pub const TIMESERIES_HEADER: &str = "time_s,pods_pending,pods_running,cpu_allocated_ratio,memory_allocated_ratio,gpu_allocated_ratio,nodes_used,nodes_ready,sched_queue_len,fragmentation_cpu_ratio,fragmentation_memory_ratio,nodes_present,cpu_used_ratio,memory_used_ratio";
/// Header of nodes_timeseries.csv.
pub const NODES_HEADER: &str =
    "time_s,node,cpu_allocated_ratio,memory_allocated_ratio,gpu_allocated_ratio";
/// Header of summary.csv.
pub const SUMMARY_HEADER: &str = "scenario,scheduler,seed,pods_created,pods_scheduled,pods_unschedulable,pods_succeeded,pods_failed,sched_latency_mean_s,sched_latency_p50_s,sched_latency_p95_s,sched_latency_p99_s,sched_latency_max_s,startup_latency_mean_s,startup_latency_p50_s,startup_latency_p95_s,startup_latency_p99_s,cpu_allocated_avg,memory_allocated_avg,gpu_allocated_avg,nodes_used_avg,makespan_s,events_processed,sim_end_s,startup_latency_max_s,ready_latency_mean_s,ready_latency_p50_s,ready_latency_p95_s,ready_latency_p99_s,ready_latency_max_s,pods_pending_avg,pods_pending_max,sched_queue_len_avg,sched_queue_len_max,nodes_used_max,fragmentation_cpu_avg,fragmentation_memory_avg,failed_scheduling_events,preemptions,evictions,jobs_completed,jobs_failed,job_completion_mean_s,job_completion_p50_s,job_completion_p95_s,job_completion_p99_s,job_completion_max_s,node_hours,cost,faults,workload_below_desired_s,replicas_lost_to_faults,time_to_recover_max_s,time_to_recover_mean_s,faults_unrecovered,pods_evicted_by_faults,service_outage_s,pods_never_scheduled,pending_age_p50_s,pending_age_p95_s,pending_age_p99_s,pending_age_max_s,cpu_throttled_s,oom_kills";
/// Header of events.csv.
pub const EVENTS_HEADER: &str = "time_s,type,reason,object_kind,object,message";
/// Header of unschedulable.csv.
pub const UNSCHEDULABLE_HEADER: &str =
    "pod,first_failed_s,last_failed_s,failed_attempts,scheduled_s,last_message";

fn t(v: Option<SimTime>) -> String {
    v.map(|t| t.to_string()).unwrap_or_default()
}

/// Quotes a CSV field when needed (RFC 4180).
pub(super) fn q(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// The CSV files a run wrote: the names of all of them and, built in memory, the tables
/// [`crate::output::results_dir::RunResults`] does not hold typed (its `extra`), so the
/// report of the run reads none of its files back.
#[derive(Debug, Clone)]
pub struct WrittenFiles {
    /// Names of all the CSV files written, sorted.
    pub csv_names: Vec<String>,
    /// The tables beyond the typed ones, sorted by file name.
    pub extra: Vec<CsvTable>,
}

/// Writes all CSVs of the run of `record` into `dir`.
pub fn write_all(record: &RunRecord, dir: &Path) -> std::io::Result<WrittenFiles> {
    let summary = &record.summary;
    let mut csv_names = vec![files::PODS, files::TIMESERIES, files::SUMMARY];
    write_pods(record, &dir.join(files::PODS))?;
    write_timeseries(record, &dir.join(files::TIMESERIES))?;
    if let Some(samples) = &record.node_samples {
        write_nodes(record, samples, &dir.join(files::NODES_TIMESERIES))?;
        csv_names.push(files::NODES_TIMESERIES);
    }
    write_summary(summary, &dir.join(files::SUMMARY))?;
    if record.events.writes_file() {
        write_events(record, &dir.join(files::EVENTS))?;
        csv_names.push(files::EVENTS);
    }
    super::node_group_files::write_all(&summary.node_groups, &record.node_group_series, dir)?;
    csv_names.extend([files::NODE_GROUPS, files::NODE_GROUPS_TIMESERIES]);
    let extra = extra_tables(record, dir);
    for table in &extra {
        super::table_file::write(table)?;
    }
    let mut csv_names: Vec<String> = csv_names.into_iter().map(str::to_owned).collect();
    csv_names.extend(extra.iter().map(table_name));
    csv_names.sort();
    Ok(WrittenFiles { csv_names, extra })
}

/// The tables of the run beyond the typed ones, sorted by file name.
fn extra_tables(record: &RunRecord, dir: &Path) -> Vec<CsvTable> {
    let mut extra = vec![
        unschedulable_table(record, dir),
        super::hpa_file::hpa_table(record, dir),
        super::wait_files::workload_waits_table(record, dir),
    ];
    extra.extend(super::availability_files::tables(record, dir));
    extra.extend(super::workload_files::tables(record, dir));
    extra.extend(super::autoscaler_file::autoscaler_table(record, dir));
    extra.sort_by_key(table_name);
    extra
}

/// The file name of a table.
fn table_name(table: &CsvTable) -> String {
    (table.path.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A buffered writer of a new file; a large buffer, as the per-run files reach megabytes.
fn writer(path: &Path) -> std::io::Result<std::io::BufWriter<std::fs::File>> {
    let file = std::fs::File::create(path)?;
    Ok(std::io::BufWriter::with_capacity(1 << 16, file))
}

fn write_pods(record: &RunRecord, path: &Path) -> std::io::Result<()> {
    let mut w = writer(path)?;
    writeln!(w, "{PODS_HEADER}")?;
    let mut line = CsvLine::new();
    record
        .pods
        .try_for_each(|r| write_pod_row(&mut w, &mut line, r))?;
    w.flush()
}

/// Writes one row of pods.csv.
fn write_pod_row(w: &mut impl Write, line: &mut CsvLine, r: &PodRecord) -> std::io::Result<()> {
    line.text(&r.name)
        .text(&r.namespace)
        .raw(&r.owner_kind)
        .text(&r.owner)
        .text(r.node.as_deref().unwrap_or(""))
        .time(r.created)
        .opt_time(r.scheduled)
        .opt_time(r.started)
        .opt_time(r.ready)
        .opt_time(r.finished)
        .raw(r.phase.as_str())
        .uint(r.attempts.into())
        .uint(r.restarts.into())
        .int(r.cpu_request_millis)
        .int(r.memory_request_bytes)
        .int(r.gpu_request_millis);
    match r.usage {
        Some(u) => line
            .int(u.cpu_peak_millis)
            .int(u.memory_peak_bytes)
            .ratio(u.throttled_s()),
        None => line.raw("").raw("").raw(""),
    };
    line.text(r.last_termination_reason.as_deref().unwrap_or(""))
        .end(w)
}

fn write_timeseries(record: &RunRecord, path: &Path) -> std::io::Result<()> {
    let mut w = writer(path)?;
    writeln!(w, "{TIMESERIES_HEADER}")?;
    let mut line = CsvLine::new();
    for s in &record.samples {
        line.time(s.time)
            .uint(s.pods_pending)
            .uint(s.pods_running)
            .ratio(s.cpu_allocated_ratio)
            .ratio(s.memory_allocated_ratio)
            .ratio(s.gpu_allocated_ratio)
            .uint(s.nodes_used)
            .uint(s.nodes_ready)
            .uint(s.sched_queue_len)
            .ratio(s.fragmentation_cpu_ratio)
            .ratio(s.fragmentation_memory_ratio)
            .uint(s.nodes_present)
            .ratio(s.cpu_used_ratio)
            .ratio(s.memory_used_ratio)
            .end(&mut w)?;
    }
    w.flush()
}

fn write_nodes(record: &RunRecord, samples: &[NodeSample], path: &Path) -> std::io::Result<()> {
    let mut w = writer(path)?;
    writeln!(w, "{NODES_HEADER}")?;
    let mut line = CsvLine::new();
    let mut ratios = NodeRatioTexts::new(record.node_names.len());
    for s in samples {
        line.time(s.time)
            .text(record.node_name(s))
            .raw(ratios.get(s))
            .end(&mut w)?;
    }
    w.flush()
}

/// The three ratio fields of each node's latest row of nodes_timeseries.csv, as written: a
/// node's allocation changes far less often than it is sampled, so most rows reuse the
/// text of the node's previous row instead of formatting three figures again.
struct NodeRatioTexts {
    /// By node index: the bits of the ratios and their text.
    latest: Vec<Option<([u64; 3], String)>>,
}

impl NodeRatioTexts {
    fn new(nodes: usize) -> Self {
        Self {
            latest: vec![None; nodes],
        }
    }

    /// The ratio fields of `s` (`cpu,memory,gpu`, six decimals each).
    fn get(&mut self, s: &NodeSample) -> &str {
        let ratios = [
            s.cpu_allocated_ratio,
            s.memory_allocated_ratio,
            s.gpu_allocated_ratio,
        ];
        let bits = ratios.map(f64::to_bits);
        let node = s.node as usize;
        if self.latest.len() <= node {
            self.latest.resize(node + 1, None);
        }
        let slot = &mut self.latest[node];
        if slot.as_ref().is_none_or(|(b, _)| *b != bits) {
            let mut text = CsvLine::new();
            for r in ratios {
                text.ratio(r);
            }
            *slot = Some((bits, text.into_text()));
        }
        slot.as_ref().map_or("", |(_, text)| text)
    }
}

/// The summary.csv header as the columns of [`Summary::fields`].
pub fn summary_header(s: &Summary) -> String {
    s.fields()
        .iter()
        .map(|(k, _)| *k)
        .collect::<Vec<_>>()
        .join(",")
}

/// Writes summary.csv.
pub fn write_summary(s: &Summary, path: &Path) -> std::io::Result<()> {
    let mut w = writer(path)?;
    let fields = s.fields();
    debug_assert_eq!(summary_header(s), SUMMARY_HEADER);
    writeln!(w, "{SUMMARY_HEADER}")?;
    let row: Vec<String> = fields.iter().map(|(_, v)| q(&v.to_csv())).collect();
    writeln!(w, "{}", row.join(","))?;
    w.flush()
}

/// unschedulable.csv: one row per pod that had at least one FailedScheduling event, in
/// order of its first failure, with when (if ever) it was scheduled afterwards.
fn unschedulable_table(record: &RunRecord, dir: &Path) -> CsvTable {
    let rows = (record.events.unschedulable().iter())
        .map(|u| {
            vec![
                u.pod.clone(),
                u.first_failed.to_string(),
                u.last_failed.to_string(),
                u.failed_attempts.to_string(),
                t(u.scheduled),
                u.last_message.clone(),
            ]
        })
        .collect();
    CsvTable::built(dir.join("unschedulable.csv"), UNSCHEDULABLE_HEADER, rows)
}

fn write_events(record: &RunRecord, path: &Path) -> std::io::Result<()> {
    let mut w = writer(path)?;
    writeln!(w, "{EVENTS_HEADER}")?;
    let mut line = CsvLine::new();
    for e in record.events.iter() {
        line.time(e.time)
            .raw(e.kind)
            .text(&e.reason)
            .raw(&e.object_kind)
            .text(&e.object)
            .text(&e.message)
            .end(&mut w)?;
    }
    w.flush()
}
