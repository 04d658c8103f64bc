//! Durations written as in Go/Kubernetes ("90s", "10m", "1h30m", "500ms", "2d").

/// Parses a duration into milliseconds. Accepts a sequence of `<integer or decimal><unit>`
/// with units `ms`, `s`, `m`, `h`, `d`; a bare `0` is zero.
pub fn parse_duration_ms(text: &str) -> Result<u64, String> {
    let s = text.trim();
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err("expected a duration such as 90s, 10m, 1h30m, 500ms".to_string());
    }
    let bad = || format!("expected a duration such as 90s, 10m, 1h30m, 500ms, found {s:?}");
    let mut total: f64 = 0.0;
    let mut rest = s;
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(bad)?;
        if num_end == 0 {
            return Err(bad());
        }
        let value: f64 = rest[..num_end].parse().map_err(|_| bad())?;
        rest = &rest[num_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let factor = match &rest[..unit_end] {
            "ms" => 1.0,
            "s" => 1000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            "d" => 86_400_000.0,
            _ => return Err(bad()),
        };
        total += value * factor;
        rest = &rest[unit_end..];
    }
    if total > 1e15 {
        return Err(format!("duration {s:?} is too long"));
    }
    Ok(total.round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_compound_durations() {
        assert_eq!(parse_duration_ms("90s"), Ok(90_000));
        assert_eq!(parse_duration_ms("1h30m"), Ok(5_400_000));
        assert_eq!(parse_duration_ms("500ms"), Ok(500));
        assert_eq!(parse_duration_ms("1.5s"), Ok(1500));
        assert_eq!(parse_duration_ms("0"), Ok(0));
        assert_eq!(parse_duration_ms("2d"), Ok(172_800_000));
    }

    #[test]
    fn rejects_garbage() {
        for bad in ["", "10", "m", "10x", "-5s", "1h 30m"] {
            assert!(parse_duration_ms(bad).is_err(), "{bad}");
        }
    }
}
