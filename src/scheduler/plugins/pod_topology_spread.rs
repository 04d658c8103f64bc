//! PodTopologySpread: hard constraints filter, soft constraints score, with system default
//! constraints, minDomains, matchLabelKeys and nodeAffinityPolicy/nodeTaintsPolicy
//! (pkg/scheduler/framework/plugins/podtopologyspread: filtering.go, scoring.go, common.go).

use super::names;
use super::pod_matching::{
    count_pods_match_memo, count_pods_match_selector, node_affinity_admits, tolerates_node,
    ClassMemo,
};
use crate::cluster::{Cluster, NodeIdx, Owner, Pod};
use crate::model::labels::{LabelSelector, Requirement, SelectorOp};
use crate::model::pod::WhenUnsatisfiable;
use crate::scheduler::framework::{
    CacheMode, Code, CycleState, FilterPlugin, Plugin, ScorePlugin, Status, MAX_NODE_SCORE,
};
use std::collections::BTreeMap;

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

const NO_DOMAIN: u32 = u32::MAX;
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
        let own = &pod.spec.topology_spread_constraints;
        let any = if !own.is_empty() {
            own.iter().any(|c| c.when_unsatisfiable == kind)
        } else {
            matches!(pod.owner, Owner::ReplicaSet(_) | Owner::StatefulSet(_))
                && !pod.labels.is_empty()
                && self
                    .default_constraints
                    .iter()
                    .any(|c| c.when_unsatisfiable == kind)
        };
        if any {
            CacheMode::Unsupported
        } else {
            CacheMode::Skip
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
                    match_labels: pod.labels.clone(),
                    match_expressions: Vec::new(),
                },
                min_domains: 1,
                affinity_honor: true,
                taints_honor: false,
            })
            .collect()
    }
}

/// Per constraint: each node's domain id (or NO_DOMAIN) and the number of domains.
fn intern_domains(cluster: &Cluster, key: &str) -> (Vec<u32>, usize) {
    let mut ids: BTreeMap<&str, u32> = BTreeMap::new();
    let t = &cluster.nodes;
    let mut out = vec![NO_DOMAIN; t.len()];
    for (i, o) in out.iter_mut().enumerate() {
        if !t.present[i] {
            continue;
        }
        if let Some(v) = t.labels[i].get(key) {
            let next = ids.len() as u32;
            *o = *ids.entry(v.as_str()).or_insert(next);
        }
    }
    (out, ids.len())
}

/// Each present node with label `key` as its own domain (its index), for the hostname
/// constraint in scoring.
fn node_domains(cluster: &Cluster, key: &str) -> (Vec<u32>, usize) {
    let t = &cluster.nodes;
    let out = (0..t.len())
        .map(|i| {
            if t.present[i] && t.labels[i].contains_key(key) {
                i as u32
            } else {
                NO_DOMAIN
            }
        })
        .collect();
    (out, t.len())
}

fn has_all_keys(cluster: &Cluster, n: NodeIdx, cs: &[Constraint]) -> bool {
    let labels = &cluster.nodes.labels[n.ix()];
    cs.iter().all(|c| labels.contains_key(&c.key))
}

/// Filter-phase state (kube's preFilterState).
struct FilterState {
    constraints: Vec<Constraint>,
    domain_of: Vec<Vec<u32>>,
    /// Per constraint, per domain: matching pods, or None when no eligible node has it.
    counts: Vec<Vec<Option<i64>>>,
    min_match: Vec<i64>,
    domains_num: Vec<i64>,
    self_match: Vec<i64>,
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

impl FilterPlugin for PodTopologySpread {
    fn filter_cache_mode(&self, pod: &Pod, _cluster: &Cluster) -> CacheMode {
        self.cache_mode(pod, WhenUnsatisfiable::DoNotSchedule)
    }

