//! A comparison that decides: per summary figure, which scheduler is best (by the figure's
//! direction), whether schedulers differ at all, each scheduler's difference from a
//! baseline paired by seed with a 95 % interval, and `--fail-if` regression gates.

use crate::metrics::direction::{better, is_better, Better};
use crate::metrics::summary::Summary;
use crate::output::results_dir::Comparison;
use crate::sweep::stats::Estimate;
use std::fmt::Write as _;

/// A scheduler's difference from the baseline on one figure, paired by seed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Delta {
    /// Mean over seeds of (scheduler − baseline), with its interval.
    pub estimate: Estimate,
}

/// What a comparison says about one figure.
#[derive(Debug, Clone, PartialEq)]
pub struct FigureVerdict {
    /// Summary column.
    pub figure: String,
    /// Better direction (`None`: descriptive figure, never ranked).
    pub better: Option<Better>,
    /// Per scheduler (in order), the mean over seeds.
    pub means: Vec<Option<f64>>,
    /// Whether the means are not all equal.
    pub differs: bool,
    /// The best scheduler, when the figure has a direction and schedulers differ.
    pub best: Option<String>,
    /// Per scheduler, the paired difference from the baseline (`None` for the baseline
    /// itself, or without a baseline).
    pub deltas: Vec<Option<Delta>>,
}

/// `(seed, value)` of `figure` for every run of `scheduler`.
fn values(runs: &[(String, Summary)], scheduler: &str, figure: &str) -> Vec<(u64, f64)> {
    runs.iter()
        .filter(|(s, _)| s == scheduler)
        .filter_map(|(_, sum)| {
            let v = sum
                .fields()
                .into_iter()
                .find(|(k, _)| *k == figure)?
                .1
                .number()?;
            Some((sum.seed, v))
        })
        .collect()
}

/// Whether the per-scheduler `means` of `figure` differ and, when they do and the figure
/// has a direction, which scheduler is best (the first of equals, in `schedulers` order).
pub fn judge(figure: &str, schedulers: &[String], means: &[Option<f64>]) -> (bool, Option<String>) {
    let present: Vec<f64> = means.iter().flatten().copied().collect();
    let differs = present
        .windows(2)
        .any(|w| (w[0] - w[1]).abs() > 1e-9 * w[0].abs().max(1.0));
    let best = better(figure).filter(|_| differs).and_then(|d| {
        let mut best: Option<(usize, f64)> = None;
        for (i, m) in means.iter().enumerate() {
            if let Some(m) = *m {
                if best.is_none_or(|(_, b)| is_better(d, m, b)) {
                    best = Some((i, m));
                }
            }
        }
        best.map(|(i, _)| schedulers[i].clone())
    });
    (differs, best)
}

/// The verdicts of a written `comparison.csv` (its means; no baseline differences), in
/// the order of [`decide`]: figures that differ first. Used by the comparison report.
pub fn verdicts_from_comparison(cmp: &Comparison) -> Vec<FigureVerdict> {
    let schedulers: Vec<String> = cmp.rows.iter().map(|r| r.scheduler.clone()).collect();
    let mut verdicts: Vec<FigureVerdict> = cmp
        .metrics
        .iter()
        .enumerate()
        .map(|(i, figure)| {
            let means: Vec<Option<f64>> = cmp.rows.iter().map(|r| r.values[i].0).collect();
            let (differs, best) = judge(figure, &schedulers, &means);
            FigureVerdict {
                figure: figure.clone(),
                better: better(figure),
                deltas: vec![None; means.len()],
                means,
                differs,
                best,
            }
        })
        .collect();
    verdicts.sort_by_key(|v| !v.differs);
    verdicts
}

/// The figures equal for every scheduler, in verdict order.
pub fn equal_figures(verdicts: &[FigureVerdict]) -> Vec<&str> {
    verdicts
        .iter()
        .filter(|v| !v.differs)
        .map(|v| v.figure.as_str())
        .collect()
}

/// The overall verdict of a comparison: how many of the ranked figures that differ each
/// scheduler is best in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Winner {
    /// The schedulers best in the most figures (one: a winner; several: a tie).
    pub leaders: Vec<String>,
    /// Figures the leaders are best in (each).
    pub wins: usize,
    /// Figures that differ and have a direction.
    pub ranked: usize,
}

impl Winner {
    /// One line for the terminal and the report, e.g. `winner: default (best in 25 of 34 ranked
    /// figures that differ)`.
    pub fn line(&self) -> String {
        match self.leaders.as_slice() {
            [one] => format!(
                "winner: {one} (best in {} of {} ranked figures that differ)",
                self.wins, self.ranked
            ),
            many => format!(
                "no single winner: {} are each best in {} of {} ranked figures that differ",
                many.join(", "),
                self.wins,
                self.ranked
            ),
        }
    }
}

