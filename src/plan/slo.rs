//! Service-level objectives of `k8sim plan`: `[WORKLOAD:]FIGURE OP VALUE`, e.g.
//! `pending_age_p99_s < 30s`, `pods_never_scheduled == 0`, `web:pending_age_max_s < 30s`.
//!
//! A run-wide SLO names any numeric `summary.csv` column; a per-workload SLO names a
//! workload (the top-level owner's name, as in `workload_waits.csv`) and one of its wait
//! figures. Figures ending in `_s` take a duration (`30s`, `5m`, `1h30m`) or a number of
//! seconds; the others a number.

use crate::input::duration::parse_duration_ms;
use crate::metrics::summary::Summary;
use crate::metrics::waits::WaitStats;
use std::fmt;

/// A comparison of an SLO.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
}

impl Op {
    const ALL: [(&'static str, Op); 6] = [
        ("<=", Op::Le),
        (">=", Op::Ge),
        ("==", Op::Eq),
        ("!=", Op::Ne),
        ("<", Op::Lt),
        (">", Op::Gt),
    ];

    /// Whether `value OP threshold` holds.
    pub fn holds(self, value: f64, threshold: f64) -> bool {
        match self {
            Op::Lt => value < threshold,
            Op::Le => value <= threshold,
            Op::Gt => value > threshold,
            Op::Ge => value >= threshold,
            Op::Eq => value == threshold,
            Op::Ne => value != threshold,
        }
    }

    fn symbol(self) -> &'static str {
        Op::ALL
            .iter()
            .find(|(_, op)| *op == self)
            .map(|(s, _)| *s)
            .unwrap_or("?")
    }
}

/// Per-workload figures, with the `workload_waits.csv` column each reads.
pub const WORKLOAD_FIGURES: [(&str, &str); 7] = [
    ("pending_age_p50_s", "wait_p50_s"),
    ("pending_age_p95_s", "wait_p95_s"),
    ("pending_age_p99_s", "wait_p99_s"),
    ("pending_age_max_s", "wait_max_s"),
    ("pods_never_scheduled", "never_scheduled"),
    ("never_scheduled", "never_scheduled"),
    ("pods", "pods"),
];

/// One parsed SLO.
#[derive(Debug, Clone, PartialEq)]
pub struct Slo {
    /// As written.
    pub text: String,
    /// The workload of a per-workload SLO.
    pub workload: Option<String>,
    /// The figure.
    pub figure: String,
    /// The comparison.
    pub op: Op,
    /// The threshold (seconds for `_s` figures).
    pub threshold: f64,
}

impl fmt::Display for Slo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The figures a run offers to SLOs: its summary and its per-workload waits.
#[derive(Debug, Clone)]
pub struct RunFigures {
    /// The run's summary.
    pub summary: Summary,
    /// Per workload name: its wait statistics.
    pub workloads: Vec<(String, WaitStats)>,
}

