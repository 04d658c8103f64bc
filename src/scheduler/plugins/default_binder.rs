//! DefaultBinder: binds the pod to the chosen node
//! (pkg/scheduler/framework/plugins/defaultbinder). The simulation applies the binding
//! after the configured binding latency.

use super::names;
use crate::cluster::{Cluster, NodeIdx, Pod};
use crate::scheduler::framework::{BindPlugin, Plugin, Status};

/// The DefaultBinder plugin.
#[derive(Debug, Default)]
pub struct DefaultBinder;

impl Plugin for DefaultBinder {
    fn name(&self) -> &'static str {
        names::DEFAULT_BINDER
    }
    fn as_bind(&self) -> Option<&dyn BindPlugin> {
        Some(self)
    }
}

impl BindPlugin for DefaultBinder {
    fn bind(&self, _pod: &Pod, _cluster: &Cluster, _n: NodeIdx) -> Status {
        Status::success()
    }
}
