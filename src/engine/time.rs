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
    fn display_has_millisecond_precision() {
        assert_eq!(SimTime(12_500).to_string(), "12.500");
        assert_eq!(SimTime(7).to_string(), "0.007");
    }

    #[test]
    fn plus_saturates() {
        assert_eq!(SimTime::MAX.plus_millis(5), SimTime::MAX);
    }
}
