//! A StatefulSet's ordinals by the standing of their current pod (issue 14): which hold a
//! live pod, which of those are not Running and Ready, and which ordinals of the wanted
//! range `[start, start + replicas)` hold no live pod. The simulation refreshes an ordinal
//! wherever its pod's phase, readiness or deletion changes, so a sync touches only the
//! ordinals it has work for instead of walking all of them (a Parallel set of 20,000
//! replicas re-synced on every pod event was quadratic). kube's controller gets the same
//! answers by sorting its informer's pods into replicas and condemned
//! (pkg/controller/statefulset/stateful_set_control.go, updateStatefulSet); `k8sim run
//! --check` compares the index with a walk over the pods after every event.

use std::collections::BTreeSet;

/// What the current pod of one ordinal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrdinalStanding {
    /// No pod, or its pod terminated or is gone: the ordinal needs a new pod.
    Missing,
    /// A live pod that is not (yet, or no longer) Running and Ready.
    Unready,
    /// A live pod, Running and Ready.
    Ready,
}

/// The ordinal index of one StatefulSet (see the module doc).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrdinalIndex {
    /// The wanted range `[start, end)` that `missing` was computed for.
    range: (i32, i32),
    /// Ordinals holding a live pod.
    live: BTreeSet<i32>,
    /// Ordinals holding a live pod that is not Running and Ready (a subset of `live`).
    unready: BTreeSet<i32>,
    /// Ordinals of `range` without a live pod.
    missing: BTreeSet<i32>,
}

impl OrdinalIndex {
    /// Records that ordinal `ord`'s current pod now stands as `standing`.
    pub fn set(&mut self, ord: i32, standing: OrdinalStanding) {
        let live = standing != OrdinalStanding::Missing;
        if live {
            self.live.insert(ord);
            self.missing.remove(&ord);
        } else {
            self.live.remove(&ord);
            if (self.range.0..self.range.1).contains(&ord) {
                self.missing.insert(ord);
            }
        }
        if standing == OrdinalStanding::Unready {
            self.unready.insert(ord);
        } else {
            self.unready.remove(&ord);
        }
    }

    /// Makes `[start, start + replicas)` the wanted range: the work is proportional to the
    /// ordinals entering or leaving it (a moved start rebuilds it).
    pub fn set_range(&mut self, start: i32, replicas: i32) {
        let (start, end) = (start, start + replicas.max(0));
        if (start, end) == self.range {
            return;
        }
        if start != self.range.0 {
            self.missing.clear();
            self.range = (start, start);
        }
        let old_end = self.range.1;
        if end < old_end {
            self.missing.split_off(&end);
        }
        for ord in old_end..end {
            if !self.live.contains(&ord) {
                self.missing.insert(ord);
            }
        }
        self.range = (start, end);
    }

    /// Ordinals of the wanted range without a live pod, lowest first.
    pub fn missing(&self) -> Vec<i32> {
        self.missing.iter().copied().collect()
    }

    /// The lowest ordinal of the wanted range whose pod is not Running and Ready, and
    /// whether it has a live pod at all: where an OrderedReady walk stops.
    pub fn first_not_ready(&self) -> Option<(i32, OrdinalStanding)> {
        let (start, end) = self.range;
        let unready = self.unready.range(start..end).next().copied();
        let missing = self.missing.first().copied();
        match (missing, unready) {
            (Some(m), Some(u)) if u < m => Some((u, OrdinalStanding::Unready)),
            (Some(m), _) => Some((m, OrdinalStanding::Missing)),
            (None, Some(u)) => Some((u, OrdinalStanding::Unready)),
            (None, None) => None,
        }
    }

    /// Ordinals outside the wanted range holding a live pod, highest first: those above
    /// the range, then those below it.
    pub fn condemned(&self) -> Vec<i32> {
        let (start, end) = self.range;
        let above = self.live.range(end..).rev();
        let below = self.live.range(..start).rev();
        above.chain(below).copied().collect()
    }

    /// Ordinals whose pod is Running and Ready, in or out of the wanted range.
    pub fn ready(&self) -> i32 {
        (self.live.len() - self.unready.len()) as i32
    }

    /// Whether ordinal `ord` holds a live pod.
    pub fn is_live(&self, ord: i32) -> bool {
        self.live.contains(&ord)
    }