    fn pre_filter(&self, state: &mut CycleState, pod: &Pod, cluster: &Cluster) -> Status {
        let constraints = self.constraints(pod, WhenUnsatisfiable::DoNotSchedule);
        if constraints.is_empty() {
            return Status::skip();
        }
        let mut domain_of = Vec::with_capacity(constraints.len());
        let mut counts = Vec::with_capacity(constraints.len());
        for c in &constraints {
            let (d, num) = intern_domains(cluster, &c.key);
            domain_of.push(d);
            counts.push(vec![None; num]);
        }
        let mut memos: Vec<ClassMemo> = constraints
            .iter()
            .map(|_| ClassMemo::new(cluster))
            .collect();
        for n in cluster.nodes.indices() {
            if !cluster.nodes.present[n.ix()] || !has_all_keys(cluster, n, &constraints) {
                continue;
            }
            for (k, c) in constraints.iter().enumerate() {
                if !c.includes(pod, cluster, n) {
                    continue;
                }
                let d = domain_of[k][n.ix()] as usize;
                let cnt =
                    count_pods_match_memo(cluster, n, &c.selector, &pod.namespace, &mut memos[k]);
                *counts[k][d].get_or_insert(0) += cnt;
            }
        }
        let min_match = counts
            .iter()
            .map(|cs| {
                cs.iter()
                    .flatten()
                    .copied()
                    .min()
                    .unwrap_or(i32::MAX as i64)
            })
            .collect();
        let domains_num = counts
            .iter()
            .map(|cs| cs.iter().flatten().count() as i64)
            .collect();
        let self_match = constraints
            .iter()
            .map(|c| c.selector.matches(&pod.labels) as i64)
            .collect();
        state.write(
            FILTER_KEY,
            FilterState {
                constraints,
                domain_of,
                counts,
                min_match,
                domains_num,
                self_match,
            },
        );
        Status::success()
    }

