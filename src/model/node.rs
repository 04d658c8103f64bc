//! Node specifications: allocatable resources, labels, taints.

use super::labels::{Labels, Taint};
use super::resources::Resources;

/// A node as described by the scenario or a Node manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeSpec {
    /// Node name.
    pub name: String,
    /// status.allocatable.
    pub allocatable: Resources,
    /// Labels (`kubernetes.io/hostname` is added if missing).
    pub labels: Labels,
    /// Taints.
    pub taints: Vec<Taint>,
    /// spec.unschedulable (cordoned).
    pub unschedulable: bool,
    /// Images already present on the node.
    pub images: Vec<String>,
    /// Node group it came from (for reporting and cost), if any.
    pub group: Option<String>,
}
