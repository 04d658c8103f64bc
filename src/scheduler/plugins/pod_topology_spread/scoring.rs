//! PodTopologySpread's Score phase: per node, the matching pods of each soft constraint's
//! domain weighted by the domain count, then NormalizeScore (scoring.go).

use super::{
    has_all_keys, includes_all, keys_everywhere, selected_classes, Constraint, PodTopologySpread,
    LABEL_HOSTNAME,
};
use crate::cluster::count_row::CountRow;
use crate::cluster::topology::NO_DOMAIN;
use crate::cluster::{Cluster, NodeIdx, Pod};
use crate::model::pod::WhenUnsatisfiable;
use crate::scheduler::framework::{CacheMode, CycleState, ScorePlugin, Status, MAX_NODE_SCORE};
use crate::scheduler::plugins::normalize::round_non_negative;
use crate::scheduler::plugins::pod_matching::{class_pods_on, Domains};

const SCORE_KEY: &str = "PreScorePodTopologySpread";

/// Score-phase state (kube's preScoreState).
struct ScoreState {
    constraints: Vec<Constraint>,
    domains: Vec<Domains>,
    /// Per constraint: the label classes its selector matches.
    classes: Vec<Vec<u32>>,
    /// Per constraint: its key is the hostname (counts are per node, not per domain).
    hostname: Vec<bool>,
    counts: Vec<Vec<i64>>,
    weights: Vec<f64>,
    /// Nodes lacking a topology key are ignored (scored 0): the pod has constraints of its
    /// own or the defaults are not the system ones.
    require_all: bool,
    /// Per scored node, in order: ignored; empty when `require_all` is false.
    ignored_in_order: Vec<bool>,
}

/// One constraint of [`ScoreState`] resolved for a pass over nodes.
struct ScoreColumn<'a> {
    domain_of: &'a [u32],
    term: TermSource<'a>,
}

/// Where a constraint's term `count × weight + (maxSkew - 1)` of a node comes from.
enum TermSource<'a> {
    /// Hostname: the node's own matching pods, one count row per label class.
    PerNode {
        rows: Vec<&'a CountRow>,
        weight: f64,
        base: f64,
    },
    /// Any other key: the term of each domain, computed once.
    PerDomain(Vec<f64>),
}

impl ScoreState {
    /// `round(sum over constraints of count × weight + (maxSkew - 1))` for node `n`;
    /// hostname constraints count the matching pods on the node itself.
    fn node_score(&self, cluster: &Cluster, n: NodeIdx) -> i64 {
        if self.is_ignored(cluster, n) {
            return 0;
        }
        let mut score = 0.0;
        for (k, c) in self.constraints.iter().enumerate() {
            let d = self.domains[k].get(cluster).domain_of[n.ix()];
            if d == NO_DOMAIN {
                continue;
            }
            let cnt = if self.hostname[k] {
                class_pods_on(cluster, &self.classes[k], n)
            } else {
                self.counts[k][d as usize]
            };
            score += cnt as f64 * self.weights[k] + (c.max_skew - 1) as f64;
        }
        score.round() as i64
    }

    /// True if node `n` lacks a topology key while all keys are required.
    fn is_ignored(&self, cluster: &Cluster, n: NodeIdx) -> bool {
        self.require_all && !has_all_keys(cluster, &self.domains, n.ix())
    }

    /// The constraints resolved against `cluster` for [`Self::scores_into`].
    fn columns<'a>(&'a self, cluster: &'a Cluster) -> Vec<ScoreColumn<'a>> {
        self.constraints
            .iter()
            .enumerate()
            .map(|(k, c)| {
                let (weight, base) = (self.weights[k], (c.max_skew - 1) as f64);
                let term = if self.hostname[k] {
                    let rows = &cluster.topology().class_node;
                    TermSource::PerNode {
                        rows: self.classes[k]
                            .iter()
                            .filter_map(|c| rows.get(*c as usize))
                            .collect(),
                        weight,
                        base,
                    }
                } else {
                    TermSource::PerDomain(
                        self.counts[k]
                            .iter()
                            .map(|x| *x as f64 * weight + base)
                            .collect(),
                    )
                };
                ScoreColumn {
                    domain_of: &self.domains[k].get(cluster).domain_of,
                    term,
                }
            })
            .collect()
    }

