//! DominantResourceFairness (k8sim QueueSort; Ghodsi et al., NSDI 2011): the pod whose
//! namespace has the smallest dominant share of the cluster goes first; ties fall back to
//! PrioritySort's order.

use super::names;
use super::priority_sort::PrioritySort;
use crate::cluster::Cluster;
use crate::model::resources::{Resources, MAX_RESOURCES};
use crate::scheduler::framework::{Plugin, QueueSortPlugin, QueuedPod};
use std::collections::BTreeMap;

/// The DominantResourceFairness plugin.
#[derive(Debug, Default)]
pub struct DominantResourceFairness;

impl Plugin for DominantResourceFairness {
    fn name(&self) -> &'static str {
        names::DOMINANT_RESOURCE_FAIRNESS
    }
    fn as_queue_sort(&self) -> Option<&dyn QueueSortPlugin> {
        Some(self)
    }
}

/// Dominant share of each namespace (ppm): max over resources of requested / allocatable.
pub fn namespace_shares(cluster: &Cluster) -> BTreeMap<&str, u64> {
    let mut usage: BTreeMap<&str, Resources> = BTreeMap::new();
    for pods in cluster.nodes().pods() {
        for p in pods {
            let pod = &cluster.pods()[p.ix()];
            *usage
                .entry(pod.namespace.as_str())
                .or_insert(Resources::ZERO) += pod.spec.requests;
        }
    }
    let total = cluster.allocatable_total();
    usage
        .into_iter()
        .map(|(ns, u)| {
            let share = (0..MAX_RESOURCES)
                .filter(|r| total.0[*r] > 0)
                .map(|r| (u.0[r].max(0) as u128 * 1_000_000 / total.0[r] as u128) as u64)
                .max()
                .unwrap_or(0);
            (ns, share)
        })
        .collect()
}

impl QueueSortPlugin for DominantResourceFairness {
    fn less(&self, a: &QueuedPod, b: &QueuedPod) -> bool {
        if a.share_ppm != b.share_ppm {
            return a.share_ppm < b.share_ppm;
        }
        PrioritySort.less(a, b)
    }

    fn refresh(&self, cluster: &Cluster, queued: &mut [QueuedPod]) {
        let shares = namespace_shares(cluster);
        for q in queued {
            let ns = cluster.pods()[q.id.ix()].namespace.as_str();
            q.share_ppm = shares.get(ns).copied().unwrap_or(0);
        }
    }
}
