//! The progress bar of `k8sim run` and `k8sim compare`: simulated time reached and events
//! per second on stderr, drawn only once the work has taken about a second and never when
//! stderr is not a terminal (so logs and pipes stay clean).

use crate::engine::SimTime;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Work shorter than this never shows a bar.
const SHOW_AFTER: Duration = Duration::from_secs(1);

/// A progress bar over the simulated time of one or more runs, safe to update from
/// several threads.
pub struct Progress {
    bar: ProgressBar,
    started: Instant,
    enabled: bool,
    shown: AtomicBool,
    events: AtomicU64,
    runs_done: AtomicU64,
    runs: u64,
    show_after: Duration,
}

impl Progress {
    /// A bar for `runs` runs of `run_ms` simulated milliseconds each, drawn after about a
    /// second.
    pub fn new(runs: u64, run_ms: u64) -> Progress {
        Self::with_delay(runs, run_ms, SHOW_AFTER)
    }

    /// [`Progress::new`] drawn once the work has taken `show_after`.
    pub fn with_delay(runs: u64, run_ms: u64, show_after: Duration) -> Progress {
        let bar = ProgressBar::with_draw_target(
            Some(runs.saturating_mul(run_ms)),
            ProgressDrawTarget::hidden(),
        );
        bar.set_style(
            ProgressStyle::with_template("{spinner} [{bar:30}] {msg} ({elapsed})")
                .expect("valid template")
                .progress_chars("=> "),
        );
        Progress {
            bar,
            started: Instant::now(),
            enabled: Self::stderr_is_terminal(),
            shown: AtomicBool::new(false),
            events: AtomicU64::new(0),
            runs_done: AtomicU64::new(0),
            runs,
            show_after,
        }
    }

    /// Whether a bar can be drawn at all: stderr must be a terminal.
    pub fn stderr_is_terminal() -> bool {
        std::io::stderr().is_terminal()
    }

    /// True while nothing is drawn (always, when stderr is not a terminal).
    pub fn is_hidden(&self) -> bool {
        self.bar.is_hidden()
    }

    /// A tracker for one run, to be called as `Simulation::run_with_progress` reports.
    pub fn run_tracker(&self) -> RunTracker<'_> {
        RunTracker {
            progress: self,
            sim_ms: 0,
            events: 0,
        }
    }

    fn add(&self, sim_ms: u64, events: u64) {
        let total_events = self.events.fetch_add(events, Ordering::Relaxed) + events;
        self.bar.inc(sim_ms);
        let elapsed = self.started.elapsed();
        if self.enabled && elapsed >= self.show_after && !self.shown.swap(true, Ordering::Relaxed) {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.bar.enable_steady_tick(Duration::from_millis(200));
        }
        let rate = total_events as f64 / elapsed.as_secs_f64().max(1e-3);
        let runs = if self.runs > 1 {
            format!(
                " · runs {}/{}",
                self.runs_done.load(Ordering::Relaxed),
                self.runs
            )
        } else {
            String::new()
        };
        self.bar.set_message(format!(
            "simulated {} s of {} s · {} events/s{runs}",
            self.bar.position() / 1000,
            self.bar.length().unwrap_or(0) / 1000,
            human(rate)
        ));
    }

    /// Clears the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// Follows one run's progress reports and forwards their increments to the shared bar.
pub struct RunTracker<'a> {
    progress: &'a Progress,
    sim_ms: u64,
    events: u64,
}

impl RunTracker<'_> {
    /// The run reached simulated time `now` after `events` events.
    pub fn update(&mut self, now: SimTime, events: u64) {
        let now_ms = now.as_millis();
        self.progress.add(
            now_ms.saturating_sub(self.sim_ms),
            events - self.events.min(events),
        );
        self.sim_ms = self.sim_ms.max(now_ms);
        self.events = self.events.max(events);
    }

    /// The run ended at `end_ms` after `events` events in all.
    pub fn done(mut self, end_ms: u64, events: u64) {
        self.progress.runs_done.fetch_add(1, Ordering::Relaxed);
        self.update(SimTime::from_millis(end_ms), events);
    }
}

/// 12345678.0 -> "12.3M".
fn human(v: f64) -> String {
    if v >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if v >= 1e3 {
        format!("{:.1}k", v / 1e3)
    } else {
        format!("{v:.0}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_short() {
        assert_eq!(human(12_345_678.0), "12.3M");
        assert_eq!(human(2_500.0), "2.5k");
        assert_eq!(human(7.0), "7");
    }
}
