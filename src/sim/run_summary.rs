//! The headline figures of a run (`summary.csv`, the terminal table), computed from the
//! pods, the scheduler's records, the recorder's integrals and the availability trackers.

use super::{availability, waits, Simulation};
use crate::cluster::pod::PodTimes;
use crate::cluster::{PodId, PodPhase};
use crate::controllers;
use crate::engine::SimTime;
use crate::metrics::pod_records::Lifecycle;
use crate::metrics::summary::LatencyStats;

impl Simulation {
    /// The headline figures of the run so far.
    pub fn summary(&self) -> crate::metrics::summary::Summary {
        use crate::metrics::summary::Summary;
        let pods = &self.cluster.pods();
        let mut makespan: Option<SimTime> = None;
        let (mut scheduled, mut unschedulable, mut succeeded, mut failed) = (0, 0, 0, 0);
        for (i, p) in (0..pods.len()).map(|i| (i, self.lifecycle(PodId(i as u32)))) {
            if p.times.scheduled.is_some() {
                scheduled += 1;
            } else if self.scheduler.failed_once.get(i).copied().unwrap_or(false) {
                unschedulable += 1;
            }
            match p.phase {
                PodPhase::Succeeded => succeeded += 1,
                PodPhase::Failed => failed += 1,
                _ => {}
            }
            if p.phase.is_terminal() {
                makespan = makespan.max(p.times.finished);
            }
        }
        let end = self.engine.now().as_millis().max(1) as f64;
        let i = &self.recorder.integrals;
        let mut job_times = Vec::new();
        let (mut jobs_completed, mut jobs_failed) = (0, 0);
        for j in &self.workloads.jobs {
            match j.finished {
                Some((t, controllers::job::JobOutcome::Complete)) => {
                    jobs_completed += 1;
                    job_times.push(t.millis_since(j.start) as f64 / 1000.0);
                }
                Some((_, controllers::job::JobOutcome::Failed)) => jobs_failed += 1,
                None => {}
            }
        }
        let mut summary = Summary {
            scenario: self.scenario_name.clone(),
            scheduler: self.scheduler_name.clone(),
            seed: self.seed,
            pods_created: pods.len() as u64,
            pods_scheduled: scheduled,
            pods_unschedulable: unschedulable,
            pods_succeeded: succeeded,
            pods_failed: failed,
            sched_latency: self.latency(|t| t.scheduled),
            startup_latency: self.latency(|t| t.started),
            cpu_allocated_avg: i.cpu / end,
            memory_allocated_avg: i.memory / end,
            gpu_allocated_avg: i.gpu / end,
            nodes_used_avg: i.nodes_used / end,
            makespan_s: makespan.map(|m| m.as_secs_f64()),
            events_processed: self.engine.processed(),
            sim_end_s: self.engine.now().as_secs_f64(),
            ready_latency: self.latency(|t| t.ready),
            jobs_completed,
            jobs_failed,
            job_completion: LatencyStats::of(job_times),
            ..Summary::default()
        };
        summary.fill_from_recorder(&self.recorder, self.engine.now().as_millis());
        availability::fill_summary(self, &mut summary);
        summary.waits = waits::pod_waits(self).overall();
        if let Some(u) = &self.usage {
            let live: u64 = u.pods.values().map(|p| p.throttled_millicore_ms).sum();
            let all = live + self.retired.throttled_millicore_ms;
            summary.cpu_throttled_s = all as f64 / 1e6;
            summary.oom_kills = u.oom_kills;
        }
        summary
    }

    /// The statistics of `since_created` minus creation over the pods that have that time,
    /// in seconds (one pass, one vector at a time: a long run has millions of pods).
    fn latency(&self, since_created: impl Fn(&PodTimes) -> Option<SimTime>) -> LatencyStats {
        let values = (0..self.cluster.pods().len())
            .map(|i| self.lifecycle(PodId(i as u32)).times)
            .filter_map(|t| Some(since_created(&t)?.millis_since(t.created) as f64 / 1000.0));
        LatencyStats::of(values.collect())
    }

    /// Pod `p`'s times and phase, from the pod table or, once retired, from its record.
    fn lifecycle(&self, p: PodId) -> Lifecycle {
        if let Some(pod) = self.cluster.pods().get(p) {
            return Lifecycle {
                times: pod.times.clone(),
                phase: pod.phase,
            };
        }
        (self.retired.records.lifecycle(p.ix())).expect("a retired pod has a record")
    }
}
