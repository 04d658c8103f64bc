//! PodTopologySpread: hard constraints filter ([`filtering`]), soft constraints score
//! ([`scoring`]), with system default constraints, minDomains, matchLabelKeys and
//! nodeAffinityPolicy/nodeTaintsPolicy (pkg/scheduler/framework/plugins/podtopologyspread:
//! filtering.go, scoring.go, common.go). This module holds what both phases share: the
//! plugin, its constraints and the node-eligibility helpers.

mod filtering;
mod scoring;

use super::names;
use super::pod_matching::{node_affinity_admits, selector_classes, tolerates_node, Domains};
use crate::cluster::topology::NO_DOMAIN;
use crate::cluster::{Cluster, NodeIdx, Owner, Pod};
use crate::model::labels::{LabelSelector, Requirement, SelectorOp};
use crate::model::pod::WhenUnsatisfiable;
use crate::scheduler::framework::{CacheMode, FilterPlugin, Plugin, ScorePlugin};

/// kube's reason for a node without the topology key.
pub const ERR_REASON_NODE_LABEL_NOT_MATCH: &str =
    "node(s) didn't match pod topology spread constraints (missing required label)";
/// kube's reason for a skew violation.
pub const ERR_REASON_CONSTRAINTS_NOT_MATCH: &str =
    "node(s) didn't match pod topology spread constraints";
/// `kubernetes.io/hostname`.
pub const LABEL_HOSTNAME: &str = "kubernetes.io/hostname";
/// `topology.kubernetes.io/zone`.
pub const LABEL_ZONE: &str = "topology.kubernetes.io/zone";

/// A default constraint from the plugin args (no selector: it comes from the pod's owner).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefaultConstraint {
    /// maxSkew.
    pub max_skew: i32,
    /// topologyKey.
    pub topology_key: String,
    /// whenUnsatisfiable.
    pub when_unsatisfiable: WhenUnsatisfiable,
}

/// The PodTopologySpread plugin.
#[derive(Debug, Clone)]
pub struct PodTopologySpread {
    /// Constraints applied to pods that have none.
    pub default_constraints: Vec<DefaultConstraint>,
    /// True when the defaults are kube's system defaults (`defaultingType: System`).
    pub system_defaulted: bool,
}

impl Default for PodTopologySpread {
    /// `defaultingType: System`: hostname maxSkew 3, zone maxSkew 5, both ScheduleAnyway.
    fn default() -> Self {
        PodTopologySpread {
            default_constraints: vec![
                DefaultConstraint {
                    max_skew: 3,
                    topology_key: LABEL_HOSTNAME.into(),
                    when_unsatisfiable: WhenUnsatisfiable::ScheduleAnyway,
                },
                DefaultConstraint {
                    max_skew: 5,
                    topology_key: LABEL_ZONE.into(),
                    when_unsatisfiable: WhenUnsatisfiable::ScheduleAnyway,
                },
            ],
            system_defaulted: true,
        }
    }
}

/// A constraint as the plugin evaluates it.
#[derive(Debug, Clone)]
struct Constraint {
    max_skew: i64,
    key: String,
    selector: LabelSelector,
    min_domains: i64,
    affinity_honor: bool,
    taints_honor: bool,
}

impl Constraint {
    fn includes(&self, pod: &Pod, cluster: &Cluster, n: NodeIdx) -> bool {
        (!self.affinity_honor || node_affinity_admits(pod, cluster, n))
            && (!self.taints_honor || tolerates_node(pod, cluster, n))
    }
}

impl PodTopologySpread {
    /// Skip exactly when [`Self::constraints`] would be empty, without building them.
    fn cache_mode(&self, pod: &Pod, kind: WhenUnsatisfiable) -> CacheMode {
        // Same rule as PreFilter/PreScore's Skip; an empty Vec does not allocate.
        if self.constraints(pod, kind).is_empty() {
            CacheMode::Skip
        } else {
            CacheMode::Unsupported
        }
    }

    /// The pod's constraints of kind `kind`, or the defaults when it has none (with the
    /// owner's selector: the pod's labels when a ReplicaSet or StatefulSet owns it, as
    /// kube's `DefaultSelector` takes the owner's selector; no owner, no defaults).
    fn constraints(&self, pod: &Pod, kind: WhenUnsatisfiable) -> Vec<Constraint> {
        let own = &pod.spec.topology_spread_constraints;
        if !own.is_empty() {
            return own
                .iter()
                .filter(|c| c.when_unsatisfiable == kind)
                .map(|c| {
                    let mut selector = c.label_selector.clone();
                    for k in &c.match_label_keys {
                        if let Some(v) = pod.labels.get(k) {
                            selector.match_expressions.push(Requirement {
                                key: k.clone(),
                                op: SelectorOp::In,
                                values: vec![v.clone()],
                            });
                        }
                    }
                    Constraint {
                        max_skew: c.max_skew as i64,
                        key: c.topology_key.clone(),
                        selector,
                        min_domains: c.min_domains.unwrap_or(1) as i64,
                        affinity_honor: c.node_affinity_honor,
                        taints_honor: c.node_taints_honor,
                    }
                })
                .collect();
        }
        if !matches!(pod.owner, Owner::ReplicaSet(_) | Owner::StatefulSet(_))
            || pod.labels.is_empty()
        {
            return Vec::new();
        }
        self.default_constraints
            .iter()
            .filter(|c| c.when_unsatisfiable == kind)
            .map(|c| Constraint {
                max_skew: c.max_skew as i64,
                key: c.topology_key.clone(),
                selector: LabelSelector {
                    match_labels: (*pod.labels).clone(),
                    match_expressions: Vec::new(),
                },
                min_domains: 1,
                affinity_honor: true,
                taints_honor: false,
            })
            .collect()
    }
}

impl Plugin for PodTopologySpread {
    fn name(&self) -> &'static str {
        names::POD_TOPOLOGY_SPREAD
    }
    fn as_filter(&self) -> Option<&dyn FilterPlugin> {
        Some(self)
    }
    fn as_score(&self) -> Option<&dyn ScorePlugin> {
        Some(self)
    }
}

/// The label classes of pods in `ns` matching `selector`.
fn selected_classes(cluster: &Cluster, selector: &LabelSelector, ns: &str) -> Vec<u32> {
    selector_classes(cluster, selector, ns)
}

/// True if every present node is in one of the domains of each of `domains`.
fn keys_everywhere(cluster: &Cluster, domains: &[Domains]) -> bool {
    let present = cluster.topology().present_nodes;
    domains
        .iter()
        .all(|d| d.get(cluster).nodes_with_key == present)
}

/// True if the node inclusion policies admit every node for `pod` (no node affinity or
/// nodeSelector to honor, no taints to honor), so counts may be summed per domain.
fn includes_all(c: &Constraint, pod: &Pod, cluster: &Cluster) -> bool {
    let s = &pod.spec;
    (!c.affinity_honor || s.node_selector.is_empty() && s.affinity.node.required.is_none())
        && (!c.taints_honor || cluster.nodes().taint_count() == 0)
}

/// True if node `i` is in a domain of each of `domains` (present with all the keys).
fn has_all_keys(cluster: &Cluster, domains: &[Domains], i: usize) -> bool {
    domains
        .iter()
        .all(|d| d.get(cluster).domain_of[i] != NO_DOMAIN)
}
