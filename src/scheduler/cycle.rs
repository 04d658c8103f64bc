//! One scheduling cycle as kube's `schedulePod` runs it (PreFilter, Filter, the rotating
//! `numFeasibleNodesToFind` scan, PreScore, Score, NormalizeScore, select host), either
//! from scratch or on top of the score cache's per-node results ([`Precomputed`]): then
//! the plugins the cache covers are not run again and only the others are.
//!
//! **Why the partial cycle is exact.** A cached leaf is `ABSENT`/`INFEASIBLE` (< 0) or
//! the weighted sum of the pod's `PerNode` scores on a node that passes every `PerNode`
//! filter; those plugins keep nothing in PreFilter/PreScore that others read and do not
//! normalise (their [`CacheMode`](super::framework::CacheMode) contract). So the feasible
//! set is `leaf ≥ 0` narrowed by the remaining filters, the candidates come from the same
//! scan, and each total differs from the full cycle's by the `Constant` plugins' score,
//! the same on every node: the same best nodes in the same order, the same RNG draw.

use super::framework::{Code, CycleState, NodeVerdict, MAX_NODE_SCORE};
use super::profile::{num_feasible_nodes_to_find, FitError, Profile};
use crate::cluster::{Cluster, NodeIdx, Pod};
use rand::Rng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// Buffers reused across cycles so a cycle allocates nothing on the happy path.
#[derive(Default)]
pub struct Buffers {
    feasible: Vec<bool>,
    candidates: Vec<NodeIdx>,
    raw: Vec<i64>,
    totals: Vec<i64>,
    state: CycleState,
    skipped_filters: Vec<bool>,
}

/// What the score cache already computed for this pod (see the module comment).
#[derive(Clone, Copy)]
pub struct Precomputed<'a> {
    /// Per node: the weighted sum of the cached scores, or < 0 when absent or filtered.
    pub leaves: &'a [i64],
    /// Filters not covered by the leaves (indices into `Profile::filters`).
    pub filters: &'a [usize],
    /// Scores not covered by the leaves nor constant (indices into `Profile::scores`).
    pub scores: &'a [usize],
}

/// Runs one cycle for `pod`; nodes in `rejects` (ruled out by nominated pods) are dropped.
#[allow(clippy::too_many_arguments)]
pub fn run(
    profile: &Profile,
    pod: &Pod,
    cluster: &Cluster,
    rng: &mut Xoshiro256PlusPlus,
    b: &mut Buffers,
    rejects: &[NodeVerdict],
    next_start: &mut usize,
    base: Option<Precomputed<'_>>,
) -> Result<NodeIdx, FitError> {
    let num_all = cluster.present_node_count();
    b.state.clear();
    pre_filter(profile, pod, cluster, b, num_all)?;
    let to_find = num_feasible_nodes_to_find(profile.percentage_of_nodes_to_score, num_all);
    match base {
        // The leaves already are the feasible set: scan only the rotating window.
        Some(p) if p.filters.is_empty() && rejects.is_empty() => {
            let leaves = p.leaves;
            find_candidates(
                &mut b.candidates,
                leaves.len(),
                |i| leaves[i] >= 0,
                to_find,
                next_start,
            )
        }
        _ => {
            filter(profile, pod, cluster, b, base);
            for v in rejects {
                b.feasible[v.node.ix()] = false;
            }
            let feasible = &b.feasible;
            find_candidates(
                &mut b.candidates,
                feasible.len(),
                |i| feasible[i],
                to_find,
                next_start,
            )
        }
    }
    if b.candidates.is_empty() {
        let mut e = profile.diagnose(pod, cluster, &b.state, &b.skipped_filters, num_all);
        e.add_rejects(rejects);
        return Err(e);
    }
    if b.candidates.len() == 1 {
        return Ok(b.candidates[0]);
    }
    score(profile, pod, cluster, b, base);
    Ok(select_host(b, rng))
}

/// Runs every PreFilter, recording which skipped; a rejection fails the whole cycle.
fn pre_filter(
    profile: &Profile,
    pod: &Pod,
    cluster: &Cluster,
    b: &mut Buffers,
    num_all: usize,
) -> Result<(), FitError> {
    b.skipped_filters.clear();
    for f in &profile.filters {
        let st = f
            .as_filter()
            .expect("filter plugin")
            .pre_filter(&mut b.state, pod, cluster);
        match st.code {
            Code::Skip => b.skipped_filters.push(true),
            Code::Success => b.skipped_filters.push(false),
            _ => {
                return Err(FitError {
                    num_all_nodes: num_all,
                    reasons: st.reasons.iter().map(|r| (r.clone(), num_all)).collect(),
                    unresolvable: st.code == Code::UnschedulableAndUnresolvable,
                    failed: Vec::new(),
                })
            }
        }
    }
    Ok(())
}

