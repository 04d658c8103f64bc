//! Bad input: every problem gets one clear error naming the file, the line (where there is
//! one), the field and what was expected; the program exits non-zero without a panic and
//! leaves earlier results untouched.

use std::path::{Path, PathBuf};
use std::process::Command;

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("k8sim-bad-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const SCENARIO: &str = "name: bad\nseed: 1\nduration: 10m\ncluster:\n  nodes:\n    - name: n\n      count: 2\n      allocatable: {cpu: \"4\", memory: 8Gi}\nworkloads:\n  - app.yaml\n";

const GOOD_APP: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: c\n        image: nginx\n        resources:\n          requests: {cpu: 100m}\n";

/// Writes the scenario with `app` as its manifest, runs `k8sim run`, and returns
/// (exit code, stderr, results root).
fn run_with(tag: &str, app: &str) -> (i32, String, PathBuf) {
    let dir = temp_dir(tag);
    std::fs::write(dir.join("scenario.yaml"), SCENARIO).unwrap();
    std::fs::write(dir.join("app.yaml"), app).unwrap();
    let out = dir.join("results");
    let o = Command::new(env!("CARGO_BIN_EXE_k8sim"))
        .args(["run", "-q"])
        .arg(dir.join("scenario.yaml"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "panic on {tag}: {stderr}");
    (o.status.code().unwrap_or(-1), stderr, out)
}

fn assert_error(tag: &str, app: &str, needles: &[&str]) {
    let (code, stderr, _) = run_with(tag, app);
    assert_ne!(code, 0, "{tag} should fail");
    for n in needles {
        assert!(stderr.contains(n), "{tag}: expected {n:?} in:\n{stderr}");
    }
}

#[test]
fn good_input_runs() {
    let (code, stderr, out) = run_with("good", GOOD_APP);
    assert_eq!(code, 0, "{stderr}");
    assert!(out.join("bad/default/seed-1/pods.csv").exists());
}

#[test]
fn invalid_yaml_names_file_and_line() {
    assert_error(
        "yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: [unclosed\n",
        &["app.yaml:", "invalid YAML"],
    );
}

#[test]
fn unknown_kind_names_line_and_field() {
    assert_error(
        "kind",
        "apiVersion: v1\nkind: Frobnicator\nmetadata: {name: x}\n",
        &["app.yaml:2", "`kind`", "unknown kind \"Frobnicator\""],
    );
}

#[test]
fn wrong_api_version_says_what_was_expected() {
    let app = GOOD_APP.replace("apps/v1", "extensions/v1beta1");
    assert_error(
        "apiversion",
        &app,
        &["app.yaml:1", "`apiVersion`", "expected apiVersion apps/v1"],
    );
}

#[test]
fn bad_quantity_names_the_resource_field() {
    let app = GOOD_APP.replace("cpu: 100m", "cpu: 12Gx");
    assert_error(
        "quantity",
        &app,
        &[
            "app.yaml:17",
            "spec.template.spec.containers[0].resources.requests.cpu",
            "\"12Gx\"",
        ],
    );
}

#[test]
fn negative_replicas_is_rejected() {
    let app = GOOD_APP.replace("replicas: 2", "replicas: -1");
    assert_error(
        "replicas",
        &app,
        &["app.yaml:6", "`spec.replicas`", "non-negative"],
    );
}

#[test]
fn selector_must_match_template_labels() {
    let app = GOOD_APP.replace("matchLabels: {app: web}", "matchLabels: {app: other}");
    assert_error(
        "selector",
        &app,
        &["app.yaml:8", "`spec.selector`", "does not match template"],
    );
}

#[test]
fn duplicate_names_point_at_both_definitions() {
    let app = format!("{GOOD_APP}---\n{GOOD_APP}");
    assert_error(
        "dup",
        &app,
        &["app.yaml:19", "duplicate Deployment \"web\"", "app.yaml:1"],
    );
}

#[test]
fn missing_manifest_is_named_in_the_scenario() {
    let dir = temp_dir("missing");
    std::fs::write(dir.join("scenario.yaml"), SCENARIO).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_k8sim"))
        .arg("run")
        .arg(dir.join("scenario.yaml"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(
        stderr.contains("scenario.yaml:10")
            && stderr.contains("`workloads[0]`")
            && stderr.contains("app.yaml"),
        "{stderr}"
    );
}

#[test]
fn missing_scenario_file_is_an_error_not_a_panic() {
    let o = Command::new(env!("CARGO_BIN_EXE_k8sim"))
        .args(["run", "/nonexistent/scenario.yaml"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(
        stderr.contains("/nonexistent/scenario.yaml") && stderr.contains("cannot read"),
        "{stderr}"
    );
}

#[test]
fn earlier_results_are_untouched_by_a_failed_run() {
    let (code, _, out) = run_with("keep", GOOD_APP);
    assert_eq!(code, 0);
    let pods = out.join("bad/default/seed-1/pods.csv");
    let before = std::fs::read(&pods).unwrap();
    // Same folder, now with a broken manifest.
    let dir = out.parent().unwrap();
    std::fs::write(
        dir.join("app.yaml"),
        GOOD_APP.replace("cpu: 100m", "cpu: 12Gx"),
    )
    .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_k8sim"))
        .args(["run", "-q"])
        .arg(dir.join("scenario.yaml"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert_eq!(std::fs::read(&pods).unwrap(), before);
    let leftovers: Vec<_> = std::fs::read_dir(out.join("bad/default"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "no temporary folder left behind: {leftovers:?}"
    );
}

#[test]
fn validate_reports_every_problem_at_once() {
    let dir = temp_dir("validate");
    let app = GOOD_APP
        .replace("cpu: 100m", "cpu: 12Gx")
        .replace("replicas: 2", "replicas: -3");
    std::fs::write(dir.join("app.yaml"), app).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_k8sim"))
        .arg("validate")
        .arg(dir.join("app.yaml"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(
        stderr.contains("spec.replicas") && stderr.contains("12Gx"),
        "{stderr}"
    );
    let _ = Path::new(&dir);
}
