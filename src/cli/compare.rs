//! `k8sim compare`: runs a scenario under several schedulers and seeds in parallel and
//! writes every run's folder plus a comparison folder with `comparison.csv` and a report.

use super::progress::Progress;
use super::run::{load_scenario, parse_overrides, resolve_scheduler, run_into};
use crate::metrics::summary::Summary;
use crate::output::atomic::AtomicDir;
use crate::output::decision::{self, Gate};
use crate::output::results_dir::Comparison;
use crate::output::{comparison_files, report, results_path, terminal};
use crate::scenario::Scenario;
use crate::sim::scheduling::DecisionCost;
use crate::sim::Simulation;
use anyhow::Context;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Most runs (schedulers × seeds) one comparison may ask for.
pub const MAX_RUNS: usize = 10_000;

/// Arguments of `k8sim compare`.
#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// Scenario file; omitted: the built-in seed scenario.
    pub scenario: Option<PathBuf>,
    /// Scheduler profiles to compare, comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "default,least-allocated,most-allocated"
    )]
    pub schedulers: Vec<String>,
    /// Seeds: `A..B` (both included), a comma-separated list, or one seed; omitted: the
    /// scenario's seed.
    #[arg(long)]
    pub seeds: Option<String>,
    /// Results root folder.
    #[arg(long, default_value = "results")]
    pub out: PathBuf,
    /// Runs at once (default: one per core). Results do not depend on it.
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// Do not print the comparison table nor the progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    /// Override a scenario field, e.g. `--set cluster.nodes[worker].count=20` (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Show every scheduler's difference from this one, paired by seed, with a 95 % interval.
    #[arg(long, value_name = "NAME")]
    pub baseline: Option<String>,
    /// Exit non-zero when a scheduler regresses, e.g.
    /// `--fail-if 'pending_age_p99_s > baseline * 1.10'` (repeatable; needs --baseline).
    #[arg(long = "fail-if", value_name = "EXPR")]
    pub fail_if: Vec<String>,
}

/// Parses `--seeds`: `1..5` (1 to 5 included; `1..=5` too), `1,2,7`, or `42`.
pub fn parse_seeds(text: &str) -> Result<Vec<u64>, String> {
    crate::input::seeds::parse_seeds(text).map_err(|e| format!("--seeds: {e}"))
}

/// What a comparison produced.
#[derive(Debug)]
pub struct CompareOutcome {
    /// One row per scheduler.
    pub comparison: Comparison,
    /// The comparison folder `<out>/<scenario>/compare/`.
    pub dir: PathBuf,
    /// Every run as (scheduler, run folder), schedulers in the order asked, seeds ascending
    /// in the order given.
    pub runs: Vec<(String, PathBuf)>,
    /// Every run's summary, in the order of `runs`.
    pub summaries: Vec<(String, Summary)>,
    /// The schedulers compared, in order, without duplicates.
    pub schedulers: Vec<String>,
    /// Per scheduler (in order): its runs and the wall-clock cost of their scheduling
    /// decisions, summed (as written to `decision_cost.csv`).
    pub decision_costs: Vec<(String, u64, DecisionCost)>,
}

/// Runs `sc` for every scheduler × seed (in parallel on the current rayon pool; results
/// are gathered in scheduler-then-seed order, so the files do not depend on the number of
/// threads) and writes the run folders and `<out>/<scenario>/compare/`.
pub fn compare_scenario(
    sc: &Scenario,
    schedulers: &[String],
    seeds: &[u64],
    out: &Path,
    progress: Option<&Progress>,
) -> anyhow::Result<CompareOutcome> {
    let mut unique: Vec<String> = Vec::new();
    for s in schedulers {
        let s = s.trim();
        if s.is_empty() {
            anyhow::bail!("--schedulers: empty scheduler name");
        }
        if !unique.iter().any(|u| u == s) {
            unique.push(s.to_owned());
        }
    }
    if unique.is_empty() || seeds.is_empty() {
        anyhow::bail!("nothing to compare: give at least one scheduler and one seed");
    }
    if unique.len() * seeds.len() > MAX_RUNS {
        anyhow::bail!(
            "{} schedulers × {} seeds is more than {MAX_RUNS} runs",
            unique.len(),
            seeds.len()
        );
    }
    // Fail on an unknown scheduler before spending time on the others.
    let mut choices = std::collections::BTreeMap::new();
    for s in &unique {
        let choice = resolve_scheduler(sc, s).with_context(|| format!("scheduler {s:?}"))?;
        Simulation::with_registry(sc, seeds[0], choice.clone(), super::registry())
            .with_context(|| format!("scheduler {s:?}"))?;
        choices.insert(s.clone(), choice);
    }
    preflight(sc, &unique, seeds, out)?;
    let jobs: Vec<(String, u64)> = unique
        .iter()
        .flat_map(|s| seeds.iter().map(move |&seed| (s.clone(), seed)))
        .collect();
    let results: Vec<anyhow::Result<(Summary, PathBuf, DecisionCost)>> = jobs
        .par_iter()
        // Per-run plots nobody opens are not rendered: the comparison report links to
        // each run's folder (`k8sim report DIR` renders one on demand).
        .map(|(s, seed)| {
            let target =
                results_path::run_dir(out, &sc.name, s, *seed).map_err(anyhow::Error::msg)?;
            run_into(sc, *seed, &choices[s], &target, progress, false, false)
        })
        .collect();
    let mut summaries = Vec::with_capacity(jobs.len());
    let mut runs = Vec::with_capacity(jobs.len());
    let mut decision_costs: Vec<(String, u64, DecisionCost)> = unique
        .iter()
        .map(|s| (s.clone(), 0, DecisionCost::default()))
        .collect();
    for ((s, seed), result) in jobs.iter().zip(results) {
        let (summary, path, cost) =
            result.with_context(|| format!("run of scheduler {s:?} with seed {seed}"))?;
        if let Some(entry) = decision_costs.iter_mut().find(|(name, ..)| name == s) {
            entry.1 += 1;
            entry.2.add(cost);
        }
        summaries.push((s.clone(), summary));
        runs.push((s.clone(), path));
    }
    let comparison = comparison_files::aggregate(&unique, &summaries);
    let target = results_path::compare_dir(out, &sc.name).map_err(anyhow::Error::msg)?;
    let dir = AtomicDir::create(&target)
        .with_context(|| format!("cannot create comparison folder {}", target.display()))?;
    comparison_files::write_comparison(
        &comparison,
        &dir.path()
            .join(crate::output::results_dir::files::COMPARISON),
    )
    .and_then(|()| comparison_files::write_runs(&summaries, &dir.path().join("runs.csv")))
    .and_then(|()| {
        comparison_files::write_decision_cost(
            &decision_costs,
            &dir.path().join(comparison_files::DECISION_COST),
        )
    })
    .with_context(|| format!("cannot write {}", target.display()))?;
    report::render_comparison_with_runs(dir.path(), &runs)
        .with_context(|| format!("cannot render the report of {}", target.display()))?;
    let dir = dir
        .commit()
        .with_context(|| format!("cannot move results into {}", target.display()))?;
    Ok(CompareOutcome {
        comparison,
        dir,
        runs,
        summaries,
        schedulers: unique,
        decision_costs,
    })
}

