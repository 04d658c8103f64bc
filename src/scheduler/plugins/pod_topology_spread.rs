//! PodTopologySpread: hard constraints filter, soft constraints score, with system default
//! constraints, minDomains, matchLabelKeys and nodeAffinityPolicy/nodeTaintsPolicy
//! (pkg/scheduler/framework/plugins/podtopologyspread: filtering.go, scoring.go, common.go).

use super::names;
use super::normalize::round_non_negative;
use super::pod_matching::{
    class_pods_on, node_affinity_admits, selector_classes, tolerates_node, Domains,
};
use crate::cluster::count_row::CountRow;
use crate::cluster::topology::NO_DOMAIN;
use crate::cluster::{Cluster, NodeIdx, Owner, Pod};
use crate::model::labels::{LabelSelector, Requirement, SelectorOp};
use crate::model::pod::WhenUnsatisfiable;
use crate::scheduler::framework::{
    CacheMode, Code, CycleState, FilterPlugin, Plugin, ScorePlugin, Status, MAX_NODE_SCORE,
};

/// kube's reason for a node without the topology key.
pub const ERR_REASON_NODE_LABEL_NOT_MATCH: &str =
    "node(s) didn't match pod topology spread constraints (missing required label)";
/// kube's reason for a skew violation.
pub const ERR_REASON_CONSTRAINTS_NOT_MATCH: &str =
    "node(s) didn't match pod topology spread constraints";
/// `kubernetes.io/hostname`.
pub const LABEL_HOSTNAME: &str = "kubernetes.io/hostname";
/// `topology.kubernetes.io/zone`.
pub const LABEL_ZONE: &str = "topology.kubernetes.io/zone";

const FILTER_KEY: &str = "PreFilterPodTopologySpread";
const SCORE_KEY: &str = "PreScorePodTopologySpread";

/// A default constraint from the plugin args (no selector: it comes from the pod's owner).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefaultConstraint {
    /// maxSkew.
    pub max_skew: i32,
    /// topologyKey.
    pub topology_key: String,
    /// whenUnsatisfiable.
    pub when_unsatisfiable: WhenUnsatisfiable,
}

/// The PodTopologySpread plugin.
#[derive(Debug, Clone)]
pub struct PodTopologySpread {
    /// Constraints applied to pods that have none.
    pub default_constraints: Vec<DefaultConstraint>,
    /// True when the defaults are kube's system defaults (`defaultingType: System`).
    pub system_defaulted: bool,
}

impl Default for PodTopologySpread {
    /// `defaultingType: System`: hostname maxSkew 3, zone maxSkew 5, both ScheduleAnyway.
    fn default() -> Self {
        PodTopologySpread {
            default_constraints: vec![
                DefaultConstraint {
                    max_skew: 3,
                    topology_key: LABEL_HOSTNAME.into(),
                    when_unsatisfiable: WhenUnsatisfiable::ScheduleAnyway,
                },
                DefaultConstraint {
                    max_skew: 5,
                    topology_key: LABEL_ZONE.into(),
                    when_unsatisfiable: WhenUnsatisfiable::ScheduleAnyway,
                },
            ],
            system_defaulted: true,
        }
    }
}

/// A constraint as the plugin evaluates it.
#[derive(Debug, Clone)]
struct Constraint {
    max_skew: i64,
    key: String,
    selector: LabelSelector,
    min_domains: i64,
    affinity_honor: bool,
    taints_honor: bool,
}

impl Constraint {
    fn includes(&self, pod: &Pod, cluster: &Cluster, n: NodeIdx) -> bool {
        (!self.affinity_honor || node_affinity_admits(pod, cluster, n))
            && (!self.taints_honor || tolerates_node(pod, cluster, n))
    }
}

impl PodTopologySpread {
    /// Skip exactly when [`Self::constraints`] would be empty, without building them.
    fn cache_mode(&self, pod: &Pod, kind: WhenUnsatisfiable) -> CacheMode {
        // Same rule as PreFilter/PreScore's Skip; an empty Vec does not allocate.
        if self.constraints(pod, kind).is_empty() {
            CacheMode::Skip
        } else {
            CacheMode::Unsupported
        }
    }

    /// The pod's constraints of kind `kind`, or the defaults when it has none (with the
    /// owner's selector: the pod's labels when a ReplicaSet or StatefulSet owns it, as
    /// kube's `DefaultSelector` takes the owner's selector; no owner, no defaults).
    fn constraints(&self, pod: &Pod, kind: WhenUnsatisfiable) -> Vec<Constraint> {
        let own = &pod.spec.topology_spread_constraints;
        if !own.is_empty() {
            return own
                .iter()
                .filter(|c| c.when_unsatisfiable == kind)
                .map(|c| {
                    let mut selector = c.label_selector.clone();
                    for k in &c.match_label_keys {
                        if let Some(v) = pod.labels.get(k) {
                            selector.match_expressions.push(Requirement {
                                key: k.clone(),
                                op: SelectorOp::In,
                                values: vec![v.clone()],
                            });
                        }
                    }
                    Constraint {
                        max_skew: c.max_skew as i64,
                        key: c.topology_key.clone(),
                        selector,
                        min_domains: c.min_domains.unwrap_or(1) as i64,
                        affinity_honor: c.node_affinity_honor,
                        taints_honor: c.node_taints_honor,
                    }
                })
                .collect();
        }
        if !matches!(pod.owner, Owner::ReplicaSet(_) | Owner::StatefulSet(_))
            || pod.labels.is_empty()
        {
            return Vec::new();
        }
        self.default_constraints
            .iter()
            .filter(|c| c.when_unsatisfiable == kind)
            .map(|c| Constraint {
                max_skew: c.max_skew as i64,
                key: c.topology_key.clone(),
                selector: LabelSelector {
                    match_labels: (*pod.labels).clone(),
                    match_expressions: Vec::new(),
                },
                min_domains: 1,
                affinity_honor: true,
                taints_honor: false,
            })
            .collect()
    }
}

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

impl Plugin for PodTopologySpread {
    fn name(&self) -> &'static str {
        names::POD_TOPOLOGY_SPREAD
    }
    fn as_filter(&self) -> Option<&dyn FilterPlugin> {
        Some(self)
    }
    fn as_score(&self) -> Option<&dyn ScorePlugin> {
        Some(self)
    }
}

/// The label classes of pods in `ns` matching `selector`.
fn selected_classes(cluster: &Cluster, selector: &LabelSelector, ns: &str) -> Vec<u32> {
    selector_classes(cluster, selector, ns)
}

/// True if every present node is in one of the domains of each of `domains`.
fn keys_everywhere(cluster: &Cluster, domains: &[Domains]) -> bool {
    let present = cluster.topology().present_nodes;
    domains
        .iter()
        .all(|d| d.get(cluster).nodes_with_key == present)
}

/// True if the node inclusion policies admit every node for `pod` (no node affinity or
/// nodeSelector to honor, no taints to honor), so counts may be summed per domain.
fn includes_all(c: &Constraint, pod: &Pod, cluster: &Cluster) -> bool {
    let s = &pod.spec;
    (!c.affinity_honor || s.node_selector.is_empty() && s.affinity.node.required.is_none())
        && (!c.taints_honor || cluster.nodes().taint_count() == 0)
}

/// True if node `i` is in a domain of each of `domains` (present with all the keys).
fn has_all_keys(cluster: &Cluster, domains: &[Domains], i: usize) -> bool {
    domains
        .iter()
        .all(|d| d.get(cluster).domain_of[i] != NO_DOMAIN)
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
