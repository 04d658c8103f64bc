//! Every scenario, sweep and plan example committed under `scenarios/` passes `k8sim validate`:
//! a benchmark scenario that the input limits reject cannot be measured (xl.yaml once
//! named a Job of 150,000 completions, above the 100,000 ceiling).

use std::path::PathBuf;
use std::process::Command;

/// The committed top-level scenarios and the sweep files, sorted.
fn committed_files() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files = Vec::new();
    for dir in [root.clone(), root.join("sweeps"), root.join("plan")] {
        for entry in std::fs::read_dir(&dir).expect("scenarios folder") {
            let path = entry.expect("directory entry").path();
            if path.extension().is_some_and(|e| e == "yaml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_committed_scenario_and_sweep_validates() {
    let files = committed_files();
    assert!(
        files.iter().any(|f| f.ends_with("xl.yaml")),
        "the scan must see the benchmark scenarios: {files:?}"
    );
    for file in &files {
        let out = Command::new(env!("CARGO_BIN_EXE_k8sim"))
            .arg("validate")
            .arg(file)
            .output()
            .expect("run k8sim validate");
        assert!(
            out.status.success(),
            "{} does not validate:\n{}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
