//! Sweep files (`kind: Sweep`): a base scenario, schedulers, seeds and a grid of scenario
//! fields to vary (`set:`), crossed unless grouped under `zip:`.
//!
//! ```yaml
//! kind: Sweep
//! name: nodes-vs-policy
//! scenario: ../seed.yaml          # relative to the sweep file
//! schedulers: [default, most-allocated]
//! seeds: 1..5
//! set:
//!   cluster.nodes[worker].count: [2, 3, 4]
//! ```

use super::error::{InputError, InputErrors};
use super::overrides::{parse_path, parse_tree, FieldPath, Node, Scalar};
use super::seeds::parse_seeds;
use serde_saphyr::Spanned;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// One swept field and its values.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// The field.
    pub path: FieldPath,
    /// Its values, in the order written.
    pub values: Vec<Scalar>,
}

/// A validated sweep file.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepSpec {
    /// Name (results folder name).
    pub name: String,
    /// The base scenario file.
    pub scenario: PathBuf,
    /// Scheduler profiles, in order.
    pub schedulers: Vec<String>,
    /// Seeds, in order.
    pub seeds: Vec<u64>,
    /// Swept fields, in file order.
    pub axes: Vec<Axis>,
    /// Groups of axes (indices into `axes`) that advance together instead of being crossed.
    pub zip: Vec<Vec<usize>>,
    /// Summary figures to plot against each parameter (empty: the default ones).
    pub figures: Vec<String>,
    /// Whether each run also renders its plots and report.
    pub run_plots: bool,
    /// SHA-256 (hex, 16 digits) of the sweep file and the scenario file: shards of one sweep
    /// share it.
    pub id: String,
    /// Where it was read from.
    pub source: PathBuf,
}

/// Keys a sweep file may hold.
const KEYS: [&str; 9] = [
    "kind",
    "name",
    "scenario",
    "schedulers",
    "seeds",
    "set",
    "zip",
    "figures",
    "run_plots",
];

/// True when `text` is a sweep file (a top-level `kind: Sweep`).
pub fn is_sweep(text: &str) -> bool {
    text.lines()
        .any(|l| l.trim_end() == "kind: Sweep" || l.starts_with("kind: Sweep "))
}

/// Reads and validates a sweep file.
pub fn load(path: &Path) -> Result<SweepSpec, InputErrors> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| InputError::new(path, None, "", format!("cannot read sweep file: {e}")))?;
    let root = parse_tree(&text).map_err(|e| InputError::new(path, None, "", e))?;
    let mut r = Reader {
        file: path,
        errors: Vec::new(),
    };
    let spec = r.spec(&root, &text);
    match spec {
        Some(spec) if r.errors.is_empty() => Ok(spec),
        _ => Err(InputErrors(r.errors)),
    }
}

struct Reader<'a> {
    file: &'a Path,
    errors: Vec<InputError>,
}

