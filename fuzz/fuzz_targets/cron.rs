//! CronJob schedules as a manifest's `spec.schedule` and `spec.timeZone` give them: line 1
//! is the schedule, line 2 the time zone (optional), line 3 a start instant in Unix
//! seconds (optional). A schedule the reader accepts is then evaluated as the CronJob
//! controller does: the scheduled times over the following days, each strictly later.
#![no_main]

use chrono::{TimeZone, Utc};
use k8sim::controllers::cronjob::schedule_times;
use k8sim::model::cron::{parse_schedule, parse_time_zone};
use k8sim::input::cron::check_fields;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let mut lines = text.lines();
    let schedule = lines.next().unwrap_or_default();
    let zone = lines.next().filter(|z| !z.is_empty());
    let start_s: i64 = lines
        .next()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(1_767_225_600);
    if check_fields(schedule).is_err() {
        return;
    }
    let (Ok(cron), Ok(tz)) = (parse_schedule(schedule), parse_time_zone(zone)) else {
        return;
    };
    // Simulated time runs from the scenario's start over at most ten years.
    let Some(after) = Utc
        .timestamp_opt(start_s.clamp(0, 4_102_444_800), 0)
        .single()
    else {
        return;
    };
    let after = after.with_timezone(&tz);
    let until = after + chrono::Duration::days(3);
    let times = schedule_times(&cron, after, until);
    assert!(times.windows(2).all(|w| w[0] < w[1]), "{times:?}");
    assert!(times.iter().all(|t| *t > after && *t <= until));
});
