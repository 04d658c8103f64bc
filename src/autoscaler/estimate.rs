//! CA's cluster snapshot and binpacking: a what-if copy of the cluster with the upcoming
//! nodes added from their templates; pods that fit it are filtered out (the
//! FilterOutSchedulable processor), and for each group the rest are packed onto new
//! template nodes first-fit decreasing (the BinpackingNodeEstimator with its
//! DecreasingPodOrderer), each fit decided by the scheduler profile's own Filter plugins.

use super::AutoscalerContext;
use crate::cluster::{Cluster, NodeIdx, PodId};
use crate::model::node::NodeSpec;
use crate::model::resources::{CPU, MEMORY};
use crate::scheduler::framework::NodeFits;

/// A what-if copy of the cluster.
pub struct Snapshot {
    /// The copy.
    pub cluster: Cluster,
    /// Template nodes added to the copy.
    pub added: Vec<NodeIdx>,
}

impl Snapshot {
    /// A copy of the cluster as it stands.
    pub fn of(ctx: &impl AutoscalerContext) -> Snapshot {
        Snapshot {
            cluster: ctx.cluster().clone(),
            added: Vec::new(),
        }
    }

    /// Adds a node made from `template` (named after the group, unique in the copy).
    pub fn add_template_node(&mut self, template: &NodeSpec) -> NodeIdx {
        let mut spec = template.clone();
        spec.name = format!(
            "template-node-for-{}-{}",
            spec.name,
            self.cluster.nodes().len()
        );
        spec.labels
            .insert("kubernetes.io/hostname".to_string(), spec.name.clone());
        let n = self.cluster.add_node(spec);
        self.added.push(n);
        n
    }

    /// Whether pod `p` passes the filters of its profile on node `n` of the copy (a node
    /// not Ready or gone never does).
    pub fn fits(&self, ctx: &impl AutoscalerContext, p: PodId, n: NodeIdx) -> bool {
        let c = &self.cluster;
        if !c.nodes().present()[n.ix()] || !c.nodes().ready()[n.ix()] {
            return false;
        }
        let pod = &c.pods()[p.ix()];
        if !pod.spec.requests.fits_in(&c.nodes().free(n)) {
            return false;
        }
        ctx.profile_for(pod)
            .is_some_and(|profile| profile.fits(pod, c, n))
    }

    /// The first failing filter's reason for pod `p` on node `n`, if it fails.
    pub fn failure(&self, ctx: &impl AutoscalerContext, p: PodId, n: NodeIdx) -> Option<String> {
        let pod = &self.cluster.pods()[p.ix()];
        let Some(profile) = ctx.profile_for(pod) else {
            return Some(format!("no scheduler profile {}", pod.spec.scheduler_name));
        };
        let status = profile.filter_status(pod, &self.cluster, n);
        (!status.is_success()).then(|| status.reasons.join(", "))
    }

    /// Places pod `p` on node `n` of the copy.
    pub fn place(&mut self, p: PodId, n: NodeIdx) {
        self.cluster.what_if_add(p, n);
    }

    /// The first node of `nodes` pod `p` fits.
    pub fn first_fit(
        &self,
        ctx: &impl AutoscalerContext,
        p: PodId,
        nodes: impl IntoIterator<Item = NodeIdx>,
    ) -> Option<NodeIdx> {
        nodes.into_iter().find(|n| self.fits(ctx, p, *n))
    }
}

/// Filters out pods that fit the snapshot's nodes as they are (existing and upcoming),
/// placing them there; returns the rest (FilterOutSchedulablePodListProcessor: higher
/// priority first).
pub fn filter_out_schedulable(
    ctx: &impl AutoscalerContext,
    snapshot: &mut Snapshot,
    mut pods: Vec<PodId>,
) -> Vec<PodId> {
    let c = ctx.cluster();
    pods.sort_by_key(|p| std::cmp::Reverse(c.pods()[p.ix()].spec.priority));
    let mut rest = Vec::new();
    for p in pods {
        let nodes: Vec<NodeIdx> = snapshot.cluster.nodes().indices().collect();
        match snapshot.first_fit(ctx, p, nodes) {
            Some(n) => snapshot.place(p, n),
            None => rest.push(p),
        }
    }
    rest
}

/// The result of packing pods onto new nodes of one group.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// New nodes needed.
    pub nodes: u32,
    /// Pods that fit on them.
    pub pods: Vec<PodId>,
    /// Per pod that does not fit an empty template node, the filter's reason.
    pub rejected: Vec<(PodId, String)>,
    /// Pods that would fit but the node limit left no room for.
    pub over_limit: Vec<PodId>,
}

/// DecreasingPodOrderer's key: the pod's cpu and memory requests as fractions of the
/// template's allocatable, summed (estimator/decreasing_pod_orderer.go), in ppm.
fn pod_score_ppm(ctx: &impl AutoscalerContext, template: &NodeSpec, p: PodId) -> i64 {
    let req = ctx.cluster().pods()[p.ix()].spec.requests;
    [CPU, MEMORY]
        .iter()
        .map(|r| {
            let alloc = template.allocatable.get(*r).max(1) as i128;
            (req.get(*r) as i128 * 1_000_000 / alloc) as i64
        })
        .sum()
}

/// Packs `pods` onto at most `limit` new nodes of `template` in a copy of `base`
/// (BinpackingNodeEstimator): biggest pods first, each on the first new node it fits,
/// else on a new node; a pod that does not fit an empty template node is rejected with
/// the filter's reason.
pub fn binpack(
    ctx: &impl AutoscalerContext,
    base: &Snapshot,
    template: &NodeSpec,
    pods: &[PodId],
    limit: u32,
) -> Estimate {
    let mut snap = Snapshot {
        cluster: base.cluster.clone(),
        added: Vec::new(),
    };
    // An empty template node, kept empty, answers "would it fit a new node at all".
    let mut probe = Snapshot {
        cluster: base.cluster.clone(),
        added: Vec::new(),
    };
    let probe_node = probe.add_template_node(template);
    let mut order: Vec<PodId> = pods.to_vec();
    order.sort_by_key(|p| (std::cmp::Reverse(pod_score_ppm(ctx, template, *p)), *p));
    let mut est = Estimate {
        nodes: 0,
        pods: Vec::new(),
        rejected: Vec::new(),
        over_limit: Vec::new(),
    };
    for p in order {
        if let Some(reason) = probe_failure(ctx, &probe, p, probe_node) {
            est.rejected.push((p, reason));
            continue;
        }
        let target = match snap.first_fit(ctx, p, snap.added.clone()) {
            Some(n) => Some(n),
            None if est.nodes < limit => {
                est.nodes += 1;
                let n = snap.add_template_node(template);
                snap.fits(ctx, p, n).then_some(n)
            }
            None => None,
        };
        match target {
            Some(n) => {
                snap.place(p, n);
                est.pods.push(p);
            }
            None => est.over_limit.push(p),
        }
    }
    // A node added for a pod that then did not fit it (a topology constraint) is not needed.
    est.nodes = snap
        .added
        .iter()
        .filter(|n| !snap.cluster.nodes().pods()[n.ix()].is_empty())
        .count() as u32;
    est
}

/// Why pod `p` does not fit the empty template node, if it does not.
fn probe_failure(
    ctx: &impl AutoscalerContext,
    probe: &Snapshot,
    p: PodId,
    n: NodeIdx,
) -> Option<String> {
    if probe.fits(ctx, p, n) {
        return None;
    }
    Some(
        probe
            .failure(ctx, p, n)
            .unwrap_or_else(|| "Insufficient resources".to_string()),
    )
}
