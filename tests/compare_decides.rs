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
    let mut lines = stdout.lines();
    assert!(
        lines.next().is_some_and(|l| l.starts_with("winner: ")),
        "{stdout}"
    );
    assert!(
        lines
            .next()
            .is_some_and(|l| l.starts_with("figures that differ between schedulers: ")),
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

/// The done-when: the compare of the showcase scenario leads with the figures
/// that differ and names a winner, in the terminal and in report.html; the wall-clock
/// cost per decision is printed and written beside, not in comparison.csv.
#[test]
fn the_showcase_compare_leads_with_what_differs_and_names_a_winner() {
    let out = temp("showcase");
    let o = k8sim(&[
        "compare",
        "scenarios/showcase.yaml",
        "--schedulers",
        "default,most-allocated",
        "--seeds",
        "1..2",
        "--out",
        &out,
    ]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let first: Vec<&str> = stdout.lines().take(3).collect();
    assert!(first[0].starts_with("winner: "), "{stdout}");
    let differing: usize = first[1]
        .strip_prefix("figures that differ between schedulers: ")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(differing > 0, "{stdout}");
    // Bin-packing uses fewer nodes: the figure the issue found missing from the plots.
    let nodes = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("nodes_used_avg "))
        .unwrap_or_else(|| panic!("nodes_used_avg differs: {stdout}"));
    assert!(
        nodes.contains("lower") && nodes.contains("most-allocated"),
        "{nodes}"
    );
    assert!(
        stdout.contains("wall-clock per scheduling decision"),
        "{stdout}"
    );
    let dir = std::path::Path::new(&out).join("showcase/compare");
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    let verdict = html
        .find("<section id=\"verdict\">")
        .expect("verdict section");
    let summary = html.find("<section id=\"summary-section\">").unwrap();
    assert!(verdict < summary, "the verdict leads the report");
    let winner = first[0].strip_prefix("winner: ").unwrap();
    assert!(html[verdict..summary].contains(winner.split(' ').next().unwrap()));
    assert!(html[verdict..summary].contains("<strong>"));
    assert!(dir.join("plots/compare_nodes_used.png").is_file());
    let comparison = std::fs::read_to_string(dir.join("comparison.csv")).unwrap();
    assert!(
        !comparison.contains("wall"),
        "timings stay out of comparison.csv"
    );
    assert!(dir.join("decision_cost.csv").is_file());
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
