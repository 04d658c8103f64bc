//! `k8sim plan`: the smallest (one node group) or cheapest (several) cluster for which
//! every SLO holds in every seed and fault case. The search is in [`crate::plan`]; this
//! module loads one scenario per candidate, runs seeds × fault cases in parallel and
//! writes `<out>/<scenario>/plan/plan.csv`.

mod answer;
mod faults;
mod search;

use crate::cli::compare::parse_seeds;
use crate::cli::run::{load_scenario, parse_overrides};
use crate::input::duration::parse_duration_ms;
use crate::output::atomic::{write_file, AtomicDir};
use crate::output::plots::render_plan_plots;
use crate::output::{report, results_path};
use crate::plan::slo::Slo;
use crate::scenario::Scenario;
use crate::sim::Simulation;
use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use answer::{answer_line, candidate_rows, candidate_table, curves, plan_csv};
use faults::fault_cases;
use search::{plan_same_count, plan_several_groups, Answer, Evaluated, Planner};

/// Which failures every candidate must survive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FaultMode {
    /// No failures.
    None,
    /// Each zone lost in turn (one case per zone and fault time).
    Zones,
    /// The busiest node (most CPU requested at the fault time) lost.
    Nodes,
}

/// Arguments of `k8sim plan`.
#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// Scenario file.
    pub scenario: PathBuf,
    /// Node group whose count is planned (repeatable: several groups give the cheapest mix).
    #[arg(long = "node-group", required = true, value_name = "NAME")]
    pub node_groups: Vec<String>,
    /// SLO that must hold in every seed and fault case, e.g. `pending_age_p99_s < 30s`,
    /// `pods_never_scheduled == 0`, `web:pending_age_max_s < 1m` (repeatable).
    #[arg(long = "slo", required = true, value_name = "EXPR")]
    pub slos: Vec<String>,
    /// Seeds: `A..B`, a list, or one seed; omitted: the scenario's seed.
    #[arg(long)]
    pub seeds: Option<String>,
    /// Failures to survive.
    #[arg(long, value_enum, default_value = "none")]
    pub faults: FaultMode,
    /// When the failure happens (repeatable); omitted: the busiest moment (most CPU
    /// requested) of the scenario as written, first seed.
    #[arg(long = "fault-at", value_name = "TIME")]
    pub fault_at: Vec<String>,
    /// The lost zone or node comes back this long after the fault; omitted: lost until
    /// the end of the run.
    #[arg(long = "recover-after", value_name = "DURATION")]
    pub recover_after: Option<String>,
    /// Several groups keep the same count (N per zone) instead of the cheapest mix.
    #[arg(long)]
    pub same_count: bool,
    /// Smallest count tried per group.
    #[arg(long, default_value_t = 1)]
    pub min: u32,
    /// Largest count tried per group.
    #[arg(long, default_value_t = 1000)]
    pub max: u32,
    /// Scheduler profile (default: the scenario's).
    #[arg(long)]
    pub scheduler: Option<String>,
    /// Override a scenario field (repeatable), as `run --set`.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Results root folder: the plan goes to `<out>/<scenario>/plan/`.
    #[arg(long, default_value = "results")]
    pub out: PathBuf,
    /// Runs at once (default: one per core). Results do not depend on it.
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Names of the scenario's top-level workloads (what per-workload SLOs may name).
fn workload_names(sc: &Scenario) -> Vec<String> {
    let mut names: Vec<String> = sc
        .objects
        .iter()
        .filter(|o| {
            matches!(
                o.object.kind(),
                "Deployment"
                    | "ReplicaSet"
                    | "StatefulSet"
                    | "DaemonSet"
                    | "Job"
                    | "CronJob"
                    | "Pod"
            )
        })
        .map(|o| o.object.key().1.to_owned())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// `k8sim plan`.
pub fn plan(args: &PlanArgs) -> anyhow::Result<()> {
    match args.jobs {
        Some(0) => bail!("--jobs: expected at least 1"),
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .context("cannot start worker threads")?
            .install(|| plan_in_pool(args)),
        None => plan_in_pool(args),
    }
}

/// `k8sim plan` inside the worker pool: checks the arguments, searches the counts,
/// writes the plan folder and prints the answer.
fn plan_in_pool(args: &PlanArgs) -> anyhow::Result<()> {
    let (planner, base, target) = prepare(args)?;
    let mut evaluated: Evaluated = BTreeMap::new();
    let outcome = if args.node_groups.len() == 1 || args.same_count {
        plan_same_count(&planner, &mut evaluated)?
    } else {
        plan_several_groups(&planner, &base, &mut evaluated)?
    };
    planner.bar.finish_and_clear();
    let headline = headline(&planner, &base, outcome.as_ref(), &evaluated);
    let rows = candidate_rows(&planner, &evaluated);
    let answer_nodes = outcome
        .as_ref()
        .map(|a| a.counts.iter().map(|n| *n as f64).sum());
    let written = PlanPage {
        scenario: &base.name,
        headline: &headline,
        rows: &rows,
        answer_nodes,
    };
    let dir = write_plan(&planner, &evaluated, &target, &written)?;
    if outcome.is_some() {
        println!("{headline}");
    }
    print!("{}", candidate_table(&rows));
    println!("plan: {}", dir.display());
    if outcome.is_none() {
        bail!("{headline}; raise --max or relax the SLOs");
    }
    Ok(())
}

/// Checks the arguments against the scenario before anything runs, and sets up the
/// search: the planner, the scenario as written and the plan folder to write.
fn prepare(args: &PlanArgs) -> anyhow::Result<(Planner<'_>, Scenario, PathBuf)> {
    if args.min > args.max {
        bail!("--min {} is larger than --max {}", args.min, args.max);
    }
    let overrides = parse_overrides(&args.set)?;
    let base = load_scenario(Some(&args.scenario), &overrides)?;
    check_node_groups(args, &base)?;
    let workloads = workload_names(&base);
    let slos = args
        .slos
        .iter()
        .map(|s| Slo::parse(s, &workloads).map_err(anyhow::Error::msg))
        .collect::<anyhow::Result<Vec<Slo>>>()?;
    let seeds = match &args.seeds {
        Some(text) => parse_seeds(text).map_err(anyhow::Error::msg)?,
        None => vec![base.seed],
    };
    let scheduler = args
        .scheduler
        .clone()
        .unwrap_or_else(|| base.scheduler.clone());
    let scheduler = crate::cli::run::resolve_scheduler(&base, &scheduler)
        .and_then(|choice| {
            Simulation::with_registry(&base, seeds[0], choice.clone(), crate::cli::registry())?;
            Ok(choice)
        })
        .with_context(|| format!("scheduler {scheduler:?}"))?;
    let target = results_path::plan_dir(&args.out, &base.name).map_err(anyhow::Error::msg)?;
    let faults = fault_cases(args, &base, &scheduler, seeds[0])?;
    let recover_after_ms = recover_after_ms(args)?;
    AtomicDir::preflight(&target)
        .with_context(|| format!("cannot write results to {}", target.display()))?;
    let planner = Planner {
        args,
        overrides,
        scheduler,
        seeds,
        slos,
        faults,
        recover_after_ms,
        bar: progress_bar(args.quiet),
    };
    Ok((planner, base, target))
}

/// Every `--node-group` must name a node group of the scenario, and only once.
fn check_node_groups(args: &PlanArgs, base: &Scenario) -> anyhow::Result<()> {
    for g in &args.node_groups {
        if !base
            .nodes
            .iter()
            .any(|n| n.group.as_deref() == Some(g.as_str()))
        {
            let mut groups: Vec<&str> = base
                .nodes
                .iter()
                .filter_map(|n| n.group.as_deref())
                .collect();
            groups.dedup();
            bail!(
                "--node-group {g:?}: the scenario has no node group named so (node groups: {})",
                groups.join(", ")
            );
        }
    }
    let mut unique = args.node_groups.clone();
    unique.sort();
    unique.dedup();
    if unique.len() != args.node_groups.len() {
        bail!("--node-group: a group is named twice");
    }
    Ok(())
}

/// `--recover-after` in ms; it only makes sense with `--faults zones` or `nodes`.
fn recover_after_ms(args: &PlanArgs) -> anyhow::Result<Option<u64>> {
    Ok(match &args.recover_after {
        Some(_) if args.faults == FaultMode::None => {
            bail!("--recover-after needs --faults zones or --faults nodes")
        }
        Some(t) => {
            Some(parse_duration_ms(t).map_err(|e| anyhow::anyhow!("--recover-after {t:?}: {e}"))?)
        }
        None => None,
    })
}

/// A spinner with the runs done and the time spent; hidden with `--quiet` or when
/// stderr is not a terminal.
fn progress_bar(quiet: bool) -> ProgressBar {
    let bar = if quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos} runs · {elapsed} · {msg}")
            .expect("valid template"),
    );
    bar
}

