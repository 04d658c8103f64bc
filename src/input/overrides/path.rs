//! Override paths: `cluster.nodes[worker].count`, `runtime.image_pull`,
//! `workloads[Deployment/web].spec.replicas`, `labels[app.kubernetes.io/name]`.

use std::fmt;

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// `.key`: a mapping key.
    Key(String),
    /// `[sel]`: a list item by index or `name`, or a mapping key that holds dots.
    Select(String),
}

impl Segment {
    /// The key or selector text.
    pub fn text(&self) -> &str {
        match self {
            Segment::Key(k) | Segment::Select(k) => k,
        }
    }
}

/// A parsed path, displayed as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath(pub Vec<Segment>);

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_segments(f, &self.0)
    }
}

/// Writes segments as a path (`a.b[c].d`).
pub fn write_segments(f: &mut impl fmt::Write, segments: &[Segment]) -> fmt::Result {
    for (i, s) in segments.iter().enumerate() {
        match s {
            Segment::Key(k) if i == 0 => f.write_str(k)?,
            Segment::Key(k) => write!(f, ".{k}")?,
            Segment::Select(k) => write!(f, "[{k}]")?,
        }
    }
    Ok(())
}

/// Segments as a path string.
pub fn show(segments: &[Segment]) -> String {
    let mut s = String::new();
    write_segments(&mut s, segments).expect("writing to a String");
    s
}

/// Parses `a.b[sel].c`: keys are separated by dots, `[...]` selects a list item (by index
/// or by its `name`) or a mapping key that contains dots.
pub fn parse_path(text: &str) -> Result<FieldPath, String> {
    let bad =
        |why: &str| format!("path {text:?}: {why} (expected e.g. cluster.nodes[worker].count)");
    let mut segments = Vec::new();
    let mut key = String::new();
    let mut chars = text.chars();
    let mut after_select = false;
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                if key.is_empty() && !after_select {
                    return Err(bad("empty key"));
                }
                if !key.is_empty() {
                    segments.push(Segment::Key(std::mem::take(&mut key)));
                }
                after_select = false;
            }
            '[' => {
                if !key.is_empty() {
                    segments.push(Segment::Key(std::mem::take(&mut key)));
                } else if segments.is_empty() {
                    return Err(bad("a path starts with a key"));
                }
                let mut sel = String::new();
                let mut closed = false;
                for c in chars.by_ref() {
                    if c == ']' {
                        closed = true;
                        break;
                    }
                    sel.push(c);
                }
                if !closed {
                    return Err(bad("unclosed ["));
                }
                if sel.trim().is_empty() {
                    return Err(bad("empty [] selector"));
                }
                segments.push(Segment::Select(sel.trim().to_owned()));
                after_select = true;
            }
            ']' => return Err(bad("] without [")),
            c if c.is_whitespace() => return Err(bad("spaces are not allowed")),
            c => {
                if after_select {
                    return Err(bad("expected . or [ after ]"));
                }
                key.push(c);
            }
        }
    }
    if !key.is_empty() {
        segments.push(Segment::Key(key));
    } else if !after_select {
        return Err(bad("empty key"));
    }
    Ok(FieldPath(segments))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Segment::*;

    #[test]
    fn paths_parse_and_print_back() {
        let p = parse_path("cluster.nodes[worker].count").unwrap();
        assert_eq!(
            p.0,
            vec![
                Key("cluster".into()),
                Key("nodes".into()),
                Select("worker".into()),
                Key("count".into())
            ]
        );
        assert_eq!(p.to_string(), "cluster.nodes[worker].count");
        let p = parse_path("workloads[Deployment/web].spec.replicas").unwrap();
        assert_eq!(p.0[1], Select("Deployment/web".into()));
        let p = parse_path("a.labels[app.kubernetes.io/name]").unwrap();
        assert_eq!(p.0[2], Select("app.kubernetes.io/name".into()));
    }

    #[test]
    fn malformed_paths_are_errors() {
        for bad in [
            "", ".a", "a.", "a..b", "a[]", "a[x", "a]b", "a[x]b", "[x]", "a b",
        ] {
            assert!(parse_path(bad).is_err(), "{bad:?} should not parse");
        }
    }
}
