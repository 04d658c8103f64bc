//! Shared score normalisation (pkg/scheduler/framework/plugins/helper/normalize_score.go).

/// Scales scores so the highest becomes `max_priority`; with `reverse`, flips them so the
/// lowest raw score gets the highest normalised score. All-zero scores become
/// `max_priority` when reversed.
pub fn default_normalize_score(max_priority: i64, reverse: bool, scores: &mut [i64]) {
    let max = scores.iter().copied().max().unwrap_or(0);
    if max == 0 {
        if reverse {
            scores.iter_mut().for_each(|s| *s = max_priority);
        }
        return;
    }
    for s in scores.iter_mut() {
        let mut v = max_priority * *s / max;
        if reverse {
            v = max_priority - v;
        }
        *s = v;
    }
}

/// Gives `max_priority` to every node with the lowest (`pick_min`) or highest raw score
/// and 0 to the rest: "the best node wins" policies such as first-fit.
pub fn winner_takes_all(max_priority: i64, pick_min: bool, scores: &mut [i64]) {
    let best = if pick_min {
        scores.iter().copied().min()
    } else {
        scores.iter().copied().max()
    };
    let Some(best) = best else {
        return;
    };
    for s in scores.iter_mut() {
        *s = if *s == best { max_priority } else { 0 };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Cases from pkg/scheduler/framework/plugins/helper/normalize_score_test.go.
    #[test]
    fn normalize_score_test_cases() {
        let cases: &[(bool, &[i64], &[i64])] = &[
            (false, &[10, 20, 30], &[33, 66, 100]),
            (true, &[10, 20, 30], &[67, 34, 0]),
            (false, &[0, 0, 0], &[0, 0, 0]),
            (true, &[0, 0, 0], &[100, 100, 100]),
        ];
        for (reverse, input, want) in cases {
            let mut s = input.to_vec();
            default_normalize_score(100, *reverse, &mut s);
            assert_eq!(&s, want, "reverse={reverse} input={input:?}");
        }
    }
}
