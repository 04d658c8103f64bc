//! CronJob schedules and time zones (`spec.schedule`, `spec.timeZone`), parsed and
//! checked as the API server does before the CronJob controller evaluates them.

use chrono_tz::Tz;
use croner::parser::{CronParser, Seconds, Year};
use croner::Cron;

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