/// The scheduler best in the most figures that differ (ties kept, in `schedulers` order);
/// `None` when no ranked figure differs.
pub fn winner(schedulers: &[String], verdicts: &[FigureVerdict]) -> Option<Winner> {
    let bests: Vec<&str> = verdicts.iter().filter_map(|v| v.best.as_deref()).collect();
    let wins = |s: &String| bests.iter().filter(|b| **b == s.as_str()).count();
    let top = schedulers.iter().map(wins).max().filter(|&w| w > 0)?;
    Some(Winner {
        leaders: schedulers
            .iter()
            .filter(|s| wins(s) == top)
            .cloned()
            .collect(),
        wins: top,
        ranked: bests.len(),
    })
}

/// Judges every numeric summary figure over `runs` (`(scheduler, summary)`), schedulers in
/// the order of `schedulers`, differences against `baseline` when given. Figures that
/// differ come first, then the others, each group in summary.csv order.
pub fn decide(
    schedulers: &[String],
    runs: &[(String, Summary)],
    baseline: Option<&str>,
) -> Vec<FigureVerdict> {
    let figures: Vec<&'static str> = crate::metrics::summary::figures();
    let mut verdicts: Vec<FigureVerdict> = figures
        .iter()
        .map(|&figure| {
            let means: Vec<Option<f64>> = schedulers
                .iter()
                .map(|s| {
                    let v: Vec<f64> = values(runs, s, figure).into_iter().map(|p| p.1).collect();
                    Estimate::of(&v).map(|e| e.mean)
                })
                .collect();
            let (differs, best) = judge(figure, schedulers, &means);
            let dir = better(figure);
            let deltas = schedulers
                .iter()
                .map(|s| {
                    let b = baseline.filter(|b| *b != s)?;
                    let base = values(runs, b, figure);
                    let diffs: Vec<f64> = values(runs, s, figure)
                        .into_iter()
                        .filter_map(|(seed, v)| {
                            base.iter()
                                .find(|(bs, _)| *bs == seed)
                                .map(|(_, bv)| v - bv)
                        })
                        .collect();
                    Estimate::of(&diffs).map(|estimate| Delta { estimate })
                })
                .collect();
            FigureVerdict {
                figure: figure.to_owned(),
                better: dir,
                means,
                differs,
                best,
                deltas,
            }
        })
        .collect();
    // Stable: keeps summary.csv order inside each group.
    verdicts.sort_by_key(|v| !v.differs);
    verdicts
}

fn cell(v: &FigureVerdict, i: usize) -> String {
    let Some(mean) = v.means[i] else {
        return "-".to_owned();
    };
    let mut out = format!("{mean:.3}");
    if let Some(d) = v.deltas[i] {
        let e = d.estimate;
        let _ = write!(out, " ({:+.3}", e.mean);
        if let Some((lo, hi)) = e.ci95 {
            let _ = write!(out, " [{lo:+.3}, {hi:+.3}]");
        }
        if e.excludes_zero() {
            out.push_str(" *");
        }
        out.push(')');
    }
    out
}

