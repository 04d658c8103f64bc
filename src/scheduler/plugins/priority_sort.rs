//! PrioritySort: higher priority first, then earlier enqueue time
//! (pkg/scheduler/framework/plugins/queuesort/priority_sort.go).

use super::names;
use crate::scheduler::framework::{Plugin, QueueSortPlugin, QueuedPod};

/// The PrioritySort plugin.
#[derive(Debug, Default)]
pub struct PrioritySort;

impl Plugin for PrioritySort {
    fn name(&self) -> &'static str {
        names::PRIORITY_SORT
    }
    fn as_queue_sort(&self) -> Option<&dyn QueueSortPlugin> {
        Some(self)
    }
}

impl QueueSortPlugin for PrioritySort {
    fn less(&self, a: &QueuedPod, b: &QueuedPod) -> bool {
        (
            a.priority,
            std::cmp::Reverse(a.timestamp_ms),
            std::cmp::Reverse(a.seq),
        ) > (
            b.priority,
            std::cmp::Reverse(b.timestamp_ms),
            std::cmp::Reverse(b.seq),
        )
    }

    fn is_priority_sort(&self) -> bool {
        true
    }
}
