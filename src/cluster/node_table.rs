//! The node table: nodes as parallel columns (struct of arrays) indexed by [`NodeIdx`].
//! Other layers read the columns through accessors; only `Cluster` methods write them.

use super::{ExactDiv, ImageId, NodeIdx, PodId};
use crate::model::labels::{Labels, Taint};
use crate::model::resources::{Resources, MAX_RESOURCES};

/// One node's cpu and memory amounts as the resource scorers read them, packed so a score
/// loop touches one row per node: index 0 is cpu, 1 is memory.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CpuMemRow {
    /// Allocatable.
    pub allocatable: [i64; 2],
    /// Sum of the bound pods' effective requests.
    pub requested: [i64; 2],
    /// Sum of the bound pods' non-zero requests.
    pub nonzero_requested: [i64; 2],
    /// Exact division by the allocatable amounts.
    pub div: [ExactDiv; 2],
}

/// Nodes as parallel vectors (struct of arrays) so that scheduler loops touch only the
/// columns they need.
#[derive(Debug, Default, Clone)]
pub struct NodeTable {
    /// Names.
    pub(super) names: Vec<String>,
    /// Labels.
    pub(super) labels: Vec<Labels>,
    /// Taints.
    pub(super) taints: Vec<Vec<Taint>>,
    /// Allocatable resources.
    pub(super) allocatable: Vec<Resources>,
    /// Sum of the effective requests of pods bound to the node and not terminated.
    pub(super) requested: Vec<Resources>,
    /// spec.unschedulable (cordoned).
    pub(super) unschedulable: Vec<bool>,
    /// Sum of the pods' non-zero cpu and memory requests (for scoring).
    pub(super) nonzero_requested: Vec<[i64; 2]>,
    /// Node Ready condition.
    pub(super) ready: Vec<bool>,
    /// False once a node is removed from the cluster (indices are never reused).
    pub(super) present: Vec<bool>,
    /// Pods bound and not terminated, in bind order.
    pub(super) pods: Vec<Vec<PodId>>,
    /// Images present on the node, sorted.
    pub(super) images: Vec<Vec<ImageId>>,
    /// Host ports in use: (protocol, host IP, port).
    pub(super) host_ports: Vec<Vec<(String, String, i32)>>,
    /// Node group name, if any.
    pub(super) group: Vec<Option<String>>,
    /// Total number of taints over all nodes (lets plugins skip taint checks).
    pub(super) taint_count: usize,
    /// Number of PreferNoSchedule taints over all nodes (none: TaintToleration scores
    /// every node alike).
    pub(super) prefer_no_schedule_count: usize,
    /// Free capacity per resource as columns: `free_cols[r][i]` is `allocatable -
    /// requested` of resource `r` on node `i` (kept in step by `Cluster::bind`/`unbind`).
    pub(super) free_cols: [Vec<i64>; MAX_RESOURCES],
    /// Per node, cpu and memory for the resource scorers (kept in step like `free_cols`).
    pub(super) cpu_mem: Vec<CpuMemRow>,
}

impl NodeTable {
    /// Number of nodes ever added (including removed ones).
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// True if there is no node.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// All node indices.
    pub fn indices(&self) -> impl Iterator<Item = NodeIdx> {
        (0..self.len() as u32).map(NodeIdx)
    }

    /// Free resources of node `n`.
    #[inline]
    pub fn free(&self, n: NodeIdx) -> Resources {
        self.allocatable[n.ix()] - self.requested[n.ix()]
    }

    // Read access: the columns are written only by `Cluster` methods, which keep the
    // derived columns, the indexes and the change log in step.

    /// Node names.
    #[inline]
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Node labels.
    #[inline]
    pub fn labels(&self) -> &[Labels] {
        &self.labels
    }

    /// Node taints.
    #[inline]
    pub fn taints(&self) -> &[Vec<Taint>] {
        &self.taints
    }

    /// Allocatable resources per node.
    #[inline]
    pub fn allocatable(&self) -> &[Resources] {
        &self.allocatable
    }

    /// Per node, the summed effective requests of its bound, unterminated pods.
    #[inline]
    pub fn requested(&self) -> &[Resources] {
        &self.requested
    }

    /// Per node, `spec.unschedulable` (cordoned).
    #[inline]
    pub fn unschedulable(&self) -> &[bool] {
        &self.unschedulable
    }

    /// Per node, the pods' summed non-zero cpu and memory requests (for scoring).
    #[inline]
    pub fn nonzero_requested(&self) -> &[[i64; 2]] {
        &self.nonzero_requested
    }

    /// Per node, the Ready condition.
    #[inline]
    pub fn ready(&self) -> &[bool] {
        &self.ready
    }

    /// Per node, false once it was removed (indices are never reused).
    #[inline]
    pub fn present(&self) -> &[bool] {
        &self.present
    }

    /// Per node, its bound, unterminated pods in bind order.
    #[inline]
    pub fn pods(&self) -> &[Vec<PodId>] {
        &self.pods
    }

    /// Per node, the images it holds, sorted.
    #[inline]
    pub fn images(&self) -> &[Vec<ImageId>] {
        &self.images
    }

    /// Per node, the host ports in use: (protocol, host IP, port).
    #[inline]
    pub fn host_ports(&self) -> &[Vec<(String, String, i32)>] {
        &self.host_ports
    }

    /// Per node, its node group name, if any.
    #[inline]
    pub fn group(&self) -> &[Option<String>] {
        &self.group
    }

    /// Free capacity per resource as columns: `free_cols()[r][i]`.
    #[inline]
    pub fn free_cols(&self) -> &[Vec<i64>; MAX_RESOURCES] {
        &self.free_cols
    }

    /// Per node, cpu and memory rows for the resource scorers.
    #[inline]
    pub fn cpu_mem(&self) -> &[CpuMemRow] {
        &self.cpu_mem
    }

    /// Total number of taints over all nodes.
    #[inline]
    pub fn taint_count(&self) -> usize {
        self.taint_count
    }

    /// Number of PreferNoSchedule taints over all nodes.
    #[inline]
    pub fn prefer_no_schedule_count(&self) -> usize {
        self.prefer_no_schedule_count
    }

    /// Recomputes node `i`'s derived columns (`free_cols`, `cpu_mem`) from `allocatable`,
    /// `requested` and `nonzero_requested`.
    pub(super) fn refresh_columns(&mut self, i: usize) {
        let (alloc, req) = (self.allocatable[i].0, self.requested[i].0);
        for (r, col) in self.free_cols.iter_mut().enumerate() {
            col[i] = alloc[r] - req[r];
        }
        let row = &mut self.cpu_mem[i];
        row.requested = [req[0], req[1]];
        row.nonzero_requested = self.nonzero_requested[i];
        if row.allocatable != [alloc[0], alloc[1]] {
            row.allocatable = [alloc[0], alloc[1]];
            row.div = [ExactDiv::new(alloc[0]), ExactDiv::new(alloc[1])];
        }
    }
}
