//! A ReplicaSet's status counts kept up to date as its pods change (issue 14), so that a
//! sync reads them in O(1) instead of walking every pod the ReplicaSet ever had; kube's
//! controller gets the same figures from its informer cache (pkg/controller/replicaset/
//! replica_set_utils.go calculateStatus: FilterActivePods, IsPodReady, IsPodAvailable,
//! FilterTerminatingPods).
//!
//! The simulation moves a pod's [`ReplicaStanding`] in its ReplicaSet's [`ReplicaTally`]
//! wherever the pod's phase, readiness or deletion changes; `k8sim run --check` compares
//! every tally with a walk over the pods ([`super::replicaset::counts_by_walk`]) after every
//! event.

use super::replicaset::ReplicaCounts;
use crate::cluster::Pod;
use crate::engine::SimTime;
use std::collections::BTreeMap;
use std::ops::Bound;

/// What one pod adds to its ReplicaSet's status counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplicaStanding {
    /// Active: neither terminated nor being deleted.
    pub active: bool,
    /// Being deleted, containers still stopping (not terminated, not gone).
    pub terminating: bool,
    /// Active and Ready: since when.
    pub ready_since: Option<SimTime>,
}

impl ReplicaStanding {
    /// A pod just created: Pending, active, not Ready.
    pub const CREATED: ReplicaStanding = ReplicaStanding {
        active: true,
        terminating: false,
        ready_since: None,
    };

    /// `pod`'s standing now.
    pub fn of(pod: &Pod) -> ReplicaStanding {
        let active = pod.is_active();
        debug_assert!(
            !pod.ready || pod.times.ready.is_some(),
            "a Ready pod has a ready time"
        );
        ReplicaStanding {
            active,
            terminating: pod.is_terminating() && !pod.phase.is_terminal(),
            ready_since: pod.times.ready.filter(|_| active && pod.ready),
        }
    }
}

/// A ReplicaSet's active and terminating pods, and when each of its Ready pods became
/// Ready (availability after minReadySeconds is a question of time, answered from these).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplicaTally {
    active: i32,
    terminating: i32,
    ready: i32,
    /// Ready pods by the time they became Ready (time -> number of pods).
    ready_since: BTreeMap<SimTime, u32>,
}

impl ReplicaTally {
    /// A pod of this ReplicaSet was created.
    pub fn created(&mut self) {
        self.apply(None, ReplicaStanding::CREATED);
    }

    /// A pod of this ReplicaSet changed from `before` to `after`.
    pub fn changed(&mut self, before: ReplicaStanding, after: ReplicaStanding) {
        if before != after {
            self.apply(Some(before), after);
        }
    }

    fn apply(&mut self, before: Option<ReplicaStanding>, after: ReplicaStanding) {
        if let Some(b) = before {
            self.active -= i32::from(b.active);
            self.terminating -= i32::from(b.terminating);
            if let Some(t) = b.ready_since {
                self.ready -= 1;
                let n = self
                    .ready_since
                    .get_mut(&t)
                    .expect("a Ready pod is tallied");
                *n -= 1;
                if *n == 0 {
                    self.ready_since.remove(&t);
                }
            }
        }
        self.active += i32::from(after.active);
        self.terminating += i32::from(after.terminating);
        if let Some(t) = after.ready_since {
            self.ready += 1;
            *self.ready_since.entry(t).or_insert(0) += 1;
        }
    }

    /// Active pods: neither terminated nor being deleted.
    pub fn active(&self) -> i32 {
        self.active
    }

    /// Active pods that are Ready.
    pub fn ready(&self) -> i32 {
        self.ready
    }

    /// The counts at `now`: a Ready pod is available once it has been Ready for
    /// `min_ready_ms` (a pod Ready at t is available from t + min_ready_ms on).
    pub fn counts(&self, now: SimTime, min_ready_ms: u64) -> ReplicaCounts {
        let warming: u32 = self.warming(now, min_ready_ms).map(|(_, n)| *n).sum();
        ReplicaCounts {
            active: self.active,
            ready: self.ready,
            available: self.ready - warming as i32,
            terminating: self.terminating,
        }
    }

