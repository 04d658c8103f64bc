//! The score cache: a fast path of [`Profile::schedule`](super::profile::Profile::schedule)
//! for pods whose whole cycle reduces to per-node functions, e.g. a plain pod under the
//! default profile (NodeUnschedulable + NodeResourcesFit filters, NodeResourcesFit +
//! BalancedAllocation scores, every other plugin skipped).
//!
//! **When it decides.** Each plugin reports a [`CacheMode`] for the pod: every filter must
//! be `Skip` or `PerNode`, every score `Skip`, `Constant` or `PerNode`. Then the weighted
//! total of node `n` is `Σ weight × score(n)` over the `PerNode` scores plus a constant,
//! and whether `n` is feasible is `present(n) ∧ ⋀ filter(n)` over the `PerNode` filters;
//! both depend only on the pod's *shape* (requests, non-zero requests, tolerations, and
//! the set of `PerNode` plugins with their weights) and on node `n`'s own state.
//!
//! **When it helps.** Otherwise (PodTopologySpread — which every ReplicaSet pod has
//! through the system default constraints —, InterPodAffinity, ImageLocality once the
//! pod's image is on some node) the cache still serves the cycle's per-node part: the
//! entry of the pod's `PerNode` plugins is brought up to date and handed to
//! [`super::cycle::run`], which runs only the other plugins on top of it
//! ([`CacheAnswer::Partial`]; see that module for why the result is the same).
//!
//! **What it keeps.** Per shape (at most [`MAX_SHAPES`], least recently used evicted; a
//! shape is cached the second time it is seen, so shapes that never repeat cost one
//! comparison), each node's total or "infeasible"/"absent", and a segment tree over node
//! indices holding per subtree (max total, number of nodes at the max, number of feasible
//! nodes). `Cluster::node_changes` logs every node mutation; before use, the entry
//! re-evaluates the nodes logged since it was last brought up to date (all nodes when the
//! log was trimmed past it, the node count changed, or it comes from another cluster).
//!
//! **Why the result is identical.** The full path takes the first `numFeasibleNodesToFind`
//! feasible nodes in rotating order from `next_start`, sums the normalised weighted scores,
//! and picks the `k`-th node (in that candidate order) among those with the best total,
//! `k = rng.random_range(0..ties)` drawn only when `ties > 1`. Here the tree finds the same
//! last candidate (the `to_find`-th feasible node in rotating order, by descending the
//! feasible counts), hence the same `next_start`; the candidates are the feasible nodes of
//! the rotating window `[start, start + examined)`, at most two index ranges; the maximum
//! and the number of ties over those ranges equal the full path's because the cached
//! totals differ from its totals by the same constant on every node (skipped and
//! `Constant` plugins); the RNG is drawn under the same condition with the same bound, and
//! the `k`-th tied node in rotating order is found by descending the tree. A pod that fits
//! nowhere takes the full path, which builds the FitError. `k8sim explain` always takes
//! the full path. `tests/scheduler_equivalence.rs` checks all of this against a reference
//! cycle across sequences of binds, unbinds, cordons and taint changes.

use super::cycle::Precomputed;
use super::framework::{CacheMode, CycleState, Plugin, MAX_NODE_SCORE};
use super::max_tree::{MaxTree, INFEASIBLE};
use super::profile::{num_feasible_nodes_to_find, Profile};
use crate::cluster::{Cluster, NodeIdx, Pod};
use crate::model::labels::Toleration;
use crate::model::resources::Resources;
use rand::Rng;
use rand_xoshiro::Xoshiro256PlusPlus;
use std::sync::Arc;

/// Most shapes cached at once.
pub const MAX_SHAPES: usize = 8;
/// Most shapes remembered as seen once (not yet cached).
const MAX_SEEN: usize = 32;
/// Leaf value of a removed node.
const ABSENT: i64 = -2;

/// Which plugins of the profile the pod's cycle runs per node, and which it must run in
/// the cycle itself (indices into `Profile::filters` and `Profile::scores`).
#[derive(Default)]
struct Plan {
    filters: Vec<usize>,
    scores: Vec<usize>,
    rest_filters: Vec<usize>,
    rest_scores: Vec<usize>,
}

