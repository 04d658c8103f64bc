//! A scheduling profile: the plugins of each extension point, their weights, and the
//! scheduling cycle that runs them (PreFilter, Filter, PreScore, Score, NormalizeScore,
//! select host), plus the slow paths: failure diagnosis and `explain`.

use super::cycle;
use super::framework::{Code, CycleState, NodeFits, NodeVerdict, Plugin, Status};
use super::score_cache::{CacheAnswer, CacheStats, ScoreCache};
use crate::cluster::{Cluster, NodeIdx, Pod};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A Score plugin with its weight.
#[derive(Clone)]
pub struct WeightedScore {
    /// The plugin (implements Score).
    pub plugin: Arc<dyn Plugin>,
    /// Its weight.
    pub weight: i64,
}

/// A profile, selected by a pod's `spec.schedulerName`. Every plugin in a list implements
/// that list's extension point (checked when the profile is built).
#[derive(Clone)]
pub struct Profile {
    /// The schedulerName this profile serves.
    pub scheduler_name: String,
    /// QueueSort.
    pub queue_sort: Arc<dyn Plugin>,
    /// PreEnqueue.
    pub pre_enqueue: Vec<Arc<dyn Plugin>>,
    /// PreFilter + Filter, in order.
    pub filters: Vec<Arc<dyn Plugin>>,
    /// PostFilter.
    pub post_filters: Vec<Arc<dyn Plugin>>,
    /// PreScore + Score with weights.
    pub scores: Vec<WeightedScore>,
    /// Reserve.
    pub reserves: Vec<Arc<dyn Plugin>>,
    /// Permit.
    pub permits: Vec<Arc<dyn Plugin>>,
    /// PreBind.
    pub pre_binds: Vec<Arc<dyn Plugin>>,
    /// Bind.
    pub binders: Vec<Arc<dyn Plugin>>,
    /// PostBind.
    pub post_binds: Vec<Arc<dyn Plugin>>,
    /// percentageOfNodesToScore: 0 means kube's adaptive default.
    pub percentage_of_nodes_to_score: u32,
}

/// Buffers reused across cycles so a cycle allocates nothing on the happy path.
#[derive(Default)]
pub struct Scratch {
    bufs: cycle::Buffers,
    cache: ScoreCache,
    /// Nodes the caller found infeasible once nominated pods are counted (kube's
    /// RunFilterPluginsWithNominatedPods), with the failing status; `schedule` drops them.
    pub nominated_rejects: Vec<NodeVerdict>,
}

/// Why a pod fits nowhere: counts of each reason, as kube's `FitError` reports them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FitError {
    /// Number of nodes considered.
    pub num_all_nodes: usize,
    /// Reason -> number of nodes.
    pub reasons: BTreeMap<String, usize>,
    /// True if every failure was UnschedulableAndUnresolvable (preemption cannot help).
    pub unresolvable: bool,
    /// Each failed node's status (kube's NodeToStatusMap), for PostFilter.
    pub failed: Vec<NodeVerdict>,
}

/// One node's filter verdict in an explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterRow {
    /// The node.
    pub node: NodeIdx,
    /// The first failing plugin, or None when the node passed.
    pub plugin: Option<&'static str>,
    /// Its status (Success when passed).
    pub status: Status,
}

/// One (node, score plugin) cell of an explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreRow {
    /// The node.
    pub node: NodeIdx,
    /// The plugin.
    pub plugin: &'static str,
    /// Score before NormalizeScore.
    pub raw: i64,
    /// After NormalizeScore.
    pub normalized: i64,
    /// normalized × weight.
    pub weighted: i64,
}

/// Everything one scheduling attempt looked at, for `k8sim explain`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Explanation {
    /// PreFilter plugins that failed the whole cycle, with their status.
    pub pre_filter_failures: Vec<(&'static str, Status)>,
    /// Per node, in node order.
    pub filters: Vec<FilterRow>,
    /// Score plugins that skipped this pod.
    pub skipped_scores: Vec<&'static str>,
    /// Per feasible node and score plugin.
    pub scores: Vec<ScoreRow>,
    /// Per feasible node: total weighted score.
    pub totals: Vec<(NodeIdx, i64)>,
}

impl FitError {
    /// Counts `rejects` (nodes that pass the filters alone but not with the pods
    /// nominated to them) among the failed nodes, as kube's diagnosis does.
    pub fn add_rejects(&mut self, rejects: &[NodeVerdict]) {
        for v in rejects {
            if self.failed.iter().any(|f| f.node == v.node) {
                continue;
            }
            if v.status.code != Code::UnschedulableAndUnresolvable {
                self.unresolvable = false;
            }
            for r in &v.status.reasons {
                *self.reasons.entry(r.clone()).or_default() += 1;
            }
            self.failed.push(v.clone());
        }
        self.failed.sort_by_key(|v| v.node);
    }

