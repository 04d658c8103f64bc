//! NodeAffinity: nodeSelector and required node affinity as a Filter, preferred node
//! affinity as a Score (pkg/scheduler/framework/plugins/nodeaffinity).

use super::names;
use super::normalize::default_normalize_score;
use crate::cluster::{Cluster, NodeIdx, Pod};
use crate::model::labels::{NodeSelectorTerm, SelectorOp};
use crate::scheduler::framework::{
    CacheMode, Code, CycleState, FilterPlugin, Plugin, ScorePlugin, Status, MAX_NODE_SCORE,
};

/// kube's reason string.
pub const ERR_REASON_POD: &str = "node(s) didn't match Pod's node affinity/selector";

/// The NodeAffinity plugin.
#[derive(Debug, Default)]
pub struct NodeAffinity;

impl Plugin for NodeAffinity {
    fn name(&self) -> &'static str {
        names::NODE_AFFINITY
    }
    fn as_filter(&self) -> Option<&dyn FilterPlugin> {
        Some(self)
    }
    fn as_score(&self) -> Option<&dyn ScorePlugin> {
        Some(self)
    }
}

/// True if node `n` satisfies the pod's nodeSelector and required node affinity.
pub fn required_matches(pod: &Pod, cluster: &Cluster, n: NodeIdx) -> bool {
    let labels = &cluster.nodes().labels()[n.ix()];
    if !pod
        .spec
        .node_selector
        .iter()
        .all(|(k, v)| labels.get(k) == Some(v))
    {
        return false;
    }
    match &pod.spec.affinity.node.required {
        None => true,
        Some(terms) => {
            let name = &cluster.nodes().names()[n.ix()];
            terms
                .iter()
                .any(|t| term_is_valid(t) && t.matches(labels, name))
        }
    }
}

/// kube builds a selector from each required term and a term that fails to build (an
/// `In`/`NotIn` value that is not a valid label value) matches no node
/// (component-helpers nodeaffinity `nodeSelectorRequirementsAsSelector`).
fn term_is_valid(t: &NodeSelectorTerm) -> bool {
    t.match_expressions.iter().all(|r| match r.op {
        SelectorOp::In | SelectorOp::NotIn => r.values.iter().all(|v| is_valid_label_value(v)),
        _ => true,
    })
}

/// apimachinery `validation.IsValidLabelValue`: at most 63 characters, empty or
/// alphanumeric at both ends with `-`, `_`, `.` allowed inside.
fn is_valid_label_value(v: &str) -> bool {
    let b = v.as_bytes();
    if b.is_empty() {
        return true;
    }
    b.len() <= 63
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

impl FilterPlugin for NodeAffinity {
    fn filter_cache_mode(&self, pod: &Pod, _cluster: &Cluster) -> CacheMode {
        if pod.spec.node_selector.is_empty() && pod.spec.affinity.node.required.is_none() {
            CacheMode::Skip
        } else {
            CacheMode::Unsupported
        }
    }

    fn pre_filter(&self, _state: &mut CycleState, pod: &Pod, _cluster: &Cluster) -> Status {
        if pod.spec.node_selector.is_empty() && pod.spec.affinity.node.required.is_none() {
            Status::skip()
        } else {
            Status::success()
        }
    }

    fn filter(&self, _state: &CycleState, pod: &Pod, cluster: &Cluster, n: NodeIdx) -> Status {
        if required_matches(pod, cluster, n) {
            Status::success()
        } else {
            Status::new(Code::UnschedulableAndUnresolvable, ERR_REASON_POD)
        }
    }
}

impl ScorePlugin for NodeAffinity {
    fn score_cache_mode(&self, pod: &Pod, _cluster: &Cluster) -> CacheMode {
        if pod.spec.affinity.node.preferred.is_empty() {
            CacheMode::Skip
        } else {
            CacheMode::Unsupported
        }
    }

    fn pre_score(
        &self,
        _state: &mut CycleState,
        pod: &Pod,
        _cluster: &Cluster,
        _nodes: &[NodeIdx],
    ) -> Status {
        if pod.spec.affinity.node.preferred.is_empty() {
            Status::skip()
        } else {
            Status::success()
        }
    }

    /// Sum of the weights of the preferred terms the node matches.
    fn score(&self, _state: &CycleState, pod: &Pod, cluster: &Cluster, n: NodeIdx) -> i64 {
        let labels = &cluster.nodes().labels()[n.ix()];
        let name = &cluster.nodes().names()[n.ix()];
        pod.spec
            .affinity
            .node
            .preferred
            .iter()
            .filter(|(_, t)| t.matches(labels, name))
            .map(|(w, _)| *w as i64)
            .sum()
    }

    fn normalize_score(&self, _state: &CycleState, _pod: &Pod, scores: &mut [i64]) {
        default_normalize_score(MAX_NODE_SCORE, false, scores);
    }
}
