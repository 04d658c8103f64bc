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

/// `x.round() as i64` (half away from zero) without the libm call for scores that
/// are ≥ 0 (PodTopologySpread's): the integer part truncates, and `x - t` is the exact fraction.
#[inline]
pub fn round_non_negative(x: f64) -> i64 {
    if !(0.0..9.0e15).contains(&x) {
        return x.round() as i64;
    }
    let t = x as i64;
    t + (x - t as f64 >= 0.5) as i64
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

    /// Agrees with `f64::round` (half away from zero), which kube's `math.Round` in
    /// scoring.go `scoreForCount` is, including the values just below a half.
    #[test]
    fn round_non_negative_matches_f64_round() {
        let below_half = 0.5f64.next_down();
        for x in [
            0.0,
            0.5,
            below_half,
            1.5,
            2.5,
            2.0 + below_half,
            3.0 * 2f64.ln() + 2.0,
            1.0e15 + 0.5,
            8.9e15,
            9.5e15,
        ] {
            assert_eq!(round_non_negative(x), x.round() as i64, "x = {x}");
        }
        // 2.5 rounds away from zero to 3; the largest double below 0.5 rounds to 0.
        assert_eq!(
            (round_non_negative(2.5), round_non_negative(below_half)),
            (3, 0)
        );
    }
}