    /// [`Self::node_score`] of every node of `nodes` into `out`, in one pass: each node's
    /// terms are the same `f64` expressions added in the same order, so the sums and their
    /// rounding are bit-identical to `node_score`'s.
    fn scores_into(&self, cluster: &Cluster, nodes: &[NodeIdx], out: &mut [i64]) {
        let columns = self.columns(cluster);
        for (o, n) in out.iter_mut().zip(nodes) {
            let i = n.ix();
            if self.is_ignored(cluster, *n) {
                *o = 0;
                continue;
            }
            let mut sum = 0.0f64;
            for col in &columns {
                let d = col.domain_of[i];
                if d == NO_DOMAIN {
                    continue;
                }
                sum += match &col.term {
                    TermSource::PerNode { rows, weight, base } => {
                        let cnt: i64 = rows.iter().map(|r| r.get(i) as i64).sum();
                        cnt as f64 * weight + base
                    }
                    TermSource::PerDomain(terms) => terms[d as usize],
                };
            }
            *o = round_non_negative(sum);
        }
    }
}

impl ScorePlugin for PodTopologySpread {
    fn score_cache_mode(&self, pod: &Pod, _cluster: &Cluster) -> CacheMode {
        self.cache_mode(pod, WhenUnsatisfiable::ScheduleAnyway)
    }

    fn pre_score(
        &self,
        state: &mut CycleState,
        pod: &Pod,
        cluster: &Cluster,
        nodes: &[NodeIdx],
    ) -> Status {
        let constraints = self.constraints(pod, WhenUnsatisfiable::ScheduleAnyway);
        if constraints.is_empty() {
            return Status::skip();
        }
        let require_all =
            !pod.spec.topology_spread_constraints.is_empty() || !self.system_defaulted;
        let domains: Vec<Domains> = constraints
            .iter()
            .map(|c| Domains::new(cluster, &c.key))
            .collect();
        let ignored_in_order: Vec<bool> = if require_all {
            nodes
                .iter()
                .map(|n| !has_all_keys(cluster, &domains, n.ix()))
                .collect()
        } else {
            Vec::new()
        };
        let is_ignored = |pos: usize| ignored_in_order.get(pos).copied().unwrap_or(false);
        let scored = nodes.len() - ignored_in_order.iter().filter(|i| **i).count();
        let everywhere = !require_all || keys_everywhere(cluster, &domains);
        let mut classes = Vec::new();
        let mut counts = Vec::new();
        let mut weights = Vec::new();
        let hostname: Vec<bool> = constraints
            .iter()
            .map(|c| c.key == LABEL_HOSTNAME)
            .collect();
        for (c, dom) in constraints.iter().zip(&domains) {
            let cls = selected_classes(cluster, &c.selector, &pod.namespace);
            if c.key == LABEL_HOSTNAME {
                // Scoring counts hostname domains per node (in `node_score`).
                weights.push(((scored + 2) as f64).ln());
                classes.push(cls);
                counts.push(Vec::new());
                continue;
            }
            let k = dom.get(cluster);
            // Domains of the scored nodes only (kube's TopologyPairToPodCounts keys).
            let mut seen = vec![false; k.domain_count()];
            for (pos, n) in nodes.iter().enumerate() {
                let dn = k.domain_of[n.ix()];
                if !is_ignored(pos) && dn != NO_DOMAIN {
                    seen[dn as usize] = true;
                }
            }
            let size = seen.iter().filter(|s| **s).count();
            weights.push(((size + 2) as f64).ln());
            let cnt = if dom.is_indexed() && everywhere && includes_all(c, pod, cluster) {
                let mut sums = dom.counts(cluster, &cls);
                for (v, s) in sums.iter_mut().zip(&seen) {
                    if !s {
                        *v = 0;
                    }
                }
                sums
            } else {
                let mut cnt = vec![0i64; k.domain_count()];
                for n in cluster.nodes().indices() {
                    let i = n.ix();
                    if require_all && !has_all_keys(cluster, &domains, i) {
                        continue;
                    }
                    let dn = k.domain_of[i];
                    if dn == NO_DOMAIN || !seen[dn as usize] || !c.includes(pod, cluster, n) {
                        continue;
                    }
                    cnt[dn as usize] += class_pods_on(cluster, &cls, n);
                }
                cnt
            };
            classes.push(cls);
            counts.push(cnt);
        }
        state.write(
            SCORE_KEY,
            ScoreState {
                constraints,
                domains,
                classes,
                hostname,
                counts,
                weights,
                require_all,
                ignored_in_order,
            },
        );
        Status::success()
    }

