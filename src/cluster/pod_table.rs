//! The pod table: every pod the run created, by [`PodId`], until it is retired. A pod is
//! retired once it is gone from the API and nothing in the simulation reads it again (its
//! record has been taken); its slot then holds nothing, so memory follows the live and
//! recently finished pods, not every pod the run ever made (issue 18: a year of a CronJob).

use super::pod::{Pod, PodId};
use std::ops::{Index, IndexMut};

/// Pods by id. Ids are never reused: a retired pod's slot stays empty.
#[derive(Debug, Default, Clone)]
pub struct PodTable {
    slots: Vec<Option<Box<Pod>>>,
    retained: usize,
}

impl PodTable {
    /// Number of pods ever created (the next id), retired ones included.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// True if no pod was ever created.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Number of pods not retired.
    pub fn retained(&self) -> usize {
        self.retained
    }

    /// Adds `pod` under the next id.
    pub fn push(&mut self, pod: Pod) -> PodId {
        let id = PodId(self.slots.len() as u32);
        self.slots.push(Some(Box::new(pod)));
        self.retained += 1;
        id
    }

    /// Pod `id`, unless it was retired (or never existed).
    #[inline]
    pub fn get(&self, id: PodId) -> Option<&Pod> {
        self.slots.get(id.ix()).and_then(|s| s.as_deref())
    }

    /// True if pod `id` was created and then retired.
    pub fn is_retired(&self, id: PodId) -> bool {
        self.slots.get(id.ix()).is_some_and(|s| s.is_none())
    }

    /// The pods not retired with their ids, in id order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (PodId, &Pod)> {
        (self.slots.iter().enumerate())
            .filter_map(|(i, s)| s.as_deref().map(|p| (PodId(i as u32), p)))
    }

    /// The pods not retired, in id order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Pod> {
        self.slots.iter().filter_map(|s| s.as_deref())
    }

    /// Takes pod `id` out of the table for good.
    pub(super) fn retire(&mut self, id: PodId) -> Box<Pod> {
        let pod = self.slots[id.ix()]
            .take()
            .unwrap_or_else(|| panic!("pod {} retired twice", id.0));
        self.retained -= 1;
        pod
    }
}

impl Index<usize> for PodTable {
    type Output = Pod;

    /// Pod `i`. Panics if it was retired: only a pod's record outlives it.
    #[inline]
    fn index(&self, i: usize) -> &Pod {
        match &self.slots[i] {
            Some(p) => p,
            None => panic!("pod {i} was retired"),
        }
    }
}

impl IndexMut<usize> for PodTable {
    #[inline]
    fn index_mut(&mut self, i: usize) -> &mut Pod {
        match &mut self.slots[i] {
            Some(p) => p,
            None => panic!("pod {i} was retired"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::Owner;
    use crate::engine::SimTime;

    fn pod(name: &str) -> Pod {
        let spec = std::sync::Arc::new(Default::default());
        Pod::new(
            name.into(),
            "default".into(),
            Default::default(),
            Owner::None,
            spec,
            SimTime::ZERO,
        )
    }

    /// Retiring frees the slot but keeps the ids of later pods; iteration skips it.
    #[test]
    fn retired_slot_keeps_ids() {
        let mut t = PodTable::default();
        let a = t.push(pod("a"));
        let b = t.push(pod("b"));
        assert_eq!(t.retire(a).name, "a");
        assert_eq!((t.len(), t.retained()), (2, 1));
        assert!(t.is_retired(a) && !t.is_retired(b));
        assert!(t.get(a).is_none());
        let names: Vec<_> = t.iter().map(|(id, p)| (id, p.name.clone())).collect();
        assert_eq!(names, vec![(b, "b".to_string())]);
        assert_eq!(t.push(pod("c")), PodId(2));
    }

    #[test]
    #[should_panic(expected = "pod 0 was retired")]
    fn reading_a_retired_pod_panics() {
        let mut t = PodTable::default();
        let a = t.push(pod("a"));
        t.retire(a);
        let _ = &t[0];
    }
}
