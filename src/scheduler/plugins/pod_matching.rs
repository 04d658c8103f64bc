//! Shared matching helpers for PodTopologySpread and InterPodAffinity: counting matching
//! pods on a node, affinity-term namespace rules, node inclusion policies.

use crate::cluster::{Cluster, NodeIdx, Pod};
use crate::model::labels::{LabelSelector, TaintEffect};
use crate::model::pod::PodAffinityTerm;

/// Pods on node `n` in namespace `ns` whose labels match `selector`
/// (kube's `countPodsMatchSelector`; terminated and deleted pods are not on the node).
pub fn count_pods_match_selector(
    cluster: &Cluster,
    n: NodeIdx,
    selector: &LabelSelector,
    ns: &str,
) -> i64 {
    cluster.nodes.pods[n.ix()]
        .iter()
        .filter(|p| {
            let q = &cluster.pods[p.ix()];
            !q.deleting && q.namespace == ns && selector.matches(&q.labels)
        })
        .count() as i64
}

/// True if `term` (written in a pod of namespace `owner_ns`) selects `pod`: the pod's
/// namespace is in the term's namespaces (its owner's when none is given; all when the
/// namespace selector is empty) and its labels match. Namespaces carry no labels in the
/// model, so a non-empty namespace selector selects only the listed namespaces.
pub fn term_matches(term: &PodAffinityTerm, owner_ns: &str, pod: &Pod) -> bool {
    let ns_ok = match &term.namespace_selector {
        Some(sel) if sel.is_empty() => true,
        _ if term.namespaces.is_empty() && term.namespace_selector.is_none() => {
            pod.namespace == owner_ns
        }
        _ => term.namespaces.contains(&pod.namespace),
    };
    ns_ok && term.label_selector.matches(&pod.labels)
}

/// True if the pod's nodeSelector and required node affinity admit node `n`.
pub fn node_affinity_admits(pod: &Pod, cluster: &Cluster, n: NodeIdx) -> bool {
    super::node_affinity::required_matches(pod, cluster, n)
}

/// True if the pod tolerates every NoSchedule/NoExecute taint of node `n`.
pub fn tolerates_node(pod: &Pod, cluster: &Cluster, n: NodeIdx) -> bool {
    cluster.nodes.taints[n.ix()].iter().all(|taint| {
        !matches!(
            taint.effect,
            TaintEffect::NoSchedule | TaintEffect::NoExecute
        ) || pod.spec.tolerations.iter().any(|t| t.tolerates(taint))
    })
}