    /// `round(sum over constraints of count × ln(domains + 2) + (maxSkew - 1))`.
    fn score(&self, state: &CycleState, _pod: &Pod, cluster: &Cluster, n: NodeIdx) -> i64 {
        match state.read::<ScoreState>(SCORE_KEY) {
            Some(s) => s.node_score(cluster, n),
            None => 0,
        }
    }

    /// As `score` for every node, reading the cycle state once.
    fn score_all(
        &self,
        state: &CycleState,
        _pod: &Pod,
        cluster: &Cluster,
        nodes: &[NodeIdx],
        out: &mut [i64],
    ) {
        let Some(s) = state.read::<ScoreState>(SCORE_KEY) else {
            out.fill(0);
            return;
        };
        s.scores_into(cluster, nodes, out);
    }

    /// Fewer matching pods is better: `100 × (max + min - s) / max`; ignored nodes get 0.
    fn normalize_score(&self, state: &CycleState, _pod: &Pod, scores: &mut [i64]) {
        let Some(s) = state.read::<ScoreState>(SCORE_KEY) else {
            return;
        };
        let ignored = |pos: usize| s.ignored_in_order.get(pos).copied().unwrap_or(false);
        let (mut min, mut max) = (i64::MAX, i64::MIN);
        for (pos, sc) in scores.iter().enumerate() {
            if !ignored(pos) {
                min = min.min(*sc);
                max = max.max(*sc);
            }
        }
        let normalized = NormalizedScores::new(min, max);
        for (pos, sc) in scores.iter_mut().enumerate() {
            *sc = if ignored(pos) { 0 } else { normalized.of(*sc) };
        }
    }
}

/// Raw scores are few distinct small integers in `[min, max]`: their normalised values
/// `100 × (max + min - s) / max` are computed once each (a table) instead of dividing per
/// node, unless the range is wide.
struct NormalizedScores {
    min: i64,
    max: i64,
    table: Vec<i64>,
}

impl NormalizedScores {
    /// Widest range of raw scores given a table.
    const MAX_TABLE: i64 = 4096;

    fn new(min: i64, max: i64) -> NormalizedScores {
        let table = if max > 0 && min <= max && max - min < Self::MAX_TABLE {
            (min..=max)
                .map(|v| MAX_NODE_SCORE * (max + min - v) / max)
                .collect()
        } else {
            Vec::new()
        };
        NormalizedScores { min, max, table }
    }

    /// The normalised score of raw score `raw` (in `[min, max]`).
    fn of(&self, raw: i64) -> i64 {
        if self.max == 0 {
            MAX_NODE_SCORE
        } else if let Some(v) = self.table.get((raw - self.min) as usize) {
            *v
        } else {
            MAX_NODE_SCORE * (self.max + self.min - raw) / self.max
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table gives what the division gives (scoring.go's NormalizeScore:
    /// `MaxNodeScore * (maxScore + minScore - s) / maxScore`), for narrow ranges (table)
    /// and wide ones (division), and 100 everywhere when every raw score is 0.
    #[test]
    fn normalized_scores_match_the_division() {
        for (min, max) in [
            (0, 0),
            (0, 1),
            (3, 3),
            (2, 17),
            (5, 5000),
            (0, 9000),
            (7, 4102),
        ] {
            let n = NormalizedScores::new(min, max);
            for raw in min..=max {
                let want = if max == 0 {
                    MAX_NODE_SCORE
                } else {
                    MAX_NODE_SCORE * (max + min - raw) / max
                };
                assert_eq!(n.of(raw), want, "min {min} max {max} raw {raw}");
            }
        }
        // (2, 17): raw 2 → 100 × 17 / 17 = 100; raw 17 → 100 × 2 / 17 = 11.
        let n = NormalizedScores::new(2, 17);
        assert_eq!((n.of(2), n.of(17)), (100, 11));
        assert!(NormalizedScores::new(0, 9000).table.is_empty());
    }
}
