//! Numbers as messages print them: `1234567` as `1,234,567`.

/// `n` with a comma between every three digits.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn groups_every_three_digits() {
        assert_eq!(thousands(5_000_000), "5,000,000");
        assert_eq!(thousands(250_000), "250,000");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(999), "999");
    }
}
