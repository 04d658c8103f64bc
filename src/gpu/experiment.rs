//! The FGD paper's main experiment (Fig. 9(a)): GPU allocation vs arrived GPU request, per policy.
//!
//! `k8sim experiment fgd --trace default --policies fgd,bestfit --seeds 42..51` loads the openb GPU
//! nodes and a pod-list variant and runs every (policy, seed) pair in parallel with rayon;
//! [`write_outputs`] hands `results.csv` (`workload,policy,seed,x_arrived_pct,alloc_pct,frag_pct`)
//! and Fig. 9(a)'s bands (mean ± std over seeds) to `output::fgd_files`, which writes
//! `<out>/fgd-<trace>/` all or nothing; `cli/experiment.rs` runs it and prints.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use rayon::prelude::*;

use super::frag::{typical_pods, FragModel};
use super::model::{GpuModels, NodeSpec, PodSpec};
use super::openb::{load_nodes, load_pods, parse_nodes, parse_pods};
use super::policies::Policy;
use super::sim::{bucket_by_arrival, build_workload, run};
use crate::output::fgd_files::{write_fig9a, BandSeries};

/// Node list file name inside a data directory.
pub const NODE_FILE: &str = "openb_node_list_gpu_node.csv";
const DEFAULT_NODES: &str = include_str!("../../data/openb/openb_node_list_gpu_node.csv");
const DEFAULT_PODS: &str = include_str!("../../data/openb/openb_pod_list_default.csv");

/// The authors' means over seeds 42–51 at x = 100 for the `default` trace, in percent of GPU
/// capacity allocated: columns `100` of `experiments/analysis/expected_results/
/// analysis_allo_discrete.csv` in hkust-adsl/kubernetes-scheduler-simulator (commit 8f3d641), the
/// data behind the paper's Fig. 9(a).
pub const PAPER_DEFAULT_AT_100: [(Policy, f64); 6] = [
    (Policy::Random, 86.30),
    (Policy::DotProd, 90.62),
    (Policy::GpuClustering, 91.65),
    (Policy::GpuPacking, 91.78),
    (Policy::BestFit, 92.86),
    (Policy::Fgd, 95.23),
];

/// As [`PAPER_DEFAULT_AT_100`], at x = 130 (the end of the arrivals).
pub const PAPER_DEFAULT_AT_130: [(Policy, f64); 6] = [
    (Policy::Random, 87.47),
    (Policy::DotProd, 90.85),
    (Policy::GpuClustering, 91.88),
    (Policy::GpuPacking, 92.00),
    (Policy::BestFit, 93.08),
    (Policy::Fgd, 95.39),
];

/// A list of seeds: `42..51` (both ends included, as the paper's seeds 42–51), `42..=51`,
/// `1,2,3` or a single number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seeds(pub Vec<u64>);

/// Error for a malformed seed list.
#[derive(Debug, thiserror::Error)]
#[error("bad seed list `{0}`: expected e.g. `42..51` (inclusive), `1,2,3` or `7`")]
pub struct BadSeeds(pub String);

impl FromStr for Seeds {
    type Err = BadSeeds;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadSeeds(s.to_string());
        let t = s.trim();
        if let Some((a, b)) = t.split_once("..") {
            let b = b.strip_prefix('=').unwrap_or(b);
            let (a, b): (u64, u64) = (
                a.trim().parse().map_err(|_| bad())?,
                b.trim().parse().map_err(|_| bad())?,
            );
            if a > b {
                return Err(bad());
            }
            return Ok(Seeds((a..=b).collect()));
        }
        let v: Result<Vec<u64>, _> = t.split(',').map(|x| x.trim().parse()).collect();
        match v {
            Ok(v) if !v.is_empty() => Ok(Seeds(v)),
            _ => Err(bad()),
        }
    }
}