impl Reader<'_> {
    fn err(&mut self, at: Option<&Spanned<Node>>, field: &str, msg: impl Into<String>) {
        let line = at.map(|n| n.referenced.line());
        self.errors
            .push(InputError::new(self.file, line, field, msg.into()));
    }

    fn string(&mut self, node: &Spanned<Node>, field: &str) -> Option<String> {
        match &node.value {
            Node::Scalar(Scalar::Str(s)) if !s.is_empty() => Some(s.clone()),
            other => {
                self.err(
                    Some(node),
                    field,
                    format!("expected a string, found {}", other.kind()),
                );
                None
            }
        }
    }

    fn spec(&mut self, root: &Spanned<Node>, text: &str) -> Option<SweepSpec> {
        let Node::Map(entries) = &root.value else {
            self.err(Some(root), "", "expected a mapping with kind: Sweep");
            return None;
        };
        for (k, _) in entries {
            if !KEYS.contains(&k.value.as_str()) {
                let line = Some(k.referenced.line());
                self.errors.push(InputError::new(
                    self.file,
                    line,
                    k.value.clone(),
                    format!("unknown field, expected one of: {}", KEYS.join(", ")),
                ));
            }
        }
        let get = |k: &str| root.value.get(k);
        if get("kind").and_then(|n| match &n.value {
            Node::Scalar(Scalar::Str(s)) => Some(s.as_str()),
            _ => None,
        }) != Some("Sweep")
        {
            self.err(get("kind"), "kind", "expected kind: Sweep");
        }
        let name = match get("name") {
            Some(n) => self.string(n, "name").unwrap_or_default(),
            None => self
                .file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
        };
        if name.is_empty() || name.contains(['/', '\\']) || name == "." || name == ".." {
            self.err(
                get("name"),
                "name",
                "expected a non-empty name without slashes",
            );
        }
        let scenario = match get("scenario") {
            Some(n) => self.string(n, "scenario").map(PathBuf::from),
            None => {
                self.err(
                    None,
                    "scenario",
                    "missing: expected the path of the base scenario",
                );
                None
            }
        };
        let scenario = scenario.map(|p| self.file.parent().unwrap_or(Path::new(".")).join(p));
        let schedulers = self.schedulers(get("schedulers"));
        let seeds = self.seeds(get("seeds"));
        let axes = self.axes(get("set"));
        let zip = self.zip(get("zip"), &axes);
        let figures = match get("figures") {
            None => Vec::new(),
            Some(n) => self.strings(n, "figures"),
        };
        let run_plots = match get("run_plots").map(|n| &n.value) {
            None => false,
            Some(Node::Scalar(Scalar::Bool(b))) => *b,
            Some(_) => {
                self.err(get("run_plots"), "run_plots", "expected true or false");
                false
            }
        };
        let scenario = scenario?;
        let id = self.id(text, &scenario);
        Some(SweepSpec {
            name,
            scenario,
            schedulers,
            seeds,
            axes,
            zip,
            figures,
            run_plots,
            id,
            source: self.file.to_path_buf(),
        })
    }

    fn strings(&mut self, node: &Spanned<Node>, field: &str) -> Vec<String> {
        match &node.value {
            Node::Seq(items) => items
                .iter()
                .enumerate()
                .filter_map(|(i, n)| self.string(n, &format!("{field}[{i}]")))
                .collect(),
            _ => {
                self.err(
                    Some(node),
                    field,
                    format!("expected a list, found {}", node.value.kind()),
                );
                Vec::new()
            }
        }
    }

    fn schedulers(&mut self, node: Option<&Spanned<Node>>) -> Vec<String> {
        let list = match node {
            Some(Spanned {
                value: Node::Scalar(Scalar::Str(s)),
                ..
            }) => s.split(',').map(|s| s.trim().to_owned()).collect(),
            Some(n) => self.strings(n, "schedulers"),
            None => Vec::new(),
        };
        if list.is_empty() || list.iter().any(String::is_empty) {
            self.err(
                node,
                "schedulers",
                "expected a non-empty list of scheduler names",
            );
        }
        let mut unique: Vec<String> = Vec::new();
        for s in list {
            if !unique.contains(&s) {
                unique.push(s);
            }
        }
        unique
    }

    fn seeds(&mut self, node: Option<&Spanned<Node>>) -> Vec<u64> {
        let parsed = match node.map(|n| &n.value) {
            None => Err("missing: expected e.g. 1..5, [1, 2, 7] or 42".to_owned()),
            Some(Node::Scalar(Scalar::Int(i))) => u64::try_from(*i)
                .map(|s| vec![s])
                .map_err(|_| format!("{i} is not a seed")),
            Some(Node::Scalar(Scalar::Str(s))) => parse_seeds(s),
            Some(Node::Seq(items)) => items
                .iter()
                .map(|n| match &n.value {
                    Node::Scalar(Scalar::Int(i)) => {
                        u64::try_from(*i).map_err(|_| format!("{i} is not a seed"))
                    }
                    other => Err(format!("expected a seed, found {}", other.kind())),
                })
                .collect(),
            Some(other) => Err(format!("expected e.g. 1..5, found {}", other.kind())),
        };
        match parsed {
            Ok(seeds) if !seeds.is_empty() => seeds,
            Ok(_) => {
                self.err(node, "seeds", "expected at least one seed");
                Vec::new()
            }
            Err(e) => {
                self.err(node, "seeds", e);
                Vec::new()
            }
        }
    }

    fn axes(&mut self, node: Option<&Spanned<Node>>) -> Vec<Axis> {
        let empty = "empty grid: expected at least one field to vary, e.g. `cluster.nodes[worker].count: [2, 3, 4]`";
        let entries = match node.map(|n| &n.value) {
            Some(Node::Map(entries)) if !entries.is_empty() => entries,
            Some(Node::Map(_)) | Some(Node::Scalar(Scalar::Null)) | None => {
                self.err(node, "set", empty);
                return Vec::new();
            }
            Some(other) => {
                self.err(
                    node,
                    "set",
                    format!(
                        "expected a mapping of field paths to value lists, found {}",
                        other.kind()
                    ),
                );
                return Vec::new();
            }
        };
        let mut axes = Vec::new();
        for (key, values) in entries {
            let field = format!("set.{}", key.value);
            let path = match parse_path(&key.value) {
                Ok(p) => p,
                Err(e) => {
                    self.err(Some(values), &field, e);
                    continue;
                }
            };
            let values = match &values.value {
                Node::Scalar(s) => vec![s.clone()],
                Node::Seq(items) if items.is_empty() => {
                    self.err(
                        Some(values),
                        &field,
                        "empty list of values: expected at least one",
                    );
                    continue;
                }
                Node::Seq(items) => {
                    let mut out = Vec::new();
                    for item in items {
                        match &item.value {
                            Node::Scalar(s) => out.push(s.clone()),
                            other => self.err(
                                Some(item),
                                &field,
                                format!("expected a single value, found {}", other.kind()),
                            ),
                        }
                    }
                    out
                }
                Node::Map(_) => {
                    self.err(
                        Some(values),
                        &field,
                        "expected a list of values, found a mapping",
                    );
                    continue;
                }
            };
            axes.push(Axis { path, values });
        }
        axes
    }

    fn zip(&mut self, node: Option<&Spanned<Node>>, axes: &[Axis]) -> Vec<Vec<usize>> {
        let Some(node) = node else {
            return Vec::new();
        };
        let Node::Seq(groups) = &node.value else {
            self.err(
                Some(node),
                "zip",
                "expected a list of lists of paths from set",
            );
            return Vec::new();
        };
        let mut out: Vec<Vec<usize>> = Vec::new();
        for (g, group) in groups.iter().enumerate() {
            let field = format!("zip[{g}]");
            let paths = self.strings(group, &field);
            let mut members = Vec::new();
            for p in paths {
                let found = axes.iter().position(|a| a.path.to_string() == p);
                match found {
                    None => self.err(Some(group), &field, format!("{p} is not a field under set")),
                    Some(i) if out.iter().flatten().chain(&members).any(|&j| j == i) => {
                        self.err(Some(group), &field, format!("{p} is zipped twice"))
                    }
                    Some(i) => members.push(i),
                }
            }
            if members.len() < 2 {
                self.err(
                    Some(group),
                    &field,
                    "expected at least two fields to zip together",
                );
                continue;
            }
            let len = axes[members[0]].values.len();
            if members.iter().any(|&i| axes[i].values.len() != len) {
                let lens: Vec<String> = members
                    .iter()
                    .map(|&i| format!("{} has {}", axes[i].path, axes[i].values.len()))
                    .collect();
                self.err(
                    Some(group),
                    &field,
                    format!(
                        "zipped fields need as many values each: {}",
                        lens.join(", ")
                    ),
                );
                continue;
            }
            out.push(members);
        }
        out
    }

    fn id(&mut self, text: &str, scenario: &Path) -> String {
        let scenario_bytes = match std::fs::read(scenario) {
            Ok(b) => b,
            Err(e) => {
                self.err(
                    None,
                    "scenario",
                    format!("cannot read {}: {e}", scenario.display()),
                );
                Vec::new()
            }
        };
        let mut h = Sha256::new();
        h.update(text.as_bytes());
        h.update([0u8]);
        h.update(&scenario_bytes);
        let digest = h.finalize();
        digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
    }
}
