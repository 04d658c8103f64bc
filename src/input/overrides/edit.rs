//! Splicing one value into a YAML document's text: a scalar is replaced in place; missing
//! keys become new lines under an existing block mapping. Everything else in the file
//! (comments, layout, line numbers above the change) stays as written.

use super::path::{show, Segment};
use super::tree::{byte_range, Node, Scalar};
use serde_saphyr::Spanned;

/// A text change to one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// First byte replaced.
    pub start: usize,
    /// One past the last byte replaced (`start` for an insertion).
    pub end: usize,
    /// The new text.
    pub replacement: String,
    /// For an insertion: the 1-based document line of the first new line, and how many.
    pub inserted: Option<(u64, u64)>,
}

impl Edit {
    /// `text` with the edit applied.
    pub fn apply(&self, text: &str) -> String {
        format!(
            "{}{}{}",
            &text[..self.start],
            self.replacement,
            &text[self.end..]
        )
    }
}

/// Plans setting `path` (walked from `root`, a node of `text`) to `value`.
pub fn plan(
    text: &str,
    root: &Spanned<Node>,
    path: &[Segment],
    value: &Scalar,
) -> Result<Edit, String> {
    let mut cur = root;
    for (i, seg) in path.iter().enumerate() {
        let walked = || show(&path[..i]);
        cur = match (&cur.value, seg) {
            (Node::Map(entries), _) => match entries.iter().find(|(k, _)| k.value == seg.text()) {
                Some((_, v)) => v,
                None => return insert(text, cur, entries, &path[..i], &path[i..], value),
            },
            (Node::Seq(items), Segment::Select(sel)) => {
                select_item(items, sel).map_err(|e| format!("{}: {e}", show(&path[..=i])))?
            }
            (Node::Seq(_), Segment::Key(k)) => {
                return Err(format!(
                    "{} is a list: pick an item with [name] or [index] before .{k}",
                    walked()
                ))
            }
            (Node::Scalar(s), _) => {
                return Err(format!(
                    "{} is {} ({s}), it has no field {:?}",
                    walked(),
                    s.kind(),
                    seg.text()
                ))
            }
        };
    }
    replace(text, cur, path, value)
}

fn replace(
    text: &str,
    node: &Spanned<Node>,
    path: &[Segment],
    value: &Scalar,
) -> Result<Edit, String> {
    let current = match &node.value {
        Node::Scalar(s) => s,
        other => {
            return Err(format!(
                "{} is {}: set its fields one at a time",
                show(path),
                other.kind()
            ))
        }
    };
    if !value.fits(current) {
        return Err(format!(
            "expected {} like the current value {current}, found {} {value}",
            current.kind(),
            value.kind()
        ));
    }
    let written =
        byte_range(node).filter(|&(s, e)| e > s && e <= text.len() && !text[s..e].contains('\n'));
    let Some((start, end)) = written else {
        return Err(format!(
            "{} has no one-line value in the file to replace; write one there",
            show(path)
        ));
    };
    Ok(Edit {
        start,
        end,
        replacement: value.to_yaml(),
        inserted: None,
    })
}

/// A list item by index (`[0]`) or by its `name` (`[worker]`).
fn select_item<'a>(items: &'a [Spanned<Node>], sel: &str) -> Result<&'a Spanned<Node>, String> {
    if let Ok(i) = sel.parse::<usize>() {
        return items
            .get(i)
            .ok_or_else(|| format!("no item {i}: the list has {} items", items.len()));
    }
    items
        .iter()
        .find(|item| item.value.get_str("name") == Some(sel))
        .ok_or_else(|| {
            let names: Vec<&str> = items
                .iter()
                .filter_map(|i| i.value.get_str("name"))
                .collect();
            format!(
                "no item named {sel:?} (names: {}; or give an index)",
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            )
        })
}

/// Adds the keys `missing` (the last one holding `value`) to the block mapping `map`, as
/// new lines after one of its one-line `key: value` entries.
fn insert(
    text: &str,
    map: &Spanned<Node>,
    entries: &[(Spanned<String>, Spanned<Node>)],
    walked: &[Segment],
    missing: &[Segment],
    value: &Scalar,
) -> Result<Edit, String> {
    let whole = || show(&[walked, missing].concat());
    let cannot = |why: &str| format!("cannot add {}: {why}; write it in the file", whole());
    if byte_range(map).is_some_and(|(s, _)| text[s..].starts_with('{')) {
        return Err(cannot("its mapping is written inline ({...})"));
    }
    let anchor = entries.iter().find_map(|(k, v)| {
        let (start, end) = byte_range(v)?;
        let one_line = matches!(v.value, Node::Scalar(_))
            && v.referenced.line() == k.referenced.line()
            && end > start
            && end <= text.len()
            && !text[start..end].contains('\n');
        one_line.then_some((k, end))
    });
    let Some((key, value_end)) = anchor else {
        let place = if walked.is_empty() {
            "the top level".to_string()
        } else {
            show(walked)
        };
        return Err(cannot(&format!(
            "{place} has no one-line `key: value` entry to add it after"
        )));
    };
    let line_end = text[value_end..].find('\n').map(|i| value_end + i + 1);
    let indent = key.referenced.column().saturating_sub(1) as usize;
    let mut lines = String::new();
    if line_end.is_none() {
        lines.push('\n');
    }
    for (depth, seg) in missing.iter().enumerate() {
        let pad = " ".repeat(indent + 2 * depth);
        let k = yaml_key(seg.text());
        if depth + 1 == missing.len() {
            lines.push_str(&format!("{pad}{k}: {}\n", value.to_yaml()));
        } else {
            lines.push_str(&format!("{pad}{k}:\n"));
        }
    }
    let at = line_end.unwrap_or(text.len());
    Ok(Edit {
        start: at,
        end: at,
        replacement: lines,
        inserted: Some((key.referenced.line() + 1, missing.len() as u64)),
    })
}

