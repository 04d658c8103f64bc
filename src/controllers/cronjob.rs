//! CronJob controller: creates a Job `<cronjob>-<minutes since the Unix epoch>` at each
//! scheduled time (evaluated in the CronJob's `timeZone`), with concurrencyPolicy Allow,
//! Forbid or Replace and history limits (pkg/controller/cronjob/cronjob_controllerv2.go).

use super::garbage_collector;
use super::job::{self, JobOutcome};
use super::{ControllerContext, ControllerRef};
use crate::engine::SimTime;
use crate::model::workload::{ConcurrencyPolicy, CronJob, PropagationPolicy};
use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;
use croner::Cron;

/// A CronJob's state.
#[derive(Debug, Clone)]
pub struct CronJobState {
    /// The spec.
    pub spec: CronJob,
    /// The parsed schedule.
    pub cron: Cron,
    /// The time zone the schedule is evaluated in.
    pub tz: Tz,
    /// The jobTemplate's spec, shared by every Job it creates.
    pub job_spec: std::sync::Arc<crate::model::workload::JobSpec>,
    /// Jobs it created that still exist in the API, oldest first.
    pub jobs: Vec<u32>,
    /// Scheduled times and what happened at each.
    pub runs: Vec<CronRun>,
    /// status.lastScheduleTime: the scheduled time of the last Job created.
    pub last_schedule: Option<SimTime>,
    /// Deleted (`kubectl delete cronjob`): suspended for good, its Jobs deleted.
    pub deleted: bool,
}

/// One scheduled time of a CronJob.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CronRun {
    /// The scheduled time.
    pub scheduled: SimTime,
    /// When the Job was actually created.
    pub started: Option<SimTime>,
    /// What happened.
    pub outcome: RunOutcome,
    /// The Job created.
    pub job: Option<u32>,
}

/// What happened at a scheduled time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunOutcome {
    /// A Job was created.
    Started,
    /// Skipped: Forbid and a Job was still active.
    Skipped,
    /// The active Job was replaced by a new one.
    Replaced,
    /// Not started: the controller was not running (suspended) at that time, or the
    /// start was later than startingDeadlineSeconds.
    Missed,
}

fn to_datetime(ctx: &impl ControllerContext, t: SimTime, tz: Tz) -> DateTime<Tz> {
    let ms = ctx.start_epoch_s() * 1000 + t.as_millis() as i64;
    Utc.timestamp_millis_opt(ms)
        .single()
        .expect("simulated time is a valid instant")
        .with_timezone(&tz)
}

fn to_simtime(ctx: &impl ControllerContext, dt: &DateTime<Tz>) -> Option<SimTime> {
    let ms = dt.timestamp_millis() - ctx.start_epoch_s() * 1000;
    (ms >= 0).then_some(SimTime::from_millis(ms as u64))
}

/// The first scheduled time strictly after `after`.
fn next_after(ctx: &impl ControllerContext, c: u32, after: DateTime<Tz>) -> Option<SimTime> {
    let st = &ctx.workloads().cronjobs[c as usize];
    let next = st.cron.find_next_occurrence(&after, false).ok()?;
    to_simtime(ctx, &next)
}

/// Adds a CronJob and arms its first tick.
pub fn add(ctx: &mut impl ControllerContext, spec: CronJob, cron: Cron, tz: Tz) -> u32 {
    let idx = ctx.workloads().cronjobs.len() as u32;
    ctx.workloads_mut().cronjobs.push(CronJobState {
        job_spec: std::sync::Arc::new(spec.job.clone()),
        spec,
        cron,
        tz,
        jobs: Vec::new(),
        runs: Vec::new(),
        last_schedule: None,
        deleted: false,
    });
    // The first schedule strictly after the start instant minus 1 ms, so a schedule that
    // matches the start itself fires at time zero.
    let start = to_datetime(ctx, SimTime::ZERO, tz) - chrono::Duration::milliseconds(1);
    if let Some(t) = next_after(ctx, idx, start) {
        ctx.cron_tick_at(t, idx);
    }
    idx
}

/// Kubernetes gives up listing missed start times beyond this many (cronjob utils.go
/// mostRecentScheduleTime: "too many missed start times").
pub const MAX_MISSED_START_TIMES: usize = 100;

/// Scheduled times in `(after, until]`, at most `MAX_MISSED_START_TIMES + 1` of them.
pub fn schedule_times(cron: &Cron, after: DateTime<Tz>, until: DateTime<Tz>) -> Vec<DateTime<Tz>> {
    let mut out = Vec::new();
    let mut t = after;
    while out.len() <= MAX_MISSED_START_TIMES {
        match cron.find_next_occurrence(&t, false) {
            Ok(n) if n <= until => {
                out.push(n);
                t = n;
            }
            _ => break,
        }
    }
    out
}

