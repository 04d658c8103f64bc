//! InterPodAffinity: required pod affinity/anti-affinity and existing pods' required
//! anti-affinity filter; preferred terms (both ways) and existing pods' required affinity
//! (hardPodAffinityWeight) score (pkg/scheduler/framework/plugins/interpodaffinity:
//! filtering.go, scoring.go).

use super::names;
use super::pod_matching::{matching_classes, term_matches, Domains};
use crate::cluster::topology::NO_DOMAIN;
use crate::cluster::{Cluster, NodeIdx, Pod};
use crate::model::pod::PodAffinityTerm;
use crate::scheduler::framework::{
    CacheMode, Code, CycleState, FilterPlugin, Plugin, ScorePlugin, Status, MAX_NODE_SCORE,
};
use std::collections::BTreeMap;

/// kube's reason: the pod's required affinity is not met.
pub const ERR_REASON_AFFINITY: &str = "node(s) didn't match pod affinity rules";
/// kube's reason: the pod's required anti-affinity is violated.
pub const ERR_REASON_ANTI_AFFINITY: &str = "node(s) didn't match pod anti-affinity rules";
/// kube's reason: an existing pod's required anti-affinity forbids the pod.
pub const ERR_REASON_EXISTING_ANTI_AFFINITY: &str =
    "node(s) didn't satisfy existing pods anti-affinity rules";

const FILTER_KEY: &str = "PreFilterInterPodAffinity";
const SCORE_KEY: &str = "PreScoreInterPodAffinity";

/// The InterPodAffinity plugin.
#[derive(Debug, Clone)]
pub struct InterPodAffinity {
    /// hardPodAffinityWeight (default 1): score weight of existing pods' required affinity.
    pub hard_pod_affinity_weight: i64,
    /// ignorePreferredTermsOfExistingPods (default false).
    pub ignore_preferred_terms_of_existing_pods: bool,
}

impl Default for InterPodAffinity {
    fn default() -> Self {
        InterPodAffinity {
            hard_pod_affinity_weight: 1,
            ignore_preferred_terms_of_existing_pods: false,
        }
    }
}

impl Plugin for InterPodAffinity {
    fn name(&self) -> &'static str {
        names::INTER_POD_AFFINITY
    }
    fn as_filter(&self) -> Option<&dyn FilterPlugin> {
        Some(self)
    }
    fn as_score(&self) -> Option<&dyn ScorePlugin> {
        Some(self)
    }
}

/// Bound pods on present nodes, with their node.
fn bound_pods(cluster: &Cluster) -> impl Iterator<Item = (&Pod, NodeIdx)> {
    cluster
        .nodes()
        .indices()
        .filter(|n| cluster.nodes().present()[n.ix()])
        .flat_map(move |n| {
            cluster.nodes().pods()[n.ix()]
                .iter()
                .map(move |p| (&cluster.pods()[p.ix()], n))
        })
}

/// Matching pods per domain of one topology key (kube's topology pair counts for one key).
struct KeyCounts {
    domains: Domains,
    counts: Vec<i64>,
}

impl KeyCounts {
    /// Counted pods of `classes` per domain of `key`.
    fn of_classes(cluster: &Cluster, key: &str, classes: &[u32]) -> KeyCounts {
        let domains = Domains::new(cluster, key);
        let counts = domains.counts(cluster, classes);
        KeyCounts { domains, counts }
    }

    /// The node's domain, if it has the key.
    #[inline]
    fn domain(&self, cluster: &Cluster, n: NodeIdx) -> Option<usize> {
        let d = self.domains.get(cluster).domain_of[n.ix()];
        (d != NO_DOMAIN).then_some(d as usize)
    }

    /// True if node `n` has the key and a matching pod shares its domain.
    #[inline]
    fn positive(&self, cluster: &Cluster, n: NodeIdx) -> bool {
        self.domain(cluster, n).is_some_and(|d| self.counts[d] > 0)
    }
}

/// kube's preFilterState: topology pair counts, per term (pair counts of terms with the
/// same key are only ever compared with 0, so keeping them apart is equivalent).
struct FilterState {
    /// Per topology key of existing pods' required anti-affinity terms matching the pod.
    existing_anti: Vec<KeyCounts>,
    /// Per required affinity term: pods matching all the terms.
    affinity: Vec<KeyCounts>,
    /// No pod matching all the affinity terms is on a node with one of their keys.
    affinity_empty: bool,
    /// Per required anti-affinity term: pods matching it.
    anti: Vec<KeyCounts>,
}

fn matches_all(terms: &[PodAffinityTerm], owner_ns: &str, pod: &Pod) -> bool {
    terms.iter().all(|t| term_matches(t, owner_ns, pod))
}

/// True when neither the pod nor any bound pod has a required (anti-)affinity term: the
/// filter has nothing to check (kube's PreFilter returns Skip).
fn no_required_terms_anywhere(pod: &Pod, cluster: &Cluster) -> bool {
    let a = &pod.spec.affinity;
    a.pod_affinity.required.is_empty()
        && a.pod_anti_affinity.required.is_empty()
        && cluster.pods_with_required_anti_affinity() == 0
}

