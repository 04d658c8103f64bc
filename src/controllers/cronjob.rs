//! CronJob controller: creates a Job `<cronjob>-<minutes since the Unix epoch>` at each
//! scheduled time (evaluated in the CronJob's `timeZone`), with concurrencyPolicy Allow,
//! Forbid or Replace and history limits (pkg/controller/cronjob/cronjob_controllerv2.go).

use super::job::{self, JobOutcome};
use crate::engine::SimTime;
use crate::model::workload::{ConcurrencyPolicy, CronJob};
use crate::sim::event::{ControllerRef, Event};
use crate::sim::Simulation;
use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;
use croner::parser::{CronParser, Seconds, Year};
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
    /// Jobs created, oldest first.
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

/// Parses a Kubernetes cron schedule: 5 fields, names, ranges, steps and `@hourly`-style
/// macros; day-of-month and day-of-week are ORed as in Vixie cron.
pub fn parse_schedule(schedule: &str) -> Result<Cron, String> {
    let s = schedule.trim();
    if s.starts_with("TZ=") || s.starts_with("CRON_TZ=") {
        return Err(
            "TZ/CRON_TZ prefixes are not allowed in spec.schedule; use spec.timeZone".into(),
        );
    }
    // croner lacks these two Vixie macros.
    let s = match s {
        "@midnight" => "0 0 * * *",
        "@annually" => "0 0 1 1 *",
        other => other,
    };
    if !s.starts_with('@') && s.split_whitespace().count() != 5 {
        return Err(format!(
            "expected 5 fields (minute hour day-of-month month day-of-week), found {:?}",
            schedule
        ));
    }
    CronParser::builder()
        .seconds(Seconds::Disallowed)
        .year(Year::Disallowed)
        .build()
        .parse(s)
        .map_err(|e| format!("invalid schedule {schedule:?}: {e}"))
}

/// Parses an IANA time zone name (`spec.timeZone`).
pub fn parse_time_zone(name: Option<&str>) -> Result<Tz, String> {
    match name {
        None => Ok(Tz::UTC),
        Some(n) => n.parse::<Tz>().map_err(|_| {
            format!("unknown time zone {n:?}: expected an IANA name such as Europe/Paris")
        }),
    }
}

fn to_datetime(sim: &Simulation, t: SimTime, tz: Tz) -> DateTime<Tz> {
    let ms = sim.start_epoch_s * 1000 + t.as_millis() as i64;
    Utc.timestamp_millis_opt(ms)
        .single()
        .expect("simulated time is a valid instant")
        .with_timezone(&tz)
}

fn to_simtime(sim: &Simulation, dt: &DateTime<Tz>) -> Option<SimTime> {
    let ms = dt.timestamp_millis() - sim.start_epoch_s * 1000;
    (ms >= 0).then_some(SimTime::from_millis(ms as u64))
}

/// The first scheduled time strictly after `after`.
fn next_after(sim: &Simulation, c: u32, after: DateTime<Tz>) -> Option<SimTime> {
    let st = &sim.workloads.cronjobs[c as usize];
    let next = st.cron.find_next_occurrence(&after, false).ok()?;
    to_simtime(sim, &next)
}

