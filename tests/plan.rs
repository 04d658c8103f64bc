//! `k8sim plan` on hand-computable cases (issue 16): N replicas of 1 CPU on 4-CPU nodes
//! need ⌈N/4⌉ nodes (more with a DaemonSet per node), losing a zone or the busiest node
//! asks for what survives it, the row below the answer is in plan.csv as the proof, and
//! bad arguments are refused before anything runs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn temp(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("k8sim-plan-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn plan(scenario: &str, extra: &[&str], out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_k8sim"))
        .arg("plan")
        .arg(Path::new("tests/data/plan").join(scenario))
        .args(extra)
        .arg("--out")
        .arg(out)
        .output()
        .expect("run k8sim plan")
}

/// The first stdout line, and plan.csv's rows as (counts…, fault, pass) strings.
fn answer(o: &Output, out: &Path, scenario: &str) -> (String, Vec<Vec<String>>) {
    let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        o.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let csv = std::fs::read_to_string(out.join(scenario).join("plan/plan.csv")).unwrap();
    let rows = csv
        .lines()
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect();
    (stdout.lines().next().unwrap_or("").to_owned(), rows)
}

/// `--node-group worker --slo 'pods_never_scheduled == 0'` and `extra`.
fn worker_never_unscheduled<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "--node-group",
        "worker",
        "--slo",
        "pods_never_scheduled == 0",
    ];
    args.extend(extra);
    args
}

