//! A bounded log of node changes: every mutation of a node's state goes through a
//! `Cluster` method that appends the node here, so caches of per-node results (the
//! scheduler's score cache) can catch up by re-evaluating only the nodes logged since.

use super::NodeIdx;
use std::sync::atomic::{AtomicU64, Ordering};

/// Source of [`NodeChangeLog::id`]s: distinguishes one cluster's log from another's, so
/// a cache filled from one cluster is never read against another. Only identity, never
/// an output, depends on it.
static NEXT_LOG_ID: AtomicU64 = AtomicU64::new(1);

/// Entries kept at least, whatever the cluster size.
const MIN_KEPT: usize = 4096;

/// The log: sequence numbers `base..base + entries.len()` name the kept entries; older
/// ones are dropped once the log holds more than `max(MIN_KEPT, 2 × nodes)` entries (a
/// reader that fell behind the base re-evaluates every node).
#[derive(Debug)]
pub struct NodeChangeLog {
    id: u64,
    base: u64,
    entries: Vec<NodeIdx>,
}

impl Clone for NodeChangeLog {
    /// A copy of the entries under a new identity: a cache filled from the original must
    /// not take the copy for it.
    fn clone(&self) -> Self {
        NodeChangeLog {
            id: NEXT_LOG_ID.fetch_add(1, Ordering::Relaxed),
            base: self.base,
            entries: self.entries.clone(),
        }
    }
}

impl Default for NodeChangeLog {
    fn default() -> Self {
        NodeChangeLog {
            id: NEXT_LOG_ID.fetch_add(1, Ordering::Relaxed),
            base: 0,
            entries: Vec::new(),
        }
    }
}

impl NodeChangeLog {
    /// This log's identity (unique per cluster in the process).
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The sequence number the next change will get.
    pub fn seq(&self) -> u64 {
        self.base + self.entries.len() as u64
    }

    /// Appends node `n`; `nodes` (the cluster's node count) bounds the log.
    pub fn push(&mut self, n: NodeIdx, nodes: usize) {
        let cap = MIN_KEPT.max(2 * nodes);
        if self.entries.len() >= cap {
            let drop = self.entries.len() / 2;
            self.entries.drain(..drop);
            self.base += drop as u64;
        }
        self.entries.push(n);
    }

    /// Nodes changed since sequence number `since` (with repeats), or None if some of
    /// those entries were already dropped.
    pub fn since(&self, since: u64) -> Option<&[NodeIdx]> {
        if since < self.base || since > self.seq() {
            return None;
        }
        Some(&self.entries[(since - self.base) as usize..])
    }
}
