//! What a plan reports: the one-line answer with its proof, the table of candidates,
//! `plan.csv` and the curves for the plots.

use crate::model::resources::{CPU, MEMORY};
use crate::output::plots::PlanCurve;
use crate::plan::slo::Op;
use crate::scenario::Scenario;
use std::collections::BTreeMap;

use super::search::{Answer, Evaluated, Planner};

/// A node group's shape for the answer line: `4 cpu / 16Gi`.
pub(super) fn shape(sc: &Scenario, group: &str) -> String {
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

/// Per SLO, its figure per node count tried: the worst value over every run (the
/// largest, or the smallest for `>`/`>=` SLOs) and the range.
pub(super) fn curves(planner: &Planner, evaluated: &Evaluated) -> Vec<PlanCurve> {
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

pub(super) fn counts_text(planner: &Planner, counts: &[u32]) -> String {
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
pub(super) fn answer_line(
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
pub(super) fn candidate_rows(
    planner: &Planner,
    evaluated: &Evaluated,
) -> Vec<(String, String, &'static str)> {
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
pub(super) const TERMINAL_ROWS: usize = 20;

/// The candidates as a terminal table.
pub(super) fn candidate_table(rows: &[(String, String, &str)]) -> String {
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
pub(super) fn plan_csv(planner: &Planner, evaluated: &Evaluated) -> String {
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
