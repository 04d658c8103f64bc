//! `k8sim compare` that decides: figures that differ lead, `--baseline` differences,
//! `--fail-if` gates as CI would use them; the shipped deploy manifests validate.

use std::process::{Command, Output};

fn k8sim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_k8sim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

fn temp(tag: &str) -> String {
    let dir = std::env::temp_dir().join(format!("k8sim-decides-{}-{tag}", std::process::id()));
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    dir.to_string_lossy().into_owned()
}

#[test]
fn compare_leads_with_differing_figures_and_gates_regressions() {
    let out = temp("gate");
    let base = [
        "compare",
        "scenarios/seed.yaml",
        "--schedulers",
        "default,most-allocated",
        "--seeds",
        "1..3",
        "--baseline",
        "default",
        "--out",
        &out,
    ];
    // pods_created is the same under both schedulers, so `>= baseline` trips for the
    // candidate and `> baseline` does not.
    let mut args = base.to_vec();
    args.extend(["--fail-if", "pods_created >= baseline"]);
    let o = k8sim(&args);
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "the gate should fail the command");
    assert!(
        stdout.starts_with("figures that differ between schedulers: "),
        "{stdout}"
    );
    assert!(
        stdout.contains("difference from default, paired by seed"),
        "{stdout}"
    );
    assert!(stdout.contains("equal for every scheduler: ") && stdout.contains("pods_created"));
    assert!(
        stderr.contains("--fail-if: regression") && stderr.contains("most-allocated: pods_created"),
        "{stderr}"
    );
    let mut args = base.to_vec();
    args.extend(["--fail-if", "pods_created > baseline", "-q"]);
    let o = k8sim(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // Regression: `k8sim report DIR/compare` failed with "missing summary.csv".
    let o = k8sim(&["report", &format!("{out}/seed/compare")]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let mut args = base.to_vec();
    args.extend(["--fail-if", "speed > baseline"]);
    let o = k8sim(&args);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success() && stderr.contains("unknown figure \"speed\""),
        "{stderr}"
    );
    let o = k8sim(&[
        "compare",
        "--schedulers",
        "default",
        "--fail-if",
        "cost > baseline",
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("give --baseline NAME"), "{stderr}");
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn the_indexed_job_merge_job_and_sweep_file_validate() {
    let o = k8sim(&[
        "validate",
        "deploy/kubernetes/sweep-job.yaml",
        "deploy/kubernetes/merge-job.yaml",
        "scenarios/sweeps/nodes-vs-policy.yaml",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let job = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/kubernetes/sweep-job.yaml"),
    )
    .unwrap();
    // completions = shards: the Job's completions and the --shards argument agree.
    assert!(job.contains("completionMode: Indexed"));
    assert!(job.contains("completions: 3") && job.contains("- --shards\n            - \"3\""));
}
