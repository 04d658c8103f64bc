//! Write access to a pod's status: the fields its lifecycle changes and that no cluster
//! index depends on. The indexed fields (node, labels, name, owner, deletion) change only
//! through `Cluster` methods such as `bind`, `unbind`, `mark_deleting` and `mark_gone`.

use super::{Cluster, PodId, PodPhase};
use crate::cluster::pod::PodTimes;

/// Mutable borrows of one pod's status fields (see the module doc).
pub struct PodStatusMut<'a> {
    /// The pod's name (read-only).
    pub name: &'a str,
    /// Phase; change it through the simulation's pod counters, which follow it.
    pub phase: &'a mut PodPhase,
    /// Lifecycle times.
    pub times: &'a mut PodTimes,
    /// Scheduling attempts.
    pub attempts: &'a mut u32,
    /// Container restarts.
    pub restarts: &'a mut u32,
    /// Ready condition.
    pub ready: &'a mut bool,
    /// Bumped whenever pending lifecycle events of this pod become stale.
    pub generation: &'a mut u32,
    /// Exit code of the last container run.
    pub exit_code: &'a mut Option<i32>,
}

impl Cluster {
    /// The status fields of pod `p`, writable.
    pub fn pod_status_mut(&mut self, p: PodId) -> PodStatusMut<'_> {
        let pod = &mut self.pods[p.ix()];
        PodStatusMut {
            name: &pod.name,
            phase: &mut pod.phase,
            times: &mut pod.times,
            attempts: &mut pod.attempts,
            restarts: &mut pod.restarts,
            ready: &mut pod.ready,
            generation: &mut pod.generation,
            exit_code: &mut pod.exit_code,
        }
    }

    /// Pod `p`'s object left the API (its name was forgotten with [`Cluster::forget_name`]).
    pub fn mark_gone(&mut self, p: PodId) {
        self.pods[p.ix()].gone = true;
    }

    /// Pod `p` loses its owner reference (an orphaning delete); returns the old owner.
    pub fn orphan_pod(&mut self, p: PodId) -> super::Owner {
        std::mem::replace(&mut self.pods[p.ix()].owner, super::Owner::None)
    }
}
