//! Keeps every ReplicaSet's status tally ([`ReplicaTally`]) and every StatefulSet's
//! ordinal index in step with their pods: each place that changes a pod's phase,
//! readiness or deletion takes the pod's standing before the change and hands it to
//! [`Simulation::replica_changed`] after it.

use super::Simulation;
use crate::cluster::{Owner, PodId};
use crate::controllers::replicaset_tally::{ReplicaStanding, ReplicaTally};
use crate::controllers::statefulset;

impl Simulation {
    /// Pod `p`'s standing in its ReplicaSet's counts, taken before changing the pod.
    pub(crate) fn replica_standing(&self, p: PodId) -> ReplicaStanding {
        ReplicaStanding::of(&self.cluster.pods()[p.ix()])
    }

    /// Pod `p` changed since its standing was `before`: moves it in the tally of the
    /// ReplicaSet that created it; a StatefulSet's pod re-reads its ordinal's standing; a
    /// Job's pod is noted for its Job's next sync.
    pub(crate) fn replica_changed(&mut self, p: PodId, before: ReplicaStanding) {
        let after = self.replica_standing(p);
        if let Some(tally) = self.replica_tally_of(p) {
            tally.changed(before, after);
        }
        let pod = &self.cluster.pods()[p.ix()];
        match (pod.owner, pod.index) {
            (Owner::StatefulSet(s), Some(ord)) => {
                let st = &mut self.workloads.statefulsets[s as usize];
                statefulset::refresh_ordinal(st, self.cluster.pods(), ord);
            }
            (Owner::Job(j), _) => self.workloads.jobs[j as usize].pod_changed(p),
            _ => {}
        }
    }

    /// Pod `p` loses its owner reference (an orphaning delete of its owner). A
    /// ReplicaSet's pod list keeps it, so its counts go on following the pod.
    pub(crate) fn orphan(&mut self, p: PodId) {
        if let Owner::ReplicaSet(rs) = self.cluster.orphan_pod(p) {
            self.replica_orphans.insert(p, rs);
        }
    }

    fn replica_tally_of(&mut self, p: PodId) -> Option<&mut ReplicaTally> {
        let rs = match self.cluster.pods()[p.ix()].owner {
            Owner::ReplicaSet(rs) => rs,
            Owner::None => *self.replica_orphans.get(&p)?,
            _ => return None,
        };
        Some(&mut self.workloads.replicasets[rs as usize].tally)
    }
}