/// What the cache can do for a pod.
pub enum CacheAnswer<'a> {
    /// The decision, exactly as the full cycle would take it.
    Decided(NodeIdx),
    /// The per-node part of the cycle; the rest is for [`super::cycle::run`].
    Partial(Precomputed<'a>),
    /// Nothing: the full cycle decides (`rng` and `next_start` untouched).
    NotApplicable,
}

/// What the per-node results depend on besides the nodes. The plugins are kept (not just
/// their addresses) so that an address cannot be reused by another plugin while cached.
struct Shape {
    requests: Resources,
    nonzero: [i64; 2],
    tolerations: Vec<Toleration>,
    filters: Vec<Arc<dyn Plugin>>,
    scores: Vec<(Arc<dyn Plugin>, i64)>,
}

fn same_plugin(a: &Arc<dyn Plugin>, b: &Arc<dyn Plugin>) -> bool {
    std::ptr::addr_eq(Arc::as_ptr(a), Arc::as_ptr(b))
}

impl Shape {
    fn new(pod: &Pod, profile: &Profile, plan: &Plan) -> Shape {
        Shape {
            requests: pod.spec.requests,
            nonzero: pod.spec.nonzero_requests,
            tolerations: pod.spec.tolerations.clone(),
            filters: plan
                .filters
                .iter()
                .map(|i| profile.filters[*i].clone())
                .collect(),
            scores: plan
                .scores
                .iter()
                .map(|i| (profile.scores[*i].plugin.clone(), profile.scores[*i].weight))
                .collect(),
        }
    }

    fn matches(&self, pod: &Pod, profile: &Profile, plan: &Plan) -> bool {
        self.requests == pod.spec.requests
            && self.nonzero == pod.spec.nonzero_requests
            && self.filters.len() == plan.filters.len()
            && self.scores.len() == plan.scores.len()
            && self
                .filters
                .iter()
                .zip(&plan.filters)
                .all(|(f, i)| same_plugin(f, &profile.filters[*i]))
            && self.scores.iter().zip(&plan.scores).all(|((s, w), i)| {
                same_plugin(s, &profile.scores[*i].plugin) && *w == profile.scores[*i].weight
            })
            && self.tolerations == pod.spec.tolerations
    }
}

/// One cached shape: per node its total (or [`INFEASIBLE`] / [`ABSENT`]) and the tree.
struct Entry {
    shape: Shape,
    log_id: u64,
    seq: u64,
    leaves: Vec<i64>,
    present: usize,
    tree: MaxTree,
    last_used: u64,
}

/// How much work the cache did, for tests and benches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Decisions taken from the cache.
    pub decisions: u64,
    /// Entries filled from scratch (new shape, trimmed log, node count change).
    pub rebuilds: u64,
    /// Nodes re-evaluated one by one from the change log.
    pub node_updates: u64,
    /// Cycles run on top of the cached per-node results (pods with some plugin that is
    /// not per-node).
    pub partial: u64,
}

/// The cache (lives in the scheduler's `Scratch`).
#[derive(Default)]
pub struct ScoreCache {
    stats: CacheStats,
    entries: Vec<Entry>,
    seen: Vec<Shape>,
    clock: u64,
    plan: Plan,
    state: CycleState,
    feasible: Vec<bool>,
    candidates: Vec<NodeIdx>,
    raw: Vec<i64>,
}

impl ScoreCache {
    /// Work done so far.
    pub fn stats(&self) -> CacheStats {
        self.stats
    }

