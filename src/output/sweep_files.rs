//! The files of a sweep folder: the plan every shard writes (`shard-I-of-N.json`: the sweep
//! id and every cell with its run folder), `sweep.csv` (one row per cell: cell, parameters,
//! every summary.csv column) and `sweep_summary.csv` (per parameter combination × scheduler:
//! runs, then mean, std and 95 % interval over seeds of every numeric summary column).
//!
//! Both CSVs are built from the cells' own `summary.csv` files in cell order, so a sweep run
//! whole, resumed, or merged from shards writes the same bytes.

use super::atomic::write_file;
use super::comparison_files::q;
use super::results_dir::files::SUMMARY;
use crate::metrics::summary::Summary;
use crate::sweep::stats::Estimate;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// `sweep.csv`.
pub const SWEEP_CSV: &str = "sweep.csv";
/// `sweep_summary.csv`.
pub const SWEEP_SUMMARY_CSV: &str = "sweep_summary.csv";

/// One cell of the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanCell {
    /// Cell index.
    pub cell: usize,
    /// Parameter combination index.
    pub combination: usize,
    /// Parameter values, in the order of [`Plan::params`].
    pub params: Vec<String>,
    /// Scheduler.
    pub scheduler: String,
    /// Seed.
    pub seed: u64,
    /// The run folder, relative to the sweep folder, `/`-separated.
    pub dir: String,
}

/// What a sweep runs: written by every shard, read by `k8sim merge`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Sweep id: shards of one sweep share it.
    pub sweep_id: String,
    /// Sweep name.
    pub name: String,
    /// Swept field paths.
    pub params: Vec<String>,
    /// Figures plotted against each parameter.
    pub figures: Vec<String>,
    /// This shard.
    pub shard: usize,
    /// Number of shards.
    pub shards: usize,
    /// Every cell of the sweep (not only this shard's).
    pub cells: Vec<PlanCell>,
}

impl Plan {
    /// The plan's file name in a sweep folder.
    pub fn file_name(&self) -> String {
        format!("shard-{}-of-{}.json", self.shard, self.shards)
    }

    /// A cell as people read it: `cell 7 (nodes=3, scheduler most-allocated, seed 3)`.
    pub fn describe(&self, c: &PlanCell) -> String {
        let params: Vec<String> = self
            .params
            .iter()
            .zip(&c.params)
            .map(|(p, v)| format!("{p}={v}"))
            .collect();
        format!(
            "cell {} ({}, scheduler {}, seed {})",
            c.cell,
            params.join(", "),
            c.scheduler,
            c.seed
        )
    }
}

/// Writes `plan` into `dir` as `shard-I-of-N.json`.
pub fn write_plan(dir: &Path, plan: &Plan) -> std::io::Result<()> {
    let json = serde_json::to_string_pretty(plan).map_err(std::io::Error::other)?;
    write_file(&dir.join(plan.file_name()), format!("{json}\n").as_bytes())
}

/// Every plan (`shard-*-of-*.json`) in `dir`, in file-name order.
pub fn read_plans(dir: &Path) -> Result<Vec<(PathBuf, Plan)>, String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: cannot read folder: {e}", dir.display()))?;
    let mut names: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("shard-") && n.ends_with(".json"))
        })
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p)
                .map_err(|e| format!("{}: cannot read: {e}", p.display()))?;
            let plan: Plan = serde_json::from_str(&text)
                .map_err(|e| format!("{}: not a sweep plan: {e}", p.display()))?;
            Ok((p, plan))
        })
        .collect()
}

/// The summary.csv header this build writes.
pub fn summary_header() -> String {
    let names: Vec<&str> = Summary::default()
        .fields()
        .iter()
        .map(|(k, _)| *k)
        .collect();
    names.join(",")
}

/// The fields of a finished run's `summary.csv`: `None` when the folder, the file or its
/// row is missing, or the header is not `header` (written by another version).
pub fn finished_summary(run_dir: &Path, header: &str) -> Option<Vec<String>> {
    let text = std::fs::read_to_string(run_dir.join(SUMMARY)).ok()?;
    let mut lines = text.lines();
    if lines.next()? != header {
        return None;
    }
    let row = lines.next()?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(row.as_bytes());
    let record = reader.records().next()?.ok()?;
    let fields: Vec<String> = record.iter().map(str::to_owned).collect();
    (fields.len() == header.split(',').count()).then_some(fields)
}

