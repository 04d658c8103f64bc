//! InterPodAffinity: required pod affinity/anti-affinity and existing pods' required
//! anti-affinity filter; preferred terms (both ways) and existing pods' required affinity
//! (hardPodAffinityWeight) score (pkg/scheduler/framework/plugins/interpodaffinity:
//! filtering.go, scoring.go).

use super::names;
use super::pod_matching::{term_matches, ClassMemo};
use crate::cluster::{Cluster, NodeIdx, Pod};
use crate::model::pod::PodAffinityTerm;
use crate::scheduler::framework::{
    Code, CycleState, FilterPlugin, Plugin, ScorePlugin, Status, MAX_NODE_SCORE,
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

/// Topology pair counts: key -> value -> count (nested so a node's labels look up
/// without allocating).
type PairCounts = BTreeMap<String, BTreeMap<String, i64>>;

/// kube's preFilterState: topology pair counts.
struct FilterState {
    existing_anti: PairCounts,
    affinity: PairCounts,
    anti: PairCounts,
}

/// Adds one to the pair (`key`, node `n`'s value of `key`), if the node has the key.
fn count_pair(counts: &mut PairCounts, cluster: &Cluster, n: NodeIdx, key: &str) {
    if let Some(v) = cluster.nodes.labels[n.ix()].get(key) {
        *counts
            .entry(key.to_string())
            .or_default()
            .entry(v.clone())
            .or_default() += 1;
    }
}

fn pair_count(counts: &PairCounts, key: &str, value: &str) -> i64 {
    counts
        .get(key)
        .and_then(|m| m.get(value))
        .copied()
        .unwrap_or(0)
}

/// Bound pods on present nodes, with their node.
fn bound_pods(cluster: &Cluster) -> impl Iterator<Item = (&Pod, NodeIdx)> {
    cluster
        .nodes
        .indices()
        .filter(|n| cluster.nodes.present[n.ix()])
        .flat_map(move |n| {
            cluster.nodes.pods[n.ix()]
                .iter()
                .map(move |p| (&cluster.pods[p.ix()], n))
        })
}

fn matches_all(terms: &[PodAffinityTerm], owner_ns: &str, pod: &Pod) -> bool {
    terms.iter().all(|t| term_matches(t, owner_ns, pod))
}

impl FilterPlugin for InterPodAffinity {
    fn pre_filter(&self, state: &mut CycleState, pod: &Pod, cluster: &Cluster) -> Status {
        let aff = &pod.spec.affinity.pod_affinity.required;
        let anti = &pod.spec.affinity.pod_anti_affinity.required;
        if aff.is_empty() && anti.is_empty() && cluster.pods_with_required_anti_affinity == 0 {
            return Status::skip();
        }
        let mut s = FilterState {
            existing_anti: BTreeMap::new(),
            affinity: BTreeMap::new(),
            anti: BTreeMap::new(),
        };
        // The pod's own terms depend only on an existing pod's namespace and labels:
        // memoise them per label class.
        let mut aff_memo = ClassMemo::new(cluster);
        let mut anti_memos: Vec<ClassMemo> = anti.iter().map(|_| ClassMemo::new(cluster)).collect();
        let existing_terms = cluster.pods_with_required_anti_affinity > 0;
        for n in cluster.nodes.indices() {
            if !cluster.nodes.present[n.ix()] {
                continue;
            }
            for &p in &cluster.nodes.pods[n.ix()] {
                let existing = &cluster.pods[p.ix()];
                if existing.deleting {
                    continue;
                }
                if existing_terms {
                    for t in &existing.spec.affinity.pod_anti_affinity.required {
                        if term_matches(t, &existing.namespace, pod) {
                            count_pair(&mut s.existing_anti, cluster, n, &t.topology_key);
                        }
                    }
                }
                if !aff.is_empty()
                    && aff_memo.check(cluster, p, |e| matches_all(aff, &pod.namespace, e))
                {
                    for t in aff {
                        count_pair(&mut s.affinity, cluster, n, &t.topology_key);
                    }
                }
                for (t, memo) in anti.iter().zip(&mut anti_memos) {
                    if memo.check(cluster, p, |e| term_matches(t, &pod.namespace, e)) {
                        count_pair(&mut s.anti, cluster, n, &t.topology_key);
                    }
                }
            }
        }
        // kube's PreFilter skips when no existing pod's anti-affinity term matches the pod
        // and the pod has no required terms of its own (interpodaffinity/filtering.go).
        if s.existing_anti.is_empty() && aff.is_empty() && anti.is_empty() {
            return Status::skip();
        }
        state.write(FILTER_KEY, s);
        Status::success()
    }

    fn filter(&self, state: &CycleState, pod: &Pod, cluster: &Cluster, n: NodeIdx) -> Status {
        let Some(s) = state.read::<FilterState>(FILTER_KEY) else {
            return Status::success();
        };
        let labels = &cluster.nodes.labels[n.ix()];
        // satisfyPodAffinity
        let aff = &pod.spec.affinity.pod_affinity.required;
        let mut pods_exist = true;
        for t in aff {
            match labels.get(&t.topology_key) {
                Some(v) => {
                    if pair_count(&s.affinity, &t.topology_key, v) <= 0 {
                        pods_exist = false;
                    }
                }
                None => {
                    return Status::new(Code::UnschedulableAndUnresolvable, ERR_REASON_AFFINITY)
                }
            }
        }
        // The first pod of a group that selects itself may go anywhere with the keys.
        if !(pods_exist || s.affinity.is_empty() && matches_all(aff, &pod.namespace, pod)) {
            return Status::new(Code::UnschedulableAndUnresolvable, ERR_REASON_AFFINITY);
        }
        // satisfyPodAntiAffinity
        for t in &pod.spec.affinity.pod_anti_affinity.required {
            if let Some(v) = labels.get(&t.topology_key) {
                if pair_count(&s.anti, &t.topology_key, v) > 0 {
                    return Status::new(Code::Unschedulable, ERR_REASON_ANTI_AFFINITY);
                }
            }
        }
        // satisfyExistingPodsAntiAffinity
        for (k, values) in &s.existing_anti {
            if labels
                .get(k)
                .and_then(|v| values.get(v))
                .is_some_and(|c| *c > 0)
            {
                return Status::new(Code::Unschedulable, ERR_REASON_EXISTING_ANTI_AFFINITY);
            }
        }
        Status::success()
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
    if let Some(v) = cluster.nodes.labels[n.ix()].get(&term.topology_key) {
        *scores
            .entry(term.topology_key.clone())
            .or_default()
            .entry(v.clone())
            .or_default() += weight;
    }
}

impl ScorePlugin for InterPodAffinity {
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
            && (self.ignore_preferred_terms_of_existing_pods || cluster.pods_with_pod_affinity == 0)
        {
            return Status::skip();
        }
        let mut scores: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
        for (existing, n) in bound_pods(cluster) {
            let ea = &existing.spec.affinity;
            if !has_constraints && ea.pod_affinity.is_empty() && ea.pod_anti_affinity.is_empty() {
                continue;
            }
            if cluster.nodes.labels[n.ix()].is_empty() {
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
        let labels = &cluster.nodes.labels[n.ix()];
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