/// Command-line arguments of `k8sim experiment fgd`.
#[derive(Debug, Clone, clap::Args)]
pub struct ExperimentArgs {
    /// Pod-list variant: reads `openb_pod_list_<TRACE>.csv` (e.g. default, cpu050, gpushare40, multigpu20).
    #[arg(long, default_value = "default")]
    pub trace: String,
    /// Comma-separated policies: fgd, bestfit, gpupacking, gpuclustering, dotprod, random.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "random,dotprod,gpuclustering,gpupacking,bestfit,fgd"
    )]
    pub policies: Vec<Policy>,
    /// Seeds: `42..51` (inclusive), `42..=51`, `1,2,3` or a single number.
    #[arg(long, default_value = "42..51")]
    pub seeds: Seeds,
    /// Output root; results go to `<OUT>/fgd-<TRACE>/`.
    #[arg(long, default_value = "results/experiments")]
    pub out: PathBuf,
    /// Directory holding the openb CSVs; without it only the built-in `default` trace is available.
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Total GPU request of the workload as a multiple of cluster GPU capacity.
    #[arg(long, default_value_t = 1.3)]
    pub ratio: f64,
    /// Typical pods: most frequent shapes covering at least this percentage of pods.
    #[arg(long, default_value_t = 95.0)]
    pub typical_pct: f64,
}

/// A loaded trace: GPU nodes, their model table, and the pod list.
#[derive(Debug, Clone)]
pub struct Trace {
    /// Variant name (`default`, `cpu050`, ...).
    pub variant: String,
    /// The GPU nodes sorted by name (CPU-only nodes are dropped, as in the paper).
    pub nodes: Vec<NodeSpec>,
    /// GPU models present in the cluster.
    pub models: GpuModels,
    /// Pods of the trace, in file order.
    pub pods: Vec<PodSpec>,
}

/// Loads `variant` from `data` (or the built-in copy of `default` when `data` is `None`).
pub fn load_trace(data: Option<&Path>, variant: &str) -> anyhow::Result<Trace> {
    let (nodes, models, pods) = match data {
        None => {
            anyhow::ensure!(
                variant == "default",
                "trace `{variant}` needs --data DIR (only `default` is built in)"
            );
            let (nodes, models) =
                parse_nodes(DEFAULT_NODES, "data/openb/openb_node_list_gpu_node.csv")?;
            let pods = parse_pods(
                DEFAULT_PODS,
                "data/openb/openb_pod_list_default.csv",
                &models,
            )?;
            (nodes, models, pods)
        }
        Some(dir) => {
            let (nodes, models) = load_nodes(&dir.join(NODE_FILE))?;
            let file = dir.join(format!("openb_pod_list_{variant}.csv"));
            let pods = load_pods(&file, &models)?;
            // The workload is drawn until it requests `ratio` times the GPU capacity.
            anyhow::ensure!(
                pods.iter().any(|p| p.num_gpu > 0),
                "{}: column `num_gpu`: no pod requests a GPU, expected at least one (the experiment fills the cluster's GPUs)",
                file.display()
            );
            (nodes, models, pods)
        }
    };
    let mut nodes: Vec<NodeSpec> = nodes.into_iter().filter(|n| n.gpus > 0).collect();
    nodes.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Trace {
        variant: variant.to_string(),
        nodes,
        models,
        pods,
    })
}

/// Per-x averages of one (policy, seed) run.
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    /// Policy.
    pub policy: Policy,
    /// Seed.
    pub seed: u64,
    /// `(x_arrived_pct, alloc_pct, frag_pct)`, increasing x.
    pub points: Vec<(i64, f64, f64)>,
    /// Pods that could not be placed.
    pub failed: usize,
}

