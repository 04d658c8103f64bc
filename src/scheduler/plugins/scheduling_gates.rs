//! SchedulingGates: a pod with `spec.schedulingGates` stays out of the activeQ
//! (pkg/scheduler/framework/plugins/schedulinggates).

use super::names;
use crate::cluster::Pod;
use crate::scheduler::framework::{Code, Plugin, PreEnqueuePlugin, Status};

/// The SchedulingGates plugin.
#[derive(Debug, Default)]
pub struct SchedulingGates;

impl Plugin for SchedulingGates {
    fn name(&self) -> &'static str {
        names::SCHEDULING_GATES
    }
    fn as_pre_enqueue(&self) -> Option<&dyn PreEnqueuePlugin> {
        Some(self)
    }
}

impl PreEnqueuePlugin for SchedulingGates {
    fn pre_enqueue(&self, pod: &Pod) -> Status {
        if pod.spec.scheduling_gates.is_empty() {
            return Status::success();
        }
        Status::new(
            Code::UnschedulableAndUnresolvable,
            format!(
                "waiting for scheduling gates: [{}]",
                pod.spec.scheduling_gates.join(" ")
            ),
        )
    }
}
