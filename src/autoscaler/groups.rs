//! Node group sizes as CA counts them: registered nodes of the group still in the
//! cluster, plus upcoming nodes (asked of the cloud provider, not registered yet).

use super::{Autoscaler, AutoscalerContext};
use crate::cluster::{Cluster, NodeIdx};

impl Autoscaler {
    /// Nodes of group `g` in the cluster now.
    pub fn registered(&self, cluster: &Cluster, g: usize) -> Vec<NodeIdx> {
        let name = &self.spec.groups[g].name;
        cluster
            .nodes()
            .indices()
            .filter(|n| {
                cluster.nodes().present()[n.ix()]
                    && cluster.nodes().group()[n.ix()].as_deref() == Some(name.as_str())
            })
            .collect()
    }

    /// Nodes of group `g` asked for and not registered yet.
    pub fn upcoming(&self, g: usize) -> u32 {
        self.requests
            .iter()
            .filter(|r| r.open && r.group == g)
            .count() as u32
    }

    /// The group's target size: registered plus upcoming.
    pub fn target_size(&self, cluster: &Cluster, g: usize) -> u32 {
        self.registered(cluster, g).len() as u32 + self.upcoming(g)
    }

    /// Nodes in the cluster plus upcoming ones (for `--max-nodes-total`, which counts
    /// every node).
    pub fn total_size(&self, cluster: &Cluster) -> u32 {
        cluster.present_node_count() as u32 + self.requests.iter().filter(|r| r.open).count() as u32
    }

    /// The group index of node `n`, if it belongs to an autoscaled group.
    pub fn group_of(&self, cluster: &Cluster, n: NodeIdx) -> Option<usize> {
        let name = cluster.nodes().group()[n.ix()].as_deref()?;
        self.spec.groups.iter().position(|g| g.name == name)
    }

    /// Whether group `g` is backed off after a failed scale-up.
    pub fn backed_off(&self, ctx: &impl AutoscalerContext, g: usize) -> bool {
        ctx.now() < self.backoff[g].0
    }
}
