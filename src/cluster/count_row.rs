//! One label class's pod counts per node (or per topology domain): a short sorted list of
//! (index, count) pairs while few entries are non-zero, a dense vector past that. A dense
//! row is as long as the highest node index holding a pod of the class, so with a class
//! of its own per StatefulSet pod (its `pod-name` label) dense rows cost about 100 KB per
//! pod at 50,000 nodes (issue 14: xl.yaml ran out of memory at t = 0).

/// Entries a sparse row holds before it turns dense.
const SPARSE_MAX: usize = 64;

/// Counts by index; missing entries are 0 (see the module doc).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CountRow {
    /// Non-zero (index, count) pairs, by index.
    Sparse(Vec<(u32, u32)>),
    /// Count per index (shorter than the index space: missing entries are 0).
    Dense(Vec<u32>),
}

impl Default for CountRow {
    fn default() -> Self {
        CountRow::Sparse(Vec::new())
    }
}

impl CountRow {
    /// The count at index `i`.
    #[inline]
    pub fn get(&self, i: usize) -> u32 {
        match self {
            CountRow::Sparse(pairs) => match pairs.binary_search_by_key(&(i as u32), |p| p.0) {
                Ok(at) => pairs[at].1,
                Err(_) => 0,
            },
            CountRow::Dense(v) => v.get(i).copied().unwrap_or(0),
        }
    }

    /// Adds `delta` to the count at index `i` (wrapping, as the counts are kept in step
    /// by paired increments and decrements).
    pub fn add(&mut self, i: usize, delta: i32) {
        match self {
            CountRow::Sparse(pairs) => match pairs.binary_search_by_key(&(i as u32), |p| p.0) {
                Ok(at) => {
                    pairs[at].1 = pairs[at].1.wrapping_add_signed(delta);
                    if pairs[at].1 == 0 {
                        pairs.remove(at);
                    }
                }
                Err(at) => {
                    pairs.insert(at, (i as u32, 0u32.wrapping_add_signed(delta)));
                    if pairs.len() > SPARSE_MAX {
                        *self = CountRow::Dense(self.to_dense());
                    }
                }
            },
            CountRow::Dense(v) => {
                if v.len() <= i {
                    v.resize(i + 1, 0);
                }
                v[i] = v[i].wrapping_add_signed(delta);
            }
        }
    }

    /// Calls `f(index, count)` for every non-zero entry, by index.
    #[inline]
    pub fn for_each_nonzero(&self, mut f: impl FnMut(usize, u32)) {
        match self {
            CountRow::Sparse(pairs) => pairs.iter().for_each(|&(i, c)| f(i as usize, c)),
            CountRow::Dense(v) => v
                .iter()
                .enumerate()
                .filter(|(_, c)| **c != 0)
                .for_each(|(i, c)| f(i, *c)),
        }
    }

    fn to_dense(&self) -> Vec<u32> {
        let mut v = Vec::new();
        self.for_each_nonzero(|i, c| {
            if v.len() <= i {
                v.resize(i + 1, 0);
            }
            v[i] = c;
        });
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nonzero(row: &CountRow) -> Vec<(usize, u32)> {
        let mut out = Vec::new();
        row.for_each_nonzero(|i, c| out.push((i, c)));
        out
    }

    #[test]
    fn a_sparse_row_keeps_only_non_zero_entries_in_index_order() {
        let mut row = CountRow::default();
        row.add(40_000, 1);
        row.add(7, 2);
        row.add(40_000, 1);
        assert_eq!(row.get(40_000), 2);
        assert_eq!(row.get(7), 2);
        assert_eq!(row.get(8), 0);
        assert_eq!(nonzero(&row), vec![(7, 2), (40_000, 2)]);
        // Back to 0: the entry goes, the row stays small.
        row.add(7, -2);
        assert_eq!(row, CountRow::Sparse(vec![(40_000, 2)]));
    }

    #[test]
    fn a_row_turns_dense_past_the_sparse_limit_with_the_same_counts() {
        let mut row = CountRow::default();
        // Indexes 0, 3, 6, ..., 3 × 64: 65 entries, one more than a sparse row holds.
        for k in 0..=SPARSE_MAX {
            row.add(3 * k, 1);
        }
        assert!(matches!(row, CountRow::Dense(_)));
        assert_eq!(row.get(3 * SPARSE_MAX), 1);
        assert_eq!(row.get(4), 0);
        assert_eq!(row.get(1_000_000), 0);
        assert_eq!(nonzero(&row).len(), SPARSE_MAX + 1);
        row.add(5, 1);
        assert_eq!(row.get(5), 1);
    }
}
