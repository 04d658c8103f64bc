//! The wall-clock cost of scheduling decisions: how long this machine took per attempt
//! (scheduling cycle, PostFilter and binding cycle). Measured with the OS clock, so it is
//! the one figure of a run that is not deterministic; it never feeds the simulation nor
//! the run's files, only `compare`'s `decision_cost.csv` and its terminal line.

use std::time::{Duration, Instant};

/// Scheduling attempts made and the wall-clock time they took.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DecisionCost {
    /// Scheduling attempts (pods popped from the queue and tried on the nodes).
    pub attempts: u64,
    /// Wall-clock time spent in those attempts.
    pub wall: Duration,
}

impl DecisionCost {
    /// Counts one attempt that started at `started`.
    pub fn record(&mut self, started: Instant) {
        self.attempts += 1;
        self.wall += started.elapsed();
    }

    /// Adds another run's attempts and time.
    pub fn add(&mut self, other: DecisionCost) {
        self.attempts += other.attempts;
        self.wall += other.wall;
    }

    /// Mean wall-clock microseconds per attempt; `None` without attempts.
    pub fn micros_per_attempt(&self) -> Option<f64> {
        (self.attempts > 0).then(|| self.wall.as_secs_f64() * 1e6 / self.attempts as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mean_divides_the_time_by_the_attempts() {
        let mut a = DecisionCost::default();
        assert_eq!(a.micros_per_attempt(), None);
        a.add(DecisionCost {
            attempts: 4,
            wall: Duration::from_micros(10),
        });
        a.add(DecisionCost {
            attempts: 1,
            wall: Duration::from_micros(5),
        });
        assert_eq!(a.attempts, 5);
        assert_eq!(a.micros_per_attempt(), Some(3.0));
        a.record(Instant::now());
        assert_eq!(a.attempts, 6);
    }
}
