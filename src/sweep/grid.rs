//! The cells of a sweep: parameter combinations (axes crossed, zipped axes advancing
//! together) × schedulers × seeds, numbered in one fixed order.

/// One cell: indices into the sweep's combinations and schedulers, and a seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    /// Position in the sweep (0-based), the number shards divide.
    pub index: usize,
    /// Parameter combination.
    pub combination: usize,
    /// Scheduler (index into the sweep's list).
    pub scheduler: usize,
    /// Seed.
    pub seed: u64,
}

/// Every parameter combination as one value index per axis. `lens[a]` is the number of
/// values of axis `a`; each group of `zip` (axis indices, equal lengths) is one dimension.
/// Dimensions are crossed in the order their first axis appears, the first one slowest.
pub fn combinations(lens: &[usize], zip: &[Vec<usize>]) -> Vec<Vec<usize>> {
    if lens.contains(&0) {
        return Vec::new();
    }
    // A dimension is a list of axes that share one value index.
    let mut dims: Vec<Vec<usize>> = Vec::new();
    for a in 0..lens.len() {
        if !dims.iter().any(|d| d.contains(&a)) {
            let group = zip.iter().find(|g| g.contains(&a));
            dims.push(group.cloned().unwrap_or_else(|| vec![a]));
        }
    }
    let mut out = vec![vec![0; lens.len()]];
    for dim in &dims {
        let n = lens[dim[0]];
        out = out
            .into_iter()
            .flat_map(|combo| {
                (0..n).map(move |v| {
                    let mut c = combo.clone();
                    for &a in dim {
                        c[a] = v;
                    }
                    c
                })
            })
            .collect();
    }
    out
}

/// Every cell in order: combination, then scheduler, then seed.
pub fn cells(combinations: usize, schedulers: usize, seeds: &[u64]) -> Vec<Cell> {
    let mut out = Vec::with_capacity(combinations * schedulers * seeds.len());
    for combination in 0..combinations {
        for scheduler in 0..schedulers {
            for &seed in seeds {
                out.push(Cell {
                    index: out.len(),
                    combination,
                    scheduler,
                    seed,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_are_crossed_first_axis_slowest() {
        assert_eq!(
            combinations(&[2, 3], &[]),
            vec![
                vec![0, 0],
                vec![0, 1],
                vec![0, 2],
                vec![1, 0],
                vec![1, 1],
                vec![1, 2]
            ]
        );
    }

    #[test]
    fn zipped_axes_advance_together() {
        // Axes 0 and 2 zipped (3 values each), crossed with axis 1 (2 values): 6 cells.
        let c = combinations(&[3, 2, 3], &[vec![0, 2]]);
        assert_eq!(c.len(), 6);
        assert!(c.iter().all(|v| v[0] == v[2]));
        assert_eq!(c[1], vec![0, 1, 0]);
    }

    #[test]
    fn cells_are_numbered_combination_scheduler_seed() {
        let c = cells(3, 2, &[1, 2, 3, 4, 5]);
        assert_eq!(c.len(), 30);
        assert_eq!(c[7].combination, 0);
        assert_eq!(c[7].scheduler, 1);
        assert_eq!(c[7].seed, 3);
        assert_eq!(c[29].index, 29);
    }
}
