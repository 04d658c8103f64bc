//! Takes the per-object rows of a [`RunRecord`](crate::metrics::run_record::RunRecord) from
//! the finished simulation: workloads, Jobs, CronJob runs, claims, HPA syncs, availability,
//! faults and Services (the computations the writers used to make on the live state).

use super::availability::{
    below_desired, replicas_lost, service_outage, time_to_recover, workloads,
};
use super::Simulation;
use crate::cluster::storage::{ClaimPhase, ZONE_LABEL};
use crate::cluster::{Owner, PodId};
use crate::controllers::cronjob::RunOutcome;
use crate::controllers::hpa::status::MetricValue;
use crate::controllers::job::JobOutcome;
use crate::controllers::ReplicaTracker;
use crate::metrics::run_tables::{
    AvailabilityRow, CronJobRunRow, FaultRow, HpaRow, JobRow, PvcRow, ServiceRow, WorkloadRow,
};
use crate::model::autoscaling::{MetricResource, MetricTarget, ResourceMetric};
use crate::model::workload::ObjectMeta;

impl Simulation {
    /// workloads.csv rows: Deployments, then StatefulSets, then DaemonSets, each in
    /// creation order.
    pub(super) fn workload_rows(&self) -> Vec<WorkloadRow> {
        let w = &self.workloads;
        let mut out = Vec::new();
        for d in &w.deployments {
            let pods: Vec<PodId> = (d.replicasets.iter())
                .flat_map(|r| w.replicasets[*r as usize].pods.iter().copied())
                .collect();
            out.push(self.workload_row("Deployment", &d.spec.meta, &d.tracker, &pods, &[]));
        }
        for (i, s) in w.statefulsets.iter().enumerate() {
            let owner = Owner::StatefulSet(i as u32);
            let pods: Vec<PodId> = (self.cluster.pods().iter())
                .filter(|(_, p)| p.owner == owner)
                .map(|(id, _)| id)
                .collect();
            let row = self.workload_row("StatefulSet", &s.spec.meta, &s.tracker, &pods, &s.claims);
            out.push(row);
        }
        for d in &w.daemonsets {
            let pods: Vec<PodId> = d.pods.iter().map(|(_, p)| *p).collect();
            out.push(self.workload_row("DaemonSet", &d.spec.meta, &d.tracker, &pods, &[]));
        }
        out
    }

    fn workload_row(
        &self,
        kind: &'static str,
        meta: &ObjectMeta,
        tracker: &ReplicaTracker,
        pods: &[PodId],
        claims: &[String],
    ) -> WorkloadRow {
        let (desired, ready) = (tracker.changes.last())
            .map(|(_, d, r)| (*d, *r))
            .unwrap_or((0, 0));
        let mut live_pods: Vec<String> = (pods.iter())
            .map(|p| &self.cluster.pods()[p.ix()])
            .filter(|p| p.is_active())
            .map(|p| p.name.clone())
            .collect();
        live_pods.sort_unstable();
        WorkloadRow {
            kind,
            namespace: meta.namespace.clone(),
            name: meta.name.clone(),
            desired,
            ready,
            max_unavailable: tracker.max_unavailable,
            availability: tracker.availability(self.engine.now()),
            first_ready: tracker.first_ready,
            pods_created: pods.len(),
            live_pods,
            claims: claims.to_vec(),
            changes: tracker.changes.clone(),
        }
    }

    /// jobs.csv rows, in creation order. The Jobs move into their rows (the end of a run:
    /// a long run has hundreds of thousands, and both at once would double them).
    pub(super) fn take_job_rows(&mut self) -> Vec<JobRow> {
        let jobs = std::mem::take(&mut self.workloads.jobs);
        let w = &self.workloads;
        (jobs.into_iter())
            .map(|j| {
                let (completion, outcome) = match j.finished {
                    Some((at, JobOutcome::Complete)) => (Some(at), "Complete"),
                    Some((at, JobOutcome::Failed)) => (Some(at), "Failed"),
                    None if j.deleted => (None, "Deleted"),
                    None => (None, "Running"),
                };
                JobRow {
                    namespace: j.namespace,
                    name: j.name,
                    cronjob: (j.cronjob)
                        .map(|c| w.cronjobs[c as usize].spec.meta.name.clone())
                        .unwrap_or_default(),
                    created: j.start,
                    first_start: (j.pods.iter())
                        .filter_map(|p| self.cluster.pods()[p.ix()].times.started)
                        .chain(j.retired_first_start)
                        .min(),
                    completion,
                    outcome,
                    completions: j.spec.completions,
                    parallelism: j.spec.parallelism,
                    succeeded: j.succeeded,
                    failed: j.failed,
                    pods_created: j.pods_created,
                    max_active: j.max_active,
                }
            })
            .collect()
    }

    /// cronjobs.csv rows: every CronJob's runs in order.
    pub(super) fn cronjob_rows(&self) -> Vec<CronJobRunRow> {
        let w = &self.workloads;
        let mut out = Vec::new();
        for c in &w.cronjobs {
            for run in &c.runs {
                out.push(CronJobRunRow {
                    namespace: c.spec.meta.namespace.clone(),
                    cronjob: c.spec.meta.name.clone(),
                    scheduled: run.scheduled,
                    started: run.started,
                    outcome: match run.outcome {
                        RunOutcome::Started => "Started",
                        RunOutcome::Skipped => "Skipped",
                        RunOutcome::Replaced => "Replaced",
                        RunOutcome::Missed => "Missed",
                    },
                    job: (run.job)
                        .map(|j| w.jobs[j as usize].name.clone())
                        .unwrap_or_default(),
                });
            }
        }
        out
    }

