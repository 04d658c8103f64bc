//! Capacity planning (`k8sim plan`): the smallest node count of a node group for which
//! every SLO holds in every seed and fault case.
//!
//! The search gallops up from `--min` (min, min+1, min+2, min+4, …, capped at `--max`)
//! until a count passes, then bisects between the last failing and the first passing
//! count. Every evaluated count is remembered, so no count runs twice, and the search ends
//! with the answer `n` passing and `n − 1` failing (unless `n` is `--min`): the runs of
//! `n − 1` are the proof of minimality printed with the answer. If SLOs are not monotone
//! in the node count, bisection can still land on a count whose predecessor fails while a
//! smaller count passes; the answer is then minimal among the counts tried, which the
//! table shows in full.

pub mod slo;

use std::collections::BTreeMap;

/// How a search ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchOutcome {
    /// `answer` passes; `proof` (answer − 1) fails, or is `None` when the answer is `--min`.
    Found {
        /// The smallest passing count found.
        answer: u32,
        /// The failing count just below it.
        proof: Option<u32>,
    },
    /// Even `max` fails.
    NotWithinMax,
}

/// Finds the smallest count in `min..=max` for which `passes` holds, evaluating each count
/// at most once (galloping, then bisection). Returns the outcome and the verdict of every
/// count evaluated, in count order.
pub fn search(
    min: u32,
    max: u32,
    mut passes: impl FnMut(u32) -> bool,
) -> (SearchOutcome, BTreeMap<u32, bool>) {
    let mut seen: BTreeMap<u32, bool> = BTreeMap::new();
    let mut eval = |n: u32, seen: &mut BTreeMap<u32, bool>| -> bool {
        *seen.entry(n).or_insert_with(|| passes(n))
    };
    if eval(min, &mut seen) {
        return (
            SearchOutcome::Found {
                answer: min,
                proof: None,
            },
            seen,
        );
    }
    // Gallop: the last failing count and the first passing one.
    let mut fail = min;
    let mut step: u32 = 1;
    let pass = loop {
        let next = fail.saturating_add(step).min(max);
        if next == fail {
            return (SearchOutcome::NotWithinMax, seen);
        }
        if eval(next, &mut seen) {
            break next;
        }
        fail = next;
        step = step.saturating_mul(2);
    };
    let (mut lo, mut hi) = (fail, pass);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if eval(mid, &mut seen) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    (
        SearchOutcome::Found {
            answer: hi,
            proof: Some(lo),
        },
        seen,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_threshold_with_few_evaluations_and_proves_it() {
        for threshold in 1..=200u32 {
            let mut calls = 0;
            let (outcome, seen) = search(1, 1000, |n| {
                calls += 1;
                n >= threshold
            });
            let want_proof = (threshold > 1).then(|| threshold - 1);
            assert_eq!(
                outcome,
                SearchOutcome::Found {
                    answer: threshold,
                    proof: want_proof
                }
            );
            if let Some(p) = want_proof {
                assert_eq!(seen.get(&p), Some(&false), "the proof row was run");
            }
            assert_eq!(calls, seen.len(), "no count runs twice");
            assert!(calls <= 2 * 8 + 2, "{threshold}: {calls} evaluations");
        }
    }

    #[test]
    fn reports_when_max_is_not_enough() {
        let (outcome, seen) = search(2, 20, |n| n >= 50);
        assert_eq!(outcome, SearchOutcome::NotWithinMax);
        assert_eq!(seen.get(&20), Some(&false), "max itself was tried");
        let (outcome, _) = search(5, 5, |_| false);
        assert_eq!(outcome, SearchOutcome::NotWithinMax);
    }
}
