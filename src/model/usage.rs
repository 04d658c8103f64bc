//! Resource usage over simulated time (the scenario's `usage:` section and the
//! `k8sim.io/cpu-usage`/`k8sim.io/memory-usage` annotations): what a pod of a workload
//! uses, per pod or as a workload's total demand shared by its Ready pods, with steps, a
//! daily curve and noise. Pure arithmetic; the simulation evaluates it (sim/usage/).

/// One amount of a resource per pod: absolute (millicores or bytes) or a percentage of
/// the pod's request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Amount {
    /// Millicores (cpu) or bytes (memory).
    Absolute(i64),
    /// Percent of the pod's effective request (`60%` is 60.0).
    PercentOfRequest(f64),
}

/// Which resource an amount is of (how its quantity is read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsageResource {
    /// Millicores.
    Cpu,
    /// Bytes.
    Memory,
}

impl Amount {
    /// Reads `300m`, `"1.5"`, `200Mi` (a quantity, in millicores for cpu and bytes for
    /// memory) or `60%` (of the request). Negative or non-finite values are errors.
    pub fn parse(text: &str, resource: UsageResource) -> Result<Amount, String> {
        let t = text.trim();
        if let Some(p) = t.strip_suffix('%') {
            return match p.trim().parse::<f64>() {
                Ok(v) if v.is_finite() && v >= 0.0 => Ok(Amount::PercentOfRequest(v)),
                _ => Err(format!(
                    "expected a percentage of the request such as 60%, got {text:?}"
                )),
            };
        }
        parse_quantity(t, resource).map(Amount::Absolute)
    }

    /// The amount for a pod requesting `request` (millicores or bytes); a percentage is
    /// rounded to the nearest unit.
    pub fn resolve(self, request: i64) -> i64 {
        match self {
            Amount::Absolute(v) => v,
            Amount::PercentOfRequest(p) => (request as f64 * p / 100.0).round() as i64,
        }
    }
}

/// A non-negative quantity in millicores (cpu) or bytes (memory).
pub fn parse_quantity(text: &str, resource: UsageResource) -> Result<i64, String> {
    let example = match resource {
        UsageResource::Cpu => "300m or \"1.5\"",
        UsageResource::Memory => "200Mi or 1Gi",
    };
    let q = crate::model::quantity::Quantity::parse(text.trim())
        .map_err(|_| format!("expected a quantity such as {example}, got {text:?}"))?;
    let v = match resource {
        UsageResource::Cpu => q.milli_value(),
        UsageResource::Memory => q.value(),
    };
    if v < 0 {
        return Err(format!("expected a non-negative quantity, got {text:?}"));
    }
    Ok(v)
}

/// How much one resource is used: per pod, or a workload total shared by its Ready pods.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Demand {
    /// Each pod uses this.
    PerPod(Amount),
    /// The workload's Ready pods share this total equally (millicores or bytes).
    Total(i64),
}

/// CPU and memory demand; `None` leaves a level unchanged when overlaid.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct UsageLevels {
    /// CPU (millicores).
    pub cpu: Option<Demand>,
    /// Memory (bytes).
    pub memory: Option<Demand>,
}

impl UsageLevels {
    /// These levels with the ones `later` sets replacing them.
    pub fn overlaid(self, later: &UsageLevels) -> UsageLevels {
        UsageLevels {
            cpu: later.cpu.or(self.cpu),
            memory: later.memory.or(self.memory),
        }
    }

    /// Whether any level is set.
    pub fn is_set(&self) -> bool {
        self.cpu.is_some() || self.memory.is_some()
    }
}

/// A change of levels at a time (a `steps:` entry or a row of a `series:` CSV).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UsageStep {
    /// When it applies, ms since the scenario start.
    pub at_ms: u64,
    /// The levels it sets.
    pub levels: UsageLevels,
}

/// A daily curve scaling CPU: a raised cosine with period 24 h, 1 at `peak_at_ms` (time
/// of day) and `trough` twelve hours later.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DailyCurve {
    /// Time of day of the peak, ms after midnight of the scenario's start day (time zero).
    pub peak_at_ms: u64,
    /// The factor at the trough, in 0..=1.
    pub trough: f64,
}

/// One day in ms.
pub const DAY_MS: u64 = 86_400_000;

impl DailyCurve {
    /// The factor at `t_ms`: `trough + (1 - trough) * (1 + cos(2π (t - peak) / 24 h)) / 2`.
    pub fn factor(&self, t_ms: u64) -> f64 {
        let phase = (t_ms % DAY_MS + DAY_MS - self.peak_at_ms % DAY_MS) % DAY_MS;
        let angle = std::f64::consts::TAU * phase as f64 / DAY_MS as f64;
        self.trough + (1.0 - self.trough) * (1.0 + angle.cos()) / 2.0
    }
}

/// The usage model of one workload (or of a pod template's annotations).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UsageSpec {
    /// Levels from time zero.
    pub levels: UsageLevels,
    /// Later changes, sorted by time (steps and series rows).
    pub steps: Vec<UsageStep>,
    /// Daily curve on CPU, if any.
    pub daily: Option<DailyCurve>,
    /// Relative noise: each evaluation multiplies CPU by `1 + noise * u`, u uniform in
    /// [-1, 1], drawn per pod.
    pub noise: f64,
}