    /// kube's FailedScheduling message: "0/3 nodes are available: 1 Insufficient cpu, 2
    /// node(s) had untolerated taint {k: v}." (reasons sorted as strings).
    pub fn message(&self) -> String {
        let mut parts: Vec<String> = self
            .reasons
            .iter()
            .map(|(r, n)| format!("{n} {r}"))
            .collect();
        parts.sort();
        if parts.is_empty() {
            format!("0/{} nodes are available.", self.num_all_nodes)
        } else {
            format!(
                "0/{} nodes are available: {}.",
                self.num_all_nodes,
                parts.join(", ")
            )
        }
    }
}

/// kube's adaptive `numFeasibleNodesToFind` (schedule_one.go): all nodes below 100; else
/// `50 - n/125` percent (at least 5%), and at least 100 nodes.
pub fn num_feasible_nodes_to_find(percentage: u32, num_all_nodes: usize) -> usize {
    const MIN_FEASIBLE: usize = 100;
    const MIN_PERCENT: i64 = 5;
    if num_all_nodes < MIN_FEASIBLE || percentage >= 100 {
        return num_all_nodes;
    }
    let mut pct = percentage as i64;
    if pct == 0 {
        pct = 50 - num_all_nodes as i64 / 125;
        if pct < MIN_PERCENT {
            pct = MIN_PERCENT;
        }
    }
    let n = num_all_nodes * pct as usize / 100;
    n.max(MIN_FEASIBLE)
}

impl Scratch {
    /// What the score cache has done with these buffers.
    pub fn cache_stats(&self) -> CacheStats {
        self.cache.stats()
    }
}

impl NodeFits for Profile {
    fn filter_status(&self, pod: &Pod, cluster: &Cluster, n: NodeIdx) -> Status {
        let mut state = CycleState::default();
        for f in &self.filters {
            let f = f.as_filter().expect("filter plugin");
            let pre = f.pre_filter(&mut state, pod, cluster);
            match pre.code {
                Code::Skip => continue,
                Code::Success => {}
                _ => return pre,
            }
            let st = f.filter(&state, pod, cluster, n);
            if !st.is_success() {
                return st;
            }
        }
        Status::success()
    }
}

impl Profile {
    /// Runs PreEnqueue plugins: the first non-success status keeps the pod gated.
    pub fn pre_enqueue(&self, pod: &Pod) -> Result<(), (&'static str, Status)> {
        for p in &self.pre_enqueue {
            let st = p
                .as_pre_enqueue()
                .expect("preEnqueue plugin")
                .pre_enqueue(pod);
            if !st.is_success() {
                return Err((p.name(), st));
            }
        }
        Ok(())
    }

    /// Runs one scheduling cycle for `pod`: filters, scores and picks a node (ties broken
    /// uniformly at random with the scheduler's stream). `next_start` rotates the node
    /// scan as kube's `nextStartNodeIndex` does. Pods whose cycle reduces to per-node
    /// functions are decided by the score cache ([`super::score_cache`]), other pods run
    /// only their other plugins on top of the cache's per-node results
    /// ([`super::cycle`]), with the same result as the full cycle, unless nominated pods
    /// rule out some nodes.
    pub fn schedule(
        &self,
        pod: &Pod,
        cluster: &Cluster,
        rng: &mut Xoshiro256PlusPlus,
        scratch: &mut Scratch,
        next_start: &mut usize,
    ) -> Result<NodeIdx, FitError> {
        // Nodes ruled out by nominated pods are not in the cached totals: take the full
        // cycle while there are any.
        if scratch.nominated_rejects.is_empty() {
            match scratch.cache.schedule(self, pod, cluster, rng, next_start) {
                CacheAnswer::Decided(n) => return Ok(n),
                CacheAnswer::Partial(base) => {
                    let b = &mut scratch.bufs;
                    return cycle::run(self, pod, cluster, rng, b, &[], next_start, Some(base));
                }
                CacheAnswer::NotApplicable => {}
            }
        }
        self.schedule_full(pod, cluster, rng, scratch, next_start)
    }

    /// The full scheduling cycle (what [`Self::schedule`] does when the score cache does
    /// not apply): every plugin over every node.
    pub fn schedule_full(
        &self,
        pod: &Pod,
        cluster: &Cluster,
        rng: &mut Xoshiro256PlusPlus,
        scratch: &mut Scratch,
        next_start: &mut usize,
    ) -> Result<NodeIdx, FitError> {
        let s = scratch;
        cycle::run(
            self,
            pod,
            cluster,
            rng,
            &mut s.bufs,
            &s.nominated_rejects,
            next_start,
            None,
        )
    }