/// A scheduled time arrived (or the CronJob was resumed): like syncCronJob, look at the
/// schedule times missed since the last one and start a Job for the most recent, unless
/// it is later than startingDeadlineSeconds; more than 100 missed times only log a
/// warning event.
pub fn tick(ctx: &mut impl ControllerContext, c: u32) {
    let now = ctx.now();
    let st = &ctx.workloads().cronjobs[c as usize];
    let tz = st.tz;
    // Arm the next tick first.
    if let Some(t) = next_after(ctx, c, to_datetime(ctx, now, tz)) {
        ctx.cron_tick_at(t, c);
    }
    fire(ctx, c);
}

/// Records what happened at scheduled time `run.scheduled`: a new row, or (`replace`) the
/// new fate of a time already recorded, so cronjobs.csv has one row per scheduled time.
/// Returns true if the row is new or changed.
fn record_run(ctx: &mut impl ControllerContext, c: u32, run: CronRun, replace: bool) -> bool {
    let runs = &mut ctx.workloads_mut().cronjobs[c as usize].runs;
    // Rows are in scheduled order and only recent ones change: search the rows from the
    // end down to the first one scheduled earlier (O(1) for a new run, however long the
    // history).
    let same = (runs.iter_mut().rev())
        .take_while(|r| r.scheduled >= run.scheduled)
        .find(|r| r.scheduled == run.scheduled);
    match same {
        Some(existing) if replace && *existing != run => {
            *existing = run;
            true
        }
        Some(_) => false,
        None => {
            runs.push(run);
            true
        }
    }
}

fn not_started(scheduled: SimTime, outcome: RunOutcome) -> CronRun {
    CronRun {
        scheduled,
        started: None,
        outcome,
        job: None,
    }
}

/// syncCronJob: the most recent unmet scheduled time (after status.lastScheduleTime)
/// starts a Job unless it is later than startingDeadlineSeconds or, with Forbid, a Job is
/// still active. A Forbid skip leaves the time unmet, so the active Job's completion
/// (which syncs the CronJob) starts it then (cronjob_controllerv2.go).
fn fire(ctx: &mut impl ControllerContext, c: u32) {
    let now = ctx.now();
    let st = &ctx.workloads().cronjobs[c as usize];
    let tz = st.tz;
    if st.spec.suspend {
        return;
    }
    let name = st.spec.meta.name.clone();
    let earliest = st.last_schedule.unwrap_or(SimTime::ZERO);
    let after = to_datetime(ctx, earliest, tz) - chrono::Duration::milliseconds(1);
    let times = schedule_times(&st.cron, after, to_datetime(ctx, now, tz));
    let times: Vec<SimTime> = times
        .iter()
        .filter_map(|d| to_simtime(ctx, d))
        .filter(|t| st.last_schedule.is_none_or(|l| *t > l))
        .collect();
    let Some(&scheduled) = times.last() else {
        return;
    };
    let mut new_times = false;
    for &missed in &times[..times.len() - 1] {
        new_times |= record_run(ctx, c, not_started(missed, RunOutcome::Missed), false);
    }
    if times.len() > MAX_MISSED_START_TIMES && new_times {
        ctx.record_event(
            "CronJob",
            &name,
            "Warning",
            "TooManyMissedTimes",
            "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew".into(),
        );
    }
    let st = &ctx.workloads().cronjobs[c as usize];
    if let Some(deadline) = st.spec.starting_deadline_seconds {
        if now.millis_since(scheduled) > deadline.max(0) as u64 * 1000 {
            if record_run(ctx, c, not_started(scheduled, RunOutcome::Missed), true) {
                ctx.record_event(
                    "CronJob",
                    &name,
                    "Warning",
                    "MissSchedule",
                    format!(
                        "Missed scheduled time to start a job: {}",
                        // cronjob_controllerv2.go: scheduledTime.UTC().Format(time.RFC1123Z).
                        to_datetime(ctx, scheduled, tz)
                            .with_timezone(&Utc)
                            .format("%a, %d %b %Y %H:%M:%S %z")
                    ),
                );
            }
            return;
        }
    }
    let active: Vec<u32> = st
        .jobs
        .iter()
        .copied()
        .filter(|j| job::is_active(ctx, *j))
        .collect();
    let outcome = match st.spec.concurrency_policy {
        ConcurrencyPolicy::Forbid if !active.is_empty() => {
            if record_run(ctx, c, not_started(scheduled, RunOutcome::Skipped), false) {
                ctx.record_event(
                    "CronJob",
                    &name,
                    "Normal",
                    "JobAlreadyActive",
                    "Not starting job because prior execution is running and concurrency policy is Forbid".into(),
                );
            }
            return;
        }
        ConcurrencyPolicy::Replace if !active.is_empty() => {
            for j in active {
                let jn = ctx.workloads().jobs[j as usize].name.clone();
                // deleteJob: background propagation.
                garbage_collector::delete(
                    ctx,
                    ControllerRef::Job(j),
                    PropagationPolicy::Background,
                );
                ctx.record_event(
                    "CronJob",
                    &name,
                    "Normal",
                    "SuccessfulDelete",
                    format!("Deleted job {jn}"),
                );
            }
            RunOutcome::Replaced
        }
        _ => RunOutcome::Started,
    };
    start_job(ctx, c, scheduled, outcome);
}

