//! NodeName: a pod with `spec.nodeName` fits only that node
//! (pkg/scheduler/framework/plugins/nodename).

use super::names;
use crate::cluster::{Cluster, NodeIdx, Pod};
use crate::scheduler::framework::{CacheMode, Code, CycleState, FilterPlugin, Plugin, Status};

/// kube's reason string.
pub const ERR_REASON: &str = "node(s) didn't match the requested node name";

/// The NodeName plugin.
#[derive(Debug, Default)]
pub struct NodeName;

impl Plugin for NodeName {
    fn name(&self) -> &'static str {
        names::NODE_NAME
    }
    fn as_filter(&self) -> Option<&dyn FilterPlugin> {
        Some(self)
    }
}

impl FilterPlugin for NodeName {
    fn filter_cache_mode(&self, pod: &Pod, _cluster: &Cluster) -> CacheMode {
        if pod.spec.node_name.is_none() {
            CacheMode::Skip
        } else {
            CacheMode::Unsupported
        }
    }

    fn pre_filter(&self, _state: &mut CycleState, pod: &Pod, _cluster: &Cluster) -> Status {
        if pod.spec.node_name.is_none() {
            Status::skip()
        } else {
            Status::success()
        }
    }

    fn filter(&self, _state: &CycleState, pod: &Pod, cluster: &Cluster, n: NodeIdx) -> Status {
        match &pod.spec.node_name {
            Some(name) if *name != cluster.nodes().names()[n.ix()] => {
                Status::new(Code::UnschedulableAndUnresolvable, ERR_REASON)
            }
            _ => Status::success(),
        }
    }
}
