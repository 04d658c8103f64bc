//! Statistics over seeds: mean, sample standard deviation and a 95 % confidence interval of
//! the mean (Student's t with n − 1 degrees of freedom).

/// Two-sided 95 % quantiles of Student's t for 1..=30 degrees of freedom
/// (t₀.₉₇₅; any statistics table, e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2).
const T_975: [f64; 30] = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
    2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
    2.052, 2.048, 2.045, 2.042,
];

/// t₀.₉₇₅ for `df` degrees of freedom; above 30 the next lower tabulated value (40, 60, 120,
/// ∞), so intervals are never narrower than the exact ones.
pub fn t_975(df: usize) -> f64 {
    match df {
        0 => f64::NAN,
        1..=30 => T_975[df - 1],
        31..=40 => 2.042,
        41..=60 => 2.021,
        61..=120 => 2.000,
        _ => 1.980,
    }
}

/// Mean, standard deviation and 95 % interval of a sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Values present.
    pub n: usize,
    /// Mean.
    pub mean: f64,
    /// Sample standard deviation (n − 1); `None` below two values.
    pub std: Option<f64>,
    /// 95 % interval of the mean; `None` below two values.
    pub ci95: Option<(f64, f64)>,
}

impl Estimate {
    /// The estimate of `values`; `None` when empty.
    pub fn of(values: &[f64]) -> Option<Estimate> {
        if values.is_empty() {
            return None;
        }
        let n = values.len();
        let mean = values.iter().sum::<f64>() / n as f64;
        if n < 2 {
            return Some(Estimate {
                n,
                mean,
                std: None,
                ci95: None,
            });
        }
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        let std = var.sqrt();
        let half = t_975(n - 1) * std / (n as f64).sqrt();
        Some(Estimate {
            n,
            mean,
            std: Some(std),
            ci95: Some((mean - half, mean + half)),
        })
    }

    /// True when the interval exists and does not contain zero.
    pub fn excludes_zero(&self) -> bool {
        self.ci95.is_some_and(|(lo, hi)| lo > 0.0 || hi < 0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_of_five_values() {
        // mean 3, std sqrt(2.5) = 1.5811; half width 2.776 * 1.5811 / sqrt(5) = 1.9630.
        let e = Estimate::of(&[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        assert_eq!(e.mean, 3.0);
        let (lo, hi) = e.ci95.unwrap();
        assert!(
            (lo - 1.0370).abs() < 1e-3 && (hi - 4.9630).abs() < 1e-3,
            "{lo} {hi}"
        );
        assert!(e.excludes_zero());
        assert_eq!(Estimate::of(&[2.0]).unwrap().ci95, None);
        assert!(Estimate::of(&[]).is_none());
        assert!(!Estimate::of(&[-1.0, 1.0]).unwrap().excludes_zero());
    }
}
