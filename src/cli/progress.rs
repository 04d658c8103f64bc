//! The progress bar of `k8sim run` and `k8sim compare`: the phase (loading, simulating,
//! writing outputs), simulated time reached (`6h 12m of 24h`), events per second and an
//! ETA on stderr, drawn only once the work has taken about a second, ticking every 200 ms
//! once drawn, and never with `-q` or when stderr is not a terminal (so logs and pipes
//! stay clean).

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
        Self::with_options(runs, run_ms, show_after, Self::stderr_is_terminal())
    }

    /// A bar that is never drawn (`-q`).
    pub fn quiet(runs: u64, run_ms: u64) -> Progress {
        Self::with_options(runs, run_ms, SHOW_AFTER, false)
    }

    fn with_options(runs: u64, run_ms: u64, show_after: Duration, enabled: bool) -> Progress {
        let bar = ProgressBar::with_draw_target(
            Some(runs.saturating_mul(run_ms)),
            ProgressDrawTarget::hidden(),
        );
        bar.set_style(
            ProgressStyle::with_template("{spinner} {prefix} [{bar:30}] {msg} ({elapsed})")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar.set_prefix("loading");
        Progress {
            bar,
            started: Instant::now(),
            enabled,
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
            forwarded_at: None,
        }
    }

    /// Sets the total simulated time of one run (known once the scenario is loaded).
    pub fn set_run_ms(&self, run_ms: u64) {
        self.bar.set_length(self.runs.saturating_mul(run_ms));
    }

    /// Names the current phase (`loading`, `simulating`, `writing outputs`); with several
    /// runs in flight only the whole batch's phases are shown, not each run's.
    pub fn set_phase(&self, phase: &'static str, whole_batch: bool) {
        if whole_batch || self.runs == 1 {
            self.bar.set_prefix(phase);
            self.show_when_due();
        }
    }

    /// Draws the bar once the work has taken `show_after` (never when disabled).
    fn show_when_due(&self) {
        if self.enabled
            && self.started.elapsed() >= self.show_after
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.bar.enable_steady_tick(Duration::from_millis(200));
        }
    }

    fn add(&self, sim_ms: u64, events: u64) {
        let total_events = self.events.fetch_add(events, Ordering::Relaxed) + events;
        self.bar.inc(sim_ms);
        self.show_when_due();
        let elapsed = self.started.elapsed().as_secs_f64().max(1e-3);
        let rate = total_events as f64 / elapsed;
        let runs = if self.runs > 1 {
            format!(
                " · runs {}/{}",
                self.runs_done.load(Ordering::Relaxed),
                self.runs
            )
        } else {
            String::new()
        };
        let (done, total) = (self.bar.position(), self.bar.length().unwrap_or(0));
        // Simulated time per wall second so far gives the time left.
        let eta = match total.saturating_sub(done) {
            0 => String::new(),
            left if done > 0 => format!(
                " · ETA {}",
                sim_time((left as f64 * elapsed / done as f64 * 1000.0) as u64)
            ),
            _ => String::new(),
        };
        self.bar.set_message(format!(
            "{} of {} · {} events/s{runs}{eta}",
            sim_time(done / self.runs.max(1)),
            sim_time(total / self.runs.max(1)),
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
    /// When the last increment was forwarded (the bar is redrawn at most every
    /// [`FORWARD_EVERY`]).
    forwarded_at: Option<Instant>,
}

/// Least wall time between two increments a run forwards to the bar.
const FORWARD_EVERY: Duration = Duration::from_millis(100);

impl RunTracker<'_> {
    /// The run reached simulated time `now` after `events` events; forwarded to the bar
    /// at most every 100 ms of wall time.
    pub fn update(&mut self, now: SimTime, events: u64) {
        self.update_at(now, events, Instant::now());
    }

    /// [`RunTracker::update`] at wall-clock instant `wall`.
    fn update_at(&mut self, now: SimTime, events: u64, wall: Instant) {
        if self
            .forwarded_at
            .is_some_and(|at| wall.duration_since(at) < FORWARD_EVERY)
        {
            return;
        }
        self.forwarded_at = Some(wall);
        self.forward(now, events);
    }

    fn forward(&mut self, now: SimTime, events: u64) {
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
        self.forward(SimTime::from_millis(end_ms), events);
    }
}

/// A duration in milliseconds as people read it: `6h 12m`, `24h`, `1m 05s`, `42s`
/// (hours are not folded into days: a run's length reads `24h`, `48h`).
pub fn sim_time(ms: u64) -> String {
    let s = ms / 1000;
    let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
    match (h, m) {
        (0, 0) => format!("{sec}s"),
        (0, _) if sec == 0 => format!("{m}m"),
        (0, _) => format!("{m}m {sec:02}s"),
        (_, 0) => format!("{h}h"),
        _ => format!("{h}h {m}m"),
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

    /// Updates closer than 100 ms of wall time are held back, but nothing is lost: the
    /// next forwarded update and `done` carry every event and the whole simulated time.
    #[test]
    fn updates_are_throttled_without_losing_counts() {
        let p = Progress::quiet(1, 60_000);
        let mut t = p.run_tracker();
        let start = Instant::now();
        for i in 0..1_000 {
            // One update per wall millisecond: forwarded at 0, 100, ..., 900 ms.
            let wall = start + Duration::from_millis(i);
            t.update_at(SimTime::from_millis(i * 10), i * 64, wall);
        }
        assert_eq!(p.events.load(Ordering::Relaxed), 900 * 64);
        assert_eq!(p.bar.position(), 9_000);
        t.done(60_000, 70_000);
        assert_eq!(p.events.load(Ordering::Relaxed), 70_000);
        assert_eq!(p.bar.position(), 60_000);
    }

    #[test]
    fn rates_are_short() {
        assert_eq!(human(12_345_678.0), "12.3M");
        assert_eq!(human(2_500.0), "2.5k");
        assert_eq!(human(7.0), "7");
    }
}
