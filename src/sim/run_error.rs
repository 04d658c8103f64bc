//! Why a run stops before its end time, and the messages that say where it got to, with
//! the seed and the command that reproduces it.

use super::event::Event;
use super::{invariants, liveness, Simulation};
use crate::engine::EngineError;

/// Why a run stopped before its end time.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The engine refused an operation (a bug: an event in the past).
    #[error(transparent)]
    Engine(EngineError),
    /// `limits.max_events` was reached.
    #[error("event limit reached: {events} events processed before the end time ({progress}); raise limits.max_events or shorten the duration; seed {seed}; reproduce with: {reproduce}")]
    EventLimit {
        /// Events processed.
        events: u64,
        /// Where simulated time got to and whether it was still advancing.
        progress: String,
        /// Seed of the run.
        seed: u64,
        /// The command that reproduces the run.
        reproduce: String,
    },
    /// The liveness guard saw no progress at one instant.
    #[error("no progress: {what}, mostly {kinds}; seed {seed}; reproduce with: {reproduce}")]
    Stalled {
        /// The object or event kind that repeated, and the simulated time.
        what: String,
        /// The most frequent event kinds at that instant.
        kinds: String,
        /// Seed of the run.
        seed: u64,
        /// The command that reproduces the run.
        reproduce: String,
    },
    /// An invariant of the simulation broke (a bug in k8sim).
    #[error("invariant broken at t = {time:.3} s after a {event} event: {invariant}: {detail}; seed {seed}; reproduce with: {reproduce} --check")]
    Invariant {
        /// The invariant.
        invariant: &'static str,
        /// What broke it.
        detail: String,
        /// The simulated time in seconds.
        time: f64,
        /// The kind of the event after which it was seen.
        event: &'static str,
        /// Seed of the run.
        seed: u64,
        /// The command that reproduces the run.
        reproduce: String,
    },
}

impl Simulation {
    /// The error for a broken invariant seen after an event of kind `kind` (an index below
    /// [`Event::KINDS`]).
    pub(super) fn broken(&self, v: invariants::Violation, kind: usize) -> RunError {
        RunError::Invariant {
            invariant: v.invariant,
            detail: v.detail,
            time: self.engine.now().as_secs_f64(),
            event: Event::kind_name(kind).0,
            seed: self.seed,
            reproduce: self.reproduce(),
        }
    }

    /// `k8sim run SCENARIO --seed N --scheduler S`.
    fn reproduce(&self) -> String {
        format!(
            "k8sim run {} --seed {} --scheduler {}",
            self.source.display(),
            self.seed,
            self.scheduler_name
        )
    }

    /// The error for an engine stop, with where the run got to.
    pub(super) fn stopped(&self, e: EngineError) -> RunError {
        let EngineError::EventLimit(events) = e else {
            return RunError::Engine(e);
        };
        let at_instant = self.liveness.events_at_instant();
        let t = self.liveness.instant().as_secs_f64();
        // Most of the run's events at one instant: time had stopped advancing.
        let progress = if at_instant * 2 > events {
            format!(
                "no progress: {} events at t = {t:.3} s, mostly {}",
                liveness::thousands(at_instant),
                self.liveness.dominant_kinds()
            )
        } else {
            format!(
                "time still advancing: t = {t:.3} s reached, {} events at that instant",
                liveness::thousands(at_instant)
            )
        };
        RunError::EventLimit {
            events,
            progress,
            seed: self.seed,
            reproduce: self.reproduce(),
        }
    }

    /// The error for a stall the liveness guard caught before handling `event`.
    pub(super) fn stalled(&self, stall: liveness::Stall, event: &Event) -> RunError {
        let t = self.engine.now().as_secs_f64();
        let what = match stall {
            liveness::Stall::Resync(c, n) => {
                let (kind, ns, name) = self.workloads.object_name(c);
                format!(
                    "{kind} {ns}/{name} re-synced {} times at t = {t:.3} s",
                    liveness::thousands(n as u64)
                )
            }
            liveness::Stall::Events(n) => {
                let (name, sync) = Event::kind_name(event.kind_index());
                let last = if sync {
                    format!("{name} sync")
                } else {
                    name.to_string()
                };
                format!(
                    "{} events at t = {t:.3} s without time advancing (last: {last})",
                    liveness::thousands(n)
                )
            }
        };
        RunError::Stalled {
            what,
            kinds: self.liveness.dominant_kinds(),
            seed: self.seed,
            reproduce: self.reproduce(),
        }
    }
}