/// A key as YAML: plain when it is made of safe characters, double-quoted otherwise.
fn yaml_key(k: &str) -> String {
    let plain = !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'));
    if plain {
        k.to_owned()
    } else {
        serde_json::to_string(k).expect("a string serialises")
    }
}

#[cfg(test)]
mod tests {
    use super::super::path::parse_path;
    use super::super::tree::parse;
    use super::*;

    fn set(text: &str, path: &str, value: Scalar) -> Result<String, String> {
        let root = parse(text).unwrap();
        let path = parse_path(path).unwrap();
        plan(text, &root, &path.0, &value).map(|e| e.apply(text))
    }

    const SCENARIO: &str = "name: s # the name\ncluster:\n  nodes:\n    - name: worker\n      count: 3\n      allocatable: {cpu: \"4\"}\n    - name: gpu\nruntime:\n  image_pull: 5s\n";

    #[test]
    fn scalars_are_replaced_in_place() {
        let out = set(SCENARIO, "cluster.nodes[worker].count", Scalar::Int(20)).unwrap();
        assert!(out.contains("      count: 20\n"), "{out}");
        assert_eq!(out.lines().count(), SCENARIO.lines().count());
        let out = set(SCENARIO, "cluster.nodes[0].allocatable.cpu", Scalar::Int(8)).unwrap();
        assert!(out.contains("allocatable: {cpu: 8}"), "{out}");
        let out = set(SCENARIO, "runtime.image_pull", Scalar::Str("30s".into())).unwrap();
        assert!(out.contains("image_pull: \"30s\"\n"), "{out}");
        let out = set(SCENARIO, "name", Scalar::Str("t".into())).unwrap();
        assert!(out.starts_with("name: \"t\" # the name\n"), "{out}");
    }

    #[test]
    fn missing_keys_are_added_under_their_mapping() {
        let out = set(SCENARIO, "runtime.binding", Scalar::Str("1s".into())).unwrap();
        assert!(
            out.contains("  image_pull: 5s\n  binding: \"1s\"\n"),
            "{out}"
        );
        let out = set(
            SCENARIO,
            "cluster.nodes[gpu].labels.env",
            Scalar::Str("x".into()),
        )
        .unwrap();
        assert!(
            out.contains("    - name: gpu\n      labels:\n        env: \"x\"\n"),
            "{out}"
        );
        let root = parse(SCENARIO).unwrap();
        let path = parse_path("metrics.sample_every").unwrap();
        let edit = plan(SCENARIO, &root, &path.0, &Scalar::Str("5s".into())).unwrap();
        // After `name: s` (line 1): two new lines, 2 and 3.
        assert_eq!(edit.inserted, Some((2, 2)));
    }

    #[test]
    fn wrong_paths_and_types_are_explained() {
        let e = set(SCENARIO, "cluster.nodes[wrker].count", Scalar::Int(2)).unwrap_err();
        assert!(
            e.contains("no item named \"wrker\" (names: worker, gpu"),
            "{e}"
        );
        let e = set(
            SCENARIO,
            "cluster.nodes[worker].count",
            Scalar::Str("x".into()),
        )
        .unwrap_err();
        assert!(
            e.contains("expected a number like the current value 3"),
            "{e}"
        );
        let e = set(SCENARIO, "cluster.nodes.count", Scalar::Int(2)).unwrap_err();
        assert!(e.contains("cluster.nodes is a list"), "{e}");
        let e = set(SCENARIO, "cluster.nodes[worker]", Scalar::Int(2)).unwrap_err();
        assert!(
            e.contains("is a mapping: set its fields one at a time"),
            "{e}"
        );
        let e = set(
            SCENARIO,
            "cluster.nodes[worker].allocatable.gpu",
            Scalar::Int(2),
        )
        .unwrap_err();
        assert!(e.contains("written inline"), "{e}");
        let e = set(SCENARIO, "name.first", Scalar::Int(2)).unwrap_err();
        assert!(e.contains("name is a string (s)"), "{e}");
    }
}
