//! `--set PATH=VALUE` overrides of scenario fields (`k8sim run`, `compare`, sweep grids),
//! applied to the YAML text before it is read, so every field can be set, the reader checks
//! the value as if it had been written in the file, and errors keep file, line and field.
//!
//! Paths walk the scenario (`cluster.nodes[worker].count`, `runtime.image_pull`, `seed`);
//! under `workloads[NAME]` or `workloads[Kind/NAME]` they walk the manifest object of that
//! name in the scenario's workload files (`workloads[web].replicas` is short for
//! `workloads[web].spec.replicas`).

mod edit;
mod path;
mod tree;

pub use path::{parse_path, FieldPath, Segment};
pub use tree::{parse as parse_tree, Node, Scalar};

use super::error::InputError;
use super::yaml::split_documents;
use std::fmt;
use std::path::{Path, PathBuf};

/// One override: a path and the value to put there.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// Where.
    pub path: FieldPath,
    /// What.
    pub value: Scalar,
}

impl fmt::Display for Override {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.path, self.value)
    }
}

/// Top-level keys of a Kubernetes object; any other first key of a workload path is taken
/// to be under `spec`.
const OBJECT_KEYS: [&str; 6] = ["apiVersion", "kind", "metadata", "spec", "status", "data"];

/// Kinds preferred when a bare name matches several objects (a Deployment and its Service).
const WORKLOAD_KINDS: [&str; 8] = [
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
    "Pod",
];

impl Override {
    /// Parses `PATH=VALUE`; the value is read as a YAML scalar (`20`, `5s`, `"007"`).
    pub fn parse(arg: &str) -> Result<Override, String> {
        let (path, value) = arg
            .split_once('=')
            .ok_or_else(|| format!("--set {arg:?}: expected PATH=VALUE"))?;
        let path = parse_path(path.trim())?;
        if value.trim().is_empty() {
            return Err(format!("--set {arg:?}: expected a value after ="));
        }
        match tree::parse(value).map(|n| n.value) {
            Ok(Node::Scalar(value)) => Ok(Override { path, value }),
            Ok(other) => Err(format!(
                "--set {arg:?}: expected a single value, found {} (quote it)",
                other.kind()
            )),
            Err(e) => Err(format!("--set {arg:?}: {e}")),
        }
    }

    /// The selector and the path inside the object, for `workloads[SELECTOR]...`.
    fn workload(&self) -> Option<(&str, Vec<Segment>)> {
        match self.path.0.as_slice() {
            [Segment::Key(w), Segment::Select(sel), rest @ ..]
                if w == "workloads" && sel.parse::<usize>().is_err() =>
            {
                let mut inner = rest.to_vec();
                if inner
                    .first()
                    .is_some_and(|s| !OBJECT_KEYS.contains(&s.text()))
                {
                    inner.insert(0, Segment::Key("spec".into()));
                }
                Some((sel, inner))
            }
            _ => None,
        }
    }

    /// True when the override sets a field of a workload manifest.
    pub fn is_workload(&self) -> bool {
        self.workload().is_some()
    }
}

/// Lines added to a file by insertions, to map the edited file's lines back to the original.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineMap(Vec<(u64, u64)>);

impl LineMap {
    /// The original line of edited line `line`; `None` for a line that was added.
    pub fn original(&self, line: u64) -> Option<u64> {
        let mut line = line;
        for &(first, count) in self.0.iter().rev() {
            if line >= first + count {
                line -= count;
            } else if line >= first {
                return None;
            }
        }
        Some(line)
    }

    /// Rewrites the lines of `errors` about `file` to the original file's lines.
    pub fn remap(&self, file: &Path, errors: &mut [InputError]) {
        for e in errors.iter_mut().filter(|e| e.file == file) {
            e.line = e.line.and_then(|l| self.original(l));
        }
    }
}

