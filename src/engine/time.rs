//! Simulated time: an integer count of milliseconds since the scenario's start.

use std::fmt;

/// A point in simulated time, in milliseconds since the scenario's `start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SimTime(pub u64);

impl SimTime {
    /// The start of the simulation.
    pub const ZERO: SimTime = SimTime(0);
    /// The largest representable time, used as "never".
    pub const MAX: SimTime = SimTime(u64::MAX);

    /// A time of `ms` milliseconds.
    pub const fn from_millis(ms: u64) -> SimTime {
        SimTime(ms)
    }

    /// A time of `s` whole seconds.
    pub const fn from_secs(s: u64) -> SimTime {
        SimTime(s * 1000)
    }

    /// Milliseconds since start.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// Seconds since start, as a float (for reports only, never for ordering).
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    /// Parses seconds as [`SimTime`]'s `Display` writes them (`12.345`, also `12` or
    /// `12.5`): exact integer milliseconds, `None` for anything else (a sign, an exponent,
    /// more than three decimals, overflow).
    pub fn parse_secs(text: &str) -> Option<SimTime> {
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || (text.contains('.') && !digits(fraction)) || fraction.len() > 3 {
            return None;
        }
        let millis = format!("{fraction:0<3}").parse::<u64>().ok()?;
        let secs = whole.parse::<u64>().ok()?;
        secs.checked_mul(1000)?.checked_add(millis).map(SimTime)
    }

    /// `self + ms`, saturating at [`SimTime::MAX`].
    pub fn plus_millis(self, ms: u64) -> SimTime {
        SimTime(self.0.saturating_add(ms))
    }

    /// Milliseconds from `earlier` to `self` (zero if `earlier` is later).
    pub fn millis_since(self, earlier: SimTime) -> u64 {
        self.0.saturating_sub(earlier.0)
    }
}

impl fmt::Display for SimTime {
    /// Seconds with millisecond precision, e.g. `12.500`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:03}", self.0 / 1000, self.0 % 1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_secs_inverts_display() {
        // "12.345" is 12 * 1000 + 345 ms; "12.5" pads to 500 ms; "7" is 7000 ms.
        for (text, ms) in [
            ("12.345", 12_345),
            ("12.5", 12_500),
            ("7", 7_000),
            ("0.000", 0),
        ] {
            assert_eq!(SimTime::parse_secs(text), Some(SimTime(ms)), "{text}");
        }
        for ms in [0, 1, 999, 1_000, 86_400_001] {
            assert_eq!(
                SimTime::parse_secs(&SimTime(ms).to_string()),
                Some(SimTime(ms))
            );
        }
        for bad in [
            "",
            ".5",
            "1.",
            "-1",
            "1e3",
            "1.2345",
            "x",
            "1.2.3",
            "99999999999999999999",
        ] {
            assert_eq!(SimTime::parse_secs(bad), None, "{bad}");
        }
    }

    #[test]
    fn display_has_millisecond_precision() {
        assert_eq!(SimTime(12_500).to_string(), "12.500");
        assert_eq!(SimTime(7).to_string(), "0.007");
    }

    #[test]
    fn plus_saturates() {
        assert_eq!(SimTime::MAX.plus_millis(5), SimTime::MAX);
    }
}
