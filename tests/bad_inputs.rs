//! The bad-input corpus (issue 13 item 5): every file under `tests/bad_inputs/` is a
//! scenario, manifest or KubeSchedulerConfiguration with one fault, listed in
//! `tests/bad_inputs/expected.tsv` with a fragment its error must contain. `k8sim validate`
//! must reject each with a non-zero exit, no panic, and every line in the one
//! `error: FILE:LINE: field `PATH`: ...` format.

use std::path::{Path, PathBuf};
use std::process::Command;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_inputs")
}

/// (file, fragment) pairs of expected.tsv.
fn cases() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(corpus_dir().join("expected.tsv"))
        .expect("tests/bad_inputs/expected.tsv is committed");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (file, fragment) = l
                .split_once('\t')
                .unwrap_or_else(|| panic!("expected FILE<TAB>FRAGMENT, found {l:?}"));
            (file.to_string(), fragment.to_string())
        })
        .collect()
}

/// `k8sim validate FILE` run from the corpus folder: (exit code, stdout, stderr).
fn validate(file: &str) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_k8sim"))
        .current_dir(corpus_dir())
        .args(["validate", file])
        .output()
        .expect("k8sim runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_bad_input_is_rejected_with_its_message() {
    let cases = cases();
    assert!(cases.len() >= 60, "the corpus needs at least 60 entries");
    let mut failures = Vec::new();
    for (file, fragment) in &cases {
        let (code, stdout, stderr) = validate(file);
        let problem = if code != Some(1) {
            Some(format!("exit code {code:?}, expected 1"))
        } else if stderr.contains("panicked") {
            Some("panicked".to_string())
        } else if !stdout.trim().is_empty() {
            Some(format!("printed on stdout: {stdout}"))
        } else if let Some(l) = stderr.lines().find(|l| !l.starts_with("error: ")) {
            Some(format!("line without the `error: ` prefix: {l:?}"))
        } else if !stderr.contains(fragment.as_str()) {
            Some(format!("expected {fragment:?}"))
        } else {
            None
        };
        if let Some(p) = problem {
            failures.push(format!("{file}: {p}\n  stderr: {stderr}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_corpus_file_is_listed_and_every_listed_file_exists() {
    let listed: std::collections::BTreeSet<String> = cases().into_iter().map(|(f, _)| f).collect();
    let on_disk: std::collections::BTreeSet<String> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    assert_eq!(listed, on_disk);
}

/// The faults are the only problem: the helpers the corpus builds on validate.
#[test]
fn the_corpus_helpers_are_valid() {
    for file in [
        "support/good-scenario.yaml",
        "support/good-scheduler.yaml",
        "support/app.yaml",
    ] {
        let (code, stdout, stderr) = validate(file);
        assert_eq!(code, Some(0), "{file}: {stderr}");
        assert!(stdout.contains("ok: "), "{file}: {stdout}");
    }
}
