//! A max segment tree over node indices for the score cache: per subtree the best total,
//! how many nodes have it and how many are feasible, with the range queries and descents
//! the cache uses to replay the full cycle's candidate scan and tie-break.

/// Leaf value of a present node that fails a filter.
pub(super) const INFEASIBLE: i64 = -1;

/// A max segment tree over node indices: per subtree the best total, how many nodes
/// have it, and how many nodes are feasible (leaf value ≥ 0).
#[derive(Default)]
pub(super) struct MaxTree {
    size: usize,
    max: Vec<i64>,
    cnt: Vec<u32>,
    feas: Vec<u32>,
}

impl MaxTree {
    pub(super) fn build(&mut self, leaves: &[i64]) {
        self.size = leaves.len().next_power_of_two().max(1);
        let len = 2 * self.size;
        self.max.clear();
        self.max.resize(len, INFEASIBLE);
        self.cnt.clear();
        self.cnt.resize(len, 1);
        self.feas.clear();
        self.feas.resize(len, 0);
        for (i, v) in leaves.iter().enumerate() {
            self.set_leaf(i, *v);
        }
        for x in (1..self.size).rev() {
            self.pull(x);
        }
    }

    #[inline]
    fn set_leaf(&mut self, i: usize, v: i64) {
        let x = self.size + i;
        self.max[x] = v.max(INFEASIBLE);
        self.cnt[x] = 1;
        self.feas[x] = (v >= 0) as u32;
    }

    #[inline]
    fn pull(&mut self, x: usize) {
        let (l, r) = (2 * x, 2 * x + 1);
        let m = self.max[l].max(self.max[r]);
        self.max[x] = m;
        self.cnt[x] =
            (self.max[l] == m) as u32 * self.cnt[l] + (self.max[r] == m) as u32 * self.cnt[r];
        self.feas[x] = self.feas[l] + self.feas[r];
    }

    pub(super) fn update(&mut self, i: usize, v: i64) {
        self.set_leaf(i, v);
        let mut x = (self.size + i) / 2;
        while x >= 1 {
            self.pull(x);
            x /= 2;
        }
    }

    pub(super) fn feasible(&self) -> usize {
        self.feas[1] as usize
    }

    /// Feasible leaves in `[0, r)`.
    pub(super) fn feasible_before(&self, r: usize) -> usize {
        let (mut lo, mut hi) = (self.size, self.size + r);
        let mut sum = 0;
        while lo < hi {
            if lo & 1 == 1 {
                sum += self.feas[lo] as usize;
                lo += 1;
            }
            if hi & 1 == 1 {
                hi -= 1;
                sum += self.feas[hi] as usize;
            }
            lo /= 2;
            hi /= 2;
        }
        sum
    }

    /// Index of the `k`-th (0-based) feasible leaf; `k < feasible()`.
    pub(super) fn kth_feasible(&self, mut k: usize) -> usize {
        let mut x = 1;
        while x < self.size {
            let l = self.feas[2 * x] as usize;
            if k < l {
                x *= 2;
            } else {
                k -= l;
                x = 2 * x + 1;
            }
        }
        x - self.size
    }

    /// (best total, number of nodes with it) over the feasible leaves of `[l, r)`;
    /// (INFEASIBLE, _) when none is feasible.
    pub(super) fn range_max(&self, l: usize, r: usize) -> (i64, usize) {
        let (mut lo, mut hi) = (self.size + l, self.size + r);
        let (mut best, mut count) = (INFEASIBLE, 0usize);
        let add = |x: usize, best: &mut i64, count: &mut usize| {
            if self.max[x] > *best {
                *best = self.max[x];
                *count = self.cnt[x] as usize;
            } else if self.max[x] == *best {
                *count += self.cnt[x] as usize;
            }
        };
        while lo < hi {
            if lo & 1 == 1 {
                add(lo, &mut best, &mut count);
                lo += 1;
            }
            if hi & 1 == 1 {
                hi -= 1;
                add(hi, &mut best, &mut count);
            }
            lo /= 2;
            hi /= 2;
        }
        (best, count)
    }

    /// The `k`-th (0-based, by index) leaf of `[l, r)` whose total is `best`, or None with
    /// `k` reduced by the number of such leaves there.
    pub(super) fn kth_best(&self, l: usize, r: usize, best: i64, k: &mut usize) -> Option<usize> {
        self.kth_best_in(1, 0, self.size, l, r, best, k)
    }

    #[allow(clippy::too_many_arguments)]
    fn kth_best_in(
        &self,
        x: usize,
        x_lo: usize,
        x_hi: usize,
        l: usize,
        r: usize,
        best: i64,
        k: &mut usize,
    ) -> Option<usize> {
        if x_hi <= l || r <= x_lo || self.max[x] < best {
            return None;
        }
        if l <= x_lo && x_hi <= r && (self.cnt[x] as usize) <= *k {
            *k -= self.cnt[x] as usize;
            return None;
        }
        if x >= self.size {
            return Some(x - self.size);
        }
        let mid = (x_lo + x_hi) / 2;
        self.kth_best_in(2 * x, x_lo, mid, l, r, best, k)
            .or_else(|| self.kth_best_in(2 * x + 1, mid, x_hi, l, r, best, k))
    }
}
