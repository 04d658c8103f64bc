//! The scheduling queue: activeQ ordered by QueueSort (PrioritySort: priority, then
//! enqueue time), backoffQ with exponential back-off, and the unschedulable pool that
//! cluster events move back.

use super::framework::{QueueSortPlugin, QueuedPod};
use crate::cluster::{Cluster, PodId};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

/// Initial back-off (podInitialBackoffSeconds = 1).
pub const INITIAL_BACKOFF_MS: u64 = 1_000;
/// Maximum back-off (podMaxBackoffSeconds = 10).
pub const MAX_BACKOFF_MS: u64 = 10_000;
/// Pods stay in the unschedulable pool at most this long (podMaxInUnschedulablePodsDuration).
pub const MAX_IN_UNSCHEDULABLE_MS: u64 = 5 * 60_000;

/// The back-off after `attempts` failed attempts: 1 s doubling, capped at 10 s.
pub fn backoff_ms(attempts: u32) -> u64 {
    let shift = attempts.saturating_sub(1).min(20);
    (INITIAL_BACKOFF_MS << shift).min(MAX_BACKOFF_MS)
}

/// The scheduling queue.
#[derive(Debug, Default)]
pub struct SchedulingQueue {
    /// Key: (priority desc, timestamp asc, seq asc) — PrioritySort.
    active: BinaryHeap<(i32, Reverse<u64>, Reverse<u64>, PodId)>,
    backoff: BinaryHeap<Reverse<(u64, u64, PodId)>>,
    unschedulable: BTreeMap<PodId, (u64, i32)>,
    seq: u64,
}

impl SchedulingQueue {
    /// Adds a pod to the activeQ.
    pub fn push_active(&mut self, pod: PodId, priority: i32, now_ms: u64) {
        self.seq += 1;
        self.active
            .push((priority, Reverse(now_ms), Reverse(self.seq), pod));
    }

    /// Pops the next pod in PrioritySort order.
    pub fn pop(&mut self) -> Option<PodId> {
        self.active.pop().map(|(_, _, _, p)| p)
    }

    /// Pops the next pod in `sort`'s order: the heap for PrioritySort, otherwise a scan
    /// of the activeQ after `sort` refreshes its cluster-dependent keys (DRF shares change
    /// with every binding, so no heap order would stay valid).
    pub fn pop_sorted(&mut self, sort: &dyn QueueSortPlugin, cluster: &Cluster) -> Option<PodId> {
        if sort.is_priority_sort() {
            return self.pop();
        }
        let entries = std::mem::take(&mut self.active).into_vec();
        let mut queued: Vec<QueuedPod> = entries
            .iter()
            .map(
                |&(priority, Reverse(timestamp_ms), Reverse(seq), id)| QueuedPod {
                    id,
                    priority,
                    timestamp_ms,
                    seq,
                    share_ppm: 0,
                },
            )
            .collect();
        sort.refresh(cluster, &mut queued);
        let mut best: Option<usize> = None;
        for i in 0..queued.len() {
            if best.is_none_or(|b| sort.less(&queued[i], &queued[b])) {
                best = Some(i);
            }
        }
        let chosen = best.map(|b| queued[b].id);
        self.active = entries
            .into_iter()
            .filter(|e| Some(e.3) != chosen)
            .collect();
        chosen
    }

    /// Number of pods in the activeQ.
    pub fn active_len(&self) -> usize {
        self.active.len()
    }

    /// Total pods waiting in any sub-queue.
    pub fn len(&self) -> usize {
        self.active.len() + self.backoff.len() + self.unschedulable.len()
    }

    /// True if nothing waits.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Parks a pod that fit nowhere.
    pub fn add_unschedulable(&mut self, pod: PodId, priority: i32, now_ms: u64) {
        self.unschedulable.insert(pod, (now_ms, priority));
    }

    /// Removes a pod from every sub-queue (deleted pods).
    pub fn remove(&mut self, pod: PodId) {
        self.unschedulable.remove(&pod);
        self.active.retain(|e| e.3 != pod);
        self.backoff.retain(|Reverse(e)| e.2 != pod);
    }

    /// Moves every unschedulable pod to the backoffQ (or activeQ when its back-off is
    /// over): a cluster event may have made them schedulable. `backoff_until(pod)` gives
    /// the end of each pod's back-off.
    pub fn move_all_to_active_or_backoff(
        &mut self,
        now_ms: u64,
        backoff_until: impl Fn(PodId) -> u64,
    ) {
        let pods = std::mem::take(&mut self.unschedulable);
        for (pod, (_, priority)) in pods {
            let until = backoff_until(pod);
            if until <= now_ms {
                self.push_active(pod, priority, now_ms);
            } else {
                self.seq += 1;
                self.backoff.push(Reverse((until, self.seq, pod)));
                let _ = priority;
            }
        }
    }

    /// Moves pods whose back-off expired to the activeQ; returns the next expiry, if any.
    pub fn flush_backoff(
        &mut self,
        now_ms: u64,
        priority_of: impl Fn(PodId) -> i32,
    ) -> Option<u64> {
        while let Some(Reverse((until, _, pod))) = self.backoff.peek().copied() {
            if until > now_ms {
                return Some(until);
            }
            self.backoff.pop();
            self.push_active(pod, priority_of(pod), now_ms);
        }
        None
    }

    /// Moves pods that have waited longer than [`MAX_IN_UNSCHEDULABLE_MS`] to the activeQ
    /// (the periodic flushUnschedulablePodsLeftover).
    pub fn flush_unschedulable_leftover(&mut self, now_ms: u64) {
        let old: Vec<PodId> = self
            .unschedulable
            .iter()
            .filter(|(_, (since, _))| now_ms.saturating_sub(*since) >= MAX_IN_UNSCHEDULABLE_MS)
            .map(|(p, _)| *p)
            .collect();
        for p in old {
            let (_, prio) = self.unschedulable.remove(&p).expect("listed above");
            self.push_active(p, prio, now_ms);
        }
    }

    /// Number of parked unschedulable pods.
    pub fn unschedulable_len(&self) -> usize {
        self.unschedulable.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priority_then_fifo() {
        let mut q = SchedulingQueue::default();
        q.push_active(PodId(1), 0, 10);
        q.push_active(PodId(2), 100, 20);
        q.push_active(PodId(3), 0, 10);
        assert_eq!(q.pop(), Some(PodId(2)));
        assert_eq!(q.pop(), Some(PodId(1)));
        assert_eq!(q.pop(), Some(PodId(3)));
    }

    // pkg/scheduler/internal/queue: backoff doubles from 1s and caps at 10s.
    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff_ms(1), 1_000);
        assert_eq!(backoff_ms(2), 2_000);
        assert_eq!(backoff_ms(4), 8_000);
        assert_eq!(backoff_ms(5), 10_000);
        assert_eq!(backoff_ms(30), 10_000);
    }
}
