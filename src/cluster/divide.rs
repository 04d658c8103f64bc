//! Exact integer division by a per-node constant without a `div` instruction: a
//! multiply-shift "magic number" (Lemire, Kaser & Kurz 2019, "Faster remainder by direct
//! computation", Theorem 1), used by the resource scorers for kube's `x * 100 / capacity`.

/// Divides numerators in `0..=100 * d` by a fixed divisor `d` exactly.
///
/// With `L = ceil(log2 d)`, numerators below `2^N`, `N = L + 7` (`100·d < 128·2^L`),
/// `F = N + L` and `c = ceil(2^F / d)`: `c·d - 2^F < d ≤ 2^L = 2^(F-N)`, so Theorem 1
/// gives `floor(n·c / 2^F) = floor(n / d)` for every such `n`. `c < 2^(L+8)`, so `n·c <
/// 2^(2L+15)` fits in 128 bits and `c` in 64 bits when `L ≤ 56`: divisors above `2^56`
/// (64 PiB of memory) and non-positive ones fall back to a real division.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExactDiv {
    /// `d`.
    pub divisor: i64,
    /// The magic number `c`; 0 when `d` is outside `1..=2^56` (real division instead).
    mul: u64,
    /// `F`.
    shift: u32,
}

/// The largest divisor [`ExactDiv`] accepts.
pub const MAX_DIVISOR: i64 = 1 << 56;

impl ExactDiv {
    /// The magic number for divisor `d`. Divisors outside `1..=2^56` get no magic number
    /// and the quotient methods fall back to a real division.
    pub fn new(d: i64) -> ExactDiv {
        if !(1..=MAX_DIVISOR).contains(&d) {
            return ExactDiv {
                divisor: d,
                mul: 0,
                shift: 0,
            };
        }
        let l = 64 - (d as u64 - 1).leading_zeros(); // ceil(log2 d); 0 for d = 1
        let f = 2 * l + 7;
        let c = (1u128 << f).div_ceil(d as u128);
        ExactDiv {
            divisor: d,
            mul: u64::try_from(c).expect("magic fits in 64 bits for d <= 2^56"),
            shift: f,
        }
    }

    /// `n / d` for `0 <= n <= 100 * d` and `1 <= d <= 2^56` (checked in debug builds).
    #[inline]
    pub fn div_small(&self, n: i64) -> i64 {
        debug_assert!(self.mul != 0 && n >= 0 && n <= 100 * self.divisor);
        ((n as u128 * self.mul as u128) >> self.shift) as i64
    }

    /// kube's LeastAllocated `(capacity - requested) * 100 / capacity` with capacity `d`:
    /// 0 when over capacity or capacity is 0 (same as `least_requested_score`).
    #[inline]
    pub fn least_requested(&self, requested: i64) -> i64 {
        let cap = self.divisor;
        if cap == 0 || requested > cap {
            return 0;
        }
        let n = (cap - requested) * 100;
        if self.mul == 0 || requested < 0 {
            return n / cap;
        }
        self.div_small(n)
    }

    /// kube's MostAllocated `min(requested, capacity) * 100 / capacity` with capacity `d`
    /// (same as `most_requested_score`).
    #[inline]
    pub fn most_requested(&self, requested: i64) -> i64 {
        let cap = self.divisor;
        if cap == 0 {
            return 0;
        }
        let n = requested.min(cap) * 100;
        if self.mul == 0 || n < 0 {
            return n / cap;
        }
        self.div_small(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(d: i64) {
        let e = ExactDiv::new(d);
        let mut ns = vec![0, 1, d - 1, d, d + 1, 50 * d, 100 * d - 1, 100 * d];
        for k in 0..=100 {
            ns.extend([k * d - 1, k * d, k * d + 1]);
        }
        for n in ns.into_iter().filter(|n| (0..=100 * d).contains(n)) {
            assert_eq!(e.div_small(n), n / d, "{n} / {d}");
        }
    }

    #[test]
    fn exact_for_edge_divisors() {
        for d in [
            1,
            2,
            3,
            7,
            100,
            1000,
            1023,
            1024,
            1025,
            32_000,
            (1 << 30) - 1,
        ] {
            check(d);
        }
        for shift in [31, 32, 33, 40, 47, 52, 55, 56] {
            check(1i64 << shift);
            check((1i64 << shift) - 1);
            check((1i64 << (shift - 1)) + 1);
        }
    }
}
