//! The headline figures of a run (`summary.csv`, the terminal table), computed from the
//! pods, the scheduler's records, the recorder's integrals and the availability trackers.

use super::{availability, waits, Simulation};
use crate::cluster::PodPhase;
use crate::controllers;
use crate::engine::SimTime;

impl Simulation {
    /// The headline figures of the run so far.
    pub fn summary(&self) -> crate::metrics::summary::Summary {
        use crate::metrics::summary::{LatencyStats, Summary};
        let pods = &self.cluster.pods;
        let mut sched = Vec::new();
        let mut startup = Vec::new();
        let mut ready = Vec::new();
        let mut makespan: Option<SimTime> = None;
        let (mut scheduled, mut unschedulable, mut succeeded, mut failed) = (0, 0, 0, 0);
        for (i, p) in pods.iter().enumerate() {
            if let Some(s) = p.times.scheduled {
                scheduled += 1;
                sched.push(s.millis_since(p.times.created) as f64 / 1000.0);
            } else if self.scheduler.failed_once.get(i).copied().unwrap_or(false) {
                unschedulable += 1;
            }
            if let Some(s) = p.times.started {
                startup.push(s.millis_since(p.times.created) as f64 / 1000.0);
            }
            if let Some(r) = p.times.ready {
                ready.push(r.millis_since(p.times.created) as f64 / 1000.0);
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
            sched_latency: LatencyStats::of(sched),
            startup_latency: LatencyStats::of(startup),
            cpu_allocated_avg: i.cpu / end,
            memory_allocated_avg: i.memory / end,
            gpu_allocated_avg: i.gpu / end,
            nodes_used_avg: i.nodes_used / end,
            makespan_s: makespan.map(|m| m.as_secs_f64()),
            events_processed: self.engine.processed(),
            sim_end_s: self.engine.now().as_secs_f64(),
            ready_latency: LatencyStats::of(ready),
            jobs_completed,
            jobs_failed,
            job_completion: LatencyStats::of(job_times),
            ..Summary::default()
        };
        summary.fill_from_recorder(&self.recorder, self.engine.now().as_millis());
        availability::fill_summary(self, &mut summary);
        let pod_waits: Vec<_> = waits::pod_waits(self).into_iter().map(|(_, w)| w).collect();
        summary.waits = crate::metrics::waits::WaitStats::of(&pod_waits);
        if let Some(u) = &self.usage {
            summary.cpu_throttled_s = u.pods.values().map(|p| p.throttled_s()).sum();
            summary.oom_kills = u.oom_kills;
        }
        summary
    }
}
