//! TaintToleration: NoSchedule/NoExecute taints filter, PreferNoSchedule taints score
//! (pkg/scheduler/framework/plugins/tainttoleration).

use super::names;
use super::normalize::default_normalize_score;
use crate::cluster::{Cluster, NodeIdx, Pod};
use crate::model::labels::TaintEffect;
use crate::scheduler::framework::{
    CacheMode, Code, CycleState, FilterPlugin, Plugin, ScorePlugin, Status, MAX_NODE_SCORE,
};

/// The TaintToleration plugin.
#[derive(Debug, Default)]
pub struct TaintToleration;

impl Plugin for TaintToleration {
    fn name(&self) -> &'static str {
        names::TAINT_TOLERATION
    }
    fn as_filter(&self) -> Option<&dyn FilterPlugin> {
        Some(self)
    }
    fn as_score(&self) -> Option<&dyn ScorePlugin> {
        Some(self)
    }
}

impl FilterPlugin for TaintToleration {
    /// The verdict reads the node's taints and the pod's tolerations.
    fn filter_cache_mode(&self, _pod: &Pod, cluster: &Cluster) -> CacheMode {
        if cluster.nodes().taint_count() == 0 {
            CacheMode::Skip
        } else {
            CacheMode::PerNode
        }
    }

    fn pre_filter(&self, _state: &mut CycleState, _pod: &Pod, cluster: &Cluster) -> Status {
        if cluster.nodes().taint_count() == 0 {
            Status::skip()
        } else {
            Status::success()
        }
    }

    fn filter(&self, _state: &CycleState, pod: &Pod, cluster: &Cluster, n: NodeIdx) -> Status {
        let untolerated = cluster.nodes().taints()[n.ix()].iter().find(|taint| {
            matches!(
                taint.effect,
                TaintEffect::NoSchedule | TaintEffect::NoExecute
            ) && !pod.spec.tolerations.iter().any(|t| t.tolerates(taint))
        });
        match untolerated {
            None => Status::success(),
            Some(t) => Status::new(
                Code::UnschedulableAndUnresolvable,
                format!("node(s) had untolerated taint {{{}: {}}}", t.key, t.value),
            ),
        }
    }
}

impl ScorePlugin for TaintToleration {
    /// Without PreferNoSchedule taints every raw score is 0, normalised (reversed) to 100.
    fn score_cache_mode(&self, _pod: &Pod, cluster: &Cluster) -> CacheMode {
        if cluster.nodes().taint_count() == 0 {
            CacheMode::Skip
        } else if cluster.nodes().prefer_no_schedule_count() == 0 {
            CacheMode::Constant
        } else {
            CacheMode::Unsupported
        }
    }

    /// Skips when no node has a taint: every node would score the same.
    fn pre_score(
        &self,
        _state: &mut CycleState,
        _pod: &Pod,
        cluster: &Cluster,
        _nodes: &[NodeIdx],
    ) -> Status {
        if cluster.nodes().taint_count() == 0 {
            Status::skip()
        } else {
            Status::success()
        }
    }

    /// Number of PreferNoSchedule taints the pod does not tolerate (tolerations with an
    /// empty or PreferNoSchedule effect count).
    fn score(&self, _state: &CycleState, pod: &Pod, cluster: &Cluster, n: NodeIdx) -> i64 {
        cluster.nodes().taints()[n.ix()]
            .iter()
            .filter(|taint| taint.effect == TaintEffect::PreferNoSchedule)
            .filter(|taint| {
                !pod.spec.tolerations.iter().any(|t| {
                    matches!(t.effect, None | Some(TaintEffect::PreferNoSchedule))
                        && t.tolerates(taint)
                })
            })
            .count() as i64
    }

    fn normalize_score(&self, _state: &CycleState, _pod: &Pod, scores: &mut [i64]) {
        default_normalize_score(MAX_NODE_SCORE, true, scores);
    }
}