    /// The index's ordinals as (ordinal, standing) pairs for the live ones and the
    /// missing ones of the wanted range, for comparison with a walk over the pods.
    pub fn standings(&self) -> Vec<(i32, OrdinalStanding)> {
        let mut all: Vec<(i32, OrdinalStanding)> = self
            .live
            .iter()
            .map(|o| {
                let s = if self.unready.contains(o) {
                    OrdinalStanding::Unready
                } else {
                    OrdinalStanding::Ready
                };
                (*o, s)
            })
            .chain(self.missing.iter().map(|o| (*o, OrdinalStanding::Missing)))
            .collect();
        all.sort_unstable_by_key(|(o, _)| *o);
        all
    }

    /// The wanted range `(start, end)` the index was last given.
    pub fn range(&self) -> (i32, i32) {
        self.range
    }
}

#[cfg(test)]
mod tests {
    use super::OrdinalStanding::{Missing, Ready, Unready};
    use super::*;

    fn index(range: (i32, i32), standings: &[(i32, OrdinalStanding)]) -> OrdinalIndex {
        let mut ix = OrdinalIndex::default();
        ix.set_range(range.0, range.1 - range.0);
        for (o, s) in standings {
            ix.set(*o, *s);
        }
        ix
    }

    #[test]
    fn a_new_range_is_all_missing() {
        let ix = index((0, 4), &[]);
        assert_eq!(ix.missing(), vec![0, 1, 2, 3]);
        assert_eq!(ix.first_not_ready(), Some((0, Missing)));
        assert!(ix.condemned().is_empty());
        assert_eq!(ix.ready(), 0);
    }

    #[test]
    fn standings_move_ordinals_between_sets() {
        // Range [0, 4): 0 Ready, 1 Unready, 2 Ready, 3 never created.
        let mut ix = index((0, 4), &[(0, Ready), (1, Unready), (2, Ready)]);
        assert_eq!(ix.missing(), vec![3]);
        assert_eq!(ix.ready(), 2);
        assert_eq!(ix.first_not_ready(), Some((1, Unready)));
        // Ordinal 1's pod becomes Ready: the walk now stops at the missing 3.
        ix.set(1, Ready);
        assert_eq!(ix.first_not_ready(), Some((3, Missing)));
        assert_eq!(ix.ready(), 3);
        // Ordinal 0's pod is deleted and gone: missing again, lower than 3.
        ix.set(0, Missing);
        assert_eq!(ix.missing(), vec![0, 3]);
        assert_eq!(ix.first_not_ready(), Some((0, Missing)));
        assert_eq!(ix.ready(), 2);
    }

    #[test]
    fn scaling_down_condemns_the_highest_first() {
        // Five live pods 0..5, scaled to 2: 4, 3, 2 are condemned, highest first
        // (stateful_set_control.go processes condemned in decreasing ordinal order).
        let mut ix = index(
            (0, 5),
            &[(0, Ready), (1, Ready), (2, Ready), (3, Unready), (4, Ready)],
        );
        ix.set_range(0, 2);
        assert_eq!(ix.condemned(), vec![4, 3, 2]);
        assert!(ix.missing().is_empty());
        // Condemned pods still count as Ready ones until they go: 0, 1, 2, 4.
        assert_eq!(ix.ready(), 4);
        // Ordinal 4 goes: it is not missing, being outside the range.
        ix.set(4, Missing);
        assert_eq!(ix.condemned(), vec![3, 2]);
        assert!(ix.missing().is_empty());
    }

    #[test]
    fn scaling_up_adds_only_the_ordinals_without_a_live_pod() {
        // [0, 2) with live 0, 1 and a condemned but still Terminating 3: scaled to 5,
        // 2 and 4 are missing and 3 keeps its pod.
        let mut ix = index((0, 2), &[(0, Ready), (1, Ready), (3, Unready)]);
        assert_eq!(ix.condemned(), vec![3]);
        ix.set_range(0, 5);
        assert_eq!(ix.missing(), vec![2, 4]);
        assert!(ix.condemned().is_empty());
        assert_eq!(ix.first_not_ready(), Some((2, Missing)));
    }

    #[test]
    fn a_moved_start_condemns_below_and_fills_above() {
        // [0, 3) all Ready; start moves to 2 with 3 replicas: [2, 5). 0 and 1 are
        // condemned (1 first), 3 and 4 missing.
        let mut ix = index((0, 3), &[(0, Ready), (1, Ready), (2, Ready)]);
        ix.set_range(2, 3);
        assert_eq!(ix.range(), (2, 5));
        assert_eq!(ix.condemned(), vec![1, 0]);
        assert_eq!(ix.missing(), vec![3, 4]);
        assert_eq!(
            ix.standings(),
            vec![
                (0, Ready),
                (1, Ready),
                (2, Ready),
                (3, Missing),
                (4, Missing)
            ]
        );
    }
}
