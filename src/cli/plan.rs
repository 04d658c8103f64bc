//! `k8sim plan`: the smallest (one node group) or cheapest (several) cluster for which
//! every SLO holds in every seed and fault case. The search is in [`crate::plan`]; this
//! module loads one scenario per candidate, runs seeds × fault cases in parallel and
//! writes `<out>/<scenario>/plan/plan.csv`.

use super::compare::parse_seeds;
use super::run::{load_scenario, parse_overrides};
use crate::engine::SimTime;
use crate::input::duration::parse_duration_ms;
use crate::input::overrides::Override;
use crate::input::scenario::{Scenario, TimelineEntry};
use crate::input::timeline::Action;
use crate::metrics::waits::by_workload;
use crate::model::resources::{CPU, MEMORY};
use crate::output::atomic::{write_file, AtomicDir};
use crate::output::plots::{render_plan_plots, PlanCurve};
use crate::output::{report, results_path};
use crate::plan::slo::{Op, RunFigures, Slo};
use crate::plan::{search, SearchOutcome};
use crate::sim::waits::pod_waits;
use crate::sim::Simulation;
use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;

/// The zone label `--faults zones` groups nodes by.
const ZONE_LABEL: &str = "topology.kubernetes.io/zone";
/// Most candidate mixes a several-group plan may enumerate.
const MAX_MIXES: usize = 200_000;

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

/// A failure injected into a run.
#[derive(Debug, Clone, PartialEq)]
enum FaultCase {
    /// No failure.
    None,
    /// Zone `zone` lost at `at_ms` until the end.
    Zone { zone: String, at_ms: u64 },
    /// The busiest node lost at `at_ms` until the end.
    BusiestNode { at_ms: u64 },
}

impl FaultCase {
    fn describe(&self) -> String {
        match self {
            FaultCase::None => "none".into(),
            FaultCase::Zone { zone, at_ms } => format!("{zone} lost at {}", clock(*at_ms)),
            FaultCase::BusiestNode { at_ms } => format!("busiest node lost at {}", clock(*at_ms)),
        }
    }
}

/// `13h`, `1h30m`, `45s`: a simulated time for messages.
fn clock(ms: u64) -> String {
    crate::kubectl::human_duration(ms)
}

/// One run of a candidate: its seed, fault case and figures.
#[derive(Debug, Clone)]
struct CaseResult {
    seed: u64,
    fault: usize,
    /// The busiest node lost (fault `nodes`), for the table.
    node: Option<String>,
    values: Vec<f64>,
    pass: bool,
}

/// Everything fixed across candidates.
struct Planner<'a> {
    args: &'a PlanArgs,
    overrides: Vec<Override>,
    scheduler: String,
    seeds: Vec<u64>,
    slos: Vec<Slo>,
    faults: Vec<FaultCase>,
    recover_after_ms: Option<u64>,
    bar: ProgressBar,
}