/// Checks every destination before the first simulation (issue 18): each run folder and
/// the comparison folder must be writable, and no two schedulers may share a run folder
/// (`default` and `default.yaml` would overwrite each other's results).
fn preflight(
    sc: &Scenario,
    schedulers: &[String],
    seeds: &[u64],
    out: &Path,
) -> anyhow::Result<()> {
    let mut folders: Vec<(String, &String)> = Vec::with_capacity(schedulers.len());
    for s in schedulers {
        let folder = results_path::scheduler_folder(s).map_err(anyhow::Error::msg)?;
        if let Some((_, first)) = folders.iter().find(|(f, _)| *f == folder) {
            anyhow::bail!(
                "schedulers {first:?} and {s:?} would both write their results to the folder {folder:?}"
            );
        }
        folders.push((folder, s));
    }
    let compare = results_path::compare_dir(out, &sc.name).map_err(anyhow::Error::msg)?;
    AtomicDir::preflight(&compare)
        .with_context(|| format!("cannot write results to {}", compare.display()))?;
    for s in schedulers {
        for &seed in seeds {
            let target =
                results_path::run_dir(out, &sc.name, s, seed).map_err(anyhow::Error::msg)?;
            AtomicDir::preflight(&target)
                .with_context(|| format!("cannot write results to {}", target.display()))?;
        }
    }
    Ok(())
}

/// `k8sim compare`.
pub fn compare(args: &CompareArgs) -> anyhow::Result<()> {
    let sc = load_scenario(args.scenario.as_deref(), &parse_overrides(&args.set)?)?;
    for w in &sc.warnings {
        eprintln!("warning: {w}");
    }
    let gates = args
        .fail_if
        .iter()
        .map(|g| Gate::parse(g).map_err(anyhow::Error::msg))
        .collect::<anyhow::Result<Vec<Gate>>>()?;
    if let Some(b) = &args.baseline {
        if !args.schedulers.iter().any(|s| s.trim() == b) {
            anyhow::bail!(
                "--baseline {b:?} is not one of --schedulers {}",
                args.schedulers.join(",")
            );
        }
    } else if let Some(g) = gates.iter().find(|g| g.uses_baseline()) {
        anyhow::bail!(
            "--fail-if {:?} compares with the baseline: give --baseline NAME",
            g.text
        );
    }
    let seeds = match &args.seeds {
        Some(text) => parse_seeds(text).map_err(anyhow::Error::msg)?,
        None => vec![sc.seed],
    };
    let runs = (args.schedulers.len() * seeds.len()) as u64;
    let progress = if args.quiet {
        Progress::quiet(runs, sc.limits.end_time.as_millis())
    } else {
        Progress::new(runs, sc.limits.end_time.as_millis())
    };
    progress.set_phase("simulating", true);
    let outcome = match args.jobs {
        Some(0) => anyhow::bail!("--jobs: expected at least 1"),
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .context("cannot start worker threads")?
            .install(|| {
                compare_scenario(&sc, &args.schedulers, &seeds, &args.out, Some(&progress))
            }),
        None => compare_scenario(&sc, &args.schedulers, &seeds, &args.out, Some(&progress)),
    };
    progress.finish();
    let outcome = outcome?;
    let baseline = args.baseline.as_deref();
    let verdicts = decision::decide(&outcome.schedulers, &outcome.summaries, baseline);
    if !args.quiet {
        print!(
            "{}",
            decision::decision_table(&outcome.schedulers, &verdicts, baseline)
        );
        print!("{}", terminal::comparison_table(&outcome.comparison));
        println!(
            "{}",
            comparison_files::decision_cost_line(&outcome.decision_costs)
        );
    }
    println!("comparison: {}", outcome.dir.display());
    let failures: Vec<String> = gates
        .iter()
        .flat_map(|g| g.failures(&outcome.schedulers, &verdicts, baseline))
        .collect();
    if !failures.is_empty() {
        anyhow::bail!("--fail-if: regression:\n  {}", failures.join("\n  "));
    }
    Ok(())
}
