//! `k8sim run` and `k8sim validate`.

use super::progress::Progress;
use crate::input::error::InputErrors;
use crate::input::manifest;
use crate::input::overrides::Override;
use crate::input::scenario::{self, Scenario};
use crate::metrics::summary::Summary;
use crate::model::resources::ResourceNames;
use crate::output::atomic::AtomicDir;
use crate::output::{run_files, terminal};
use crate::sim::Simulation;
use anyhow::Context;
use std::path::{Path, PathBuf};

/// Arguments of `k8sim run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Scenario file; omitted: the built-in seed scenario.
    pub scenario: Option<PathBuf>,
    /// Results root folder.
    #[arg(long, default_value = "results")]
    pub out: PathBuf,
    /// Seed (overrides the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Scheduler profile (overrides the scenario's).
    #[arg(long)]
    pub scheduler: Option<String>,
    /// Do not print the summary table.
    #[arg(long, short)]
    pub quiet: bool,
    /// Override a scenario field, e.g. `--set cluster.nodes[worker].count=20`,
    /// `--set runtime.image_pull=30s`, `--set workloads[web].replicas=200` (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
}

/// Parses `--set PATH=VALUE` arguments.
pub fn parse_overrides(args: &[String]) -> anyhow::Result<Vec<Override>> {
    args.iter()
        .map(|a| Override::parse(a).map_err(anyhow::Error::msg))
        .collect()
}

/// Loads the scenario at `path`, or the built-in one, with `overrides` applied.
pub fn load_scenario(path: Option<&Path>, overrides: &[Override]) -> Result<Scenario, InputErrors> {
    match path {
        Some(p) => scenario::load_with(p, overrides),
        None => scenario::load_builtin_with(overrides),
    }
}

/// Runs a loaded scenario and writes `<out>/<scenario>/<scheduler>/seed-<n>/`.
pub fn run_scenario(
    sc: &Scenario,
    seed: u64,
    scheduler: &str,
    out: &Path,
) -> anyhow::Result<(Summary, PathBuf)> {
    run_scenario_with_progress(sc, seed, scheduler, out, None)
}

/// [`run_scenario`], reporting simulated time and events to `progress` when given.
pub fn run_scenario_with_progress(
    sc: &Scenario,
    seed: u64,
    scheduler: &str,
    out: &Path,
    progress: Option<&Progress>,
) -> anyhow::Result<(Summary, PathBuf)> {
    let target = run_dir(out, &sc.name, scheduler, seed);
    run_into(sc, seed, scheduler, &target, progress, true)
}

/// The run folder `<out>/<scenario>/<scheduler>/seed-<n>/`; a KubeSchedulerConfiguration
/// path becomes its file stem.
pub fn run_dir(out: &Path, scenario: &str, scheduler: &str, seed: u64) -> PathBuf {
    let scheduler_dir = if crate::input::scheduler_config::looks_like_file(scheduler) {
        Path::new(scheduler)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "config".to_string())
    } else {
        scheduler.to_string()
    };
    out.join(scenario)
        .join(scheduler_dir)
        .join(format!("seed-{seed}"))
}

/// Runs a loaded scenario and writes its CSVs (and, with `report`, its plots and
/// report.html) into `target`, replacing it only once everything is written.
pub fn run_into(
    sc: &Scenario,
    seed: u64,
    scheduler: &str,
    target: &Path,
    progress: Option<&Progress>,
    report: bool,
) -> anyhow::Result<(Summary, PathBuf)> {
    let mut sim = Simulation::with_registry(sc, seed, scheduler, super::registry())?;
    let mut tracker = progress.map(Progress::run_tracker);
    sim.run_with_progress(|now, events| {
        if let Some(t) = tracker.as_mut() {
            t.update(now, events);
        }
    })
    .with_context(|| {
        format!(
            "simulation stopped (reproduce with: k8sim run {} --seed {seed})",
            sc.source.display()
        )
    })?;
    if let Some(t) = tracker {
        t.done(sim.now().as_millis(), sim.engine.processed());
    }
    let summary = sim.summary();
    let dir = AtomicDir::create(target)
        .with_context(|| format!("cannot create results folder {}", target.display()))?;
    run_files::write_all(&sim, &summary, dir.path())
        .with_context(|| format!("cannot write results into {}", target.display()))?;
    if report {
        crate::output::report::render_report(dir.path())
            .with_context(|| format!("cannot render the report of {}", target.display()))?;
    }
    let path = dir
        .commit()
        .with_context(|| format!("cannot move results into {}", target.display()))?;
    Ok((summary, path))
}

/// `k8sim run`.
pub fn run(args: &RunArgs) -> anyhow::Result<()> {
    let sc = load_scenario(args.scenario.as_deref(), &parse_overrides(&args.set)?)?;
    for w in &sc.warnings {
        eprintln!("warning: {w}");
    }
    if !sc.not_simulated.is_empty() {
        let list: Vec<String> = sc
            .not_simulated
            .iter()
            .map(|(k, n)| format!("{k} ({n})"))
            .collect();
        eprintln!("note: accepted but not simulated: {}", list.join(", "));
    }
    let seed = args.seed.unwrap_or(sc.seed);
    let scheduler = args
        .scheduler
        .clone()
        .unwrap_or_else(|| sc.scheduler.clone());
    let progress = Progress::new(1, sc.limits.end_time.as_millis());
    let result = run_scenario_with_progress(&sc, seed, &scheduler, &args.out, Some(&progress));
    progress.finish();
    let (summary, path) = result?;
    if !args.quiet {
        print!("{}", terminal::summary_table(&summary));
    }
    println!("results: {}", path.display());
    Ok(())
}

/// `k8sim validate FILE...`: a file with a top-level `kind: Sweep` is a sweep file (checked
/// with every combination's scenario), one with a top-level `cluster:` or `workloads:` key
/// a scenario, anything else a manifest file.
pub fn validate(files: &[PathBuf]) -> anyhow::Result<()> {
    let mut problems: Vec<String> = Vec::new();
    for f in files {
        // Read as bytes: a file that is not UTF-8 gets the manifest loader's error with its line.
        let text = match std::fs::read(f) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => {
                problems.push(format!("error: {}: cannot read: {e}", f.display()));
                continue;
            }
        };
        let is_scenario = text
            .lines()
            .any(|l| l.starts_with("cluster:") || l.starts_with("workloads:"));
        if crate::input::sweep::is_sweep(&text) {
            match super::sweep::prepare(f, crate::sweep::shard::Shard::WHOLE) {
                Ok(_) => println!("ok: {}", f.display()),
                Err(e) => problems.push(format!("error: {e:#}")),
            }
            continue;
        }
        let result = if is_scenario {
            scenario::load(f).map(|_| ())
        } else {
            manifest::load_file(f, &mut ResourceNames::default())
                .map(|_| ())
                .map_err(InputErrors)
        };
        match result {
            Ok(()) => println!("ok: {}", f.display()),
            Err(e) => problems.push(e.to_string()),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        anyhow::bail!("{}", problems.join("\n"))
    }
}
