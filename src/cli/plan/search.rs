//! Running candidates (seeds × fault cases in parallel) and searching them: the same
//! count in every group, or the cheapest mix of several groups.

use crate::cli::run::load_scenario;
use crate::input::overrides::Override;
use crate::plan::slo::{RunFigures, Slo};
use crate::plan::{search, SearchOutcome};
use crate::scenario::action::Action;
use crate::scenario::Scenario;
use crate::scheduler::choice::SchedulerChoice;
use crate::sim::waits::pod_waits;
use crate::sim::Simulation;
use anyhow::{bail, Context};
use indicatif::ProgressBar;
use rayon::prelude::*;
use std::collections::BTreeMap;

use super::answer::counts_text;
use super::faults::{busiest_node, push_fault, FaultCase, ZONE_LABEL};
use super::PlanArgs;

/// Most candidate mixes a several-group plan may enumerate.
pub(super) const MAX_MIXES: usize = 200_000;

/// One run of a candidate: its seed, fault case and figures.
#[derive(Debug, Clone)]
pub(super) struct CaseResult {
    pub(super) seed: u64,
    pub(super) fault: usize,
    /// The busiest node lost (fault `nodes`), for the table.
    pub(super) node: Option<String>,
    pub(super) values: Vec<f64>,
    pub(super) pass: bool,
}

/// Everything fixed across candidates.
pub(super) struct Planner<'a> {
    pub(super) args: &'a PlanArgs,
    pub(super) overrides: Vec<Override>,
    pub(super) scheduler: SchedulerChoice,
    pub(super) seeds: Vec<u64>,
    pub(super) slos: Vec<Slo>,
    pub(super) faults: Vec<FaultCase>,
    pub(super) recover_after_ms: Option<u64>,
    pub(super) bar: ProgressBar,
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
        let mut sim =
            Simulation::with_registry(&sc, seed, self.scheduler.clone(), crate::cli::registry())?;
        sim.run()
            .with_context(|| format!("run of {counts:?} with seed {seed}"))?;
        let figures = RunFigures {
            summary: sim.summary(),
            workloads: pod_waits(&sim)
                .by_workload()
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

/// Every candidate evaluated: counts → its runs.
pub(super) type Evaluated = BTreeMap<Vec<u32>, Vec<CaseResult>>;

/// The answer of a plan: the chosen counts and the failing candidate that proves it.
pub(super) struct Answer {
    pub(super) counts: Vec<u32>,
    pub(super) proof: Option<Vec<u32>>,
}

pub(super) fn evaluate(
    planner: &Planner,
    evaluated: &mut Evaluated,
    counts: &[u32],
) -> anyhow::Result<bool> {
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
pub(super) fn plan_same_count(
    planner: &Planner,
    evaluated: &mut Evaluated,
) -> anyhow::Result<Option<Answer>> {
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
pub(super) fn plan_several_groups(
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
