//! Names that become one folder name in the results path (scenario names, scheduler
//! profile names and KubeSchedulerConfiguration file stems): the rule that keeps them a
//! single path component inside their parent.

/// Longest name accepted, in bytes: a folder name may have 255 bytes on common file
/// systems, and k8sim's temporary siblings (`.<name>.tmp-<pid>-<n>`) need room for a
/// prefix and suffix.
pub const MAX_BYTES: usize = 200;

/// Checks that `name` can be used as one folder name: non-empty, at most [`MAX_BYTES`]
/// bytes, not starting with `.` (which rules out `.`, `..` and k8sim's own hidden
/// temporary folders), and free of `/`, `\`, NUL and other control characters.
///
/// The error says what is wrong, e.g. `".." starts with '.'`; callers add where the name
/// came from.
pub fn check(name: &str) -> Result<(), String> {
    let expected = "expected a folder name: 1 to 200 bytes, not starting with '.', \
                    without '/', '\\' or control characters";
    let shown = shorten(name);
    if name.is_empty() {
        return Err(format!("the name is empty ({expected})"));
    }
    if name.len() > MAX_BYTES {
        return Err(format!("{shown} is {} bytes long ({expected})", name.len()));
    }
    if name.starts_with('.') {
        return Err(format!("{shown} starts with '.' ({expected})"));
    }
    if let Some(c) = name
        .chars()
        .find(|&c| c == '/' || c == '\\' || c.is_control())
    {
        return Err(format!("{shown} contains {c:?} ({expected})"));
    }
    Ok(())
}

/// `name` quoted, cut to its first 40 characters when longer.
fn shorten(name: &str) -> String {
    if name.chars().count() <= 40 {
        format!("{name:?}")
    } else {
        let head: String = name.chars().take(40).collect();
        format!("{head:?}...")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_names_pass() {
        for ok in [
            "seed",
            "default",
            "most-allocated",
            "my profile",
            "a.b",
            "x..y",
            "é",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
        assert_eq!(check(&"a".repeat(MAX_BYTES)), Ok(()));
    }

    #[test]
    fn names_that_leave_their_folder_are_refused() {
        let cases = [
            ("", "empty"),
            (".", "starts with '.'"),
            ("..", "starts with '.'"),
            (".seed-1.tmp-42-0", "starts with '.'"),
            ("a/b", "contains '/'"),
            ("/etc", "contains '/'"),
            ("a\\b", "contains '\\\\'"),
            ("a\0b", "contains '\\0'"),
            ("a\nb", "contains '\\n'"),
            ("a\u{1b}b", "contains '\\u{1b}'"),
        ];
        for (name, fragment) in cases {
            let e = check(name).unwrap_err();
            assert!(e.contains(fragment), "{name:?}: {e}");
        }
        let e = check(&"x".repeat(300)).unwrap_err();
        assert!(e.contains("is 300 bytes long"), "{e}");
        assert!(e.len() < 200, "the message shortens the name: {e}");
    }
}
