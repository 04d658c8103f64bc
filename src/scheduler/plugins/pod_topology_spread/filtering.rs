//! PodTopologySpread's Filter phase: per constraint and domain, the matching pods and
//! whether a node there keeps the skew within maxSkew (filtering.go).

use super::{
    has_all_keys, includes_all, keys_everywhere, selected_classes, Constraint, PodTopologySpread,
    ERR_REASON_CONSTRAINTS_NOT_MATCH, ERR_REASON_NODE_LABEL_NOT_MATCH,
};
use crate::cluster::topology::NO_DOMAIN;
use crate::cluster::{Cluster, NodeIdx, Pod};
use crate::model::pod::WhenUnsatisfiable;
use crate::scheduler::framework::{CacheMode, Code, CycleState, FilterPlugin, Status};
use crate::scheduler::plugins::pod_matching::{class_pods_on, Domains};

const FILTER_KEY: &str = "PreFilterPodTopologySpread";

/// Filter-phase state (kube's preFilterState).
struct FilterState {
    constraints: Vec<Constraint>,
    domains: Vec<Domains>,
    /// Per constraint, per domain: matching pods, or None when no eligible node has it.
    counts: Vec<Vec<Option<i64>>>,
    min_match: Vec<i64>,
    domains_num: Vec<i64>,
    self_match: Vec<i64>,
    /// Per constraint, per domain: a node there passes the skew check.
    pass: Vec<Vec<bool>>,
}

impl FilterPlugin for PodTopologySpread {
    fn filter_cache_mode(&self, pod: &Pod, _cluster: &Cluster) -> CacheMode {
        self.cache_mode(pod, WhenUnsatisfiable::DoNotSchedule)
    }

    /// Counts per domain: summed from the cluster's per-(class, domain) counts when every
    /// node is eligible, else per eligible node from the per-(class, node) counts.
    fn pre_filter(&self, state: &mut CycleState, pod: &Pod, cluster: &Cluster) -> Status {
        let constraints = self.constraints(pod, WhenUnsatisfiable::DoNotSchedule);
        if constraints.is_empty() {
            return Status::skip();
        }
        let domains: Vec<Domains> = constraints
            .iter()
            .map(|c| Domains::new(cluster, &c.key))
            .collect();
        let everywhere = constraints.len() == 1 || keys_everywhere(cluster, &domains);
        let mut counts = Vec::with_capacity(constraints.len());
        for (c, dom) in constraints.iter().zip(&domains) {
            let classes = selected_classes(cluster, &c.selector, &pod.namespace);
            let k = dom.get(cluster);
            let cnt: Vec<Option<i64>> =
                if dom.is_indexed() && everywhere && includes_all(c, pod, cluster) {
                    let sums = dom.counts(cluster, &classes);
                    sums.iter()
                        .zip(&k.nodes_in)
                        .map(|(s, n)| (*n > 0).then_some(*s))
                        .collect()
                } else {
                    let mut cnt = vec![None; k.domain_count()];
                    for n in cluster.nodes().indices() {
                        if !has_all_keys(cluster, &domains, n.ix()) || !c.includes(pod, cluster, n)
                        {
                            continue;
                        }
                        let d = k.domain_of[n.ix()] as usize;
                        *cnt[d].get_or_insert(0) += class_pods_on(cluster, &classes, n);
                    }
                    cnt
                };
            counts.push(cnt);
        }
        let min_match: Vec<i64> = counts
            .iter()
            .map(|cs| {
                cs.iter()
                    .flatten()
                    .copied()
                    .min()
                    .unwrap_or(i32::MAX as i64)
            })
            .collect();
        let domains_num: Vec<i64> = counts
            .iter()
            .map(|cs| cs.iter().flatten().count() as i64)
            .collect();
        let self_match: Vec<i64> = constraints
            .iter()
            .map(|c| c.selector.matches(&pod.labels) as i64)
            .collect();
        let pass = constraints
            .iter()
            .enumerate()
            .map(|(k, c)| {
                let min = if domains_num[k] < c.min_domains {
                    0
                } else {
                    min_match[k]
                };
                counts[k]
                    .iter()
                    .map(|m| m.unwrap_or(0) + self_match[k] - min <= c.max_skew)
                    .collect()
            })
            .collect();
        state.write(
            FILTER_KEY,
            FilterState {
                constraints,
                domains,
                counts,
                min_match,
                domains_num,
                self_match,
                pass,
            },
        );
        Status::success()
    }

    fn filter(&self, state: &CycleState, _pod: &Pod, cluster: &Cluster, n: NodeIdx) -> Status {
        let Some(s) = state.read::<FilterState>(FILTER_KEY) else {
            return Status::success();
        };
        for (k, c) in s.constraints.iter().enumerate() {
            let d = s.domains[k].get(cluster).domain_of[n.ix()];
            if d == NO_DOMAIN {
                return Status::new(
                    Code::UnschedulableAndUnresolvable,
                    ERR_REASON_NODE_LABEL_NOT_MATCH,
                );
            }
            let match_num = s.counts[k][d as usize].unwrap_or(0);
            let min = if s.domains_num[k] < c.min_domains {
                0
            } else {
                s.min_match[k]
            };
            if match_num + s.self_match[k] - min > c.max_skew {
                return Status::new(Code::Unschedulable, ERR_REASON_CONSTRAINTS_NOT_MATCH);
            }
        }
        Status::success()
    }

    /// As `filter` for every node: one pass per constraint over the domain column, looking
    /// up the per-domain verdict.
    fn filter_all(&self, state: &CycleState, _pod: &Pod, cluster: &Cluster, feasible: &mut [bool]) {
        let Some(s) = state.read::<FilterState>(FILTER_KEY) else {
            return;
        };
        for (dom, pass) in s.domains.iter().zip(&s.pass) {
            let col = &dom.get(cluster).domain_of;
            for (f, &d) in feasible.iter_mut().zip(col) {
                *f &= pass.get(d as usize).copied().unwrap_or(false);
            }
        }
    }
}
