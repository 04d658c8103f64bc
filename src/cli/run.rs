//! `k8sim run` and `k8sim validate`.

use super::progress::Progress;
use crate::input::error::InputErrors;
use crate::input::manifest;
use crate::input::overrides::Override;
use crate::input::scenario;
use crate::input::scheduler_config;
use crate::metrics::summary::Summary;
use crate::model::events_file::{EventsFile, AUTO_EVENTS_LIMIT};
use crate::model::resources::ResourceNames;
use crate::output::atomic::AtomicDir;
use crate::output::{results_path, run_files, terminal};
use crate::scenario::Scenario;
use crate::scheduler::choice::SchedulerChoice;
use crate::scheduler::config::build_profiles;
use crate::scheduler::plugins::registry::Registry;
use crate::scheduler::ConfigError;
use crate::sim::projection;
use crate::sim::scheduling::DecisionCost;
use crate::sim::setup::{check_size, scheduler_profiles, SetupError};
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
    /// Do not print the summary table nor the progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    /// Override a scenario field, e.g. `--set cluster.nodes[worker].count=20`,
    /// `--set runtime.image_pull=30s`, `--set workloads[web].replicas=200` (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// What to write: `all` (CSVs, plots and report.html) or `csv` (the CSVs only, much
    /// faster for scripted runs; `k8sim report DIR` renders the rest later).
    #[arg(long, value_enum, default_value_t = Outputs::All)]
    pub outputs: Outputs,
    /// Check every invariant of the simulation after every event (slow; for tests and
    /// bug reports): a broken one stops the run naming it, the objects and the seed.
    #[arg(long)]
    pub check: bool,
}

/// Which files a run writes into its folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Outputs {
    /// The CSVs, the plots and report.html.
    All,
    /// The CSVs only (no plots, no report).
    Csv,
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
    run_scenario_with(sc, seed, scheduler, out, progress, Outputs::All, false)
}

/// [`run_scenario_with_progress`] writing only the `outputs` asked for into
/// `<out>/<scenario>/<scheduler>/seed-<n>/` (names checked to stay one folder each);
/// `process_exits` as for [`run_into`].
pub fn run_scenario_with(
    sc: &Scenario,
    seed: u64,
    scheduler: &str,
    out: &Path,
    progress: Option<&Progress>,
    outputs: Outputs,
    process_exits: bool,
) -> anyhow::Result<(Summary, PathBuf)> {
    let target =
        results_path::run_dir(out, &sc.name, scheduler, seed).map_err(anyhow::Error::msg)?;
    run_into(
        sc,
        seed,
        &resolve_scheduler(sc, scheduler)?,
        &target,
        progress,
        outputs == Outputs::All,
        process_exits,
    )
    .map(|(summary, path, _)| (summary, path))
}

/// The file that marks a run folder as partial: the run stopped at a `limits.max_memory`
/// or `limits.max_wall` ceiling before its end time.
pub const PARTIAL_FILE: &str = "partial.txt";

/// Resolves a run's `scheduler` for `sc`: a built-in name, or a KubeSchedulerConfiguration
/// file read and parsed here, once (building a simulation reads no file).
pub fn resolve_scheduler(sc: &Scenario, scheduler: &str) -> anyhow::Result<SchedulerChoice> {
    Ok(scheduler_config::resolve(sc, scheduler)?)
}

/// Runs a loaded scenario and writes its CSVs (and, with `report`, its plots and
/// report.html) into `target`, replacing it only once everything is written. Returns the
/// summary, the run folder and the wall-clock cost of the scheduling decisions.
///
/// With `process_exits` (a single `k8sim run`, whose process ends right after), the
/// simulation and its record are left to the operating system instead of being freed one
/// small allocation at a time, which costs ~6 % of a 100-node run (BENCHMARKS.md, issue 14).
pub fn run_into(
    sc: &Scenario,
    seed: u64,
    scheduler: &SchedulerChoice,
    target: &Path,
    progress: Option<&Progress>,
    report: bool,
    process_exits: bool,
) -> anyhow::Result<(Summary, PathBuf, DecisionCost)> {
    let mut sim = Simulation::with_registry(sc, seed, scheduler.clone(), super::registry())?;
    // Everything about the destination is checked before simulating (issue 18): a file in
    // the way, an unwritable folder.
    let dir = AtomicDir::create(target)
        .with_context(|| format!("cannot write results to {}", target.display()))?;
    if let Some(p) = progress {
        p.set_phase("simulating", false);
    }
    let mut tracker = progress.map(Progress::run_tracker);
    sim.run_with_progress(|now, events| {
        if let Some(t) = tracker.as_mut() {
            t.update(now, events);
        }
    })
    // The error names the seed and the command that reproduces the run.
    .context("simulation stopped")?;
    if let Some(t) = tracker {
        t.done(sim.now().as_millis(), sim.engine.processed());
    }
    if let Some(p) = progress {
        p.set_phase("writing outputs", false);
    }
    let summary = sim.summary();
    let record = sim.take_record(summary);
    let written = run_files::write_all(&record, dir.path())
        .with_context(|| format!("cannot write results into {}", target.display()))?;
    if report {
        crate::output::report::render_record_report(&record, &written, dir.path())
            .with_context(|| format!("cannot render the report of {}", target.display()))?;
    }
    if let Some(reason) = &sim.partial {
        crate::output::atomic::write_file(
            &dir.path().join(PARTIAL_FILE),
            format!("partial results: {reason}\n").as_bytes(),
        )
        .with_context(|| format!("cannot write results into {}", target.display()))?;
    }
    let path = dir
        .commit()
        .with_context(|| format!("cannot move results into {}", target.display()))?;
    if let Some(reason) = &sim.partial {
        anyhow::bail!(
            "run stopped early by {reason}; partial results (marked by {PARTIAL_FILE}) in {}",
            path.display()
        );
    }
    let cost = sim.scheduler.decision_cost;
    if process_exits {
        let summary = record.summary.clone();
        std::mem::forget(record);
        std::mem::forget(sim);
        return Ok((summary, path, cost));
    }
    Ok((record.summary, path, cost))
}

