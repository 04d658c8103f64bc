//! Seed lists as people write them: `1..5` (both ends included; `1..=5` too), `1,2,7`, `42`.

/// Most seeds one list may hold.
pub const MAX_SEEDS: u64 = 10_000;

/// Parses a seed list; duplicates are dropped, order is kept.
pub fn parse_seeds(text: &str) -> Result<Vec<u64>, String> {
    let bad = |part: &str| format!("{part:?} is not a seed (expected e.g. 1..5, 1,2,7 or 42)");
    let text = text.trim();
    if let Some((a, b)) = text.split_once("..") {
        let b = b.strip_prefix('=').unwrap_or(b);
        let a: u64 = a.trim().parse().map_err(|_| bad(a))?;
        let b: u64 = b.trim().parse().map_err(|_| bad(b))?;
        if a > b {
            return Err(format!("empty range {a}..{b}"));
        }
        if b - a >= MAX_SEEDS {
            return Err(format!("more than {MAX_SEEDS} seeds in {a}..{b}"));
        }
        return Ok((a..=b).collect());
    }
    let mut seeds = Vec::new();
    for part in text.split(',') {
        let seed: u64 = part.trim().parse().map_err(|_| bad(part))?;
        if !seeds.contains(&seed) {
            seeds.push(seed);
        }
    }
    Ok(seeds)
}