impl Planner<'_> {
    /// The scenario with the groups at `counts` (and the user's `--set`s).
    fn scenario(&self, counts: &[u32]) -> anyhow::Result<Scenario> {
        let mut overrides = self.overrides.clone();
        for (group, n) in self.args.node_groups.iter().zip(counts) {
            overrides.push(
                Override::parse(&format!("cluster.nodes[{group}].count={n}"))
                    .map_err(anyhow::Error::msg)?,
            );
        }
        load_scenario(Some(&self.args.scenario), &overrides).map_err(anyhow::Error::new)
    }

    /// With `--recover-after`, adds the recovery `recover` that long after the fault (when
    /// that is before the end of the run).
    fn push_recovery(&self, sc: &mut Scenario, at_ms: u64, recover: Action) {
        if let Some(after) = self.recover_after_ms {
            let back = at_ms.saturating_add(after);
            if back < sc.limits.end_time.as_millis() {
                push_fault(sc, back, recover);
            }
        }
    }

    /// Runs one seed × fault case of a candidate.
    fn run_case(&self, counts: &[u32], seed: u64, fault: usize) -> anyhow::Result<CaseResult> {
        let mut sc = self.scenario(counts)?;
        let mut node = None;
        match &self.faults[fault] {
            FaultCase::None => {}
            FaultCase::Zone { zone, at_ms } => {
                let (label, value) = (ZONE_LABEL.to_owned(), zone.clone());
                push_fault(
                    &mut sc,
                    *at_ms,
                    Action::ZoneFail {
                        label: label.clone(),
                        value: value.clone(),
                    },
                );
                self.push_recovery(&mut sc, *at_ms, Action::ZoneRecover { label, value });
            }
            FaultCase::BusiestNode { at_ms } => {
                let busiest = busiest_node(&sc, seed, &self.scheduler, *at_ms)?;
                push_fault(&mut sc, *at_ms, Action::NodeFail(busiest.clone()));
                self.push_recovery(&mut sc, *at_ms, Action::NodeRecover(busiest.clone()));
                node = Some(busiest);
            }
        }
        let mut sim = Simulation::with_registry(&sc, seed, &self.scheduler, super::registry())?;
        sim.run()
            .with_context(|| format!("run of {counts:?} with seed {seed}"))?;
        let figures = RunFigures {
            summary: sim.summary(),
            workloads: by_workload(&pod_waits(&sim))
                .into_iter()
                .map(|(k, s)| (k.name, s))
                .collect(),
        };
        let values: Vec<f64> = self.slos.iter().map(|s| s.value(&figures)).collect();
        let pass = self.slos.iter().zip(&values).all(|(s, v)| s.holds(*v));
        self.bar.inc(1);
        Ok(CaseResult {
            seed,
            fault,
            node,
            values,
            pass,
        })
    }

    /// Every seed × fault case of a candidate, in parallel, in (seed, fault) order.
    fn run_candidate(&self, counts: &[u32]) -> anyhow::Result<Vec<CaseResult>> {
        let cases: Vec<(u64, usize)> = self
            .seeds
            .iter()
            .flat_map(|&s| (0..self.faults.len()).map(move |f| (s, f)))
            .collect();
        cases
            .par_iter()
            .map(|&(seed, fault)| self.run_case(counts, seed, fault))
            .collect()
    }
}

/// Adds `action` at `at_ms` to the scenario's timeline (kept sorted by time).
fn push_fault(sc: &mut Scenario, at_ms: u64, action: Action) {
    sc.timeline.push(TimelineEntry {
        at: SimTime::from_millis(at_ms),
        action,
        index: sc.timeline.len(),
        line: 0,
    });
    sc.timeline.sort_by_key(|e| e.at);
}

/// The present node with the most CPU requested at `at_ms` (the first of equals).
fn busiest_node(sc: &Scenario, seed: u64, scheduler: &str, at_ms: u64) -> anyhow::Result<String> {
    let mut limits = sc.limits;
    limits.end_time = SimTime::from_millis(at_ms);
    let mut sim =
        Simulation::with_registry_and_limits(sc, seed, scheduler, super::registry(), limits)?;
    sim.run()?;
    let nodes = &sim.cluster.nodes;
    (0..nodes.names.len())
        .filter(|&i| nodes.present[i])
        .max_by_key(|&i| (nodes.requested[i].get(CPU), std::cmp::Reverse(i)))
        .map(|i| nodes.names[i].clone())
        .context("the cluster has no node to lose")
}

/// The time of the largest CPU allocation of a run of `sc` (first seed), ms.
fn busiest_moment(sc: &Scenario, seed: u64, scheduler: &str) -> anyhow::Result<u64> {
    let mut sim = Simulation::with_registry(sc, seed, scheduler, super::registry())?;
    sim.run().context("the baseline run for --fault-at")?;
    let best = sim
        .recorder
        .samples
        .iter()
        .fold(None::<(f64, u64)>, |best, s| {
            let v = s.cpu_allocated_ratio;
            match best {
                Some((b, _)) if b >= v => best,
                _ => Some((v, s.time.as_millis())),
            }
        });
    Ok(best.map(|(_, t)| t).unwrap_or(0))
}

