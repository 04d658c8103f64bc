//! NodeUnschedulable: filters out cordoned nodes unless the pod tolerates the
//! `node.kubernetes.io/unschedulable:NoSchedule` taint.

use super::names;
use crate::cluster::{Cluster, NodeIdx, Pod};
use crate::model::labels::{Taint, TaintEffect};
use crate::scheduler::framework::{CacheMode, Code, CycleState, FilterPlugin, Plugin, Status};

/// The taint key kube uses for cordoned nodes.
pub const TAINT_NODE_UNSCHEDULABLE: &str = "node.kubernetes.io/unschedulable";
/// kube's reason string.
pub const ERR_REASON_UNSCHEDULABLE: &str = "node(s) were unschedulable";

/// The NodeUnschedulable plugin.
#[derive(Debug, Default)]
pub struct NodeUnschedulable;

impl Plugin for NodeUnschedulable {
    fn name(&self) -> &'static str {
        names::NODE_UNSCHEDULABLE
    }
    fn as_filter(&self) -> Option<&dyn FilterPlugin> {
        Some(self)
    }
}

impl FilterPlugin for NodeUnschedulable {
    /// The verdict reads the node's `unschedulable` and the pod's tolerations.
    fn filter_cache_mode(&self, _pod: &Pod, _cluster: &Cluster) -> CacheMode {
        CacheMode::PerNode
    }

    fn filter_all(&self, state: &CycleState, pod: &Pod, cluster: &Cluster, feasible: &mut [bool]) {
        for (i, f) in feasible.iter_mut().enumerate() {
            if *f && cluster.nodes().unschedulable()[i] {
                *f = self
                    .filter(state, pod, cluster, NodeIdx(i as u32))
                    .is_success();
            }
        }
    }

    fn filter(&self, _state: &CycleState, pod: &Pod, cluster: &Cluster, n: NodeIdx) -> Status {
        if !cluster.nodes().unschedulable()[n.ix()] {
            return Status::success();
        }
        let taint = Taint {
            key: TAINT_NODE_UNSCHEDULABLE.to_string(),
            value: String::new(),
            effect: TaintEffect::NoSchedule,
        };
        if pod.spec.tolerations.iter().any(|t| t.tolerates(&taint)) {
            Status::success()
        } else {
            Status::new(Code::UnschedulableAndUnresolvable, ERR_REASON_UNSCHEDULABLE)
        }
    }
}
