//! Hooks for tests and benchmarks that need a cluster state the simulation never makes:
//! a pod placed again and again, a corrupted column for the invariant checker. The
//! simulation does not call them.

use super::{Cluster, NodeIdx, PodId};

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
}
