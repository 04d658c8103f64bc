//! Kubernetes resource quantities ("100m", "0.1", "512Mi", "1e3", "1k") parsed exactly into
//! integers, as `resource.Quantity` does.

use std::fmt;

/// Why a quantity string is not a valid Kubernetes quantity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid quantity {text:?}: {reason} (expected a number with an optional suffix such as 100m, 0.5, 512Mi, 2Gi, 1e3, 1k)")]
pub struct QuantityError {
    /// The offending text.
    pub text: String,
    /// What was wrong with it.
    pub reason: &'static str,
}

/// An exact quantity: `value = mantissa * 10^exp10 * 2^exp2`, with `mantissa` an integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quantity {
    negative: bool,
    mantissa: u128,
    exp10: i32,
    exp2: u32,
}

impl Quantity {
    /// Parses a quantity with Kubernetes' grammar:
    /// `<sign><digits>[.<digits>][<suffix>]` where suffix is a binary SI suffix
    /// (Ki Mi Gi Ti Pi Ei), a decimal SI suffix (n u m "" k M G T P E) or a decimal exponent
    /// (`e`/`E` followed by a signed integer).
    pub fn parse(text: &str) -> Result<Quantity, QuantityError> {
        let err = |reason| QuantityError {
            text: text.to_string(),
            reason,
        };
        let s = text.trim();
        if s.is_empty() {
            return Err(err("empty"));
        }
        let (negative, rest) = match s.as_bytes()[0] {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, suffix) = rest.split_at(num_end);
        if number.is_empty() || number == "." {
            return Err(err("no digits"));
        }
        let (int_part, frac_part) = match number.split_once('.') {
            Some((i, f)) => {
                if f.contains('.') {
                    return Err(err("more than one decimal point"));
                }
                (i, f)
            }
            None => (number, ""),
        };
        let digits: String = format!("{int_part}{frac_part}");
        let digits = digits.trim_start_matches('0');
        if digits.len() > 30 {
            return Err(err("too many digits"));
        }
        let mantissa: u128 = if digits.is_empty() {
            0
        } else {
            digits.parse().map_err(|_| err("bad digits"))?
        };
        let mut exp10 = -(frac_part.len() as i32);
        let mut exp2 = 0u32;
        match suffix {
            "" => {}
            "n" => exp10 -= 9,
            "u" => exp10 -= 6,
            "m" => exp10 -= 3,
            "k" => exp10 += 3,
            "M" => exp10 += 6,
            "G" => exp10 += 9,
            "T" => exp10 += 12,
            "P" => exp10 += 15,
            "E" => exp10 += 18,
            "Ki" => exp2 = 10,
            "Mi" => exp2 = 20,
            "Gi" => exp2 = 30,
            "Ti" => exp2 = 40,
            "Pi" => exp2 = 50,
            "Ei" => exp2 = 60,
            other => {
                let exp = other
                    .strip_prefix('e')
                    .or_else(|| other.strip_prefix('E'))
                    .ok_or_else(|| err("unknown suffix"))?;
                let exp: i32 = exp.parse().map_err(|_| err("bad exponent"))?;
                if !(-40..=40).contains(&exp) {
                    return Err(err("exponent out of range"));
                }
                exp10 += exp;
            }
        }
        Ok(Quantity {
            negative,
            mantissa,
            exp10,
            exp2,
        })
    }

    /// True if the quantity is below zero.
    pub fn is_negative(&self) -> bool {
        self.negative && self.mantissa != 0
    }

    /// `value * 10^scale`, rounded up (away from zero) to an integer, as
    /// `Quantity.ScaledValue` does; saturates at `i64` bounds.
    fn scaled_ceil(&self, scale: i32) -> i64 {
        let mut num: u128 = self.mantissa;
        let mut den: u128 = 1;
        let e = self.exp10 + scale;
        let mul = |a: u128, b: u128| a.saturating_mul(b);
        if e >= 0 {
            for _ in 0..e {
                num = mul(num, 10);
            }
        } else {
            for _ in 0..(-e) {
                den = mul(den, 10);
            }
        }
        num = mul(num, 1u128 << self.exp2);
        let v = num.div_ceil(den);
        let v = v.min(i64::MAX as u128) as i64;
        if self.negative {
            -v
        } else {
            v
        }
    }

    /// The value in thousandths (millicores for cpu), rounded up like `MilliValue()`.
    pub fn milli_value(&self) -> i64 {
        self.scaled_ceil(3)
    }

    /// The integer value (bytes for memory), rounded up like `Value()`.
    pub fn value(&self) -> i64 {
        self.scaled_ceil(0)
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}m", self.milli_value())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Cases from k8s.io/apimachinery/pkg/api/resource/quantity_test.go (value semantics).
    #[test]
    fn parses_kubernetes_examples() {
        let cases: &[(&str, i64, i64)] = &[
            // text, milli, value
            ("100m", 100, 1),
            ("0.1", 100, 1),
            ("1.5", 1500, 2),
            ("1", 1000, 1),
            ("512Mi", 512 * 1024 * 1024 * 1000, 512 * 1024 * 1024),
            ("2Gi", 2 * 1024 * 1024 * 1024 * 1000, 2 * 1024 * 1024 * 1024),
            ("1e3", 1_000_000, 1000),
            ("1E3", 1_000_000, 1000),
            ("1k", 1_000_000, 1000),
            ("1M", 1_000_000_000, 1_000_000),
            ("128974848", 128_974_848_000, 128_974_848),
            ("129e6", 129_000_000_000, 129_000_000),
            ("123Mi", 128_974_848_000, 128_974_848),
            (".5", 500, 1),
            ("5.", 5000, 5),
            ("0", 0, 0),
            ("1n", 1, 1),
            ("250u", 1, 1),
            ("+2", 2000, 2),
            ("1.5Gi", 1_610_612_736_000, 1_610_612_736),
        ];
        for (text, milli, value) in cases {
            let q = Quantity::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(q.milli_value(), *milli, "milli of {text}");
            assert_eq!(q.value(), *value, "value of {text}");
        }
    }

    #[test]
    fn rejects_malformed_quantities() {
        for bad in ["12Gx", "", "abc", "1..2", "Mi", "1iB", "1e", "--1", "1 Gi"] {
            assert!(Quantity::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn negative_is_detected() {
        assert!(Quantity::parse("-1").unwrap().is_negative());
        assert!(!Quantity::parse("-0").unwrap().is_negative());
    }
}