/// Fills `b.feasible`: every present node through every filter not skipped, or the
/// cached leaves through the filters they do not cover.
fn filter(
    profile: &Profile,
    pod: &Pod,
    cluster: &Cluster,
    b: &mut Buffers,
    base: Option<Precomputed<'_>>,
) {
    b.feasible.clear();
    let run_filter = |i: usize, b: &mut Buffers| {
        if !b.skipped_filters[i] {
            profile.filters[i]
                .as_filter()
                .expect("filter plugin")
                .filter_all(&b.state, pod, cluster, &mut b.feasible);
        }
    };
    match base {
        None => {
            b.feasible.extend_from_slice(cluster.nodes().present());
            for i in 0..profile.filters.len() {
                run_filter(i, b);
            }
        }
        Some(p) => {
            b.feasible.extend(p.leaves.iter().map(|v| *v >= 0));
            for i in p.filters {
                run_filter(*i, b);
            }
        }
    }
}

/// Takes the first `to_find` feasible nodes (all when `to_find` is 0) of the `n_nodes`
/// in rotating order from `next_start`, as kube does, and advances `next_start` past the
/// last node examined: the cost is the window examined, not the node count.
fn find_candidates(
    candidates: &mut Vec<NodeIdx>,
    n_nodes: usize,
    is_feasible: impl Fn(usize) -> bool,
    to_find: usize,
    next_start: &mut usize,
) {
    candidates.clear();
    if n_nodes == 0 {
        return;
    }
    let start = *next_start % n_nodes;
    let mut examined = n_nodes;
    'scan: for (lo, hi) in [(start, n_nodes), (0, start)] {
        for i in lo..hi {
            if is_feasible(i) {
                candidates.push(NodeIdx(i as u32));
                if candidates.len() == to_find {
                    examined = (i + n_nodes - start) % n_nodes + 1;
                    break 'scan;
                }
            }
        }
    }
    *next_start = (start + examined) % n_nodes;
}

/// Sums the weighted, normalised scores of the candidates into `b.totals`, starting from
/// the cached leaves when given.
fn score(
    profile: &Profile,
    pod: &Pod,
    cluster: &Cluster,
    b: &mut Buffers,
    base: Option<Precomputed<'_>>,
) {
    b.totals.clear();
    match base {
        None => b.totals.resize(b.candidates.len(), 0),
        Some(p) => b
            .totals
            .extend(b.candidates.iter().map(|n| p.leaves[n.ix()])),
    }
    match base {
        Some(p) => {
            for i in p.scores {
                add_score(profile, *i, pod, cluster, b);
            }
        }
        None => {
            for i in 0..profile.scores.len() {
                add_score(profile, i, pod, cluster, b);
            }
        }
    }
}

/// Runs score plugin `i` (PreScore, Score, NormalizeScore) over the candidates and adds
/// its weighted scores to `b.totals`.
fn add_score(profile: &Profile, i: usize, pod: &Pod, cluster: &Cluster, b: &mut Buffers) {
    let ws = &profile.scores[i];
    let plugin = ws.plugin.as_score().expect("score plugin");
    if plugin
        .pre_score(&mut b.state, pod, cluster, &b.candidates)
        .code
        == Code::Skip
    {
        return;
    }
    b.raw.clear();
    b.raw.resize(b.candidates.len(), 0);
    plugin.score_all(&b.state, pod, cluster, &b.candidates, &mut b.raw);
    plugin.normalize_score(&b.state, pod, &mut b.raw);
    for (t, r) in b.totals.iter_mut().zip(&b.raw) {
        assert!(
            (0..=MAX_NODE_SCORE).contains(r),
            "plugin {} returned score {r} outside 0..=100",
            ws.plugin.name()
        );
        *t += r * ws.weight;
    }
}

/// kube's `selectHost`: a uniformly random node among those with the best total (the
/// RNG is drawn only when several tie), in candidate order.
fn select_host(b: &Buffers, rng: &mut Xoshiro256PlusPlus) -> NodeIdx {
    let best = b.totals.iter().copied().max().unwrap_or(0);
    let ties = b.totals.iter().filter(|t| **t == best).count();
    let pick = if ties == 1 {
        0
    } else {
        rng.random_range(0..ties)
    };
    b.totals
        .iter()
        .zip(&b.candidates)
        .filter(|(t, _)| **t == best)
        .nth(pick)
        .map(|(_, n)| *n)
        .expect("at least one candidate has the best score")
}
