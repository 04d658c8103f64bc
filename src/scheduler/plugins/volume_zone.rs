//! VolumeZone: a pod whose bound volume carries a `topology.kubernetes.io/zone` label only
//! fits nodes of that zone (pkg/scheduler/framework/plugins/volumezone).

use super::names;
use crate::cluster::{Cluster, NodeIdx, Pod};
use crate::scheduler::framework::{CacheMode, Code, CycleState, FilterPlugin, Plugin, Status};

/// kube's reason.
pub const ERR_REASON_CONFLICT: &str = "node(s) had no available volume zone";

/// The VolumeZone plugin.
#[derive(Debug, Default)]
pub struct VolumeZone;

impl Plugin for VolumeZone {
    fn name(&self) -> &'static str {
        names::VOLUME_ZONE
    }
    fn as_filter(&self) -> Option<&dyn FilterPlugin> {
        Some(self)
    }
}

impl FilterPlugin for VolumeZone {
    fn filter_cache_mode(&self, pod: &Pod, _cluster: &Cluster) -> CacheMode {
        if pod.spec.claims.is_empty() {
            CacheMode::Skip
        } else {
            CacheMode::Unsupported
        }
    }

    fn pre_filter(&self, _state: &mut CycleState, pod: &Pod, _cluster: &Cluster) -> Status {
        if pod.spec.claims.is_empty() {
            Status::skip()
        } else {
            Status::success()
        }
    }

    fn filter(&self, _state: &CycleState, pod: &Pod, cluster: &Cluster, n: NodeIdx) -> Status {
        let storage = &cluster.storage();
        let labels = &cluster.nodes().labels()[n.ix()];
        for vc in &pod.spec.claims {
            let Some(c) = storage.claim(&pod.namespace, &vc.claim_name) else {
                continue;
            };
            if let Some(v) = storage.pvcs[c as usize].volume {
                if !storage.pvs[v as usize].zone_ok(labels) {
                    return Status::new(Code::UnschedulableAndUnresolvable, ERR_REASON_CONFLICT);
                }
            }
        }
        Status::success()
    }
}