    /// pvcs.csv rows, in creation order.
    pub(super) fn pvc_rows(&self) -> Vec<PvcRow> {
        let storage = &self.cluster.storage();
        (storage.pvcs.iter())
            .map(|c| {
                let vol = c.volume.map(|v| &storage.pvs[v as usize]);
                let mut used_by: Vec<String> =
                    (c.users.iter()).map(|p| self.pod_name(*p)).collect();
                used_by.dedup();
                PvcRow {
                    namespace: c.spec.meta.namespace.clone(),
                    name: c.spec.meta.name.clone(),
                    owner: c.owner.clone(),
                    storage_class: c.class.clone(),
                    phase: match c.phase {
                        ClaimPhase::Pending => "Pending",
                        ClaimPhase::Bound => "Bound",
                    },
                    volume: vol.map(|v| v.spec.meta.name.clone()).unwrap_or_default(),
                    zone: (vol.and_then(|v| v.spec.meta.labels.get(ZONE_LABEL)))
                        .cloned()
                        .unwrap_or_default(),
                    requested_bytes: c.spec.storage_bytes,
                    created: c.created,
                    bound: c.bound_at,
                    deleted: c.deleted,
                    used_by,
                }
            })
            .collect()
    }

    /// hpa.csv rows: every HPA's syncs, one row per metric.
    pub(super) fn hpa_rows(&self) -> Vec<HpaRow> {
        let mut out = Vec::new();
        for h in &self.workloads.hpas {
            let meta = &h.spec.meta;
            let target = format!("{}/{}", h.spec.target.kind.as_str(), h.spec.target.name);
            for r in &h.records {
                for (m, v) in h.spec.metrics.iter().zip(&r.metrics) {
                    let (metric, current, target_value) = metric_cells(m, *v);
                    out.push(HpaRow {
                        time: r.at,
                        namespace: meta.namespace.clone(),
                        name: meta.name.clone(),
                        target: target.clone(),
                        current_replicas: r.current_replicas,
                        desired_replicas: r.desired_replicas,
                        metric,
                        current,
                        target_value,
                    });
                }
            }
        }
        out
    }

    /// availability.csv rows, in [`workloads`] order.
    pub(super) fn availability_rows(&self) -> Vec<AvailabilityRow> {
        let samples = &self.lifecycle.availability;
        (workloads(self).into_iter())
            .map(|(wr, kind, ns, name, desired)| {
                let (total, longest) = below_desired(samples, self.warmup(), wr);
                AvailabilityRow {
                    kind,
                    namespace: ns.to_owned(),
                    name: name.to_owned(),
                    desired,
                    below_desired_ms: total,
                    replicas_lost: replicas_lost(self, wr),
                    time_to_recover_ms: (longest > 0).then_some(longest),
                }
            })
            .collect()
    }

    /// faults.csv rows, in the order the faults began.
    pub(super) fn fault_rows(&self) -> Vec<FaultRow> {
        (self.lifecycle.faults.iter())
            .map(|f| FaultRow {
                node: self.cluster.nodes().names()[f.node.ix()].clone(),
                cause: f.cause.as_str(),
                start: f.start,
                end: f.end,
                pods_lost: f.pods_lost.len(),
                pods_evicted: f.pods_evicted.len(),
                time_to_running_ms: time_to_recover(self, f),
            })
            .collect()
    }

    /// services.csv rows, in Service order.
    pub(super) fn service_rows(&self) -> Vec<ServiceRow> {
        (self.lifecycle.services.iter().enumerate())
            .map(|(i, svc)| {
                let (min_ready_endpoints, outage_ms) = service_outage(self, i);
                ServiceRow {
                    namespace: svc.meta.namespace.clone(),
                    name: svc.meta.name.clone(),
                    min_ready_endpoints,
                    outage_ms,
                }
            })
            .collect()
    }
}

/// The metric column's name and its (current, target) in that unit: percent of request,
/// millicores or bytes. Current is `None` when unknown.
fn metric_cells(m: &ResourceMetric, v: Option<MetricValue>) -> (String, Option<i64>, i64) {
    let name = m.resource.as_str();
    let unit_of = |milli: i64| match m.resource {
        MetricResource::Cpu => milli,
        MetricResource::Memory => milli / 1000,
    };
    match m.target {
        MetricTarget::Utilization(t) => (
            format!("{name}_utilization_percent"),
            v.and_then(|v| v.utilization).map(i64::from),
            i64::from(t),
        ),
        MetricTarget::AverageValueMilli(t) => {
            let unit = match m.resource {
                MetricResource::Cpu => "millis",
                MetricResource::Memory => "bytes",
            };
            (
                format!("{name}_average_{unit}"),
                v.map(|v| unit_of(v.average_milli)),
                unit_of(t),
            )
        }
    }
}
