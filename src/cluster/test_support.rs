//! Hooks for tests and benchmarks that need a cluster state the simulation never makes:
//! a pod placed again and again, an over-committed node, a corrupted column for the
//! invariant checker. The simulation does not call them.

use super::{Cluster, NodeIdx, PodId};
use crate::model::resources::Resources;

impl Cluster {
    /// Unbinds pod `p` and makes it unbound and unreleased again, so that a benchmark can
    /// place the same pod repeatedly.
    #[doc(hidden)]
    pub fn unbind_to_pending(&mut self, p: PodId) {
        self.unbind(p);
        let pod = &mut self.pods[p.ix()];
        pod.node = None;
        pod.released = false;
    }

    /// Shifts node `n`'s free-capacity column of resource `r` by `delta` without touching
    /// `requested`: the out-of-step state the invariant checker must catch.
    #[doc(hidden)]
    pub fn corrupt_free_column(&mut self, r: usize, n: NodeIdx, delta: i64) {
        self.nodes.free_cols[r][n.ix()] += delta;
    }

    /// Sets node `n`'s allocatable resources, keeping the columns, the total and the change
    /// log in step. The node may end up over-committed: kube's preemption tests build such
    /// snapshots, which binding alone cannot make.
    #[doc(hidden)]
    pub fn set_allocatable(&mut self, n: NodeIdx, allocatable: Resources) {
        if self.nodes.present[n.ix()] {
            self.allocatable_total -= self.nodes.allocatable[n.ix()];
            self.allocatable_total += allocatable;
        }
        self.nodes.allocatable[n.ix()] = allocatable;
        self.nodes.refresh_columns(n.ix());
        self.mark_node_changed(n);
    }
}
