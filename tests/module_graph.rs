//! The module graph is layered, as ARCHITECTURE.md draws it: a top-level module of the
//! crate may use modules of lower layers only, never a module of its own layer or above.
//! A layered graph has no cycles, so this test also fails on any circular dependency
//! between top-level modules. It reads every `crate::X` path in `src/` (comments left out,
//! unit-test modules included: a test does not get to import upwards either).

#[allow(dead_code)]
mod common;

use common::rust_files;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The layers, lowest first. Each top-level module of `src/` is in exactly one.
const LAYERS: &[&[&str]] = &[
    // Plain data and the clock.
    &["engine", "model"],
    &["cluster", "scenario"],
    &["metrics", "scheduler"],
    // Act on the cluster through their narrow contexts.
    &["controllers", "kubelet", "autoscaler"],
    &["sim"],
    // Readers of files, and the sweep's plain data.
    &["input", "sweep"],
    // Views and writers of a run.
    &["kubectl", "output", "plan"],
    &["gpu"],
    &["cli"],
];

/// Upward edges that are known and not yet removed, each with where it comes from. The
/// test fails when one of them disappears too, so the list cannot go stale.
const KNOWN_UPWARD: &[(&str, &str, &str)] = &[];

/// Macros exported at the crate root, with the module that defines them.
const ROOT_MACROS: &[(&str, &str)] = &[("kubernetes_version", "model")];

fn layer_of(module: &str) -> usize {
    LAYERS
        .iter()
        .position(|layer| layer.contains(&module))
        .unwrap_or_else(|| panic!("top-level module `{module}` is in no layer of this test"))
}

/// The top-level module a file of `src/` belongs to (`None` for `lib.rs` and `main.rs`).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel.components().next()?.as_os_str().to_str()?.to_string();
    let name = first.trim_end_matches(".rs").to_string();
    (name != "lib" && name != "main").then_some(name)
}

/// Every `crate::X` a file names outside comments.
fn crate_paths(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let before = rest[..at].chars().last();
            rest = &rest[at + "crate::".len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
                continue;
            }
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

/// (from, to) → the files of `from` that use `to`, for every pair of distinct top-level
/// modules.
fn edges() -> BTreeMap<(String, String), BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut edges: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let Some(from) = module_of(&src, &file) else {
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        for name in crate_paths(&text) {
            let to = ROOT_MACROS
                .iter()
                .find(|(m, _)| *m == name)
                .map_or(name.clone(), |(_, owner)| owner.to_string());
            if to != from {
                let rel = file.strip_prefix(&src).unwrap().display().to_string();
                edges.entry((from.clone(), to)).or_default().insert(rel);
            }
        }
    }
    edges
}

#[test]
fn every_top_level_module_uses_only_lower_layers() {
    let mut upward = Vec::new();
    let mut known_seen = BTreeSet::new();
    for ((from, to), files) in edges() {
        if layer_of(&to) < layer_of(&from) {
            continue;
        }
        if let Some(known) = KNOWN_UPWARD.iter().find(|(f, t, _)| *f == from && *t == to) {
            known_seen.insert(known.2);
            continue;
        }
        let files: Vec<_> = files.into_iter().collect();
        upward.push(format!("{from} -> {to} (in {})", files.join(", ")));
    }
    assert!(
        upward.is_empty(),
        "imports of a module in the same or a higher layer:\n{}",
        upward.join("\n")
    );
    for (from, to, why) in KNOWN_UPWARD {
        assert!(
            known_seen.contains(why),
            "{from} -> {to} is gone: take it off KNOWN_UPWARD ({why})"
        );
    }
}

#[test]
fn every_top_level_module_is_in_a_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        if let Some(module) = module_of(&src, &path) {
            layer_of(&module);
        }
    }
}

#[test]
fn the_reader_sees_crate_paths_and_skips_comments() {
    let text = "use crate::sim::Simulation;\n// crate::output is only mentioned\nlet x = $crate::model::y; foo(crate::cluster::Pod)";
    let found: Vec<_> = crate_paths(text).into_iter().collect();
    assert_eq!(found, ["cluster", "sim"]);
}
