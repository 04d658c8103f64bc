//! VolumeBinding: a pod's claims must exist; unbound Immediate claims keep it Pending;
//! bound volumes must fit the node (PV nodeAffinity); unbound WaitForFirstConsumer claims
//! need a matching volume or room to provision in the node's topology
//! (pkg/scheduler/framework/plugins/volumebinding).

use super::names;
use crate::cluster::storage::{ClaimPhase, PvcIdx};
use crate::cluster::{Cluster, NodeIdx, Pod};
use crate::model::workload::VolumeBindingMode;
use crate::scheduler::framework::{CacheMode, Code, CycleState, FilterPlugin, Plugin, Status};

/// kube's reason when an Immediate claim is not bound yet.
pub const ERR_REASON_UNBOUND_IMMEDIATE: &str = "pod has unbound immediate PersistentVolumeClaims";
/// kube's reason when a bound volume's node affinity excludes the node.
pub const ERR_REASON_NODE_CONFLICT: &str = "node(s) had volume node affinity conflict";
/// kube's reason when no volume can be bound for the node.
pub const ERR_REASON_BIND_CONFLICT: &str =
    "node(s) didn't find available persistent volumes to bind";
/// kube's reason when the class cannot provision enough in the node's topology.
pub const ERR_REASON_NOT_ENOUGH_SPACE: &str = "node(s) did not have enough free storage";

const STATE_KEY: &str = "PreFilterVolumeBinding";

/// The VolumeBinding plugin.
#[derive(Debug, Default)]
pub struct VolumeBinding;

impl Plugin for VolumeBinding {
    fn name(&self) -> &'static str {
        names::VOLUME_BINDING
    }
    fn as_filter(&self) -> Option<&dyn FilterPlugin> {
        Some(self)
    }
}

/// The pod's claims (index, bound) resolved in PreFilter.
fn resolved(state: &CycleState) -> &[PvcIdx] {
    state
        .read::<Vec<PvcIdx>>(STATE_KEY)
        .map(|v| v.as_slice())
        .unwrap_or(&[])
}

impl FilterPlugin for VolumeBinding {
    fn filter_cache_mode(&self, pod: &Pod, _cluster: &Cluster) -> CacheMode {
        if pod.spec.claims.is_empty() {
            CacheMode::Skip
        } else {
            CacheMode::Unsupported
        }
    }

    fn pre_filter(&self, state: &mut CycleState, pod: &Pod, cluster: &Cluster) -> Status {
        if pod.spec.claims.is_empty() {
            return Status::skip();
        }
        let storage = &cluster.storage();
        let mut claims = Vec::with_capacity(pod.spec.claims.len());
        for vc in &pod.spec.claims {
            let Some(c) = storage.claim(&pod.namespace, &vc.claim_name) else {
                return Status::new(
                    Code::UnschedulableAndUnresolvable,
                    format!("persistentvolumeclaim {:?} not found", vc.claim_name),
                );
            };
            if storage.pvcs[c as usize].phase == ClaimPhase::Pending
                && storage.binding_mode(c) == VolumeBindingMode::Immediate
            {
                return Status::new(
                    Code::UnschedulableAndUnresolvable,
                    ERR_REASON_UNBOUND_IMMEDIATE,
                );
            }
            claims.push(c);
        }
        state.write(STATE_KEY, claims);
        Status::success()
    }

    fn filter(&self, state: &CycleState, _pod: &Pod, cluster: &Cluster, n: NodeIdx) -> Status {
        let storage = &cluster.storage();
        let (labels, name) = (
            &cluster.nodes().labels()[n.ix()],
            &cluster.nodes().names()[n.ix()],
        );
        for &c in resolved(state) {
            let claim = &storage.pvcs[c as usize];
            match claim.volume {
                Some(v) => {
                    let vol = &storage.pvs[v as usize];
                    let affinity_ok = vol.spec.node_affinity.is_empty()
                        || vol
                            .spec
                            .node_affinity
                            .iter()
                            .any(|t| t.matches(labels, name));
                    if !affinity_ok {
                        return Status::new(
                            Code::UnschedulableAndUnresolvable,
                            ERR_REASON_NODE_CONFLICT,
                        );
                    }
                }
                None => {
                    if storage.find_volume(c, Some((labels, name))).is_some()
                        || storage.can_provision_on(c, labels, name)
                    {
                        continue;
                    }
                    let limited = storage
                        .class(&claim.class)
                        .is_some_and(|k| k.dynamic() && k.zone_capacity_bytes.is_some());
                    let reason = if limited {
                        ERR_REASON_NOT_ENOUGH_SPACE
                    } else {
                        ERR_REASON_BIND_CONFLICT
                    };
                    return Status::new(Code::UnschedulableAndUnresolvable, reason);
                }
            }
        }
        Status::success()
    }
}
