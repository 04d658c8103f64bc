//! Field-by-field checks of a five-field cron schedule, so an error names the field and
//! its range ("minute 61 is out of range 0–59") instead of the cron library's wording.
//! Ranges as Kubernetes' cron parser (robfig/cron v3 `parser.go` bounds) has them.

/// (field name, lowest, highest) of the five fields, in order.
const FIELDS: [(&str, u32, u32); 5] = [
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day-of-month", 1, 31),
    ("month", 1, 12),
    ("day-of-week", 0, 6),
];

/// Checks the numbers of each field of `schedule` (macros such as `@hourly` and month or
/// weekday names are left to the cron parser).
pub fn check_fields(schedule: &str) -> Result<(), String> {
    let s = schedule.trim();
    if s.starts_with('@') {
        return Ok(());
    }
    let parts: Vec<&str> = s.split_whitespace().collect();
    if parts.len() != FIELDS.len() {
        return Ok(()); // the parser reports the field count
    }
    for (text, (name, lo, hi)) in parts.iter().zip(FIELDS) {
        for item in text.split(',') {
            if item.is_empty() {
                // robfig/cron fails to parse the empty number; the cron library would accept
                // a field that matches nothing and search for the next time forever.
                return Err(format!(
                    "{name} {text:?} has an empty item: expected a number, a range or * between commas"
                ));
            }
            check_item(item, name, lo, hi)?;
        }
    }
    Ok(())
}

/// One comma-separated item: `*`, `N`, `A-B`, each optionally `/STEP`.
fn check_item(item: &str, name: &str, lo: u32, hi: u32) -> Result<(), String> {
    let (range, step) = match item.split_once('/') {
        Some((r, s)) => (r, Some(s)),
        None => (item, None),
    };
    if let Some(step) = step {
        match step.parse::<u32>() {
            Ok(n) if n > 0 => {}
            _ => return Err(format!("{name} step {step:?} must be a positive integer")),
        }
    }
    if range == "*" || range == "?" {
        return Ok(());
    }
    let (a, b) = match range.split_once('-') {
        Some((a, b)) => (a, Some(b)),
        None => (range, None),
    };
    let number = |t: &str| -> Result<Option<u32>, String> {
        if t.chars().all(|c| c.is_ascii_digit()) && !t.is_empty() {
            let v: u32 = t
                .parse()
                .map_err(|_| format!("{name} {t} is out of range {lo}–{hi}"))?;
            if v < lo || v > hi {
                return Err(format!("{name} {v} is out of range {lo}–{hi}"));
            }
            Ok(Some(v))
        } else {
            Ok(None) // a name (JAN, MON): the parser checks it
        }
    };
    let start = number(a)?;
    if let Some(b) = b {
        if let (Some(start), Some(end)) = (start, number(b)?) {
            if start > end {
                return Err(format!("{name} range start {start} > end {end}"));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_field_and_its_range() {
        assert_eq!(
            check_fields("61 * * * *").unwrap_err(),
            "minute 61 is out of range 0–59"
        );
        assert_eq!(
            check_fields("30-10 * * * *").unwrap_err(),
            "minute range start 30 > end 10"
        );
        assert_eq!(
            check_fields("0 24 * * *").unwrap_err(),
            "hour 24 is out of range 0–23"
        );
        assert_eq!(
            check_fields("0 0 0 * *").unwrap_err(),
            "day-of-month 0 is out of range 1–31"
        );
        assert!(check_fields("*/0 * * * *").unwrap_err().contains("step"));
        assert_eq!(
            check_fields(", * * * *").unwrap_err(),
            "minute \",\" has an empty item: expected a number, a range or * between commas"
        );
        assert!(check_fields("0 1,,2 * * *").unwrap_err().contains("hour"));
    }

    #[test]
    fn valid_schedules_pass() {
        for ok in [
            "*/5 * * * *",
            "0 9-17 * * MON-FRI",
            "0 0 1,15 JAN *",
            "@hourly",
        ] {
            assert_eq!(check_fields(ok), Ok(()), "{ok}");
        }
    }
}
