//! What a Job's finished pods add up to, kept across syncs so that a sync looks only at
//! the pods still open (issue 18: a Job with `completions: 100000` must not walk every
//! pod nor allocate vectors sized by `completions` on each sync).
//!
//! A pod is folded in once, when a sync first sees it Succeeded, Failed or deleting; its
//! contribution never changes afterwards (terminal pods do not change, and a deleted pod
//! runs no more containers). A sync looks only at the open pods that changed since the
//! last one; `k8sim run --check` verifies that every open pod that ended or is being
//! deleted is among them.

use crate::cluster::{Pod, PodId, PodPhase};
use crate::engine::SimTime;
use std::collections::{BTreeMap, BTreeSet};

/// A Job's running totals over its folded pods, plus its open pods.
#[derive(Debug, Clone, Default)]
pub struct JobTally {
    /// Pods not folded yet (neither terminal nor deleting), by id: in creation order, as
    /// ids are never reused.
    pub open: BTreeSet<PodId>,
    /// Pods whose phase, readiness or deletion changed since the last sync (the
    /// simulation adds them): the only open pods a sync may have to fold (issue 14: a Job
    /// of 25,000 parallel pods walked all of them on every pod event).
    pub changed: BTreeSet<PodId>,
    /// Succeeded pods.
    pub succeeded: i32,
    /// Failed pods counted against the Job (not those a podFailurePolicy rule ignores).
    pub failed: i32,
    /// Container restarts of folded pods.
    pub restarts: u32,
    /// Completion indexes with a succeeded pod (Indexed mode; empty otherwise).
    pub done: Vec<bool>,
    /// Number of `true` entries of `done`.
    pub done_count: usize,
    /// Counted failures per completion index (only indexes that failed).
    pub index_failures: BTreeMap<u32, i32>,
    /// Indexes a FailIndex podFailurePolicy rule failed.
    pub failed_by_rule: BTreeSet<u32>,
    /// Indexes below `next_fresh` whose pod ended without succeeding: candidates for a
    /// new pod (unless failed for good).
    pub retry: BTreeSet<u32>,
    /// Every index from here on has never had a pod.
    pub next_fresh: u32,
    /// Finish time of the latest succeeded pod.
    pub last_success: Option<SimTime>,
    /// Finish times of counted failures after `last_success` (the back-off's
    /// consecutive failures).
    pub failures_since_success: Vec<SimTime>,
}

/// How a sync should count a failed pod (the podFailurePolicy verdict).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureVerdict {
    /// Not counted at all (`Ignore`).
    Ignored,
    /// Counted; `fail_index` when a FailIndex rule matched.
    Counted {
        /// A FailIndex rule matched.
        fail_index: bool,
    },
}

impl JobTally {
    /// A tally for a Job with `indexes` completion indexes (0 unless Indexed).
    pub fn new(indexes: usize) -> JobTally {
        JobTally {
            done: vec![false; indexes],
            ..JobTally::default()
        }
    }

    /// Folds in a pod that succeeded at `finished`.
    pub fn fold_success(&mut self, pod: &Pod, finished: SimTime) {
        self.restarts += pod.restarts;
        self.succeeded += 1;
        if let Some(i) = pod.index {
            self.retry.remove(&(i as u32));
            if let Some(d) = self.done.get_mut(i as usize) {
                if !*d {
                    *d = true;
                    self.done_count += 1;
                }
            }
        }
        if self.last_success.is_none_or(|s| finished >= s) {
            self.last_success = Some(finished);
            self.failures_since_success.retain(|f| *f > finished);
        }
    }

    /// Folds in a pod that failed at `finished`, counted as `verdict` says.
    pub fn fold_failure(&mut self, pod: &Pod, finished: SimTime, verdict: FailureVerdict) {
        self.restarts += pod.restarts;
        self.release_index(pod);
        let FailureVerdict::Counted { fail_index } = verdict else {
            return;
        };
        self.failed += 1;
        if let Some(i) = pod.index {
            *self.index_failures.entry(i as u32).or_insert(0) += 1;
            if fail_index {
                self.failed_by_rule.insert(i as u32);
            }
        }
        if self.last_success.is_none_or(|s| finished > s) {
            self.failures_since_success.push(finished);
        }
    }

    /// Folds in a pod being deleted before it ended.
    pub fn fold_deleted(&mut self, pod: &Pod) {
        self.restarts += pod.restarts;
        self.release_index(pod);
    }

    /// The pod's index has no pod any more: it may get a new one unless it is done.
    fn release_index(&mut self, pod: &Pod) {
        if let Some(i) = pod.index {
            if !self.done.get(i as usize).copied().unwrap_or(true) {
                self.retry.insert(i as u32);
            }
        }
    }

    /// Indexes failed for good under backoffLimitPerIndex `limit`: not succeeded, and
    /// failed by a FailIndex rule or more than `limit` times.
    pub fn failed_indexes(&self, limit: Option<i32>) -> BTreeSet<u32> {
        let Some(limit) = limit else {
            return BTreeSet::new();
        };
        self.index_failures
            .iter()
            .filter(|(i, n)| {
                !self.done.get(**i as usize).copied().unwrap_or(false)
                    && (**n > limit || self.failed_by_rule.contains(*i))
            })
            .map(|(i, _)| *i)
            .collect()
    }

    /// The next `count` indexes to start pods for, lowest first: indexes that had a pod
    /// which ended without success (skipping `failed`), then never-used ones below
    /// `indexes`. Marks them taken.
    pub fn take_indexes(&mut self, count: usize, failed: &BTreeSet<u32>) -> Vec<u32> {
        let mut picked: Vec<u32> = self
            .retry
            .iter()
            .filter(|i| !failed.contains(i))
            .take(count)
            .copied()
            .collect();
        for i in &picked {
            self.retry.remove(i);
        }
        while picked.len() < count && (self.next_fresh as usize) < self.done.len() {
            picked.push(self.next_fresh);
            self.next_fresh += 1;
        }
        picked
    }

    /// Whether `pod` is folded in by a sync: terminal, or deleting.
    pub fn is_closed(pod: &Pod) -> bool {
        matches!(pod.phase, PodPhase::Succeeded | PodPhase::Failed) || pod.deleting
    }
}
