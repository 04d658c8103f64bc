//! A scheduling profile: the plugins of each extension point, their weights, and the
//! scheduling cycle that runs them (filter, score, select host).

use super::framework::{Code, CycleState, FilterPlugin, ScorePlugin, MAX_NODE_SCORE};
use crate::cluster::{Cluster, NodeIdx, Pod};
use rand::Rng;
use rand_xoshiro::Xoshiro256PlusPlus;
use std::collections::BTreeMap;

/// A Score plugin with its weight.
pub struct WeightedScore {
    /// The plugin.
    pub plugin: Box<dyn ScorePlugin>,
    /// Its weight.
    pub weight: i64,
}

/// A profile, selected by a pod's `spec.schedulerName`.
pub struct Profile {
    /// The schedulerName this profile serves.
    pub scheduler_name: String,
    /// Filter plugins, in order.
    pub filters: Vec<Box<dyn FilterPlugin>>,
    /// Score plugins with weights.
    pub scores: Vec<WeightedScore>,
    /// percentageOfNodesToScore: 0 means kube's adaptive default.
    pub percentage_of_nodes_to_score: u32,
}

/// Buffers reused across cycles so a cycle allocates nothing on the happy path.
#[derive(Default)]
pub struct Scratch {
    feasible: Vec<bool>,
    candidates: Vec<NodeIdx>,
    raw: Vec<i64>,
    totals: Vec<i64>,
    state: CycleState,
    skipped_filters: Vec<bool>,
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
}

impl FitError {
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

impl Profile {
    /// Runs one scheduling cycle for `pod`: filters, scores and picks a node (ties broken
    /// uniformly at random with the scheduler's stream). `next_start` rotates the node
    /// scan as kube's `nextStartNodeIndex` does.
    pub fn schedule(
        &self,
        pod: &Pod,
        cluster: &Cluster,
        rng: &mut Xoshiro256PlusPlus,
        scratch: &mut Scratch,
        next_start: &mut usize,
    ) -> Result<NodeIdx, FitError> {
        let n_nodes = cluster.nodes.len();
        let s = scratch;
        s.state.clear();
        s.feasible.clear();
        s.feasible.extend_from_slice(&cluster.nodes.present);
        let num_all = cluster.nodes.present.iter().filter(|p| **p).count();

        // spec.nodeName bypasses nothing in kube (NodeName filter); honour it here.
        if let Some(name) = &pod.spec.node_name {
            let target = cluster.node_names.get(name).copied();
            for (i, f) in s.feasible.iter_mut().enumerate() {
                *f &= target == Some(NodeIdx(i as u32));
            }
        }

        s.skipped_filters.clear();
        for f in &self.filters {
            let st = f.pre_filter(&mut s.state, pod, cluster);
            match st.code {
                Code::Skip => s.skipped_filters.push(true),
                Code::Success => s.skipped_filters.push(false),
                _ => {
                    return Err(FitError {
                        num_all_nodes: num_all,
                        reasons: st.reasons.iter().map(|r| (r.clone(), num_all)).collect(),
                        unresolvable: st.code == Code::UnschedulableAndUnresolvable,
                    })
                }
            }
        }
        for (f, skipped) in self.filters.iter().zip(&s.skipped_filters) {
            if !skipped {
                f.filter_all(&s.state, pod, cluster, &mut s.feasible);
            }
        }

        // Take the first `to_find` feasible nodes in rotating order, as kube does.
        let to_find = num_feasible_nodes_to_find(self.percentage_of_nodes_to_score, num_all);
        s.candidates.clear();
        let start = if n_nodes == 0 {
            0
        } else {
            *next_start % n_nodes
        };
        let mut examined = 0;
        for k in 0..n_nodes {
            let i = (start + k) % n_nodes;
            examined += 1;
            if s.feasible[i] {
                s.candidates.push(NodeIdx(i as u32));
                if s.candidates.len() >= to_find {
                    break;
                }
            }
        }
        if n_nodes > 0 {
            *next_start = (start + examined) % n_nodes;
        }
        if s.candidates.is_empty() {
            return Err(self.diagnose(pod, cluster, &s.state, &s.skipped_filters, num_all));
        }
        if s.candidates.len() == 1 {
            return Ok(s.candidates[0]);
        }

        s.totals.clear();
        s.totals.resize(s.candidates.len(), 0);
        for ws in &self.scores {
            if ws
                .plugin
                .pre_score(&mut s.state, pod, cluster, &s.candidates)
                .code
                == Code::Skip
            {
                continue;
            }
            s.raw.clear();
            s.raw.resize(s.candidates.len(), 0);
            ws.plugin
                .score_all(&s.state, pod, cluster, &s.candidates, &mut s.raw);
            ws.plugin.normalize_score(&s.state, pod, &mut s.raw);
            for (t, r) in s.totals.iter_mut().zip(&s.raw) {
                assert!(
                    (0..=MAX_NODE_SCORE).contains(r),
                    "plugin {} returned score {r} outside 0..=100",
                    ws.plugin.name()
                );
                *t += r * ws.weight;
            }
        }
        let best = s.totals.iter().copied().max().unwrap_or(0);
        let ties = s.totals.iter().filter(|t| **t == best).count();
        let pick = if ties == 1 {
            0
        } else {
            rng.random_range(0..ties)
        };
        let chosen = s
            .totals
            .iter()
            .zip(&s.candidates)
            .filter(|(t, _)| **t == best)
            .nth(pick)
            .map(|(_, n)| *n)
            .expect("at least one candidate has the best score");
        Ok(chosen)
    }

    /// Builds the FitError by re-running filters per node (slow path, failures only): each
    /// node reports the reasons of the first filter that rejects it.
    fn diagnose(
        &self,
        pod: &Pod,
        cluster: &Cluster,
        state: &CycleState,
        skipped: &[bool],
        num_all: usize,
    ) -> FitError {
        let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
        let mut unresolvable = true;
        for n in cluster.nodes.indices() {
            if !cluster.nodes.present[n.ix()] {
                continue;
            }
            if let Some(name) = &pod.spec.node_name {
                if cluster.nodes.names[n.ix()] != *name {
                    *reasons
                        .entry("node(s) didn't match the requested node name".to_string())
                        .or_default() += 1;
                    continue;
                }
            }
            for (f, skip) in self.filters.iter().zip(skipped) {
                if *skip {
                    continue;
                }
                let st = f.filter(state, pod, cluster, n);
                if !st.is_success() {
                    if st.code != Code::UnschedulableAndUnresolvable {
                        unresolvable = false;
                    }
                    for r in st.reasons {
                        *reasons.entry(r).or_default() += 1;
                    }
                    break;
                }
            }
        }
        FitError {
            num_all_nodes: num_all,
            reasons,
            unresolvable,
        }
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
        };
        assert_eq!(
            e.message(),
            "0/3 nodes are available: 1 node(s) had untolerated taint {a: b}, 2 Insufficient cpu."
        );
    }
}
