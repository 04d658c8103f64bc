//! Shared matching helpers for PodTopologySpread and InterPodAffinity: counting matching
//! pods on a node, affinity-term namespace rules, node inclusion policies.

use crate::cluster::topology::{KeyDomains, NO_DOMAIN};
use crate::cluster::{Cluster, NodeIdx, Pod, PodId};
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
    cluster.nodes().pods()[n.ix()]
        .iter()
        .filter(|p| {
            let q = &cluster.pods()[p.ix()];
            !q.deleting && q.namespace == ns && selector.matches(&q.labels)
        })
        .count() as i64
}

/// A per-cycle memo of a pod predicate that depends only on the pod's namespace and
/// labels (a selector or an affinity term), keyed by `Cluster::pod_label_class`.
pub struct ClassMemo {
    /// Per class: 0 unknown, 1 matches, 2 does not.
    memo: Vec<u8>,
}

impl ClassMemo {
    /// An empty memo sized for `cluster`'s classes.
    pub fn new(cluster: &Cluster) -> ClassMemo {
        ClassMemo {
            memo: vec![0; cluster.label_class_count()],
        }
    }

    /// `pred(pod p)`, evaluated once per label class.
    #[inline]
    pub fn check(&mut self, cluster: &Cluster, p: PodId, pred: impl FnOnce(&Pod) -> bool) -> bool {
        let pod = &cluster.pods()[p.ix()];
        let Some(&class) = cluster.pod_label_class().get(p.ix()) else {
            return pred(pod);
        };
        match self.memo[class as usize] {
            1 => true,
            2 => false,
            _ => {
                let m = pred(pod);
                self.memo[class as usize] = if m { 1 } else { 2 };
                m
            }
        }
    }
}

/// [`count_pods_match_selector`] with the selector's verdict memoised per label class.
pub fn count_pods_match_memo(
    cluster: &Cluster,
    n: NodeIdx,
    selector: &LabelSelector,
    ns: &str,
    memo: &mut ClassMemo,
) -> i64 {
    let mut count = 0;
    for p in &cluster.nodes().pods()[n.ix()] {
        if !cluster.pods()[p.ix()].deleting
            && memo.check(cluster, *p, |q| {
                q.namespace == ns && selector.matches(&q.labels)
            })
        {
            count += 1;
        }
    }
    count
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
    cluster.nodes().taints()[n.ix()].iter().all(|taint| {
        !matches!(
            taint.effect,
            TaintEffect::NoSchedule | TaintEffect::NoExecute
        ) || pod.spec.tolerations.iter().any(|t| t.tolerates(taint))
    })
}

/// A topology key's node domains for one cycle: the cluster's index when the key is
/// indexed (with per-class pod counts), else interned from the node labels now.
pub enum Domains {
    /// `cluster.topology.keys[i]`.
    Indexed(usize),
    /// Interned for this cycle (no pod counts).
    Cycle(KeyDomains),
}

impl Domains {
    /// The domains of `key` in `cluster`.
    pub fn new(cluster: &Cluster, key: &str) -> Domains {
        match cluster.topology().key_index(key) {
            Some(i) => Domains::Indexed(i),
            None => Domains::Cycle(KeyDomains::for_nodes(
                key,
                cluster.nodes().labels(),
                cluster.nodes().present(),
            )),
        }
    }

    /// The node domains.
    #[inline]
    pub fn get<'a>(&'a self, cluster: &'a Cluster) -> &'a KeyDomains {
        match self {
            Domains::Indexed(i) => &cluster.topology().keys[*i],
            Domains::Cycle(k) => k,
        }
    }

    /// True if the per-(class, domain) pod counts are available.
    pub fn is_indexed(&self) -> bool {
        matches!(self, Domains::Indexed(_))
    }

    /// Per domain, the counted pods of `classes` (see [`matching_classes`]) on present
    /// nodes with the key.
    pub fn counts(&self, cluster: &Cluster, classes: &[u32]) -> Vec<i64> {
        let k = self.get(cluster);
        let mut out = vec![0i64; k.domain_count()];
        if self.is_indexed() {
            for &c in classes {
                if let Some(row) = k.class_counts.get(c as usize) {
                    row.for_each_nonzero(|d, v| {
                        if let Some(o) = out.get_mut(d) {
                            *o += v as i64;
                        }
                    });
                }
            }
        } else {
            for &c in classes {
                if let Some(row) = cluster.topology().class_node.get(c as usize) {
                    row.for_each_nonzero(|n, v| {
                        let d = k.domain_of.get(n).copied().unwrap_or(NO_DOMAIN);
                        if d != NO_DOMAIN {
                            out[d as usize] += v as i64;
                        }
                    });
                }
            }
        }
        out
    }
}

/// The label classes with counted pods in namespace `ns` whose labels match `selector`
/// (as [`matching_classes`] finds them, possibly in another order). With `matchLabels`,
/// only the classes carrying its rarest pair are tried: a class of its own per
/// StatefulSet pod (its `pod-name` label) no longer makes every selector's scan grow
/// with the pod count.
pub fn selector_classes(cluster: &Cluster, selector: &LabelSelector, ns: &str) -> Vec<u32> {
    let pred = |q: &Pod| q.namespace == ns && selector.matches(&q.labels);
    let candidates = selector
        .match_labels
        .iter()
        .map(|(k, v)| cluster.classes_with_label(ns, k, v))
        .min_by_key(|classes| classes.map_or(0, |c| c.len()));
    let Some(candidates) = candidates else {
        return matching_classes(cluster, pred);
    };
    let t = cluster.topology();
    candidates
        .into_iter()
        .flatten()
        .copied()
        .filter(|&c| t.class_total.get(c as usize).is_some_and(|n| *n > 0))
        .filter(|&c| pred(&cluster.pods()[t.class_rep[c as usize].ix()]))
        .collect()
}

/// The label classes with counted pods (bound, not being deleted, on a present node)
/// whose namespace and labels satisfy `pred`.
pub fn matching_classes(cluster: &Cluster, pred: impl Fn(&Pod) -> bool) -> Vec<u32> {
    let t = &cluster.topology();
    t.live_classes
        .iter()
        .copied()
        .filter(|&c| pred(&cluster.pods()[t.class_rep[c as usize].ix()]))
        .collect()
}

/// Counted pods of `classes` on node `n`.
#[inline]
pub fn class_pods_on(cluster: &Cluster, classes: &[u32], n: NodeIdx) -> i64 {
    classes
        .iter()
        .map(|&c| cluster.topology().node_count(c, n) as i64)
        .sum()
}
