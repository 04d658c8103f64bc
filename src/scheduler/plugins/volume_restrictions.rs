//! VolumeRestrictions: a ReadWriteOncePod claim in use by another pod keeps the pod out
//! (pkg/scheduler/framework/plugins/volumerestrictions). k8sim also applies ReadWriteOnce
//! here: a claim attached to a node cannot be used from another node. Kubernetes would
//! schedule the pod and then fail the attach ("Multi-Attach error"); k8sim keeps the pod
//! Pending at scheduling instead, with the reason below.

use super::names;
use crate::cluster::storage::PvcIdx;
use crate::cluster::{Cluster, NodeIdx, Pod};
use crate::scheduler::framework::{CacheMode, Code, CycleState, FilterPlugin, Plugin, Status};

/// kube's reason for a ReadWriteOncePod conflict.
pub const ERR_REASON_RWOP_CONFLICT: &str =
    "node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode";
/// k8sim's reason for a ReadWriteOnce claim attached to another node.
pub const ERR_REASON_RWO_CONFLICT: &str =
    "node(s) unavailable: ReadWriteOnce volume is attached to another node";

const STATE_KEY: &str = "PreFilterVolumeRestrictions";

/// The VolumeRestrictions plugin.
#[derive(Debug, Default)]
pub struct VolumeRestrictions;

impl Plugin for VolumeRestrictions {
    fn name(&self) -> &'static str {
        names::VOLUME_RESTRICTIONS
    }
    fn as_filter(&self) -> Option<&dyn FilterPlugin> {
        Some(self)
    }
}

impl FilterPlugin for VolumeRestrictions {
    fn filter_cache_mode(&self, pod: &Pod, _cluster: &Cluster) -> CacheMode {
        if pod.spec.claims.is_empty() {
            CacheMode::Skip
        } else {
            CacheMode::Unsupported
        }
    }

    fn pre_filter(&self, state: &mut CycleState, pod: &Pod, cluster: &Cluster) -> Status {
        let storage = &cluster.storage();
        let mut attached: Vec<NodeIdx> = Vec::new();
        let mut any = false;
        for vc in &pod.spec.claims {
            let Some(c): Option<PvcIdx> = storage.claim(&pod.namespace, &vc.claim_name) else {
                continue;
            };
            let claim = &storage.pvcs[c as usize];
            if !claim.single_node() {
                continue;
            }
            let nodes = storage.nodes_using(cluster, c, pod);
            if claim.once_pod() && !nodes.is_empty() {
                return Status::new(Code::UnschedulableAndUnresolvable, ERR_REASON_RWOP_CONFLICT);
            }
            any |= !nodes.is_empty();
            attached.extend(nodes);
        }
        if !any {
            return Status::skip();
        }
        attached.sort();
        attached.dedup();
        state.write(STATE_KEY, attached);
        Status::success()
    }

    fn filter(&self, state: &CycleState, _pod: &Pod, _cluster: &Cluster, n: NodeIdx) -> Status {
        let attached = state
            .read::<Vec<NodeIdx>>(STATE_KEY)
            .map(|v| v.as_slice())
            .unwrap_or(&[]);
        if attached.is_empty() || (attached.len() == 1 && attached[0] == n) {
            Status::success()
        } else {
            Status::new(Code::Unschedulable, ERR_REASON_RWO_CONFLICT)
        }
    }
}
