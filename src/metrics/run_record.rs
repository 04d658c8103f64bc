//! The record a run ends in: everything its CSV files, plots and report show, as plain data
//! detached from the live simulation, so writers and the report read it in memory.

use super::event_log::EventLog;
use super::node_groups::NodeGroupSeries;
use super::pod_record::PodRecords;
use super::run_tables::{
    AvailabilityRow, CronJobRunRow, FaultRow, HpaRow, JobRow, PvcRow, ScaleRecord, ServiceRow,
    ServiceSample, WorkloadRow,
};
use super::summary::Summary;
use super::waits::{WaitStats, WorkloadKey};
use super::{NodeSample, Sample};

/// One finished run: summary, samples, pods, events and the rows of every other file.
#[derive(Debug, Clone)]
pub struct RunRecord {
    /// The one-row summary (with the node group totals).
    pub summary: Summary,
    /// Cluster-wide samples in time order (timeseries.csv).
    pub samples: Vec<Sample>,
    /// Per-node samples in time order (nodes_timeseries.csv), when the run sampled nodes.
    pub node_samples: Option<Vec<NodeSample>>,
    /// Node names by node index, for [`NodeSample::node`].
    pub node_names: Vec<String>,
    /// Every pod in pod id order (pods.csv).
    pub pods: PodRecords,
    /// The event log: the events in time order while they were kept (see
    /// [`super::event_log`]), their counts and unschedulable.csv's tally.
    pub events: EventLog,
    /// Nodes and cost per node group over time (node_groups_timeseries.csv).
    pub node_group_series: NodeGroupSeries,
    /// Per workload, its pods' waits for a node (workload_waits.csv).
    pub workload_waits: Vec<(WorkloadKey, WaitStats)>,
    /// Deployments, StatefulSets and DaemonSets (workloads.csv, workloads_timeseries.csv).
    pub workloads: Vec<WorkloadRow>,
    /// Jobs (jobs.csv).
    pub jobs: Vec<JobRow>,
    /// CronJob runs (cronjobs.csv).
    pub cronjob_runs: Vec<CronJobRunRow>,
    /// Claims (pvcs.csv).
    pub pvcs: Vec<PvcRow>,
    /// HPA syncs, a row per metric (hpa.csv).
    pub hpa: Vec<HpaRow>,
    /// Workload availability (availability.csv).
    pub availability: Vec<AvailabilityRow>,
    /// Node fault episodes (faults.csv).
    pub faults: Vec<FaultRow>,
    /// Services (services.csv).
    pub services: Vec<ServiceRow>,
    /// Services' ready endpoints over time (services_timeseries.csv).
    pub service_samples: Vec<ServiceSample>,
    /// The Cluster Autoscaler's actions, when a group is autoscaled (autoscaler.csv).
    pub autoscaler: Option<Vec<ScaleRecord>>,
}

impl RunRecord {
    /// The name of the node of a per-node sample.
    pub fn node_name(&self, sample: &NodeSample) -> &str {
        &self.node_names[sample.node as usize]
    }
}
