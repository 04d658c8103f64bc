//! Fixed-point formatting of `f64` for the CSV writers: the same text as `format!("{v:.N}")`
//! (exact decimal rounding, ties to even on the exact binary value, `-` kept on negative
//! values), several times faster for the ratios and seconds the files are full of.
//!
//! The fast path scales by 10^N and rounds; it is taken only where the scaled value is small
//! enough that the rounding error of the multiplication (below 2⁻⁵³ relative) cannot move it
//! across a rounding boundary, i.e. when its fraction is not within 10⁻⁶ of one half.
//! Everything else (ties, huge values, NaN, infinities) goes through the standard library,
//! which is also the reference the tests compare the fast path with.

/// The largest scaled magnitude the fast path takes (its multiplication error stays below
/// 10⁻⁷, far inside the 10⁻⁶ margin around a tie).
const FAST_LIMIT: f64 = 1e9;

/// Powers of ten for the supported numbers of places.
const POW10: [u64; 10] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
];

/// `format!("{v:.places}")`, computed quickly where that is provably the same text.
pub fn fixed(v: f64, places: usize) -> String {
    let mut out = String::with_capacity(16);
    push_fixed(&mut out, v, places);
    out
}

/// The value a reader gets back from a CSV field written with six decimals
/// (`fixed(v, 6)`), for views of a run in memory that must match views of its folder.
pub fn as_written(v: f64) -> f64 {
    fixed(v, 6).parse().unwrap_or(v)
}

/// Appends `format!("{v:.places}")` to `out` (see [`fixed`]).
pub fn push_fixed(out: &mut String, v: f64, places: usize) {
    if let Some(scaled) = fast_scaled(v, places) {
        if v.is_sign_negative() {
            out.push('-');
        }
        let pow = POW10[places];
        push_u64(out, scaled / pow);
        if places > 0 {
            out.push('.');
            let frac = scaled % pow;
            let mut digits = [b'0'; 9];
            let mut rest = frac;
            for d in digits[..places].iter_mut().rev() {
                *d = b'0' + (rest % 10) as u8;
                rest /= 10;
            }
            out.push_str(std::str::from_utf8(&digits[..places]).expect("ASCII digits"));
        }
    } else {
        use std::fmt::Write as _;
        write!(out, "{v:.places$}").expect("writing to a String");
    }
}

/// `|v| × 10^places` rounded, when rounding the product is certainly the same as rounding
/// the exact decimal value of `v`.
fn fast_scaled(v: f64, places: usize) -> Option<u64> {
    if places >= POW10.len() || !v.is_finite() {
        return None;
    }
    let x = v.abs() * POW10[places] as f64;
    if x >= FAST_LIMIT {
        return None;
    }
    let floor = x.floor();
    let frac = x - floor;
    if (frac - 0.5).abs() < 1e-6 {
        return None;
    }
    Some(floor as u64 + u64::from(frac > 0.5))
}

/// Appends the decimal digits of `n` to `out`.
pub fn push_u64(out: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&buf[i..]).expect("ASCII digits"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    fn same(v: f64, places: usize) {
        assert_eq!(
            fixed(v, places),
            format!("{v:.places$}"),
            "{v:e} to {places} places"
        );
    }

    #[test]
    fn edge_values_match_the_standard_library() {
        let edges = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            1.5,
            2.5,
            0.0000005,
            0.0000015,
            0.0000025,
            0.1234565,
            1e-7,
            -1e-7,
            0.999_999_5,
            0.999_999_499_999,
            999.999_999_5,
            1e3,
            1e9,
            123_456_789.123_456_7,
            f64::MIN_POSITIVE,
            f64::MAX,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1.0 / 3.0,
            2.0 / 3.0,
        ];
        for v in edges {
            for places in 0..=9 {
                same(v, places);
            }
        }
    }

    #[test]
    fn random_ratios_seconds_and_bit_patterns_match_the_standard_library() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        for _ in 0..200_000 {
            let places = [0, 1, 2, 3, 6][rng.random_range(0..5)];
            same(rng.random::<f64>(), places);
            same(rng.random_range(-1e4..1e4), places);
            // Ratios of small integers, as the samples are.
            let (a, b) = (
                rng.random_range(0..10_000u32),
                rng.random_range(1..10_000u32),
            );
            same(a as f64 / b as f64, places);
            // Milliseconds as seconds.
            same(
                rng.random_range(0..10_000_000_000u64) as f64 / 1000.0,
                places,
            );
            same(f64::from_bits(rng.random::<u64>()), places);
            // Exact ties at the last place.
            let tie = (rng.random_range(0..1_000_000u64) as f64 + 0.5) / POW10[places] as f64;
            same(tie, places);
        }
    }
}
