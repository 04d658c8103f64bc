//! NodePorts: a pod's host ports must be free on the node
//! (pkg/scheduler/framework/plugins/nodeports).

use super::names;
use crate::cluster::{Cluster, NodeIdx, Pod};
use crate::scheduler::framework::{CacheMode, Code, CycleState, FilterPlugin, Plugin, Status};

/// kube's reason string.
pub const ERR_REASON: &str = "node(s) didn't have free ports for the requested pod ports";

/// The NodePorts plugin.
#[derive(Debug, Default)]
pub struct NodePorts;

impl Plugin for NodePorts {
    fn name(&self) -> &'static str {
        names::NODE_PORTS
    }
    fn as_filter(&self) -> Option<&dyn FilterPlugin> {
        Some(self)
    }
}

/// True if two host IPs overlap: equal, or either is the wildcard (`""` or `0.0.0.0`), as
/// kube's `HostPortInfo.CheckConflict` treats them.
fn ips_overlap(a: &str, b: &str) -> bool {
    let wild = |ip: &str| ip.is_empty() || ip == "0.0.0.0";
    wild(a) || wild(b) || a == b
}

impl FilterPlugin for NodePorts {
    fn filter_cache_mode(&self, pod: &Pod, _cluster: &Cluster) -> CacheMode {
        if pod.spec.host_ports().next().is_none() {
            CacheMode::Skip
        } else {
            CacheMode::Unsupported
        }
    }

    fn pre_filter(&self, _state: &mut CycleState, pod: &Pod, _cluster: &Cluster) -> Status {
        if pod.spec.host_ports().next().is_none() {
            Status::skip()
        } else {
            Status::success()
        }
    }

    fn filter(&self, _state: &CycleState, pod: &Pod, cluster: &Cluster, n: NodeIdx) -> Status {
        let used = &cluster.nodes().host_ports()[n.ix()];
        let conflict = pod.spec.host_ports().any(|want| {
            used.iter().any(|(proto, ip, port)| {
                *port == want.host_port && *proto == want.protocol && ips_overlap(ip, &want.host_ip)
            })
        });
        if conflict {
            Status::new(Code::Unschedulable, ERR_REASON)
        } else {
            Status::success()
        }
    }
}