/// Creates the Job of scheduled time `scheduled` (getJobFromTemplate2: named after the
/// scheduled time in minutes since the epoch) and records it as status.lastScheduleTime.
fn start_job(ctx: &mut impl ControllerContext, c: u32, scheduled: SimTime, outcome: RunOutcome) {
    let now = ctx.now();
    let st = &ctx.workloads().cronjobs[c as usize];
    let name = st.spec.meta.name.clone();
    let scheduled_minutes =
        (ctx.start_epoch_s() * 1000 + scheduled.as_millis() as i64).div_euclid(60_000);
    let job_name = format!("{name}-{scheduled_minutes}");
    let spec = st.job_spec.clone();
    let namespace = st.spec.meta.namespace.clone();
    let j = job::add(
        ctx,
        job_name.clone(),
        namespace,
        spec,
        Some(c),
        name.clone(),
    );
    let st = &mut ctx.workloads_mut().cronjobs[c as usize];
    st.jobs.push(j);
    st.last_schedule = Some(scheduled);
    let run = CronRun {
        scheduled,
        started: Some(now),
        outcome,
        job: Some(j),
    };
    record_run(ctx, c, run, true);
    ctx.record_event(
        "CronJob",
        &name,
        "Normal",
        "SuccessfulCreate",
        format!("Created job {job_name}"),
    );
}

/// Suspends or resumes CronJob `c`; resuming looks at the times missed meanwhile at once
/// (the most recent may start, within startingDeadlineSeconds).
pub fn set_suspend(ctx: &mut impl ControllerContext, c: u32, suspend: bool) {
    let st = &mut ctx.workloads_mut().cronjobs[c as usize];
    let resumed = st.spec.suspend && !suspend;
    st.spec.suspend = suspend;
    if resumed {
        fire(ctx, c);
    }
}

/// A Job of CronJob `c` changed: enforce the history limits, then start the most recent
/// Drops the Jobs gone from the API from the CronJob's list (the controller lists the Jobs
/// that exist), so a sync costs the history it keeps, not every Job it ever ran.
fn forget_deleted_jobs(ctx: &mut impl ControllerContext, c: u32) {
    let jobs = std::mem::take(&mut ctx.workloads_mut().cronjobs[c as usize].jobs);
    let present: Vec<u32> = (jobs.into_iter())
        .filter(|j| garbage_collector::present(ctx, ControllerRef::Job(*j)))
        .collect();
    ctx.workloads_mut().cronjobs[c as usize].jobs = present;
}

/// unmet scheduled time if it may start now (a Forbid skip waiting for the active Job).
pub fn sync(ctx: &mut impl ControllerContext, c: u32) {
    let st = &ctx.workloads().cronjobs[c as usize];
    if st.deleted {
        garbage_collector::deleted_owner_synced(ctx, ControllerRef::CronJob(c));
        return;
    }
    forget_deleted_jobs(ctx, c);
    let st = &ctx.workloads().cronjobs[c as usize];
    let (keep_ok, keep_failed) = (
        st.spec.successful_jobs_history_limit.max(0) as usize,
        st.spec.failed_jobs_history_limit.max(0) as usize,
    );
    for (outcome, keep) in [
        (JobOutcome::Complete, keep_ok),
        (JobOutcome::Failed, keep_failed),
    ] {
        let st = &ctx.workloads().cronjobs[c as usize];
        let finished: Vec<u32> = st
            .jobs
            .iter()
            .copied()
            .filter(|j| {
                let js = &ctx.workloads().jobs[*j as usize];
                !js.deleted && js.finished.map(|(_, o)| o) == Some(outcome)
            })
            .collect();
        if finished.len() > keep {
            for j in &finished[..finished.len() - keep] {
                garbage_collector::delete(
                    ctx,
                    ControllerRef::Job(*j),
                    PropagationPolicy::Background,
                );
            }
        }
    }
    fire(ctx, c);
}