    /// Builds the FitError by re-running filters per node (slow path, failures only): each
    /// node reports the reasons of the first filter it fails, as kube's diagnosis does.
    pub(super) fn diagnose(
        &self,
        pod: &Pod,
        cluster: &Cluster,
        state: &CycleState,
        skipped: &[bool],
        num_all: usize,
    ) -> FitError {
        let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
        let mut unresolvable = true;
        let mut failed = Vec::new();
        for n in cluster.nodes().indices() {
            if !cluster.nodes().present()[n.ix()] {
                continue;
            }
            for (f, skip) in self.filters.iter().zip(skipped) {
                if *skip {
                    continue;
                }
                let st = f
                    .as_filter()
                    .expect("filter plugin")
                    .filter(state, pod, cluster, n);
                if !st.is_success() {
                    if st.code != Code::UnschedulableAndUnresolvable {
                        unresolvable = false;
                    }
                    for r in &st.reasons {
                        *reasons.entry(r.clone()).or_default() += 1;
                    }
                    failed.push(NodeVerdict {
                        node: n,
                        status: st,
                    });
                    break;
                }
            }
        }
        FitError {
            num_all_nodes: num_all,
            reasons,
            unresolvable,
            failed,
        }
    }

    /// Evaluates every plugin on every node for `pod` without choosing (slow path, for
    /// `k8sim explain`): each node's first failing filter, and each score plugin's raw,
    /// normalised and weighted score over all feasible nodes.
    pub fn explain(&self, pod: &Pod, cluster: &Cluster) -> Explanation {
        let mut ex = Explanation::default();
        let mut state = CycleState::default();
        let mut skipped = Vec::new();
        for f in &self.filters {
            let st = f
                .as_filter()
                .expect("filter plugin")
                .pre_filter(&mut state, pod, cluster);
            match st.code {
                Code::Skip => skipped.push(true),
                Code::Success => skipped.push(false),
                _ => {
                    ex.pre_filter_failures.push((f.name(), st));
                    skipped.push(true);
                }
            }
        }
        if !ex.pre_filter_failures.is_empty() {
            return ex;
        }
        let mut feasible = Vec::new();
        for n in cluster.nodes().indices() {
            if !cluster.nodes().present()[n.ix()] {
                continue;
            }
            let mut row = FilterRow {
                node: n,
                plugin: None,
                status: Status::success(),
            };
            for (f, skip) in self.filters.iter().zip(&skipped) {
                if *skip {
                    continue;
                }
                let st = f
                    .as_filter()
                    .expect("filter plugin")
                    .filter(&state, pod, cluster, n);
                if !st.is_success() {
                    row.plugin = Some(f.name());
                    row.status = st;
                    break;
                }
            }
            if row.plugin.is_none() {
                feasible.push(n);
            }
            ex.filters.push(row);
        }
        let mut totals = vec![0i64; feasible.len()];
        for ws in &self.scores {
            let plugin = ws.plugin.as_score().expect("score plugin");
            if plugin.pre_score(&mut state, pod, cluster, &feasible).code == Code::Skip {
                ex.skipped_scores.push(ws.plugin.name());
                continue;
            }
            let mut raw = vec![0i64; feasible.len()];
            plugin.score_all(&state, pod, cluster, &feasible, &mut raw);
            let mut norm = raw.clone();
            plugin.normalize_score(&state, pod, &mut norm);
            for (k, n) in feasible.iter().enumerate() {
                totals[k] += norm[k] * ws.weight;
                ex.scores.push(ScoreRow {
                    node: *n,
                    plugin: ws.plugin.name(),
                    raw: raw[k],
                    normalized: norm[k],
                    weighted: norm[k] * ws.weight,
                });
            }
        }
        ex.totals = feasible.into_iter().zip(totals).collect();
        ex
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // schedule_one_test.go TestNumFeasibleNodesToFind.
    #[test]
    fn num_feasible_nodes_to_find_matches_kube() {
        assert_eq!(num_feasible_nodes_to_find(0, 10), 10);
        assert_eq!(num_feasible_nodes_to_find(40, 10), 10);
        assert_eq!(num_feasible_nodes_to_find(0, 1000), 420);
        assert_eq!(num_feasible_nodes_to_find(40, 1000), 400);
        assert_eq!(num_feasible_nodes_to_find(0, 6000), 300);
        assert_eq!(num_feasible_nodes_to_find(40, 6000), 2400);
    }

    #[test]
    fn fit_error_message_in_kube_words() {
        let mut reasons = BTreeMap::new();
        reasons.insert("Insufficient cpu".to_string(), 2);
        reasons.insert("node(s) had untolerated taint {a: b}".to_string(), 1);
        let e = FitError {
            num_all_nodes: 3,
            reasons,
            unresolvable: false,
            failed: Vec::new(),
        };
        assert_eq!(
            e.message(),
            "0/3 nodes are available: 1 node(s) had untolerated taint {a: b}, 2 Insufficient cpu."
        );
    }
}