impl FilterPlugin for InterPodAffinity {
    fn filter_cache_mode(&self, pod: &Pod, cluster: &Cluster) -> CacheMode {
        if no_required_terms_anywhere(pod, cluster) {
            CacheMode::Skip
        } else {
            CacheMode::Unsupported
        }
    }

    /// Sums the cluster's per-(label class, domain) counts over the classes the pod's terms
    /// match, and reads the existing pods' anti-affinity terms from the pods that have one.
    fn pre_filter(&self, state: &mut CycleState, pod: &Pod, cluster: &Cluster) -> Status {
        if no_required_terms_anywhere(pod, cluster) {
            return Status::skip();
        }
        let aff = &pod.spec.affinity.pod_affinity.required;
        let anti = &pod.spec.affinity.pod_anti_affinity.required;
        let mut existing_anti: Vec<KeyCounts> = Vec::new();
        for &p in &cluster.topology().anti_pods {
            let existing = &cluster.pods()[p.ix()];
            let Some(n) = existing.node else {
                continue;
            };
            for t in &existing.spec.affinity.pod_anti_affinity.required {
                if !term_matches(t, &existing.namespace, pod) {
                    continue;
                }
                let pos = match existing_anti
                    .iter()
                    .position(|k| k.domains.get(cluster).key == t.topology_key)
                {
                    Some(i) => i,
                    None => {
                        existing_anti.push(KeyCounts::of_classes(cluster, &t.topology_key, &[]));
                        existing_anti.len() - 1
                    }
                };
                let k = &mut existing_anti[pos];
                if let Some(d) = k.domain(cluster, n) {
                    k.counts[d] += 1;
                }
            }
        }
        // Keys where no matching existing pod sits on a node with the key count nothing.
        existing_anti.retain(|k| k.counts.iter().any(|c| *c > 0));
        // kube's PreFilter skips when no existing pod's anti-affinity term matches the pod
        // and the pod has no required terms of its own (interpodaffinity/filtering.go).
        if existing_anti.is_empty() && aff.is_empty() && anti.is_empty() {
            return Status::skip();
        }
        let aff_classes = if aff.is_empty() {
            Vec::new()
        } else {
            matching_classes(cluster, |e| matches_all(aff, &pod.namespace, e))
        };
        let affinity: Vec<KeyCounts> = aff
            .iter()
            .map(|t| KeyCounts::of_classes(cluster, &t.topology_key, &aff_classes))
            .collect();
        let affinity_empty = affinity.iter().all(|k| k.counts.iter().all(|c| *c == 0));
        let anti = anti
            .iter()
            .map(|t| {
                let classes = matching_classes(cluster, |e| term_matches(t, &pod.namespace, e));
                KeyCounts::of_classes(cluster, &t.topology_key, &classes)
            })
            .collect();
        state.write(
            FILTER_KEY,
            FilterState {
                existing_anti,
                affinity,
                affinity_empty,
                anti,
            },
        );
        Status::success()
    }

    fn filter(&self, state: &CycleState, pod: &Pod, cluster: &Cluster, n: NodeIdx) -> Status {
        let Some(s) = state.read::<FilterState>(FILTER_KEY) else {
            return Status::success();
        };
        // satisfyPodAffinity
        let aff = &pod.spec.affinity.pod_affinity.required;
        let mut pods_exist = true;
        for k in &s.affinity {
            match k.domain(cluster, n) {
                Some(d) => {
                    if k.counts[d] <= 0 {
                        pods_exist = false;
                    }
                }
                None => {
                    return Status::new(Code::UnschedulableAndUnresolvable, ERR_REASON_AFFINITY)
                }
            }
        }
        // The first pod of a group that selects itself may go anywhere with the keys.
        if !(pods_exist || s.affinity_empty && matches_all(aff, &pod.namespace, pod)) {
            return Status::new(Code::UnschedulableAndUnresolvable, ERR_REASON_AFFINITY);
        }
        // satisfyPodAntiAffinity
        if s.anti.iter().any(|k| k.positive(cluster, n)) {
            return Status::new(Code::Unschedulable, ERR_REASON_ANTI_AFFINITY);
        }
        // satisfyExistingPodsAntiAffinity
        if s.existing_anti.iter().any(|k| k.positive(cluster, n)) {
            return Status::new(Code::Unschedulable, ERR_REASON_EXISTING_ANTI_AFFINITY);
        }
        Status::success()
    }

    /// As `filter` for every node; without required affinity terms, one pass per
    /// anti-affinity key that has a matching pod anywhere.
    fn filter_all(&self, state: &CycleState, pod: &Pod, cluster: &Cluster, feasible: &mut [bool]) {
        let Some(s) = state.read::<FilterState>(FILTER_KEY) else {
            return;
        };
        if !s.affinity.is_empty() {
            for (i, f) in feasible.iter_mut().enumerate() {
                *f = *f
                    && self
                        .filter(state, pod, cluster, NodeIdx(i as u32))
                        .is_success();
            }
            return;
        }
        for k in s.anti.iter().chain(&s.existing_anti) {
            if k.counts.iter().all(|c| *c <= 0) {
                continue;
            }
            let col = &k.domains.get(cluster).domain_of;
            for (f, &d) in feasible.iter_mut().zip(col) {
                *f &= k.counts.get(d as usize).is_none_or(|c| *c <= 0);
            }
        }
    }
}