impl Slo {
    /// Parses `[WORKLOAD:]FIGURE OP VALUE`; `workloads` are the names a per-workload SLO
    /// may use.
    pub fn parse(text: &str, workloads: &[String]) -> Result<Slo, String> {
        let bad = |why: String| {
            format!("--slo {text:?}: {why} (expected e.g. 'pending_age_p99_s < 30s' or 'web:pending_age_max_s < 1m')")
        };
        let (at, op) = Op::ALL
            .iter()
            .filter_map(|(sym, op)| text.find(sym).map(|i| (i, *sym, *op)))
            .min_by_key(|(i, sym, _)| (*i, std::cmp::Reverse(sym.len())))
            .map(|(i, sym, op)| ((i, sym.len()), op))
            .ok_or_else(|| bad("no comparison (<, <=, >, >=, ==, !=)".into()))?;
        let (lhs, rhs) = (text[..at.0].trim(), text[at.0 + at.1..].trim());
        if lhs.is_empty() || rhs.is_empty() {
            return Err(bad("expected FIGURE OP VALUE".into()));
        }
        let (workload, figure) = match lhs.split_once(':') {
            Some((w, f)) => (Some(w.trim().to_owned()), f.trim().to_owned()),
            None => (None, lhs.to_owned()),
        };
        match &workload {
            Some(w) => {
                if !workloads.contains(w) {
                    return Err(bad(format!(
                        "no workload named {w:?} in the scenario (workloads: {})",
                        workloads.join(", ")
                    )));
                }
                if !WORKLOAD_FIGURES.iter().any(|(f, _)| *f == figure) {
                    let known: Vec<&str> = WORKLOAD_FIGURES.iter().map(|(f, _)| *f).collect();
                    return Err(bad(format!(
                        "unknown per-workload figure {figure:?} (expected one of {})",
                        known.join(", ")
                    )));
                }
            }
            None => {
                let known = crate::metrics::summary::figures();
                if !known.contains(&figure.as_str()) {
                    return Err(bad(format!(
                        "unknown figure {figure:?} (expected a summary.csv column: {})",
                        known.join(", ")
                    )));
                }
            }
        }
        let threshold = if figure.ends_with("_s") {
            match rhs.parse::<f64>() {
                Ok(v) if v.is_finite() => v,
                _ => parse_duration_ms(rhs)
                    .map(|ms| ms as f64 / 1000.0)
                    .map_err(|e| bad(format!("{figure} is in seconds: {e}")))?,
            }
        } else {
            rhs.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| bad(format!("{rhs:?} is not a number")))?
        };
        Ok(Slo {
            text: format!(
                "{}{figure} {} {rhs}",
                workload
                    .as_ref()
                    .map(|w| format!("{w}:"))
                    .unwrap_or_default(),
                op.symbol()
            ),
            workload,
            figure,
            op,
            threshold,
        })
    }

    /// The SLO's figure in a run; a workload without pods in the run has waits of 0.
    pub fn value(&self, run: &RunFigures) -> f64 {
        match &self.workload {
            None => run
                .summary
                .fields()
                .into_iter()
                .find(|(k, _)| *k == self.figure)
                .and_then(|(_, v)| v.number())
                .unwrap_or(0.0),
            Some(w) => {
                let stats = run
                    .workloads
                    .iter()
                    .find(|(name, _)| name == w)
                    .map(|(_, s)| *s)
                    .unwrap_or_default();
                match self.figure.as_str() {
                    "pending_age_p50_s" => stats.wait.p50,
                    "pending_age_p95_s" => stats.wait.p95,
                    "pending_age_p99_s" => stats.wait.p99,
                    "pending_age_max_s" => stats.wait.max,
                    "pods" => stats.pods as f64,
                    _ => stats.never_scheduled as f64,
                }
            }
        }
    }

    /// Whether the SLO holds with `value`.
    pub fn holds(&self, value: f64) -> bool {
        self.op.holds(value, self.threshold)
    }

    /// The column name of the SLO's figure in `plan.csv`.
    pub fn column(&self) -> String {
        match &self.workload {
            Some(w) => format!("{w}:{}", self.figure),
            None => self.figure.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workloads() -> Vec<String> {
        vec!["web".to_owned()]
    }

    #[test]
    fn durations_numbers_and_workloads_parse() {
        let s = Slo::parse("pending_age_p99_s < 30s", &workloads()).unwrap();
        assert_eq!((s.op, s.threshold), (Op::Lt, 30.0));
        let s = Slo::parse("workload_below_desired_s<=5m", &workloads()).unwrap();
        assert_eq!((s.op, s.threshold), (Op::Le, 300.0));
        assert_eq!(s.text, "workload_below_desired_s <= 5m");
        let s = Slo::parse("pods_never_scheduled == 0", &workloads()).unwrap();
        assert_eq!((s.op, s.threshold), (Op::Eq, 0.0));
        let s = Slo::parse("web:pending_age_max_s < 1m30s", &workloads()).unwrap();
        assert_eq!(s.workload.as_deref(), Some("web"));
        assert_eq!(s.threshold, 90.0);
        assert_eq!(s.column(), "web:pending_age_max_s");
        let s = Slo::parse("pending_age_p95_s >= 2.5", &workloads()).unwrap();
        assert_eq!((s.op, s.threshold), (Op::Ge, 2.5));
    }

    #[test]
    fn bad_slos_say_what_was_expected() {
        let e = |t: &str| Slo::parse(t, &workloads()).unwrap_err();
        assert!(e("latency < 3").contains("unknown figure \"latency\""));
        assert!(e("pending_age_p99_s 30s").contains("no comparison"));
        assert!(e("pending_age_p99_s < 30 parsecs").contains("in seconds"));
        assert!(e("pods_never_scheduled == none").contains("is not a number"));
        assert!(e("api:pending_age_max_s < 1m").contains("no workload named \"api\""));
        assert!(e("web:cpu_allocated_avg < 1").contains("unknown per-workload figure"));
        assert!(e("< 3").contains("expected FIGURE OP VALUE"));
    }

    #[test]
    fn values_come_from_the_summary_or_the_workload() {
        let mut summary = Summary::default();
        summary.waits.wait.p99 = 41.0;
        let mut web = WaitStats::default();
        web.wait.max = 12.0;
        let run = RunFigures {
            summary,
            workloads: vec![("web".into(), web)],
        };
        let s = Slo::parse("pending_age_p99_s < 30s", &workloads()).unwrap();
        assert_eq!(s.value(&run), 41.0);
        assert!(!s.holds(41.0));
        let s = Slo::parse("web:pending_age_max_s < 30s", &workloads()).unwrap();
        assert_eq!(s.value(&run), 12.0);
        assert!(s.holds(12.0));
    }
}