/// Applies the scenario-level overrides (not `workloads[NAME]...`) to a scenario's text.
/// Errors are `(path, message)`.
pub fn apply_to_scenario(
    text: &str,
    overrides: &[Override],
) -> Result<(String, LineMap), Vec<(String, String)>> {
    let mut text = text.to_owned();
    let mut lines = LineMap::default();
    let mut errors = Vec::new();
    for o in overrides.iter().filter(|o| !o.is_workload()) {
        let planned =
            tree::parse(&text).and_then(|root| edit::plan(&text, &root, &o.path.0, &o.value));
        match planned {
            Ok(e) => {
                text = e.apply(&text);
                lines.0.extend(e.inserted);
            }
            Err(msg) => errors.push((o.path.to_string(), msg)),
        }
    }
    if errors.is_empty() {
        Ok((text, lines))
    } else {
        Err(errors)
    }
}

/// A workload manifest file being edited.
#[derive(Debug, Clone)]
pub struct ManifestText {
    /// Its path.
    pub path: PathBuf,
    /// Its (edited) text.
    pub text: String,
    /// Lines added.
    pub lines: LineMap,
}

/// One object of a manifest file: the document and the path to it inside the document.
struct Found {
    file: usize,
    doc: usize,
    item: Option<usize>,
    kind: String,
    name: String,
}

/// Every object of `files` (List items included) with its kind and name.
fn objects(files: &[ManifestText]) -> Vec<Found> {
    let mut found = Vec::new();
    for (file, m) in files.iter().enumerate() {
        for (doc, d) in split_documents(&m.text).iter().enumerate() {
            let Ok(root) = tree::parse(d.text) else {
                continue; // the manifest reader reports it
            };
            let describe = |n: &Node| {
                let kind = n.get_str("kind").unwrap_or_default().to_owned();
                let name = n
                    .get("metadata")
                    .and_then(|m| m.value.get_str("name"))
                    .unwrap_or_default()
                    .to_owned();
                (kind, name)
            };
            match (root.value.get_str("kind"), root.value.get("items")) {
                (Some("List"), Some(items)) => {
                    if let Node::Seq(items) = &items.value {
                        for (i, item) in items.iter().enumerate() {
                            let (kind, name) = describe(&item.value);
                            found.push(Found {
                                file,
                                doc,
                                item: Some(i),
                                kind,
                                name,
                            });
                        }
                    }
                }
                _ => {
                    let (kind, name) = describe(&root.value);
                    found.push(Found {
                        file,
                        doc,
                        item: None,
                        kind,
                        name,
                    });
                }
            }
        }
    }
    found
}