/// The terminal table: figures that differ first with their direction and best scheduler;
/// the figures equal for every scheduler listed by name on one line.
pub fn decision_table(
    schedulers: &[String],
    verdicts: &[FigureVerdict],
    baseline: Option<&str>,
) -> String {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut head = vec!["figure".to_owned(), "better".to_owned(), "best".to_owned()];
    head.extend(schedulers.iter().cloned());
    rows.push(head);
    for v in verdicts.iter().filter(|v| v.differs) {
        let mut row = vec![
            v.figure.clone(),
            v.better
                .map(|b| b.to_string())
                .unwrap_or_else(|| "-".into()),
            v.best.clone().unwrap_or_else(|| "-".into()),
        ];
        row.extend((0..schedulers.len()).map(|i| cell(v, i)));
        rows.push(row);
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    let differing = rows.len() - 1;
    if let Some(w) = winner(schedulers, verdicts) {
        let _ = writeln!(out, "{}", w.line());
    }
    let _ = writeln!(out, "figures that differ between schedulers: {differing}");
    if differing > 0 {
        for r in &rows {
            let line: Vec<String> = r
                .iter()
                .zip(&widths)
                .map(|(f, w)| format!("{f:<w$}"))
                .collect();
            let _ = writeln!(out, "  {}", line.join("  ").trim_end());
        }
    }
    if let Some(b) = baseline {
        let _ = writeln!(
            out,
            "  (difference from {b}, paired by seed, [95 % interval]; * = the interval excludes 0)"
        );
    }
    let equal = equal_figures(verdicts);
    if !equal.is_empty() {
        let _ = writeln!(out, "equal for every scheduler: {}", equal.join(", "));
    }
    out
}

/// A `--fail-if` gate: `FIGURE OP baseline [* K | + K | - K]` or `FIGURE OP NUMBER`.
#[derive(Debug, Clone, PartialEq)]
pub struct Gate {
    /// The gate as written.
    pub text: String,
    figure: String,
    op: String,
    /// (uses the baseline, factor, offset): threshold = (baseline mean × factor) + offset.
    rhs: (bool, f64, f64),
}

impl Gate {
    /// Parses a gate; the figure must be a numeric summary column.
    pub fn parse(text: &str) -> Result<Gate, String> {
        let bad = |why: &str| {
            format!(
                "--fail-if {text:?}: {why} (expected e.g. 'pending_age_p99_s > baseline * 1.10')"
            )
        };
        let words: Vec<&str> = text.split_whitespace().collect();
        let [figure, op, rest @ ..] = words.as_slice() else {
            return Err(bad("expected FIGURE OP VALUE"));
        };
        let known: Vec<&str> = crate::metrics::summary::figures();
        if !known.contains(figure) {
            return Err(format!(
                "--fail-if {text:?}: unknown figure {figure:?} (expected a summary.csv column: {})",
                known.join(", ")
            ));
        }
        if !["<", "<=", ">", ">="].contains(op) {
            return Err(bad(&format!(
                "unknown comparison {op:?}, expected <, <=, > or >="
            )));
        }
        let num = |s: &str| {
            s.parse::<f64>()
                .map_err(|_| bad(&format!("{s:?} is not a number")))
        };
        let rhs = match rest {
            ["baseline"] => (true, 1.0, 0.0),
            ["baseline", "*", k] => (true, num(k)?, 0.0),
            ["baseline", "+", k] => (true, 1.0, num(k)?),
            ["baseline", "-", k] => (true, 1.0, -num(k)?),
            [k] => (false, 0.0, num(k)?),
            _ => {
                return Err(bad(
                    "expected baseline, baseline * K, baseline + K or a number",
                ))
            }
        };
        Ok(Gate {
            text: text.to_owned(),
            figure: (*figure).to_owned(),
            op: (*op).to_owned(),
            rhs,
        })
    }

    /// Whether the gate needs `--baseline`.
    pub fn uses_baseline(&self) -> bool {
        self.rhs.0
    }

    /// The schedulers (other than the baseline) for which the gate holds, each with its
    /// mean and the threshold.
    pub fn failures(
        &self,
        schedulers: &[String],
        verdicts: &[FigureVerdict],
        baseline: Option<&str>,
    ) -> Vec<String> {
        let Some(v) = verdicts.iter().find(|v| v.figure == self.figure) else {
            return Vec::new();
        };
        let base = baseline
            .and_then(|b| schedulers.iter().position(|s| s == b))
            .and_then(|i| v.means[i]);
        let threshold = match (self.rhs, base) {
            ((true, k, c), Some(b)) => b * k + c,
            ((true, ..), None) => return Vec::new(),
            ((false, _, c), _) => c,
        };
        schedulers
            .iter()
            .zip(&v.means)
            .filter(|(s, _)| Some(s.as_str()) != baseline)
            .filter_map(|(s, m)| {
                let m = (*m)?;
                let hit = match self.op.as_str() {
                    "<" => m < threshold,
                    "<=" => m <= threshold,
                    ">" => m > threshold,
                    _ => m >= threshold,
                };
                hit.then(|| {
                    format!(
                        "{s}: {} = {m:.3} {} {threshold:.3} ({})",
                        self.figure, self.op, self.text
                    )
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(s: &str, seed: u64, p99: f64, cpu: f64) -> (String, Summary) {
        let mut sum = Summary {
            scheduler: s.into(),
            seed,
            cpu_allocated_avg: cpu,
            ..Summary::default()
        };
        sum.sched_latency.p99 = p99;
        (s.to_owned(), sum)
    }

    fn fixture() -> (Vec<String>, Vec<(String, Summary)>) {
        let schedulers = vec!["a".to_owned(), "b".to_owned()];
        // b's p99 is a's + 1.0, +1.2, +0.8 by seed: mean +1.0, std 0.2, interval
        // 1.0 ± 4.303 * 0.2 / sqrt(3) = [0.503, 1.497], which excludes 0.
        let runs = vec![
            run("a", 1, 2.0, 0.5),
            run("a", 2, 3.0, 0.5),
            run("a", 3, 4.0, 0.5),
            run("b", 1, 3.0, 0.5),
            run("b", 2, 4.2, 0.5),
            run("b", 3, 4.8, 0.5),
        ];
        (schedulers, runs)
    }

    #[test]
    fn figures_that_differ_lead_and_name_the_best_scheduler() {
        let (schedulers, runs) = fixture();
        let v = decide(&schedulers, &runs, Some("a"));
        assert_eq!(v[0].figure, "sched_latency_p99_s");
        assert!(v[0].differs);
        assert_eq!(v[0].best.as_deref(), Some("a"), "lower latency is better");
        let d = v[0].deltas[1].unwrap().estimate;
        assert!((d.mean - 1.0).abs() < 1e-9);
        let (lo, hi) = d.ci95.unwrap();
        assert!(
            (lo - 0.503).abs() < 1e-3 && (hi - 1.497).abs() < 1e-3,
            "{lo} {hi}"
        );
        assert!(d.excludes_zero());
        assert!(v[0].deltas[0].is_none());
        let cpu = v.iter().find(|v| v.figure == "cpu_allocated_avg").unwrap();
        assert!(!cpu.differs && cpu.best.is_none());
        let table = decision_table(&schedulers, &v, Some("a"));
        assert!(
            table.starts_with(
                "winner: a (best in 1 of 1 ranked figures that differ)\nfigures that differ between schedulers: 1\n"
            ),
            "{table}"
        );
        assert!(table.contains("+1.000 [+0.503, +1.497] *"), "{table}");
        assert!(
            table.contains("equal for every scheduler: ") && table.contains("cpu_allocated_avg")
        );
    }

    #[test]
    fn the_winner_is_best_in_the_most_figures_and_ties_are_named() {
        let (schedulers, mut runs) = fixture();
        let v = decide(&schedulers, &runs, None);
        let w = winner(&schedulers, &v).unwrap();
        assert_eq!(w.leaders, ["a"]);
        assert_eq!((w.wins, w.ranked), (1, 1));
        // b allocates more CPU in every seed: one figure each, a tie.
        for (s, sum) in &mut runs {
            if s == "b" {
                sum.cpu_allocated_avg = 0.6;
            }
        }
        let v = decide(&schedulers, &runs, None);
        let w = winner(&schedulers, &v).unwrap();
        assert_eq!(w.leaders, ["a", "b"]);
        assert_eq!(
            w.line(),
            "no single winner: a, b are each best in 1 of 2 ranked figures that differ"
        );
        // Equal runs rank nothing: no winner.
        let same: Vec<(String, Summary)> = runs
            .iter()
            .map(|(s, _)| (s.clone(), Summary::default()))
            .collect();
        assert!(winner(&schedulers, &decide(&schedulers, &same, None)).is_none());
    }

    #[test]
    fn verdicts_of_a_written_comparison_match_the_runs() {
        let (schedulers, runs) = fixture();
        let cmp = crate::output::comparison_files::aggregate(&schedulers, &runs);
        let from_file = verdicts_from_comparison(&cmp);
        let from_runs = decide(&schedulers, &runs, None);
        let lead = |v: &[FigureVerdict]| {
            v.iter()
                .filter(|v| v.differs)
                .map(|v| (v.figure.clone(), v.best.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(lead(&from_file), lead(&from_runs));
        assert_eq!(lead(&from_file)[0].0, "sched_latency_p99_s");
    }

    #[test]
    fn fail_if_gates_catch_regressions() {
        let (schedulers, runs) = fixture();
        let v = decide(&schedulers, &runs, Some("a"));
        // a's mean p99 is 3.0, b's 4.0: 4.0 > 3.0 * 1.10 = 3.3.
        let g = Gate::parse("sched_latency_p99_s > baseline * 1.10").unwrap();
        let f = g.failures(&schedulers, &v, Some("a"));
        assert_eq!(f.len(), 1);
        assert!(
            f[0].starts_with("b: sched_latency_p99_s = 4.000 > 3.300"),
            "{f:?}"
        );
        let g = Gate::parse("sched_latency_p99_s > baseline * 1.5").unwrap();
        assert!(g.failures(&schedulers, &v, Some("a")).is_empty());
        let e = Gate::parse("latency > baseline").unwrap_err();
        assert!(e.contains("unknown figure \"latency\""), "{e}");
        assert!(Gate::parse("cost ~ 3")
            .unwrap_err()
            .contains("unknown comparison"));
        assert!(Gate::parse("cost > baseline * x")
            .unwrap_err()
            .contains("not a number"));
    }
}