/// The answer line, or (no answer) the line saying no count up to `--max` meets the SLOs.
fn headline(
    planner: &Planner,
    base: &Scenario,
    outcome: Option<&Answer>,
    evaluated: &Evaluated,
) -> String {
    let slo_list = planner
        .slos
        .iter()
        .map(|s| s.text.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    match outcome {
        Some(answer) => answer_line(planner, base, answer, evaluated),
        None => format!(
            "no count up to --max {} meets every SLO ({slo_list})",
            planner.args.max
        ),
    }
}

/// What the plan's report page shows besides the plots' data.
struct PlanPage<'a> {
    /// The scenario's name.
    scenario: &'a str,
    /// The answer line.
    headline: &'a str,
    /// Per candidate: counts, runs passed, verdict.
    rows: &'a [(String, String, &'static str)],
    /// Nodes of the answer, marked on the plots.
    answer_nodes: Option<f64>,
}

/// Writes the plan folder `target` all at once: plan.csv, the plots and report.html.
/// Returns the folder written.
fn write_plan(
    planner: &Planner,
    evaluated: &Evaluated,
    target: &Path,
    page: &PlanPage,
) -> anyhow::Result<PathBuf> {
    let dir = AtomicDir::create(target)
        .with_context(|| format!("cannot write results to {}", target.display()))?;
    write_file(
        &dir.path().join("plan.csv"),
        plan_csv(planner, evaluated).as_bytes(),
    )
    .map_err(anyhow::Error::new)
    .and_then(|()| {
        let plots = render_plan_plots(&curves(planner, evaluated), page.answer_nodes, dir.path())?;
        let header = ["candidate", "runs passed", "verdict"];
        let table: Vec<Vec<String>> = page
            .rows
            .iter()
            .map(|(c, p, v)| vec![c.clone(), p.clone(), (*v).to_owned()])
            .collect();
        report::render_plan_report(
            dir.path(),
            page.scenario,
            page.headline,
            &header,
            &table,
            &plots,
        )?;
        Ok(())
    })
    .with_context(|| format!("cannot write results into {}", target.display()))?;
    dir.commit()
        .with_context(|| format!("cannot move results into {}", target.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_of_a_plan_is_under_the_scenario() {
        use std::path::Path;
        assert_eq!(
            results_path::plan_dir(Path::new("out"), "shop").unwrap(),
            Path::new("out/shop/plan")
        );
    }
}