/// The one object `selector` (`NAME` or `Kind/NAME`) names, preferring workload kinds.
fn resolve<'a>(found: &'a [Found], selector: &str) -> Result<&'a Found, String> {
    let (kind, name) = match selector.split_once('/') {
        Some((k, n)) => (Some(k), n),
        None => (None, selector),
    };
    let mut hits: Vec<&Found> = found
        .iter()
        .filter(|f| f.name == name && kind.is_none_or(|k| f.kind == k))
        .collect();
    if hits.len() > 1 {
        hits.retain(|f| WORKLOAD_KINDS.contains(&f.kind.as_str()));
    }
    let all = |list: &mut dyn Iterator<Item = &Found>| {
        list.map(|f| format!("{}/{}", f.kind, f.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match hits.as_slice() {
        [one] => Ok(one),
        [] => Err(format!(
            "no object {selector:?} in the scenario's workloads (found: {})",
            all(&mut found.iter())
        )),
        many => Err(format!(
            "{selector:?} names several objects ({}): write workloads[Kind/{name}]",
            all(&mut many.iter().copied())
        )),
    }
}

/// Applies the `workloads[NAME]...` overrides to the workload manifest files.
/// Errors are `(path, message)`.
pub fn apply_to_manifests(
    files: &mut [ManifestText],
    overrides: &[Override],
) -> Result<(), Vec<(String, String)>> {
    let mut errors = Vec::new();
    for o in overrides {
        let Some((selector, inner)) = o.workload() else {
            continue;
        };
        if let Err(msg) = apply_one(files, selector, &inner, &o.value) {
            errors.push((o.path.to_string(), msg));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

fn apply_one(
    files: &mut [ManifestText],
    selector: &str,
    inner: &[Segment],
    value: &Scalar,
) -> Result<(), String> {
    if inner.is_empty() {
        return Err("expected a field after the object, e.g. workloads[web].replicas".into());
    }
    let found = objects(files);
    let target = resolve(&found, selector)?;
    let m = &mut files[target.file];
    let docs = split_documents(&m.text);
    let doc = &docs[target.doc];
    let root = tree::parse(doc.text)?;
    let object = match target.item {
        None => &root,
        Some(i) => match root.value.get("items").map(|n| &n.value) {
            Some(Node::Seq(items)) => &items[i],
            _ => unreachable!("objects() found a List item here"),
        },
    };
    let e = edit::plan(doc.text, object, inner, value).map_err(|e| {
        format!(
            "{} (in {}/{} of {})",
            e,
            target.kind,
            target.name,
            m.path.display()
        )
    })?;
    let doc_start = doc.text.as_ptr() as usize - m.text.as_ptr() as usize;
    let inserted = e.inserted.map(|(l, n)| (l + doc.line_offset, n));
    let shifted = edit::Edit {
        start: e.start + doc_start,
        end: e.end + doc_start,
        ..e
    };
    m.text = shifted.apply(&m.text);
    m.lines.0.extend(inserted);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_arguments_parse_their_value_as_yaml() {
        let o = Override::parse("cluster.nodes[worker].count=20").unwrap();
        assert_eq!(o.value, Scalar::Int(20));
        assert_eq!(o.to_string(), "cluster.nodes[worker].count=20");
        let o = Override::parse("runtime.image_pull=30s").unwrap();
        assert_eq!(o.value, Scalar::Str("30s".into()));
        assert!(Override::parse("seed")
            .unwrap_err()
            .contains("expected PATH=VALUE"));
        assert!(Override::parse("seed=")
            .unwrap_err()
            .contains("expected a value"));
        assert!(Override::parse("seed=[1, 2]")
            .unwrap_err()
            .contains("a list"));
        assert!(Override::parse("workloads[web].replicas=3")
            .unwrap()
            .is_workload());
        assert!(!Override::parse("workloads[0]=a.yaml")
            .unwrap()
            .is_workload());
    }

    #[test]
    fn line_maps_undo_insertions() {
        // Two lines added at line 2, then one at line 10 (of the twice-edited text).
        let m = LineMap(vec![(2, 2), (10, 1)]);
        assert_eq!(m.original(1), Some(1));
        assert_eq!(m.original(2), None);
        assert_eq!(m.original(4), Some(2));
        assert_eq!(m.original(9), Some(7));
        assert_eq!(m.original(10), None);
        assert_eq!(m.original(11), Some(8));
    }

    const WEB: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n";

    fn manifest(text: &str) -> Vec<ManifestText> {
        vec![ManifestText {
            path: "web.yaml".into(),
            text: text.into(),
            lines: LineMap::default(),
        }]
    }

    #[test]
    fn workload_fields_are_found_by_name_and_kind() {
        let mut files = manifest(WEB);
        let o = Override::parse("workloads[web].replicas=5").unwrap();
        apply_to_manifests(&mut files, &[o]).unwrap();
        assert!(
            files[0].text.contains("  replicas: 5\n---"),
            "{}",
            files[0].text
        );
        let o = Override::parse("workloads[Service/web].metadata.labels.app=x").unwrap();
        apply_to_manifests(&mut files, &[o]).unwrap();
        assert!(
            files[0]
                .text
                .ends_with("  name: web\n  labels:\n    app: \"x\"\n"),
            "{}",
            files[0].text
        );
        assert_eq!(files[0].lines.original(14), Some(12));
        let o = Override::parse("workloads[api].replicas=5").unwrap();
        let e = apply_to_manifests(&mut files, &[o]).unwrap_err();
        assert!(
            e[0].1.contains("no object \"api\"") && e[0].1.contains("Deployment/web, Service/web"),
            "{e:?}"
        );
    }
}
