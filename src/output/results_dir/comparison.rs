//! Reading a comparison folder: `comparison.csv` and the run folders of each scheduler.

use std::fs;
use std::path::{Path, PathBuf};

use super::{files, CsvTable, ReportError};

/// One scheduler's row of `comparison.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonRow {
    /// Scheduler name.
    pub scheduler: String,
    /// Number of runs (seeds) aggregated.
    pub runs: u64,
    /// `(mean, std)` per metric, in the order of [`Comparison::metrics`]; `None` when empty.
    pub values: Vec<(Option<f64>, Option<f64>)>,
}

/// `comparison.csv` of a comparison folder: `scheduler,runs,<metric>_mean,<metric>_std,...`.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Metric names (without `_mean`/`_std`), in file order.
    pub metrics: Vec<String>,
    /// One row per scheduler, in file order.
    pub rows: Vec<ComparisonRow>,
}

impl Comparison {
    /// Index of a metric in [`Comparison::metrics`].
    pub fn metric(&self, name: &str) -> Option<usize> {
        self.metrics.iter().position(|m| m == name)
    }
}

/// Reads `comparison.csv`; every `<metric>_mean` column must have its `<metric>_std`.
pub fn read_comparison(path: &Path) -> Result<Comparison, ReportError> {
    let t = CsvTable::read(path)?;
    let [scheduler, runs] = t.columns(["scheduler", "runs"])?;
    let mut metrics = Vec::new();
    let mut cols = Vec::new();
    for (i, h) in t.header.iter().enumerate() {
        if let Some(m) = h.strip_suffix("_mean") {
            let std = t
                .column(&format!("{m}_std"))
                .ok_or_else(|| ReportError::MissingColumn {
                    path: path.to_path_buf(),
                    column: format!("{m}_std"),
                    found: t.header.join(","),
                })?;
            metrics.push(m.to_owned());
            cols.push((i, std));
        }
    }
    let rows = t
        .rows
        .iter()
        .map(|r| {
            Ok(ComparisonRow {
                scheduler: t.text(r, scheduler),
                runs: t.u64(r, runs)?,
                values: cols
                    .iter()
                    .map(|&(m, s)| Ok((t.opt_f64(r, m)?, t.opt_f64(r, s)?)))
                    .collect::<Result<_, ReportError>>()?,
            })
        })
        .collect::<Result<_, ReportError>>()?;
    Ok(Comparison { metrics, rows })
}

/// Finds the run folders of each scheduler of a comparison folder
/// `results/<scenario>/compare/`: the `seed-<n>` folders holding a `timeseries.csv`
/// under the sibling `results/<scenario>/<scheduler>/`, sorted by seed.
pub fn discover_runs(
    compare_dir: &Path,
    schedulers: &[String],
) -> Result<Vec<(String, PathBuf)>, ReportError> {
    let scenario_dir = compare_dir.parent().unwrap_or(compare_dir);
    let mut runs = Vec::new();
    for scheduler in schedulers {
        let dir = scenario_dir.join(scheduler);
        if !dir.is_dir() {
            continue;
        }
        let io = |source| ReportError::Io {
            path: dir.clone(),
            source,
        };
        let mut seeds = Vec::new();
        for entry in fs::read_dir(&dir).map_err(io)? {
            let entry = entry.map_err(io)?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(seed) = name
                .strip_prefix("seed-")
                .and_then(|s| s.parse::<u64>().ok())
            {
                if entry.path().join(files::TIMESERIES).is_file() {
                    seeds.push((seed, entry.path()));
                }
            }
        }
        seeds.sort();
        runs.extend(seeds.into_iter().map(|(_, p)| (scheduler.clone(), p)));
    }
    Ok(runs)
}