    fn filter(&self, state: &CycleState, _pod: &Pod, _cluster: &Cluster, n: NodeIdx) -> Status {
        let Some(s) = state.read::<FilterState>(FILTER_KEY) else {
            return Status::success();
        };
        for (k, c) in s.constraints.iter().enumerate() {
            let d = s.domain_of[k][n.ix()];
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

    /// As `filter` for every node, reading the cycle state once.
    fn filter_all(
        &self,
        state: &CycleState,
        _pod: &Pod,
        _cluster: &Cluster,
        feasible: &mut [bool],
    ) {
        let Some(s) = state.read::<FilterState>(FILTER_KEY) else {
            return;
        };
        for (k, c) in s.constraints.iter().enumerate() {
            let min = if s.domains_num[k] < c.min_domains {
                0
            } else {
                s.min_match[k]
            };
            let counts = &s.counts[k];
            for (f, &d) in feasible.iter_mut().zip(&s.domain_of[k]) {
                *f &= d != NO_DOMAIN
                    && counts[d as usize].unwrap_or(0) + s.self_match[k] - min <= c.max_skew;
            }
        }
    }
}

/// Score-phase state (kube's preScoreState).
struct ScoreState {
    constraints: Vec<Constraint>,
    domain_of: Vec<Vec<u32>>,
    counts: Vec<Vec<i64>>,
    weights: Vec<f64>,
    /// Per node: ignored (lacks a topology key while all keys are required).
    ignored: Vec<bool>,
    /// `ignored` in the order of the scored nodes, for NormalizeScore.
    ignored_in_order: Vec<bool>,
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
        let mut ignored = vec![false; cluster.nodes.len()];
        let mut ignored_in_order = Vec::with_capacity(nodes.len());
        for n in nodes {
            let ig = require_all && !has_all_keys(cluster, *n, &constraints);
            ignored[n.ix()] = ig;
            ignored_in_order.push(ig);
        }
        let scored = nodes.len() - ignored_in_order.iter().filter(|i| **i).count();
        let mut domain_of = Vec::new();
        let mut counts = Vec::new();
        let mut weights = Vec::new();
        for c in &constraints {
            // Scoring counts hostname domains per node and only asks whether a node has the
            // label, so a node's own index serves as its domain id there.
            let (d, num) = if c.key == LABEL_HOSTNAME {
                node_domains(cluster, &c.key)
            } else {
                intern_domains(cluster, &c.key)
            };
            // Domains of the scored nodes only (kube's TopologyPairToPodCounts keys).
            let mut seen = vec![false; num];
            for n in nodes {
                let dn = d[n.ix()];
                if !ignored[n.ix()] && dn != NO_DOMAIN {
                    seen[dn as usize] = true;
                }
            }
            let size = if c.key == LABEL_HOSTNAME {
                scored
            } else {
                seen.iter().filter(|s| **s).count()
            };
            weights.push(((size + 2) as f64).ln());
            let mut cnt = vec![0i64; num];
            let mut memo = ClassMemo::new(cluster);
            if c.key != LABEL_HOSTNAME {
                for n in cluster.nodes.indices() {
                    let i = n.ix();
                    if !cluster.nodes.present[i] {
                        continue;
                    }
                    if require_all && !has_all_keys(cluster, n, &constraints) {
                        continue;
                    }
                    let dn = d[i];
                    if dn == NO_DOMAIN || !seen[dn as usize] || !c.includes(pod, cluster, n) {
                        continue;
                    }
                    cnt[dn as usize] +=
                        count_pods_match_memo(cluster, n, &c.selector, &pod.namespace, &mut memo);
                }
            }
            domain_of.push(d);
            counts.push(cnt);
        }
        state.write(
            SCORE_KEY,
            ScoreState {
                constraints,
                domain_of,
                counts,
                weights,
                ignored,
                ignored_in_order,
            },
        );
        Status::success()
    }

    /// `round(sum over constraints of count × ln(domains + 2) + (maxSkew - 1))`.
    fn score(&self, state: &CycleState, pod: &Pod, cluster: &Cluster, n: NodeIdx) -> i64 {
        let Some(s) = state.read::<ScoreState>(SCORE_KEY) else {
            return 0;
        };
        if s.ignored[n.ix()] {
            return 0;
        }
        let mut score = 0.0;
        for (k, c) in s.constraints.iter().enumerate() {
            let d = s.domain_of[k][n.ix()];
            if d == NO_DOMAIN {
                continue;
            }
            let cnt = if c.key == LABEL_HOSTNAME {
                count_pods_match_selector(cluster, n, &c.selector, &pod.namespace)
            } else {
                s.counts[k][d as usize]
            };
            score += cnt as f64 * s.weights[k] + (c.max_skew - 1) as f64;
        }
        score.round() as i64
    }

    /// As `score` for every node, with the hostname constraints' selector verdicts
    /// memoised per label class.
    fn score_all(
        &self,
        state: &CycleState,
        pod: &Pod,
        cluster: &Cluster,
        nodes: &[NodeIdx],
        out: &mut [i64],
    ) {
        let Some(s) = state.read::<ScoreState>(SCORE_KEY) else {
            out.fill(0);
            return;
        };
        let mut memos: Vec<ClassMemo> = s
            .constraints
            .iter()
            .map(|_| ClassMemo::new(cluster))
            .collect();
        for (o, n) in out.iter_mut().zip(nodes) {
            if s.ignored[n.ix()] {
                *o = 0;
                continue;
            }
            let mut score = 0.0;
            for (k, c) in s.constraints.iter().enumerate() {
                let d = s.domain_of[k][n.ix()];
                if d == NO_DOMAIN {
                    continue;
                }
                let cnt = if c.key == LABEL_HOSTNAME {
                    count_pods_match_memo(cluster, *n, &c.selector, &pod.namespace, &mut memos[k])
                } else {
                    s.counts[k][d as usize]
                };
                score += cnt as f64 * s.weights[k] + (c.max_skew - 1) as f64;
            }
            *o = score.round() as i64;
        }
    }

    /// Fewer matching pods is better: `100 × (max + min - s) / max`; ignored nodes get 0.
    fn normalize_score(&self, state: &CycleState, _pod: &Pod, scores: &mut [i64]) {
        let Some(s) = state.read::<ScoreState>(SCORE_KEY) else {
            return;
        };
        let mut min = i64::MAX;
        let mut max = i64::MIN;
        for (sc, ig) in scores.iter().zip(&s.ignored_in_order) {
            if !ig {
                min = min.min(*sc);
                max = max.max(*sc);
            }
        }
        for (sc, ig) in scores.iter_mut().zip(&s.ignored_in_order) {
            if *ig {
                *sc = 0;
            } else if max == 0 {
                *sc = MAX_NODE_SCORE;
            } else {
                *sc = MAX_NODE_SCORE * (max + min - *sc) / max;
            }
        }
    }
}