    /// When the next Ready pod becomes available (after `now`), if one is still waiting
    /// out `min_ready_ms`.
    pub fn next_available(&self, now: SimTime, min_ready_ms: u64) -> Option<SimTime> {
        self.warming(now, min_ready_ms)
            .next()
            .map(|(t, _)| t.plus_millis(min_ready_ms))
    }

    /// Ready pods not yet available at `now`: Ready since after `now - min_ready_ms`.
    fn warming(
        &self,
        now: SimTime,
        min_ready_ms: u64,
    ) -> std::collections::btree_map::Range<'_, SimTime, u32> {
        let from = match now.as_millis().checked_sub(min_ready_ms) {
            Some(cutoff) => Bound::Excluded(SimTime::from_millis(cutoff)),
            None => Bound::Unbounded,
        };
        self.ready_since.range((from, Bound::Unbounded))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ready_at(ms: u64) -> ReplicaStanding {
        ReplicaStanding {
            ready_since: Some(SimTime::from_millis(ms)),
            ..ReplicaStanding::CREATED
        }
    }

    const DELETING: ReplicaStanding = ReplicaStanding {
        active: false,
        terminating: true,
        ready_since: None,
    };

    const GONE: ReplicaStanding = ReplicaStanding {
        active: false,
        terminating: false,
        ready_since: None,
    };

    #[test]
    fn availability_follows_min_ready_seconds_as_time_passes() {
        // Three pods Ready at 1 s, 4 s and 4 s; minReadySeconds 5 (5,000 ms).
        let mut t = ReplicaTally::default();
        for ms in [1_000, 4_000, 4_000] {
            t.created();
            t.changed(ReplicaStanding::CREATED, ready_at(ms));
        }
        let at = |s: u64| t.counts(SimTime::from_secs(s), 5_000);
        // At 5 s nothing has been Ready 5 s (1 s + 5 s = 6 s).
        assert_eq!(at(5).available, 0);
        assert_eq!(at(5).ready, 3);
        // At exactly 6 s the first pod is available (Ready >= minReadySeconds), the
        // other two at 9 s.
        assert_eq!(at(6).available, 1);
        assert_eq!(at(8).available, 1);
        assert_eq!(at(9).available, 3);
        assert_eq!(
            t.next_available(SimTime::from_secs(5), 5_000),
            Some(SimTime::from_secs(6))
        );
        assert_eq!(
            t.next_available(SimTime::from_secs(6), 5_000),
            Some(SimTime::from_secs(9))
        );
        assert_eq!(t.next_available(SimTime::from_secs(9), 5_000), None);
        // Before minReadySeconds has passed since time zero nothing is available.
        assert_eq!(t.counts(SimTime::from_secs(4), 5_000).available, 0);
        // minReadySeconds 0: Ready is available.
        assert_eq!(t.counts(SimTime::from_secs(4), 0).available, 3);
    }

    #[test]
    fn deleting_and_gone_pods_leave_the_counts() {
        let mut t = ReplicaTally::default();
        for _ in 0..3 {
            t.created();
        }
        t.changed(ReplicaStanding::CREATED, ready_at(2_000));
        t.changed(ReplicaStanding::CREATED, ready_at(2_000));
        // One Ready pod is deleted: 2 active (1 Ready), 1 terminating.
        t.changed(ready_at(2_000), DELETING);
        let c = t.counts(SimTime::from_secs(10), 0);
        assert_eq!(
            (c.active, c.ready, c.available, c.terminating),
            (2, 1, 1, 1)
        );
        // It is gone; another pod turns not Ready.
        t.changed(DELETING, GONE);
        t.changed(ready_at(2_000), ReplicaStanding::CREATED);
        let c = t.counts(SimTime::from_secs(10), 0);
        assert_eq!(
            (c.active, c.ready, c.available, c.terminating),
            (2, 0, 0, 0)
        );
        assert!(t.ready_since.is_empty());
        // An unchanged standing changes nothing.
        let before = t.clone();
        t.changed(DELETING, DELETING);
        assert_eq!(t, before);
    }
}