/// Writes `sweep.csv` atomically: `rows[i]` is the summary row of `plan.cells[i]`.
pub fn write_sweep_csv(
    path: &Path,
    plan: &Plan,
    header: &str,
    rows: &[Vec<String>],
) -> std::io::Result<()> {
    let mut out = String::new();
    let mut head = vec!["cell".to_owned()];
    head.extend(plan.params.iter().map(|p| q(p)));
    out.push_str(&format!("{},{header}\n", head.join(",")));
    for (cell, row) in plan.cells.iter().zip(rows) {
        let mut fields = vec![cell.cell.to_string()];
        fields.extend(cell.params.iter().map(|v| q(v)));
        fields.extend(row.iter().map(|v| q(v)));
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    write_file(path, out.as_bytes())
}

/// One group of `sweep_summary.csv`: a combination × scheduler and its estimates.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryGroup {
    /// Parameter values.
    pub params: Vec<String>,
    /// Scheduler.
    pub scheduler: String,
    /// Runs (seeds) in the group.
    pub runs: usize,
    /// Per figure of [`figures`], the estimate over seeds (`None` when no run has it).
    pub estimates: Vec<Option<Estimate>>,
}

/// Groups cells by combination × scheduler (in cell order) and estimates every figure.
pub fn summarize(plan: &Plan, header: &str, rows: &[Vec<String>]) -> Vec<SummaryGroup> {
    let columns: Vec<&str> = header.split(',').collect();
    let figures = crate::metrics::summary::figures();
    let mut groups: Vec<(usize, String, Vec<&Vec<String>>, &PlanCell)> = Vec::new();
    for (cell, row) in plan.cells.iter().zip(rows) {
        match groups
            .iter_mut()
            .find(|g| g.0 == cell.combination && g.1 == cell.scheduler)
        {
            Some(g) => g.2.push(row),
            None => groups.push((cell.combination, cell.scheduler.clone(), vec![row], cell)),
        }
    }
    groups
        .into_iter()
        .map(|(_, scheduler, rows, cell)| {
            let estimates = figures
                .iter()
                .map(|f| {
                    let col = columns.iter().position(|c| c == f)?;
                    let values: Vec<f64> = rows
                        .iter()
                        .filter_map(|r| r.get(col).and_then(|v| v.parse::<f64>().ok()))
                        .collect();
                    Estimate::of(&values)
                })
                .collect();
            SummaryGroup {
                params: cell.params.clone(),
                scheduler,
                runs: rows.len(),
                estimates,
            }
        })
        .collect()
}

fn num(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.6}")).unwrap_or_default()
}

/// Writes `sweep_summary.csv` atomically: parameters, scheduler, runs, then per figure
/// `<figure>_mean,<figure>_std,<figure>_ci95_lo,<figure>_ci95_hi`.
pub fn write_sweep_summary(
    path: &Path,
    plan: &Plan,
    groups: &[SummaryGroup],
) -> std::io::Result<()> {
    let mut head: Vec<String> = plan.params.iter().map(|p| q(p)).collect();
    head.push("scheduler".into());
    head.push("runs".into());
    for f in crate::metrics::summary::figures() {
        for suffix in ["mean", "std", "ci95_lo", "ci95_hi"] {
            head.push(format!("{f}_{suffix}"));
        }
    }
    let mut out = head.join(",");
    out.push('\n');
    for g in groups {
        let mut fields: Vec<String> = g.params.iter().map(|v| q(v)).collect();
        fields.push(q(&g.scheduler));
        fields.push(g.runs.to_string());
        for e in &g.estimates {
            fields.push(num(e.map(|e| e.mean)));
            fields.push(num(e.and_then(|e| e.std)));
            fields.push(num(e.and_then(|e| e.ci95).map(|c| c.0)));
            fields.push(num(e.and_then(|e| e.ci95).map(|c| c.1)));
        }
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    write_file(path, out.as_bytes())
}
