//! `k8sim explain SCENARIO --pod NAME [--at TIME] [--format csv]`: replays the scenario and
//! shows, for each scheduling attempt of the pod, every node's filter verdict (kube's
//! reason strings) and every score plugin's raw, normalised and weighted score.

use crate::cluster::NodeIdx;
use crate::input::duration::parse_duration_ms;
use crate::sim::scheduling::AttemptRecord;
use crate::sim::Simulation;
use anyhow::Context;
use std::fmt::Write as _;
use std::path::PathBuf;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Tables for people.
    Text,
    /// One row per (attempt, node, plugin) for machines.
    Csv,
}

/// Arguments of `k8sim explain`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// Scenario file.
    pub scenario: PathBuf,
    /// Pod name (the generated name, as in pods.csv).
    #[arg(long)]
    pub pod: String,
    /// Only attempts at or after this simulated time (e.g. `90s`, `5m`).
    #[arg(long)]
    pub at: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Seed (overrides the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Scheduler (overrides the scenario's).
    #[arg(long)]
    pub scheduler: Option<String>,
}

/// Runs the scenario recording the pod's attempts; returns them with the simulation.
pub fn record_attempts(
    sim: &mut Simulation,
    pod: &str,
    at_ms: u64,
) -> anyhow::Result<Vec<AttemptRecord>> {
    sim.scheduler.explain_pod = Some(pod.to_string());
    sim.run().context("simulation stopped")?;
    Ok(sim
        .scheduler
        .explanations
        .iter()
        .filter(|a| a.time_ms >= at_ms)
        .cloned()
        .collect())
}

/// `k8sim explain`.
pub fn explain(args: &ExplainArgs) -> anyhow::Result<()> {
    let sc = crate::input::scenario::load(&args.scenario)?;
    let seed = args.seed.unwrap_or(sc.seed);
    let scheduler = args
        .scheduler
        .clone()
        .unwrap_or_else(|| sc.scheduler.clone());
    let at_ms = match &args.at {
        Some(t) => parse_duration_ms(t).map_err(|e| anyhow::anyhow!("--at {t:?}: {e}"))?,
        None => 0,
    };
    let scheduler = super::run::resolve_scheduler(&sc, &scheduler)?;
    let mut sim = Simulation::with_registry(&sc, seed, scheduler, super::registry())?;
    let attempts = record_attempts(&mut sim, &args.pod, at_ms)?;
    if attempts.is_empty() {
        anyhow::bail!(
            "pod {:?} had no scheduling attempt{} (names are the generated ones in pods.csv)",
            args.pod,
            if at_ms > 0 { " at or after --at" } else { "" }
        );
    }
    let out = match args.format {
        Format::Text => render_text(&sim, &attempts),
        Format::Csv => render_csv(&sim, &attempts),
    };
    print!("{out}");
    Ok(())
}

fn node_name(sim: &Simulation, n: NodeIdx) -> &str {
    &sim.cluster.nodes().names()[n.ix()]
}

/// Human-readable tables, one block per attempt.
pub fn render_text(sim: &Simulation, attempts: &[AttemptRecord]) -> String {
    let mut o = String::new();
    for a in attempts {
        let pod = &sim.cluster.pods()[a.pod.ix()];
        let _ = writeln!(
            o,
            "pod {}/{} — attempt at {:.3}s",
            pod.namespace,
            pod.name,
            a.time_ms as f64 / 1000.0
        );
        let ex = &a.explanation;
        for (plugin, st) in &ex.pre_filter_failures {
            let _ = writeln!(
                o,
                "  PreFilter {plugin}: {} {}",
                st.code.as_str(),
                st.reasons.join(", ")
            );
        }
        if !ex.filters.is_empty() {
            let _ = writeln!(o, "  Filter:");
            for f in &ex.filters {
                match f.plugin {
                    None => {
                        let _ = writeln!(o, "    {:<24} passed", node_name(sim, f.node));
                    }
                    Some(p) => {
                        let _ = writeln!(
                            o,
                            "    {:<24} {p}: {} ({})",
                            node_name(sim, f.node),
                            f.status.reasons.join(", "),
                            f.status.code.as_str()
                        );
                    }
                }
            }
        }
        if !ex.skipped_scores.is_empty() {
            let _ = writeln!(
                o,
                "  Score plugins skipped: {}",
                ex.skipped_scores.join(", ")
            );
        }
        if !ex.totals.is_empty() {
            let _ = writeln!(o, "  Score (raw / normalised / weighted):");
            for (n, total) in &ex.totals {
                let _ = write!(o, "    {:<24}", node_name(sim, *n));
                for s in ex.scores.iter().filter(|s| s.node == *n) {
                    let _ = write!(o, " {}={}/{}/{}", s.plugin, s.raw, s.normalized, s.weighted);
                }
                let _ = writeln!(o, " total={total}");
            }
        }
        match &a.outcome {
            Ok(n) => {
                let _ = writeln!(o, "  Chosen: {}", node_name(sim, *n));
            }
            Err(m) => {
                let _ = writeln!(o, "  FailedScheduling: {m}");
                if let Some(n) = a.nominated {
                    let _ = writeln!(o, "  Preemption nominated: {}", node_name(sim, n));
                }
            }
        }
        let _ = writeln!(o);
    }
    o
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// CSV: `time_ms,pod,node,stage,plugin,code,reason,raw,normalized,weighted`; stage is
/// `prefilter`, `filter`, `score`, `total`, `chosen`, `failed` or `nominated`.
pub fn render_csv(sim: &Simulation, attempts: &[AttemptRecord]) -> String {
    let mut o = String::from("time_ms,pod,node,stage,plugin,code,reason,raw,normalized,weighted\n");
    for a in attempts {
        let pod = csv_field(&sim.cluster.pods()[a.pod.ix()].name);
        let t = a.time_ms;
        let ex = &a.explanation;
        for (plugin, st) in &ex.pre_filter_failures {
            let _ = writeln!(
                o,
                "{t},{pod},,prefilter,{plugin},{},{},,,",
                st.code.as_str(),
                csv_field(&st.reasons.join("; "))
            );
        }
        for f in &ex.filters {
            let _ = writeln!(
                o,
                "{t},{pod},{},filter,{},{},{},,,",
                csv_field(node_name(sim, f.node)),
                f.plugin.unwrap_or(""),
                f.status.code.as_str(),
                csv_field(&f.status.reasons.join("; "))
            );
        }
        for s in &ex.scores {
            let _ = writeln!(
                o,
                "{t},{pod},{},score,{},,,{},{},{}",
                csv_field(node_name(sim, s.node)),
                s.plugin,
                s.raw,
                s.normalized,
                s.weighted
            );
        }
        for (n, total) in &ex.totals {
            let _ = writeln!(
                o,
                "{t},{pod},{},total,,,,,,{total}",
                csv_field(node_name(sim, *n))
            );
        }
        match &a.outcome {
            Ok(n) => {
                let _ = writeln!(
                    o,
                    "{t},{pod},{},chosen,,,,,,",
                    csv_field(node_name(sim, *n))
                );
            }
            Err(m) => {
                let _ = writeln!(o, "{t},{pod},,failed,,,{},,,", csv_field(m));
                if let Some(n) = a.nominated {
                    let _ = writeln!(
                        o,
                        "{t},{pod},{},nominated,,,,,,",
                        csv_field(node_name(sim, n))
                    );
                }
            }
        }
    }
    o
}
