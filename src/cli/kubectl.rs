//! `k8sim kubectl SCENARIO --at 30m -- get pods -o wide`: runs the scenario up to the given
//! simulated time and shows the cluster as kubectl would.

use crate::input::duration::parse_duration_ms;
use crate::kubectl;
use crate::scenario::Scenario;
use crate::sim::Simulation;
use anyhow::{anyhow, bail};
use std::path::PathBuf;

/// Arguments of `k8sim kubectl`.
#[derive(Debug, clap::Args)]
pub struct KubectlArgs {
    /// Scenario file.
    pub scenario: PathBuf,
    /// Simulated time to look at (`30m`, `1h30m`, `90s`); default: the end of the scenario.
    #[arg(long)]
    pub at: Option<String>,
    /// Seed (overrides the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Scheduler profile (overrides the scenario's).
    #[arg(long)]
    pub scheduler: Option<String>,
    /// The kubectl command: get, describe, logs, rollout history.
    #[arg(last = true, required = true)]
    pub command: Vec<String>,
}

/// Runs `sc` up to `at_ms` and renders the kubectl view `words`.
pub fn view(
    sc: &Scenario,
    seed: u64,
    scheduler: &str,
    at_ms: u64,
    words: &[String],
) -> anyhow::Result<String> {
    let req = kubectl::parse(words).map_err(|e| anyhow!("error: {e}"))?;
    let end = sc.limits.end_time.as_millis();
    if at_ms > end {
        bail!(
            "--at {} s is beyond the scenario's duration ({} s)",
            at_ms as f64 / 1000.0,
            end as f64 / 1000.0
        );
    }
    let scheduler = super::run::resolve_scheduler(sc, scheduler)?;
    let mut limits = sc.limits;
    limits.end_time = crate::engine::SimTime::from_millis(at_ms);
    let mut sim =
        Simulation::with_registry_and_limits(sc, seed, scheduler, super::registry(), limits)?;
    sim.recorder.events.keep_all();
    sim.run()?;
    kubectl::render(&sim, &req).map_err(|e| anyhow!("{e}"))
}

/// `k8sim kubectl`.
pub fn run(args: &KubectlArgs) -> anyhow::Result<()> {
    let sc = crate::input::scenario::load(&args.scenario).map_err(|e| anyhow!("{e}"))?;
    let at_ms = match &args.at {
        Some(t) => parse_duration_ms(t).map_err(|e| anyhow!("--at: {e}"))?,
        None => sc.limits.end_time.as_millis(),
    };
    let seed = args.seed.unwrap_or(sc.seed);
    let scheduler = args
        .scheduler
        .clone()
        .unwrap_or_else(|| sc.scheduler.clone());
    print!("{}", view(&sc, seed, &scheduler, at_ms, &args.command)?);
    Ok(())
}
