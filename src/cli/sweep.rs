//! `k8sim sweep` (every cell of a sweep file, or one shard of them, in parallel) and
//! `k8sim merge` (shard folders into the `sweep.csv` and `sweep_summary.csv` one machine
//! would have written).

use super::run::{load_scenario, resolve_scheduler, run_into};
use crate::input::overrides::Override;
use crate::input::sweep::{self, SweepSpec};
use crate::output::plots::{render_sweep_plots, SweepCells};
use crate::output::report::PLOTS_DIR;
use crate::output::results_path;
use crate::output::sweep_files::{self, Plan, PlanCell, SWEEP_CSV, SWEEP_SUMMARY_CSV};
use crate::scenario::Scenario;
use crate::scheduler::choice::SchedulerChoice;
use crate::sim::Simulation;
use crate::sweep::grid;
use crate::sweep::shard::Shard;
use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Most cells one sweep may hold.
pub const MAX_CELLS: usize = 1_000_000;

/// Figures plotted against each parameter when the sweep file names none.
pub const DEFAULT_FIGURES: [&str; 2] = ["sched_latency_p99_s", "nodes_used_avg"];

/// Arguments of `k8sim sweep`.
#[derive(Debug, clap::Args)]
pub struct SweepArgs {
    /// The sweep file (`kind: Sweep`).
    pub file: PathBuf,
    /// Sweep folder (default: `results/<sweep name>/sweep`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Runs at once (default: one per core). Results do not depend on it.
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// Run only the cells with index ≡ I (mod N): `I/N`, or `auto` to read I (and N) from
    /// JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID/COUNT (Slurm).
    #[arg(long, value_name = "I/N|auto")]
    pub shard: Option<String>,
    /// Number of shards for `--shard auto` in a Kubernetes Indexed Job (its completions).
    #[arg(long, value_name = "N")]
    pub shards: Option<usize>,
    /// Keep the cells already finished in the sweep folder and run only the others.
    #[arg(long)]
    pub resume: bool,
}

/// Arguments of `k8sim merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// Shard folders (each holds `shard-I-of-N.json` and its cells' run folders).
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Where to write `sweep.csv`, `sweep_summary.csv` and the plots.
    #[arg(long)]
    pub out: PathBuf,
}

/// A sweep ready to run: its spec, one loaded scenario per combination, and the plan.
pub struct Prepared {
    /// The sweep file.
    pub spec: SweepSpec,
    /// One scenario per parameter combination.
    pub scenarios: Vec<Scenario>,
    /// Every cell (this shard's plan).
    pub plan: Plan,
    /// Each (combination, scheduler name)'s resolved scheduler.
    pub schedulers: BTreeMap<(usize, String), SchedulerChoice>,
}