#[test]
fn ten_one_cpu_replicas_on_four_cpu_nodes_need_three_and_two_is_the_proof() {
    let out = temp("pack");
    let o = plan(
        "pack.yaml",
        &worker_never_unscheduled(&["--seeds", "1..3"]),
        &out,
    );
    let (first, rows) = answer(&o, &out, "plan-pack");
    assert!(
        first.starts_with("worker: 3 nodes of 4 cpu / 16Gi — 2 fails pods_never_scheduled = 2.000"),
        "{first}"
    );
    assert_eq!(
        rows[0],
        [
            "worker",
            "seed",
            "fault",
            "node_lost",
            "pods_never_scheduled",
            "pass"
        ]
    );
    let proof: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == "2").collect();
    assert_eq!(proof.len(), 3, "count − 1 ran for every seed");
    assert!(proof.iter().all(|r| r[5] == "false" && r[4] == "2.000"));
    let answer: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == "3").collect();
    assert!(answer.len() == 3 && answer.iter().all(|r| r[5] == "true"));
    let dir = out.join("plan-pack/plan");
    for f in ["plan.png", "plan.svg", "report.html"] {
        assert!(dir.join(f).is_file(), "{f}");
    }
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(
        html.contains("worker: 3 nodes of 4 cpu / 16Gi"),
        "the answer leads the page"
    );
    assert!(html.contains("<svg"), "the plot is inlined");
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn a_daemonset_on_every_node_raises_the_answer_to_ceil_n_over_three() {
    let out = temp("ds");
    let o = plan(
        "pack-ds.yaml",
        &[
            "--node-group",
            "worker",
            "--slo",
            "pods_never_scheduled == 0",
        ],
        &out,
    );
    let (first, _) = answer(&o, &out, "plan-pack-ds");
    assert!(
        first.starts_with("worker: 4 nodes of 4 cpu / 16Gi — 3 fails"),
        "{first}"
    );
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn losing_a_zone_asks_for_the_cheapest_mix_that_survives_any_zone() {
    let out = temp("zones");
    let groups = [
        "--node-group",
        "zone-a",
        "--node-group",
        "zone-b",
        "--node-group",
        "zone-c",
    ];
    let mut args = groups.to_vec();
    args.extend(["--slo", "pods_never_scheduled == 0", "--max", "4"]);
    let (first, _) = answer(&plan("zones.yaml", &args, &out), &out, "plan-zones");
    assert!(
        first.starts_with("zone-a=1 zone-b=1 zone-c=1 — the smallest count allowed"),
        "{first}"
    );
    // Every pair of zones must hold 12 CPU: three nodes per pair, five in all.
    args.extend(["--faults", "zones", "--fault-at", "2m"]);
    let (first, rows) = answer(&plan("zones.yaml", &args, &out), &out, "plan-zones");
    assert!(
        first.starts_with("zone-a=1 zone-b=2 zone-c=2 — "),
        "{first}"
    );
    assert!(
        first.contains(" fails pods_never_scheduled = ") && first.contains("lost at 2m"),
        "{first}"
    );
    let cases: Vec<&str> = rows[1..4].iter().map(|r| r[4].as_str()).collect();
    assert_eq!(cases, ["a lost at 2m", "b lost at 2m", "c lost at 2m"]);
    // A mix passes when every zone's loss passes: none of four nodes or fewer does.
    let mut verdicts: std::collections::BTreeMap<Vec<String>, bool> = Default::default();
    for r in &rows[1..] {
        *verdicts.entry(r[..3].to_vec()).or_insert(true) &= r[7] == "true";
    }
    assert!(verdicts.len() > 2, "several mixes were tried: {verdicts:?}");
    for (mix, pass) in &verdicts {
        let nodes: u32 = mix.iter().map(|n| n.parse::<u32>().unwrap()).sum();
        assert_eq!(
            *pass,
            nodes >= 5 && mix.iter().filter(|n| *n == "1").count() <= 1,
            "{mix:?}"
        );
    }
    // The same count per zone: one node per zone fails a zone's loss, two survive it.
    let mut same = args.clone();
    same.push("--same-count");
    let (first, _) = answer(&plan("zones.yaml", &same, &out), &out, "plan-zones");
    assert!(
        first.starts_with("zone-a, zone-b, zone-c: 2 nodes each of 4 cpu / 16Gi — 1 fails "),
        "{first}"
    );
    // A zone back after 3 minutes, before its pods are evicted (50 s + 300 s): three do.
    args.extend(["--recover-after", "3m"]);
    let (first, _) = answer(&plan("zones.yaml", &args, &out), &out, "plan-zones");
    assert!(
        first.starts_with("zone-a=1 zone-b=1 zone-c=1 — "),
        "{first}"
    );
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn losing_the_busiest_node_needs_one_node_more() {
    let out = temp("nodes");
    let o = plan(
        "pack.yaml",
        &worker_never_unscheduled(&["--faults", "nodes"]),
        &out,
    );
    let (first, rows) = answer(&o, &out, "plan-pack");
    assert!(
        first.starts_with("worker: 4 nodes of 4 cpu / 16Gi — 3 fails"),
        "{first}"
    );
    assert!(
        rows[1..].iter().all(|r| r[3].starts_with("worker-")),
        "the node lost is named"
    );
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn per_workload_slos_and_durations_are_judged() {
    let out = temp("workload");
    let o = plan(
        "pack.yaml",
        &[
            "--node-group",
            "worker",
            "--slo",
            "web:pending_age_max_s < 1m",
            "--slo",
            "pending_age_p99_s <= 30s",
        ],
        &out,
    );
    let (first, rows) = answer(&o, &out, "plan-pack");
    assert!(first.starts_with("worker: 3 nodes"), "{first}");
    assert_eq!(rows[0][4], "web:pending_age_max_s");
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn bad_arguments_are_refused_before_anything_runs() {
    let out = temp("bad");
    let cases: [(&[&str], &str); 8] = [
        (
            &["--node-group", "worker", "--slo", "pending_age_p99_s 30s"],
            "no comparison",
        ),
        (
            &["--node-group", "worker", "--slo", "latency < 3"],
            "unknown figure \"latency\"",
        ),
        (
            &[
                "--node-group",
                "worker",
                "--slo",
                "pending_age_p99_s < 30 parsecs",
            ],
            "in seconds",
        ),
        (
            &[
                "--node-group",
                "worker",
                "--slo",
                "api:pending_age_max_s < 1m",
            ],
            "no workload named \"api\"",
        ),
        (
            &["--node-group", "gpu", "--slo", "pods_never_scheduled == 0"],
            "no node group named so",
        ),
        (
            &[
                "--node-group",
                "worker",
                "--slo",
                "pods_never_scheduled == 0",
                "--min",
                "5",
                "--max",
                "2",
            ],
            "--min 5 is larger than --max 2",
        ),
        (
            &[
                "--node-group",
                "worker",
                "--slo",
                "pods_never_scheduled == 0",
                "--faults",
                "nodes",
                "--fault-at",
                "2h",
            ],
            "the scenario ends at",
        ),
        (
            &[
                "--node-group",
                "worker",
                "--slo",
                "pods_never_scheduled == 0",
                "--faults",
                "zones",
            ],
            "losing a zone needs at least two",
        ),
    ];
    for (args, want) in cases {
        let o = plan("pack.yaml", args, &out);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(
            !o.status.success() && stderr.contains(want),
            "{args:?}: {stderr}"
        );
        assert!(!out.exists(), "{args:?}: nothing is written");
    }
    // An SLO no count up to --max meets: an error naming --max, after the runs.
    let o = plan(
        "pack.yaml",
        &[
            "--node-group",
            "worker",
            "--slo",
            "pods_never_scheduled == 0",
            "--max",
            "2",
        ],
        &out,
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success() && stderr.contains("no count up to --max 2 meets every SLO"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&out);
}
