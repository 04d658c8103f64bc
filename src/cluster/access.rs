//! Read access to the cluster's state. Fields are private to `cluster`: other layers read
//! through these accessors and write through the `Cluster` methods that keep the node
//! columns, the name and topology indexes and the change log in step.

use super::{changes, storage, topology, Cluster, NodeIdx, NodeTable, PodId, PodTable};
use crate::model::resources::Resources;
use std::collections::BTreeMap;

impl Cluster {
    /// The node table.
    #[inline]
    pub fn nodes(&self) -> &NodeTable {
        &self.nodes
    }

    /// Every pod created and not yet retired (terminated and deleted ones included until their record is taken).
    #[inline]
    pub fn pods(&self) -> &PodTable {
        &self.pods
    }

    /// Live pods by (namespace, name).
    #[inline]
    pub fn pod_names(&self) -> &BTreeMap<(String, String), PodId> {
        &self.pod_names
    }

    /// Node index by name.
    #[inline]
    pub fn node_names(&self) -> &BTreeMap<String, NodeIdx> {
        &self.node_names
    }

    /// Interned image names, by [`ImageId`].
    #[inline]
    pub fn image_names(&self) -> &[String] {
        &self.image_names
    }

    /// For each image, on how many present nodes it is (kube's `ImageStateSummary.NumNodes`).
    #[inline]
    pub fn image_node_count(&self) -> &[u32] {
        &self.image_node_count
    }

    /// For each image, its size in bytes as a node reports it; 0 when unknown.
    #[inline]
    pub fn image_sizes(&self) -> &[i64] {
        &self.image_sizes
    }

    /// Sum of `requested` over all nodes.
    #[inline]
    pub fn requested_total(&self) -> Resources {
        self.requested_total
    }

    /// Sum of `allocatable` over present nodes.
    #[inline]
    pub fn allocatable_total(&self) -> Resources {
        self.allocatable_total
    }

    /// Number of nodes with at least one bound, unterminated pod.
    #[inline]
    pub fn nodes_used(&self) -> usize {
        self.nodes_used
    }

    /// Bound, unreleased pods with required pod anti-affinity.
    #[inline]
    pub fn pods_with_required_anti_affinity(&self) -> usize {
        self.pods_with_required_anti_affinity
    }

    /// Bound, unreleased pods with any pod affinity or anti-affinity.
    #[inline]
    pub fn pods_with_pod_affinity(&self) -> usize {
        self.pods_with_pod_affinity
    }

    /// StorageClasses, PersistentVolumes and PersistentVolumeClaims.
    #[inline]
    pub fn storage(&self) -> &storage::Storage {
        &self.storage
    }

    /// Every node mutation, in order (see [`super::changes`]).
    #[inline]
    pub fn node_changes(&self) -> &changes::NodeChangeLog {
        &self.node_changes
    }

    /// Per pod (by `PodId`), the id of its (namespace, labels) class.
    #[inline]
    pub fn pod_label_class(&self) -> &[u32] {
        &self.pod_label_class
    }

    /// The label classes of `namespace` whose labels have `key` = `value` (released
    /// classes left out), lowest id first.
    #[inline]
    pub fn classes_with_label(
        &self,
        namespace: &str,
        key: &str,
        value: &str,
    ) -> Option<&std::collections::BTreeSet<u32>> {
        self.label_pairs.classes(namespace, key, value)
    }

    /// Per-topology-key node domains and per-(label class, domain) pod counts.
    #[inline]
    pub fn topology(&self) -> &topology::TopologyIndex {
        &self.topology
    }
}