/// Reads a sweep file, loads the scenario of every parameter combination (an override
/// that names nothing, or a wrong value, fails here, before anything runs) and checks every
/// scheduler and figure.
pub fn prepare(file: &Path, shard: Shard) -> anyhow::Result<Prepared> {
    let spec = sweep::load(file)?;
    let known = crate::metrics::summary::figures();
    let figures: Vec<String> = if spec.figures.is_empty() {
        DEFAULT_FIGURES.iter().map(|f| f.to_string()).collect()
    } else {
        spec.figures.clone()
    };
    if let Some(f) = figures.iter().find(|f| !known.contains(&f.as_str())) {
        anyhow::bail!(
            "{}: field `figures`: unknown figure {f:?} (expected a summary.csv column: {})",
            file.display(),
            known.join(", ")
        );
    }
    let lens: Vec<usize> = spec.axes.iter().map(|a| a.values.len()).collect();
    let combos = grid::combinations(&lens, &spec.zip);
    let total = combos.len() * spec.schedulers.len() * spec.seeds.len();
    if total > MAX_CELLS {
        anyhow::bail!("{}: {total} cells is more than {MAX_CELLS}", file.display());
    }
    let mut scenarios = Vec::with_capacity(combos.len());
    let mut values = Vec::with_capacity(combos.len());
    for (k, combo) in combos.iter().enumerate() {
        let overrides: Vec<Override> = spec
            .axes
            .iter()
            .zip(combo)
            .map(|(a, &v)| Override {
                path: a.path.clone(),
                value: a.values[v].clone(),
            })
            .collect();
        let shown: Vec<String> = overrides.iter().map(Override::to_string).collect();
        let sc = load_scenario(Some(&spec.scenario), &overrides).with_context(|| {
            format!("{}: combination {k} ({})", file.display(), shown.join(", "))
        })?;
        values.push(
            overrides
                .iter()
                .map(|o| o.value.to_string())
                .collect::<Vec<_>>(),
        );
        scenarios.push(sc);
    }
    // Each combination's scheduler resolved once (a configuration file is read here, not
    // per run), and checked before any run starts.
    let mut choices = BTreeMap::new();
    for (k, sc) in scenarios.iter().enumerate() {
        for s in &spec.schedulers {
            let choice = resolve_scheduler(sc, s)
                .with_context(|| format!("{}: scheduler {s:?}", file.display()))?;
            if k == 0 {
                Simulation::with_registry(sc, spec.seeds[0], choice.clone(), super::registry())
                    .with_context(|| format!("{}: scheduler {s:?}", file.display()))?;
            }
            choices.insert((k, s.clone()), choice);
        }
    }
    let cells = grid::cells(combos.len(), spec.schedulers.len(), &spec.seeds)
        .into_iter()
        .map(|c| {
            let scheduler = spec.schedulers[c.scheduler].clone();
            let root = PathBuf::from("runs").join(format!("p{}", c.combination));
            let dir =
                results_path::run_dir(&root, &scenarios[c.combination].name, &scheduler, c.seed)
                    .map_err(anyhow::Error::msg)?;
            Ok(PlanCell {
                cell: c.index,
                combination: c.combination,
                params: values[c.combination].clone(),
                scheduler,
                seed: c.seed,
                dir: dir.to_string_lossy().replace('\\', "/"),
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let plan = Plan {
        sweep_id: spec.id.clone(),
        name: spec.name.clone(),
        params: spec.axes.iter().map(|a| a.path.to_string()).collect(),
        figures,
        shard: shard.index,
        shards: shard.count,
        cells,
    };
    Ok(Prepared {
        spec,
        scenarios,
        plan,
        schedulers: choices,
    })
}

/// Refuses a sweep folder that holds another sweep's plan.
fn check_folder(out: &Path, plan: &Plan) -> anyhow::Result<()> {
    if !out.exists() {
        return Ok(());
    }
    for (path, other) in sweep_files::read_plans(out).map_err(anyhow::Error::msg)? {
        if other.sweep_id != plan.sweep_id {
            anyhow::bail!(
                "{} holds sweep {} (id {}), not this sweep {} (id {}): choose another --out or remove it",
                path.display(),
                other.name,
                other.sweep_id,
                plan.name,
                plan.sweep_id
            );
        }
    }
    Ok(())
}

/// A bar over cells with an ETA, on stderr when it is a terminal.
fn cell_bar(cells: usize) -> ProgressBar {
    let target = if std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(Some(cells as u64), target);
    bar.set_style(
        ProgressStyle::with_template("[{bar:30}] {pos}/{len} cells · {elapsed} · ETA {eta}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar
}

/// Runs this shard's cells of `prepared` into `out` (finished ones kept with `resume`);
/// returns (cells run, cells kept).
pub fn run_cells(prepared: &Prepared, out: &Path, resume: bool) -> anyhow::Result<(usize, usize)> {
    let plan = &prepared.plan;
    check_folder(out, plan)?;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    sweep_files::write_plan(out, plan)
        .with_context(|| format!("cannot write the plan into {}", out.display()))?;
    let shard = Shard::new(plan.shard, plan.shards).map_err(anyhow::Error::msg)?;
    let header = sweep_files::summary_header();
    let mine: Vec<&PlanCell> = plan
        .cells
        .iter()
        .filter(|c| shard.contains(c.cell))
        .collect();
    let todo: Vec<&PlanCell> = mine
        .iter()
        .copied()
        .filter(|c| !resume || sweep_files::finished_summary(&out.join(&c.dir), &header).is_none())
        .collect();
    let bar = cell_bar(mine.len());
    bar.inc((mine.len() - todo.len()) as u64);
    let results: Vec<anyhow::Result<()>> = todo
        .par_iter()
        .map(|c| {
            let sc = &prepared.scenarios[c.combination];
            let r = run_into(
                sc,
                c.seed,
                &prepared.schedulers[&(c.combination, c.scheduler.clone())],
                &out.join(&c.dir),
                None,
                prepared.spec.run_plots,
                false,
            )
            .map(|_| ())
            .with_context(|| plan.describe(c));
            bar.inc(1);
            r
        })
        .collect();
    bar.finish_and_clear();
    for r in results {
        r?;
    }
    Ok((todo.len(), mine.len() - todo.len()))
}

/// Writes `sweep.csv`, `sweep_summary.csv` and the plots into `out` from the cells'
/// summaries found in `dirs`; fails naming every missing cell.
pub fn assemble(plan: &Plan, dirs: &[PathBuf], out: &Path) -> anyhow::Result<()> {
    let header = sweep_files::summary_header();
    let mut rows = Vec::with_capacity(plan.cells.len());
    let mut missing = Vec::new();
    for c in &plan.cells {
        match dirs
            .iter()
            .find_map(|d| sweep_files::finished_summary(&d.join(&c.dir), &header))
        {
            Some(row) => rows.push(row),
            None => missing.push(plan.describe(c)),
        }
    }
    if !missing.is_empty() {
        let shown: Vec<&str> = missing.iter().take(20).map(String::as_str).collect();
        anyhow::bail!(
            "{} of {} cells are missing (not run, interrupted, or written by another k8sim version): {}{}",
            missing.len(),
            plan.cells.len(),
            shown.join("; "),
            if missing.len() > 20 { "; ..." } else { "" }
        );
    }
    let groups = sweep_files::summarize(plan, &header, &rows);
    sweep_files::write_sweep_csv(&out.join(SWEEP_CSV), plan, &header, &rows)
        .and_then(|()| {
            sweep_files::write_sweep_summary(&out.join(SWEEP_SUMMARY_CSV), plan, &groups)
        })
        .with_context(|| format!("cannot write the sweep files into {}", out.display()))?;
    let mut schedulers: Vec<String> = Vec::new();
    for c in &plan.cells {
        if !schedulers.contains(&c.scheduler) {
            schedulers.push(c.scheduler.clone());
        }
    }
    let cells = SweepCells {
        params: &plan.params,
        cells: plan
            .cells
            .iter()
            .map(|c| (c.params.as_slice(), c.scheduler.as_str()))
            .collect(),
        rows: &rows,
        columns: header.split(',').collect(),
    };
    render_sweep_plots(&cells, &schedulers, &plan.figures, &out.join(PLOTS_DIR))
        .with_context(|| format!("cannot draw the sweep plots into {}", out.display()))?;
    Ok(())
}

/// `k8sim sweep`.
pub fn sweep(args: &SweepArgs) -> anyhow::Result<()> {
    let shard = match &args.shard {
        None if args.shards.is_some() => anyhow::bail!("--shards N goes with --shard auto"),
        None => Shard::WHOLE,
        Some(text) => Shard::parse(text, args.shards, |k| std::env::var(k).ok())
            .map_err(anyhow::Error::msg)?,
    };
    let prepared = prepare(&args.file, shard)?;
    for w in &prepared.scenarios[0].warnings {
        eprintln!("warning: {w}");
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("results").join(&prepared.spec.name).join("sweep"));
    let (ran, kept) = match args.jobs {
        Some(0) => anyhow::bail!("--jobs: expected at least 1"),
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .context("cannot start worker threads")?
            .install(|| run_cells(&prepared, &out, args.resume)),
        None => run_cells(&prepared, &out, args.resume),
    }?;
    let cells = prepared.plan.cells.len();
    if shard.count == 1 {
        assemble(&prepared.plan, std::slice::from_ref(&out), &out)?;
        println!(
            "sweep {}: {cells} cells ({ran} run, {kept} kept)",
            prepared.spec.name
        );
        println!("results: {}", out.join(SWEEP_CSV).display());
    } else {
        println!(
            "sweep {} shard {shard}: {} cells ({ran} run, {kept} kept) of {cells}",
            prepared.spec.name,
            ran + kept
        );
        println!(
            "when every shard is done: k8sim merge {} ... --out DIR",
            out.display()
        );
    }
    Ok(())
}

/// `k8sim merge`.
pub fn merge(args: &MergeArgs) -> anyhow::Result<()> {
    let mut plans: Vec<(PathBuf, Plan)> = Vec::new();
    for d in &args.dirs {
        let found = sweep_files::read_plans(d).map_err(anyhow::Error::msg)?;
        if found.is_empty() {
            anyhow::bail!(
                "{}: not a sweep folder (no shard-I-of-N.json): give the --out folders of `k8sim sweep --shard`",
                d.display()
            );
        }
        plans.extend(found);
    }
    let (first_path, first) = &plans[0];
    if let Some((path, other)) = plans.iter().find(|(_, p)| p.sweep_id != first.sweep_id) {
        anyhow::bail!(
            "shards of different sweeps: {} is sweep {} (id {}) but {} is sweep {} (id {})",
            first_path.display(),
            first.name,
            first.sweep_id,
            path.display(),
            other.name,
            other.sweep_id
        );
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    assemble(first, &args.dirs, &args.out)?;
    println!(
        "merged {} shard plans: {} cells",
        plans.len(),
        first.cells.len()
    );
    println!("results: {}", args.out.join(SWEEP_CSV).display());
    Ok(())
}