    /// Decides for `pod` through the cache, exactly as the full path would (same node,
    /// same RNG draws, same `next_start`), or hands back the per-node part of the cycle
    /// when some plugin is not per-node for this pod (spread, affinity, ImageLocality,
    /// ...), or nothing when the shape is not cached or no node passes its filters.
    pub fn schedule(
        &mut self,
        profile: &Profile,
        pod: &Pod,
        cluster: &Cluster,
        rng: &mut Xoshiro256PlusPlus,
        next_start: &mut usize,
    ) -> CacheAnswer<'_> {
        let n_nodes = cluster.nodes().len();
        if n_nodes == 0 {
            return CacheAnswer::NotApplicable;
        }
        self.plan(profile, pod, cluster);
        self.clock += 1;
        let e = match self
            .entries
            .iter()
            .position(|e| e.shape.matches(pod, profile, &self.plan))
        {
            Some(e) => e,
            None => {
                let Some(seen) = self
                    .seen
                    .iter()
                    .position(|s| s.matches(pod, profile, &self.plan))
                else {
                    if self.seen.len() == MAX_SEEN {
                        self.seen.remove(0);
                    }
                    self.seen.push(Shape::new(pod, profile, &self.plan));
                    return CacheAnswer::NotApplicable;
                };
                let shape = self.seen.remove(seen);
                self.insert(shape)
            }
        };
        self.refresh(e, profile, pod, cluster);
        let entry = &mut self.entries[e];
        entry.last_used = self.clock;
        let tree = &entry.tree;
        let feasible = tree.feasible();
        if feasible == 0 {
            return CacheAnswer::NotApplicable;
        }
        if !self.plan.rest_filters.is_empty() || !self.plan.rest_scores.is_empty() {
            self.stats.partial += 1;
            return CacheAnswer::Partial(Precomputed {
                leaves: &entry.leaves,
                filters: &self.plan.rest_filters,
                scores: &self.plan.rest_scores,
            });
        }
        let to_find =
            num_feasible_nodes_to_find(profile.percentage_of_nodes_to_score, entry.present);
        let start = *next_start % n_nodes;
        let examined = if feasible >= to_find {
            let before = tree.feasible_before(start);
            let k = (before + to_find - 1) % feasible;
            let last = tree.kth_feasible(k);
            (last + n_nodes - start) % n_nodes + 1
        } else {
            n_nodes
        };
        *next_start = (start + examined) % n_nodes;
        let end = start + examined;
        let ranges = [(start, end.min(n_nodes)), (0, end.saturating_sub(n_nodes))];
        let (mut best, mut ties) = (INFEASIBLE, 0);
        let mut candidates = 0;
        for (l, r) in ranges {
            if l >= r {
                continue;
            }
            candidates += tree.feasible_before(r) - tree.feasible_before(l);
            let (m, c) = tree.range_max(l, r);
            if m > best {
                (best, ties) = (m, c);
            } else if m == best {
                ties += c;
            }
        }
        self.stats.decisions += 1;
        let mut k = if candidates == 1 || ties == 1 {
            0
        } else {
            rng.random_range(0..ties)
        };
        let chosen = ranges
            .iter()
            .filter(|(l, r)| l < r)
            .find_map(|(l, r)| tree.kth_best(*l, *r, best, &mut k))
            .expect("a feasible candidate has the best total");
        CacheAnswer::Decided(NodeIdx(chosen as u32))
    }

    /// Fills `self.plan` with the pod's per-node plugins and the ones its cycle must run
    /// itself (a `Constant` filter is run, a `Constant` score left out: it adds the same
    /// to every node).
    fn plan(&mut self, profile: &Profile, pod: &Pod, cluster: &Cluster) {
        let plan = &mut self.plan;
        plan.filters.clear();
        plan.scores.clear();
        plan.rest_filters.clear();
        plan.rest_scores.clear();
        for (i, f) in profile.filters.iter().enumerate() {
            match f
                .as_filter()
                .expect("filter plugin")
                .filter_cache_mode(pod, cluster)
            {
                CacheMode::Skip => {}
                CacheMode::PerNode => plan.filters.push(i),
                CacheMode::Constant | CacheMode::Unsupported => plan.rest_filters.push(i),
            }
        }
        for (i, ws) in profile.scores.iter().enumerate() {
            match ws
                .plugin
                .as_score()
                .expect("score plugin")
                .score_cache_mode(pod, cluster)
            {
                CacheMode::Skip | CacheMode::Constant => {}
                CacheMode::PerNode => plan.scores.push(i),
                CacheMode::Unsupported => plan.rest_scores.push(i),
            }
        }
    }

    /// Caches `shape` (evicting the least recently used entry when full); returns its
    /// index. The entry is filled by the next [`Self::refresh`].
    fn insert(&mut self, shape: Shape) -> usize {
        let entry = Entry {
            shape,
            log_id: 0,
            seq: 0,
            leaves: Vec::new(),
            present: 0,
            tree: MaxTree::default(),
            last_used: self.clock,
        };
        if self.entries.len() < MAX_SHAPES {
            self.entries.push(entry);
            return self.entries.len() - 1;
        }
        let lru = (0..self.entries.len())
            .min_by_key(|i| self.entries[*i].last_used)
            .expect("the cache is full");
        self.entries[lru] = entry;
        lru
    }

    /// Brings entry `e` up to date with the cluster.
    fn refresh(&mut self, e: usize, profile: &Profile, pod: &Pod, cluster: &Cluster) {
        let log = &cluster.node_changes();
        let n_nodes = cluster.nodes().len();
        let entry = &self.entries[e];
        let dirty = (entry.log_id == log.id() && entry.leaves.len() == n_nodes)
            .then(|| log.since(entry.seq))
            .flatten()
            .filter(|d| d.len() <= n_nodes / 8);
        match dirty {
            Some(dirty) => {
                let entry = &mut self.entries[e];
                self.stats.node_updates += dirty.len() as u64;
                for n in dirty {
                    let v = node_value(&self.state, &self.plan, profile, pod, cluster, *n);
                    let old = std::mem::replace(&mut entry.leaves[n.ix()], v);
                    if old != v {
                        entry.present =
                            entry.present + (v != ABSENT) as usize - (old != ABSENT) as usize;
                        entry.tree.update(n.ix(), v);
                    }
                }
            }
            None => self.rebuild(e, profile, pod, cluster),
        }
        let entry = &mut self.entries[e];
        entry.log_id = log.id();
        entry.seq = log.seq();
    }

    /// Re-evaluates every node of entry `e` with the plugins' batch paths.
    fn rebuild(&mut self, e: usize, profile: &Profile, pod: &Pod, cluster: &Cluster) {
        self.stats.rebuilds += 1;
        let t = &cluster.nodes();
        self.feasible.clear();
        self.feasible.extend_from_slice(t.present());
        for i in &self.plan.filters {
            profile.filters[*i]
                .as_filter()
                .expect("filter plugin")
                .filter_all(&self.state, pod, cluster, &mut self.feasible);
        }
        self.candidates.clear();
        self.candidates.extend(
            self.feasible
                .iter()
                .enumerate()
                .filter(|(_, f)| **f)
                .map(|(i, _)| NodeIdx(i as u32)),
        );
        let entry = &mut self.entries[e];
        entry.leaves.clear();
        entry.leaves.extend(
            t.present()
                .iter()
                .map(|p| if *p { INFEASIBLE } else { ABSENT }),
        );
        entry.present = t.present().iter().filter(|p| **p).count();
        for n in &self.candidates {
            entry.leaves[n.ix()] = 0;
        }
        for i in &self.plan.scores {
            let ws = &profile.scores[*i];
            self.raw.clear();
            self.raw.resize(self.candidates.len(), 0);
            ws.plugin.as_score().expect("score plugin").score_all(
                &self.state,
                pod,
                cluster,
                &self.candidates,
                &mut self.raw,
            );
            for (n, r) in self.candidates.iter().zip(&self.raw) {
                check_range(ws.plugin.name(), *r);
                entry.leaves[n.ix()] += r * ws.weight;
            }
        }
        entry.tree.build(&entry.leaves);
    }
}

fn check_range(plugin: &str, r: i64) {
    assert!(
        (0..=MAX_NODE_SCORE).contains(&r),
        "plugin {plugin} returned score {r} outside 0..=100"
    );
}

/// Node `n`'s leaf value with the per-node paths.
fn node_value(
    state: &CycleState,
    plan: &Plan,
    profile: &Profile,
    pod: &Pod,
    cluster: &Cluster,
    n: NodeIdx,
) -> i64 {
    if !cluster.nodes().present()[n.ix()] {
        return ABSENT;
    }
    for i in &plan.filters {
        let f = profile.filters[*i].as_filter().expect("filter plugin");
        if !f.filter(state, pod, cluster, n).is_success() {
            return INFEASIBLE;
        }
    }
    let mut total = 0;
    for i in &plan.scores {
        let ws = &profile.scores[*i];
        let r = ws
            .plugin
            .as_score()
            .expect("score plugin")
            .score(state, pod, cluster, n);
        check_range(ws.plugin.name(), r);
        total += r * ws.weight;
    }
    total
}
