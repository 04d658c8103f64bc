//! Scoped what-if edits for the scheduler's dry runs (preemption, nominated pods): pods
//! counted on or taken off one node's columns, undone exactly when the scope ends and
//! never logged in [`super::changes`].
//!
//! kube dry-runs on copies of NodeInfo and CycleState (framework/preemption/preemption.go
//! `DryRunPreemption`, defaultpreemption `SelectVictimsOnNode`, runtime/framework.go
//! `RunFilterPluginsWithNominatedPods` / `addGENominatedPods`, which call the PreFilter
//! extensions `AddPod`/`RemovePod`). k8sim's filters read the cluster's node columns and
//! topology counts directly, so a [`DryRun`] edits those in place for the duration of the
//! scope: it saves only the touched nodes' columns and the touched pods' topology flags
//! (never O(cluster)), and restores them when dropped, so the cluster, its indexes and its
//! node change log are as before and the score cache sees no change.

use super::{Cluster, NodeIdx, PodId};
use crate::model::resources::Resources;

/// The columns of one node a dry run may change, as they were before its first edit.
struct SavedNode {
    node: NodeIdx,
    pods: Vec<PodId>,
    host_ports: Vec<(String, String, i32)>,
    requested: Resources,
    nonzero_requested: [i64; 2],
}

/// A what-if scope over a cluster. Readers see the edited cluster through
/// [`DryRun::cluster`]; the only edits are [`DryRun::add`] and [`DryRun::remove`]; nested
/// scopes ([`DryRun::scope`]) undo their own edits first. Dropping the scope restores
/// everything it changed.
pub struct DryRun<'a> {
    cluster: &'a mut Cluster,
    saved_nodes: Vec<SavedNode>,
    /// Pods whose topology-counted flag an edit may have changed, with the flag before.
    saved_counted: Vec<(PodId, bool)>,
    saved_affinity_counts: (usize, usize),
}

impl<'a> DryRun<'a> {
    /// Opens a what-if scope over `cluster`.
    pub fn new(cluster: &'a mut Cluster) -> DryRun<'a> {
        let saved_affinity_counts = (
            cluster.pods_with_required_anti_affinity,
            cluster.pods_with_pod_affinity,
        );
        DryRun {
            cluster,
            saved_nodes: Vec::new(),
            saved_counted: Vec::new(),
            saved_affinity_counts,
        }
    }

    /// The cluster with this scope's (and enclosing scopes') edits applied.
    pub fn cluster(&self) -> &Cluster {
        &*self.cluster
    }

    /// A nested scope: its edits are undone when it is dropped, leaving this scope's.
    pub fn scope(&mut self) -> DryRun<'_> {
        DryRun::new(&mut *self.cluster)
    }

    /// Counts pod `p` on node `n` as the filters see it (requests, pod list, host ports,
    /// affinity counters, topology counts of a bound pod) without binding it: kube's
    /// `NodeInfo.AddPod` on the copy plus the PreFilter extensions' `AddPod`.
    pub fn add(&mut self, p: PodId, n: NodeIdx) {
        self.save(p, n);
        self.cluster.what_if_apply(p, n, true);
    }

    /// Takes pod `p` off node `n` as the filters see it, without changing the pod: kube's
    /// `NodeInfo.RemovePod` on the copy plus the PreFilter extensions' `RemovePod`.
    pub fn remove(&mut self, p: PodId, n: NodeIdx) {
        self.save(p, n);
        self.cluster.what_if_apply(p, n, false);
    }

    /// Remembers node `n`'s columns (first edit of the node in this scope) and pod `p`'s
    /// topology flag before an edit.
    fn save(&mut self, p: PodId, n: NodeIdx) {
        let counted = self.cluster.topology.counted[p.ix()];
        self.saved_counted.push((p, counted));
        if self.saved_nodes.iter().any(|s| s.node == n) {
            return;
        }
        let t = &self.cluster.nodes;
        self.saved_nodes.push(SavedNode {
            node: n,
            pods: t.pods[n.ix()].clone(),
            host_ports: t.host_ports[n.ix()].clone(),
            requested: t.requested[n.ix()],
            nonzero_requested: t.nonzero_requested[n.ix()],
        });
    }
}

impl Drop for DryRun<'_> {
    fn drop(&mut self) {
        let c = &mut *self.cluster;
        for (p, counted) in self.saved_counted.drain(..).rev() {
            c.set_topology_counted(p, counted);
        }
        for s in self.saved_nodes.drain(..) {
            let t = &mut c.nodes;
            t.pods[s.node.ix()] = s.pods;
            t.host_ports[s.node.ix()] = s.host_ports;
            t.requested[s.node.ix()] = s.requested;
            t.nonzero_requested[s.node.ix()] = s.nonzero_requested;
            t.refresh_columns(s.node.ix());
        }
        (c.pods_with_required_anti_affinity, c.pods_with_pod_affinity) = self.saved_affinity_counts;
    }
}