/// `k8sim run`.
pub fn run(args: &RunArgs) -> anyhow::Result<()> {
    let progress = if args.quiet {
        Progress::quiet(1, 0)
    } else {
        Progress::new(1, 0)
    };
    let mut sc = load_scenario(args.scenario.as_deref(), &parse_overrides(&args.set)?)?;
    sc.check_invariants = args.check;
    progress.set_run_ms(sc.limits.end_time.as_millis());
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
    let result = run_scenario_with(
        &sc,
        seed,
        &scheduler,
        &args.out,
        Some(&progress),
        args.outputs,
        true,
    );
    progress.finish();
    let (summary, path) = result?;
    if !args.quiet {
        print!("{}", terminal::summary_table(&summary));
        if sc.events_file == EventsFile::Auto && !path.join("events.csv").exists() {
            println!(
                "note: events.csv left out: more than {} events (metrics.events: all writes it)",
                crate::model::thousands::thousands(AUTO_EVENTS_LIMIT as u64)
            );
        }
    }
    println!("results: {}", path.display());
    Ok(())
}

/// `k8sim validate FILE...`: a file with a top-level `kind: Sweep` is a sweep file (checked
/// with every combination's scenario), one whose top-level `kind:` is
/// KubeSchedulerConfiguration a scheduler configuration, one with a top-level `cluster:` or
/// `workloads:` key a scenario, anything else a manifest file. Each is checked as far as
/// `run` checks it: a scenario's `scheduler:` is resolved and its profiles built.
pub fn validate(files: &[PathBuf]) -> anyhow::Result<()> {
    let mut problems: Vec<String> = Vec::new();
    for f in files {
        // Read as bytes: a file that is not UTF-8 gets the manifest loader's error with its line.
        let text = match crate::input::limits::read_capped(f) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => {
                problems.push(format!("error: {}: cannot read: {e}", f.display()));
                continue;
            }
        };
        if crate::input::sweep::is_sweep(&text) {
            match super::sweep::prepare(f, crate::sweep::shard::Shard::WHOLE) {
                Ok(_) => println!("ok: {}", f.display()),
                Err(e) => problems.push(format!("error: {e:#}")),
            }
            continue;
        }
        let top_level = |key: &str| text.lines().any(|l| l.starts_with(key));
        let result = if text
            .lines()
            .any(|l| l.starts_with("kind:") && l.contains("KubeSchedulerConfiguration"))
        {
            validate_scheduler_config(f)
        } else if top_level("cluster:") || top_level("workloads:") {
            validate_scenario(f, &text)
        } else {
            manifest::load_file(f, &mut ResourceNames::default())
                .map(|_| ())
                .map_err(|e| InputErrors(e).to_string())
        };
        match result {
            Ok(()) => println!("ok: {}", f.display()),
            Err(e) => problems.push(e),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        anyhow::bail!("{}", problems.join("\n"))
    }
}

/// A KubeSchedulerConfiguration file read and its profiles built, as `--scheduler FILE` does.
fn validate_scheduler_config(f: &Path) -> Result<(), String> {
    let mut resources = ResourceNames::default();
    let config = scheduler_config::load(f, &mut resources).map_err(|e| e.to_string())?;
    build_profiles(&config, &Registry::in_tree(), &resources)
        .map(|_| ())
        .map_err(|e| format!("error: {e}"))
}

/// A scenario loaded and its `scheduler:` resolved into profiles, as `run` does.
fn validate_scenario(f: &Path, text: &str) -> Result<(), String> {
    let sc = scenario::load(f).map_err(|e| e.to_string())?;
    let scheduler = scheduler_config::resolve(&sc, &sc.scheduler).map_err(|e| e.to_string())?;
    scheduler_profiles(&sc, &scheduler, super::registry())
        .and_then(|_| check_size(&sc, &sc.limits))
        .map(|()| println!("projected: {}", projection::project(&sc)))
        .map_err(|e| match e {
            SetupError::TooLarge(message) => message,
            // Names its own file and line (the KubeSchedulerConfiguration's).
            SetupError::Scheduler(e @ ConfigError::Invalid { .. }) => format!("error: {e}"),
            other => {
                let line = text
                    .lines()
                    .position(|l| l.starts_with("scheduler:"))
                    .map(|i| format!(":{}", i + 1))
                    .unwrap_or_default();
                format!("error: {}{line}: field `scheduler`: {other}", f.display())
            }
        })
}