/// kube's preScoreState: topology key -> value -> score.
struct ScoreState {
    topology_score: BTreeMap<String, BTreeMap<String, i64>>,
}

fn process_term(
    scores: &mut BTreeMap<String, BTreeMap<String, i64>>,
    term: &PodAffinityTerm,
    owner_ns: &str,
    weight: i64,
    target: &Pod,
    cluster: &Cluster,
    n: NodeIdx,
) {
    if weight == 0 || !term_matches(term, owner_ns, target) {
        return;
    }
    if let Some(v) = cluster.nodes().labels()[n.ix()].get(&term.topology_key) {
        *scores
            .entry(term.topology_key.clone())
            .or_default()
            .entry(v.clone())
            .or_default() += weight;
    }
}

impl ScorePlugin for InterPodAffinity {
    fn score_cache_mode(&self, pod: &Pod, cluster: &Cluster) -> CacheMode {
        let a = &pod.spec.affinity;
        if a.pod_affinity.preferred.is_empty()
            && a.pod_anti_affinity.preferred.is_empty()
            && (self.ignore_preferred_terms_of_existing_pods
                || cluster.pods_with_pod_affinity() == 0)
        {
            CacheMode::Skip
        } else {
            CacheMode::Unsupported
        }
    }

    fn pre_score(
        &self,
        state: &mut CycleState,
        pod: &Pod,
        cluster: &Cluster,
        _nodes: &[NodeIdx],
    ) -> Status {
        let pa = &pod.spec.affinity.pod_affinity.preferred;
        let paa = &pod.spec.affinity.pod_anti_affinity.preferred;
        let has_constraints = !pa.is_empty() || !paa.is_empty();
        if !has_constraints
            && (self.ignore_preferred_terms_of_existing_pods
                || cluster.pods_with_pod_affinity() == 0)
        {
            return Status::skip();
        }
        let mut scores: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
        for (existing, n) in bound_pods(cluster) {
            let ea = &existing.spec.affinity;
            if !has_constraints && ea.pod_affinity.is_empty() && ea.pod_anti_affinity.is_empty() {
                continue;
            }
            if cluster.nodes().labels()[n.ix()].is_empty() {
                continue;
            }
            for (w, t) in pa {
                process_term(
                    &mut scores,
                    t,
                    &pod.namespace,
                    *w as i64,
                    existing,
                    cluster,
                    n,
                );
            }
            for (w, t) in paa {
                process_term(
                    &mut scores,
                    t,
                    &pod.namespace,
                    -(*w as i64),
                    existing,
                    cluster,
                    n,
                );
            }
            if self.hard_pod_affinity_weight > 0 {
                for t in &ea.pod_affinity.required {
                    let w = self.hard_pod_affinity_weight;
                    process_term(&mut scores, t, &existing.namespace, w, pod, cluster, n);
                }
            }
            if !self.ignore_preferred_terms_of_existing_pods {
                for (w, t) in &ea.pod_affinity.preferred {
                    process_term(
                        &mut scores,
                        t,
                        &existing.namespace,
                        *w as i64,
                        pod,
                        cluster,
                        n,
                    );
                }
                for (w, t) in &ea.pod_anti_affinity.preferred {
                    let w = -(*w as i64);
                    process_term(&mut scores, t, &existing.namespace, w, pod, cluster, n);
                }
            }
        }
        if scores.is_empty() {
            return Status::skip();
        }
        state.write(
            SCORE_KEY,
            ScoreState {
                topology_score: scores,
            },
        );
        Status::success()
    }

    fn score(&self, state: &CycleState, _pod: &Pod, cluster: &Cluster, n: NodeIdx) -> i64 {
        let Some(s) = state.read::<ScoreState>(SCORE_KEY) else {
            return 0;
        };
        let labels = &cluster.nodes().labels()[n.ix()];
        s.topology_score
            .iter()
            .filter_map(|(k, m)| labels.get(k).and_then(|v| m.get(v)))
            .sum()
    }

    /// Min-max scaling onto 0..=100 (scores may be negative before this).
    fn normalize_score(&self, state: &CycleState, _pod: &Pod, scores: &mut [i64]) {
        if state.read::<ScoreState>(SCORE_KEY).is_none() {
            return;
        }
        let min = scores.iter().copied().min().unwrap_or(0);
        let max = scores.iter().copied().max().unwrap_or(0);
        let diff = max - min;
        for s in scores.iter_mut() {
            *s = if diff > 0 {
                (MAX_NODE_SCORE as f64 * ((*s - min) as f64 / diff as f64)) as i64
            } else {
                0
            };
        }
    }
}
