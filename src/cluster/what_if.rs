//! What-if placements that leave the pod itself alone: a pod counted on a node as the
//! scheduler's filters see it, or taken off it, for the autoscaler's snapshots and the
//! scheduler's dry runs ([`super::DryRun`]); and undoing a binding that never completed.

use super::{affinity_flags, Cluster, NodeIdx, PodId};

impl Cluster {
    /// Counts pod `p` on node `n` as the scheduler's filters see it (requests, pod list,
    /// host ports, affinity counters) without binding it: a what-if on a scratch cluster
    /// (the autoscaler's snapshots). Undo with [`Cluster::what_if_remove`]. The scheduler's
    /// dry runs on the live cluster use a [`super::DryRun`] scope instead.
    pub fn what_if_add(&mut self, p: PodId, n: NodeIdx) {
        self.what_if_apply(p, n, true);
        self.mark_node_changed(n);
    }

    /// Undoes [`Cluster::what_if_add`], or takes a bound pod off node `n` for a what-if
    /// without changing the pod itself.
    pub fn what_if_remove(&mut self, p: PodId, n: NodeIdx) {
        self.what_if_apply(p, n, false);
        self.mark_node_changed(n);
    }

    /// Adds (`add`) or takes off pod `p`'s share of node `n`'s columns, the affinity
    /// counters and (for a bound pod) the topology counts, without logging the change.
    pub(super) fn what_if_apply(&mut self, p: PodId, n: NodeIdx, add: bool) {
        let pod = &self.pods[p.ix()];
        let (req, nz) = (pod.spec.requests, pod.spec.nonzero_requests);
        let (anti, any) = affinity_flags(pod);
        let ports: Vec<(String, String, i32)> = pod
            .spec
            .host_ports()
            .map(|x| (x.protocol.clone(), x.host_ip.clone(), x.host_port))
            .collect();
        self.set_pod_counted(p, add);
        let t = &mut self.nodes;
        if add {
            self.pods_with_required_anti_affinity += anti as usize;
            self.pods_with_pod_affinity += any as usize;
            t.requested[n.ix()] += req;
            t.nonzero_requested[n.ix()][0] += nz[0];
            t.nonzero_requested[n.ix()][1] += nz[1];
            t.pods[n.ix()].push(p);
            t.host_ports[n.ix()].extend(ports);
        } else {
            self.pods_with_required_anti_affinity -= anti as usize;
            self.pods_with_pod_affinity -= any as usize;
            t.requested[n.ix()] -= req;
            t.nonzero_requested[n.ix()][0] -= nz[0];
            t.nonzero_requested[n.ix()][1] -= nz[1];
            t.pods[n.ix()].retain(|x| *x != p);
            for port in ports {
                if let Some(i) = t.host_ports[n.ix()].iter().position(|x| *x == port) {
                    t.host_ports[n.ix()].swap_remove(i);
                }
            }
        }
        t.refresh_columns(n.ix());
    }

    /// Undoes [`Cluster::bind`] of a pod whose binding never completed (a pod rejected
    /// while waiting at Permit): it is Pending and unplaced again.
    pub fn unassume(&mut self, p: PodId) {
        let pod = &self.pods[p.ix()];
        let Some(n) = pod.node else {
            return;
        };
        assert!(!pod.released, "pod {} already released", pod.name);
        self.requested_total -= pod.spec.requests;
        self.what_if_remove(p, n);
        if self.nodes.pods[n.ix()].is_empty() {
            self.nodes_used -= 1;
        }
        let pod = &mut self.pods[p.ix()];
        pod.node = None;
        pod.times.scheduled = None;
    }
}
