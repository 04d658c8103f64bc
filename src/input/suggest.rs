//! "Did you mean" suggestions for misspelt field names, and the wording of unknown-field
//! errors (kubectl's default field validation is Strict: an unknown field is an error).

/// The candidate closest to `name` by edit distance (case-insensitive), if it is close
/// enough to be a plausible typo: at most a third of the longer name's length, and at
/// least 1. Ties go to the earlier candidate, so the answer is stable.
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_ascii_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = edit_distance(&lower, &c.to_ascii_lowercase());
        let limit = (name.len().max(c.len()) / 3).max(1);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Levenshtein distance over bytes (field names are ASCII).
fn edit_distance(a: &str, b: &str) -> usize {
    let b = b.as_bytes();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.bytes().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (diag + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diag = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// Rewrites serde's `unknown field `x`, expected one of `a`, `b`` (as the YAML library
/// prints it) into `unknown field "x": did you mean "a"? (valid fields: a, b)`; `None` for
/// any other message.
pub fn unknown_field_message(serde_message: &str) -> Option<String> {
    let rest = serde_message.strip_prefix("unknown field ")?;
    let (name, expected) = match rest.split_once(", ") {
        Some((n, e)) => (n, e),
        None => (rest, ""),
    };
    let name = name.trim_matches('`');
    let valid: Vec<&str> = expected
        .trim_start_matches("expected one of ")
        .trim_start_matches("expected ")
        .split(", ")
        .map(|s| s.trim().trim_matches('`'))
        .filter(|s| !s.is_empty() && *s != "there are no fields")
        .collect();
    let mut msg = format!("unknown field {name:?}");
    match nearest(name, valid.iter().copied()) {
        Some(s) => msg.push_str(&format!(": did you mean {s:?}?")),
        None if valid.is_empty() => msg.push_str(": this mapping takes no fields"),
        None => {}
    }
    if !valid.is_empty() {
        msg.push_str(&format!(" (valid fields: {})", valid.join(", ")));
    }
    Some(msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_finds_plausible_typos_only() {
        let fields = ["requests", "limits", "claims"];
        assert_eq!(nearest("request", fields), Some("requests"));
        assert_eq!(nearest("limts", fields), Some("limits"));
        assert_eq!(nearest("Requests", fields), Some("requests"));
        assert_eq!(nearest("zzzzzz", fields), None);
    }

    #[test]
    fn unknown_field_messages_suggest_the_nearest_name() {
        let m = unknown_field_message(
            "unknown field `request`, expected one of `requests`, `limits`, `claims`",
        )
        .unwrap();
        assert_eq!(
            m,
            "unknown field \"request\": did you mean \"requests\"? (valid fields: requests, limits, claims)"
        );
        let m = unknown_field_message("unknown field `x`, expected `start`").unwrap();
        assert!(m.contains("valid fields: start"), "{m}");
        assert_eq!(unknown_field_message("invalid i64"), None);
    }
}