/// Adds a CronJob and arms its first tick.
pub fn add(sim: &mut Simulation, spec: CronJob, cron: Cron, tz: Tz) -> u32 {
    let idx = sim.workloads.cronjobs.len() as u32;
    sim.workloads.cronjobs.push(CronJobState {
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
    let start = to_datetime(sim, SimTime::ZERO, tz) - chrono::Duration::milliseconds(1);
    if let Some(t) = next_after(sim, idx, start) {
        sim.engine
            .schedule_at(t, Event::CronTick(idx))
            .expect("first tick is not in the past");
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
pub fn tick(sim: &mut Simulation, c: u32) {
    let now = sim.engine.now();
    let st = &sim.workloads.cronjobs[c as usize];
    let tz = st.tz;
    // Arm the next tick first.
    if let Some(t) = next_after(sim, c, to_datetime(sim, now, tz)) {
        sim.engine
            .schedule_at(t, Event::CronTick(c))
            .expect("next tick is after now");
    }
    fire(sim, c);
}

fn fire(sim: &mut Simulation, c: u32) {
    let now = sim.engine.now();
    let st = &sim.workloads.cronjobs[c as usize];
    let tz = st.tz;
    if st.spec.suspend {
        return;
    }
    let name = st.spec.meta.name.clone();
    let earliest = st.last_schedule.unwrap_or(SimTime::ZERO);
    let after = to_datetime(sim, earliest, tz) - chrono::Duration::milliseconds(1);
    let times = schedule_times(&st.cron, after, to_datetime(sim, now, tz));
    let times: Vec<SimTime> = times
        .iter()
        .filter_map(|d| to_simtime(sim, d))
        .filter(|t| st.last_schedule.is_none_or(|l| *t > l))
        .collect();
    let Some(&scheduled) = times.last() else {
        return;
    };
    if times.len() > MAX_MISSED_START_TIMES {
        sim.record_event(
            "CronJob",
            &name,
            "Warning",
            "TooManyMissedTimes",
            "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew".into(),
        );
    }
    for &missed in &times[..times.len() - 1] {
        sim.workloads.cronjobs[c as usize].runs.push(CronRun {
            scheduled: missed,
            started: None,
            outcome: RunOutcome::Missed,
            job: None,
        });
    }
    let st = &sim.workloads.cronjobs[c as usize];
    if let Some(deadline) = st.spec.starting_deadline_seconds {
        if now.millis_since(scheduled) > deadline.max(0) as u64 * 1000 {
            sim.workloads.cronjobs[c as usize].runs.push(CronRun {
                scheduled,
                started: None,
                outcome: RunOutcome::Missed,
                job: None,
            });
            sim.record_event(
                "CronJob",
                &name,
                "Warning",
                "MissSchedule",
                // cronjob_controllerv2.go: scheduledTime.UTC().Format(time.RFC1123Z).
                format!(
                    "Missed scheduled time to start a job: {}",
                    to_datetime(sim, scheduled, tz)
                        .with_timezone(&Utc)
                        .format("%a, %d %b %Y %H:%M:%S %z")
                ),
            );
            return;
        }
    }
    let active: Vec<u32> = st
        .jobs
        .iter()
        .copied()
        .filter(|j| job::is_active(sim, *j))
        .collect();
    let outcome = match st.spec.concurrency_policy {
        ConcurrencyPolicy::Forbid if !active.is_empty() => {
            sim.workloads.cronjobs[c as usize].runs.push(CronRun {
                scheduled,
                started: None,
                outcome: RunOutcome::Skipped,
                job: None,
            });
            sim.record_event(
                "CronJob",
                &name,
                "Normal",
                "JobAlreadyActive",
                "Not starting job because prior execution is running and concurrency policy is Forbid".into(),
            );
            return;
        }
        ConcurrencyPolicy::Replace if !active.is_empty() => {
            for j in active {
                let jn = sim.workloads.jobs[j as usize].name.clone();
                sim.workloads.jobs[j as usize].deleted = true;
                sim.request_sync(ControllerRef::Job(j));
                sim.record_event(
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
    // getJobFromTemplate2: the name carries the scheduled time in minutes since the epoch.
    let scheduled_minutes =
        (sim.start_epoch_s * 1000 + scheduled.as_millis() as i64).div_euclid(60_000);
    let job_name = format!("{name}-{scheduled_minutes}");
    let st = &sim.workloads.cronjobs[c as usize];
    let spec = st.spec.job.clone();
    let namespace = st.spec.meta.namespace.clone();
    let j = job::add(
        sim,
        job_name.clone(),
        namespace,
        spec,
        Some(c),
        name.clone(),
    );
    let st = &mut sim.workloads.cronjobs[c as usize];
    st.jobs.push(j);
    st.last_schedule = Some(scheduled);
    st.runs.push(CronRun {
        scheduled,
        started: Some(now),
        outcome,
        job: Some(j),
    });
    sim.record_event(
        "CronJob",
        &name,
        "Normal",
        "SuccessfulCreate",
        format!("Created job {job_name}"),
    );
}

/// Suspends or resumes CronJob `c`; resuming looks at the times missed meanwhile at once
/// (the most recent may start, within startingDeadlineSeconds).
pub fn set_suspend(sim: &mut Simulation, c: u32, suspend: bool) {
    let st = &mut sim.workloads.cronjobs[c as usize];
    let resumed = st.spec.suspend && !suspend;
    st.spec.suspend = suspend;
    if resumed {
        fire(sim, c);
    }
}

/// A Job of CronJob `c` changed: enforce the history limits.
pub fn sync(sim: &mut Simulation, c: u32) {
    let st = &sim.workloads.cronjobs[c as usize];
    let (keep_ok, keep_failed) = (
        st.spec.successful_jobs_history_limit.max(0) as usize,
        st.spec.failed_jobs_history_limit.max(0) as usize,
    );
    for (outcome, keep) in [
        (JobOutcome::Complete, keep_ok),
        (JobOutcome::Failed, keep_failed),
    ] {
        let st = &sim.workloads.cronjobs[c as usize];
        let finished: Vec<u32> = st
            .jobs
            .iter()
            .copied()
            .filter(|j| {
                let js = &sim.workloads.jobs[*j as usize];
                !js.deleted && js.finished.map(|(_, o)| o) == Some(outcome)
            })
            .collect();
        if finished.len() > keep {
            for j in &finished[..finished.len() - keep] {
                sim.workloads.jobs[*j as usize].deleted = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_kubernetes_accepts() {
        for ok in [
            "*/1 * * * *",
            "@hourly",
            "0 0 * * MON-FRI",
            "@midnight",
            "15 2 1 JAN *",
        ] {
            assert!(parse_schedule(ok).is_ok(), "{ok}");
        }
        for bad in [
            "* * * *",
            "0 * * * * *",
            "TZ=UTC * * * * *",
            "61 * * * *",
            "nonsense",
        ] {
            assert!(parse_schedule(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn time_zones() {
        assert!(parse_time_zone(Some("Europe/Paris")).is_ok());
        assert!(parse_time_zone(Some("Mars/Olympus")).is_err());
    }
}
