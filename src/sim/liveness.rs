//! Liveness guard: a run whose simulated time stops advancing (an object re-synced over
//! and over at one instant, or too many events at one instant) stops with an error naming
//! the object, the event kind, the simulated time, the seed and the command to reproduce
//! it, instead of spinning until `limits.max_events`.

use super::event::Event;
use crate::controllers::ControllerRef;
use crate::engine::SimTime;
use std::collections::BTreeMap;

/// Ceilings of the liveness guard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LivenessLimits {
    /// Most syncs of one controller object at one simulated instant (raised to
    /// `syncs_per_pod` per pod in a cluster with more pods).
    pub max_syncs_per_instant: u32,
    /// Syncs of one object allowed at one instant per pod of the cluster, when that is
    /// above `max_syncs_per_instant`: a healthy controller syncs about once per change of
    /// one of its pods, and a pod changes a few times at most at one instant (created,
    /// bound, failed). xl.yaml binds 120,000 pods of one Deployment at t = 0, each bind
    /// re-syncing it (issue 14).
    pub syncs_per_pod: u32,
    /// Most events at one simulated instant.
    pub max_events_per_instant: u64,
}

impl Default for LivenessLimits {
    /// Far above what a healthy run does at one instant (a 100,000-pod burst at time zero
    /// with zero delays is about a million events; a controller syncs about once per
    /// change of its pods) and far below `limits.max_events`.
    fn default() -> Self {
        LivenessLimits {
            max_syncs_per_instant: 100_000,
            syncs_per_pod: 4,
            max_events_per_instant: 10_000_000,
        }
    }
}

/// What the guard saw at the current instant.
#[derive(Debug, Clone)]
pub struct Liveness {
    /// The ceilings (public so that a run can tighten or relax them).
    pub limits: LivenessLimits,
    instant: SimTime,
    events: u64,
    kinds: [u64; Event::KINDS],
    syncs: BTreeMap<ControllerRef, u32>,
}

/// Why the guard stopped a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stall {
    /// One object was re-synced more than `max_syncs_per_instant` times.
    Resync(ControllerRef, u32),
    /// More than `max_events_per_instant` events happened at one instant.
    Events(u64),
}

impl Liveness {
    /// A guard with `limits`, at time zero.
    pub fn new(limits: LivenessLimits) -> Liveness {
        Liveness {
            limits,
            instant: SimTime::ZERO,
            events: 0,
            kinds: [0; Event::KINDS],
            syncs: BTreeMap::new(),
        }
    }

    /// Counts `event`, about to be handled at `now` in a cluster of `pods` pods (gone ones
    /// included); an error once a ceiling is passed.
    pub fn observe(&mut self, now: SimTime, event: &Event, pods: usize) -> Result<(), Stall> {
        if now != self.instant {
            self.instant = now;
            self.events = 0;
            self.kinds = [0; Event::KINDS];
            self.syncs.clear();
        }
        self.events += 1;
        self.kinds[event.kind_index()] += 1;
        if let Event::Sync(c) = event {
            let n = self.syncs.entry(*c).or_insert(0);
            *n += 1;
            let per_pod = u64::from(self.limits.syncs_per_pod) * pods as u64;
            let ceiling = u64::from(self.limits.max_syncs_per_instant).max(per_pod);
            if u64::from(*n) > ceiling {
                return Err(Stall::Resync(*c, *n));
            }
        }
        if self.events > self.limits.max_events_per_instant {
            return Err(Stall::Events(self.events));
        }
        Ok(())
    }

    /// Events handled at the current instant so far.
    pub fn events_at_instant(&self) -> u64 {
        self.events
    }

    /// The current instant.
    pub fn instant(&self) -> SimTime {
        self.instant
    }

    /// The one or two most frequent event kinds at this instant, as
    /// `Deployment/ReplicaSet syncs` or `SchedulerCycle events`.
    pub fn dominant_kinds(&self) -> String {
        let mut ranked: Vec<(u64, usize)> = self
            .kinds
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(i, n)| (*n, i))
            .collect();
        // Most frequent first; ties in kind order.
        ranked.sort_by_key(|(n, i)| (std::cmp::Reverse(*n), *i));
        let top: Vec<usize> = ranked.iter().take(2).map(|(_, i)| *i).collect();
        if top.iter().all(|i| Event::kind_name(*i).1) {
            let names: Vec<&str> = top.iter().map(|i| Event::kind_name(*i).0).collect();
            return format!("{} syncs", names.join("/"));
        }
        let names: Vec<String> = top
            .iter()
            .map(|i| match Event::kind_name(*i) {
                (name, true) => format!("{name} sync"),
                (name, false) => name.to_string(),
            })
            .collect();
        format!("{} events", names.join("/"))
    }
}

pub use crate::model::thousands::thousands;

#[cfg(test)]
mod tests {
    use super::*;

    fn guard(syncs: u32, events: u64) -> Liveness {
        Liveness::new(LivenessLimits {
            max_syncs_per_instant: syncs,
            syncs_per_pod: 4,
            max_events_per_instant: events,
        })
    }

    #[test]
    fn the_same_object_synced_too_often_at_one_instant_stalls() {
        let mut g = guard(3, 100);
        let t = SimTime::from_secs(60);
        let d = Event::Sync(ControllerRef::Deployment(0));
        let r = Event::Sync(ControllerRef::ReplicaSet(0));
        for _ in 0..3 {
            g.observe(t, &d, 0).unwrap();
            g.observe(t, &r, 0).unwrap();
        }
        assert_eq!(
            g.observe(t, &d, 0),
            Err(Stall::Resync(ControllerRef::Deployment(0), 4))
        );
        assert_eq!(g.dominant_kinds(), "Deployment/ReplicaSet syncs");
    }

    #[test]
    fn a_cluster_with_many_pods_allows_more_syncs_per_object() {
        // Ceiling 3, but 2 pods allow 4 × 2 = 8 syncs of one object at one instant.
        let mut g = guard(3, 100);
        let t = SimTime::from_secs(1);
        let d = Event::Sync(ControllerRef::Deployment(0));
        for _ in 0..8 {
            g.observe(t, &d, 2).unwrap();
        }
        assert_eq!(
            g.observe(t, &d, 2),
            Err(Stall::Resync(ControllerRef::Deployment(0), 9))
        );
    }

    #[test]
    fn time_advancing_resets_the_counts() {
        let mut g = guard(2, 3);
        let d = Event::Sync(ControllerRef::Job(1));
        for s in 0..10 {
            g.observe(SimTime::from_secs(s), &d, 0).unwrap();
            g.observe(SimTime::from_secs(s), &Event::Sample, 0).unwrap();
        }
        assert_eq!(g.events_at_instant(), 2);
        g.observe(SimTime::from_secs(9), &Event::Sample, 0).unwrap();
        assert_eq!(
            g.observe(SimTime::from_secs(9), &Event::Sample, 0),
            Err(Stall::Events(4))
        );
        assert_eq!(g.dominant_kinds(), "Sample/Job sync events");
    }
}