/// The fault cases asked for; `--fault-at` times checked against the duration.
fn fault_cases(
    args: &PlanArgs,
    sc: &Scenario,
    scheduler: &str,
    seed: u64,
) -> anyhow::Result<Vec<FaultCase>> {
    let end = sc.limits.end_time.as_millis();
    let mut times = Vec::new();
    for t in &args.fault_at {
        let ms = parse_duration_ms(t).map_err(|e| anyhow::anyhow!("--fault-at {t:?}: {e}"))?;
        if ms >= end {
            bail!(
                "--fault-at {t}: the scenario ends at {} (duration)",
                clock(end)
            );
        }
        times.push(ms);
    }
    if args.faults != FaultMode::None && times.is_empty() {
        times.push(busiest_moment(sc, seed, scheduler)?);
    }
    Ok(match args.faults {
        FaultMode::None => {
            if !args.fault_at.is_empty() {
                bail!("--fault-at needs --faults zones or --faults nodes");
            }
            vec![FaultCase::None]
        }
        FaultMode::Zones => {
            let zones: std::collections::BTreeSet<&str> = sc
                .nodes
                .iter()
                .filter_map(|n| n.labels.get(ZONE_LABEL).map(String::as_str))
                .collect();
            if zones.len() < 2 {
                bail!(
                    "--faults zones: the scenario's nodes span {} zone(s) ({ZONE_LABEL}); losing a zone needs at least two",
                    zones.len()
                );
            }
            times
                .iter()
                .flat_map(|&at_ms| {
                    zones.iter().map(move |z| FaultCase::Zone {
                        zone: (*z).to_owned(),
                        at_ms,
                    })
                })
                .collect()
        }
        FaultMode::Nodes => times
            .into_iter()
            .map(|at_ms| FaultCase::BusiestNode { at_ms })
            .collect(),
    })
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

/// A node group's shape for the answer line: `4 cpu / 16Gi`.
fn shape(sc: &Scenario, group: &str) -> String {
    sc.nodes
        .iter()
        .find(|n| n.group.as_deref() == Some(group))
        .map(|n| {
            let cpu = n.allocatable.get(CPU) as f64 / 1000.0;
            let gib = n.allocatable.get(MEMORY) as f64 / (1u64 << 30) as f64;
            format!("{cpu} cpu / {gib}Gi")
        })
        .unwrap_or_default()
}

/// Every candidate evaluated: counts → its runs.
type Evaluated = BTreeMap<Vec<u32>, Vec<CaseResult>>;

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

fn plan_in_pool(args: &PlanArgs) -> anyhow::Result<()> {
    if args.min > args.max {
        bail!("--min {} is larger than --max {}", args.min, args.max);
    }
    let overrides = parse_overrides(&args.set)?;
    let base = load_scenario(Some(&args.scenario), &overrides)?;
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
    Simulation::with_registry(&base, seeds[0], &scheduler, super::registry())
        .with_context(|| format!("scheduler {scheduler:?}"))?;
    let target = results_path::plan_dir(&args.out, &base.name).map_err(anyhow::Error::msg)?;
    let faults = fault_cases(args, &base, &scheduler, seeds[0])?;
    let recover_after_ms = match &args.recover_after {
        Some(_) if args.faults == FaultMode::None => {
            bail!("--recover-after needs --faults zones or --faults nodes")
        }
        Some(t) => {
            Some(parse_duration_ms(t).map_err(|e| anyhow::anyhow!("--recover-after {t:?}: {e}"))?)
        }
        None => None,
    };
    AtomicDir::preflight(&target)
        .with_context(|| format!("cannot write results to {}", target.display()))?;
    let bar = if args.quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos} runs · {elapsed} · {msg}")
            .expect("valid template"),
    );
    let planner = Planner {
        args,
        overrides,
        scheduler,
        seeds,
        slos,
        faults,
        recover_after_ms,
        bar,
    };
    let mut evaluated: Evaluated = BTreeMap::new();
    let outcome = if args.node_groups.len() == 1 || args.same_count {
        plan_same_count(&planner, &mut evaluated)?
    } else {
        plan_several_groups(&planner, &base, &mut evaluated)?
    };
    planner.bar.finish_and_clear();
    let slo_list = planner
        .slos
        .iter()
        .map(|s| s.text.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let headline = match &outcome {
        Some(answer) => answer_line(&planner, &base, answer, &evaluated),
        None => format!(
            "no count up to --max {} meets every SLO ({slo_list})",
            args.max
        ),
    };
    let rows = candidate_rows(&planner, &evaluated);
    let dir = AtomicDir::create(&target)
        .with_context(|| format!("cannot write results to {}", target.display()))?;
    write_file(
        &dir.path().join("plan.csv"),
        plan_csv(&planner, &evaluated).as_bytes(),
    )
    .map_err(anyhow::Error::new)
    .and_then(|()| {
        let answer_nodes = outcome
            .as_ref()
            .map(|a| a.counts.iter().map(|n| *n as f64).sum());
        let plots = render_plan_plots(&curves(&planner, &evaluated), answer_nodes, dir.path())?;
        let header = ["candidate", "runs passed", "verdict"];
        let table: Vec<Vec<String>> = rows
            .iter()
            .map(|(c, p, v)| vec![c.clone(), p.clone(), (*v).to_owned()])
            .collect();
        report::render_plan_report(dir.path(), &base.name, &headline, &header, &table, &plots)?;
        Ok(())
    })
    .with_context(|| format!("cannot write results into {}", target.display()))?;
    let dir = dir
        .commit()
        .with_context(|| format!("cannot move results into {}", target.display()))?;
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

/// Per SLO, its figure per node count tried: the worst value over every run (the
/// largest, or the smallest for `>`/`>=` SLOs) and the range.
fn curves(planner: &Planner, evaluated: &Evaluated) -> Vec<PlanCurve> {
    planner
        .slos
        .iter()
        .enumerate()
        .map(|(i, slo)| {
            let mut by_nodes: BTreeMap<u32, Vec<f64>> = BTreeMap::new();
            for (counts, runs) in evaluated {
                let nodes: u32 = counts.iter().sum();
                by_nodes
                    .entry(nodes)
                    .or_default()
                    .extend(runs.iter().map(|c| c.values[i]));
            }
            let points = by_nodes
                .into_iter()
                .map(|(n, v)| {
                    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
                    let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    let worst = if matches!(slo.op, Op::Gt | Op::Ge) {
                        lo
                    } else {
                        hi
                    };
                    (n as f64, worst, lo, hi)
                })
                .collect();
            PlanCurve {
                slo: slo.text.clone(),
                figure: slo.column(),
                threshold: slo.threshold,
                points,
            }
        })
        .collect()
}

/// The answer of a plan: the chosen counts and the failing candidate that proves it.
struct Answer {
    counts: Vec<u32>,
    proof: Option<Vec<u32>>,
}

fn evaluate(planner: &Planner, evaluated: &mut Evaluated, counts: &[u32]) -> anyhow::Result<bool> {
    if let Some(r) = evaluated.get(counts) {
        return Ok(r.iter().all(|c| c.pass));
    }
    let best = evaluated
        .iter()
        .filter(|(_, r)| r.iter().all(|c| c.pass))
        .min_by_key(|(c, _)| c.iter().sum::<u32>())
        .map(|(c, _)| counts_text(planner, c))
        .unwrap_or_else(|| "none yet".into());
    planner.bar.set_message(format!(
        "{} candidates done · best so far: {best} · trying {}",
        evaluated.len(),
        counts_text(planner, counts)
    ));
    let results = planner.run_candidate(counts)?;
    let pass = results.iter().all(|c| c.pass);
    evaluated.insert(counts.to_vec(), results);
    Ok(pass)
}

/// The same count in every group (one group, or `--same-count`): galloping then
/// bisection over that count.
fn plan_same_count(planner: &Planner, evaluated: &mut Evaluated) -> anyhow::Result<Option<Answer>> {
    let k = planner.args.node_groups.len();
    let mut error = None;
    let (outcome, _) = search(planner.args.min, planner.args.max, |n| {
        if error.is_some() {
            return false;
        }
        evaluate(planner, evaluated, &vec![n; k]).unwrap_or_else(|e| {
            error = Some(e);
            false
        })
    });
    if let Some(e) = error {
        return Err(e);
    }
    Ok(match outcome {
        SearchOutcome::Found { answer, proof } => Some(Answer {
            counts: vec![answer; k],
            proof: proof.map(|p| vec![p; k]),
        }),
        SearchOutcome::NotWithinMax => None,
    })
}

/// Several groups: the same count in every group is searched first (an upper bound on
/// the cost), then every cheaper mix within `--min..=--max` is tried in order of cost
/// (node count when no group has a price), skipping each mix that is no larger in every
/// group than one that already failed (fewer nodes cannot help); the first mix that
/// passes is the cheapest.
fn plan_several_groups(
    planner: &Planner,
    base: &Scenario,
    evaluated: &mut Evaluated,
) -> anyhow::Result<Option<Answer>> {
    let k = planner.args.node_groups.len();
    let prices: Vec<f64> = planner
        .args
        .node_groups
        .iter()
        .map(|g| base.price_per_hour.get(g).copied().unwrap_or(0.0))
        .collect();
    let priced = prices.iter().any(|p| *p > 0.0);
    let cost = |c: &[u32]| -> f64 {
        if priced {
            c.iter().zip(&prices).map(|(n, p)| *n as f64 * p).sum()
        } else {
            c.iter().map(|n| *n as f64).sum()
        }
    };
    let Some(Answer { counts: bound, .. }) = plan_same_count(planner, evaluated)? else {
        return Ok(None);
    };
    let bound_cost = cost(&bound);
    // A mix cheaper than the bound has each group below what the bound's cost buys of
    // it when every other group is at --min.
    let (min, max) = (planner.args.min, planner.args.max);
    let weight = |i: usize| if priced { prices[i] } else { 1.0 };
    let caps: Vec<u32> = (0..k)
        .map(|i| {
            let others: f64 = (0..k)
                .filter(|&j| j != i)
                .map(|j| min as f64 * weight(j))
                .sum();
            if weight(i) > 0.0 {
                (((bound_cost - others) / weight(i)).floor().max(min as f64) as u32).min(max)
            } else {
                max
            }
        })
        .collect();
    let mixes_to_enumerate = caps
        .iter()
        .try_fold(1usize, |n, c| n.checked_mul((c - min + 1) as usize));
    if mixes_to_enumerate.is_none_or(|n| n > MAX_MIXES) {
        bail!(
            "{k} node groups up to {caps:?} nodes each are more than {MAX_MIXES} mixes to try: narrow --min/--max"
        );
    }
    let mut mixes: Vec<Vec<u32>> = Vec::new();
    let mut mix = vec![min; k];
    loop {
        if cost(&mix) < bound_cost {
            mixes.push(mix.clone());
        }
        let Some(i) = (0..k).find(|&i| mix[i] < caps[i]) else {
            break;
        };
        mix[i] += 1;
        for m in &mut mix[..i] {
            *m = min;
        }
    }
    mixes.sort_by(|a, b| cost(a).total_cmp(&cost(b)).then_with(|| a.cmp(b)));
    let mut failed: Vec<Vec<u32>> = evaluated
        .iter()
        .filter(|(_, r)| !r.iter().all(|c| c.pass))
        .map(|(c, _)| c.clone())
        .collect();
    // The proof: the most expensive cheaper mix that was run and failed.
    let mut proof = failed
        .iter()
        .max_by(|a, b| cost(a).total_cmp(&cost(b)).then_with(|| b.cmp(a)))
        .cloned();
    for mix in mixes {
        if failed
            .iter()
            .any(|f| mix.iter().zip(f).all(|(m, f)| m <= f))
        {
            continue;
        }
        if evaluate(planner, evaluated, &mix)? {
            return Ok(Some(Answer { counts: mix, proof }));
        }
        proof = Some(mix.clone());
        failed.push(mix);
    }
    Ok(Some(Answer {
        counts: bound,
        proof,
    }))
}

fn counts_text(planner: &Planner, counts: &[u32]) -> String {
    planner
        .args
        .node_groups
        .iter()
        .zip(counts)
        .map(|(g, n)| format!("{g}={n}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `worker: 25 nodes of 4 cpu / 16Gi — 24 fails pending_age_p99_s = 41.000 (zone-b lost at 13h)`.
fn answer_line(
    planner: &Planner,
    base: &Scenario,
    answer: &Answer,
    evaluated: &Evaluated,
) -> String {
    let same = |c: &[u32]| c.windows(2).all(|w| w[0] == w[1]);
    let uniform = planner.args.node_groups.len() == 1 || planner.args.same_count;
    let head = if uniform {
        let g = &planner.args.node_groups[0];
        let each = if answer.counts.len() > 1 { " each" } else { "" };
        format!(
            "{}: {} nodes{each} of {}",
            planner.args.node_groups.join(", "),
            answer.counts[0],
            shape(base, g)
        )
    } else {
        counts_text(planner, &answer.counts)
    };
    let Some(proof) = &answer.proof else {
        return format!("{head} — the smallest count allowed (--min)");
    };
    let runs = &evaluated[proof];
    let why = runs
        .iter()
        .find(|c| !c.pass)
        .map(|c| {
            let (slo, v) = planner
                .slos
                .iter()
                .zip(&c.values)
                .find(|(s, v)| !s.holds(**v))
                .expect("a failing run fails an SLO");
            let mut fault = planner.faults[c.fault].describe();
            if let Some(n) = &c.node {
                fault = format!("{n} lost, {fault}");
            }
            format!("{} = {v:.3} (seed {}, {fault})", slo.column(), c.seed)
        })
        .unwrap_or_default();
    let proof_text = if uniform && same(proof) {
        proof[0].to_string()
    } else {
        counts_text(planner, proof)
    };
    format!("{head} — {proof_text} fails {why}")
}

/// Per candidate: counts, runs passed, verdict.
fn candidate_rows(planner: &Planner, evaluated: &Evaluated) -> Vec<(String, String, &'static str)> {
    evaluated
        .iter()
        .map(|(counts, runs)| {
            let passed = runs.iter().filter(|c| c.pass).count();
            (
                counts_text(planner, counts),
                format!("{passed}/{}", runs.len()),
                if passed == runs.len() { "pass" } else { "fail" },
            )
        })
        .collect()
}

/// Most candidates listed in the terminal; beyond it only their number (plan.csv and
/// report.html list them all).
const TERMINAL_ROWS: usize = 20;

/// The candidates as a terminal table.
fn candidate_table(rows: &[(String, String, &str)]) -> String {
    if rows.len() > TERMINAL_ROWS {
        let passed = rows.iter().filter(|r| r.2 == "pass").count();
        return format!(
            "  {} candidates run, {passed} passed (every run in plan.csv and report.html)\n",
            rows.len()
        );
    }
    let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0).max(9);
    let mut out = format!("  {:<width$}  runs passed  verdict\n", "candidate");
    for (counts, passed, verdict) in rows {
        out.push_str(&format!("  {counts:<width$}  {passed:<11}  {verdict}\n"));
    }
    out
}

/// `plan.csv`: one row per candidate × seed × fault case: the counts, seed, fault case,
/// the node lost (fault `nodes`), every SLO figure and whether all SLOs held.
fn plan_csv(planner: &Planner, evaluated: &Evaluated) -> String {
    let q = crate::output::comparison_files::q;
    let mut header: Vec<String> = planner.args.node_groups.iter().map(|g| q(g)).collect();
    header.extend(["seed".into(), "fault".into(), "node_lost".into()]);
    header.extend(planner.slos.iter().map(|s| q(&s.column())));
    header.push("pass".into());
    let mut out = header.join(",") + "\n";
    for (counts, runs) in evaluated {
        for c in runs {
            let mut row: Vec<String> = counts.iter().map(u32::to_string).collect();
            row.push(c.seed.to_string());
            row.push(q(&planner.faults[c.fault].describe()));
            row.push(q(c.node.as_deref().unwrap_or("")));
            row.extend(c.values.iter().map(|v| format!("{v:.3}")));
            row.push(c.pass.to_string());
            out.push_str(&row.join(","));
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_cases_describe_themselves() {
        assert_eq!(FaultCase::None.describe(), "none");
        let z = FaultCase::Zone {
            zone: "zone-b".into(),
            at_ms: 13 * 3_600_000,
        };
        assert_eq!(z.describe(), "zone-b lost at 13h");
    }

    #[test]
    fn path_of_a_plan_is_under_the_scenario() {
        use std::path::Path;
        assert_eq!(
            results_path::plan_dir(Path::new("out"), "shop").unwrap(),
            Path::new("out/shop/plan")
        );
    }
}
