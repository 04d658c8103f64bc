//! The failures a plan's candidates must survive: a zone lost or the busiest node lost,
//! at given times or at the busiest moment of the scenario as written.

use crate::engine::SimTime;
use crate::input::duration::parse_duration_ms;
use crate::model::resources::CPU;
use crate::scenario::action::Action;
use crate::scenario::{Scenario, TimelineEntry};
use crate::scheduler::choice::SchedulerChoice;
use crate::sim::Simulation;
use anyhow::{bail, Context};

use super::{FaultMode, PlanArgs};

/// The zone label `--faults zones` groups nodes by.
pub(super) const ZONE_LABEL: &str = "topology.kubernetes.io/zone";

/// A failure injected into a run.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum FaultCase {
    /// No failure.
    None,
    /// Zone `zone` lost at `at_ms` until the end.
    Zone { zone: String, at_ms: u64 },
    /// The busiest node lost at `at_ms` until the end.
    BusiestNode { at_ms: u64 },
}

impl FaultCase {
    pub(super) fn describe(&self) -> String {
        match self {
            FaultCase::None => "none".into(),
            FaultCase::Zone { zone, at_ms } => format!("{zone} lost at {}", clock(*at_ms)),
            FaultCase::BusiestNode { at_ms } => format!("busiest node lost at {}", clock(*at_ms)),
        }
    }
}

/// `13h`, `1h30m`, `45s`: a simulated time for messages.
pub(super) fn clock(ms: u64) -> String {
    crate::kubectl::human_duration(ms)
}

/// Adds `action` at `at_ms` to the scenario's timeline (kept sorted by time).
pub(super) fn push_fault(sc: &mut Scenario, at_ms: u64, action: Action) {
    sc.timeline.push(TimelineEntry {
        at: SimTime::from_millis(at_ms),
        action,
        index: sc.timeline.len(),
        line: 0,
    });
    sc.timeline.sort_by_key(|e| e.at);
}

/// The present node with the most CPU requested at `at_ms` (the first of equals).
pub(super) fn busiest_node(
    sc: &Scenario,
    seed: u64,
    scheduler: &SchedulerChoice,
    at_ms: u64,
) -> anyhow::Result<String> {
    let mut limits = sc.limits;
    limits.end_time = SimTime::from_millis(at_ms);
    let mut sim = Simulation::with_registry_and_limits(
        sc,
        seed,
        scheduler.clone(),
        crate::cli::registry(),
        limits,
    )?;
    sim.run()?;
    let nodes = &sim.cluster.nodes();
    (0..nodes.names().len())
        .filter(|&i| nodes.present()[i])
        .max_by_key(|&i| (nodes.requested()[i].get(CPU), std::cmp::Reverse(i)))
        .map(|i| nodes.names()[i].clone())
        .context("the cluster has no node to lose")
}

/// The time of the largest CPU allocation of a run of `sc` (first seed), ms.
pub(super) fn busiest_moment(
    sc: &Scenario,
    seed: u64,
    scheduler: &SchedulerChoice,
) -> anyhow::Result<u64> {
    let mut sim = Simulation::with_registry(sc, seed, scheduler.clone(), crate::cli::registry())?;
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
pub(super) fn fault_cases(
    args: &PlanArgs,
    sc: &Scenario,
    scheduler: &SchedulerChoice,
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
}