impl UsageSpec {
    /// The levels in force at `t_ms`: the base with every step at or before `t_ms`
    /// overlaid in order.
    pub fn levels_at(&self, t_ms: u64) -> UsageLevels {
        self.steps
            .iter()
            .take_while(|s| s.at_ms <= t_ms)
            .fold(self.levels, |acc, s| acc.overlaid(&s.levels))
    }
}

/// What one pod demands at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PodDemand {
    /// CPU, millicores.
    pub cpu_millis: i64,
    /// Memory working set, bytes.
    pub memory_bytes: i64,
}

/// Where a pod stands when its demand is worked out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PodShare {
    /// The pod's effective cpu request (millicores).
    pub cpu_request_millis: i64,
    /// The pod's effective memory request (bytes).
    pub memory_request_bytes: i64,
    /// Ready pods of the workload sharing a total (0: none).
    pub ready_pods: u32,
    /// Whether this pod is Ready (a total goes to Ready pods only).
    pub ready: bool,
    /// The CPU factor: the daily curve times the noise.
    pub cpu_factor: f64,
}

fn level(d: Option<Demand>, request: i64, share: &PodShare) -> i64 {
    match d {
        None => 0,
        Some(Demand::PerPod(a)) => a.resolve(request),
        Some(Demand::Total(_)) if !share.ready || share.ready_pods == 0 => 0,
        Some(Demand::Total(t)) => t / i64::from(share.ready_pods),
    }
}

/// A pod's demand under `levels`: per-pod amounts as given (percentages of its
/// requests), totals divided equally among the Ready pods (integer division), CPU
/// scaled by the factor.
pub fn pod_demand(levels: &UsageLevels, share: &PodShare) -> PodDemand {
    let cpu = level(levels.cpu, share.cpu_request_millis, share);
    PodDemand {
        cpu_millis: (cpu as f64 * share.cpu_factor).round().max(0.0) as i64,
        memory_bytes: level(levels.memory, share.memory_request_bytes, share).max(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share(ready_pods: u32) -> PodShare {
        PodShare {
            cpu_request_millis: 500,
            memory_request_bytes: 1000,
            ready_pods,
            ready: true,
            cpu_factor: 1.0,
        }
    }

    #[test]
    fn total_is_shared_by_ready_pods_and_percent_is_of_the_request() {
        let total = UsageLevels {
            cpu: Some(Demand::Total(3000)),
            memory: Some(Demand::PerPod(Amount::PercentOfRequest(60.0))),
        };
        // 3000m over 3 ready pods = 1000m each; over 6 = 500m; 60% of 1000 B = 600 B.
        assert_eq!(pod_demand(&total, &share(3)).cpu_millis, 1000);
        assert_eq!(pod_demand(&total, &share(6)).cpu_millis, 500);
        assert_eq!(pod_demand(&total, &share(3)).memory_bytes, 600);
        // A pod that is not Ready gets no share of the total.
        let not_ready = PodShare {
            ready: false,
            ..share(3)
        };
        assert_eq!(pod_demand(&total, &not_ready).cpu_millis, 0);
        // 60% of a 500m request = 300m.
        let pct = UsageLevels {
            cpu: Some(Demand::PerPod(Amount::PercentOfRequest(60.0))),
            memory: None,
        };
        assert_eq!(pod_demand(&pct, &share(1)).cpu_millis, 300);
    }

    #[test]
    fn amounts_parse_as_quantities_or_percentages() {
        use UsageResource::*;
        assert_eq!(Amount::parse("300m", Cpu), Ok(Amount::Absolute(300)));
        assert_eq!(Amount::parse("1.5", Cpu), Ok(Amount::Absolute(1500)));
        assert_eq!(
            Amount::parse("200Mi", Memory),
            Ok(Amount::Absolute(200 * 1024 * 1024))
        );
        assert_eq!(
            Amount::parse("60%", Cpu),
            Ok(Amount::PercentOfRequest(60.0))
        );
        assert!(Amount::parse("-1", Cpu).is_err());
        assert!(Amount::parse("x%", Cpu).is_err());
        assert!(Amount::parse("lots", Memory).is_err());
    }

    #[test]
    fn steps_overlay_in_order() {
        let spec = UsageSpec {
            levels: UsageLevels {
                cpu: Some(Demand::Total(3000)),
                memory: Some(Demand::PerPod(Amount::Absolute(7))),
            },
            steps: vec![UsageStep {
                at_ms: 1_200_000,
                levels: UsageLevels {
                    cpu: Some(Demand::Total(9000)),
                    memory: None,
                },
            }],
            ..Default::default()
        };
        assert_eq!(spec.levels_at(1_199_999).cpu, Some(Demand::Total(3000)));
        assert_eq!(spec.levels_at(1_200_000).cpu, Some(Demand::Total(9000)));
        // The step leaves memory as it was.
        assert_eq!(
            spec.levels_at(1_200_000).memory,
            Some(Demand::PerPod(Amount::Absolute(7)))
        );
    }

    #[test]
    fn daily_curve_is_one_at_the_peak_and_trough_twelve_hours_later() {
        let c = DailyCurve {
            peak_at_ms: 14 * 3_600_000,
            trough: 0.3,
        };
        assert!((c.factor(14 * 3_600_000) - 1.0).abs() < 1e-12);
        assert!((c.factor(2 * 3_600_000) - 0.3).abs() < 1e-12);
        // Six hours from the peak: halfway, 0.3 + 0.7 * 0.5 = 0.65.
        assert!((c.factor(20 * 3_600_000) - 0.65).abs() < 1e-12);
        assert!((c.factor(8 * 3_600_000) - 0.65).abs() < 1e-12);
    }
}