/// Runs every (policy, seed) pair in parallel; the result is ordered by policy, then seed.
pub fn run_curves(
    trace: &Trace,
    policies: &[Policy],
    seeds: &[u64],
    ratio: f64,
    typical_pct: f64,
) -> Vec<Curve> {
    let frag = FragModel::new(
        &typical_pods(&trace.pods, typical_pct),
        trace.models.names().len(),
    );
    let capacity: i64 = trace
        .nodes
        .iter()
        .map(|n| i64::from(n.gpus) * i64::from(super::model::MILLI))
        .sum();
    let workloads: Vec<Vec<usize>> = seeds
        .par_iter()
        .map(|&s| build_workload(&trace.pods, capacity, ratio, s))
        .collect();
    let jobs: Vec<(Policy, usize)> = policies
        .iter()
        .flat_map(|&p| (0..seeds.len()).map(move |k| (p, k)))
        .collect();
    jobs.par_iter()
        .map(|&(policy, k)| {
            let r = run(
                policy,
                &trace.nodes,
                &trace.pods,
                &workloads[k],
                &frag,
                seeds[k],
            );
            Curve {
                policy,
                seed: seeds[k],
                points: bucket_by_arrival(&r),
                failed: r.failed,
            }
        })
        .collect()
}

/// Mean and (population) standard deviation over seeds of `alloc_pct` at integer `x` for `policy`.
pub fn alloc_at(curves: &[Curve], policy: Policy, x: i64) -> Option<(f64, f64)> {
    let v: Vec<f64> = curves
        .iter()
        .filter(|c| c.policy == policy)
        .filter_map(|c| c.points.iter().find(|p| p.0 == x).map(|p| p.1))
        .collect();
    mean_std(&v)
}

fn mean_std(v: &[f64]) -> Option<(f64, f64)> {
    if v.is_empty() {
        return None;
    }
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
    Some((mean, var.sqrt()))
}

/// The CSV text for `curves` (deterministic: fixed order and fixed decimals).
pub fn curves_csv(workload: &str, curves: &[Curve]) -> String {
    let mut s = String::from("workload,policy,seed,x_arrived_pct,alloc_pct,frag_pct\n");
    for c in curves {
        for &(x, a, f) in &c.points {
            let _ = writeln!(s, "{workload},{},{},{x},{a:.4},{f:.4}", c.policy, c.seed);
        }
    }
    s
}

fn color(p: Policy) -> (u8, u8, u8) {
    match p {
        Policy::Random => (127, 127, 127),
        Policy::DotProd => (31, 119, 180),
        Policy::GpuClustering => (44, 160, 44),
        Policy::GpuPacking => (148, 103, 189),
        Policy::BestFit => (255, 127, 14),
        Policy::Fgd => (214, 39, 40),
    }
}

/// Fig. 9(a)'s lines: per policy, mean ± std of alloc_pct over seeds at x = 70..=130.
pub fn fig9a_series(curves: &[Curve], policies: &[Policy]) -> Vec<BandSeries> {
    (policies.iter())
        .map(|&p| BandSeries {
            label: p.label(),
            color: color(p),
            points: (70..=130)
                .filter_map(|x| alloc_at(curves, p, x).map(|(m, s)| (x, m, s)))
                .collect(),
        })
        .collect()
}

/// Writes CSV, PNG and SVG for `curves` into `<out>/fgd-<variant>/`, all or nothing.
pub fn write_outputs(
    out: &Path,
    variant: &str,
    curves: &[Curve],
    policies: &[Policy],
) -> anyhow::Result<PathBuf> {
    let title = format!("openb {variant}: GPU allocation (mean ± std over seeds)");
    write_fig9a(
        &out.join(format!("fgd-{variant}")),
        &curves_csv(variant, curves),
        &title,
        &fig9a_series(curves, policies),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_parse() {
        assert_eq!("42..51".parse::<Seeds>().unwrap().0.len(), 10);
        assert_eq!("42..=44".parse::<Seeds>().unwrap().0, vec![42, 43, 44]);
        assert_eq!("1,5".parse::<Seeds>().unwrap().0, vec![1, 5]);
        assert_eq!("7".parse::<Seeds>().unwrap().0, vec![7]);
        assert!("9..3".parse::<Seeds>().is_err());
        assert!("x".parse::<Seeds>().is_err());
    }

    #[test]
    fn builtin_default_trace_loads() {
        let t = load_trace(None, "default").unwrap();
        assert_eq!(t.nodes.len(), 1213);
        assert_eq!(t.pods.len(), 8152);
        assert!(load_trace(None, "cpu050").is_err());
    }
}
